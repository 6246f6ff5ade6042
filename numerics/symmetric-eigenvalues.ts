/**
 * Eigenvalues alone of a large dense symmetric matrix in float64, by two-stage tridiagonalisation:
 *
 * 1. Full → band of half-bandwidth b (`reduceToBand`). Panel by panel, the b columns below the band
 *    are QR-factored by Householder reflectors, Q = I − V T Vᵀ in compact WY form (LAPACK's dgeqrf +
 *    dlarft), and the trailing matrix is updated two-sidedly, S ← Qᵀ S Q = S − W Vᵀ − V Wᵀ with
 *    W = Y − ½ V (Tᵀ Vᵀ Y), Y = S V T. Both products are matrix–matrix (numerics/gemm.ts), so the
 *    2n³ flops of this stage run at gemm speed instead of the memory-bound matrix–vector speed of
 *    one-stage Householder (tred2 in eigh.ts reads the whole trailing matrix once per column).
 * 2. Band → tridiagonal (`bandToTridiagonal`) by bulge chasing with Householder reflectors of length
 *    b (Lang's one-column sweeps of successive band reduction): sweep j annihilates column j below the
 *    subdiagonal; the fill it creates below the band is chased down the matrix one b×b block at a
 *    time. O(n²b) flops on a band of storage width 2b.
 * 3. The tridiagonal's eigenvalues by implicit QL (eigh.ts, values only, O(n²)).
 *
 * Orthogonal similarity throughout, so the eigenvalues carry backward error O(ε‖A‖) as with eigh.
 * Memory: the trailing matrix is compacted in place into the front of one n² buffer after every
 * panel (a row-major (m−b)² block moved to stride m−b), so that gemm sees contiguous operands.
 */
import { eighTridiagonal } from './eigh';
import { gemm } from './gemm';

export interface SymmetricEigenvaluesOptions {
  /** Half-bandwidth b of the intermediate band matrix (default 32). */
  bandwidth?: number;
  /** Use `a` itself as the working buffer, destroying it (saves n² doubles). Default false. */
  overwrite?: boolean;
}

const DEFAULT_BANDWIDTH = 32;

/** Eigenvalues, ascending, of the symmetric n×n row-major matrix `a` (its lower triangle is read). */
export function symmetricEigenvalues(a: Float64Array, n: number, options: SymmetricEigenvaluesOptions = {}): Float64Array {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (a.length !== n * n) throw new RangeError(`matrix has ${a.length} entries, expected ${n}×${n} = ${n * n}`);
  const b = options.bandwidth ?? DEFAULT_BANDWIDTH;
  if (!Number.isInteger(b) || b < 1) throw new RangeError(`bandwidth must be a positive integer, got ${b}`);
  for (let k = 0; k < a.length; k++) if (!Number.isFinite(a[k])) throw new RangeError(`matrix entry ${Math.floor(k / n)},${k % n} is ${a[k]}`);
  if (n === 0) return new Float64Array(0);
  const work = options.overwrite ? a : Float64Array.from(a);
  mirrorLower(work, n);
  const band = reduceToBand(work, n, b);
  const { diagonal, offDiagonal } = bandToTridiagonal(band, n, b);
  return eighTridiagonal(diagonal, offDiagonal, { vectors: false }).values;
}

/**
 * Symmetric band matrix, lower storage: entry (i, k), i ≥ k, i − k ≤ width, at data[k·(width+1) + i − k].
 * `width` is twice the band's half-bandwidth, room for the bulges of bandToTridiagonal.
 */
export interface SymmetricBand {
  n: number;
  width: number;
  data: Float64Array;
}

/** Copies the lower triangle onto the upper one, so that the full-storage updates start symmetric. */
function mirrorLower(s: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) for (let k = 0; k < i; k++) s[k * n + i] = s[i * n + k];
}

/**
 * Stage 1: reduces the symmetric matrix in `s` (full storage, destroyed) to a band of half-bandwidth b
 * with the same eigenvalues, returned in band storage of width 2b.
 */
export function reduceToBand(s: Float64Array, n: number, b: number): SymmetricBand {
  const width = 2 * b;
  const band: SymmetricBand = { n, width, data: new Float64Array(n * (width + 1)) };
  const stride = width + 1;
  // s holds the trailing matrix for global indices offset…n−1, contiguous with row length m.
  let offset = 0;
  for (let m = n; ; m -= b, offset += b) {
    if (m <= b + 1) {
      for (let i = 0; i < m; i++) for (let k = 0; k <= i; k++) band.data[(offset + k) * stride + i - k] = s[i * m + k];
      return band;
    }
    const p = m - b;
    // The leading b×b block is final: the panel's reflectors act on rows and columns b… only.
    for (let i = 0; i < b; i++) for (let k = 0; k <= i; k++) band.data[(offset + k) * stride + i - k] = s[i * m + k];
    const panel = new Float64Array(p * b);
    for (let r = 0; r < p; r++) for (let c = 0; c < b; c++) panel[r * b + c] = s[(b + r) * m + c];
    const { v, t } = householderQr(panel, p, b);
    // The panel is now R (upper trapezoidal, in `panel`): rows offset+b+r, columns offset+c.
    for (let r = 0; r < Math.min(p, b); r++) for (let c = r; c < b; c++) band.data[(offset + c) * stride + b + r - c] = panel[r * b + c];
    compactTrailing(s, m, b);
    updateTrailing(s, p, b, v, t);
  }
}

/**
 * Householder QR of the p×b row-major `panel` in place: on return its upper trapezoid is R, and the
 * reflectors are returned as V (p×b, unit lower trapezoidal) and the upper triangular T of
 * Q = H₁⋯H_b = I − V T Vᵀ (forward, columnwise, as LAPACK's dlarft).
 */
function householderQr(panel: Float64Array, p: number, b: number): { v: Float64Array; t: Float64Array } {
  const v = new Float64Array(p * b);
  const tau = new Float64Array(b);
  const reflectors = Math.min(p, b);
  for (let c = 0; c < reflectors; c++) {
    const length = p - c;
    const x = new Float64Array(length);
    for (let r = 0; r < length; r++) x[r] = panel[(c + r) * b + c];
    const { tau: tc, beta } = householderVector(x);
    tau[c] = tc;
    for (let r = 0; r < length; r++) v[(c + r) * b + c] = x[r];
    panel[c * b + c] = beta;
    for (let r = 1; r < length; r++) panel[(c + r) * b + c] = 0;
    if (tc === 0) continue;
    // Apply H = I − τ x xᵀ to the panel's remaining columns, rows c…p−1.
    for (let col = c + 1; col < b; col++) {
      let w = 0;
      for (let r = 0; r < length; r++) w += x[r] * panel[(c + r) * b + col];
      w *= tc;
      for (let r = 0; r < length; r++) panel[(c + r) * b + col] -= w * x[r];
    }
  }
  // T: T[i][i] = τᵢ, T[0:i, i] = −τᵢ T[0:i, 0:i] (V[:, 0:i]ᵀ vᵢ).
  const t = new Float64Array(b * b);
  const vtv = new Float64Array(b);
  for (let i = 0; i < reflectors; i++) {
    t[i * b + i] = tau[i];
    if (tau[i] === 0) continue;
    vtv.fill(0);
    for (let r = i; r < p; r++) {
      const vi = v[r * b + i];
      for (let c = 0; c < i; c++) vtv[c] += v[r * b + c] * vi;
    }
    for (let row = 0; row < i; row++) {
      let sum = 0;
      for (let c = row; c < i; c++) sum += t[row * b + c] * vtv[c];
      t[row * b + i] = -tau[i] * sum;
    }
  }
  return { v, t };
}

/**
 * Householder vector of x (length ≥ 1), in place: on return x holds v with v₀ = 1, and
 * (I − τ v vᵀ) x_original = β e₁. τ = 0 when x is already a multiple of e₁ (as LAPACK's dlarfg).
 */
function householderVector(x: Float64Array): { tau: number; beta: number } {
  const alpha = x[0];
  let tail = 0;
  for (let r = 1; r < x.length; r++) tail += x[r] * x[r];
  if (tail === 0) {
    x[0] = 1;
    return { tau: 0, beta: alpha };
  }
  const norm = Math.sqrt(alpha * alpha + tail);
  const beta = alpha >= 0 ? -norm : norm;
  const scale = 1 / (alpha - beta);
  x[0] = 1;
  for (let r = 1; r < x.length; r++) x[r] *= scale;
  return { tau: (beta - alpha) / beta, beta };
}

/** Moves the trailing (m−b)×(m−b) block of the m×m row-major s to its front with row length m−b. */
function compactTrailing(s: Float64Array, m: number, b: number): void {
  const p = m - b;
  // Destination rows start at or before their source rows, so copying in increasing order is safe.
  for (let r = 0; r < p; r++) s.copyWithin(r * p, (b + r) * m + b, (b + r) * m + m);
}

/** S ← Qᵀ S Q for the p×p symmetric S at the front of s, Q = I − V T Vᵀ (module comment). */
function updateTrailing(s: Float64Array, p: number, b: number, v: Float64Array, t: Float64Array): void {
  const x = new Float64Array(p * b);
  gemm(p, b, p, s, v, x); // X = S V
  const y = new Float64Array(p * b);
  gemm(p, b, b, x, t, y); // Y = X T
  const vty = new Float64Array(b * b);
  gemm(b, b, p, v, y, vty, { transA: true }); // Vᵀ Y
  const z = new Float64Array(b * b);
  gemm(b, b, b, t, vty, z, { transA: true }); // Z = Tᵀ Vᵀ Y
  // W = Y − ½ V Z, then S −= [W V] [V W]ᵀ in one product.
  gemm(p, b, b, v, z, y, { alpha: -0.5, beta: 1 });
  const left = new Float64Array(p * 2 * b);
  const right = new Float64Array(p * 2 * b);
  for (let r = 0; r < p; r++) {
    const row = r * 2 * b;
    for (let c = 0; c < b; c++) {
      left[row + c] = y[r * b + c];
      left[row + b + c] = v[r * b + c];
      right[row + c] = v[r * b + c];
      right[row + b + c] = y[r * b + c];
    }
  }
  gemm(p, p, 2 * b, left, right, s, { transB: true, alpha: -1, beta: 1 });
}

/**
 * Stage 2: the tridiagonal matrix orthogonally similar to the symmetric band matrix (half-bandwidth b,
 * storage width 2b; destroyed). Sweep j: a reflector on rows j+1…j+b zeroes column j below the
 * subdiagonal and is applied two-sidedly; its right action fills the b×b block below it (a bulge
 * beyond the band), whose first column the next reflector zeroes, and so on down the matrix. What the
 * bulge leaves in its other columns is zeroed by the following sweeps, one column further on.
 */
export function bandToTridiagonal(band: SymmetricBand, n: number, b: number): { diagonal: Float64Array; offDiagonal: Float64Array } {
  const { data, width } = band;
  if (width < 2 * b) throw new RangeError(`band storage width ${width} has no room for bulges of half-bandwidth ${b}`);
  const stride = width + 1;
  const at = (i: number, k: number): number => (i >= k ? k * stride + i - k : i * stride + k - i);
  const block = new Float64Array(b * b);
  const diagonalBlock = new Float64Array(b * b);
  const v = new Float64Array(b);
  const w = new Float64Array(b);

  /** Two-sided H D H on indices lo…hi−1 (H = I − τ v vᵀ): p = τ D v, w = p − ½τ(vᵀp) v, D −= v wᵀ + w vᵀ. */
  const twoSided = (lo: number, hi: number, tau: number): void => {
    const size = hi - lo;
    for (let i = 0; i < size; i++) for (let k = 0; k <= i; k++) diagonalBlock[i * size + k] = diagonalBlock[k * size + i] = data[at(lo + i, lo + k)];
    let vp = 0;
    for (let i = 0; i < size; i++) {
      let sum = 0;
      for (let k = 0; k < size; k++) sum += diagonalBlock[i * size + k] * v[k];
      w[i] = tau * sum;
      vp += v[i] * w[i];
    }
    const half = 0.5 * tau * vp;
    for (let i = 0; i < size; i++) w[i] -= half * v[i];
    for (let i = 0; i < size; i++) for (let k = 0; k <= i; k++) data[at(lo + i, lo + k)] = diagonalBlock[i * size + k] - v[i] * w[k] - w[i] * v[k];
  };

  for (let j = 0; j + 2 < n; j++) {
    let lo = j + 1;
    let hi = Math.min(j + 1 + b, n);
    // Reflector zeroing column j below row j+1.
    const length = hi - lo;
    const x = v.subarray(0, length);
    for (let r = 0; r < length; r++) x[r] = data[at(lo + r, j)];
    let { tau, beta } = householderVector(x);
    data[at(lo, j)] = beta;
    for (let r = 1; r < length; r++) data[at(lo + r, j)] = 0;
    if (tau !== 0) twoSided(lo, hi, tau);
    for (;;) {
      const nextLo = hi;
      const nextHi = Math.min(hi + b, n);
      if (nextLo >= nextHi) break;
      const rows = nextHi - nextLo;
      const cols = hi - lo;
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) block[r * cols + c] = data[at(nextLo + r, lo + c)];
      // Right action of the current reflector on the block below it: B −= τ (B v) vᵀ.
      if (tau !== 0) {
        for (let r = 0; r < rows; r++) {
          let bv = 0;
          for (let c = 0; c < cols; c++) bv += block[r * cols + c] * v[c];
          bv *= tau;
          for (let c = 0; c < cols; c++) block[r * cols + c] -= bv * v[c];
        }
      }
      // The next reflector zeroes the block's first column below its first row (left action on the block).
      const y = v.subarray(0, rows);
      const column = new Float64Array(rows);
      for (let r = 0; r < rows; r++) column[r] = block[r * cols];
      ({ tau, beta } = householderVector(column));
      y.set(column);
      if (tau !== 0) {
        for (let c = 1; c < cols; c++) {
          let vb = 0;
          for (let r = 0; r < rows; r++) vb += y[r] * block[r * cols + c];
          vb *= tau;
          for (let r = 0; r < rows; r++) block[r * cols + c] -= vb * y[r];
        }
      }
      block[0] = beta;
      for (let r = 1; r < rows; r++) block[r * cols] = 0;
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) data[at(nextLo + r, lo + c)] = block[r * cols + c];
      lo = nextLo;
      hi = nextHi;
      if (tau !== 0) twoSided(lo, hi, tau);
    }
  }
  const diagonal = new Float64Array(n);
  const offDiagonal = new Float64Array(Math.max(n - 1, 0));
  for (let i = 0; i < n; i++) diagonal[i] = data[i * stride];
  for (let i = 0; i + 1 < n; i++) offDiagonal[i] = data[i * stride + 1];
  return { diagonal, offDiagonal };
}
