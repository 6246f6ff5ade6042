import { testContext } from '../testing/context';
import { dlaeAnalytic, type DlaeAnalyticParams } from './dlae-analytic';

type Output = Awaited<ReturnType<typeof dlaeAnalytic.run>>;
const run = (params: DlaeAnalyticParams): Output => dlaeAnalytic.run(params, testContext(1)) as Output;

describe('dlae-analytic', () => {
  it('enumerates Σ_{i≤k} C(d, i) points with a unique minimum, the PCA solution', () => {
    const out = run({ d: 6, n: 500, k: 2, covariance: 'population', indexThreshold: 1e-5 });
    expect(out.metrics.count).toBe(1 + 6 + 15);
    expect(out.metrics.maxGradNormSq).toBeLessThan(1e-20);
    expect(out.metrics.index0Count).toBe(1);
    expect(out.metrics.index0IsPca).toBe(1);
    // Population covariance diag(1…6): PCA keeps 6 and 5, so L = (1 + 2 + 3 + 4)/6.
    expect(out.metrics.pcaLoss).toBeCloseTo(10 / 6, 12);
    expect(out.metrics.minIndexExceptPca).toBeGreaterThan(0);
    expect(out.metrics.lossIndexPearson).toBeGreaterThan(0.9);
  });

  it('with equal variances every projection onto k eigenvectors is a global minimum; a penalty makes the points non-critical', () => {
    const equal = run({ d: 6, n: 500, k: 2, covariance: 'population', variances: [1, 1, 1, 1, 1, 1], indexThreshold: 1e-5 });
    expect(equal.metrics.index0Count).toBe(15);
    expect(equal.metrics.index0IsPca).toBe(0);
    expect(equal.metrics.minIndexExceptPca).toBe(0);
    expect(equal.metrics.pcaLoss).toBeCloseTo(4 / 6, 12);
    const ridge = run({ d: 6, n: 500, k: 2, covariance: 'population', l2: 1e-3, indexThreshold: 1e-5 });
    // ∇(l2‖θ‖²) = 2·l2·θ and ‖θ‖² = 2·|subset|: at the PCA point ‖∇‖² = 4e-6 · 4.
    expect(ridge.metrics.maxGradNormSq).toBeCloseTo(4e-6 * 4, 12);
    expect(dlaeAnalytic.check?.({ d: 6, n: 500, k: 2, covariance: 'sample', variances: [1, 2], indexThreshold: 1e-5 })).toHaveLength(1);
  });

  it('recomputes its metrics from the evidence alone', () => {
    const params: DlaeAnalyticParams = { d: 5, n: 300, k: 2, covariance: 'sample', l2: 1e-4, indexThreshold: 1e-5 };
    const out = run(params);
    const ev = out.evidence as { scatter: number[]; n: number; l2: number; eigenvectors: number[][]; points: { subset: number[]; loss: number; gradientNormSquared: number; index: number }[] };
    const { d, k } = params;
    const dim = 2 * d * k;
    const s = 1 / (d * ev.n);
    const c = (i: number, j: number): number => ev.scatter[i * d + j];
    // Independent code: loss and gradient of ‖X − W₂W₁X‖²/(dn) + l2‖θ‖² through C, Hessian by central
    // differences of that gradient, eigenvalues by Jacobi rotations.
    const split = (t: number[]): { w1: (a: number, i: number) => number; w2: (i: number, a: number) => number } => ({ w1: (a, i) => t[a * d + i], w2: (i, a) => t[d * k + i * k + a] });
    const residual = (t: number[]): number[][] => {
      const { w1, w2 } = split(t);
      return Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => {
        let w = 0;
        for (let a = 0; a < k; a++) w += w2(i, a) * w1(a, j);
        return w - (i === j ? 1 : 0);
      }));
    };
    const loss = (t: number[]): number => {
      const e = residual(t);
      let total = 0;
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let l = 0; l < d; l++) total += e[i][j] * c(j, l) * e[i][l];
      return s * total + ev.l2 * t.reduce((sum, v) => sum + v * v, 0);
    };
    const gradient = (t: number[]): number[] => {
      const { w1, w2 } = split(t);
      const e = residual(t);
      const g = (i: number, j: number): number => { // G = 2s(W − I)C
        let sum = 0;
        for (let l = 0; l < d; l++) sum += e[i][l] * c(l, j);
        return 2 * s * sum;
      };
      const out: number[] = new Array(dim).fill(0);
      for (let a = 0; a < k; a++) for (let j = 0; j < d; j++) for (let i = 0; i < d; i++) out[a * d + j] += w2(i, a) * g(i, j);
      for (let i = 0; i < d; i++) for (let a = 0; a < k; a++) for (let j = 0; j < d; j++) out[d * k + i * k + a] += g(i, j) * w1(a, j);
      return out.map((v, q) => v + 2 * ev.l2 * t[q]);
    };
    const eigenvalues = (m: number[][]): number[] => {
      const a = m.map((row) => row.slice());
      for (let sweep = 0; sweep < 100; sweep++) {
        let off = 0;
        for (let p = 0; p < dim; p++) for (let q = p + 1; q < dim; q++) off += a[p][q] ** 2;
        if (off < 1e-30) break;
        for (let p = 0; p < dim; p++) {
          for (let q = p + 1; q < dim; q++) {
            if (a[p][q] === 0) continue;
            const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
            const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
            const cs = 1 / Math.sqrt(t * t + 1);
            const sn = t * cs;
            for (let r = 0; r < dim; r++) {
              const [x, y] = [a[r][p], a[r][q]];
              a[r][p] = cs * x - sn * y;
              a[r][q] = sn * x + cs * y;
            }
            for (let r = 0; r < dim; r++) {
              const [x, y] = [a[p][r], a[q][r]];
              a[p][r] = cs * x - sn * y;
              a[q][r] = sn * x + cs * y;
            }
          }
        }
      }
      return a.map((row, i) => row[i]);
    };
    const recomputed = ev.points.map((point) => {
      const theta: number[] = new Array(dim).fill(0);
      point.subset.forEach((e, a) => {
        for (let i = 0; i < d; i++) {
          theta[a * d + i] = ev.eigenvectors[e][i];
          theta[d * k + i * k + a] = ev.eigenvectors[e][i];
        }
      });
      const h = 1e-5;
      const hessian = Array.from({ length: dim }, (_, q) => {
        const up = theta.slice();
        const down = theta.slice();
        up[q] += h;
        down[q] -= h;
        const [gu, gd] = [gradient(up), gradient(down)];
        return gu.map((v, r) => (v - gd[r]) / (2 * h));
      });
      const symmetric = hessian.map((row, i) => row.map((v, j) => (v + hessian[j][i]) / 2));
      const index = eigenvalues(symmetric).filter((lambda) => lambda < -params.indexThreshold).length / dim;
      return { subset: point.subset, loss: loss(theta), gradNormSq: gradient(theta).reduce((sum, v) => sum + v * v, 0), index };
    });
    expect(out.metrics.count).toBe(recomputed.length);
    recomputed.forEach((q, i) => {
      expect(q.loss).toBeCloseTo(ev.points[i].loss, 10);
      expect(q.index).toBe(ev.points[i].index);
    });
    expect(out.metrics.maxGradNormSq).toBeCloseTo(Math.max(...recomputed.map((q) => q.gradNormSq)), 14);
    const zero = recomputed.filter((q) => q.index === 0);
    expect(out.metrics.index0Count).toBe(zero.length);
    expect(out.metrics.index0IsPca).toBe(zero.length === 1 && zero[0].subset.join() === '0,1' ? 1 : 0);
    expect(out.metrics.pcaLoss).toBeCloseTo(recomputed.find((q) => q.subset.join() === '0,1')!.loss, 10);
    expect(out.metrics.minIndexExceptPca).toBe(Math.min(...recomputed.filter((q) => q.subset.join() !== '0,1').map((q) => q.index)));
    const xs = recomputed.map((q) => q.index);
    const ys = recomputed.map((q) => q.loss);
    const mx = xs.reduce((a, b) => a + b) / xs.length;
    const my = ys.reduce((a, b) => a + b) / ys.length;
    const cov = xs.reduce((sum, x, i) => sum + (x - mx) * (ys[i] - my), 0);
    const pearson = cov / Math.sqrt(xs.reduce((sum, x) => sum + (x - mx) ** 2, 0) * ys.reduce((sum, y) => sum + (y - my) ** 2, 0));
    expect(out.metrics.lossIndexPearson).toBeCloseTo(pearson, 10);
  });
});
