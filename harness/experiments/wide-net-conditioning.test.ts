import { createHash } from 'node:crypto';
import { loadMnist } from '../../datasets/mnist';
import { testContext } from '../testing/context';
import { type ConditioningParams, wideNetConditioning } from './wide-net-conditioning';

const params: ConditioningParams = {
  data: { source: 'mnist', pool: 60 },
  network: { depth: 4, activation: 'relu', widthFactor: 1 },
  renormalise: [true, false],
  configs: [
    { width: 24, examples: 6 },
    { width: 48, examples: 6 },
    { width: 48, examples: 12 },
  ],
  seeds: 2,
  inputGramExamples: 2,
  infiniteWidth: true,
};

interface Layer { lambdaMin: number; lambdaMax: number; width: number; inputLambdaMin?: number; inputLambdaMax?: number }
interface Run { config: number; seed: number; renormalise: boolean; width: number; examples: number; layers: Layer[]; dual?: { lambdaMin: number; lambdaMax: number }[] }

// Plain re-implementations, independent of the kind's code.
const avg = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
function rankCorrelation(x: number[], y: number[]): number {
  const rank = (v: number[]): number[] => v.map((a) => v.filter((b) => b < a).length + (v.filter((b) => b === a).length + 1) / 2);
  const rx = rank(x);
  const ry = rank(y);
  const mx = avg(rx);
  const my = avg(ry);
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (rx[i] - mx) * (ry[i] - my);
    sxx += (rx[i] - mx) ** 2;
    syy += (ry[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}
function lsSlope(x: number[], y: number[]): number {
  const lx = x.map(Math.log), ly = y.map(Math.log);
  const mx = avg(lx), my = avg(ly);
  let a = 0, b = 0;
  for (let i = 0; i < lx.length; i++) {
    a += (lx[i] - mx) * (ly[i] - my);
    b += (lx[i] - mx) ** 2;
  }
  return a / b;
}

describe('wide-net-conditioning', () => {
  let out: Awaited<ReturnType<typeof wideNetConditioning.run>>;
  let runs: Run[];
  beforeAll(async () => {
    out = await wideNetConditioning.run(params, testContext(3));
    runs = out.evidence.runs as unknown as Run[];
  });

  it('recomputes every metric from the evidence alone', () => {
    const depth = 4;
    const curve = (c: number, arm: boolean, f: (l: Layer) => number): number[] => {
      const mine = runs.filter((r) => r.config === c && r.renormalise === arm);
      return Array.from({ length: depth }, (_, l) => avg(mine.map((r) => f(r.layers[l]))));
    };
    const lc = (l: Layer): number => Math.log(l.lambdaMax / l.lambdaMin);
    const m = out.metrics;
    expect(m.depthSpearmanMax).toBeCloseTo(Math.max(...[0, 1, 2].map((c) => rankCorrelation([1, 2, 3, 4], curve(c, true, lc)))), 12);
    expect(m.depthLastMinusFirstMax).toBeCloseTo(Math.max(...[0, 1, 2].map((c) => curve(c, true, lc)[3] - curve(c, true, lc)[0])), 12);
    expect(m.widthGain).toBeCloseTo(curve(0, true, lc)[3] - curve(2, true, lc)[3], 12);
    const departure = (c: number): number => {
      const gap = curve(c, false, lc).map((v, l) => v - curve(c, true, lc)[l]);
      const i = gap.findIndex((g) => g > Math.log(2));
      return i < 0 ? depth + 1 : i + 1;
    };
    expect(m.departureDelay).toBe(departure(2) - departure(0));
    expect(m.finalGapFirst).toBeCloseTo(curve(0, false, lc)[3] - curve(0, true, lc)[3], 12);
    const off = curve(0, false, (l) => (l as Layer & { maxOffDiagonal: number }).maxOffDiagonal);
    expect(m.offDiagonalReboundOff).toBeCloseTo(off[3] / Math.min(...off), 12);
    const cfg = params.configs;
    let worstMax = 0, worstMin = 0;
    for (let l = 0; l < depth; l++) {
      worstMax = Math.max(worstMax, Math.abs(lsSlope(cfg.map((c) => (Math.sqrt(c.width) + Math.sqrt(c.examples)) ** 2), [0, 1, 2].map((c) => curve(c, true, (x) => x.lambdaMax)[l])) - 1));
      worstMin = Math.max(worstMin, Math.abs(lsSlope(cfg.map((c) => (Math.sqrt(c.width) - Math.sqrt(c.examples)) ** 2), [0, 1, 2].map((c) => curve(c, true, (x) => x.lambdaMin)[l])) - 1));
    }
    expect(m.lambdaMaxSlopeWorstDeviation).toBeCloseTo(worstMax, 10);
    expect(m.lambdaMinSlopeWorstDeviation).toBeCloseTo(worstMin, 10);
    const primary = runs.filter((r) => r.renormalise);
    const ratios = primary.flatMap((r) => r.layers.slice(0, depth - 1).map((l) => l.inputLambdaMin! / l.inputLambdaMax!));
    expect(ratios).toHaveLength(3 * 2 * 3);
    expect(m.inputGramMaxRatio).toBe(Math.max(...ratios));
    const err = (c: number, w: 'lambdaMin' | 'lambdaMax'): number => avg(primary.filter((r) => r.config === c).flatMap((r) => r.layers.map((l, i) => Math.abs(Math.log(l[w] / l.width / r.dual![i][w])))));
    expect(m.lambdaMinErrorRatio).toBeCloseTo(err(2, 'lambdaMin') / err(0, 'lambdaMin'), 12);
    expect(m.lambdaMaxErrorRatio).toBeCloseTo(err(2, 'lambdaMax') / err(0, 'lambdaMax'), 12);
  });

  it('records data a reader can rebuild: pool indices and the sha256 of the scaled inputs', () => {
    const { images } = loadMnist({ split: 'train', count: 60 });
    const data = out.evidence.data as unknown as { indices: number[]; sha256: string }[];
    expect(data).toHaveLength(6);
    const first = data[0];
    expect(new Set(first.indices).size).toBe(first.indices.length);
    const bytes = Buffer.alloc(first.indices.length * 784 * 8);
    first.indices.forEach((index, s) => {
      const row = Array.from(images.subarray(index * 784, (index + 1) * 784));
      const norm = Math.sqrt(row.reduce((a, v) => a + v * v, 0));
      row.forEach((v, j) => bytes.writeDoubleLE(v * (28 / norm), (s * 784 + j) * 8));
    });
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(first.sha256);
    // Different seeds draw different subsets.
    expect(data[1].indices).not.toEqual(first.indices);
  });

  it('pairs the renormalisation arms on the same weights, and holds n/w fixed when asked', async () => {
    const a = runs.find((r) => r.config === 0 && r.seed === 0 && r.renormalise)!;
    const b = runs.find((r) => r.config === 0 && r.seed === 0 && !r.renormalise)!;
    // Layer 1 sees the same inputs and weights; renormalisation only rescales rows (norms already √w up to sampling).
    expect(b.layers[0].lambdaMax / a.layers[0].lambdaMax).toBeGreaterThan(0.5);
    expect(b.layers[0].lambdaMax / a.layers[0].lambdaMax).toBeLessThan(2);
    expect(wideNetConditioning.check!({ ...params, configs: [{ width: 4, examples: 6 }] })).toHaveLength(1);
    const follow = await wideNetConditioning.run({ ...params, renormalise: [true], seeds: 1, inputGramExamples: 0, infiniteWidth: false, examplesFollowWidth: true, configs: [{ width: 24, examples: 6 }, { width: 48, examples: 12 }] }, testContext(1));
    expect((follow.evidence.runs as unknown as Run[]).map((r) => r.examples)).toEqual([6, 12]);
  });

  it('is one work unit per (config, seed), priced so that the units add up to the claim', () => {
    const costs = wideNetConditioning.unitCosts!(params);
    expect(costs).toHaveLength(wideNetConditioning.units!(params));
    expect(costs).toHaveLength(6);
    expect(costs.reduce((a, b) => a + b, 0)).toBeCloseTo(wideNetConditioning.cost!(params).seconds, 12);
    // The wider config costs more than the narrower one at the same examples.
    expect(costs[2]).toBeGreaterThan(costs[0]);
  });
});
