/**
 * Forward pass of the fully connected networks of wc2022 §6 in float64, layer by layer.
 *
 * Layer ℓ (1…L) maps features z_{ℓ−1} (n×k_ℓ, row-major, one example per row) to pre-activations
 * h_ℓ = z_{ℓ−1}W_ℓᵀ and features z_ℓ = σ(h_ℓ); with `renormalise`, every row of z_ℓ is then rescaled to
 * norm √m_ℓ (footnote 13). z_0 are the inputs, each scaled to ‖x‖ = √d so that, with Kaiming-Gaussian
 * weights W_ℓ ~ N(0, 1/k_ℓ) (variance-preserving for a normalised σ), pre-activations have unit
 * variance — the scaled form of Agarwal et al.'s unit-norm inputs. Matrix products go through `gemm`.
 *
 * In the paper's layer model y = αφ(x) (Definition 6) the parameter Gram of the layer that reads z_ℓ is
 * z_ℓz_ℓᵀ, and its input map (the derivative with respect to x = h_ℓ) is R = W_{ℓ+1}·diag(σ'(h_ℓ)) per
 * example; `inputGramExtremes` gives the extreme eigenvalues of RRᵀ.
 */
import type { Rng } from '../harness/rng';
import { gemm } from './gemm';
import { symmetricValues } from './gram-spectrum';
import { type NormalisedActivation } from './normalised-activations';

export interface WideNetSpec {
  inputDim: number;
  /** Output width m_ℓ of each layer ℓ = 1…L. */
  widths: number[];
  activation: NormalisedActivation;
  renormalise: boolean;
}

/** Kaiming-Gaussian weights: W_ℓ (m_ℓ×k_ℓ, row-major) with N(0, 1/k_ℓ) entries. */
export function kaimingWeights(inputDim: number, widths: readonly number[], rng: Rng): Float64Array[] {
  const weights: Float64Array[] = [];
  let k = inputDim;
  for (const m of widths) {
    const scale = 1 / Math.sqrt(k);
    weights.push(Float64Array.from({ length: m * k }, () => scale * rng.normal()));
    k = m;
  }
  return weights;
}

/** Rescales every row of x (n×d) in place to Euclidean norm `norm`; returns the factors applied. */
export function rescaleRows(x: Float64Array, n: number, d: number, norm: number): Float64Array {
  const factors = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    let sq = 0;
    for (let j = 0; j < d; j++) sq += x[s * d + j] ** 2;
    const f = sq > 0 ? norm / Math.sqrt(sq) : 0;
    factors[s] = f;
    for (let j = 0; j < d; j++) x[s * d + j] *= f;
  }
  return factors;
}

/** Inputs scaled to ‖x‖ = √d (a copy). */
export function scaledInputs(x: Float64Array, n: number, d: number): Float64Array {
  const out = Float64Array.from(x);
  rescaleRows(out, n, d, Math.sqrt(d));
  return out;
}

export interface LayerState {
  /** 1-based layer index. */
  layer: number;
  width: number;
  /** Pre-activations h_ℓ, n×width. */
  preActivations: Float64Array;
  /** Features z_ℓ after σ (and renormalisation), n×width. */
  features: Float64Array;
}

/**
 * Runs the network on inputs z_0 (n×inputDim, already scaled) and calls `visit` with every layer's state
 * before the next layer is computed (the buffers are not reused, so `visit` may keep them).
 */
export function forwardLayers(spec: WideNetSpec, weights: readonly Float64Array[], inputs: Float64Array, n: number, visit: (state: LayerState) => void): void {
  let z = inputs;
  let k = spec.inputDim;
  spec.widths.forEach((m, l) => {
    const h = new Float64Array(n * m);
    gemm(n, m, k, z, weights[l], h, { transB: true });
    const next = new Float64Array(n * m);
    const sigma = spec.activation.value;
    for (let i = 0; i < n * m; i++) next[i] = sigma(h[i]);
    if (spec.renormalise) rescaleRows(next, n, m, Math.sqrt(m));
    visit({ layer: l + 1, width: m, preActivations: h, features: next });
    z = next;
    k = m;
  });
}

/**
 * Extreme eigenvalues of R_νR_νᵀ, R_ν = W·diag(σ'(h_ν)) (W m×k, h_ν row ν of the n×k pre-activations),
 * over the examples `examples`: the input Gram of wc2022 §5 is block-diagonal over examples, so its
 * λmin is the least and its λmax the largest over all of them; over a subset, λmin is an upper and λmax
 * a lower bound of the full matrix's. Eigenvalues of the m×m Gram by `symmetricValues` (absolute error ≈ ε·λmax,
 * enough to tell a ratio of 1e-6 from rounding).
 */
export function inputGramExtremes(w: Float64Array, m: number, k: number, h: Float64Array, activation: NormalisedActivation, examples: readonly number[]): { lambdaMin: number; lambdaMax: number } {
  let lambdaMin = Infinity;
  let lambdaMax = -Infinity;
  const a = new Float64Array(m * k);
  const g = new Float64Array(m * m);
  for (const nu of examples) {
    for (let j = 0; j < k; j++) {
      const d = activation.derivative(h[nu * k + j]);
      for (let i = 0; i < m; i++) a[i * k + j] = w[i * k + j] * d;
    }
    gemm(m, m, k, a, a, g, { transB: true });
    for (let i = 0; i < m; i++) for (let j = 0; j < i; j++) g[i * m + j] = g[j * m + i] = 0.5 * (g[i * m + j] + g[j * m + i]);
    const values = symmetricValues(g, m);
    lambdaMin = Math.min(lambdaMin, values[0]);
    lambdaMax = Math.max(lambdaMax, values[m - 1]);
  }
  return { lambdaMin, lambdaMax };
}
