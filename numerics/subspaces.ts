/**
 * Subspaces of ℝⁿ spanned by a few vectors, and how much two of them overlap: the gradient covariance
 * Σ = (1/N) Σᵢ gᵢ gᵢᵀ as an operator (never as an n×n matrix), the energy of one orthonormal basis in
 * the span of another, and the principal angles between two spans (Björck & Golub 1973).
 *
 * Energy. For unit vectors a₁…a_k and an orthonormal basis B of a subspace 𝔅, the energy of the a's in
 * 𝔅 is (1/k) Σⱼ ‖P_𝔅 aⱼ‖² = ‖Bᵀ A‖²_F / k ∈ [0, 1]: 1 when every aⱼ lies in 𝔅, k_B/n on average for a
 * random 𝔅 of dimension k_B. Ghorbani et al.'s "99% of the energy of the outlier Hessian eigenvectors
 * lies in the outlier subspace of Σ" is this quantity with A the Hessian's top-k eigenvectors.
 *
 * Principal angles. The cosines of the principal angles between span(A) and span(B) (both orthonormal)
 * are the singular values of AᵀB; they are computed here as square roots of the eigenvalues of (AᵀB)ᵀ(AᵀB),
 * which is accurate for cosines near 1 (the angles of interest) and loses only small angles' sines.
 */
import { eigh } from './eigh';
import { dot } from './vector';
import type { SymmetricOperator } from './lanczos';

/**
 * v ↦ Σv with Σ = (1/N) Σᵢ gᵢ gᵢᵀ, the uncentred second moment of the N vectors gᵢ (Ghorbani et al.'s
 * gradient covariance). Costs 2Nn per product; the gᵢ are kept, not copied.
 */
export function covarianceOperator(rows: Float64Array[]): SymmetricOperator {
  if (rows.length === 0) throw new RangeError('the covariance needs at least one vector');
  const n = rows[0].length;
  for (const row of rows) if (row.length !== n) throw new RangeError(`vectors of lengths ${row.length} and ${n}`);
  const out = new Float64Array(n);
  return (v) => {
    if (v.length !== n) throw new RangeError(`v has length ${v.length}, expected ${n}`);
    out.fill(0);
    for (const g of rows) {
      const c = dot(g, v) / rows.length;
      for (let k = 0; k < n; k++) out[k] += c * g[k];
    }
    return out;
  };
}

/** tr Σ = (1/N) Σᵢ ‖gᵢ‖²: the mean squared gradient norm, the total energy Σ's eigenvalues share out. */
export function covarianceTrace(rows: Float64Array[]): number {
  if (rows.length === 0) throw new RangeError('the covariance needs at least one vector');
  return rows.reduce((sum, g) => sum + dot(g, g), 0) / rows.length;
}

/**
 * (1/k) Σⱼ ‖P aⱼ‖² / ‖aⱼ‖², the mean fraction of each vector's squared norm in span(basis); `basis`
 * must be orthonormal (as Ritz vectors are), the vectors need not be.
 */
export function subspaceEnergy(vectors: Float64Array[], basis: Float64Array[]): number {
  if (vectors.length === 0) throw new RangeError('no vectors to project');
  let total = 0;
  for (const a of vectors) {
    const squared = dot(a, a);
    if (!(squared > 0)) throw new RangeError('vectors must be non-zero and finite');
    let captured = 0;
    for (const b of basis) {
      if (b.length !== a.length) throw new RangeError(`basis vector of length ${b.length} against a vector of length ${a.length}`);
      const c = dot(b, a);
      captured += c * c;
    }
    total += captured / squared;
  }
  return total / vectors.length;
}

/**
 * Cosines of the principal angles between span(a) and span(b), both orthonormal, largest first
 * (smallest angle first); min(|a|, |b|) of them, clamped to [0, 1] against rounding.
 */
export function principalCosines(a: Float64Array[], b: Float64Array[]): number[] {
  const [small, large] = a.length <= b.length ? [a, b] : [b, a];
  const p = small.length;
  if (p === 0) throw new RangeError('both bases need at least one vector');
  // M = largeᵀ small (|large| × p); the cosines are the singular values of M, i.e. √eig(MᵀM).
  const m = large.map((u) => small.map((v) => dot(u, v)));
  const gram = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (const row of m) s += row[i] * row[j];
      gram[i * p + j] = gram[j * p + i] = s;
    }
  }
  const values = Array.from(eigh(gram, p, { vectors: false }).values).reverse();
  return values.map((v) => Math.min(1, Math.sqrt(Math.max(0, v))));
}

/** The principal angles (radians, smallest first) between two orthonormal bases' spans. */
export function principalAngles(a: Float64Array[], b: Float64Array[]): number[] {
  return principalCosines(a, b).map(Math.acos);
}
