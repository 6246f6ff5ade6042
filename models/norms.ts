/** Euclidean norms that neither overflow nor underflow for entries of extreme magnitude. */

/** ‖v‖₂. NaN if any entry is NaN, else Inf if any entry is infinite. */
export function l2Norm(v: Float64Array): number {
  let sum = 0;
  for (let k = 0, m = v.length; k < m; k++) sum += v[k] * v[k];
  // Within this range no square overflowed and any that underflowed is negligible against the sum.
  if (sum > 1e-280 && sum < 1e280) return Math.sqrt(sum);
  if (sum !== sum) return NaN;
  let scale = 0;
  for (let k = 0, m = v.length; k < m; k++) scale = Math.max(scale, Math.abs(v[k]));
  if (scale === 0 || scale === Infinity) return scale;
  let scaled = 0;
  for (let k = 0, m = v.length; k < m; k++) {
    const r = v[k] / scale;
    scaled += r * r;
  }
  return scale * Math.sqrt(scaled);
}

/** Frobenius norm of a matrix stored flat (any layout): the 2-norm of its entries. */
export function frobeniusNorm(m: Float64Array): number {
  return l2Norm(m);
}
