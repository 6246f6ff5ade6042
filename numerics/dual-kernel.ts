/**
 * The infinite-width prediction of wc2022 §5 / App. F.3 (Daniely et al. 2016; Agarwal et al. 2020): with
 * unit-variance pre-activations the width-normalised Gram of layer ℓ's features converges to
 * K_ℓ = σ̂(K_{ℓ−1}), σ̂ applied entrywise, from K_0 = the inputs' cosine matrix; the diagonal stays 1.
 * Beside the exact spectra, the bounds the paper plots: Lemma 7 (Agarwal et al., Lemma 23) gives
 * λmin(K_ℓ) ≥ δ_ℓ with δ_ℓ = σ̂(1) − σ̂(1 − δ_{ℓ−1}), δ_0 = λmin(K_0) (σ̂ has non-negative Hermite
 * coefficients), and Gershgorin gives λmax(K_ℓ) ≤ 1 + max_i Σ_{j≠i} |K_ij|.
 */
import { eigh } from './eigh';
import { gramMatrix } from './gram-spectrum';
import type { NormalisedActivation } from './normalised-activations';

/** Cosine matrix x_ix_jᵀ/(‖x_i‖‖x_j‖) of the rows of x (n×d). */
export function cosineMatrix(x: Float64Array, n: number, d: number): Float64Array {
  const g = gramMatrix(x, n, d);
  const inv = Float64Array.from({ length: n }, (_, i) => 1 / Math.sqrt(g[i * n + i]));
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) g[i * n + j] *= inv[i] * inv[j];
  for (let i = 0; i < n; i++) g[i * n + i] = 1;
  return g;
}

export interface DualLayer {
  layer: number;
  lambdaMin: number;
  lambdaMax: number;
  /** Lemma 7's lower bound on λmin(K_ℓ). */
  lemma7LowerBound: number;
  /** Gershgorin's upper bound on λmax(K_ℓ). */
  gershgorinUpperBound: number;
}

/** K_1 … K_depth from K_0 (n×n, unit diagonal), with their extreme eigenvalues and the paper's bounds. */
export function dualKernelLayers(k0: Float64Array, n: number, activation: NormalisedActivation, depth: number): DualLayer[] {
  const out: DualLayer[] = [];
  let k = Float64Array.from(k0);
  let delta = eigh(k, n, { vectors: false }).values[0];
  for (let layer = 1; layer <= depth; layer++) {
    const next = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      next[i * n + i] = 1;
      for (let j = 0; j < i; j++) next[i * n + j] = next[j * n + i] = activation.dual(k[i * n + j]);
    }
    k = next;
    delta = 1 - activation.dual(1 - delta);
    let radius = 0;
    for (let i = 0; i < n; i++) {
      let row = 0;
      for (let j = 0; j < n; j++) if (j !== i) row += Math.abs(k[i * n + j]);
      radius = Math.max(radius, row);
    }
    const { values } = eigh(k, n, { vectors: false });
    out.push({ layer, lambdaMin: values[0], lambdaMax: values[n - 1], lemma7LowerBound: delta, gershgorinUpperBound: 1 + radius });
  }
  return out;
}
