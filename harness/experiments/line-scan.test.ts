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

  it('finds a linear relation (slope 1) when M does not sum to zero, as the catalogue predicts', () => {
    const params = { ...base, line: { hiddenBias: 1, lastLayerDirection: [[1, 1, 1, 1, 1, 1, 1]] } };
    const out = lineScan.run(params, ctx(1)) as Awaited<ReturnType<typeof lineScan.run>>;
    expect(out.metrics.loglogSlope).toBeGreaterThan(0.9);
    expect(out.metrics.loglogSlope).toBeLessThan(1.1);
    expect(out.metrics.ratioGrowth).toBeLessThan(1.5);
  });

  it('recomputes from its evidence: each stored θ gives the stored norms', () => {
    const out = lineScan.run(base, ctx(2)) as Awaited<ReturnType<typeof lineScan.run>>;
    const ev = out.evidence as { theta: number[][]; gradientNorm: number[]; data: { x: number[][]; y: number[][]; n: number } };
    const data = { n: ev.data.n, inputDim: 1, outputDim: 1, x: Float64Array.from(ev.data.x.flat()), y: Float64Array.from(ev.data.y.flat()) };
    const objective = mlpObjective(base.network, base.loss, data);
    const g = objective.lossAndGradient(Float64Array.from(ev.theta[5])).gradient;
    expect(Math.hypot(...g)).toBeCloseTo(ev.gradientNorm[5], 9);
  });

  it('is deterministic for a seed', () => {
    const a = lineScan.run(base, ctx(9)) as Awaited<ReturnType<typeof lineScan.run>>;
    const b = lineScan.run(base, ctx(9)) as Awaited<ReturnType<typeof lineScan.run>>;
    expect(a.metrics).toEqual(b.metrics);
  });
});
