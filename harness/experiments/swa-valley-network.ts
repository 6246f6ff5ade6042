/**
 * `swa-valley-network` (He, Huang & Yuan 2019, "Asymmetric valleys", survey Fig. 19), part 2: the
 * theorem's one-dimensional picture (`asymmetric-valley`) in a network. An MLP with batch norm is trained
 * by SGD to w_sgd; SGD then continues from w_sgd at a constant learning rate and its epoch-end iterates
 * are averaged into w_swa (stochastic weight averaging). Along u = (w_swa − w_sgd)/‖w_swa − w_sgd‖ the
 * training loss should rise slowly on the +u side and steeply on the −u side, with w_swa displaced from
 * the line's minimum towards the flat (+u) side.
 *
 * Every point of the line is scored with batch-norm statistics recomputed on the whole training set at
 * that point (SWA's BN update), so no point is favoured by statistics that belong to another. The scored
 * loss is the training cross-entropy, without the l2 penalty that training minimises too: with batch
 * norm the penalty mostly measures the weight norm, which weight decay shrinks slowly and steadily while
 * the network's function stays put, so along u it would report that drift rather than the valley.
 *
 * The line's minimum is refined from the grid by the parabola through the lowest grid point and its two
 * neighbours, so the offset of w_swa from it is not quantised to the grid step. How well w_swa's own
 * position along u is determined is estimated from the averaged epoch-end iterates w_k: their positions
 * τ_k = (w_k − w_swa)·d/‖d‖² (d = w_swa − w_sgd, in units of t) have standard deviation σ_τ, and the
 * average of K of them is placed to about σ_τ/√K (epoch iterates are correlated, so this is a lower
 * bound). `displaced` asks the offset to exceed both one grid step and twice that error:
 * `swaOffsetMargin` = swaOffset / max(grid step, 2·swaPositionError). Counterfactuals: `swa.average:
 * false` puts the last iterate of the constant-rate phase in w_swa's place (its position error is σ_τ,
 * one iterate's spread), and `batchNorm: false` drops batch norm, which He et al. hold responsible for
 * the asymmetry.
 *
 * Recomputing the metrics from `evidence.json` alone: `line` holds every t with its training
 * cross-entropy (the scored loss). The grid minimum is the lowest point; `lineMinimumPosition` is the
 * vertex of the parabola through it and its neighbours, `swaOffset` its negative; the rises are the
 * losses at grid minimum ± `asymmetryDistance` (linear interpolation between line points) minus the
 * minimum loss, `asymmetryRatio` = rise(−) / rise(+), `slope*Side` = rise / (asymmetryDistance ·
 * `distance`). `swaIteratePositions` are the τ_k; `swaPositionError` = sd(τ, n − 1)/√K (or sd alone when
 * `averaged` is false); `gridStep` = 2·reach/(points − 1). The other metrics are line values at t = −1
 * (w_sgd) and t = 0 (w_swa). `data` holds the sha256 of the training and test arrays (float64 bytes of x
 * then of the one-hot y, as datasets/synthetic.ts `datasetSha256`) and the recipe that rebuilds them.
 */
import * as tf from '@tensorflow/tfjs';
import { type TfjsDataset, tfjsDataset } from '../../models/tfjs/data';
import { type TfjsMlpSpec, tfjsParameterCount } from '../../models/tfjs/layout';
import { type TfjsMlpObjective, tfjsMlpObjective } from '../../models/tfjs/objective';
import { type TrainResult, trainMlp } from '../../models/tfjs/train';
import type { ExperimentKind } from '../registry';
import type { Rng } from '../rng';
import type { ExperimentOutput, PlotSpec } from '../types';
import { parabolicVertex } from '../fit';
import { datasetSha256 } from '../../datasets/synthetic';
import { MNIST_CLASSES, type MnistClassificationSpec, mnistClassification, mnistClassificationSchema, mnistFeatureDim } from '../../datasets/mnist-classification';
import { CLASSIFICATION_LOSS, disposeStatistics, ensureTfjsBackend, initialTheta, mnistFeatureSeconds, scoreClassifier, tfjsSeconds } from './tfjs-support';

export interface SwaValleyNetworkParams {
  data: MnistClassificationSpec;
  /** Hidden layer widths; batch norm on each, ReLU, softmax cross-entropy (mean). */
  hiddenWidths: number[];
  /**
   * Coefficient of the penalty l2·‖θ‖² in the training objective (PyTorch weight decay 2·l2). Without it
   * cross-entropy on separable data has no minimum: the loss keeps falling as the logits grow.
   */
  l2: number;
  momentum: number;
  batchSize: number;
  /** SGD phases to w_sgd, e.g. a learning rate and then a tenth of it (momentum restarts at each phase). */
  sgd: { learningRate: number; epochs: number }[];
  /**
   * SGD from w_sgd at a constant learning rate; w_swa averages the iterate at the end of every epoch
   * (`average: false`, a counterfactual, takes the last iterate instead).
   */
  swa: { learningRate: number; epochs: number; average?: boolean };
  /** Batch norm after every hidden dense layer (default true). */
  batchNorm?: boolean;
  /**
   * The line w_swa + t·(w_swa − w_sgd), so w_sgd sits at t = −1: t in [−reach, reach] at `points`
   * equally spaced values (plus t = −1 and 0 exactly). The asymmetry compares the loss rise at distance
   * `asymmetryDistance` (same units) on either side of the line's minimum.
   */
  line: { reach: number; points: number; asymmetryDistance: number };
}

interface LinePoint {
  t: number;
  /** What SGD minimises: training cross-entropy + l2·‖θ‖². */
  trainObjective: number;
  /** The scored training loss (see the module comment). */
  trainCrossEntropy: number;
  trainAccuracy: number;
  testCrossEntropy: number;
  testAccuracy: number;
}

const object = { type: 'object', additionalProperties: false } as const;
const phaseSchema = {
  ...object,
  required: ['learningRate', 'epochs'],
  properties: { learningRate: { type: 'number', exclusiveMinimum: 0 }, epochs: { type: 'integer', minimum: 1 } },
};

export const swaValleyNetwork: ExperimentKind<SwaValleyNetworkParams> = {
  name: 'swa-valley-network',
  precisions: ['float32'],
  description: 'Training loss of a batch-normalised MLP along the line from the SGD solution through its SWA average: asymmetry of the valley and where SWA sits in it.',
  paramsSchema: {
    ...object,
    required: ['data', 'hiddenWidths', 'l2', 'momentum', 'batchSize', 'sgd', 'swa', 'line'],
    properties: {
      data: mnistClassificationSchema,
      hiddenWidths: { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 1 },
      l2: { type: 'number', minimum: 0 },
      momentum: { type: 'number', minimum: 0, exclusiveMaximum: 1 },
      batchSize: { type: 'integer', minimum: 2 },
      sgd: { type: 'array', items: phaseSchema, minItems: 1 },
      swa: { ...phaseSchema, properties: { ...phaseSchema.properties, average: { type: 'boolean' } } },
      batchNorm: { type: 'boolean' },
      line: {
        ...object,
        required: ['reach', 'points', 'asymmetryDistance'],
        properties: { reach: { type: 'number', minimum: 1 }, points: { type: 'integer', minimum: 3 }, asymmetryDistance: { type: 'number', exclusiveMinimum: 0 } },
      },
    },
  },
  metrics: () => [
    'asymmetryRatio',
    'swaOffset',
    'swaOffsetMargin',
    'swaPositionError',
    'gridStep',
    'lineMinimumPosition',
    'lineMinimumGridPosition',
    'slopePlusSide',
    'slopeMinusSide',
    'swaExcessLoss',
    'sgdLoss',
    'swaLoss',
    'sgdObjective',
    'swaObjective',
    'sgdTestLoss',
    'swaTestLoss',
    'sgdTestAccuracy',
    'swaTestAccuracy',
    'distance',
  ],
  check(p) {
    const n = p.data.trainImages;
    const problems = p.batchSize > n ? [{ path: '/batchSize', message: `exceeds the ${n} training images` }] : [];
    if (p.swa.epochs < 2) problems.push({ path: '/swa/epochs', message: 'at least 2: the position error of w_swa needs two averaged iterates' });
    return problems;
  },
  cost(p) {
    // The SGD phases and the SWA phase, then a score on the training and test sets (`scoreClassifier`:
    // batch-norm statistics, outputs and loss) at every point of the line (w_sgd and w_swa included).
    const spec: TfjsMlpSpec = { widths: [mnistFeatureDim(p.data.features), ...p.hiddenWidths, MNIST_CLASSES], activation: 'relu', batchNorm: p.batchNorm ?? true };
    const epochs = p.sgd.reduce((n, phase) => n + phase.epochs, 0) + p.swa.epochs;
    const steps = epochs * Math.floor(p.data.trainImages / p.batchSize);
    const scores = p.line.points + 2;
    const work = { steps, trainingExamples: steps * p.batchSize, forwardExamples: scores * (3 * p.data.trainImages + 2 * p.data.testImages) };
    return { seconds: mnistFeatureSeconds(p.data) + tfjsSeconds(spec, work), memoryBytes: 4 * tfjsParameterCount(spec) * (p.swa.epochs + 4) + 12 * (p.data.trainImages + p.data.testImages) * 800 };
  },
  async run(params, ctx): Promise<ExperimentOutput> {
    await ensureTfjsBackend();
    const data = mnistClassification(params.data);
    const spec: TfjsMlpSpec = { widths: [data.train.inputDim, ...params.hiddenWidths, MNIST_CLASSES], activation: 'relu', batchNorm: params.batchNorm ?? true };
    const objective = tfjsMlpObjective(spec, { ...CLASSIFICATION_LOSS, l2: params.l2 });
    const train = tfjsDataset(data.train);
    const test = tfjsDataset(data.test);
    const stages = params.sgd.length + 2;
    try {
      const trace: { phase: string; epoch: number; loss: number }[] = [];
      let sgdTheta = initialTheta(spec, ctx.rng.fork('init'));
      for (const [i, phase] of params.sgd.entries()) {
        const name = `sgd ${i + 1}`;
        const result = await runPhase(objective, train, sgdTheta, params, { ...phase, name }, ctx.rng.fork(`minibatches ${name}`), false);
        trace.push(...result.trace.map(({ epoch, loss }) => ({ phase: name, epoch, loss })));
        sgdTheta = result.theta;
        ctx.progress(i + 1, stages);
      }
      const swaRun = await runPhase(objective, train, sgdTheta, params, { ...params.swa, name: 'swa' }, ctx.rng.fork('minibatches swa'), true);
      trace.push(...swaRun.trace.map(({ epoch, loss }) => ({ phase: 'swa', epoch, loss })));
      // Averaging starts at the phase's first epoch, so the average always exists.
      const averaged = params.swa.average ?? true;
      const swaTheta = averaged ? (swaRun.swaTheta as Float32Array) : swaRun.theta;
      ctx.progress(params.sgd.length + 1, stages);

      const direction = swaTheta.map((v, k) => v - sgdTheta[k]);
      const distance = Math.sqrt(direction.reduce((sum, v) => sum + v * v, 0));
      if (!(distance > 0)) throw new Error('w_swa equals w_sgd: the line between them is undefined');
      const ts = lineParameters(params.line);
      const line: LinePoint[] = [];
      for (const t of ts) {
        const theta = swaTheta.map((v, k) => v + t * direction[k]);
        const penalty = params.l2 * theta.reduce((sum, v) => sum + v * v, 0);
        const score = await scoreClassifier(objective, theta, train, test);
        line.push({
          t,
          trainObjective: score.train.loss,
          trainCrossEntropy: score.train.loss - penalty,
          trainAccuracy: score.train.accuracy,
          testCrossEntropy: score.test.loss - penalty,
          testAccuracy: score.test.accuracy,
        });
      }
      ctx.progress(stages, stages);
      const distanceSquared = distance * distance;
      const positions = (swaRun.swaIterates as Float32Array[]).map((w) => w.reduce((sum, v, k) => sum + (v - swaTheta[k]) * direction[k], 0) / distanceSquared);
      const evidenceData = {
        recipe: `MNIST (the IDX files of datasets/mnist.ts): the first ${params.data.trainImages} training and first ${params.data.testImages} test images in file order, features ${JSON.stringify(params.data.features)} fitted on the training images (datasets/mnist-classification.ts), one-hot labels`,
        trainSha256: datasetSha256(data.train),
        testSha256: datasetSha256(data.test),
      };
      return report(params, line, distance, trace, { averaged, positions }, evidenceData);
    } finally {
      tf.dispose([train, test]);
    }
  },
};

/** One phase of SGD with momentum; throws on divergence, since a diverged phase leaves no solution to study. */
async function runPhase(
  objective: TfjsMlpObjective,
  train: TfjsDataset,
  theta0: Float32Array,
  params: SwaValleyNetworkParams,
  phase: { learningRate: number; epochs: number; name: string },
  rng: Rng,
  average: boolean,
): Promise<TrainResult> {
  const result = await trainMlp(objective, train, theta0, {
    optimizer: { kind: 'sgd', learningRate: phase.learningRate, momentum: params.momentum },
    epochs: phase.epochs,
    batchSize: params.batchSize,
    rng,
    swa: average ? { startEpoch: 1, keepIterates: true } : undefined,
  });
  // The line is scored with statistics recomputed at every point, so the training-time ones are not needed.
  disposeStatistics([result.runningStatistics, result.swaRunningStatistics]);
  if (result.diverged !== undefined) throw new Error(`phase ${phase.name} diverged: ${result.diverged}`);
  return result;
}

/** The line's t values: `points` equally spaced in [−reach, reach], with w_sgd (−1) and w_swa (0) exactly on it. */
export function lineParameters({ reach, points }: SwaValleyNetworkParams['line']): number[] {
  const marked = [-1, 0];
  const intervals = points - 1;
  // An integer numerator keeps grid values exact where they can be (−reach + 2·reach·i/intervals gives
  // −0.09999999999999964 for −0.1); values that still miss a marked point by rounding are snapped onto it.
  const ts = Array.from({ length: points }, (_, i) => {
    const t = ((2 * i - intervals) * reach) / intervals;
    return marked.find((m) => Math.abs(t - m) < 1e-9 * reach) ?? t;
  });
  return [...new Set([...ts, ...marked])].sort((a, b) => a - b);
}

/** f at t by linear interpolation between the nearest line points (ts increasing, t within them). */
function interpolate(ts: number[], f: number[], t: number): number {
  const i = Math.min(Math.max(ts.findIndex((s) => s >= t), 1), ts.length - 1);
  const w = (t - ts[i - 1]) / (ts[i] - ts[i - 1]);
  return (1 - w) * f[i - 1] + w * f[i];
}

export interface ValleyShape {
  /** t of the line's minimum: the vertex of the parabola through the lowest grid point and its neighbours. */
  minimumPosition: number;
  /** t of the lowest grid point. */
  gridMinimumPosition: number;
  minimumLoss: number;
  /** Loss rise at the asymmetry distance beyond the minimum on the +u side and on the −u side. */
  risePlus: number;
  riseMinus: number;
}

/** Where the line's minimum is and how fast the loss rises on each side of it. */
export function valleyShape(ts: number[], losses: number[], distance: number): ValleyShape {
  const lowest = losses.indexOf(Math.min(...losses));
  const gridMinimumPosition = ts[lowest];
  const plus = gridMinimumPosition + distance;
  const minus = gridMinimumPosition - distance;
  if (minus < ts[0] || plus > ts[ts.length - 1]) {
    throw new Error(`the line's minimum at t = ${gridMinimumPosition} is within ${distance} of an end of the line [${ts[0]}, ${ts[ts.length - 1]}]: widen line.reach`);
  }
  const minimumLoss = losses[lowest];
  return {
    minimumPosition: parabolicVertex(ts, losses, lowest),
    gridMinimumPosition,
    minimumLoss,
    risePlus: interpolate(ts, losses, plus) - minimumLoss,
    riseMinus: interpolate(ts, losses, minus) - minimumLoss,
  };
}

function report(
  params: SwaValleyNetworkParams,
  line: LinePoint[],
  distance: number,
  trace: { phase: string; epoch: number; loss: number }[],
  iterates: { averaged: boolean; positions: number[] },
  data: { recipe: string; trainSha256: string; testSha256: string },
): ExperimentOutput {
  const ts = line.map((p) => p.t);
  const losses = line.map((p) => p.trainCrossEntropy);
  const at = (t: number): LinePoint => line[ts.indexOf(t)];
  const sgd = at(-1);
  const swa = at(0);
  const r = params.line.asymmetryDistance;
  const shape = valleyShape(ts, losses, r);
  // Slopes in loss per unit of parameter distance: t is in units of ‖w_swa − w_sgd‖.
  const slope = (rise: number): number => rise / (r * distance);
  const { positions, averaged } = iterates;
  const meanPosition = positions.reduce((a, b) => a + b, 0) / positions.length;
  const spread = Math.sqrt(positions.reduce((a, v) => a + (v - meanPosition) ** 2, 0) / (positions.length - 1));
  const swaPositionError = averaged ? spread / Math.sqrt(positions.length) : spread;
  const gridStep = (2 * params.line.reach) / (params.line.points - 1);
  const metrics = {
    asymmetryRatio: shape.riseMinus / shape.risePlus,
    swaOffset: -shape.minimumPosition,
    swaOffsetMargin: -shape.minimumPosition / Math.max(gridStep, 2 * swaPositionError),
    swaPositionError,
    gridStep,
    lineMinimumPosition: shape.minimumPosition,
    lineMinimumGridPosition: shape.gridMinimumPosition,
    slopePlusSide: slope(shape.risePlus),
    slopeMinusSide: slope(shape.riseMinus),
    swaExcessLoss: swa.trainCrossEntropy - shape.minimumLoss,
    sgdLoss: sgd.trainCrossEntropy,
    swaLoss: swa.trainCrossEntropy,
    sgdObjective: sgd.trainObjective,
    swaObjective: swa.trainObjective,
    sgdTestLoss: sgd.testCrossEntropy,
    swaTestLoss: swa.testCrossEntropy,
    sgdTestAccuracy: sgd.testAccuracy,
    swaTestAccuracy: swa.testAccuracy,
    distance,
  };
  return {
    metrics,
    evidence: {
      description:
        'The line w_swa + t·(w_swa − w_sgd) (w_sgd at t = −1, w_swa at 0): at every t the training objective (cross-entropy + l2·‖θ‖²), the training cross-entropy (the scored loss), training accuracy, test cross-entropy and accuracy, batch norm with statistics of the whole training set at that point; ‖w_swa − w_sgd‖; the minibatch-loss trace of every phase. The +u side is t > 0.',
      data,
      distance,
      reach: params.line.reach,
      points: params.line.points,
      asymmetryDistance: r,
      averaged,
      swaIteratePositions: positions,
      line: line.map((p) => ({ ...p })),
      trace: trace.map((p) => ({ ...p })),
    },
    plots: [linePlot(line, sgd, swa, shape, r)],
  };
}

function linePlot(line: LinePoint[], sgd: LinePoint, swa: LinePoint, shape: ValleyShape, r: number): PlotSpec {
  const ts = line.map((p) => p.t);
  return {
    id: 'line',
    title: 'Loss along the direction from the SGD solution through the SWA average (w_sgd at t = −1, w_swa at t = 0)',
    caption: `Batch-norm statistics recomputed on the training set at every point. The asymmetry compares the training cross-entropy's rise at distance ${r} on either side of the line's minimum (t = ${shape.minimumPosition.toFixed(2)}).`,
    x: { label: 't (units of ‖w_swa − w_sgd‖)' },
    y: { label: 'loss', scale: 'log' },
    series: [
      { name: 'training objective (cross-entropy + l2 penalty)', mark: 'line', x: ts, y: line.map((p) => p.trainObjective) },
      { name: 'training cross-entropy', mark: 'line', x: ts, y: line.map((p) => p.trainCrossEntropy) },
      { name: 'test cross-entropy', mark: 'line', x: ts, y: line.map((p) => p.testCrossEntropy) },
      { name: 'w_sgd', mark: 'points', x: [-1, -1, -1], y: [sgd.trainObjective, sgd.trainCrossEntropy, sgd.testCrossEntropy] },
      { name: 'w_swa', mark: 'points', x: [0, 0, 0], y: [swa.trainObjective, swa.trainCrossEntropy, swa.testCrossEntropy] },
      { name: 'minimum of the training cross-entropy on the line', mark: 'points', x: [shape.minimumPosition], y: [shape.minimumLoss] },
    ],
  };
}
