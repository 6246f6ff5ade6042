/**
 * `optimiser-interpolation` (Im, Tao & Branson 2016; survey §5.1.1–5.1.4): one initialisation is trained
 * by several optimisers, with and without batch normalisation, over several seeds. Between every pair
 * of solutions that share a seed and a batch-norm setting, the training loss is sampled along the
 * straight line θ(t) = (1 − t)θ_a + tθ_b, and the two networks' predictions are compared on held-out
 * images. The spread of the final losses across seeds is compared with and without batch norm.
 *
 * Batch norm along a line: every θ is evaluated with the statistics of the whole training set at that θ
 * (training-mode normalisation over the full set, recomputed at each point); held-out predictions use
 * the same whole-training-set statistics as fixed evaluation statistics. `treatment: 'none'` trains the
 * second setting without batch norm too (a control: both settings are then the same experiment).
 *
 * Evidence, and how each metric is recomputed from it alone:
 * - `barrierFraction` (and per setting): the fraction of `pairs` whose `losses` along t have
 *   (max − max of the two ends) / mean of the two ends ≥ barrierThreshold; `medianRelativeBarrier` the
 *   median of that quantity.
 * - `meanDisagreement`, `minDisagreement`: per pair, the fraction of positions where the two solutions'
 *   `predictions` (solutions with the same setting and seed, optimisers `from` and `to`) differ.
 * - `lossSpread*`: per optimiser, the sample standard deviation (n − 1) over seeds of `finalLoss`,
 *   averaged over optimisers; `spreadRatio` = with / without batch norm. `meanFinalLoss*`,
 *   `meanTestAccuracy*`: means of `finalLoss`, `testAccuracy`.
 * - θ, the data (`data.recipe`, `data.train.sha256`) and the loss rebuild every number above.
 */
import type { Tensor2D } from '@tensorflow/tfjs';
import { linearGrid } from '../../numerics/density';
import { type TfjsMlpSpec, tfjsParameterCount } from '../../models/tfjs/layout';
import type { OptimizerSpec } from '../../models/tfjs/train';
import { interpolate } from '../../models/directions';
import { meanOrNaN, median } from '../fit';
import type { ExperimentKind } from '../registry';
import type { ExperimentOutput, JsonValue, PlotSeries, PlotSpec } from '../types';
import { MNIST_CLASSES, type MnistFeatures, mnistClassification, mnistClassificationEvidence, mnistClassificationSchema, mnistFeatureDim } from '../../datasets/mnist-classification';
import { readInt32 } from '../../models/tfjs/read';
import { type SafeActivation, type TfjsEngine, initialTheta, loadTfjsEngine, lossAt, mlpNetworkSchema, mnistFeatureSeconds, optimizerSchema, tfjsSeconds } from './tfjs-support';

export interface OptimiserInterpolationParams {
  data: { trainImages: number; testImages: number; features: MnistFeatures };
  network: { hiddenWidths: number[]; activation: SafeActivation };
  /** Each optimiser with a display name; every pair of them is interpolated. */
  optimisers: { name: string; optimizer: OptimizerSpec }[];
  training: { epochs: number; batchSize: number };
  /** Initialisations (each with its own minibatch order, shared by all optimisers and both batch-norm settings). */
  seeds: number;
  /** Points t on [0, 1], ends included. */
  interpolationPoints: number;
  /** A pair has a barrier when max_t L(θ(t)) − max(L(0), L(1)) ≥ barrierThreshold × mean(L(0), L(1)). */
  barrierThreshold: number;
  /** What the second setting gets: batch norm (default), or none, which makes it a twin of the first (a control). */
  treatment?: 'batch-norm' | 'none';
}

const SETTINGS = [
  { key: 'WithoutBatchNorm', label: 'without batch norm', batchNorm: false },
  { key: 'WithBatchNorm', label: 'with batch norm', batchNorm: true },
] as const;

interface Solution {
  setting: number;
  seed: number;
  optimiser: number;
  theta: Float32Array;
  finalLoss: number;
  testAccuracy: number;
  /** Predicted class of every test image. */
  predictions: Int32Array;
  trace: { epoch: number; loss: number }[];
}

interface Pair {
  setting: number;
  seed: number;
  a: number;
  b: number;
  t: number[];
  losses: number[];
  /** (max_t L − max of the ends) / mean of the ends. */
  relativeBarrier: number;
  /** Fraction of test images on which the two solutions' predicted classes differ. */
  disagreement: number;
}

/** The relative barrier of a loss profile along a line (see Pair.relativeBarrier); 0 when the line never rises above its higher end. */
export function relativeBarrier(losses: number[]): number {
  const ends = [losses[0], losses[losses.length - 1]];
  const peak = Math.max(...losses);
  return (peak - Math.max(...ends)) / ((ends[0] + ends[1]) / 2);
}

/** Fraction of positions where two label vectors differ. */
export function disagreement(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) throw new RangeError(`label vectors of lengths ${a.length} and ${b.length}`);
  let differ = 0;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) differ++;
  return differ / a.length;
}

/** Sample standard deviation (n − 1 in the denominator). */
export function sampleStd(values: number[]): number {
  const mean = values.reduce((s, x) => s + x, 0) / values.length;
  return Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / (values.length - 1));
}

export const optimiserInterpolation: ExperimentKind<OptimiserInterpolationParams> = {
  name: 'optimiser-interpolation',
  precisions: ['float32'],
  description: 'Solutions of different optimisers from one initialisation: loss barriers on the lines between them, held-out disagreement, and the spread of final losses with and without batch norm.',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['data', 'network', 'optimisers', 'training', 'seeds', 'interpolationPoints', 'barrierThreshold'],
    properties: {
      data: mnistClassificationSchema,
      network: mlpNetworkSchema({ allowNoHidden: false }),
      optimisers: {
        type: 'array',
        minItems: 2,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'optimizer'],
          properties: { name: { type: 'string', minLength: 1 }, optimizer: optimizerSchema },
        },
      },
      training: {
        type: 'object',
        additionalProperties: false,
        required: ['epochs', 'batchSize'],
        properties: { epochs: { type: 'integer', minimum: 1 }, batchSize: { type: 'integer', minimum: 2 } },
      },
      seeds: { type: 'integer', minimum: 2 },
      interpolationPoints: { type: 'integer', minimum: 3 },
      barrierThreshold: { type: 'number', exclusiveMinimum: 0 },
      treatment: { enum: ['batch-norm', 'none'] },
    },
  },
  metrics: () => [
    'pairs',
    'barrierFraction',
    'medianRelativeBarrier',
    'meanDisagreement',
    'minDisagreement',
    'spreadRatio',
    ...SETTINGS.flatMap(({ key }) => [`barrierFraction${key}`, `lossSpread${key}`, `meanFinalLoss${key}`, `meanTestAccuracy${key}`]),
  ],
  check(p) {
    const problems: { path: string; message: string }[] = [];
    const names = p.optimisers.map((o) => o.name);
    if (new Set(names).size !== names.length) problems.push({ path: '/optimisers', message: 'optimiser names must be distinct' });
    if (p.training.batchSize > p.data.trainImages) problems.push({ path: '/training/batchSize', message: `exceeds the ${p.data.trainImages} training images` });
    return problems;
  },
  cost(p) {
    // With and without batch norm, per seed and optimiser: training, its predictions (batch-norm
    // statistics on the training set, outputs on the test set) and final loss; then the training loss
    // at every interpolation point of every pair of optimisers.
    const { epochs, batchSize } = p.training;
    const steps = epochs * Math.floor(p.data.trainImages / batchSize);
    const runs = p.seeds * p.optimisers.length;
    const pairs = (p.seeds * p.optimisers.length * (p.optimisers.length - 1)) / 2;
    const work = { steps: runs * steps, trainingExamples: runs * steps * batchSize, forwardExamples: runs * (2 * p.data.trainImages + p.data.testImages) + pairs * p.interpolationPoints * p.data.trainImages };
    const widths = [mnistFeatureDim(p.data.features), ...p.network.hiddenWidths, MNIST_CLASSES];
    const seconds = [false, true].reduce((s, batchNorm) => s + tfjsSeconds({ widths, activation: p.network.activation, batchNorm: batchNorm && p.treatment !== 'none' }, work), mnistFeatureSeconds(p.data));
    return { seconds, memoryBytes: 8 * runs * tfjsParameterCount({ widths, activation: p.network.activation, batchNorm: true }) + 12 * (p.data.trainImages + p.data.testImages) * 800 };
  },
  async run(params, ctx): Promise<ExperimentOutput> {
    const engine = await loadTfjsEngine();
    const split = mnistClassification({ features: params.data.features, trainImages: params.data.trainImages, testImages: params.data.testImages });
    const widths = [split.train.inputDim, ...params.network.hiddenWidths, MNIST_CLASSES];
    const train = engine.tfjsDataset(split.train);
    const test = engine.tfjsDataset(split.test);
    const testLabels = Int32Array.from({ length: split.test.n }, (_, s) => split.test.y.subarray(s * MNIST_CLASSES, (s + 1) * MNIST_CLASSES).indexOf(1));
    const solutions: Solution[] = [];
    const pairs: Pair[] = [];
    const total = SETTINGS.length * params.seeds * params.optimisers.length;
    try {
      for (const [setting, { label, batchNorm }] of SETTINGS.entries()) {
        const spec: TfjsMlpSpec = { widths, activation: params.network.activation, batchNorm: batchNorm && params.treatment !== 'none' };
        const objective = engine.tfjsMlpObjective(spec, { kind: 'softmax-ce-mean' });
        const loss = (theta: ArrayLike<number>): Promise<number> => lossAt(engine, objective, train, theta);
        for (let seed = 0; seed < params.seeds; seed++) {
          // The dense initialisation is the same with and without batch norm (γ = 1, β = 0 appended).
          const theta0 = initialTheta(spec, ctx.rng.fork(`init ${seed}`));
          const own: Solution[] = [];
          for (const [optimiser, { name, optimizer }] of params.optimisers.entries()) {
            const trained = await engine.trainMlp(objective, train, theta0, { optimizer, ...params.training, rng: ctx.rng.fork(`minibatches ${seed}`) });
            engine.tf.dispose(trained.runningStatistics ?? []);
            if (trained.diverged !== undefined) throw new Error(`${name} ${label}, seed ${seed}, diverged: ${trained.diverged}`);
            const predictions = await predict(engine, spec, trained.theta, train.x, test.x);
            ctx.progress(solutions.length + optimiser + 1, total);
            own.push({
              setting,
              seed,
              optimiser,
              theta: trained.theta,
              finalLoss: await loss(trained.theta),
              testAccuracy: 1 - disagreement(predictions, testLabels),
              predictions,
              trace: trained.trace,
            });
          }
          solutions.push(...own);
          const t = Array.from(linearGrid(0, 1, params.interpolationPoints));
          for (let a = 0; a < own.length; a++) {
            for (let b = a + 1; b < own.length; b++) {
              const losses: number[] = [];
              for (const ti of t) losses.push(await loss(interpolate(own[a].theta, own[b].theta, ti)));
              pairs.push({ setting, seed, a, b, t, losses, relativeBarrier: relativeBarrier(losses), disagreement: disagreement(own[a].predictions, own[b].predictions) });
            }
          }
        }
      }
    } finally {
      engine.tf.dispose([train, test]);
    }
    return report(params, solutions, pairs, mnistClassificationEvidence(params.data, split));
  },
};

/** Predicted test classes, batch norm (if any) normalising with the whole training set's statistics at θ. */
async function predict(engine: TfjsEngine, spec: TfjsMlpSpec, theta: Float32Array, trainX: Tensor2D, testX: Tensor2D): Promise<Int32Array> {
  const { tf } = engine;
  const classes = tf.tidy(() => {
    const t = tf.tensor1d(theta);
    const statistics = engine.batchStatistics(spec, t, trainX);
    return tf.argMax(engine.mlpOutputs(spec, t, testX, { kind: 'eval', statistics }), 1);
  });
  try {
    return await readInt32(classes);
  } finally {
    classes.dispose();
  }
}


function report(params: OptimiserInterpolationParams, solutions: Solution[], pairs: Pair[], data: JsonValue): ExperimentOutput {
  const withBarrier = (list: Pair[]): number => list.filter((p) => p.relativeBarrier >= params.barrierThreshold).length / list.length;
  const metrics: Record<string, number> = {
    pairs: pairs.length,
    barrierFraction: withBarrier(pairs),
    medianRelativeBarrier: median(pairs.map((p) => p.relativeBarrier)),
    meanDisagreement: meanOrNaN(pairs.map((p) => p.disagreement)),
    minDisagreement: Math.min(...pairs.map((p) => p.disagreement)),
  };
  SETTINGS.forEach(({ key }, setting) => {
    const own = solutions.filter((s) => s.setting === setting);
    metrics[`barrierFraction${key}`] = withBarrier(pairs.filter((p) => p.setting === setting));
    // Spread across seeds for each optimiser, averaged over optimisers: the dependence on initialisation.
    metrics[`lossSpread${key}`] = meanOrNaN(params.optimisers.map((_, o) => sampleStd(own.filter((s) => s.optimiser === o).map((s) => s.finalLoss))));
    metrics[`meanFinalLoss${key}`] = meanOrNaN(own.map((s) => s.finalLoss));
    metrics[`meanTestAccuracy${key}`] = meanOrNaN(own.map((s) => s.testAccuracy));
  });
  metrics.spreadRatio = metrics.lossSpreadWithBatchNorm / metrics.lossSpreadWithoutBatchNorm;
  const names = params.optimisers.map((o) => o.name);
  return {
    metrics,
    evidence: {
      description:
        'Every solution (batch-norm setting, seed, optimiser): θ after training (tfjs layout, models/tfjs/layout.ts), its training loss on the whole training set, test accuracy, predicted test classes and the training trace (mean minibatch loss per epoch). Every pair of solutions sharing a seed and setting: the losses along θ(t) = (1 − t)θ_a + tθ_b, the relative barrier (max_t L − max of the ends) / mean of the ends, and the fraction of test images the two classify differently. Batch norm uses the whole training set’s statistics at each θ. The data: recipe and sha256. The module comment of harness/experiments/optimiser-interpolation.ts says how each metric follows.',
      data,
      optimisers: names,
      solutions: solutions.map((s) => ({
        setting: SETTINGS[s.setting].label,
        seed: s.seed,
        optimiser: names[s.optimiser],
        finalLoss: s.finalLoss,
        testAccuracy: s.testAccuracy,
        trace: s.trace.map((e) => ({ ...e })),
        theta: Array.from(s.theta),
        predictions: Array.from(s.predictions),
      })),
      pairs: pairs.map((p) => ({
        setting: SETTINGS[p.setting].label,
        seed: p.seed,
        from: names[p.a],
        to: names[p.b],
        t: p.t,
        losses: p.losses,
        relativeBarrier: p.relativeBarrier,
        disagreement: p.disagreement,
      })),
    },
    plots: [...SETTINGS.map((_, setting) => interpolationPlot(params, pairs, setting)), finalLossPlot(params, solutions)],
  };
}

function interpolationPlot(params: OptimiserInterpolationParams, pairs: Pair[], setting: number): PlotSpec {
  const names = params.optimisers.map((o) => o.name);
  const series: PlotSeries[] = pairs
    .filter((p) => p.setting === setting)
    .map((p) => ({ name: `${names[p.a]} → ${names[p.b]}, seed ${p.seed}`, group: `${names[p.a]} → ${names[p.b]}`, mark: 'line', x: p.t, y: p.losses }));
  return {
    id: `interpolation-${SETTINGS[setting].key.toLowerCase()}`,
    title: `Loss between optimisers' solutions, ${SETTINGS[setting].label} (survey Fig. 1, 5)`,
    caption: 'Training loss at θ(t) = (1 − t)θ_a + tθ_b between two optimisers’ solutions from the same initialisation; one line per seed and pair.',
    x: { label: 't' },
    y: { label: 'training loss', scale: 'log' },
    series,
  };
}

function finalLossPlot(params: OptimiserInterpolationParams, solutions: Solution[]): PlotSpec {
  const series: PlotSeries[] = SETTINGS.flatMap(({ label }, setting) =>
    params.optimisers.map(({ name }, optimiser) => {
      const own = solutions.filter((s) => s.setting === setting && s.optimiser === optimiser);
      return { name: `${name}, ${label}`, mark: 'points' as const, x: own.map((s) => s.seed), y: own.map((s) => s.finalLoss) };
    }),
  );
  return {
    id: 'final-losses',
    title: 'Final training loss of every seed (survey Fig. 3 and 6)',
    caption: 'Im et al.: re-runs of one algorithm agree more with batch norm than without.',
    x: { label: 'seed' },
    y: { label: 'training loss' },
    series,
  };
}
