import { exactHomogeneityPValue } from './contingency';

describe('exactHomogeneityPValue', () => {
  it('is Fisher\'s exact test for a 2×2 table (tea tasting: 3/1 vs 1/3 gives p = 0.4857)', () => {
    expect(exactHomogeneityPValue([3, 1], [1, 3])).toBeCloseTo(34 / 70, 12);
  });

  it('gives 1 for identical rows and a small p for opposite ones', () => {
    expect(exactHomogeneityPValue([6, 5, 4], [6, 5, 4])).toBeCloseTo(1, 12);
    expect(exactHomogeneityPValue([6, 5, 4], [15, 0, 0])).toBeLessThan(0.01);
  });

  it('matches the Freeman–Halton p-value by brute force over every table', () => {
    const a = [2, 5, 1];
    const b = [4, 0, 3];
    const cols = a.map((v, j) => v + b[j]);
    const n = cols.reduce((s, v) => s + v, 0);
    const choose = (m: number, k: number): number => (k < 0 || k > m ? 0 : Array.from({ length: k }, (_, i) => (m - i) / (i + 1)).reduce((s, v) => s * v, 1));
    const prob = (x: number[]): number => x.reduce((s, xj, j) => s * choose(cols[j], xj), 1) / choose(n, 8);
    const observed = prob(a);
    let p = 0;
    for (let x0 = 0; x0 <= cols[0]; x0++) for (let x1 = 0; x1 <= cols[1]; x1++) {
      const x2 = 8 - x0 - x1;
      if (x2 < 0 || x2 > cols[2]) continue;
      const q = prob([x0, x1, x2]);
      if (q <= observed * (1 + 1e-7)) p += q;
    }
    expect(exactHomogeneityPValue(a, b)).toBeCloseTo(p, 12);
  });
});
