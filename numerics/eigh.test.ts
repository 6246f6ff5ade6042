import { createRng, type Rng } from '../harness/rng';
import { eigh, eighTridiagonal, hessianIndex } from './eigh';
import { randomSymmetric, withSpectrum } from './testing';

/** Q from Gram–Schmidt (applied twice) on Gaussian columns; returned row-major. */
function randomOrthogonal(n: number, rng: Rng): Float64Array {
  const columns = Array.from({ length: n }, () => Float64Array.from({ length: n }, () => rng.normal()));
  columns.forEach((q, j) => {
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < j; p++) {
        let c = 0;
        for (let k = 0; k < n; k++) c += columns[p][k] * q[k];
        for (let k = 0; k < n; k++) q[k] -= c * columns[p][k];
      }
    }
    const norm = Math.hypot(...q);
    for (let k = 0; k < n; k++) q[k] /= norm;
  });
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i * n + j] = columns[j][i];
  return m;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k]));
  return m;
}

/** max |A V − V Λ| / max |A| and max |VᵀV − I|. */
function decompositionErrors(a: Float64Array, n: number, values: Float64Array, vectors: Float64Array): { residual: number; orthogonality: number } {
  let residual = 0;
  let orthogonality = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let av = 0;
      let vv = 0;
      for (let k = 0; k < n; k++) {
        av += a[i * n + k] * vectors[k * n + j];
        vv += vectors[k * n + i] * vectors[k * n + j];
      }
      residual = Math.max(residual, Math.abs(av - vectors[i * n + j] * values[j]));
      orthogonality = Math.max(orthogonality, Math.abs(vv - (i === j ? 1 : 0)));
    }
  }
  return { residual: residual / Math.max(maxAbs(a), Number.MIN_VALUE), orthogonality };
}

function expectAscending(values: Float64Array): void {
  for (let j = 1; j < values.length; j++) expect(values[j]).toBeGreaterThanOrEqual(values[j - 1]);
}

describe('eigh', () => {
  it.each([2, 3, 7, 50, 200])('decomposes a random symmetric n×n matrix, n = %i: AV = VΛ, VᵀV = I, ascending', (n) => {
    const a = randomSymmetric(n, createRng(1000 + n));
    const copy = Float64Array.from(a);
    const { values, vectors } = eigh(a, n);
    expect(a).toEqual(copy);
    expect(values).toHaveLength(n);
    expectAscending(values);
    const { residual, orthogonality } = decompositionErrors(a, n, values, vectors!);
    expect(residual).toBeLessThan(1e-10);
    expect(orthogonality).toBeLessThan(1e-10);
  });

  it('gives the same eigenvalues with and without vectors, and no vectors when not asked', () => {
    const n = 40;
    const a = randomSymmetric(n, createRng(7));
    const valuesOnly = eigh(a, n, { vectors: false });
    expect(valuesOnly.vectors).toBeUndefined();
    // The reduction and the QL recurrence on (d, e) are the same arithmetic either way.
    expect(valuesOnly.values).toEqual(eigh(a, n).values);
  });

  it('returns the sorted diagonal and signed unit vectors for a diagonal matrix', () => {
    const diagonal = [3, -1, 0, 2.5, -7];
    const n = diagonal.length;
    const a = new Float64Array(n * n);
    diagonal.forEach((x, i) => (a[i * n + i] = x));
    const { values, vectors } = eigh(a, n);
    expect(Array.from(values)).toEqual([...diagonal].sort((p, q) => p - q));
    for (let j = 0; j < n; j++) {
      const source = diagonal.indexOf(values[j]);
      for (let k = 0; k < n; k++) expect(Math.abs(vectors![k * n + j])).toBe(k === source ? 1 : 0);
    }
  });

  it('matches the 2×2 closed form', () => {
    const [p, b, c] = [1.5, -0.7, -2];
    const { values, vectors } = eigh(Float64Array.of(p, b, b, c), 2);
    const mean = (p + c) / 2;
    const radius = Math.hypot((p - c) / 2, b);
    expect(values[0]).toBeCloseTo(mean - radius, 14);
    expect(values[1]).toBeCloseTo(mean + radius, 14);
    // (b, λ − p) is an eigenvector of λ.
    for (let j = 0; j < 2; j++) {
      const x = b;
      const y = values[j] - p;
      const norm = Math.hypot(x, y);
      const dot = (vectors![j] * x + vectors![2 + j] * y) / norm;
      expect(Math.abs(dot)).toBeCloseTo(1, 14);
    }
  });

  it('recovers a prescribed spectrum with repeated and zero eigenvalues', () => {
    const spectrum = [-2, -2, 0, 0, 0, 1e-9, 1, 3, 3, 3, 5];
    const n = spectrum.length;
    const a = withSpectrum(spectrum, randomOrthogonal(n, createRng(11)));
    const { values, vectors } = eigh(a, n);
    // Backward-stable: errors of order ε‖A‖ with ‖A‖ = 5.
    spectrum.forEach((x, j) => expect(Math.abs(values[j] - x)).toBeLessThan(5e-13));
    const { residual, orthogonality } = decompositionErrors(a, n, values, vectors!);
    expect(residual).toBeLessThan(1e-12);
    expect(orthogonality).toBeLessThan(1e-12);
  });

  it('recovers a prescribed spectrum of a 120×120 matrix to near machine precision', () => {
    const rng = createRng(12);
    const spectrum = Array.from({ length: 120 }, () => rng.uniformIn(-10, 10)).sort((p, q) => p - q);
    const a = withSpectrum(spectrum, randomOrthogonal(120, rng));
    const { values } = eigh(a, 120, { vectors: false });
    spectrum.forEach((x, j) => expect(Math.abs(values[j] - x)).toBeLessThan(1e-11)); // ‖A‖ ≤ 10
  });

  it('is scale-invariant from 1e-150 to 1e150', () => {
    const n = 12;
    const a = randomSymmetric(n, createRng(13));
    const reference = eigh(a, n).values;
    for (const scale of [1e-150, 1e150]) {
      const scaled = a.map((x) => x * scale);
      const { values, vectors } = eigh(scaled, n);
      reference.forEach((x, j) => expect(values[j] / scale).toBeCloseTo(x, 12));
      expect(decompositionErrors(scaled, n, values, vectors!).orthogonality).toBeLessThan(1e-12);
    }
  });

  it('handles n = 1 and n = 0', () => {
    expect(eigh(Float64Array.of(-4.5), 1)).toEqual({ values: Float64Array.of(-4.5), vectors: Float64Array.of(1) });
    expect(eigh(new Float64Array(0), 0)).toEqual({ values: new Float64Array(0), vectors: new Float64Array(0) });
  });

  it('handles the zero matrix', () => {
    const n = 4;
    const { values, vectors } = eigh(new Float64Array(n * n), n);
    expect(Array.from(values)).toEqual([0, 0, 0, 0]);
    expect(decompositionErrors(new Float64Array(n * n), n, values, vectors!).orthogonality).toBe(0);
  });

  it('decomposes the symmetric part of a matrix that is symmetric up to round-off', () => {
    const n = 5;
    const a = randomSymmetric(n, createRng(14));
    const perturbed = Float64Array.from(a);
    perturbed[1] += 1e-12;
    const { values } = eigh(perturbed, n, { vectors: false });
    eigh(a, n, { vectors: false }).values.forEach((x, j) => expect(values[j]).toBeCloseTo(x, 11));
  });

  it('rejects NaN, infinities, gross asymmetry and a wrong size', () => {
    const a = randomSymmetric(3, createRng(15));
    const withNaN = Float64Array.from(a);
    withNaN[4] = NaN;
    expect(() => eigh(withNaN, 3)).toThrow(/1,1 is NaN/);
    const withInf = Float64Array.from(a);
    withInf[2] = -Infinity;
    expect(() => eigh(withInf, 3)).toThrow(RangeError);
    const asymmetric = Float64Array.from(a);
    asymmetric[1] += 0.1;
    expect(() => eigh(asymmetric, 3)).toThrow(/not symmetric/);
    expect(() => eigh(a, 4)).toThrow(/expected 4×4/);
    expect(() => eigh(a, -1)).toThrow(RangeError);
  });
});

describe('eighTridiagonal', () => {
  it('matches the closed-form spectrum of tridiag(−1, 2, −1)', () => {
    const n = 60;
    const { values, vectors } = eighTridiagonal(new Float64Array(n).fill(2), new Float64Array(n - 1).fill(-1));
    for (let j = 0; j < n; j++) expect(values[j]).toBeCloseTo(2 - 2 * Math.cos(((j + 1) * Math.PI) / (n + 1)), 13);
    // Eigenvector j is ± sin((j+1)(k+1)π/(n+1)), normalised.
    const norm = Math.sqrt((n + 1) / 2);
    for (const j of [0, 17, n - 1]) {
      const sign = Math.sign(vectors![j]);
      for (let k = 0; k < n; k++) expect(vectors![k * n + j]).toBeCloseTo((sign * Math.sin(((j + 1) * (k + 1) * Math.PI) / (n + 1))) / norm, 12);
    }
  });

  it('agrees with eigh on the same matrix stored densely', () => {
    const n = 30;
    const rng = createRng(16);
    const diagonal = Float64Array.from({ length: n }, () => rng.normal());
    const offDiagonal = Float64Array.from({ length: n - 1 }, () => rng.normal());
    offDiagonal[9] = 0; // splits the matrix into two blocks
    const dense = new Float64Array(n * n);
    for (let i = 0; i < n; i++) dense[i * n + i] = diagonal[i];
    for (let i = 0; i < n - 1; i++) dense[i * n + i + 1] = dense[(i + 1) * n + i] = offDiagonal[i];
    const { values, vectors } = eighTridiagonal(diagonal, offDiagonal);
    const reference = eigh(dense, n, { vectors: false }).values;
    reference.forEach((x, j) => expect(values[j]).toBeCloseTo(x, 12));
    const { residual, orthogonality } = decompositionErrors(dense, n, values, vectors!);
    expect(residual).toBeLessThan(1e-13);
    expect(orthogonality).toBeLessThan(1e-13);
  });

  it('handles n = 1 and n = 0, and checks its inputs', () => {
    expect(eighTridiagonal(Float64Array.of(2), new Float64Array(0))).toEqual({ values: Float64Array.of(2), vectors: Float64Array.of(1) });
    expect(eighTridiagonal(new Float64Array(0), new Float64Array(0), { vectors: false })).toEqual({ values: new Float64Array(0) });
    expect(() => eighTridiagonal(Float64Array.of(1, 2), Float64Array.of(1, 2))).toThrow(/expected 1/);
    expect(() => eighTridiagonal(Float64Array.of(1, NaN), Float64Array.of(1))).toThrow(/non-finite/);
  });
});

describe('hessianIndex', () => {
  it('is the fraction of eigenvalues below −threshold', () => {
    const values = Float64Array.of(-2, -1e-3, -1e-6, 0, 1e-6, 4);
    expect(hessianIndex(values)).toBe(2 / 6);
    expect(hessianIndex(values, 0)).toBe(3 / 6);
    expect(hessianIndex(values, 1)).toBe(1 / 6);
    expect(hessianIndex(Float64Array.of(1, 2))).toBe(0);
  });

  it('rejects an empty spectrum, NaN and a negative threshold', () => {
    expect(() => hessianIndex(new Float64Array(0))).toThrow(RangeError);
    expect(() => hessianIndex(Float64Array.of(1, NaN))).toThrow(/NaN/);
    expect(() => hessianIndex(Float64Array.of(1), -1)).toThrow(RangeError);
  });
});
