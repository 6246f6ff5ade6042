import { testContext } from '../testing/context';
import { type TrainingParams, wideNetTraining } from './wide-net-training';

const params: TrainingParams = {
  data: { source: 'mnist', pool: 40 },
  examples: [8],
  network: { depths: [3], width: 16, activations: ['relu', 'tanh'], renormalise: false },
  loss: 'mse',
  learningRates: [0.001, 0.02],
  epochs: 8,
  seeds: 1,
  bound: { lossRange: 1, delta: 0.05 },
};

interface Epoch { loss: number; lambdaMin: number; logCondition: number; lemma9: number; gamma: number | null; generalisationBound: number | null }
interface Run { learningRate: number; activation: string; epochs: Epoch[]; ratios: number[]; indices: number[] }

const med = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

describe('wide-net-training', () => {
  it('recomputes every scored metric from the evidence alone (MSE)', () => {
    const out = wideNetTraining.run(params, testContext(4)) as Awaited<ReturnType<typeof wideNetTraining.run>>;
    const runs = out.evidence.runs as unknown as Run[];
    expect(runs).toHaveLength(4);
    const m = out.metrics;
    const frac = (f: (r: Run) => boolean): number => runs.filter(f).length / runs.length;
    expect(m.lambdaMinStableFraction).toBe(frac((r) => Math.max(...r.epochs.map((e) => e.lambdaMin)) / Math.min(...r.epochs.map((e) => e.lambdaMin)) < 2));
    expect(m.lemma9VacuousFraction).toBe(frac((r) => r.epochs.some((e) => e.lemma9 <= 0)));
    for (const r of runs) r.ratios.forEach((ratio, k) => expect(ratio).toBeCloseTo(r.epochs[k + 1].loss / (r.epochs[k].gamma! * r.epochs[k].loss), 12));
    const w = Math.ceil(8 / 4);
    expect(m.lateRatioMedian).toBeCloseTo(med(runs.map((r) => med(r.ratios.slice(-w)))), 12);
    expect(m.earlyToLateRatio).toBeCloseTo(med(runs.map((r) => med(r.ratios.slice(0, w)))) / m.lateRatioMedian, 12);
    expect(m.generalisationBoundMin).toBe(Math.min(...runs.map((r) => r.epochs[8].generalisationBound!)));
    expect(m.generalisationBoundDecrease).toBeCloseTo(med(runs.map((r) => r.epochs[8].generalisationBound! / r.epochs[0].generalisationBound!)), 12);
    // The learning rates of one network start from the same data and weights.
    const relu = runs.filter((r) => r.activation === 'relu');
    expect(relu[0].indices).toEqual(relu[1].indices);
    expect(relu[0].epochs[0].loss).toBe(relu[1].epochs[0].loss);
  });

  it('scores the cross-entropy transient from the ln-conditioning trace', () => {
    const out = wideNetTraining.run({ ...params, loss: 'cross-entropy' }, testContext(5)) as Awaited<ReturnType<typeof wideNetTraining.run>>;
    const runs = out.evidence.runs as unknown as Run[];
    const transient = runs.filter((r) => {
      const v = r.epochs.map((e) => e.logCondition);
      const p = v.indexOf(Math.max(...v));
      return p > 0 && p < v.length - 1 && v[p] - v[0] >= 0.1 && v[p] - v[v.length - 1] >= 0.1;
    }).length;
    expect(out.metrics.transientFraction).toBe(transient / runs.length);
    expect(out.metrics.earlyRatioMedian).toBeUndefined();
    expect(wideNetTraining.check!({ ...params, examples: [20] })).toHaveLength(1);
  });
});
