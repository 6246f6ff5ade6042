/** Test helpers: random symmetric matrices and matrices with a prescribed spectrum, row-major n×n. */
import type { Rng } from '../harness/rng';
import { eigh } from './eigh';

/** A symmetric matrix with independent N(0, 1)/divisor entries on and below the diagonal. */
export function randomSymmetric(n: number, rng: Rng, divisor = 1): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rng.normal() / divisor;
  return a;
}

/** Q · diag(spectrum) · Qᵀ for an orthogonal Q, exactly symmetric (the lower triangle is mirrored). */
export function withSpectrum(spectrum: readonly number[], q: Float64Array): Float64Array {
  const n = spectrum.length;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += q[i * n + k] * spectrum[k] * q[j * n + k];
      a[i * n + j] = a[j * n + i] = s;
    }
  }
  return a;
}

/** A matrix with the given spectrum in a random eigenbasis: Q from the eigenvectors of a random symmetric matrix. */
export function randomWithSpectrum(spectrum: readonly number[], rng: Rng): { a: Float64Array; q: Float64Array } {
  const n = spectrum.length;
  const q = eigh(randomSymmetric(n, rng), n).vectors!;
  return { a: withSpectrum(spectrum, q), q };
}
