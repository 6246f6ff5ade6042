/**
 * `wide-net-training` (wc2022 §6 "Training speed" and "Generalization", App. D.1, E, F.4–F.6; Fig. 2,
 * 3 right, 7, 8, 9, 10): full-batch gradient descent without momentum on fully connected networks of
 * width w (`numerics/wide-net-training`), one run per (depth, activation, learning rate, examples, seed),
 * each with its own random data subset and initialisation, and each a work unit (`ctx.mapUnits`,
 * `wide-net-training-task.ts`: worker threads, or the shards of a sharded run). Per epoch: λmin/λmax of the last layer's Gram,
 * Lemma 9's bound, the loss prediction — Lemma 1's for MSE, Lemma 17's for cross-entropy
 * (`numerics/weak-pl-prediction`) — and for MSE the Lemma 4 + 3 bound.
 *
 * Metrics and the evidence that recomputes them (`evidence.runs[r].epochs[k]`: loss, lambdaMin,
 * lambdaMax, lemma9, gamma, generalisationBound; `runs[r].ratios`, null where γ_k ≤ 0; for
 * cross-entropy γ_k = 1 − lambdaMin/(lambdaMax·loss) recomputes from the same fields):
 * - lambdaMinStableFraction: fraction of runs with max_k λmin / min_k λmin < 2.
 * - lemma9VacuousFraction: fraction of runs whose Lemma 9 bound b_k is ≤ 0 at some epoch.
 * - early/late windows: the first and the last ⌈epochs/4⌉ per-epoch ratios f_{k+1}/(γ_k f_k) (the last
 *   20 of 80 epochs in the paper). lateRatioMedian / earlyRatioMedian: the median over runs of each
 *   run's median ratio in the window (ratios that do not exist left out, and runs with none in the
 *   window); earlyToLateRatio = earlyRatioMedian / lateRatioMedian. finalCumulativeRatioMedian: the median
 *   over runs of the running product at the last epoch (runs where it does not exist left out).
 * - generalisationBoundMin: the smallest final bound over runs; generalisationBoundDecrease: the median
 *   over runs of final bound / initial bound.
 * - transientFraction: fraction of runs whose ln-conditioning trace peaks at an interior epoch at least
 *   TRANSIENT_NATS above its first and its last value.
 */
import * as path from 'node:path';
import { median } from '../fit';
import { WIDE_ACTIVATIONS, type WideActivation } from '../../numerics/normalised-activations';
import type { CostEstimate, ExperimentKind } from '../registry';
import { computeUnits } from '../units';
import { GEMM_FLOPS_PER_SECOND } from './wide-net-conditioning';
import type { ExperimentOutput, JsonValue } from '../types';
import { runName, trainingPlots } from './wide-net-training-plots';
import { type WideNetDataSpec, dataEvidence, wideNetDataSchema } from './wide-net-data';
import type { TrainingRun, TrainingUnitInput } from './wide-net-training-task';

export interface TrainingParams {
  data: WideNetDataSpec;
  examples: number[];
  network: { depths: number[]; width: number; activations: WideActivation[]; renormalise: boolean };
  loss: 'mse' | 'cross-entropy';
  learningRates: number[];
  epochs: number;
  seeds: number;
  /** Lemma 3's loss range M and confidence δ. */
  bound: { lossRange: number; delta: number };
}

/** The runs of a claim, in the order of its evidence: depth, activation, learning rate, examples, seed. */
export function trainingGrid(params: TrainingParams): { depth: number; activation: WideActivation; learningRate: number; examples: number; seed: number }[] {
  return params.network.depths.flatMap((depth) =>
    params.network.activations.flatMap((activation) => params.learningRates.flatMap((learningRate) => params.examples.flatMap((examples) => Array.from({ length: params.seeds }, (_, seed) => ({ depth, activation, learningRate, examples, seed }))))),
  );
}

/** A rise and fall of ln cond larger than this (a 10% change of the condition number) counts as a transient. */
export const TRANSIENT_NATS = 0.1;

export function windowLength(epochs: number): number {
  return Math.max(1, Math.ceil(epochs / 4));
}

export function trainingMetrics(params: TrainingParams, runs: TrainingRun[]): Record<string, number> {
  const metrics: Record<string, number> = {};
  const frac = (f: (r: TrainingRun) => boolean): number => runs.filter(f).length / runs.length;
  metrics.lambdaMinStableFraction = frac((r) => {
    const v = r.epochs.map((e) => e.lambdaMin);
    return Math.max(...v) / Math.min(...v) < 2;
  });
  metrics.lemma9VacuousFraction = frac((r) => r.epochs.some((e) => e.lemma9 <= 0));
  metrics.lambdaMinChangeMedian = median(runs.map((r) => r.epochs[r.epochs.length - 1].lambdaMin / r.epochs[0].lambdaMin));
  metrics.lemma9ChangeMedian = median(runs.map((r) => r.epochs[r.epochs.length - 1].lemma9 / r.epochs[0].lemma9));
  metrics.transientFraction = frac((r) => {
    const v = r.epochs.map((e) => e.logCondition);
    const peak = v.indexOf(Math.max(...v));
    return peak > 0 && peak < v.length - 1 && v[peak] - v[0] >= TRANSIENT_NATS && v[peak] - v[v.length - 1] >= TRANSIENT_NATS;
  });
  const w = windowLength(params.epochs);
  const finite = (v: number[]): number[] => v.filter(Number.isFinite);
  metrics.earlyRatioMedian = median(finite(runs.map((r) => median(finite(r.ratios.slice(0, w))))));
  metrics.lateRatioMedian = median(finite(runs.map((r) => median(finite(r.ratios.slice(-w))))));
  metrics.earlyToLateRatio = metrics.earlyRatioMedian / metrics.lateRatioMedian;
  metrics.finalCumulativeRatioMedian = median(finite(runs.map((r) => r.cumulativeRatios[r.cumulativeRatios.length - 1])));
  if (params.loss === 'mse') {
    metrics.generalisationBoundMin = Math.min(...runs.map((r) => r.epochs[r.epochs.length - 1].generalisationBound!));
    metrics.generalisationBoundDecrease = median(runs.map((r) => r.epochs[r.epochs.length - 1].generalisationBound! / r.epochs[0].generalisationBound!));
  }
  return metrics;
}

/** Estimated cost: per run and epoch the forward and backward products, the last layer's Gram and spectrum, and (MSE) every layer's spectral norm. */
export function trainingCost(params: TrainingParams): CostEstimate {
  const inputDim = params.data.source === 'mnist' ? 784 : 3072;
  const w = params.network.width;
  let flops = 0;
  let memory = 0;
  for (const depth of params.network.depths) {
    for (const n of params.examples) {
      const dims = [inputDim, ...Array.from({ length: depth - 1 }, () => w), 10];
      let products = 0;
      let norms = 0;
      for (let l = 1; l < dims.length; l++) {
        products += 6 * n * dims[l - 1] * dims[l];
        // Lanczos (40 steps, two products each) for hidden layers, eigh of a 10×10 Gram for the output.
        norms += l === dims.length - 1 ? 2 * 100 * dims[l - 1] : 160 * dims[l] * dims[l - 1];
      }
      const perEpoch = products + 2 * n * n * w + 2 * n ** 3 + (params.loss === 'mse' ? norms : 2 * 100 * w);
      flops += params.network.activations.length * params.learningRates.length * params.seeds * (params.epochs + 1) * perEpoch;
      memory = Math.max(memory, 8 * (3 * dims.reduce((s, d, i) => (i > 0 ? s + d * dims[i - 1] : s), 0) + 4 * depth * n * w + 4 * n * n));
    }
  }
  return { seconds: flops / GEMM_FLOPS_PER_SECOND, memoryBytes: memory };
}

const positiveList = (item: Record<string, unknown>) => ({ type: 'array', items: item, minItems: 1, uniqueItems: true });

export const wideNetTraining: ExperimentKind<TrainingParams> = {
  name: 'wide-net-training',
  precisions: ['float64'],
  description: 'Full-batch gradient descent on wide fully connected networks (float64), recording the last layer Gram spectrum, Lemma 9, Lemma 1 and Lemma 3+4 quantities per epoch.',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['data', 'examples', 'network', 'loss', 'learningRates', 'epochs', 'seeds', 'bound'],
    properties: {
      data: wideNetDataSchema,
      examples: positiveList({ type: 'integer', minimum: 2, maximum: 5000 }),
      network: {
        type: 'object',
        additionalProperties: false,
        required: ['depths', 'width', 'activations', 'renormalise'],
        properties: {
          depths: positiveList({ type: 'integer', minimum: 2, maximum: 50 }),
          width: { type: 'integer', minimum: 1, maximum: 20000 },
          activations: positiveList({ enum: [...WIDE_ACTIVATIONS] }),
          renormalise: { type: 'boolean' },
        },
      },
      loss: { enum: ['mse', 'cross-entropy'] },
      learningRates: positiveList({ type: 'number', exclusiveMinimum: 0 }),
      epochs: { type: 'integer', minimum: 2, maximum: 10000 },
      seeds: { type: 'integer', minimum: 1, maximum: 100 },
      bound: {
        type: 'object',
        additionalProperties: false,
        required: ['lossRange', 'delta'],
        properties: { lossRange: { type: 'number', exclusiveMinimum: 0 }, delta: { type: 'number', exclusiveMinimum: 0, maximum: 1 } },
      },
    },
  },
  metrics(params) {
    const common = ['lambdaMinStableFraction', 'lemma9VacuousFraction', 'lambdaMinChangeMedian', 'lemma9ChangeMedian', 'transientFraction', 'earlyRatioMedian', 'lateRatioMedian', 'earlyToLateRatio', 'finalCumulativeRatioMedian'];
    return params.loss === 'mse' ? [...common, 'generalisationBoundMin', 'generalisationBoundDecrease'] : common;
  },
  check(params) {
    const problems: { path: string; message: string }[] = [];
    params.examples.forEach((n, i) => {
      if (n > params.network.width) problems.push({ path: `/examples/${i}`, message: `exceeds the width ${params.network.width}: the last layer's Gram would be singular` });
      if (n > params.data.pool) problems.push({ path: `/examples/${i}`, message: `exceeds the data pool (${params.data.pool})` });
    });
    return problems;
  },
  cost: trainingCost,
  // Every (depth, activation, learning rate, examples, seed) is a work unit: a sharded run splits them over its shards.
  units: (params) => trainingGrid(params).length,
  // A run's cost grows with its depth and examples: each unit priced as a claim of that one run.
  unitCosts: (params) =>
    trainingGrid(params).map((g) => trainingCost({ ...params, network: { ...params.network, depths: [g.depth], activations: [g.activation] }, learningRates: [g.learningRate], examples: [g.examples], seeds: 1 }).seconds),
  async run(params, ctx): Promise<ExperimentOutput> {
    const inputs: TrainingUnitInput[] = trainingGrid(params).map(({ depth, activation, learningRate, examples, seed }) => {
      // Data and initialisation depend on (depth, activation, examples, seed), not on the learning rate:
      // the learning rates are compared on the same networks.
      const rng = ctx.rng.fork(`depth-${depth}-${activation}-n-${examples}-seed-${seed}`);
      return {
        data: params.data,
        ...(params.data.source === 'cifar10' && ctx.dataDir !== undefined ? { dataDir: ctx.dataDir } : {}),
        depth,
        width: params.network.width,
        activation,
        renormalise: params.network.renormalise,
        loss: params.loss,
        learningRate,
        examples,
        epochs: params.epochs,
        seed,
        bound: params.bound,
        dataSeed: rng.fork('data').seed,
        weightsSeed: rng.fork('weights').seed,
      };
    });
    const runs = await computeUnits<TrainingUnitInput, TrainingRun>(ctx, path.join(__dirname, 'wide-net-training-task'), 'runWideNetTraining', inputs, {
      describe: (i) => runName(inputs[i]),
      memoryBytes: trainingCost(params).memoryBytes,
    });
    return {
      metrics: trainingMetrics(params, runs),
      evidence: {
        description:
          'runs[]: one per (depth, activation, learning rate, examples, seed) with the data subset (pool indices, sha256 of the scaled inputs) and per epoch k = 0…epochs (before step k+1): loss f_k, λmin/λmax/ln cond of the last layer Gram, ‖W_L‖₂, ‖h_{L−1} − h_{L−1}(0)‖_F, Lemma 9’s b_k, μ_k, L_k and γ_k of the loss prediction (MSE: Lemma 1, γ_k = 1 − λmin/(10·λmax); cross-entropy: Lemma 17 with ‖x_k − x*‖ ≈ f_k/G_k, G_k = 2√(λmax/n) in weakPlLipschitz and the estimate in distanceEstimate, so γ_k = 1 − λmin/(λmax·f_k)), and for MSE the Lipschitz estimate G_k and the Lemma 3+4 bound; ratios[k] = f_{k+1}/(γ_k f_k) (null where γ_k ≤ 0) and their running products. Metrics from these as in the module comment of harness/experiments/wide-net-training.ts.',
        ...dataEvidence(params.data, ctx.dataDir),
        runs: runs as unknown as JsonValue,
      },
      plots: trainingPlots(params, runs),
    };
  },
};
