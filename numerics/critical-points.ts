/**
 * Second-order critical-point finders from C. G. Frye's thesis (Ch. 2): Newton-MR (Alg. 13 with the
 * back-tracking line search of Alg. 12), damped Newton (Alg. 11) and gradient-norm minimisation by
 * gradient descent with a back-tracking line search (BTLS-GNM, Alg. 2 + an Armijo test on ‖∇L‖²).
 * Each is a pure function of an objective and a start, returning the final point and a compact trace.
 *
 * Gradient-flatness of a Newton step p (Hp ≈ −g), eq. 3.36–3.37:
 *   r   = ‖Hp + g‖ / (‖H‖_F‖p‖ + ‖g‖)      near 1: g is (almost) in ker H
 *   r_H = ‖H(Hp + g)‖ / (‖H‖_F‖Hp + g‖)    near 0: the residual lies in ker H
 * and MR-QLP's own relres = ‖Hp + g‖ / (Â‖p‖ + ‖g‖), Â its estimate of ‖H‖₂. The trace keeps the parts
 * of each (`residualNorm`, `normalResidualNorm`, `stepNorm`, `hessianNorm`, `anorm`, and ‖g‖ from
 * `gradNormSq`), so all three can be recomputed from it.
 */
import type { Objective } from '../models';
import type { Rng } from '../harness/rng';
import { minresQlp, type MinresQlpOptions } from './minres-qlp';
import { dot, norm2 } from './vector';

/** Frye's MR-QLP settings (§2.6.2.1, §3.4.3): rtol 5e-4, maxxnorm 1e4, acondlim 1e7, trancond 1e4. */
export const FRYE_MINRES_OPTIONS: Required<Omit<MinresQlpOptions, 'maxit' | 'shift'>> = { rtol: 5e-4, maxxnorm: 1e4, acondlim: 1e7, trancond: 1e4 };

export interface LineSearchOptions {
  /** Initial step size α ∈ (0, 1]. */
  alpha: number;
  /** Multiplicative back-tracking factor β ∈ (0, 1). */
  beta: number;
  /** Sufficient-decrease tolerance ρ of the back-tracking phase. */
  rho: number;
  /** Tolerance ρ' of the first check at α = 1. */
  rhoPrime: number;
  /**
   * Minimum step: below it α is set to 0 and the run stops. The search also gives up once βα = α in
   * floating point, which is the thesis' own rule (§2.6.2: "the largest value for which α = βα") and
   * what ε = 0 selects.
   */
  epsilon: number;
}

/** The next back-tracking step βα, or 0 once it is below ε or no longer changes α (see `epsilon`). */
function backtrack(alpha: number, beta: number, epsilon: number): number {
  const next = alpha * beta;
  return next < epsilon || next === alpha ? 0 : next;
}

export const DEFAULT_LINE_SEARCH: LineSearchOptions = { alpha: 1, beta: 0.9, rho: 1e-4, rhoPrime: 1e-4, epsilon: 1e-10 };

/** How ‖H‖_F in r and r_H is obtained: exactly from the full Hessian, or by Hutchinson's estimator. */
export type HessianNormMethod = { kind: 'exact' } | { kind: 'hutchinson'; probes: number; rng: Rng };

export interface Trace {
  loss: number[];
  /** ‖∇L‖² at each iterate, starting with θ₀. */
  gradNormSq: number[];
  /** Step size chosen at each iteration (0 when the line search failed). */
  alpha: number[];
  /** Gradient-flatness of each iteration's Newton step (Newton methods only). */
  r: number[];
  rH: number[];
  /**
   * MR-QLP's own relative residual ‖Hp + g‖/(Â‖p‖ + ‖g‖) of each Newton step, Â being its running
   * estimate of ‖H‖₂ rather than ‖H‖_F. Frye's code reports this as r (thesis-figs shared/gfp.py).
   */
  relres: number[];
  /** minresqlp.m's exit flag of each Newton step; 2 marks a least-squares (incompatible) solution. */
  minresFlag: number[];
  /** ‖Hp + g‖ of each Newton step, computed from the returned p. */
  residualNorm: number[];
  /** ‖H(Hp + g)‖ of each Newton step. */
  normalResidualNorm: number[];
  /** ‖p‖ of each Newton step. */
  stepNorm: number[];
  /** ‖H‖_F at each Newton step's iterate, exact or Hutchinson's estimate, as r and r_H use it. */
  hessianNorm: number[];
  /** MR-QLP's estimate Â of ‖H‖₂ at each Newton step, as relres uses it. */
  anorm: number[];
  /** MINRES-QLP iterations per Newton step. */
  innerIterations: number[];
}

export type FinderStop = 'iteration budget spent' | 'line search found no step' | 'diverged';

export interface FinderResult {
  theta: Float64Array;
  trace: Trace;
  iterations: number;
  stop: FinderStop;
  /** Why the run diverged: non-finite loss or gradient, or a step beyond maxxnorm. */
  divergence?: string;
}

function emptyTrace(): Trace {
  return { loss: [], gradNormSq: [], alpha: [], r: [], rH: [], relres: [], minresFlag: [], residualNorm: [], normalResidualNorm: [], stepNorm: [], hessianNorm: [], anorm: [], innerIterations: [] };
}

/** ‖H‖_F of the objective's Hessian at θ. */
export function hessianFrobeniusNorm(objective: Objective, theta: Float64Array, method: HessianNormMethod): number {
  if (method.kind === 'exact') return norm2(objective.hessian(theta));
  // E‖Hz‖² = ‖H‖_F² for z with independent ±1 entries.
  let sum = 0;
  const z = new Float64Array(objective.dim);
  for (let k = 0; k < method.probes; k++) {
    for (let i = 0; i < z.length; i++) z[i] = method.rng.uniform() < 0.5 ? -1 : 1;
    const hz = objective.hvp(theta, z);
    sum += dot(hz, hz);
  }
  return Math.sqrt(sum / method.probes);
}

export function gradientFlatness(residualNorm: number, hResidualNorm: number, hessianNorm: number, stepNorm: number, gradNorm: number): { r: number; rH: number } {
  const r = residualNorm / (hessianNorm * stepNorm + gradNorm);
  const rH = residualNorm === 0 ? 0 : hResidualNorm / (hessianNorm * residualNorm);
  return { r, rH };
}

function axpy(theta: Float64Array, alpha: number, p: Float64Array): Float64Array {
  const out = new Float64Array(theta.length);
  for (let i = 0; i < out.length; i++) out[i] = theta[i] + alpha * p[i];
  return out;
}

/**
 * The start of every iteration: evaluate θ_t, record it, and end the run when it diverged or the budget
 * is spent.
 */
function visit(
  objective: Objective,
  theta: Float64Array,
  t: number,
  trace: Trace,
  options: { iterations: number; observe?: IterateObserver },
): { g: Float64Array; s: number } | { end: FinderResult } {
  const { loss, gradient: g } = objective.lossAndGradient(theta);
  const s = dot(g, g);
  trace.loss.push(loss);
  trace.gradNormSq.push(s);
  options.observe?.(t, theta);
  if (!Number.isFinite(loss) || !Number.isFinite(s)) {
    return { end: { theta, trace, iterations: t, stop: 'diverged', divergence: `non-finite ${Number.isFinite(loss) ? 'gradient' : 'loss'} at iteration ${t}` } };
  }
  if (t === options.iterations) return { end: { theta, trace, iterations: t, stop: 'iteration budget spent' } };
  return { g, s };
}

function squaredGradientNorm(objective: Objective, theta: Float64Array): number {
  const g = objective.lossAndGradient(theta).gradient;
  return dot(g, g);
}

/**
 * Alg. 12: accept α = 1 if ‖∇L(θ + p)‖² ≤ s + 2ρ'·pᵀHg; otherwise back-track from `alpha` by β until
 * ‖∇L(θ + αp)‖² ≤ s + 2ραpᵀHg, giving 0 once α < ε or βα = α.
 */
export function backtrackingLineSearch(objective: Objective, theta: Float64Array, p: Float64Array, s: number, slope: number, alpha: number, o: LineSearchOptions): number {
  const accepts = (a: number, rho: number): boolean => {
    const value = squaredGradientNorm(objective, axpy(theta, a, p));
    return Number.isFinite(value) && value <= s + 2 * rho * a * slope;
  };
  if (accepts(1, o.rhoPrime)) return 1;
  let a = alpha;
  while (!accepts(a, o.rho)) {
    a = backtrack(a, o.beta, o.epsilon);
    if (a === 0) return 0;
  }
  return a;
}

/** Called with every iterate θ_t (t = 0 is the start); θ_t is never modified afterwards, so it may be kept. */
export type IterateObserver = (t: number, theta: Float64Array) => void;

/**
 * The MR-QLP solution p of Hp = −g at θ, recorded in the trace with its gradient-flatness r and r_H
 * (eq. 3.36–3.37), MR-QLP's relres and exit flag.
 */
function newtonStep(
  objective: Objective,
  theta: Float64Array,
  g: Float64Array,
  gradNormSq: number,
  trace: Trace,
  options: { minres: MinresQlpOptions; hessianNorm: HessianNormMethod },
): ReturnType<typeof minresQlp> {
  const apply = (v: Float64Array): Float64Array => objective.hvp(theta, v);
  const solve = minresQlp(apply, g.map((x) => -x), { ...options.minres, maxit: options.minres.maxit ?? objective.dim });
  const hNorm = hessianFrobeniusNorm(objective, theta, options.hessianNorm);
  const gradNorm = Math.sqrt(gradNormSq);
  const { r, rH } = gradientFlatness(solve.residualNorm, solve.normalResidualNorm, hNorm, solve.xnorm, gradNorm);
  trace.r.push(r);
  trace.rH.push(rH);
  trace.relres.push(solve.residualNorm / (solve.anorm * solve.xnorm + gradNorm));
  trace.minresFlag.push(solve.flag);
  trace.residualNorm.push(solve.residualNorm);
  trace.normalResidualNorm.push(solve.normalResidualNorm);
  trace.stepNorm.push(solve.xnorm);
  trace.hessianNorm.push(hNorm);
  trace.anorm.push(solve.anorm);
  return solve;
}

export interface NewtonMrOptions {
  iterations: number;
  observe?: IterateObserver;
  /** Called with every iteration's Newton step p (MR-QLP's solution at θ_t, before the line search scales it). */
  observeStep?: (t: number, p: Float64Array) => void;
  minres: MinresQlpOptions;
  lineSearch: LineSearchOptions;
  hessianNorm: HessianNormMethod;
}

/**
 * Alg. 13 (Newton-MR): MR-QLP step for Hp = −g, BTLS on ‖∇L‖², then α ← min(1, α/β). The thesis prints
 * max(1, α/β), which would leave α ≥ 1 for good although Alg. 12 requires α ∈ (0, 1]; we read it as min.
 */
export function newtonMr(objective: Objective, theta0: Float64Array, options: NewtonMrOptions): FinderResult {
  const trace = emptyTrace();
  let theta: Float64Array = Float64Array.from(theta0);
  let alpha = options.lineSearch.alpha;
  const maxxnorm = options.minres.maxxnorm ?? FRYE_MINRES_OPTIONS.maxxnorm;
  for (let t = 0; ; t++) {
    const step = visit(objective, theta, t, trace, options);
    if ('end' in step) return step.end;
    const { g, s } = step;
    const apply = (v: Float64Array): Float64Array => objective.hvp(theta, v);
    const solve = newtonStep(objective, theta, g, s, trace, options);
    const p = solve.x;
    options.observeStep?.(t, p);
    trace.innerIterations.push(solve.iterations);
    if (!(solve.xnorm <= maxxnorm) || !p.every(Number.isFinite)) {
      return { theta, trace, iterations: t, stop: 'diverged', divergence: `step norm ${solve.xnorm} beyond maxxnorm ${maxxnorm} at iteration ${t}` };
    }
    // pᵀHg: the directional derivative of ½‖∇L‖² along p, which the sufficient-decrease test scales.
    const slope = dot(apply(p), g);
    alpha = backtrackingLineSearch(objective, theta, p, s, slope, alpha, options.lineSearch);
    trace.alpha.push(alpha);
    if (alpha === 0) return { theta, trace, iterations: t + 1, stop: 'line search found no step' };
    theta = axpy(theta, alpha, p);
    alpha = Math.min(1, alpha / options.lineSearch.beta);
  }
}

export interface DampedNewtonOptions {
  iterations: number;
  observe?: IterateObserver;
  minres: MinresQlpOptions;
  /** The damping set Γ: one MR-QLP solve of (H + γI)p = −g per γ, keeping the p with least ‖∇L(θ + p)‖². */
  damping: number[];
  /** Scale of every damped step; Alg. 11 takes the unit step, autocrit's NewtonTR defaults to 0.1. Default 1. */
  stepSize?: number;
  hessianNorm: HessianNormMethod;
}

/**
 * Alg. 11 (minimum-residual damped Newton). A run stops when no damped step lowers ‖∇L‖²: the thesis
 * terminates runs "without finding an acceptable update" (§3.2.3.3), which is what makes many of its
 * damped-Newton runs end after a few iterations.
 */
export function dampedNewton(objective: Objective, theta0: Float64Array, options: DampedNewtonOptions): FinderResult {
  const trace = emptyTrace();
  const stepSize = options.stepSize ?? 1;
  let theta: Float64Array = Float64Array.from(theta0);
  for (let t = 0; ; t++) {
    const step = visit(objective, theta, t, trace, options);
    if ('end' in step) return step.end;
    const { g, s } = step;
    const apply = (v: Float64Array): Float64Array => objective.hvp(theta, v);
    const minus = g.map((x) => -x);
    let best: { theta: Float64Array; value: number; gamma: number } | null = null;
    let inner = 0;
    for (const gamma of options.damping) {
      const solve = minresQlp(apply, minus, { ...options.minres, shift: -gamma, maxit: options.minres.maxit ?? objective.dim });
      inner += solve.iterations;
      if (!solve.x.every(Number.isFinite)) continue;
      const candidate = axpy(theta, stepSize, solve.x);
      const value = squaredGradientNorm(objective, candidate);
      if (Number.isFinite(value) && (best === null || value < best.value)) best = { theta: candidate, value, gamma };
    }
    // Flatness of the undamped step is what r measures; record it for the chosen iterate's start.
    const undamped = newtonStep(objective, theta, g, s, trace, options);
    trace.innerIterations.push(inner + undamped.iterations);
    if (best === null || !(best.value < s)) {
      trace.alpha.push(0);
      return { theta, trace, iterations: t + 1, stop: 'line search found no step' };
    }
    trace.alpha.push(stepSize);
    theta = best.theta;
  }
}

export interface GradientNormDescentOptions {
  iterations: number;
  observe?: IterateObserver;
  lineSearch: Pick<LineSearchOptions, 'alpha' | 'beta' | 'rho' | 'epsilon'> & {
    /**
     * γ of the Wolfe curvature condition dᵀ∇G(θ + αd) ≥ γ·dᵀ∇G(θ), checked with the Armijo test when
     * given (thesis §2.3 and §3.3: "the Wolfe conditions for line search termination"). It rejects steps
     * too short to use up a fraction 1 − γ of the slope, so back-tracking can fail where Armijo alone
     * would accept a tiny step.
     */
    curvature?: number;
  };
}

/**
 * BTLS-GNM: gradient descent on G(θ) = ‖∇L(θ)‖², whose gradient is 2H∇L (eq. 2.19), with a
 * back-tracking line search on G (Armijo, plus the Wolfe curvature test when `curvature` is set) and the
 * step grown by 1/β after each accepted step.
 */
export function gradientNormDescent(objective: Objective, theta0: Float64Array, options: GradientNormDescentOptions): FinderResult {
  const trace = emptyTrace();
  const o = options.lineSearch;
  let theta: Float64Array = Float64Array.from(theta0);
  let alpha = o.alpha;
  for (let t = 0; ; t++) {
    const step = visit(objective, theta, t, trace, options);
    if ('end' in step) return step.end;
    const { g, s } = step;
    const direction = objective.hvp(theta, g).map((x) => -2 * x);
    const slope = -dot(direction, direction); // ∇G·d with d = −∇G
    // Wolfe curvature: dᵀ∇G(θ + αd) = 2dᵀH(θ + αd)∇L(θ + αd), from the gradient the Armijo test computed.
    const curvatureHolds = (next: Float64Array, gNext: Float64Array): boolean => o.curvature === undefined || 2 * dot(direction, objective.hvp(next, gNext)) >= o.curvature * slope;
    for (;;) {
      const next = axpy(theta, alpha, direction);
      const gNext = objective.lossAndGradient(next).gradient;
      const value = dot(gNext, gNext);
      if (Number.isFinite(value) && value <= s + o.rho * alpha * slope && curvatureHolds(next, gNext)) break;
      alpha = backtrack(alpha, o.beta, o.epsilon);
      if (alpha === 0) {
        trace.alpha.push(0);
        return { theta, trace, iterations: t + 1, stop: 'line search found no step' };
      }
    }
    trace.alpha.push(alpha);
    theta = axpy(theta, alpha, direction);
    alpha = alpha / o.beta;
  }
}
