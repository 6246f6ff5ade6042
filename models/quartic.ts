/**
 * The two-dimensional quartic of Frye's thesis §3.4.2 (Fig. 3.5):
 *   f(x, y) = x⁴/4 − 3x² + b·x + 0.9y⁴ + 5y² + 40,   b = 9 in the thesis.
 * Its only critical point is (−3, 0) for b = 9; at (±√2, 0) the Hessian diag(3x² − 6, 10.8y² + 10) is
 * singular and the gradient (x³ − 6x + b, 0) lies in its kernel: strict gradient-flat points. For b = 9,
 * (√2, 0) is a local minimum of ‖∇f‖² and (−√2, 0) a saddle of it; b = −9 mirrors f in x and swaps them.
 */
import type { Objective } from './objective';

/** The thesis' coefficient of x. */
export const QUARTIC_LINEAR_TERM = 9;

export const QUARTIC_CRITICAL_POINT = [-3, 0] as const;
export const QUARTIC_GRADIENT_FLAT_POINTS = [
  [Math.SQRT2, 0],
  [-Math.SQRT2, 0],
] as const;

/**
 * The critical point (x*, 0): the one real root of x³ − 6x + b (|b| > 4√2 leaves a single one), by
 * Newton's method from the side of the root, then polished until it no longer moves.
 */
export function quarticCriticalPoint(b = QUARTIC_LINEAR_TERM): [number, number] {
  if (!(Math.abs(b) > 4 * Math.SQRT2)) throw new RangeError(`x³ − 6x + b has a single real root only for |b| > 4√2, got b = ${b}`);
  let x = -Math.sign(b) * 3;
  for (let i = 0; i < 100; i++) {
    const next = x - (x ** 3 - 6 * x + b) / (3 * x ** 2 - 6);
    if (next === x) break;
    x = next;
  }
  return [x, 0];
}

export function quarticObjective(b = QUARTIC_LINEAR_TERM): Objective {
  const loss = (t: Float64Array): number => t[0] ** 4 / 4 - 3 * t[0] ** 2 + b * t[0] + 0.9 * t[1] ** 4 + 5 * t[1] ** 2 + 40;
  const gradient = (t: Float64Array): Float64Array => Float64Array.of(t[0] ** 3 - 6 * t[0] + b, 3.6 * t[1] ** 3 + 10 * t[1]);
  const hessian = (t: Float64Array): Float64Array => Float64Array.of(3 * t[0] ** 2 - 6, 0, 0, 10.8 * t[1] ** 2 + 10);
  return {
    dim: 2,
    loss,
    lossAndGradient: (t) => ({ loss: loss(t), gradient: gradient(t) }),
    hvp: (t, v) => {
      const h = hessian(t);
      return Float64Array.of(h[0] * v[0], h[3] * v[1]);
    },
    hessian,
  };
}
