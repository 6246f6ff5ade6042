/**
 * Exact test of homogeneity for a 2×k contingency table (Freeman–Halton, the k-column Fisher exact test):
 * with both rows' totals and every column's total fixed, the tables are multivariate-hypergeometric, and
 * the p-value is the total probability of the tables no more probable than the observed one.
 */

/** p-value of the 2×k table with rows `a` and `b` (non-negative integer counts, same length). */
export function exactHomogeneityPValue(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length < 2) throw new RangeError('exactHomogeneityPValue: two rows of equal length ≥ 2');
  for (const v of [...a, ...b]) if (!Number.isInteger(v) || v < 0) throw new RangeError(`exactHomogeneityPValue: counts must be non-negative integers, got ${v}`);
  const columns = a.map((v, j) => v + b[j]);
  const rowA = a.reduce((s, v) => s + v, 0);
  const total = columns.reduce((s, v) => s + v, 0);
  const logFactorial = (n: number): number => {
    let s = 0;
    for (let i = 2; i <= n; i++) s += Math.log(i);
    return s;
  };
  const lf = Array.from({ length: total + 1 }, (_, n) => logFactorial(n));
  // log P(first row = x) = Σ_j log C(col_j, x_j) − log C(total, rowA)
  const logChoose = (n: number, k: number): number => lf[n] - lf[k] - lf[n - k];
  const logNorm = logChoose(total, rowA);
  const logP = (x: number[]): number => x.reduce((s, xj, j) => s + logChoose(columns[j], xj), 0) - logNorm;
  const observed = logP([...a]);
  let p = 0;
  const x = new Array<number>(columns.length).fill(0);
  const walk = (j: number, left: number): void => {
    if (j === columns.length - 1) {
      if (left > columns[j]) return;
      x[j] = left;
      const value = logP(x);
      // Ties within a relative 1e-7 count as "no more probable" (R's fisher.test uses the same guard).
      if (value <= observed + 1e-7) p += Math.exp(value);
      return;
    }
    for (let v = 0; v <= Math.min(columns[j], left); v++) {
      x[j] = v;
      walk(j + 1, left - v);
    }
  };
  walk(0, rowA);
  return Math.min(1, p);
}
