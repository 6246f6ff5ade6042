import { createRng } from '../harness/rng';
import { eigh } from './eigh';
import { bandToTridiagonal, reduceToBand, symmetricEigenvalues } from './symmetric-eigenvalues';
import { randomSymmetric, randomWithSpectrum } from './testing';

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
}

describe('symmetricEigenvalues', () => {
  it.each([
    [1, 4],
    [2, 1],
    [7, 3],
    [40, 1],
    [40, 8],
    [41, 40],
    [97, 16],
    [130, 32],
  ])('matches eigh on a random symmetric matrix, n = %i, half-bandwidth %i', (n, bandwidth) => {
    const a = randomSymmetric(n, createRng(n * 31 + bandwidth));
    const values = symmetricEigenvalues(a, n, { bandwidth });
    const reference = eigh(a, n, { vectors: false }).values;
    expect(maxAbsDifference(values, reference)).toBeLessThan(1e-12 * Math.sqrt(n) * 4);
  });

  it('recovers a prescribed spectrum with clusters, repeats and a wide dynamic range', () => {
    const spectrum = [-3, -3, -3, -1e-9, 0, 0, 1e-12, 2, 2 + 1e-10, 5, 1e3, ...Array.from({ length: 49 }, (_, i) => 0.01 * i)].sort((p, q) => p - q);
    const { a } = randomWithSpectrum(spectrum, createRng(7));
    const values = symmetricEigenvalues(a, spectrum.length, { bandwidth: 6 });
    expect(maxAbsDifference(values, spectrum)).toBeLessThan(1e-12 * 1e3);
  });

  it('leaves a diagonal or already tridiagonal matrix exact', () => {
    const n = 9;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      a[i * n + i] = i - 4;
      if (i > 0) a[i * n + i - 1] = a[(i - 1) * n + i] = 0.5;
    }
    expect(maxAbsDifference(symmetricEigenvalues(a, n, { bandwidth: 3 }), eigh(a, n, { vectors: false }).values)).toBeLessThan(1e-14);
  });

  it('does not modify its input unless asked to overwrite it', () => {
    const n = 20;
    const a = randomSymmetric(n, createRng(3));
    const copy = Float64Array.from(a);
    symmetricEigenvalues(a, n, { bandwidth: 4 });
    expect(a).toEqual(copy);
    const values = symmetricEigenvalues(a, n, { bandwidth: 4, overwrite: true });
    expect(maxAbsDifference(values, eigh(copy, n, { vectors: false }).values)).toBeLessThan(1e-12);
  });

  it('reads only the lower triangle', () => {
    const n = 12;
    const a = randomSymmetric(n, createRng(5));
    const lower = Float64Array.from(a);
    for (let i = 0; i < n; i++) for (let k = i + 1; k < n; k++) lower[i * n + k] = 99;
    expect(maxAbsDifference(symmetricEigenvalues(lower, n, { bandwidth: 2 }), eigh(a, n, { vectors: false }).values)).toBeLessThan(1e-12);
  });

  it('rejects non-finite entries and wrong sizes', () => {
    expect(() => symmetricEigenvalues(new Float64Array(3), 2)).toThrow(RangeError);
    expect(() => symmetricEigenvalues(Float64Array.of(1, NaN, NaN, 1), 2)).toThrow(/is NaN/);
    expect(() => symmetricEigenvalues(new Float64Array(4), 2, { bandwidth: 0 })).toThrow(RangeError);
    expect(symmetricEigenvalues(new Float64Array(0), 0)).toHaveLength(0);
  });
});

describe('the two stages', () => {
  it('reduceToBand leaves a band of half-bandwidth b with the same eigenvalues', () => {
    const n = 30;
    const b = 4;
    const a = randomSymmetric(n, createRng(11));
    const band = reduceToBand(Float64Array.from(a), n, b);
    const dense = new Float64Array(n * n);
    for (let k = 0; k < n; k++) {
      for (let d = 0; d <= band.width && k + d < n; d++) {
        const x = band.data[k * (band.width + 1) + d];
        if (d > b) expect(x).toBe(0);
        dense[(k + d) * n + k] = dense[k * n + k + d] = x;
      }
    }
    expect(maxAbsDifference(eigh(dense, n, { vectors: false }).values, eigh(a, n, { vectors: false }).values)).toBeLessThan(1e-12);
  });

  it('bandToTridiagonal keeps the eigenvalues of a band matrix', () => {
    const n = 25;
    const b = 5;
    const rng = createRng(13);
    const width = 2 * b;
    const data = new Float64Array(n * (width + 1));
    const dense = new Float64Array(n * n);
    for (let k = 0; k < n; k++) {
      for (let d = 0; d <= b && k + d < n; d++) {
        const x = rng.normal();
        data[k * (width + 1) + d] = x;
        dense[(k + d) * n + k] = dense[k * n + k + d] = x;
      }
    }
    const { diagonal, offDiagonal } = bandToTridiagonal({ n, width, data }, n, b);
    const tridiagonal = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      tridiagonal[i * n + i] = diagonal[i];
      if (i + 1 < n) tridiagonal[(i + 1) * n + i] = tridiagonal[i * n + i + 1] = offDiagonal[i];
    }
    expect(maxAbsDifference(eigh(tridiagonal, n, { vectors: false }).values, eigh(dense, n, { vectors: false }).values)).toBeLessThan(1e-12);
  });
});
