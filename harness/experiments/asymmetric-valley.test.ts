import { testContext } from '../testing/context';
import type { ExperimentOutput } from '../types';
import { asymmetricValley, type AsymmetricValleyParams } from './asymmetric-valley';

const base: AsymmetricValleyParams = { flatSlope: 1, steepness: [5, 20], learningRate: 0.01, noise: 0.5, steps: 1000, averageFraction: 0.5, seeds: 40 };
const run = (params: AsymmetricValleyParams, seed = 3): ExperimentOutput => asymmetricValley.run(params, testContext(seed)) as ExperimentOutput;

describe('asymmetric-valley', () => {
  it('recomputes every metric from its evidence alone', () => {
    const out = run(base);
    const ev = JSON.parse(JSON.stringify(out.evidence)) as {
      learningRate: number;
      averageFraction: number;
      averages: Record<string, number[]>;
      noiseless: Record<string, number>;
      example: { c: number; iterates: number[]; average: number };
    };
    const t: number[] = [];
    for (const c of base.steepness) {
      const w = ev.averages[`c${c}`];
      const m = w.reduce((a, b) => a + b, 0) / w.length;
      const sd = Math.sqrt(w.reduce((a, b) => a + (b - m) ** 2, 0) / (w.length - 1));
      t.push(m / (sd / Math.sqrt(w.length)));
      expect(m).toBeCloseTo(out.metrics[`c${c}.meanAverage`], 12);
      expect(t[t.length - 1]).toBeCloseTo(out.metrics[`c${c}.tStatistic`], 8);
      expect(w.filter((v) => v > 0).length / w.length).toBe(out.metrics[`c${c}.positiveFraction`]);
      expect(m / ev.learningRate).toBeCloseTo(out.metrics[`c${c}.biasOverStep`], 10);
      expect(ev.noiseless[`c${c}`]).toBe(out.metrics[`c${c}.noiselessAverage`]);
    }
    expect(Math.min(...t)).toBeCloseTo(out.metrics.minTStatistic, 8);
    // The example's average and its noise draws follow from its iterates.
    const it = ev.example.iterates;
    const from = Math.floor(it.length * (1 - ev.averageFraction));
    const tail = it.slice(from);
    expect(tail.reduce((a, b) => a + b, 0) / tail.length).toBeCloseTo(ev.example.average, 12);
    const slope = (w: number): number => (w >= 0 ? 1 : -ev.example.c);
    const noise = it.slice(1).map((w, i) => (it[i] - w) / ev.learningRate - slope(it[i]));
    expect(noise.every((v) => Math.abs(v) < base.noise + 1e-9)).toBe(true);
  });

  it('noiseless SGD settles into the deterministic sawtooth: w̄ ≈ η·c/2 on the flat side', () => {
    const out = run(base);
    expect(out.metrics['c5.noiselessAverage'] / base.learningRate).toBeCloseTo(2.5, 1);
    // With noise the bias is the same oscillation effect, ≈ η(c − 1)/2.
    expect(out.metrics['c5.biasOverStep']).toBeGreaterThan(1.8);
    expect(out.metrics['c5.biasOverStep']).toBeLessThan(2.2);
  });

  it('finds no bias in a symmetric valley (c = 1)', () => {
    const out = run({ ...base, steepness: [1] });
    expect(Math.abs(out.metrics.minTStatistic)).toBeLessThan(4);
  });
});
