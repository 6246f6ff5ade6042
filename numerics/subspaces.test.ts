import { createRng, type Rng } from '../harness/rng';
import { eigh } from './eigh';
import { topEigenpairs } from './lanczos';
import { covarianceOperator, covarianceTrace, principalAngles, principalCosines, subspaceEnergy } from './subspaces';

const gaussian = (n: number, rng: Rng): Float64Array => Float64Array.from({ length: n }, () => rng.normal());

/** Orthonormal columns by modified Gram–Schmidt, written out independently of the module. */
function orthonormal(vectors: Float64Array[]): Float64Array[] {
  const out: Float64Array[] = [];
  for (const v of vectors) {
    const w = Float64Array.from(v);
    for (const q of out) {
      const c = q.reduce((s, x, k) => s + x * w[k], 0);
      for (let k = 0; k < w.length; k++) w[k] -= c * q[k];
    }
    const size = Math.hypot(...w);
    out.push(w.map((x) => x / size));
  }
  return out;
}

describe('covarianceOperator', () => {
  it('applies the dense (1/N) Σ gᵢgᵢᵀ and its top eigenspace matches the dense eigendecomposition', () => {
    const rng = createRng(1);
    const n = 30;
    // Gradients concentrated on 3 directions plus a small isotropic part: Σ has 3 outliers.
    const directions = orthonormal([gaussian(n, rng), gaussian(n, rng), gaussian(n, rng)]);
    const rows = Array.from({ length: 200 }, () => {
      const g = gaussian(n, rng).map((x) => 0.05 * x);
      directions.forEach((d, j) => {
        const c = (3 - j) * rng.normal();
        for (let k = 0; k < n; k++) g[k] += c * d[k];
      });
      return g;
    });
    const dense = new Float64Array(n * n);
    for (const g of rows) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) dense[i * n + j] += (g[i] * g[j]) / rows.length;
    const v = gaussian(n, rng);
    const applied = covarianceOperator(rows)(v);
    for (let i = 0; i < n; i++) expect(applied[i]).toBeCloseTo(dense.slice(i * n, (i + 1) * n).reduce((s, a, k) => s + a * v[k], 0), 12);
    const exact = eigh(dense, n);
    expect(covarianceTrace(rows)).toBeCloseTo(exact.values.reduce((s, x) => s + x, 0), 10);

    const top = topEigenpairs(covarianceOperator(rows), n, 3, { steps: 20, rng: createRng(2) });
    const exactTop = [n - 1, n - 2, n - 3].map((c) => Float64Array.from({ length: n }, (_, k) => exact.vectors![k * n + c]));
    top.values.forEach((value, j) => expect(value).toBeCloseTo(exact.values[n - 1 - j], 10));
    expect(subspaceEnergy(exactTop, top.vectors)).toBeCloseTo(1, 10);
    // The planted directions carry almost all of the covariance's top eigenspace.
    expect(subspaceEnergy(directions, top.vectors)).toBeGreaterThan(0.99);
  });
});

describe('subspaceEnergy', () => {
  it('is 1 inside the span, k_B/n for a coordinate basis against isotropic averages, and scale-free', () => {
    const rng = createRng(3);
    const basis = orthonormal([gaussian(10, rng), gaussian(10, rng)]);
    const inside = basis[0].map((x, k) => 2 * x - 3 * basis[1][k]);
    expect(subspaceEnergy([inside], basis)).toBeCloseTo(1, 12);
    // Against the first two coordinate axes, the energy of a vector is (v₀² + v₁²)/‖v‖².
    const axes = [0, 1].map((i) => Float64Array.from({ length: 10 }, (_, k) => (k === i ? 1 : 0)));
    const v = gaussian(10, rng);
    const expected = (v[0] ** 2 + v[1] ** 2) / v.reduce((s, x) => s + x * x, 0);
    expect(subspaceEnergy([v, v.map((x) => 5 * x)], axes)).toBeCloseTo(expected, 12);
  });
});

describe('principal angles', () => {
  it('recovers planted angles between two planes in ℝ⁴', () => {
    // span(e1, e2) against span(cos a e1 + sin a e3, cos b e2 + sin b e4): principal angles a and b.
    const [a, b] = [0.3, 1.1];
    const e = (i: number) => Float64Array.from({ length: 4 }, (_, k) => (k === i ? 1 : 0));
    const first = [e(0), e(1)];
    const second = [Float64Array.from([Math.cos(a), 0, Math.sin(a), 0]), Float64Array.from([0, Math.cos(b), 0, Math.sin(b)])];
    const angles = principalAngles(first, second);
    expect(angles[0]).toBeCloseTo(a, 12);
    expect(angles[1]).toBeCloseTo(b, 12);
    // Energy of one basis in the other is the mean squared cosine.
    expect(subspaceEnergy(second, first)).toBeCloseTo((Math.cos(a) ** 2 + Math.cos(b) ** 2) / 2, 12);
  });

  it('gives min(k_A, k_B) cosines, invariant to rotating either basis within its span', () => {
    const rng = createRng(4);
    const n = 12;
    const a = orthonormal([gaussian(n, rng), gaussian(n, rng), gaussian(n, rng)]);
    const b = orthonormal([gaussian(n, rng), gaussian(n, rng)]);
    const rotated = orthonormal([a[2], a[0].map((x, k) => x + a[1][k]), a[1]]);
    const cosines = principalCosines(a, b);
    expect(cosines).toHaveLength(2);
    principalCosines(rotated, b).forEach((c, i) => expect(c).toBeCloseTo(cosines[i], 12));
    // Σ cos² = ‖AᵀB‖²_F, the k_B-weighted energy of B in span(A).
    expect(cosines.reduce((s, c) => s + c * c, 0) / 2).toBeCloseTo(subspaceEnergy(b, a), 12);
  });
});
