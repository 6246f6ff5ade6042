/**
 * `critical-point-search`: Frye's experiments (thesis Ch. 3). Initial points come from an optimiser's
 * trajectory on the loss, picked uniformly by loss value, with Gaussian noise on half of them
 * (§3.2.3.2); then each critical-point finder runs from them, one work unit per run (`ctx.mapUnits`:
 * worker threads, or the shards of a sharded run). Metrics: success fractions, gradient-flatness
 * (r, eq. 3.36) statistics, plateaus, and for the deep linear autoencoder
 * the match with its analytic critical points and the effect of cutoffs (§3.2.3.4).
 *
 * Evidence and the metrics it recomputes. Per run (`runs[]`): `algorithm`, `start` (θ₀ and where on
 * the trajectory it came from), `finalTheta`, and `trace`, one entry per iterate t of `loss`,
 * `gradNormSq` and, per Newton step, `minresFlag`, `residualNorm` ‖Hp + g‖, `normalResidualNorm`
 * ‖H(Hp + g)‖, `stepNorm` ‖p‖, `hessianNorm` (‖H‖_F, exact or Hutchinson) and `anorm` (MR-QLP's Â):
 * - r = residualNorm/(hessianNorm·stepNorm + √gradNormSq), r_H = normalResidualNorm/(hessianNorm·
 *   residualNorm), relres = residualNorm/(anorm·stepNorm + √gradNormSq), at the step's iterate t;
 * - `successFraction` / `finalCriticalFraction`: last gradNormSq < successThreshold;
 *   `minGradNormSq`, `medianFinalGradNormSq`: gradNormSq; `divergedFraction`: `stop`;
 * - `maxRAbove<k>`: the largest flatness (r or relres as `analysis.flatness` says, over every step or
 *   only flag-2 steps) above k/100; `finalFlatFraction`/`Count`: not critical and the last step's
 *   flatness > flatR; `encounterMinusEndFlat` the difference;
 * - `plateauFraction`: gradNormSq at ⌊(T)(1 − lastFraction)⌋ over the last one below `factor`, the last
 *   one not below successThreshold;
 * - `matchedFraction`/`matchedOfSuccessful`: `final` (loss, index at the last iterate) against `analytic`;
 *   `index0FinalCount`, `index0MinLoss`, `…AtSecondThreshold`: `final.index`, `final.lambdaMin`;
 * - `cutoff.<ε>.*`: `cutoffs[c]` (the first iterate with gradNormSq < ε: its θ, loss, index) against the
 *   analytic point nearest in loss; `errorGrowsAsCutoffLoosens`: their means, cutoff by cutoff;
 *   `quadraticT`: least squares of loss on 1, index, index² over `cutoffs[c]` at ε = `analysis.fitAt`;
 * - `successOrderHolds`: the success fractions in the order of `params.algorithms`.
 * `data` holds the problem's data: the DLAE's XXᵀ, or an MLP data set's sha256 and recipe; indices are
 * recomputable from θ with it (eigenvalues of the Hessian below −indexThreshold).
 */
import * as path from 'node:path';
import { kaimingNormal, type Objective } from '../../models';
import { dlaeCriticalPoints } from '../../models/dlae';
import { extent, mean, median, polyfit } from '../fit';
import type { ExperimentKind } from '../registry';
import { computeUnits } from '../units';
import type { Rng } from '../rng';
import type { ExperimentOutput, JsonValue, PlotSeries, PlotSpec } from '../types';
import { criticalPointRunSeconds, criticalPointSearchCost } from './critical-point-cost';
import { buildProblem, problemSchema, type ProblemSpec } from './critical-point-problems';
import { minresSchema, newtonLineSearchSchema, unitInterval } from './schemas';
import { ALGORITHM_NAMES, TEXT_FLATNESS, flatnessSeries, maxFlatness, type AlgorithmSpec, type FlatnessSetting, type IndexedPoint, type RunInput, type RunOutput } from './critical-point-task';

export interface InitialPointSpec {
  /** Where the optimiser starts: N(0, std²) per parameter, or Kaiming-normal for MLPs. */
  init: { kind: 'normal'; std: number } | { kind: 'kaiming' };
  /** Plain gradient descent on the loss. */
  steps: number;
  learningRate: number;
  /** Variance of the Gaussian noise added to every other chosen point (thesis: 1e-2). */
  noiseVariance: number;
}

export type AlgorithmRunSpec = AlgorithmSpec & { runs: number };

export interface CriticalPointSearchParams {
  problem: ProblemSpec;
  initialPoints: InitialPointSpec;
  algorithms: AlgorithmRunSpec[];
  /** A run succeeds (finds a critical point) when its final ‖∇L‖² is below this (thesis: 1e-10). */
  successThreshold: number;
  /** r above which a point counts as gradient-flat (thesis: 0.9). */
  flatR: number;
  /** Eigenvalues below −indexThreshold count towards the index (thesis: 1e-5). */
  indexThreshold: number;
  analysis: {
    /** DLAE only: match successful runs with the analytic critical points (loss within `lossTolerance` relative, same index). */
    analytic?: { lossTolerance: number };
    /** DLAE only: truncate the first algorithm's runs at the first iterate with ‖∇L‖² < ε (null = ∞: the start). */
    cutoffs?: (number | null)[];
    /** The cutoff whose points the quadratic fit of loss on index uses (`cutoff.quadratic*`); default null (ε = ∞). */
    fitAt?: number | null;
    /** A run plateaus when its last `lastFraction` of iterations improve ‖∇L‖² by less than `factor`. */
    plateau?: { lastFraction: number; factor: number };
    /**
     * Hessian index at each run's final and/or maximally flat iterate. `secondThreshold` also counts
     * index-0 final points at another eigenvalue cutoff (from λmin), e.g. the 1e-3 of the thesis' code.
     */
    indexAt?: { final?: boolean; maxR?: boolean; secondThreshold?: number };
    /** How gradient-flatness is read from the traces; default the thesis text's r at every step. */
    flatness?: FlatnessSetting;
  };
}

const R_LEVELS = [0.5, 0.9, 0.99] as const;
const levelName = (r: number): string => `maxRAbove${Math.round(r * 100)}`;
const cutoffLabel = (eps: number | null): string => (eps === null ? 'inf' : eps.toExponential());

const hessianNormSchema = {
  oneOf: [
    { const: 'exact' },
    { type: 'object', additionalProperties: false, required: ['hutchinsonProbes'], properties: { hutchinsonProbes: { type: 'integer', minimum: 1 } } },
  ],
};
const common = { runs: { type: 'integer', minimum: 1 }, iterations: { type: 'integer', minimum: 1 } };

const algorithmSchema = {
  type: 'object',
  discriminator: { propertyName: 'name' },
  required: ['name'],
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'runs', 'iterations', 'hessianNorm'],
      properties: {
        name: { const: 'newton-mr' },
        ...common,
        minres: minresSchema,
        lineSearch: newtonLineSearchSchema,
        hessianNorm: hessianNormSchema,
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'runs', 'iterations', 'damping', 'hessianNorm'],
      properties: { name: { const: 'damped-newton' }, ...common, minres: minresSchema, damping: { type: 'array', items: { type: 'number', minimum: 0 }, minItems: 1 }, stepSize: { type: 'number', exclusiveMinimum: 0, maximum: 1 }, hessianNorm: hessianNormSchema },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'runs', 'iterations', 'lineSearch'],
      properties: {
        name: { const: 'btls-gnm' },
        ...common,
        lineSearch: {
          type: 'object',
          additionalProperties: false,
          required: ['alpha', 'beta', 'rho', 'epsilon'],
          properties: { alpha: { type: 'number', exclusiveMinimum: 0 }, beta: unitInterval, rho: unitInterval, epsilon: { type: 'number', minimum: 0 }, curvature: unitInterval },
        },
      },
    },
  ],
};

function usesNewton(a: AlgorithmSpec): boolean {
  return a.name !== 'btls-gnm';
}

function metricNames(params: CriticalPointSearchParams): string[] {
  const names: string[] = [];
  for (const a of params.algorithms) {
    const p = a.name;
    names.push(`${p}.runs`, `${p}.successFraction`, `${p}.divergedFraction`, `${p}.minGradNormSq`, `${p}.medianFinalGradNormSq`);
    if (usesNewton(a)) {
      names.push(...R_LEVELS.map((r) => `${p}.${levelName(r)}`), `${p}.finalFlatFraction`, `${p}.finalFlatCount`, `${p}.finalCriticalFraction`, `${p}.encounterMinusEndFlat`);
    }
    if (params.analysis.plateau) names.push(`${p}.plateauFraction`);
    if (params.analysis.analytic) names.push(`${p}.matchedFraction`, `${p}.matchedOfSuccessful`);
    if (params.analysis.indexAt?.final) names.push(`${p}.index0FinalCount`, `${p}.index0MinLoss`);
    if (params.analysis.indexAt?.final && params.analysis.indexAt.secondThreshold !== undefined) names.push(`${p}.index0FinalCountAtSecondThreshold`, `${p}.index0MaxLossAtSecondThreshold`);
  }
  if (params.algorithms.length > 1) names.push('successOrderHolds');
  if (params.analysis.cutoffs) {
    for (const eps of params.analysis.cutoffs) names.push(`cutoff.${cutoffLabel(eps)}.lossError`, `cutoff.${cutoffLabel(eps)}.indexError`, `cutoff.${cutoffLabel(eps)}.reached`);
    names.push('cutoff.errorGrowsAsCutoffLoosens', 'cutoff.quadraticCoefficient', 'cutoff.quadraticT');
  }
  return names;
}

export const criticalPointSearch: ExperimentKind<CriticalPointSearchParams> = {
  name: 'critical-point-search',
  precisions: ['float64'],
  description: 'Critical-point finders (Newton-MR, damped Newton, BTLS-GNM) from optimiser-trajectory starts; success, gradient-flatness and, for the DLAE, analytic matches.',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['problem', 'initialPoints', 'algorithms', 'successThreshold', 'flatR', 'indexThreshold', 'analysis'],
    properties: {
      problem: problemSchema,
      initialPoints: {
        type: 'object',
        additionalProperties: false,
        required: ['init', 'steps', 'learningRate', 'noiseVariance'],
        properties: {
          init: {
            type: 'object',
            discriminator: { propertyName: 'kind' },
            required: ['kind'],
            oneOf: [
              { type: 'object', additionalProperties: false, required: ['kind', 'std'], properties: { kind: { const: 'normal' }, std: { type: 'number', exclusiveMinimum: 0 } } },
              { type: 'object', additionalProperties: false, required: ['kind'], properties: { kind: { const: 'kaiming' } } },
            ],
          },
          steps: { type: 'integer', minimum: 1 },
          learningRate: { type: 'number', exclusiveMinimum: 0 },
          noiseVariance: { type: 'number', minimum: 0 },
        },
      },
      algorithms: { type: 'array', minItems: 1, items: algorithmSchema },
      successThreshold: { type: 'number', exclusiveMinimum: 0 },
      flatR: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
      indexThreshold: { type: 'number', minimum: 0 },
      analysis: {
        type: 'object',
        additionalProperties: false,
        properties: {
          analytic: { type: 'object', additionalProperties: false, required: ['lossTolerance'], properties: { lossTolerance: { type: 'number', exclusiveMinimum: 0 } } },
          cutoffs: { type: 'array', minItems: 2, items: { anyOf: [{ type: 'number', exclusiveMinimum: 0 }, { type: 'null' }] } },
          fitAt: { anyOf: [{ type: 'number', exclusiveMinimum: 0 }, { type: 'null' }] },
          plateau: {
            type: 'object',
            additionalProperties: false,
            required: ['lastFraction', 'factor'],
            properties: { lastFraction: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 }, factor: { type: 'number', exclusiveMinimum: 1 } },
          },
          indexAt: { type: 'object', additionalProperties: false, properties: { final: { type: 'boolean' }, maxR: { type: 'boolean' }, secondThreshold: { type: 'number', exclusiveMinimum: 0 } } },
          flatness: {
            type: 'object',
            additionalProperties: false,
            required: ['measure', 'maxOver'],
            properties: { measure: { enum: ['r', 'relres'] }, maxOver: { enum: ['all-steps', 'incompatible-steps'] } },
          },
        },
      },
    },
  },
  metrics: metricNames,
  // Every run of every finder is a work unit: a sharded run splits them over its shards.
  units: (params) => params.algorithms.reduce((n, a) => n + a.runs, 0),
  // The finders' runs differ in cost (a Newton step solves a Krylov system, a BTLS-GNM step does not).
  unitCosts: criticalPointRunSeconds,
  cost: criticalPointSearchCost,
  check(params) {
    const problems: { path: string; message: string }[] = [];
    const names = params.algorithms.map((a) => a.name);
    if (new Set(names).size !== names.length) problems.push({ path: '/algorithms', message: `each algorithm may appear once (${ALGORITHM_NAMES.join(', ')})` });
    const dlae = params.problem.model === 'dlae';
    if (params.analysis.analytic && !dlae) problems.push({ path: '/analysis/analytic', message: 'analytic critical points are known only for the deep linear autoencoder (problem.model "dlae")' });
    if (params.analysis.cutoffs && !dlae) problems.push({ path: '/analysis/cutoffs', message: 'the cutoff analysis compares with analytic critical points: it needs problem.model "dlae"' });
    const fitAt = params.analysis.fitAt ?? null;
    if (params.analysis.fitAt !== undefined && !(params.analysis.cutoffs ?? []).includes(fitAt)) problems.push({ path: '/analysis/fitAt', message: `fitAt ${fitAt} is not one of analysis.cutoffs` });
    params.algorithms.forEach((a, i) => {
      if (a.name === 'btls-gnm' && a.lineSearch.curvature !== undefined && !(a.lineSearch.rho < a.lineSearch.curvature)) {
        problems.push({ path: `/algorithms/${i}/lineSearch/curvature`, message: `the Wolfe conditions need ρ < γ (here ρ = ${a.lineSearch.rho}, γ = ${a.lineSearch.curvature}); the thesis' code uses γ = 0.9` });
      }
    });
    if (params.initialPoints.init.kind === 'kaiming' && params.problem.model !== 'mlp') problems.push({ path: '/initialPoints/init', message: 'Kaiming initialisation needs an MLP problem' });
    const maxRuns = Math.max(...params.algorithms.map((a) => a.runs));
    if (maxRuns > params.initialPoints.steps + 1) problems.push({ path: '/initialPoints/steps', message: `${maxRuns} runs need as many distinct trajectory iterates, but ${params.initialPoints.steps} steps give ${params.initialPoints.steps + 1}` });
    return problems;
  },
  async run(params, ctx): Promise<ExperimentOutput> {
    const problemSeed = ctx.rng.fork('problem').int(2 ** 32);
    const { objective, dlae, data } = buildProblem(params.problem, problemSeed);
    const maxRuns = Math.max(...params.algorithms.map((a) => a.runs));
    const starts = initialPoints(objective, params, maxRuns, ctx.rng.fork('initial points'));
    const analytic = dlae && (params.analysis.analytic || params.analysis.cutoffs)
      ? dlaeCriticalPoints(dlae.covariance, dlae.n, dlae.d, dlae.k, { index: true, indexThreshold: params.indexThreshold }).points.map((p) => ({ loss: p.loss, index: p.index as number }))
      : null;

    const inputs: RunInput[] = [];
    params.algorithms.forEach((a, ai) => {
      const { runs, ...algorithm } = a;
      for (let i = 0; i < runs; i++) {
        inputs.push({
          problem: params.problem,
          problemSeed,
          runSeed: ctx.rng.fork(`run ${a.name} ${i}`).int(2 ** 32),
          algorithm: algorithm as AlgorithmSpec,
          theta0: Array.from(starts[i].theta),
          indexAt: {
            final: Boolean(params.analysis.analytic || params.analysis.indexAt?.final),
            maxR: Boolean(params.analysis.indexAt?.maxR) && usesNewton(a),
            ...(ai === 0 && params.analysis.cutoffs ? { cutoffs: params.analysis.cutoffs } : {}),
          },
          indexThreshold: params.indexThreshold,
          flatness: flatnessOf(params),
        });
      }
    });
    const outputs = await computeUnits<RunInput, RunOutput>(ctx, path.join(__dirname, 'critical-point-task'), 'runCriticalPointSearch', inputs, {
      describe: (i) => `${inputs[i].algorithm.name} run #${i}`,
    });
    return summarise(params, inputs, outputs, starts, analytic, data);
  },
};

interface Start {
  theta: Float64Array;
  trajectoryStep: number;
  noisy: boolean;
}

/**
 * §3.2.3.2: gradient descent from a random initialisation; points of its trajectory picked uniformly
 * by loss value (a point per uniform draw of a target loss, nearest loss wins); noise on every other.
 * Each iterate is picked at most once (the nearest not yet taken wins), so that every run starts from
 * its own point: two runs from one iterate without noise would repeat each other and count twice.
 */
export function initialPoints(objective: Objective, params: CriticalPointSearchParams, count: number, rng: Rng): Start[] {
  const ip = params.initialPoints;
  const init = ip.init.kind === 'kaiming' && params.problem.model === 'mlp'
    ? kaimingNormal(params.problem.network, () => rng.normal())
    : Float64Array.from({ length: objective.dim }, () => (ip.init as { std: number }).std * rng.normal());
  const trajectory: Float64Array[] = [init];
  const losses: number[] = [];
  let theta = init;
  for (let k = 0; ; k++) {
    const { loss, gradient } = objective.lossAndGradient(theta);
    if (!Number.isFinite(loss)) throw new Error(`the optimiser for initial points diverged at step ${k} (learning rate ${ip.learningRate} too large?)`);
    losses.push(loss);
    if (k === ip.steps) break;
    theta = theta.map((v, j) => v - ip.learningRate * gradient[j]);
    trajectory.push(theta);
  }
  if (count > losses.length) throw new RangeError(`${count} runs need ${count} distinct initial points, but the trajectory has only ${losses.length} iterates (raise initialPoints.steps)`);
  const { min: lo, max: hi } = extent(losses);
  const noiseSd = Math.sqrt(ip.noiseVariance);
  const taken = new Uint8Array(losses.length);
  return Array.from({ length: count }, (_, i) => {
    const target = lo + (hi - lo) * rng.uniform();
    let best = -1;
    for (let k = 0; k < losses.length; k++) if (!taken[k] && (best < 0 || Math.abs(losses[k] - target) < Math.abs(losses[best] - target))) best = k;
    taken[best] = 1;
    const noisy = i % 2 === 1;
    const point = noisy ? trajectory[best].map((v) => v + noiseSd * rng.normal()) : Float64Array.from(trajectory[best]);
    return { theta: point, trajectoryStep: best, noisy };
  });
}

type FinalClass = 'critical' | 'gradient-flat' | 'neither';

/** The flatness reading a spec asks for; the thesis text's by default. */
function flatnessOf(params: CriticalPointSearchParams): FlatnessSetting {
  return params.analysis.flatness ?? TEXT_FLATNESS;
}

function classify(out: RunOutput, params: CriticalPointSearchParams): FinalClass {
  const g = out.trace.gradNormSq.at(-1) as number;
  if (g < params.successThreshold) return 'critical';
  const r = flatnessSeries(out.trace, flatnessOf(params)).at(-1);
  return r !== undefined && r > params.flatR ? 'gradient-flat' : 'neither';
}

function nearestAnalytic(analytic: { loss: number; index: number }[], loss: number): { loss: number; index: number } {
  let best = analytic[0];
  for (const p of analytic) if (Math.abs(p.loss - loss) < Math.abs(best.loss - loss)) best = p;
  return best;
}

function summarise(
  params: CriticalPointSearchParams,
  inputs: RunInput[],
  outputs: RunOutput[],
  starts: Start[],
  analytic: { loss: number; index: number }[] | null,
  data: JsonValue,
): ExperimentOutput {
  const metrics: Record<string, number> = {};
  const runsEvidence: JsonValue[] = [];
  const plots: PlotSpec[] = [];
  for (const a of params.algorithms) {
    const p = a.name;
    const mine = outputs.filter((_, i) => inputs[i].algorithm.name === p);
    const classes = mine.map((o) => classify(o, params));
    const finals = mine.map((o) => o.trace.gradNormSq.at(-1) as number);
    const fraction = (k: number): number => k / mine.length;
    metrics[`${p}.runs`] = mine.length;
    metrics[`${p}.successFraction`] = fraction(classes.filter((c) => c === 'critical').length);
    metrics[`${p}.divergedFraction`] = fraction(mine.filter((o) => o.stop === 'diverged').length);
    metrics[`${p}.minGradNormSq`] = Math.min(...mine.map((o) => extent(o.trace.gradNormSq.filter(Number.isFinite)).min));
    metrics[`${p}.medianFinalGradNormSq`] = median(finals.filter(Number.isFinite));
    if (usesNewton(a)) {
      const maxR = mine.map((o) => maxFlatness(o.trace, flatnessOf(params))?.value ?? 0);
      for (const level of R_LEVELS) metrics[`${p}.${levelName(level)}`] = fraction(maxR.filter((r) => r > level).length);
      const endFlat = classes.filter((c) => c === 'gradient-flat').length;
      metrics[`${p}.finalFlatFraction`] = fraction(endFlat);
      metrics[`${p}.finalFlatCount`] = endFlat;
      metrics[`${p}.finalCriticalFraction`] = metrics[`${p}.successFraction`];
      metrics[`${p}.encounterMinusEndFlat`] = metrics[`${p}.${levelName(0.9)}`] - metrics[`${p}.finalFlatFraction`];
    }
    if (params.analysis.plateau) {
      const { lastFraction, factor } = params.analysis.plateau;
      // A plateau stalls above the success threshold; a run that converged and then sits at the
      // rounding floor is no plateau (thesis §3.3: "unlike the successful runs in Figure 3.2A").
      const plateaued = mine.filter((o, i) => {
        const g = o.trace.gradNormSq;
        const from = g[Math.floor((g.length - 1) * (1 - lastFraction))];
        return g.length > 2 && classes[i] !== 'critical' && from / (g.at(-1) as number) < factor;
      });
      metrics[`${p}.plateauFraction`] = fraction(plateaued.length);
    }
    if (params.analysis.analytic && analytic) {
      const tol = params.analysis.analytic.lossTolerance;
      const dim = starts[0].theta.length;
      const matched = mine.filter((o, i) => classes[i] === 'critical' && o.final && analytic.some((q) => Math.abs(q.loss - o.final!.loss) <= tol * Math.abs(q.loss) && Math.abs(q.index - o.final!.index) < 0.5 / dim));
      const successes = classes.filter((c) => c === 'critical').length;
      metrics[`${p}.matchedFraction`] = fraction(matched.length);
      // With no successful run, none recovered an analytic point: 0, not an undefined ratio.
      metrics[`${p}.matchedOfSuccessful`] = successes === 0 ? 0 : matched.length / successes;
    }
    if (params.analysis.indexAt?.final) {
      const index0 = mine.filter((o) => o.final && o.final.index === 0).map((o) => o.final!.loss);
      metrics[`${p}.index0FinalCount`] = index0.length;
      metrics[`${p}.index0MinLoss`] = index0.length ? Math.min(...index0) : NaN;
      const second = params.analysis.indexAt.secondThreshold;
      if (second !== undefined) {
        const flat = mine.filter((o) => o.final && o.final.lambdaMin >= -second).map((o) => o.final!.loss);
        metrics[`${p}.index0FinalCountAtSecondThreshold`] = flat.length;
        metrics[`${p}.index0MaxLossAtSecondThreshold`] = flat.length ? Math.max(...flat) : NaN;
      }
    }
    mine.forEach((o, i) => {
      const start = starts[i];
      runsEvidence.push({
        algorithm: p,
        run: i,
        class: classes[i],
        stop: o.stop,
        ...(o.divergence ? { divergence: o.divergence } : {}),
        start: { trajectoryStep: start.trajectoryStep, noisy: start.noisy, theta: Array.from(start.theta) },
        finalTheta: o.theta,
        trace: o.trace as unknown as JsonValue,
        ...(o.final ? { final: o.final as unknown as JsonValue } : {}),
        ...(o.maxR ? { maxR: o.maxR as unknown as JsonValue } : {}),
        ...(o.cutoffs ? { cutoffs: o.cutoffs as unknown as JsonValue } : {}),
      });
    });
    plots.push(...algorithmPlots(p, a, mine, classes, params, analytic));
  }
  if (params.algorithms.length > 1) {
    // The claim's ordering: success fractions strictly decrease in the order the algorithms are listed.
    const fractions = params.algorithms.map((a) => metrics[`${a.name}.successFraction`]);
    metrics.successOrderHolds = fractions.every((f, i) => i === 0 || f < fractions[i - 1]) ? 1 : 0;
  }
  if (params.analysis.cutoffs && analytic) {
    const cutoffs = params.analysis.cutoffs;
    const firstRuns = outputs.filter((_, i) => inputs[i].algorithm.name === params.algorithms[0].name);
    const errors = cutoffs.map((eps, c) => {
      const points = firstRuns.map((o) => o.cutoffs?.[c]).filter((q): q is IndexedPoint => Boolean(q));
      const lossErrors = points.map((q) => Math.abs(q.loss - nearestAnalytic(analytic, q.loss).loss));
      const indexErrors = points.map((q) => Math.abs(q.index - nearestAnalytic(analytic, q.loss).index));
      const label = cutoffLabel(eps);
      metrics[`cutoff.${label}.reached`] = points.length;
      metrics[`cutoff.${label}.lossError`] = points.length ? mean(lossErrors) : NaN;
      metrics[`cutoff.${label}.indexError`] = points.length ? mean(indexErrors) : NaN;
      return { eps, points, loss: metrics[`cutoff.${label}.lossError`], index: metrics[`cutoff.${label}.indexError`] };
    });
    // Cutoffs are listed from strict to loose; recovery must get worse at each looser one: neither error
    // shrinks and at least one grows.
    const grows = errors.every((e, i) => {
      if (i === 0) return true;
      const before = errors[i - 1];
      return e.loss >= before.loss && e.index >= before.index && (e.loss > before.loss || e.index > before.index);
    });
    metrics['cutoff.errorGrowsAsCutoffLoosens'] = grows ? 1 : 0;
    const fitted = errors.find((e) => e.eps === (params.analysis.fitAt ?? null));
    if (fitted && fitted.points.length >= 4) {
      const fit = polyfit(fitted.points.map((q) => q.index), fitted.points.map((q) => q.loss), 2);
      metrics['cutoff.quadraticCoefficient'] = fit.coefficients[2];
      metrics['cutoff.quadraticT'] = fit.coefficients[2] / fit.standardErrors[2];
    } else {
      metrics['cutoff.quadraticCoefficient'] = NaN;
      metrics['cutoff.quadraticT'] = NaN;
    }
    plots.push(cutoffPlot(errors, analytic));
  }
  return {
    metrics,
    evidence: {
      description:
        'Per run: algorithm, final class (critical: final ‖∇L‖² below the success threshold; gradient-flat: above it with final r > flatR, r read as analysis.flatness says; neither), stop reason, the start (trajectory step, whether noise was added, θ₀), final θ, and the per-iteration trace (loss, ‖∇L‖², step size α, r, r_H, MR-QLP’s relres and exit flag, MR-QLP iterations, and the parts r, r_H and relres are computed from: ‖Hp + g‖, ‖H(Hp + g)‖, ‖p‖, ‖H‖_F as used, MR-QLP’s Â), plus θ, Hessian indices and the smallest eigenvalue λmin at the indexed iterates (final, maximally flat, first below each cutoff). θ in the flat order of models/mlp.ts (or models/dlae.ts). `data`: the DLAE’s XXᵀ, or the sha256 and recipe of an MLP’s data set.',
      data,
      analytic: analytic ? (analytic as unknown as JsonValue) : null,
      runs: runsEvidence,
    },
    plots,
  };
}

const CLASS_ORDER: FinalClass[] = ['critical', 'gradient-flat', 'neither'];

/** Keeps a long trace readable and light: every point of the first 20, then log-spaced iterations. */
function decimate(values: number[], keep = 120): { x: number[]; y: number[] } {
  const idx = new Set<number>();
  for (let i = 0; i < Math.min(20, values.length); i++) idx.add(i);
  for (let k = 0; k < keep; k++) idx.add(Math.round(Math.exp((Math.log(values.length) * k) / (keep - 1))) - 1);
  idx.add(values.length - 1);
  const x = [...idx].filter((i) => i >= 0 && i < values.length && Number.isFinite(values[i])).sort((a, b) => a - b);
  return { x, y: x.map((i) => values[i]) };
}

function algorithmPlots(name: string, a: AlgorithmSpec, runs: RunOutput[], classes: FinalClass[], params: CriticalPointSearchParams, analytic: { loss: number; index: number }[] | null): PlotSpec[] {
  const plots: PlotSpec[] = [];
  const traceSeries = (values: (o: RunOutput) => number[]): PlotSeries[] =>
    runs
      .map((o, i) => ({ o, i }))
      .sort((p, q) => CLASS_ORDER.indexOf(classes[p.i]) - CLASS_ORDER.indexOf(classes[q.i]))
      .map(({ o, i }) => {
        const d = decimate(values(o).map((v) => Math.max(v, 1e-34)));
        return { name: `run ${i} (${classes[i]})`, mark: 'line' as const, group: classes[i], x: d.x, y: d.y };
      });
  plots.push({
    id: `${name}-gradient-norm`,
    title: `${name}: squared gradient norm per iteration, coloured by how each run ended`,
    caption: `critical: final ‖∇L‖² < ${params.successThreshold}; gradient-flat: above that with final r > ${params.flatR}; neither: the rest (thesis Fig. 3.2 and 3.6–3.8). Values below 1e-34 are drawn at 1e-34.`,
    x: { label: 'iteration' },
    y: { label: '‖∇L‖²', scale: 'log' },
    series: traceSeries((o) => o.trace.gradNormSq),
  });
  if (usesNewton(a)) {
    const flatness = flatnessOf(params);
    const measured =
      flatness.measure === 'r'
        ? 'r = ‖Hp + g‖ / (‖H‖_F‖p‖ + ‖g‖) (eq. 3.36)'
        : "r = MR-QLP's relres ‖Hp + g‖ / (Â‖p‖ + ‖g‖), Â its estimate of ‖H‖₂, as the thesis' code reports r";
    const maxOver = flatness.maxOver === 'all-steps' ? 'over every step' : "over MR-QLP's least-squares (flag 2) steps only, as the thesis' code counts them; 0 for runs with none";
    plots.push({
      id: `${name}-r-traces`,
      title: `${name}: gradient-flatness r of each Newton step`,
      caption: `${measured}: near 1 the gradient lies in the Hessian's kernel.`,
      x: { label: 'iteration' },
      y: { label: 'r' },
      series: traceSeries((o) => flatnessSeries(o.trace, flatness)),
    });
    const finalR = runs.map((o) => flatnessSeries(o.trace, flatness).at(-1) ?? NaN).filter(Number.isFinite).sort((p, q) => p - q);
    const maxR = runs.map((o) => maxFlatness(o.trace, flatness)?.value ?? 0).sort((p, q) => p - q);
    const cdf = (v: number[]): { x: number[]; y: number[] } => ({ x: v.flatMap((r) => [r, r]), y: v.flatMap((_, i) => [i / v.length, (i + 1) / v.length]) });
    plots.push({
      id: `${name}-r-cdf`,
      title: `${name}: distribution of the final and the maximal r of each run (thesis Fig. 3.6C)`,
      caption: `Fraction of runs with r at or below the value; gradient-flat means r > ${params.flatR}. The maximum is taken ${maxOver}.`,
      x: { label: 'r' },
      y: { label: 'fraction of runs' },
      series: [
        { name: 'final r', mark: 'line', ...cdf(finalR) },
        { name: 'maximal r', mark: 'line', ...cdf(maxR) },
      ],
    });
  }
  const indexed = runs.map((o, i) => ({ point: o.maxR ?? o.final, cls: classes[i] })).filter((p) => p.point && p.point.gradNormSq < 1e-4);
  if (indexed.length > 0 || analytic) {
    const series: PlotSeries[] = [];
    if (analytic) series.push({ name: 'analytic critical points', mark: 'points', group: 'analytic', context: true, x: analytic.map((p) => p.index), y: analytic.map((p) => p.loss) });
    for (const cls of CLASS_ORDER) {
      const pts = indexed.filter((p) => p.cls === cls);
      if (pts.length) series.push({ name: `${cls} runs`, mark: 'points', group: cls, x: pts.map((p) => p.point!.index), y: pts.map((p) => p.point!.loss) });
    }
    plots.push({
      id: `${name}-loss-index`,
      title: `${name}: loss against Hessian index${runs.some((o) => o.maxR) ? ' at the maximally flat iterate' : ' at the final iterate'}`,
      caption: 'Index: fraction of Hessian eigenvalues below −1e-5. Only points with ‖∇L‖² < 1e-4 are shown (thesis Fig. 3.2D, 3.6D).',
      x: { label: 'index' },
      y: { label: 'loss' },
      series,
    });
  }
  return plots;
}

function cutoffPlot(errors: { eps: number | null; points: IndexedPoint[] }[], analytic: { loss: number; index: number }[]): PlotSpec {
  return {
    id: 'cutoffs',
    title: 'Loss and index of the first iterate below each cutoff, over the analytic critical points (thesis Fig. 3.3)',
    caption: 'ε = ∞ takes the initial points themselves.',
    x: { label: 'index' },
    y: { label: 'loss' },
    series: [
      { name: 'analytic critical points', mark: 'points', group: 'analytic', context: true, x: analytic.map((p) => p.index), y: analytic.map((p) => p.loss) },
      ...errors.map((e) => ({ name: `ε = ${e.eps === null ? '∞' : e.eps}`, mark: 'points' as const, x: e.points.map((q) => q.index), y: e.points.map((q) => q.loss) })),
    ],
  };
}
