/**
 * One critical-point-finding run, as a task for `mapParallel`: rebuild the problem from its JSON
 * description, run the algorithm from θ₀, and compute the Hessian index at the iterates the analysis
 * asks for. Inputs and outputs are plain data (structured-clone safe).
 */
import {
  DEFAULT_LINE_SEARCH,
  FRYE_MINRES_OPTIONS,
  dampedNewton,
  gradientNormDescent,
  newtonMr,
  type FinderResult,
  type HessianNormMethod,
  type Trace,
} from '../../numerics/critical-points';
import { eigh, hessianIndex } from '../../numerics/eigh';
import type { Objective } from '../../models';
import { createRng } from '../rng';
import { buildProblem, type ProblemSpec } from './critical-point-problems';

export interface MinresSettings {
  rtol: number;
  maxxnorm: number;
  acondlim: number;
  trancond: number;
  /** Default: the number of parameters. */
  maxit?: number;
}

export type HessianNormSetting = 'exact' | { hutchinsonProbes: number };

export type AlgorithmSpec =
  | { name: 'newton-mr'; iterations: number; minres?: MinresSettings; lineSearch?: { alpha: number; beta: number; rho: number; rhoPrime: number; epsilon: number }; hessianNorm: HessianNormSetting }
  | { name: 'damped-newton'; iterations: number; minres?: MinresSettings; damping: number[]; stepSize?: number; hessianNorm: HessianNormSetting }
  | { name: 'btls-gnm'; iterations: number; lineSearch: { alpha: number; beta: number; rho: number; epsilon: number; curvature?: number } };

export const ALGORITHM_NAMES = ['newton-mr', 'damped-newton', 'btls-gnm'] as const;

/** How gradient-flatness is read from a Newton trace (`analysis.flatness` of a spec). */
export interface FlatnessSetting {
  /** `r`: eq. 3.36 with ‖H‖_F, as the thesis text defines it; `relres`: MR-QLP's relres, with its estimate of ‖H‖₂, which the thesis' code reports. */
  measure: 'r' | 'relres';
  /** Steps whose values count towards a run's maximum: every step, or only MR-QLP's least-squares (flag 2) steps, as thesis-figs shared/gfp.py counts them. */
  maxOver: 'all-steps' | 'incompatible-steps';
}

/** The thesis text's reading: r of eq. 3.36 at every step. */
export const TEXT_FLATNESS: FlatnessSetting = { measure: 'r', maxOver: 'all-steps' };

/** The chosen flatness measure at every Newton step. */
export function flatnessSeries(trace: Trace, setting: FlatnessSetting): number[] {
  return setting.measure === 'r' ? trace.r : trace.relres;
}

/** The largest flatness over the steps that count, and where; null when no step counts. */
export function maxFlatness(trace: Trace, setting: FlatnessSetting): { value: number; step: number } | null {
  const values = flatnessSeries(trace, setting);
  let best: { value: number; step: number } | null = null;
  values.forEach((value, step) => {
    if (!Number.isFinite(value)) return;
    if (setting.maxOver === 'incompatible-steps' && trace.minresFlag[step] !== 2) return;
    if (best === null || value > best.value) best = { value, step };
  });
  return best;
}

export interface RunInput {
  problem: ProblemSpec;
  /** Seed of the problem's data (shared by every run of a claim). */
  problemSeed: number;
  /** Seed of this run's own randomness (Hutchinson probes). */
  runSeed: number;
  algorithm: AlgorithmSpec;
  theta0: number[];
  /** Iterates at which to compute the Hessian index: the last, the one with the largest r, and the first below each cutoff (null = ∞, the start). */
  indexAt: { final?: boolean; maxR?: boolean; cutoffs?: (number | null)[] };
  indexThreshold: number;
  /** Which flatness picks the "maximally flat" iterate of `indexAt.maxR`. */
  flatness: FlatnessSetting;
}

export interface IndexedPoint {
  iteration: number;
  loss: number;
  gradNormSq: number;
  index: number;
  /** The smallest Hessian eigenvalue, so that the index can be recounted at another threshold. */
  lambdaMin: number;
  /** The iterate itself, so that loss, gradient and index can be recomputed from it. */
  theta: number[];
}

export interface RunOutput {
  trace: Trace;
  iterations: number;
  stop: FinderResult['stop'];
  divergence?: string;
  theta: number[];
  final?: IndexedPoint;
  maxR?: IndexedPoint & { r: number };
  /** One entry per requested cutoff, null when the run never got below it. */
  cutoffs?: (IndexedPoint | null)[];
}

export function hessianNormMethod(setting: HessianNormSetting, seed: number): HessianNormMethod {
  return setting === 'exact' ? { kind: 'exact' } : { kind: 'hutchinson', probes: setting.hutchinsonProbes, rng: createRng(seed) };
}

function indexOf(objective: Objective, theta: Float64Array, threshold: number): { index: number; lambdaMin: number } {
  const { values } = eigh(objective.hessian(theta), objective.dim);
  return { index: hessianIndex(values, threshold), lambdaMin: Math.min(...values) };
}

/** The task body: runs in a worker thread (or in-process with one job). */
export function runCriticalPointSearch(input: RunInput): RunOutput {
  const { objective } = buildProblem(input.problem, input.problemSeed);
  const iterates: Float64Array[] = [];
  const observe = (t: number, theta: Float64Array): void => {
    iterates[t] = theta;
  };
  const theta0 = Float64Array.from(input.theta0);
  const a = input.algorithm;
  const minres = { ...FRYE_MINRES_OPTIONS, ...('minres' in a ? a.minres : {}) };
  let result: FinderResult;
  if (a.name === 'newton-mr') {
    result = newtonMr(objective, theta0, { iterations: a.iterations, minres, lineSearch: a.lineSearch ?? DEFAULT_LINE_SEARCH, hessianNorm: hessianNormMethod(a.hessianNorm, input.runSeed), observe });
  } else if (a.name === 'damped-newton') {
    result = dampedNewton(objective, theta0, { iterations: a.iterations, minres, damping: a.damping, stepSize: a.stepSize, hessianNorm: hessianNormMethod(a.hessianNorm, input.runSeed), observe });
  } else {
    result = gradientNormDescent(objective, theta0, { iterations: a.iterations, lineSearch: a.lineSearch, observe });
  }
  const { trace } = result;
  const point = (t: number): IndexedPoint => ({ iteration: t, loss: trace.loss[t], gradNormSq: trace.gradNormSq[t], ...indexOf(objective, iterates[t], input.indexThreshold), theta: Array.from(iterates[t]) });
  const last = trace.gradNormSq.length - 1;
  const output: RunOutput = { trace, iterations: result.iterations, stop: result.stop, theta: Array.from(result.theta) };
  if (result.divergence) output.divergence = result.divergence;
  const finite = result.stop !== 'diverged';
  if (input.indexAt.final && finite) output.final = point(last);
  const flattest = input.indexAt.maxR ? maxFlatness(trace, input.flatness) : null;
  if (flattest) output.maxR = { ...point(flattest.step), r: flattest.value };
  if (input.indexAt.cutoffs) {
    output.cutoffs = input.indexAt.cutoffs.map((eps) => {
      const t = eps === null ? 0 : trace.gradNormSq.findIndex((g) => g < eps);
      return t < 0 ? null : point(t);
    });
  }
  return output;
}
