/**
 * `wide-net-conditioning` (wc2022 §5–6, App. F.1–F.3; Fig. 1, 3 left, 4, 5, 6): deep fully connected
 * networks at initialisation, float64. For every config (width w, examples n) and seed, a fresh random
 * subset of n images and fresh Kaiming-Gaussian weights; each renormalisation arm in `renormalise` runs on
 * the same data and the same weights (a paired comparison). Each (config, seed), all its arms together,
 * is a work unit (`ctx.mapUnits`, `wide-net-conditioning-task.ts`: worker threads, or the shards of a
 * sharded run). At every layer ℓ = 1…depth the Gram G_ℓ = z_ℓz_ℓᵀ of the layer's output features — the
 * parameter Gram of the layer reading them — gives λmin, λmax (`numerics/gram-spectrum`: QR route above
 * cond 1e6) and the App. F.2 proxies of G_ℓ/w. For the first arm, optionally, the input Gram R Rᵀ of every intermediate layer (R = W_{ℓ+1}diag σ'(h_ℓ)) on
 * the first `inputGramExamples` examples, and the infinite-width kernels K_ℓ = σ̂(K_{ℓ−1}) of the same
 * inputs (`numerics/dual-kernel`).
 *
 * Metrics and the evidence fields that recompute them (`evidence.runs[r]`: config index, seed, arm
 * (renormalise), `layers[ℓ−1]` with lambdaMin, lambdaMax, proxies, inputLambdaMin/Max; `dual[ℓ−1]` with
 * lambdaMin, lambdaMax):
 * - L(c, a, ℓ) = mean over seeds of ln(λmax/λmin) for config c, arm a (a = 0 the first arm).
 * - depthSpearmanMax: max over c of Spearman's ρ between ℓ and L(c, 0, ℓ).
 * - depthLastMinusFirstMax: max over c of L(c, 0, depth) − L(c, 0, 1).
 * - widthGain: L(first config, 0, depth) − L(last config, 0, depth).
 * - departureLayerFirst/Last, departureDelay, finalGapFirst (two arms, the second without
 *   renormalisation): gap(c, ℓ) = L(c, 1, ℓ) − L(c, 0, ℓ); the departure layer is the first ℓ with
 *   gap > ln 2 (depth + 1 if none); delay = departure(last config) − departure(first config);
 *   finalGapFirst = gap(first config, depth). offDiagonalRebound{On,Off}, rowSumRebound{On,Off}: for the
 *   first config and each arm, the mean over seeds of maxOffDiagonal (maxOffDiagonalRowSum) at the
 *   last layer divided by its minimum over layers — 1 while the proxy is still falling at the end.
 * - lambdaMaxSlopeWorstDeviation / lambdaMinSlopeWorstDeviation: at each layer, the least-squares slope
 *   of ln(mean over seeds of λmax) on ln((√w + √n)²) across configs (λmin on ln((√w − √n)²)); the
 *   largest |slope − 1| over layers (arm 0); …MedianDeviation: the median (upper median) over layers.
 * - inputGramMaxRatio: the largest λmin/λmax of the input Gram over configs, seeds and intermediate
 *   layers (arm 0); over a subset of examples it can only overstate the full matrix's ratio.
 * - lambdaMinErrorRatio / lambdaMaxErrorRatio: E(c) = mean over seeds and layers of
 *   |ln((λ/w)/λ_∞)|, the finite width's normalised eigenvalue against the infinite-width one;
 *   E(last config)/E(first config) (arm 0).
 */
import * as path from 'node:path';
import { meanOrNaN, spearman } from '../fit';
import { WIDE_ACTIVATIONS, type WideActivation } from '../../numerics/normalised-activations';
import type { CostEstimate, ExperimentKind } from '../registry';
import type { ExperimentOutput, JsonValue } from '../types';
import { computeUnits } from '../units';
import { type ConditioningRun, type ConditioningUnitInput, type ConditioningUnitOutput, type LayerRecord, layerWidths } from './wide-net-conditioning-task';
import { conditioningPlots } from './wide-net-conditioning-plots';
import { type WideNetDataSpec, dataEvidence, wideNetDataSchema } from './wide-net-data';

export interface ConditioningParams {
  data: WideNetDataSpec;
  network: { depth: number; activation: WideActivation; widthFactor: number };
  /** Renormalisation arms, run on the same data and weights; the first is the primary one. */
  renormalise: boolean[];
  configs: { width: number; examples: number }[];
  seeds: number;
  /** Examples on which the input Gram is measured (0: not measured). */
  inputGramExamples: number;
  infiniteWidth: boolean;
  /**
   * When true, every config's examples become round(n_last·w/w_last): the ratio n/w of the last config
   * held fixed across widths (the counterfactual of width at fixed n).
   */
  examplesFollowWidth?: boolean;
}

/** The configs as run (see `examplesFollowWidth`). */
export function effectiveConfigs(params: ConditioningParams): { width: number; examples: number }[] {
  if (!params.examplesFollowWidth) return params.configs;
  const last = params.configs[params.configs.length - 1];
  return params.configs.map(({ width }) => ({ width, examples: Math.max(2, Math.round((last.examples * width) / last.width)) }));
}

export const LN2 = Math.log(2);

/** ln λ slope against ln x by least squares. */
function slope(x: number[], y: number[]): number {
  const lx = x.map(Math.log);
  const ly = y.map(Math.log);
  const mx = meanOrNaN(lx);
  const my = meanOrNaN(ly);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < lx.length; i++) {
    sxy += (lx[i] - mx) * (ly[i] - my);
    sxx += (lx[i] - mx) ** 2;
  }
  return sxy / sxx;
}

/** Mean over seeds of a per-layer quantity for (config, arm). */
export function layerMeans(runs: ConditioningRun[], config: number, renormalise: boolean, f: (l: LayerRecord) => number): number[] {
  const mine = runs.filter((r) => r.config === config && r.renormalise === renormalise);
  return mine[0].layers.map((_, l) => meanOrNaN(mine.map((r) => f(r.layers[l]))));
}

export function conditioningMetrics(params: ConditioningParams, runs: ConditioningRun[]): Record<string, number> {
  const { depth } = params.network;
  const configs = effectiveConfigs(params);
  const primary = params.renormalise[0];
  const logCond = (c: number, arm: boolean): number[] => layerMeans(runs, c, arm, (l) => Math.log(l.lambdaMax / l.lambdaMin));
  const layersIdx = Array.from({ length: depth }, (_, l) => l + 1);
  const metrics: Record<string, number> = {};
  const curves = configs.map((_, c) => logCond(c, primary));
  metrics.depthSpearmanMax = Math.max(...curves.map((curve) => (depth > 1 ? spearman(layersIdx, curve) : 0)));
  metrics.depthLastMinusFirstMax = Math.max(...curves.map((curve) => curve[depth - 1] - curve[0]));
  metrics.widthGain = curves[0][depth - 1] - curves[configs.length - 1][depth - 1];
  if (params.renormalise.length > 1) {
    const departure = (c: number): { layer: number; finalGap: number } => {
      const other = logCond(c, params.renormalise[1]);
      const gap = other.map((v, l) => v - curves[c][l]);
      const first = gap.findIndex((g) => g > LN2);
      return { layer: first < 0 ? depth + 1 : first + 1, finalGap: gap[depth - 1] };
    };
    const first = departure(0);
    const last = departure(configs.length - 1);
    metrics.departureLayerFirst = first.layer;
    metrics.departureLayerLast = last.layer;
    metrics.departureDelay = last.layer - first.layer;
    metrics.finalGapFirst = first.finalGap;
    // App. F.2 proxies of the first config: last-layer value over the minimum over layers (1 = still falling at the end).
    const rebound = (arm: boolean, f: (l: LayerRecord) => number): number => {
      const v = layerMeans(runs, 0, arm, f);
      return v[depth - 1] / Math.min(...v);
    };
    metrics.offDiagonalReboundOn = rebound(params.renormalise[0], (l) => l.maxOffDiagonal);
    metrics.offDiagonalReboundOff = rebound(params.renormalise[1], (l) => l.maxOffDiagonal);
    metrics.rowSumReboundOn = rebound(params.renormalise[0], (l) => l.maxOffDiagonalRowSum);
    metrics.rowSumReboundOff = rebound(params.renormalise[1], (l) => l.maxOffDiagonalRowSum);
  }
  if (configs.length > 1) {
    const devMax: number[] = [];
    const devMin: number[] = [];
    for (let l = 0; l < depth; l++) {
      const lmax = configs.map((_, c) => layerMeans(runs, c, primary, (r) => r.lambdaMax)[l]);
      const lmin = configs.map((_, c) => layerMeans(runs, c, primary, (r) => r.lambdaMin)[l]);
      const plus = configs.map(({ width, examples }) => (Math.sqrt(width) + Math.sqrt(examples)) ** 2);
      const minus = configs.map(({ width, examples }) => (Math.sqrt(width) - Math.sqrt(examples)) ** 2);
      devMax.push(Math.abs(slope(plus, lmax) - 1));
      devMin.push(Math.abs(slope(minus, lmin) - 1));
    }
    const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
    metrics.lambdaMaxSlopeWorstDeviation = Math.max(...devMax);
    metrics.lambdaMinSlopeWorstDeviation = Math.max(...devMin);
    metrics.lambdaMaxSlopeMedianDeviation = median(devMax);
    metrics.lambdaMinSlopeMedianDeviation = median(devMin);
  }
  const primaryRuns = runs.filter((r) => r.renormalise === primary);
  if (params.inputGramExamples > 0) {
    metrics.inputGramMaxRatio = Math.max(...primaryRuns.flatMap((r) => r.layers.filter((l) => l.inputLambdaMax !== undefined).map((l) => l.inputLambdaMin! / l.inputLambdaMax!)));
  }
  if (params.infiniteWidth) {
    const error = (c: number, which: 'lambdaMin' | 'lambdaMax'): number =>
      meanOrNaN(primaryRuns.filter((r) => r.config === c).flatMap((r) => r.layers.map((l, i) => Math.abs(Math.log(l[which] / l.width / r.dual![i][which])))));
    const last = configs.length - 1;
    metrics.lambdaMinError = error(0, 'lambdaMin');
    metrics.lambdaMaxError = error(0, 'lambdaMax');
    metrics.lambdaMinErrorRatio = error(last, 'lambdaMin') / metrics.lambdaMinError;
    metrics.lambdaMaxErrorRatio = error(last, 'lambdaMax') / metrics.lambdaMaxError;
  }
  return metrics;
}

/**
 * Float64 rates of the reference machine (one core of a 2-core laptop) for cost estimates: gemm-bound
 * work (layer products, Grams, band reduction) and the memory-bound rest (QR, inverse iteration, eigh
 * with vectors, the dual recursion). Calibrated against `npm run bench` (bench/wc2022.bench.ts).
 */
export const GEMM_FLOPS_PER_SECOND = 2e9;
export const OTHER_FLOPS_PER_SECOND = 3e8;

/** Estimated cost of a run: per config, seed and arm the forward pass, the per-layer Grams and spectra. */
export function conditioningCost(params: ConditioningParams): CostEstimate {
  let gemmFlops = 0;
  let otherFlops = 0;
  let memory = 0;
  const inputDim = params.data.source === 'mnist' ? 784 : 3072;
  for (const { width, examples: n } of effectiveConfigs(params)) {
    const widths = layerWidths(width, params.network.depth, params.network.widthFactor);
    let k = inputDim;
    let weights = 0;
    for (const [layer, m] of widths.entries()) {
      const perArm = 2 * n * k * m + 2 * n * n * m + 2 * n ** 3;
      gemmFlops += params.seeds * params.renormalise.length * perArm;
      // The QR route (2mn² plus eigh with vectors, ≈ 9n³) where a layer is ill-conditioned: budgeted for every layer of the arms without renormalisation.
      otherFlops += params.seeds * params.renormalise.filter((r) => !r).length * (2 * m * n * n + 9 * n ** 3);
      // The input Gram of every layer that reads another's features (all but the first), per example: RRᵀ and its values.
      if (params.inputGramExamples > 0 && layer > 0) gemmFlops += params.seeds * params.inputGramExamples * (2 * m * m * k + 2 * m ** 3);
      if (params.infiniteWidth) otherFlops += params.seeds * (60 * n * n + 4 * n ** 3);
      weights += m * k;
      k = m;
    }
    memory = Math.max(memory, 8 * (weights + 4 * n * width + 4 * n * n + 2 * width * width));
  }
  return { seconds: gemmFlops / GEMM_FLOPS_PER_SECOND + otherFlops / OTHER_FLOPS_PER_SECOND, memoryBytes: memory };
}

const METRIC_NAMES = {
  always: ['depthSpearmanMax', 'depthLastMinusFirstMax', 'widthGain'],
  arms: ['departureLayerFirst', 'departureLayerLast', 'departureDelay', 'finalGapFirst', 'offDiagonalReboundOn', 'offDiagonalReboundOff', 'rowSumReboundOn', 'rowSumReboundOff'],
  sweep: ['lambdaMaxSlopeWorstDeviation', 'lambdaMinSlopeWorstDeviation', 'lambdaMaxSlopeMedianDeviation', 'lambdaMinSlopeMedianDeviation'],
  input: ['inputGramMaxRatio'],
  infinite: ['lambdaMinError', 'lambdaMaxError', 'lambdaMinErrorRatio', 'lambdaMaxErrorRatio'],
};

export const wideNetConditioning: ExperimentKind<ConditioningParams> = {
  name: 'wide-net-conditioning',
  precisions: ['float64'],
  description: 'Per-layer spectra of the parameter Gram of deep fully connected networks at initialisation (float64), with and without renormalisation, beside the infinite-width dual-activation kernels.',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['data', 'network', 'renormalise', 'configs', 'seeds', 'inputGramExamples', 'infiniteWidth'],
    properties: {
      data: wideNetDataSchema,
      network: {
        type: 'object',
        additionalProperties: false,
        required: ['depth', 'activation', 'widthFactor'],
        properties: {
          depth: { type: 'integer', minimum: 1, maximum: 200 },
          activation: { enum: [...WIDE_ACTIVATIONS] },
          widthFactor: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
        },
      },
      renormalise: { type: 'array', items: { type: 'boolean' }, minItems: 1, maxItems: 2, uniqueItems: true },
      configs: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['width', 'examples'],
          properties: { width: { type: 'integer', minimum: 1, maximum: 20000 }, examples: { type: 'integer', minimum: 2, maximum: 5000 } },
        },
      },
      seeds: { type: 'integer', minimum: 1, maximum: 100 },
      inputGramExamples: { type: 'integer', minimum: 0, maximum: 1000 },
      infiniteWidth: { type: 'boolean' },
      examplesFollowWidth: { type: 'boolean' },
    },
  },
  metrics(params) {
    return [
      ...METRIC_NAMES.always,
      ...(params.renormalise.length > 1 ? METRIC_NAMES.arms : []),
      ...(params.configs.length > 1 ? METRIC_NAMES.sweep : []),
      ...(params.inputGramExamples > 0 ? METRIC_NAMES.input : []),
      ...(params.infiniteWidth ? METRIC_NAMES.infinite : []),
    ];
  },
  check(params) {
    const problems: { path: string; message: string }[] = [];
    effectiveConfigs(params).forEach(({ width, examples }, i) => {
      const widths = layerWidths(width, params.network.depth, params.network.widthFactor);
      if (Math.min(...widths) < examples) problems.push({ path: `/configs/${i}`, message: `every layer needs width ≥ examples for a non-singular Gram (narrowest layer ${Math.min(...widths)} < ${examples})` });
      if (examples > params.data.pool) problems.push({ path: `/configs/${i}/examples`, message: `exceeds the data pool (${params.data.pool})` });
      if (params.inputGramExamples > examples) problems.push({ path: '/inputGramExamples', message: `exceeds config ${i}'s ${examples} examples` });
    });
    return problems;
  },
  cost: conditioningCost,
  // Every (config, seed) is a work unit, all its arms in one: a sharded run splits them over its shards.
  units: (params) => effectiveConfigs(params).length * params.seeds,
  // A config's cost grows with its width and examples: each unit priced as a claim of that config and one seed.
  unitCosts: (params) => effectiveConfigs(params).flatMap((config) => new Array<number>(params.seeds).fill(conditioningCost({ ...params, configs: [config], examplesFollowWidth: false, seeds: 1 }).seconds)),
  async run(params, ctx): Promise<ExperimentOutput> {
    const inputs: ConditioningUnitInput[] = effectiveConfigs(params).flatMap(({ width, examples }, config) =>
      Array.from({ length: params.seeds }, (_, seed) => {
        const rng = ctx.rng.fork(`config-${config}-seed-${seed}`);
        return {
          data: params.data,
          ...(params.data.source === 'cifar10' && ctx.dataDir !== undefined ? { dataDir: ctx.dataDir } : {}),
          network: params.network,
          renormalise: params.renormalise,
          config,
          width,
          examples,
          seed,
          inputGramExamples: params.inputGramExamples,
          infiniteWidth: params.infiniteWidth,
          dataSeed: rng.fork('data').seed,
          weightsSeed: rng.fork('weights').seed,
        };
      }),
    );
    const outputs = await computeUnits<ConditioningUnitInput, ConditioningUnitOutput>(ctx, path.join(__dirname, 'wide-net-conditioning-task'), 'runWideNetConditioning', inputs, {
      describe: (i) => `config ${inputs[i].config} (width ${inputs[i].width}, ${inputs[i].examples} examples), seed ${inputs[i].seed}`,
      // The largest config's arrays: a width-5000 unit of the paper tier holds gigabytes.
      memoryBytes: conditioningCost(params).memoryBytes,
    });
    const data = outputs.map((o) => o.data);
    const runs = outputs.flatMap((o) => o.runs);
    const metrics = conditioningMetrics(params, runs);
    return {
      metrics,
      evidence: {
        description:
          'runs[]: one per (config, seed, renormalisation arm): config index, seed, renormalise, width, examples, and per layer ℓ = 1…depth the extreme eigenvalues of the Gram z_ℓz_ℓᵀ of its output features (method: eigh, or QR of z_ℓᵀ when cond > 1e6), the App. F.2 proxies of Gram/width (min/max diagonal, max |off-diagonal|, max off-diagonal row sum), and for the first arm the extreme eigenvalues of the input Gram of the layer that reads z_ℓ on the first inputGramExamples examples; dual[ℓ−1]: the infinite-width kernel K_ℓ’s extreme eigenvalues, Lemma 7’s lower and Gershgorin’s upper bound. data[]: per (config, seed) the pool indices and sha256 of the scaled inputs. See the module comment of harness/experiments/wide-net-conditioning.ts for how each metric is computed from these.',
        ...dataEvidence(params.data, ctx.dataDir),
        data,
        runs: runs as unknown as JsonValue,
      },
      plots: conditioningPlots(params, runs),
    };
  },
};
