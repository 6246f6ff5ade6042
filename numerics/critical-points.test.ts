import { mlpObjective } from '../models';
import { QUARTIC_CRITICAL_POINT, quarticObjective } from '../models/quartic';
import { createRng } from '../harness/rng';
import {
  DEFAULT_LINE_SEARCH,
  FRYE_MINRES_OPTIONS,
  backtrackingLineSearch,
  dampedNewton,
  gradientFlatness,
  gradientNormDescent,
  hessianFrobeniusNorm,
  newtonMr,
} from './critical-points';

const exact = { kind: 'exact' as const };
const newtonOptions = { iterations: 100, minres: FRYE_MINRES_OPTIONS, lineSearch: DEFAULT_LINE_SEARCH, hessianNorm: exact };

describe('Newton-MR on the quartic (thesis §3.4.2)', () => {
  it('converges to the critical point (−3, 0) from x₀ < −√2', () => {
    const run = newtonMr(quarticObjective(), Float64Array.of(-3.8, 1.5), newtonOptions);
    expect(run.theta[0]).toBeCloseTo(QUARTIC_CRITICAL_POINT[0], 10);
    expect(Math.abs(run.theta[1])).toBeLessThan(1e-10);
    expect(Math.min(...run.trace.gradNormSq)).toBeLessThan(1e-20);
  });

  it('stalls at the strict gradient-flat point (√2, 0) from x₀ > −√2, with r near 1', () => {
    const run = newtonMr(quarticObjective(), Float64Array.of(2.5, -1), newtonOptions);
    expect(Math.abs(run.theta[0] - Math.SQRT2)).toBeLessThan(1e-3);
    expect(Math.abs(run.theta[1])).toBeLessThan(1e-3);
    const final = run.trace.gradNormSq.at(-1)!;
    expect(Math.abs(final - (9 - 4 * Math.SQRT2) ** 2) / (9 - 4 * Math.SQRT2) ** 2).toBeLessThan(0.01);
    expect(run.trace.r.at(-1)!).toBeGreaterThan(0.9);
  });

  it('records a compact trace with one entry per iterate', () => {
    const run = newtonMr(quarticObjective(), Float64Array.of(0.5, 0.5), { ...newtonOptions, iterations: 5 });
    expect(run.trace.gradNormSq).toHaveLength(run.iterations + 1);
    expect(run.trace.alpha.length).toBe(run.trace.r.length);
    expect(run.trace.r.every((r) => r >= 0 && r <= 1 + 1e-12)).toBe(true);
    expect(run.trace.relres).toHaveLength(run.trace.r.length);
    expect(run.trace.minresFlag).toHaveLength(run.trace.r.length);
  });

  it("records MR-QLP's relres and flag: a least-squares step (flag 2) where the gradient lies in the Hessian's kernel", () => {
    // f(x, y) = x + y²: H = diag(0, 2) everywhere, and ∇f = (1, 2y) always has the kernel component 1.
    const tilted = {
      dim: 2,
      loss: (t: Float64Array) => t[0] + t[1] ** 2,
      lossAndGradient: (t: Float64Array) => ({ loss: t[0] + t[1] ** 2, gradient: Float64Array.of(1, 2 * t[1]) }),
      hvp: (_t: Float64Array, v: Float64Array) => Float64Array.of(0, 2 * v[1]),
      hessian: () => Float64Array.of(0, 0, 0, 2),
    };
    const run = newtonMr(tilted, Float64Array.of(0, 1), { ...newtonOptions, iterations: 3 });
    expect(run.trace.minresFlag[0]).toBe(2);
    // p = (0, −y): the residual is the kernel part (1, 0); Â = ‖H‖₂ = 2 = ‖H‖_F here, so relres = r.
    expect(run.trace.relres[0]).toBeCloseTo(1 / (2 * 1 + Math.hypot(1, 2)), 10);
    expect(run.trace.relres[0]).toBeCloseTo(run.trace.r[0], 10);
    expect(run.theta[1]).toBeCloseTo(0, 10);
    expect(run.trace.relres.at(-1)!).toBeCloseTo(1, 10); // at y = 0 the gradient is all kernel
  });

  it('reports divergence instead of throwing', () => {
    const nan = { ...quarticObjective(), lossAndGradient: () => ({ loss: NaN, gradient: Float64Array.of(NaN, NaN) }) };
    const run = newtonMr(nan, Float64Array.of(1, 1), newtonOptions);
    expect(run.stop).toBe('diverged');
    expect(run.divergence).toMatch(/non-finite loss at iteration 0/);
  });
});

describe('line search and flatness', () => {
  it('accepts the full Newton step on a quadratic', () => {
    const q = { ...quarticObjective() };
    const theta = Float64Array.of(-3.001, 0.001);
    const g = q.lossAndGradient(theta).gradient;
    const h = q.hessian(theta);
    const p = Float64Array.of(-g[0] / h[0], -g[1] / h[3]);
    const s = g[0] ** 2 + g[1] ** 2;
    expect(backtrackingLineSearch(q, theta, p, s, -s, 1, DEFAULT_LINE_SEARCH)).toBe(1);
  });

  it('gives up on an ascent direction at ε, and under the thesis rule ε = 0 ends once βα = α', () => {
    const q = quarticObjective();
    const theta = Float64Array.of(-3.5, 0.5);
    const g = q.lossAndGradient(theta).gradient;
    const ascent = q.hvp(theta, g); // +H∇f raises ‖∇f‖² to first order
    const s = g[0] ** 2 + g[1] ** 2;
    const slope = ascent[0] * g[0] + ascent[1] * g[1];
    expect(backtrackingLineSearch(q, theta, ascent, s, slope, 1, DEFAULT_LINE_SEARCH)).toBe(0);
    // With ε = 0 the search runs until θ + αp rounds to θ, which passes the test trivially: a no-op step.
    const tiny = backtrackingLineSearch(q, theta, ascent, s, slope, 1, { ...DEFAULT_LINE_SEARCH, epsilon: 0 });
    expect(tiny).toBeGreaterThan(0);
    expect([theta[0] + tiny * ascent[0], theta[1] + tiny * ascent[1]]).toEqual([theta[0], theta[1]]);
    // Where no α passes at all, α must not stick at the smallest subnormal (0.9·5e-324 rounds back to it).
    const nowhere = { ...q, lossAndGradient: (t: Float64Array) => (t === theta ? q.lossAndGradient(t) : { loss: NaN, gradient: Float64Array.of(NaN, NaN) }) };
    expect(backtrackingLineSearch(nowhere, theta, ascent, s, slope, 1, { ...DEFAULT_LINE_SEARCH, epsilon: 0 })).toBe(0);
  });

  it('computes r and r_H as eq. 3.36–3.37', () => {
    expect(gradientFlatness(3, 0, 10, 0, 3)).toEqual({ r: 1, rH: 0 });
    expect(gradientFlatness(0, 0, 10, 1, 3)).toEqual({ r: 0, rH: 0 });
    expect(gradientFlatness(1, 2, 4, 0.5, 1)).toEqual({ r: 1 / 3, rH: 0.5 });
  });

  it('estimates ‖H‖_F by Hutchinson within a few percent of the exact value', () => {
    const rng = createRng(3);
    const data = { n: 30, inputDim: 3, outputDim: 2, x: Float64Array.from({ length: 90 }, () => rng.normal()), y: Float64Array.from({ length: 60 }, () => rng.normal()) };
    const objective = mlpObjective({ widths: [3, 6, 2], activation: 'tanh' }, { kind: 'mse' }, data);
    const theta = Float64Array.from({ length: objective.dim }, () => 0.5 * rng.normal());
    const truth = hessianFrobeniusNorm(objective, theta, exact);
    const estimate = hessianFrobeniusNorm(objective, theta, { kind: 'hutchinson', probes: 400, rng: createRng(4) });
    expect(Math.abs(estimate - truth) / truth).toBeLessThan(0.05);
  });
});

describe('damped Newton and BTLS-GNM', () => {
  it('both reach the quartic critical point from the left', () => {
    const damped = dampedNewton(quarticObjective(), Float64Array.of(-3.5, 0.8), { iterations: 60, minres: FRYE_MINRES_OPTIONS, damping: [0, 1e-2, 1e-1, 1], hessianNorm: exact });
    expect(damped.theta[0]).toBeCloseTo(-3, 6);
    const gnm = gradientNormDescent(quarticObjective(), Float64Array.of(-3.5, 0.8), { iterations: 5000, lineSearch: { alpha: 1e-3, beta: 0.5, rho: 1e-4, epsilon: 1e-12 } });
    expect(gnm.theta[0]).toBeCloseTo(-3, 4);
    expect(gnm.trace.gradNormSq.at(-1)!).toBeLessThan(gnm.trace.gradNormSq[0]);
  });

  it('damped Newton scales its steps by stepSize and records it as α', () => {
    const start = Float64Array.of(-3.5, 0.8);
    const unit = dampedNewton(quarticObjective(), start, { iterations: 1, minres: FRYE_MINRES_OPTIONS, damping: [0], hessianNorm: exact });
    const tenth = dampedNewton(quarticObjective(), start, { iterations: 1, minres: FRYE_MINRES_OPTIONS, damping: [0], stepSize: 0.1, hessianNorm: exact });
    expect(tenth.trace.alpha).toEqual([0.1]);
    for (const i of [0, 1]) expect(tenth.theta[i] - start[i]).toBeCloseTo(0.1 * (unit.theta[i] - start[i]), 12);
  });

  it("BTLS-GNM under the Wolfe conditions rejects a step too short to use up the slope, which Armijo alone accepts", () => {
    const start = Float64Array.of(-3.5, 0.8);
    const lineSearch = { alpha: 1e-6, beta: 0.5, rho: 1e-4, epsilon: 0 };
    const armijo = gradientNormDescent(quarticObjective(), start, { iterations: 1, lineSearch });
    expect(armijo.trace.alpha).toEqual([1e-6]);
    // Back-tracking only shortens the step, so once the first trial is too short no step can pass:
    // the run ends, as the thesis' BTLS-GNM runs end "without finding an acceptable update".
    const wolfe = gradientNormDescent(quarticObjective(), start, { iterations: 1, lineSearch: { ...lineSearch, curvature: 0.9 } });
    expect(wolfe.stop).toBe('line search found no step');
    expect(wolfe.trace.alpha).toEqual([0]);
    // A first trial long enough passes both tests and still descends.
    const long = gradientNormDescent(quarticObjective(), start, { iterations: 50, lineSearch: { ...lineSearch, alpha: 1e-2, curvature: 0.9 } });
    expect(long.trace.alpha.slice(0, 10).every((a) => a > 0)).toBe(true);
    expect(long.trace.gradNormSq.at(-1)!).toBeLessThan(0.1 * long.trace.gradNormSq[0]);
  });
});
