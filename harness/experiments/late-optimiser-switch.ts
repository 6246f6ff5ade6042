/**
 * `late-optimiser-switch` (Im, Tao & Branson 2016 §3.3; survey §5.1.3): is the minimum already chosen
 * late in training? One optimiser (the first) trains each initialisation for the whole budget — the
 * unswitched run. Switched runs follow the same first optimiser, from the same initialisation and the
 * same minibatch order, up to a switch epoch (a fraction of the budget), and then train with each of the
 * second optimisers (several learning rates, against overshooting) for the rest of the budget. Each
 * switched solution is compared with the unswitched one: training loss along the straight line between
 * them (a barrier means different basins) and the fraction of held-out images they classify differently.
 *
 * Up to the switch a switched run is the unswitched run itself: trainMlp draws one permutation per epoch
 * from its rng, so the same rng fork gives the same first epochs. After the switch the second optimiser
 * starts with fresh state and its own minibatch order.
 *
 * Evidence → metrics: per pair (seed, switch epoch, second optimiser) `losses` along θ(t) = (1 − t)·θ_switched
 * + t·θ_unswitched at `t`, `relativeBarrier` = (max_t L − max of the ends) / mean of the ends, and
 * `disagreement` (from the stored `predictions` of both solutions on the test images).
 * `barrierFraction.<k>` = fraction of pairs at the k-th switch (in the order given; the last is the
 * latest) with relativeBarrier ≥ barrierThreshold, `meanDisagreement.<k>`; `barrierFractionLatest`,
 * `meanDisagreementLatest`, `minDisagreementLatest` and `medianBarrierLatest` for the latest switch;
 * `unswitchedLoss`, `switchedLoss` (means over seeds / pairs) and `testAccuracy` of the unswitched runs.
 */
import type { Tensor2D } from '@tensorflow/tfjs';
import { MNIST_CLASSES, type MnistFeatures, mnistClassification, mnistClassificationSchema, mnistFeatureDim } from '../../datasets/mnist-classification';
import { type TfjsMlpSpec, tfjsParameterCount } from '../../models/tfjs/layout';
import type { OptimizerSpec } from '../../models/tfjs/train';
import { datasetSha256 } from '../../datasets/synthetic';
import { linearGrid } from '../../numerics/density';
import { interpolate } from '../../models/directions';
import { meanOrNaN, median } from '../fit';
import type { ExperimentKind } from '../registry';
import type { ExperimentOutput, JsonValue, PlotSpec } from '../types';
import { disagreement, relativeBarrier } from './optimiser-interpolation';
import { type SafeActivation, type TfjsEngine, initialTheta, loadTfjsEngine, lossAt, mlpNetworkSchema, optimizerSchema } from './tfjs-support';

export interface LateOptimiserSwitchParams {
  data: { trainImages: number; testImages: number; features: MnistFeatures };
  /** No hidden widths: softmax regression. */
  network: { hiddenWidths: number[]; activation: SafeActivation };
  first: { name: string; optimizer: OptimizerSpec };
  /** The optimisers switched to (e.g. one method at several learning rates). */
  second: { name: string; optimizer: OptimizerSpec }[];
  training: { epochs: number; batchSize: number };
  /** Epochs of the first optimiser before each switch, increasing, each below `training.epochs`. */
  switchEpochs: number[];
  seeds: number;
  interpolationPoints: number;
  barrierThreshold: number;
}

interface Pair {
  seed: number;
  switchIndex: number;
  second: number;
  t: number[];
  losses: number[];
  relativeBarrier: number;
  disagreement: number;
  switchedLoss: number;
  predictions: Int32Array;
}

interface Unswitched {
  seed: number;
  loss: number;
  accuracy: number;
  predictions: Int32Array;
}


export const lateOptimiserSwitch: ExperimentKind<LateOptimiserSwitchParams> = {
  name: 'late-optimiser-switch',
  precisions: ['float32'],
  description: 'Switching optimiser late in training: barriers and held-out disagreement between switched and unswitched solutions.',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['data', 'network', 'first', 'second', 'training', 'switchEpochs', 'seeds', 'interpolationPoints', 'barrierThreshold'],
    properties: {
      data: mnistClassificationSchema,
      network: mlpNetworkSchema({ allowNoHidden: true }),
      first: { type: 'object', additionalProperties: false, required: ['name', 'optimizer'], properties: { name: { type: 'string', minLength: 1 }, optimizer: optimizerSchema } },
      second: {
        type: 'array',
        minItems: 1,
        items: { type: 'object', additionalProperties: false, required: ['name', 'optimizer'], properties: { name: { type: 'string', minLength: 1 }, optimizer: optimizerSchema } },
      },
      training: {
        type: 'object',
        additionalProperties: false,
        required: ['epochs', 'batchSize'],
        properties: { epochs: { type: 'integer', minimum: 2 }, batchSize: { type: 'integer', minimum: 2 } },
      },
      switchEpochs: { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 1 },
      seeds: { type: 'integer', minimum: 1 },
      interpolationPoints: { type: 'integer', minimum: 3 },
      barrierThreshold: { type: 'number', exclusiveMinimum: 0 },
    },
  },
  metrics: (p) => [
    ...p.switchEpochs.flatMap((_, k) => [`barrierFraction.${k}`, `meanDisagreement.${k}`]),
    'barrierFractionLatest',
    'meanDisagreementLatest',
    'minDisagreementLatest',
    'medianBarrierLatest',
    'unswitchedLoss',
    'switchedLoss',
    'testAccuracy',
  ],
  check(p) {
    const problems: { path: string; message: string }[] = [];
    if (p.switchEpochs.some((e, k) => e >= p.training.epochs || (k > 0 && e <= p.switchEpochs[k - 1]))) {
      problems.push({ path: '/switchEpochs', message: `must increase and stay below the ${p.training.epochs} epochs` });
    }
    if (p.training.batchSize > p.data.trainImages) problems.push({ path: '/training/batchSize', message: `exceeds the ${p.data.trainImages} training images` });
    return problems;
  },
  cost(p) {
    // tfjs (wasm): ≈ 3e-8 s per example and parameter per training pass, a third of it for a loss alone.
    const dim = tfjsParameterCount({ widths: [mnistFeatureDim(p.data.features), ...p.network.hiddenWidths, MNIST_CLASSES], activation: p.network.activation });
    const { epochs } = p.training;
    const epochsPerSeed = epochs + p.switchEpochs.reduce((s, at) => s + at + p.second.length * (epochs - at), 0);
    const lines = p.switchEpochs.length * p.second.length * p.interpolationPoints;
    return {
      seconds: p.seeds * 3e-8 * dim * p.data.trainImages * (epochsPerSeed + lines / 3),
      memoryBytes: 4 * (p.data.trainImages + p.data.testImages) * 800 + 8 * dim * (2 + p.switchEpochs.length * p.second.length),
    };
  },
  async run(params, ctx): Promise<ExperimentOutput> {
    const engine = await loadTfjsEngine();
    const split = mnistClassification(params.data);
    const spec: TfjsMlpSpec = { widths: [split.train.inputDim, ...params.network.hiddenWidths, MNIST_CLASSES], activation: params.network.activation };
    const objective = engine.tfjsMlpObjective(spec, { kind: 'softmax-ce-mean' });
    const train = engine.tfjsDataset(split.train);
    const test = engine.tfjsDataset(split.test);
    const testLabels = Int32Array.from({ length: split.test.n }, (_, s) => split.test.y.subarray(s * MNIST_CLASSES, (s + 1) * MNIST_CLASSES).indexOf(1));
    const t = Array.from(linearGrid(0, 1, params.interpolationPoints));
    const { epochs, batchSize } = params.training;
    const unswitched: Unswitched[] = [];
    const pairs: Pair[] = [];
    const total = params.seeds * (1 + params.switchEpochs.length * params.second.length);
    const trainWith = async (optimizer: OptimizerSpec, from: Float32Array, runEpochs: number, label: string, what: string): Promise<Float32Array> => {
      const trained = await engine.trainMlp(objective, train, from, { optimizer, epochs: runEpochs, batchSize, rng: ctx.rng.fork(label) });
      if (trained.diverged !== undefined) throw new Error(`${what} diverged: ${trained.diverged}`);
      return trained.theta;
    };
    try {
      for (let seed = 0; seed < params.seeds; seed++) {
        const theta0 = initialTheta(spec, ctx.rng.fork(`init ${seed}`));
        const end = await trainWith(params.first.optimizer, theta0, epochs, `minibatches ${seed}`, `${params.first.name}, seed ${seed}`);
        const endPredictions = await predict(engine, spec, end, test.x);
        unswitched.push({ seed, loss: await lossAt(engine, objective, train, end), accuracy: 1 - disagreement(endPredictions, testLabels), predictions: endPredictions });
        for (let switchIndex = 0; switchIndex < params.switchEpochs.length; switchIndex++) {
          const at = params.switchEpochs[switchIndex];
          const switchPoint = await trainWith(params.first.optimizer, theta0, at, `minibatches ${seed}`, `${params.first.name} to epoch ${at}, seed ${seed}`);
          for (let second = 0; second < params.second.length; second++) {
            const { name, optimizer } = params.second[second];
            const switched = await trainWith(optimizer, switchPoint, epochs - at, `after switch ${seed} ${at} ${second}`, `${name} after epoch ${at}, seed ${seed}`);
            const losses: number[] = [];
            for (const ti of t) losses.push(await lossAt(engine, objective, train, interpolate(switched, end, ti)));
            const predictions = await predict(engine, spec, switched, test.x);
            pairs.push({ seed, switchIndex, second, t, losses, relativeBarrier: relativeBarrier(losses), disagreement: disagreement(predictions, endPredictions), switchedLoss: losses[0], predictions });
            ctx.progress(unswitched.length + pairs.length, total);
          }
        }
      }
    } finally {
      engine.tf.dispose([train, test]);
    }
    return report(params, unswitched, pairs, { trainSha256: datasetSha256(split.train), testSha256: datasetSha256(split.test), recipe: params.data as unknown as JsonValue });
  },
};

/** Predicted test classes (no batch norm in this kind, so no statistics are needed). */
async function predict(engine: TfjsEngine, spec: TfjsMlpSpec, theta: Float32Array, x: Tensor2D): Promise<Int32Array> {
  const { tf } = engine;
  const classes = tf.tidy(() => tf.argMax(engine.mlpOutputs(spec, tf.tensor1d(theta), x), 1));
  const values = Int32Array.from(await classes.data());
  classes.dispose();
  return values;
}

function report(params: LateOptimiserSwitchParams, unswitched: Unswitched[], pairs: Pair[], data: JsonValue): ExperimentOutput {
  const withBarrier = (list: Pair[]): number => list.filter((p) => p.relativeBarrier >= params.barrierThreshold).length / list.length;
  const metrics: Record<string, number> = {};
  params.switchEpochs.forEach((_, k) => {
    const own = pairs.filter((p) => p.switchIndex === k);
    metrics[`barrierFraction.${k}`] = withBarrier(own);
    metrics[`meanDisagreement.${k}`] = meanOrNaN(own.map((p) => p.disagreement));
  });
  const latest = pairs.filter((p) => p.switchIndex === params.switchEpochs.length - 1);
  metrics.barrierFractionLatest = withBarrier(latest);
  metrics.meanDisagreementLatest = meanOrNaN(latest.map((p) => p.disagreement));
  metrics.minDisagreementLatest = Math.min(...latest.map((p) => p.disagreement));
  metrics.medianBarrierLatest = median(latest.map((p) => p.relativeBarrier));
  metrics.unswitchedLoss = meanOrNaN(unswitched.map((u) => u.loss));
  metrics.switchedLoss = meanOrNaN(pairs.map((p) => p.switchedLoss));
  metrics.testAccuracy = meanOrNaN(unswitched.map((u) => u.accuracy));
  const label = (p: Pair): string => `${params.second[p.second].name} after epoch ${params.switchEpochs[p.switchIndex]}`;
  const plots: PlotSpec[] = params.switchEpochs.map((at, k) => ({
    id: `line-switch-${k}`,
    title: `Loss between the solution switched to another optimiser after epoch ${at} of ${params.training.epochs} and the unswitched ${params.first.name} solution`,
    caption: 't = 0: switched solution, t = 1: unswitched. A hump between the ends means the two runs ended in different basins (survey §5.1.3). One line per seed and second optimiser.',
    x: { label: 't' },
    y: { label: 'training loss', scale: 'log' },
    series: pairs.filter((p) => p.switchIndex === k).map((p) => ({ name: `${label(p)}, seed ${p.seed}`, group: params.second[p.second].name, mark: 'line' as const, x: p.t, y: p.losses })),
  }));
  plots.push({
    id: 'disagreement-by-switch',
    title: 'Held-out disagreement with the unswitched solution, by switch epoch',
    caption: 'Fraction of test images on which a switched solution and the unswitched one predict different classes.',
    x: { label: 'switch epoch' },
    y: { label: 'disagreement' },
    series: params.second.map(({ name }, j) => ({
      name,
      mark: 'points' as const,
      x: pairs.filter((p) => p.second === j).map((p) => params.switchEpochs[p.switchIndex]),
      y: pairs.filter((p) => p.second === j).map((p) => p.disagreement),
    })),
  });
  return {
    metrics,
    evidence: {
      description: `Per seed, the unswitched ${params.first.name} run: training loss (all ${params.data.trainImages} training images), test accuracy and predicted classes of the first ${params.data.testImages} test images. Per pair (seed, switch epoch, second optimiser): the training loss along θ(t) = (1 − t)·θ_switched + t·θ_unswitched, its relative barrier and the switched solution's predicted test classes; disagreement is the fraction of test images whose predictions differ. data: sha256 of the training and test arrays (as datasets/synthetic.ts datasetSha256) and the MNIST recipe.`,
      data,
      switchEpochs: params.switchEpochs,
      barrierThreshold: params.barrierThreshold,
      unswitched: unswitched.map((u) => ({ seed: u.seed, loss: u.loss, accuracy: u.accuracy, predictions: Array.from(u.predictions) })),
      pairs: pairs.map((p) => ({
        seed: p.seed,
        switchEpoch: params.switchEpochs[p.switchIndex],
        second: params.second[p.second].name,
        t: p.t,
        losses: p.losses,
        relativeBarrier: p.relativeBarrier,
        disagreement: p.disagreement,
        predictions: Array.from(p.predictions),
      })),
    },
    plots,
  };
}
