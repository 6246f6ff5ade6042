/**
 * Centred Gaussian data for the deep linear autoencoder of Frye (2020) §3.2.3.1: d independent features
 * with given variances (1, 2, …, 16 there), n samples (1e4), laid out d×n with features as rows, the
 * X of ‖X − W₂W₁X‖².
 */

import type { Rng } from '../harness/rng';

/**
 * d×n row-major, row i drawn i.i.d. from N(0, variances[i]) (row by row, so a row's samples do not
 * depend on later variances), then every row centred by subtracting its sample mean. The thesis
 * requires exact centring so that XXᵀ is the sample scatter matrix whose eigenvectors are the principal
 * components; zero population means alone leave sample means of order 1/√n. A second centring pass
 * removes the rounding left by the first, leaving row means of order 1e-17 times the row's scale.
 */
export function gaussianData(d: number, n: number, variances: ArrayLike<number>, rng: Rng): Float64Array {
  if (!Number.isInteger(d) || d < 1) throw new RangeError(`d must be a positive integer, got ${d}`);
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`n must be an integer ≥ 2 (a single sample centres to 0), got ${n}`);
  if (variances.length !== d) throw new RangeError(`expected ${d} variances, got ${variances.length}`);
  const x = new Float64Array(d * n);
  for (let i = 0; i < d; i++) {
    const variance = variances[i];
    if (!(variance >= 0 && Number.isFinite(variance))) throw new RangeError(`variances[${i}] must be finite and ≥ 0, got ${variance}`);
    const sd = Math.sqrt(variance);
    const row = x.subarray(i * n, (i + 1) * n);
    for (let s = 0; s < n; s++) row[s] = sd * rng.normal();
    for (let pass = 0; pass < 2; pass++) {
      let sum = 0;
      for (let s = 0; s < n; s++) sum += row[s];
      const mean = sum / n;
      for (let s = 0; s < n; s++) row[s] -= mean;
    }
  }
  return x;
}

/** The variances 1, 2, …, d: linearly spaced, so the eigenvalues are distinct and XXᵀ well conditioned. */
export function linearVariances(d: number): Float64Array {
  return Float64Array.from({ length: d }, (_, i) => i + 1);
}
