/**
 * Spectrum of the n×n Gram matrix G = ΦΦᵀ of n feature rows of length k (wc2022 §5: the parameter Gram
 * H_x = I_m ⊗ ΦΦᵀ has the same spectrum), in float64.
 *
 * The symmetric eigendecomposition of G has absolute eigenvalue errors of order ε·λmax, so λmin is
 * accurate to about ε·cond(G) relative: fine while G is moderately conditioned, useless at the
 * cond ~ 1e9 of deep networks without renormalisation. There λmin comes instead from R of the
 * Householder QR of Φᵀ (G = RᵀR, as wc2022 App. D computes it): R is backward stable for Φ, so
 * σmin(R)² = λmin(G) is accurate to about ε·cond(Φ) = ε·√cond(G). λmin is then found by inverse
 * iteration with two triangular solves per step (vᵀG⁻¹v = ‖R⁻ᵀv‖²), started from the eigenvector eigh
 * gives. Which route was taken is reported.
 */
import { eigh } from './eigh';
import { gemm } from './gemm';
import { symmetricEigenvalues } from './symmetric-eigenvalues';

/** ΦΦᵀ (n×n) of Φ (n×k, row-major). */
export function gramMatrix(phi: Float64Array, n: number, k: number): Float64Array {
  const g = new Float64Array(n * n);
  gemm(n, n, k, phi, phi, g, { transB: true });
  // Symmetrise exactly: gemm's sums for (i, j) and (j, i) may differ in the last bit.
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) g[i * n + j] = g[j * n + i] = 0.5 * (g[i * n + j] + g[j * n + i]);
  return g;
}

/**
 * The n×n upper-triangular R of the Householder QR Φᵀ = QR (Φ n×k row-major, k ≥ n), so ΦΦᵀ = RᵀR.
 * Column j of Φᵀ is row j of Φ, so every reflection runs along contiguous memory.
 */
export function householderR(phi: Float64Array, n: number, k: number): Float64Array {
  if (k < n) throw new RangeError(`householderR needs k ≥ n, got ${n}×${k}`);
  const a = Float64Array.from(phi.subarray(0, n * k));
  const r = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const cj = j * k;
    let norm = 0;
    for (let i = j; i < k; i++) norm += a[cj + i] * a[cj + i];
    norm = Math.sqrt(norm);
    if (norm === 0) continue;
    const alpha = a[cj + j] > 0 ? -norm : norm;
    a[cj + j] -= alpha;
    let vtv = 0;
    for (let i = j; i < k; i++) vtv += a[cj + i] * a[cj + i];
    for (let c = j + 1; c < n; c++) {
      const cc = c * k;
      let s = 0;
      for (let i = j; i < k; i++) s += a[cj + i] * a[cc + i];
      const f = (2 * s) / vtv;
      for (let i = j; i < k; i++) a[cc + i] -= f * a[cj + i];
      r[j * n + c] = a[cc + j];
    }
    r[j * n + j] = alpha;
  }
  return r;
}

/**
 * λmin(RᵀR) by inverse iteration: v ← R⁻¹R⁻ᵀv, with the Rayleigh quotient of (RᵀR)⁻¹ = ‖R⁻ᵀv‖² for unit
 * v. Returns 0 when R has a zero on its diagonal (Φ rank-deficient).
 */
export function smallestEigenvalueFromR(r: Float64Array, n: number, start: Float64Array, options: { maxIterations?: number; tolerance?: number } = {}): { value: number; iterations: number } {
  const { maxIterations = 300, tolerance = 1e-14 } = options;
  for (let i = 0; i < n; i++) if (r[i * n + i] === 0) return { value: 0, iterations: 0 };
  let v = Float64Array.from(start);
  normalise(v);
  let previous = Infinity;
  const y = new Float64Array(n);
  for (let it = 1; it <= maxIterations; it++) {
    // Rᵀy = v (Rᵀ lower triangular).
    for (let i = 0; i < n; i++) {
      let s = v[i];
      for (let j = 0; j < i; j++) s -= r[j * n + i] * y[j];
      y[i] = s / r[i * n + i];
    }
    let quotient = 0;
    for (let i = 0; i < n; i++) quotient += y[i] * y[i];
    // Rx = y.
    const x = new Float64Array(n);
    for (let i = n - 1; i >= 0; i--) {
      let s = y[i];
      for (let j = i + 1; j < n; j++) s -= r[i * n + j] * x[j];
      x[i] = s / r[i * n + i];
    }
    const value = 1 / quotient;
    v = x;
    normalise(v);
    if (Math.abs(previous - value) <= tolerance * value) return { value, iterations: it };
    previous = value;
  }
  return { value: previous, iterations: maxIterations };
}

function normalise(v: Float64Array): void {
  let s = 0;
  for (const x of v) s += x * x;
  const inv = 1 / Math.sqrt(s);
  for (let i = 0; i < v.length; i++) v[i] *= inv;
}

export interface GramSpectrum {
  lambdaMin: number;
  lambdaMax: number;
  /** ln(λmax/λmin). */
  logCondition: number;
  /** How λmin was obtained: from eigh of G, or from R of the QR of Φᵀ (when eigh's cond exceeded the threshold). */
  method: 'eigh' | 'qr';
}

/** Condition number above which eigh's λmin (relative error ≈ ε·cond) is replaced by the QR route. */
export const QR_CONDITION_THRESHOLD = 1e6;

/** Extreme eigenvalues of ΦΦᵀ; `gram` may pass ΦΦᵀ if already formed. */
export function gramSpectrum(phi: Float64Array, n: number, k: number, gram: Float64Array = gramMatrix(phi, n, k)): GramSpectrum {
  const values = symmetricValues(gram, n);
  const lambdaMax = values[n - 1];
  let lambdaMin = values[0];
  let method: GramSpectrum['method'] = 'eigh';
  if (k >= n && !(lambdaMin > lambdaMax / QR_CONDITION_THRESHOLD)) {
    const { vectors } = eigh(gram, n, { vectors: true });
    const start = Float64Array.from({ length: n }, (_, i) => vectors![i * n]);
    lambdaMin = smallestEigenvalueFromR(householderR(phi, n, k), n, start).value;
    method = 'qr';
  }
  return { lambdaMin, lambdaMax, logCondition: Math.log(lambdaMax / lambdaMin), method };
}

/**
 * Above this size the two-stage band reduction (gemm-bound) beats one-stage tred2 for eigenvalues alone,
 * at half-bandwidth BAND_WIDTH. CPU time on one core of the 2-core reference machine, Grams of width-1000
 * rows (ms, tred2 / band b = 16 / b = 32): n = 300: 29 / 35 / 50; n = 500: 121 / 115 / 151;
 * n = 1000: 965 / 565 / 772; n = 2000 (width 2000): 9851 / 3726 / 3866.
 */
const BAND_REDUCTION_FROM = 500;
const BAND_WIDTH = 16;

/** Eigenvalues (ascending) of a symmetric matrix, by the faster of the two float64 routes for its size. */
export function symmetricValues(a: Float64Array, n: number): Float64Array {
  return n > BAND_REDUCTION_FROM ? symmetricEigenvalues(a, n, { bandwidth: BAND_WIDTH }) : eigh(a, n, { vectors: false }).values;
}

/** App. F.2 proxies of a Gram matrix divided by `scale` (the layer width: renormalised rows give a unit diagonal). */
export interface GramProxies {
  minDiagonal: number;
  maxDiagonal: number;
  /** max_{i≠j} |G_ij|/scale. */
  maxOffDiagonal: number;
  /** max_i Σ_{j≠i} |G_ij|/scale: the largest Gershgorin radius. */
  maxOffDiagonalRowSum: number;
}

export function gramProxies(gram: Float64Array, n: number, scale: number): GramProxies {
  let minDiagonal = Infinity;
  let maxDiagonal = -Infinity;
  let maxOffDiagonal = 0;
  let maxOffDiagonalRowSum = 0;
  for (let i = 0; i < n; i++) {
    let row = 0;
    for (let j = 0; j < n; j++) {
      const g = gram[i * n + j] / scale;
      if (i === j) {
        minDiagonal = Math.min(minDiagonal, g);
        maxDiagonal = Math.max(maxDiagonal, g);
      } else {
        row += Math.abs(g);
        maxOffDiagonal = Math.max(maxOffDiagonal, Math.abs(g));
      }
    }
    maxOffDiagonalRowSum = Math.max(maxOffDiagonalRowSum, row);
  }
  return { minDiagonal, maxDiagonal, maxOffDiagonal, maxOffDiagonalRowSum };
}
