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

interface Epoch { loss: number; lambdaMin: number; lambdaMax: number; logCondition: number; lemma9: number; gamma: number | null; generalisationBound: number | null }
interface Run { learningRate: number; activation: string; epochs: Epoch[]; ratios: (number | null)[]; indices: number[] }

const med = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

describe('wide-net-training', () => {
  it('recomputes every scored metric from the evidence alone (MSE)', async () => {
    const out = await wideNetTraining.run(params, testContext(4));
    const runs = out.evidence.runs as unknown as Run[];
    expect(runs).toHaveLength(4);
    const m = out.metrics;
    const frac = (f: (r: Run) => boolean): number => runs.filter(f).length / runs.length;
    expect(m.lambdaMinStableFraction).toBe(frac((r) => Math.max(...r.epochs.map((e) => e.lambdaMin)) / Math.min(...r.epochs.map((e) => e.lambdaMin)) < 2));
    expect(m.lemma9VacuousFraction).toBe(frac((r) => r.epochs.some((e) => e.lemma9 <= 0)));
    // For MSE γ_k = 1 − λmin/(c·λmax) > 0, so every ratio exists.
    const mse = (r: Run): number[] => r.ratios as number[];
    for (const r of runs) mse(r).forEach((ratio, k) => expect(ratio).toBeCloseTo(r.epochs[k + 1].loss / (r.epochs[k].gamma! * r.epochs[k].loss), 12));
    const w = Math.ceil(8 / 4);
    expect(m.lateRatioMedian).toBeCloseTo(med(runs.map((r) => med(mse(r).slice(-w)))), 12);
    expect(m.earlyToLateRatio).toBeCloseTo(med(runs.map((r) => med(mse(r).slice(0, w)))) / m.lateRatioMedian, 12);
    expect(m.generalisationBoundMin).toBe(Math.min(...runs.map((r) => r.epochs[8].generalisationBound!)));
    expect(m.generalisationBoundDecrease).toBeCloseTo(med(runs.map((r) => r.epochs[8].generalisationBound! / r.epochs[0].generalisationBound!)), 12);
    // The learning rates of one network start from the same data and weights.
    const relu = runs.filter((r) => r.activation === 'relu');
    expect(relu[0].indices).toEqual(relu[1].indices);
    expect(relu[0].epochs[0].loss).toBe(relu[1].epochs[0].loss);
  });

  it('recomputes the Lemma 17 ratio metrics from the evidence alone (cross-entropy)', async () => {
    const out = await wideNetTraining.run({ ...params, loss: 'cross-entropy', learningRates: [0.02, 0.5] }, testContext(6));
    const runs = JSON.parse(JSON.stringify(out.evidence.runs)) as Run[];
    const w = Math.ceil(8 / 4);
    // γ_k = 1 − λmin/(λmax·f_k); a ratio exists where γ_k > 0.
    const ratios = runs.map((r) =>
      r.epochs.slice(0, -1).map((e, k) => {
        const gamma = 1 - e.lambdaMin / (e.lambdaMax * e.loss);
        return gamma > 0 ? r.epochs[k + 1].loss / (gamma * e.loss) : null;
      }),
    );
    ratios.forEach((v, i) => v.forEach((ratio, k) => (ratio === null ? expect(runs[i].ratios[k]).toBeNull() : expect(runs[i].ratios[k]).toBeCloseTo(ratio, 9))));
    const present = (v: (number | null)[]): number[] => v.filter((r): r is number => r !== null);
    const early = med(ratios.map((v) => present(v.slice(0, w))).filter((v) => v.length > 0).map(med));
    const late = med(ratios.map((v) => present(v.slice(-w))).filter((v) => v.length > 0).map(med));
    expect(out.metrics.earlyRatioMedian).toBeCloseTo(early, 9);
    expect(out.metrics.lateRatioMedian).toBeCloseTo(late, 9);
    expect(out.metrics.earlyToLateRatio).toBeCloseTo(early / late, 9);
    expect(out.plots!.map((p) => p.id)).toEqual(expect.arrayContaining(['fig8-loss-prediction-ratio-cross-entropy', 'fig10-cumulative-ratio-cross-entropy']));
  });

  it('scores the cross-entropy transient from the ln-conditioning trace', async () => {
    const out = await wideNetTraining.run({ ...params, loss: 'cross-entropy' }, testContext(5));
    const runs = out.evidence.runs as unknown as Run[];
    const transient = runs.filter((r) => {
      const v = r.epochs.map((e) => e.logCondition);
      const p = v.indexOf(Math.max(...v));
      return p > 0 && p < v.length - 1 && v[p] - v[0] >= 0.1 && v[p] - v[v.length - 1] >= 0.1;
    }).length;
    expect(out.metrics.transientFraction).toBe(transient / runs.length);
    expect(out.metrics.generalisationBoundMin).toBeUndefined();
    expect(wideNetTraining.check!({ ...params, examples: [20] })).toHaveLength(1);
  });

  it('is one work unit per run, priced so that the units add up to the claim', () => {
    const grid = { ...params, examples: [4, 8] };
    const costs = wideNetTraining.unitCosts!(grid);
    expect(costs).toHaveLength(wideNetTraining.units!(grid));
    expect(costs).toHaveLength(8);
    expect(costs.reduce((a, b) => a + b, 0)).toBeCloseTo(wideNetTraining.cost!(grid).seconds, 12);
    // Runs in grid order (activation, learning rate, examples): 8 examples cost more than 4.
    expect(costs[1]).toBeGreaterThan(costs[0]);
  });
});
