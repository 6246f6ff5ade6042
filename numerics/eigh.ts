/**
 * Symmetric eigendecomposition in float64: Householder reduction to tridiagonal form followed by the
 * implicit QL method with Wilkinson-type shifts — EISPACK's tred2/tql2 as transcribed in JAMA.
 *
 * Layout. JAMA walks its working matrix V down columns (V[k][j] with k varying), which strides through
 * row-major memory and thrashes the cache. Here the working matrix is stored transposed, W = Vᵀ, so that
 * every inner loop runs along a row: the reduction reads the upper triangle of W where JAMA reads the
 * lower triangle of V, and each QL rotation mixes two rows of W instead of two columns of V. The
 * arithmetic is JAMA's, operation for operation; only the addresses differ.
 */

export interface SymmetricEigen {
  /** Eigenvalues in ascending order. */
  values: Float64Array;
  /** n×n row-major; column j is the unit eigenvector of values[j]. Present when asked for. */
  vectors?: Float64Array;
}

export interface EighOptions {
  /** Also compute eigenvectors (default true). Values alone skip the O(n³) accumulation and rotations. */
  vectors?: boolean;
}

/**
 * Largest tolerated |a_ij − a_ji| relative to the largest |a_ij|. Loose on purpose: Hessians assembled
 * from finite differences or reduced in a different order are symmetric only up to rounding, and the
 * symmetric part (A + Aᵀ)/2 is what gets decomposed. Anything beyond this is a caller's bug.
 */
const SYMMETRY_TOLERANCE = 1e-6;

/** QL sweeps allowed per eigenvalue; tql2 needs two or three on average, so hitting this means NaN-like input. */
const MAX_SWEEPS_PER_EIGENVALUE = 60;

const EPSILON = 2 ** -52;

/**
 * Eigenvalues (ascending) and, unless `vectors: false`, orthonormal eigenvectors of the symmetric n×n
 * row-major matrix `a`. `a` is not modified. Throws on a non-finite entry or gross asymmetry.
 */
export function eigh(a: Float64Array, n: number, options: EighOptions = {}): SymmetricEigen {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (a.length !== n * n) throw new RangeError(`matrix has ${a.length} entries, expected ${n}×${n} = ${n * n}`);
  const wantVectors = options.vectors ?? true;
  const w = symmetricPart(a, n);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n === 0) return wantVectors ? { values: d, vectors: w } : { values: d };
  householderTridiagonalize(w, n, d, e, wantVectors);
  // tred2 leaves the subdiagonal in e[1..n−1]; tql2 wants it in e[0..n−2].
  e.copyWithin(0, 1);
  e[n - 1] = 0;
  implicitQl(d, e, wantVectors ? w : null, n);
  return sortedEigen(d, wantVectors ? w : null, n);
}

/**
 * Eigen-decomposition of the symmetric tridiagonal matrix with the given diagonal (length n) and
 * off-diagonal (length n − 1). Inputs are not modified.
 */
export function eighTridiagonal(diagonal: Float64Array, offDiagonal: Float64Array, options: EighOptions = {}): SymmetricEigen {
  const n = diagonal.length;
  if (offDiagonal.length !== Math.max(n - 1, 0)) {
    throw new RangeError(`off-diagonal has length ${offDiagonal.length}, expected ${Math.max(n - 1, 0)}`);
  }
  for (const x of diagonal) if (!Number.isFinite(x)) throw new RangeError('diagonal has a non-finite entry');
  for (const x of offDiagonal) if (!Number.isFinite(x)) throw new RangeError('off-diagonal has a non-finite entry');
  const wantVectors = options.vectors ?? true;
  const d = Float64Array.from(diagonal);
  const e = new Float64Array(n);
  e.set(offDiagonal);
  let w: Float64Array | null = null;
  if (wantVectors) {
    w = new Float64Array(n * n);
    for (let i = 0; i < n; i++) w[i * n + i] = 1;
  }
  implicitQl(d, e, w, n);
  return sortedEigen(d, w, n);
}

/**
 * Frye's index (Def. 1.6): the fraction of eigenvalues below −threshold. The threshold keeps eigenvalues
 * that are zero up to round-off (flat directions) from counting as descent directions.
 */
export function hessianIndex(values: Float64Array, threshold = 1e-5): number {
  if (values.length === 0) throw new RangeError('hessianIndex of an empty spectrum');
  if (!(threshold >= 0)) throw new RangeError(`threshold must be non-negative, got ${threshold}`);
  let negative = 0;
  for (const v of values) {
    if (Number.isNaN(v)) throw new RangeError('spectrum contains NaN');
    if (v < -threshold) negative++;
  }
  return negative / values.length;
}

/** (A + Aᵀ)/2 as a fresh array, after checking that A is finite and symmetric up to SYMMETRY_TOLERANCE. */
function symmetricPart(a: Float64Array, n: number): Float64Array {
  let largest = 0;
  for (let k = 0; k < a.length; k++) {
    const x = Math.abs(a[k]);
    if (!(x <= Number.MAX_VALUE)) throw new RangeError(`matrix entry ${Math.floor(k / n)},${k % n} is ${a[k]}`);
    if (x > largest) largest = x;
  }
  const allowed = SYMMETRY_TOLERANCE * largest;
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    s[i * n + i] = a[i * n + i];
    for (let j = i + 1; j < n; j++) {
      const upper = a[i * n + j];
      const lower = a[j * n + i];
      if (Math.abs(upper - lower) > allowed) {
        throw new RangeError(`matrix is not symmetric: a[${i}][${j}] = ${upper} but a[${j}][${i}] = ${lower}`);
      }
      s[i * n + j] = s[j * n + i] = 0.5 * (upper + lower);
    }
  }
  return s;
}

/**
 * tred2 on W = Vᵀ: reduces the symmetric matrix held in W to tridiagonal form, leaving the diagonal in d
 * and the subdiagonal in e[1..n−1]. With `accumulate` W ends up holding Qᵀ, where A = Q T Qᵀ (row r of W
 * is column r of Q); without it W is left as scratch.
 */
function householderTridiagonalize(w: Float64Array, n: number, d: Float64Array, e: Float64Array, accumulate: boolean): void {
  for (let j = 0; j < n; j++) d[j] = w[j * n + n - 1];

  for (let i = n - 1; i > 0; i--) {
    const rowI = i * n;
    // Scale the row to avoid under/overflow in the Householder norm.
    let scale = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    let h = 0;
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = w[j * n + i - 1];
        w[j * n + i] = 0;
        w[rowI + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;

      // e = (active block) · d, using only its upper triangle; also store the Householder vector in row i.
      for (let j = 0; j < i; j++) {
        const rowJ = j * n;
        f = d[j];
        w[rowI + j] = f;
        g = e[j] + w[rowJ + j] * f;
        for (let k = j + 1; k < i; k++) {
          const wjk = w[rowJ + k];
          g += wjk * d[k];
          e[k] += wjk * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];

      // Rank-2 update of the active block: W −= d eᵀ + e dᵀ (upper triangle).
      for (let j = 0; j < i; j++) {
        const rowJ = j * n;
        f = d[j];
        g = e[j];
        for (let k = j; k < i; k++) w[rowJ + k] -= f * e[k] + g * d[k];
        d[j] = w[rowJ + i - 1];
        w[rowJ + i] = 0;
      }
    }
    d[i] = h;
  }

  if (accumulate) {
    accumulateReflections(w, n, d);
  } else {
    for (let j = 0; j < n; j++) d[j] = w[j * n + j];
  }
  e[0] = 0;
}

/**
 * Second half of tred2: multiplies out the Householder reflectors stored in W (vector i in row i, its
 * h in d[i]) into Qᵀ, and moves the tridiagonal's diagonal into d.
 */
function accumulateReflections(w: Float64Array, n: number, d: Float64Array): void {
  for (let i = 0; i < n - 1; i++) {
    const rowI = i * n;
    const rowNext = (i + 1) * n;
    w[rowI + n - 1] = w[rowI + i];
    w[rowI + i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = w[rowNext + k] / h;
      for (let j = 0; j <= i; j++) {
        const rowJ = j * n;
        let g = 0;
        for (let k = 0; k <= i; k++) g += w[rowNext + k] * w[rowJ + k];
        for (let k = 0; k <= i; k++) w[rowJ + k] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) w[rowNext + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = w[j * n + n - 1];
    w[j * n + n - 1] = 0;
  }
  w[n * n - 1] = 1;
}

/**
 * tql2: diagonalises the symmetric tridiagonal matrix (d, e[0..n−2]) in place by implicit QL sweeps,
 * each shifted by the eigenvalue of the leading 2×2 block nearer its corner. Eigenvalues end in d
 * (unsorted); when w is given, each rotation is applied to a pair of rows of w, so rows of w that held
 * basis vectors end up holding eigenvectors.
 */
function implicitQl(d: Float64Array, e: Float64Array, w: Float64Array | null, n: number): void {
  // Rotations of the current sweep; they are applied to w only after it, two at a time (see rotateRowPairs).
  const cosines = new Float64Array(n);
  const sines = new Float64Array(n);
  let shiftTotal = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    // Find the first negligible off-diagonal element at or after l: the block l..m is unreduced.
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > EPSILON * tst1) m++;
    let sweeps = 0;
    while (m > l) {
      if (++sweeps > MAX_SWEEPS_PER_EIGENVALUE) throw new Error(`tridiagonal QL did not converge for eigenvalue ${l} of ${n}`);
      // Wilkinson-type shift from the 2×2 block at l.
      let g = d[l];
      let p = (d[l + 1] - g) / (2 * e[l]);
      let r = hypot(p, 1);
      if (p < 0) r = -r;
      d[l] = e[l] / (p + r);
      d[l + 1] = e[l] * (p + r);
      const dl1 = d[l + 1];
      let h = g - d[l];
      for (let i = l + 2; i < n; i++) d[i] -= h;
      shiftTotal += h;

      // Implicit QL sweep from m up to l.
      p = d[m];
      let c = 1;
      let c2 = 1;
      let c3 = 1;
      const el1 = e[l + 1];
      let s = 0;
      let s2 = 0;
      for (let i = m - 1; i >= l; i--) {
        c3 = c2;
        c2 = c;
        s2 = s;
        g = c * e[i];
        h = c * p;
        r = hypot(p, e[i]);
        e[i + 1] = s * r;
        s = e[i] / r;
        c = p / r;
        p = c * d[i] - s * g;
        d[i + 1] = h + s * (c * g + s * d[i]);
        cosines[i] = c;
        sines[i] = s;
      }
      if (w !== null) applySweep(w, n, l, m, cosines, sines);
      p = (-s * s2 * c3 * el1 * e[l]) / dl1;
      e[l] = s * p;
      d[l] = c * p;
      if (!(Math.abs(e[l]) > EPSILON * tst1)) break;
    }
    d[l] += shiftTotal;
    e[l] = 0;
  }
}

/**
 * Applies the sweep's rotations i = m−1, m−2, …, l to w, where rotation i replaces rows i and i+1 of w
 * by [c −s; s c] applied to them (JAMA's column update on V). Consecutive rotations share a row, so they
 * are fused in pairs: one pass over three rows instead of two passes over two, which cuts loads and
 * stores by a quarter and runs about 1.5× faster in V8.
 */
function applySweep(w: Float64Array, n: number, l: number, m: number, cosines: Float64Array, sines: Float64Array): void {
  let i = m - 1;
  for (; i > l; i -= 2) {
    const c1 = cosines[i];
    const s1 = sines[i];
    const c2 = cosines[i - 1];
    const s2 = sines[i - 1];
    const rowPrev = (i - 1) * n;
    const rowI = rowPrev + n;
    const rowNext = rowI + n;
    for (let k = 0; k < n; k++) {
      const x = w[rowI + k];
      const y = w[rowNext + k];
      const z = w[rowPrev + k];
      w[rowNext + k] = s1 * x + c1 * y;
      const t = c1 * x - s1 * y;
      w[rowI + k] = s2 * z + c2 * t;
      w[rowPrev + k] = c2 * z - s2 * t;
    }
  }
  if (i === l) {
    const c = cosines[i];
    const s = sines[i];
    const rowI = i * n;
    const rowNext = rowI + n;
    for (let k = 0; k < n; k++) {
      const x = w[rowI + k];
      const y = w[rowNext + k];
      w[rowNext + k] = s * x + c * y;
      w[rowI + k] = c * x - s * y;
    }
  }
}

/** √(a² + b²) without overflow; Math.hypot is exact but several times slower in V8. */
function hypot(a: number, b: number): number {
  const x = Math.abs(a);
  const y = Math.abs(b);
  if (x > y) {
    const r = y / x;
    return x * Math.sqrt(1 + r * r);
  }
  if (y === 0) return 0;
  const r = x / y;
  return y * Math.sqrt(1 + r * r);
}

/** Sorts eigenvalues ascending and transposes the eigenvector rows of w into columns of the result. */
function sortedEigen(d: Float64Array, w: Float64Array | null, n: number): SymmetricEigen {
  const order = Array.from({ length: n }, (_, i) => i).sort((p, q) => d[p] - d[q]);
  const values = Float64Array.from(order, (i) => d[i]);
  if (w === null) return { values };
  const vectors = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const row = order[j] * n;
    for (let k = 0; k < n; k++) vectors[k * n + j] = w[row + k];
  }
  return { values, vectors };
}
