import { createHash } from 'node:crypto';
import { mlpObjective, parameterLayout } from '../../models';
import { testContext } from '../testing/context';
import { lineScan, pointOnLine, type LineScanParams } from './line-scan';

const base: LineScanParams = {
  network: { widths: [1, 4, 7, 1], activation: 'tanh' },
  loss: { kind: 'sse' },
  data: { source: 'uniform-regression', n: 20, inputRange: [-1, 1], outputRange: [-1, 1] },
  line: { hiddenBias: 1, lastLayerDirection: [[1, -1, 1, -1, 1, -1, 0]] },
  t: { start: 100, stop: 700, step: 30 },
  noise: { scale: 1, power: 2 },
};
const ctx = testContext;

describe('pointOnLine', () => {
  it('sets hidden weights 0, hidden biases c, last weights t·M, last bias 0', () => {
    const theta = pointOnLine(base.network, base.line, 10);
    const [l1, l2, l3] = parameterLayout(base.network);
    expect(Array.from(theta.subarray(l1.weightOffset, l1.weightOffset + 4))).toEqual([0, 0, 0, 0]);
    expect(Array.from(theta.subarray(l1.biasOffset!, l1.biasOffset! + 4))).toEqual([1, 1, 1, 1]);
    expect(Array.from(theta.subarray(l2.weightOffset, l2.weightOffset + 28)).every((v) => v === 0)).toBe(true);
    expect(Array.from(theta.subarray(l3.weightOffset, l3.weightOffset + 7))).toEqual([10, -10, 10, -10, 10, -10, 0]);
    expect(theta[l3.biasOffset!]).toBe(0);
  });

  it('with a zero-sum M the network output does not depend on t', () => {
    const data = { n: 3, inputDim: 1, outputDim: 1, x: Float64Array.of(-0.5, 0.1, 0.9), y: Float64Array.of(0, 0, 0) };
    const objective = mlpObjective(base.network, base.loss, data);
    expect(objective.loss(pointOnLine(base.network, base.line, 100))).toBeCloseTo(0, 20);
    expect(objective.loss(pointOnLine(base.network, base.line, 700))).toBeCloseTo(0, 20);
  });
});

describe('line-scan', () => {
  it('finds quadratic growth (slope 2) for a zero-sum M', () => {
    const out = lineScan.run(base, ctx(1)) as Awaited<ReturnType<typeof lineScan.run>>;
    expect(out.metrics.points).toBe(21);
    expect(out.metrics.loglogSlope).toBeGreaterThan(1.9);
    expect(out.metrics.loglogSlope).toBeLessThan(2.1);
    expect(out.metrics.quadraticR2).toBeGreaterThan(0.99);
    expect(out.metrics.ratioGrowth).toBeGreaterThan(5);
    const ev = out.evidence as { theta: number[][]; gradientNorm: number[]; t: number[] };
    expect(ev.theta).toHaveLength(21);
    expect(ev.theta[0]).toHaveLength(51);
    expect(ev.t[20]).toBe(700);
  });

  it('finds a linear relation (slope 1, no g² share, flat ratio) when M does not sum to zero', () => {
    const params = { ...base, line: { hiddenBias: 1, lastLayerDirection: [[1, -1, 1, -1, 1, -1, 1]] } };
    const out = lineScan.run(params, ctx(1)) as Awaited<ReturnType<typeof lineScan.run>>;
    expect(out.metrics.loglogSlope).toBeGreaterThan(0.9);
    expect(out.metrics.loglogSlope).toBeLessThan(1.1);
    expect(Math.abs(out.metrics.quadraticShare)).toBeLessThan(0.05);
    expect(out.metrics.ratioGrowth).toBeLessThan(1.5);
    // The degree-2 fit still explains the scatter: R² cannot tell a line from a parabola.
    expect(out.metrics.quadraticR2).toBeGreaterThan(0.98);
  });

  it('recomputes every metric from its evidence alone', () => {
    const out = lineScan.run(base, ctx(2)) as Awaited<ReturnType<typeof lineScan.run>>;
    const ev = JSON.parse(JSON.stringify(out.evidence)) as {
      theta: number[][];
      gradientNorm: number[];
      hessianFrobeniusNorm: number[];
      data: { x: number[][]; y: number[][]; n: number; sha256: string };
    };
    const g = ev.gradientNorm;
    const h = ev.hessianFrobeniusNorm;
    // Least squares by normal equations on x scaled to [0, 1] (independent of harness/fit.ts).
    const lsq = (x: number[], y: number[], degree: number): { c: number[]; r2: number } => {
      const s = Math.max(...x.map(Math.abs));
      const m = degree + 1;
      const a = Array.from({ length: m }, () => new Array<number>(m + 1).fill(0));
      x.forEach((xi, i) => {
        const pow = Array.from({ length: m }, (_, j) => (xi / s) ** j);
        for (let r = 0; r < m; r++) {
          for (let c = 0; c < m; c++) a[r][c] += pow[r] * pow[c];
          a[r][m] += pow[r] * y[i];
        }
      });
      for (let k = 0; k < m; k++) {
        for (let r = k + 1; r < m; r++) {
          const f = a[r][k] / a[k][k];
          for (let c = k; c <= m; c++) a[r][c] -= f * a[k][c];
        }
      }
      const u = new Array<number>(m).fill(0);
      for (let k = m - 1; k >= 0; k--) u[k] = (a[k][m] - a[k].slice(k + 1, m).reduce((t, v, j) => t + v * u[k + 1 + j], 0)) / a[k][k];
      const c = u.map((v, j) => v / s ** j);
      const fitted = x.map((xi) => c.reduce((t, cj, j) => t + cj * xi ** j, 0));
      const ybar = y.reduce((t, v) => t + v, 0) / y.length;
      const rss = y.reduce((t, v, i) => t + (v - fitted[i]) ** 2, 0);
      const tss = y.reduce((t, v) => t + (v - ybar) ** 2, 0);
      return { c, r2: 1 - rss / tss };
    };
    const loglog = lsq(g.map(Math.log), h.map(Math.log), 1);
    const quadratic = lsq(g, h, 2);
    const gMax = Math.max(...g);
    const share = (quadratic.c[2] * gMax ** 2) / (quadratic.c[0] + quadratic.c[1] * gMax + quadratic.c[2] * gMax ** 2);
    const last = g.length - 1;
    expect(loglog.c[1]).toBeCloseTo(out.metrics.loglogSlope, 8);
    expect(loglog.r2).toBeCloseTo(out.metrics.loglogR2, 8);
    expect(share).toBeCloseTo(out.metrics.quadraticShare, 6);
    expect(quadratic.r2).toBeCloseTo(out.metrics.quadraticR2, 6);
    expect(lsq(g, h, 1).r2).toBeCloseTo(out.metrics.linearR2, 6);
    expect(h[last] / g[last] / (h[0] / g[0])).toBeCloseTo(out.metrics.ratioGrowth, 10);
    expect(g.length).toBe(out.metrics.points);

    // The stored data are what their hash says, and each stored θ gives its stored norms.
    const bytes = Buffer.from(Float64Array.from([...ev.data.x.flat(), ...ev.data.y.flat()]).buffer);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(ev.data.sha256);
    const data = { n: ev.data.n, inputDim: 1, outputDim: 1, x: Float64Array.from(ev.data.x.flat()), y: Float64Array.from(ev.data.y.flat()) };
    const objective = mlpObjective(base.network, base.loss, data);
    const grad = objective.lossAndGradient(Float64Array.from(ev.theta[5])).gradient;
    expect(Math.hypot(...grad)).toBeCloseTo(ev.gradientNorm[5], 9);
  });

  it('is deterministic for a seed', () => {
    const a = lineScan.run(base, ctx(9)) as Awaited<ReturnType<typeof lineScan.run>>;
    const b = lineScan.run(base, ctx(9)) as Awaited<ReturnType<typeof lineScan.run>>;
    expect(a.metrics).toEqual(b.metrics);
  });
});
