import { createRng } from '../harness/rng';
import { gaussianData, linearVariances } from './gaussian';

describe('gaussianData', () => {
  const d = 16;
  const n = 10_000;
  const x = gaussianData(d, n, linearVariances(d), createRng(1));

  it('is d×n with rows centred to rounding (|mean| < 1e-15 × row scale)', () => {
    expect(x).toHaveLength(d * n);
    for (let i = 0; i < d; i++) {
      let sum = 0;
      for (let s = 0; s < n; s++) sum += x[i * n + s];
      expect(Math.abs(sum / n)).toBeLessThan(1e-15 * Math.sqrt(i + 1));
    }
  });

  it('has sample variances close to 1, 2, …, 16 and uncorrelated rows', () => {
    const row = (i: number) => x.subarray(i * n, (i + 1) * n);
    for (let i = 0; i < d; i++) {
      const variance = row(i).reduce((t, e) => t + e * e, 0) / n;
      // The sample variance has relative standard deviation √(2/n) ≈ 1.4 %; allow 5σ.
      expect(Math.abs(variance / (i + 1) - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    }
    const r01 = row(0).reduce((t, e, s) => t + e * row(1)[s], 0) / (n * Math.sqrt(2));
    expect(Math.abs(r01)).toBeLessThan(5 / Math.sqrt(n));
  });

  it('is determined by the seed', () => {
    const again = gaussianData(d, n, linearVariances(d), createRng(1));
    expect(Buffer.from(again.buffer).equals(Buffer.from(x.buffer))).toBe(true);
    expect(gaussianData(d, n, linearVariances(d), createRng(2))[0]).not.toBe(x[0]);
  });

  it('rejects inconsistent arguments', () => {
    expect(() => gaussianData(3, 10, [1, 2], createRng(1))).toThrow(/expected 3 variances/);
    expect(() => gaussianData(2, 1, [1, 2], createRng(1))).toThrow(/n must be/);
    expect(() => gaussianData(2, 10, [1, -2], createRng(1))).toThrow(/variances\[1\]/);
  });

  it('linearVariances(d) is 1…d', () => {
    expect(Array.from(linearVariances(4))).toEqual([1, 2, 3, 4]);
  });
});
