/**
 * The two-dimensional quartic of Frye's thesis §3.4.2 (Fig. 3.5):
 *   f(x, y) = x⁴/4 − 3x² + 9x + 0.9y⁴ + 5y² + 40.
 * Its only critical point is (−3, 0); at (±√2, 0) the Hessian diag(3x² − 6, 10.8y² + 10) is singular and
 * the gradient (x³ − 6x + 9, 0) lies in its kernel: strict gradient-flat points.
 */
import type { Objective } from './objective';

export const QUARTIC_CRITICAL_POINT = [-3, 0] as const;
export const QUARTIC_GRADIENT_FLAT_POINTS = [
  [Math.SQRT2, 0],
  [-Math.SQRT2, 0],
] as const;

export function quarticObjective(): Objective {
  const loss = (t: Float64Array): number => t[0] ** 4 / 4 - 3 * t[0] ** 2 + 9 * t[0] + 0.9 * t[1] ** 4 + 5 * t[1] ** 2 + 40;
  const gradient = (t: Float64Array): Float64Array => Float64Array.of(t[0] ** 3 - 6 * t[0] + 9, 3.6 * t[1] ** 3 + 10 * t[1]);
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
