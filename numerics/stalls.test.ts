import type { Objective } from '../models';
import { classifyStall, type StallOptions } from './stalls';

const options: StallOptions = { gradientTolerance: 1e-6, curvatureTolerance: 1e-6, descentSteps: 200, learningRate: 0.1, rayDirections: 2, rayStart: 1e-3, raySteps: 30, escapeDrop: 1e-12 };

/** A two-parameter objective from its value, gradient and Hessian. */
function objective2(f: (x: number, y: number) => number, g: (x: number, y: number) => [number, number], h: (x: number, y: number) => [number, number, number]): Objective {
  return {
    dim: 2,
    loss: (t) => f(t[0], t[1]),
    lossAndGradient: (t) => ({ loss: f(t[0], t[1]), gradient: Float64Array.from(g(t[0], t[1])) }),
    hvp: (t, v) => {
      const [a, b, c] = h(t[0], t[1]);
      return Float64Array.of(a * v[0] + b * v[1], b * v[0] + c * v[1]);
    },
    hessian: (t) => {
      const [a, b, c] = h(t[0], t[1]);
      return Float64Array.of(a, b, b, c);
    },
  };
}

describe('classifyStall', () => {
  it('calls the bottom of a bowl with error a strict local minimum', () => {
    const bowl = objective2((x, y) => 1 + (x - 1) ** 2 + 2 * y ** 2, (x, y) => [2 * (x - 1), 4 * y], () => [2, 0, 4]);
    const report = classifyStall(bowl, Float64Array.of(1, 0), options);
    expect(report.class).toBe('strict-minimum');
    expect(report.eigenvalues).toEqual([2, 4]);
  });

  it('calls a point with negative curvature a saddle', () => {
    const saddle = objective2((x, y) => 1 + x ** 2 - y ** 2, (x, y) => [2 * x, -2 * y], () => [2, 0, -2]);
    expect(classifyStall(saddle, Float64Array.of(0, 0), options).class).toBe('saddle');
  });

  it('calls a flat asymptote that keeps falling along a ray a plateau, however tiny its curvature', () => {
    // e^{−x} + y² at x = 20: gradient and curvature along x ≈ 2e-9, and the error falls towards x → ∞.
    const e = (x: number): number => Math.exp(-x);
    const asymptote = objective2((x, y) => 0.5 + e(x) + y ** 2, (x, y) => [-e(x), 2 * y], (x) => [e(x), 0, 2]);
    const report = classifyStall(asymptote, Float64Array.of(20, 0), options);
    expect(report.class).toBe('plateau');
    expect(report.ray.loss).toBeLessThan(report.loss);
  });

  it('leaves a flat but closed trough unresolved: no escape, not positive definite', () => {
    // x⁴ + y²: λ = 0 along x at the origin, but the error rises both ways.
    const trough = objective2((x, y) => 1 + x ** 4 + y ** 2, (x, y) => [4 * x ** 3, 2 * y], (x) => [12 * x ** 2, 0, 2]);
    expect(classifyStall(trough, Float64Array.of(0, 0), options).class).toBe('unresolved');
  });
});
