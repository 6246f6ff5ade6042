/**
 * The deep linear autoencoder (DLAE) of Frye (2020) §3.2.2, evaluated through the data's scatter
 * matrix C = XXᵀ so that nothing costs more than O(d²k), whatever the number of samples n.
 *
 * Network x ↦ W₂W₁x with W₁ k×d (encoder), W₂ d×k (decoder), no biases. Flat parameters
 * θ = [W₁ row-major, W₂ row-major] (2dk entries): W₁[a][i] at a·d + i, W₂[j][b] at dk + j·k + b. This is
 * exactly the float64 engine's order for widths [d, k, d] without biases, so θ can be passed to
 * `mlpObjective` unchanged.
 *
 * Loss, the mean over all d·n entries as the engine's 'mse' (L(0) = tr C/(dn) ≈ 8.5 for variances 1…16):
 *
 *   L = s‖X − W₂W₁X‖²_F = s·tr((I − W)C(I − W)ᵀ),   W = W₂W₁,  s = 1/(d·n).
 *
 * With A = W₁, B = W₂ and the cached k×d / k×k products M = AC, S = ACAᵀ = MAᵀ, P = BᵀB:
 *
 *   L      = s(tr C − 2⟨B, Mᵀ⟩ + ⟨P, S⟩)
 *   ∇_A L  = 2s(PM − (CB)ᵀ)                    (= W₂ᵀ G,  G = ∇_W L = 2s(W − I)C)
 *   ∇_B L  = 2s(BS − Mᵀ)                       (= G W₁ᵀ)
 *
 * and for a direction (dA, dB), with N = dA·C, T = Bᵀ·dB, K = dA·Mᵀ:
 *
 *   (Hv)_A = 2s(−(C·dB)ᵀ + (T + Tᵀ)M + PN)
 *   (Hv)_B = 2s(dB·S − Nᵀ + B(K + Kᵀ))
 *
 * which is Theorem 3.1 of the thesis differentiated once more. Loss and gradient cost two d×d×k
 * products, a Hessian-vector product two, the full Hessian O(d²k²) (it has 4d²k² entries).
 *
 * Accuracy: the loss is a difference of traces, so its absolute error is about ε·L(0) (≈ 1e-15 here),
 * not ε·L. Gradient entries err by about ε·2s·λ_max(C) (rounding in BS − Mᵀ and PM − (CB)ᵀ), so at the
 * analytic critical points the squared gradient norm is ~1e-30 (thesis: ~1e-32), far below 1e-20.
 */

import { eigh } from '../numerics/eigh';
import type { Objective } from './objective';

/** XXᵀ (d×d) of the data X (d×n, row-major: one feature per row), the only thing the DLAE loss needs. */
export function scatterMatrix(x: Float64Array, d: number, n: number): Float64Array {
  if (x.length !== d * n) throw new RangeError(`x has length ${x.length}, expected ${d}×${n} = ${d * n}`);
  const c = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    const xi = x.subarray(i * n, (i + 1) * n);
    for (let j = i; j < d; j++) {
      const xj = x.subarray(j * n, (j + 1) * n);
      let dot = 0;
      for (let s = 0; s < n; s++) dot += xi[s] * xj[s];
      c[i * d + j] = dot;
      c[j * d + i] = dot;
    }
  }
  return c;
}

/** Relative asymmetry of the covariance tolerated before it is rejected; it is then symmetrised. */
const SYMMETRY_TOLERANCE = 1e-10;

/**
 * The DLAE loss of data with scatter matrix `covariance` = XXᵀ (d×d, row-major) over n samples, hidden
 * width k. The covariance is copied (and symmetrised). As in the engine, the θ-dependent products
 * (M, S, P) are cached while θ keeps the same entries, so HVPs at one point share them.
 */
export function dlaeObjective(covariance: Float64Array, n: number, d: number, k: number): Objective {
  for (const [name, value] of [['n', n], ['d', d], ['k', k]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  const c = symmetricCopy(covariance, d);
  const s = 1 / (d * n);
  const twoS = 2 * s;
  const kd = k * d;
  const dim = 2 * kd;
  let traceC = 0;
  for (let i = 0; i < d; i++) traceC += c[i * d + i];

  const m = new Float64Array(kd); // M = AC, k×d
  const sMat = new Float64Array(k * k); // S = ACAᵀ
  const p = new Float64Array(k * k); // P = BᵀB
  const preparedTheta = new Float64Array(dim);
  let prepared = false;
  let preparedLoss = NaN;
  // Scratch for gradients and HVPs, allocated once (the methods are synchronous); results are fresh arrays.
  const cb = new Float64Array(d * k); // C·B
  const nMat = new Float64Array(kd); // N = dA·C
  const cdB = new Float64Array(d * k); // C·dB
  const tSym = new Float64Array(k * k); // T + Tᵀ, T = Bᵀ·dB
  const kSym = new Float64Array(k * k); // K + Kᵀ, K = dA·Mᵀ

  const prepare = (theta: Float64Array): void => {
    if (prepared && sameEntries(theta, preparedTheta)) return;
    const a = theta.subarray(0, kd);
    const b = theta.subarray(kd, dim);
    multiply(a, k, d, c, d, m);
    // S and P are filled from their upper triangles, so they are exactly symmetric, and so is the Hessian.
    for (let x = 0; x < k; x++) {
      for (let y = x; y < k; y++) {
        let sa = 0;
        for (let i = 0; i < d; i++) sa += m[x * d + i] * a[y * d + i];
        let sb = 0;
        for (let j = 0; j < d; j++) sb += b[j * k + x] * b[j * k + y];
        sMat[x * k + y] = sa;
        sMat[y * k + x] = sa;
        p[x * k + y] = sb;
        p[y * k + x] = sb;
      }
    }
    let crossTerm = 0; // ⟨B, Mᵀ⟩ = tr(BM) = tr(W C)
    for (let j = 0; j < d; j++) for (let x = 0; x < k; x++) crossTerm += b[j * k + x] * m[x * d + j];
    let quadratic = 0; // ⟨P, S⟩ = tr(W C Wᵀ)
    for (let e = 0; e < k * k; e++) quadratic += p[e] * sMat[e];
    preparedLoss = s * (traceC - 2 * crossTerm + quadratic);
    preparedTheta.set(theta);
    prepared = true;
  };

  return {
    dim,

    loss(theta) {
      checkLength('theta', theta, dim);
      prepare(theta);
      return preparedLoss;
    },

    lossAndGradient(theta) {
      checkLength('theta', theta, dim);
      prepare(theta);
      const b = theta.subarray(kd, dim);
      const gradient = new Float64Array(dim);
      const gradA = gradient.subarray(0, kd);
      const gradB = gradient.subarray(kd, dim);
      multiply(c, d, d, b, k, cb);
      // ∇_A = 2s(PM − (CB)ᵀ)
      multiply(p, k, k, m, d, gradA);
      for (let x = 0; x < k; x++) for (let i = 0; i < d; i++) gradA[x * d + i] = twoS * (gradA[x * d + i] - cb[i * k + x]);
      // ∇_B = 2s(BS − Mᵀ)
      multiply(b, d, k, sMat, k, gradB);
      for (let j = 0; j < d; j++) for (let x = 0; x < k; x++) gradB[j * k + x] = twoS * (gradB[j * k + x] - m[x * d + j]);
      return { loss: preparedLoss, gradient };
    },

    hvp(theta, v) {
      checkLength('theta', theta, dim);
      checkLength('v', v, dim);
      prepare(theta);
      const b = theta.subarray(kd, dim);
      const dA = v.subarray(0, kd);
      const dB = v.subarray(kd, dim);
      const out = new Float64Array(dim);
      const outA = out.subarray(0, kd);
      const outB = out.subarray(kd, dim);
      multiply(dA, k, d, c, d, nMat);
      multiply(c, d, d, dB, k, cdB);
      tSym.fill(0);
      kSym.fill(0);
      for (let x = 0; x < k; x++) {
        for (let y = 0; y < k; y++) {
          let t = 0;
          for (let j = 0; j < d; j++) t += b[j * k + x] * dB[j * k + y];
          let q = 0;
          for (let i = 0; i < d; i++) q += dA[x * d + i] * m[y * d + i];
          tSym[x * k + y] += t;
          tSym[y * k + x] += t;
          kSym[x * k + y] += q;
          kSym[y * k + x] += q;
        }
      }
      // (Hv)_A = 2s(−(C·dB)ᵀ + (T + Tᵀ)M + PN)
      for (let x = 0; x < k; x++) {
        const row = outA.subarray(x * d, (x + 1) * d);
        for (let y = 0; y < k; y++) {
          const ty = tSym[x * k + y];
          const py = p[x * k + y];
          const my = y * d;
          for (let i = 0; i < d; i++) row[i] += ty * m[my + i] + py * nMat[my + i];
        }
        for (let i = 0; i < d; i++) row[i] = twoS * (row[i] - cdB[i * k + x]);
      }
      // (Hv)_B = 2s(dB·S − Nᵀ + B(K + Kᵀ))
      for (let j = 0; j < d; j++) {
        for (let y = 0; y < k; y++) {
          let sum = -nMat[y * d + j];
          for (let x = 0; x < k; x++) sum += dB[j * k + x] * sMat[x * k + y] + b[j * k + x] * kSym[x * k + y];
          outB[j * k + y] = twoS * sum;
        }
      }
      return out;
    },

    /**
     * Closed form, block by block (index a·d + i for W₁[a][i], dk + j·k + b for W₂[j][b]):
     *   H_AA[(a,i),(a',i')] = 2s·P[a,a']·C[i,i']
     *   H_BB[(j,b),(j',b')] = 2s·δ_jj'·S[b,b']
     *   H_AB[(a,i),(j,b)]   = 2s·B[j,a]·M[b,i] + δ_ab·G[j,i],  G = 2s(BM − C)
     * Symmetric by construction (H_BA is written as H_ABᵀ).
     */
    hessian(theta) {
      checkLength('theta', theta, dim);
      prepare(theta);
      const b = theta.subarray(kd, dim);
      const g = new Float64Array(d * d); // G = 2s(BM − C), d×d
      multiply(b, d, k, m, d, g);
      for (let e = 0; e < d * d; e++) g[e] = twoS * (g[e] - c[e]);
      const h = new Float64Array(dim * dim);
      for (let a = 0; a < k; a++) {
        for (let i = 0; i < d; i++) {
          const rowA = (a * d + i) * dim;
          for (let a2 = 0; a2 < k; a2++) {
            const pa = twoS * p[a * k + a2];
            for (let i2 = 0; i2 < d; i2++) h[rowA + a2 * d + i2] = pa * c[i * d + i2];
          }
          for (let j = 0; j < d; j++) {
            for (let bb = 0; bb < k; bb++) {
              const col = kd + j * k + bb;
              const value = twoS * b[j * k + a] * m[bb * d + i] + (a === bb ? g[j * d + i] : 0);
              h[rowA + col] = value;
              h[col * dim + a * d + i] = value;
            }
          }
        }
      }
      for (let j = 0; j < d; j++) {
        for (let bb = 0; bb < k; bb++) {
          const row = (kd + j * k + bb) * dim + kd + j * k;
          for (let b2 = 0; b2 < k; b2++) h[row + b2] = twoS * sMat[bb * k + b2];
        }
      }
      return h;
    },
  };
}

export interface DlaeCriticalPoint {
  /**
   * Which eigenvectors of C the point projects onto, as positions in the eigenvalues sorted in
   * descending order (0 = the first principal component), ascending. Row a of W₁ is eigenvector
   * subset[a]; rows subset.length…k−1 are zero.
   */
  subset: number[];
  /** W₁ = chosen eigenvectors as rows (zero-padded), W₂ = W₁ᵀ, in the layout of `dlaeObjective`. */
  theta: Float64Array;
  loss: number;
  gradientNormSquared: number;
  /** Fraction of Hessian eigenvalues below −indexThreshold; only with `index: true`. */
  index?: number;
}

export interface DlaeCriticalPointsResult {
  /** Eigenvalues of C in descending order: the `subset` positions refer to these. */
  eigenvalues: Float64Array;
  points: DlaeCriticalPoint[];
}

export interface DlaeCriticalPointOptions {
  /** Compute each point's Hessian index (a 2dk×2dk eigendecomposition per point). Default false. */
  index?: boolean;
  /** Eigenvalues below −indexThreshold count as negative (thesis §3.2.3.1: 1e-5). */
  indexThreshold?: number;
}

/**
 * The analytical critical points of Theorem 3.2, one representative per equivalence class: for every
 * subset S of the eigenvectors of C with |S| ≤ k (Σ_{i≤k} C(d,i) of them, 2517 for d = 16, k = 4), W₁
 * has the eigenvectors of S as rows and W₂ = W₁ᵀ, so W₂W₁ is the orthogonal projection onto span S.
 * Subsets are listed by size, then lexicographically. Each eigenvector's sign is fixed so that its
 * largest-magnitude entry is positive, which makes θ reproducible across eigen-solvers.
 */
export function dlaeCriticalPoints(
  covariance: Float64Array,
  n: number,
  d: number,
  k: number,
  options: DlaeCriticalPointOptions = {},
): DlaeCriticalPointsResult {
  const objective = dlaeObjective(covariance, n, d, k);
  const threshold = options.indexThreshold ?? 1e-5;
  const { values, vectors } = eigh(symmetricCopy(covariance, d), d, { vectors: true });
  const eigenvalues = new Float64Array(d);
  const eigenvectors: Float64Array[] = [];
  for (let r = 0; r < d; r++) {
    const column = d - 1 - r; // eigh sorts ascending
    eigenvalues[r] = values[column];
    const v = Float64Array.from({ length: d }, (_, i) => vectors![i * d + column]);
    let largest = 0;
    for (let i = 1; i < d; i++) if (Math.abs(v[i]) > Math.abs(v[largest])) largest = i;
    if (v[largest] < 0) for (let i = 0; i < d; i++) v[i] = -v[i];
    eigenvectors.push(v);
  }

  const points: DlaeCriticalPoint[] = [];
  for (const subset of subsetsUpTo(d, Math.min(k, d))) {
    const theta = new Float64Array(objective.dim);
    subset.forEach((e, a) => {
      const v = eigenvectors[e];
      for (let i = 0; i < d; i++) {
        theta[a * d + i] = v[i]; // W₁[a][i]
        theta[k * d + i * k + a] = v[i]; // W₂[i][a] = W₁[a][i]
      }
    });
    const { loss, gradient } = objective.lossAndGradient(theta);
    let gradientNormSquared = 0;
    for (const e of gradient) gradientNormSquared += e * e;
    const point: DlaeCriticalPoint = { subset, theta, loss, gradientNormSquared };
    if (options.index) {
      const spectrum = eigh(objective.hessian(theta), objective.dim, { vectors: false }).values;
      let negative = 0;
      for (const lambda of spectrum) if (lambda < -threshold) negative++;
      point.index = negative / objective.dim;
    }
    points.push(point);
  }
  return { eigenvalues, points };
}

/** All subsets of {0…d−1} with at most `maxSize` elements, by size, then lexicographically. */
function subsetsUpTo(d: number, maxSize: number): number[][] {
  const out: number[][] = [];
  const extend = (prefix: number[], start: number, size: number): void => {
    if (prefix.length === size) {
      out.push(prefix.slice());
      return;
    }
    for (let e = start; e < d; e++) {
      prefix.push(e);
      extend(prefix, e + 1, size);
      prefix.pop();
    }
  };
  for (let size = 0; size <= maxSize; size++) extend([], 0, size);
  return out;
}

/** out (r×q) = a (r×t) · b (t×q), all row-major; rows of b are streamed for locality. */
function multiply(a: Float64Array, r: number, t: number, b: Float64Array, q: number, out: Float64Array): void {
  out.fill(0, 0, r * q);
  for (let x = 0; x < r; x++) {
    const row = x * q;
    for (let l = 0; l < t; l++) {
      const coefficient = a[x * t + l];
      if (coefficient === 0) continue;
      const from = l * q;
      for (let y = 0; y < q; y++) out[row + y] += coefficient * b[from + y];
    }
  }
}

/** A copy of the d×d matrix, checked to be finite and symmetric (to rounding) and then symmetrised. */
function symmetricCopy(matrix: Float64Array, d: number): Float64Array {
  checkLength('covariance', matrix, d * d);
  let scale = 0;
  for (const e of matrix) {
    if (!Number.isFinite(e)) throw new RangeError('covariance has a non-finite entry');
    scale = Math.max(scale, Math.abs(e));
  }
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    out[i * d + i] = matrix[i * d + i];
    for (let j = i + 1; j < d; j++) {
      const upper = matrix[i * d + j];
      const lower = matrix[j * d + i];
      if (Math.abs(upper - lower) > SYMMETRY_TOLERANCE * scale) {
        throw new RangeError(`covariance is not symmetric: entries (${i},${j}) and (${j},${i}) are ${upper} and ${lower}`);
      }
      out[i * d + j] = out[j * d + i] = 0.5 * (upper + lower);
    }
  }
  return out;
}

function checkLength(name: string, array: Float64Array, expected: number): void {
  if (array.length !== expected) throw new RangeError(`${name} has length ${array.length}, expected ${expected}`);
}

/** Entry-wise equality; NaN never equals, so a θ with NaN is simply recomputed. */
function sameEntries(u: Float64Array, v: Float64Array): boolean {
  for (let e = 0, len = u.length; e < len; e++) if (u[e] !== v[e]) return false;
  return true;
}
