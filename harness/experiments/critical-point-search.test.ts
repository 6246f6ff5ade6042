import { testContext } from '../testing/context';
import { buildProblem } from './critical-point-problems';
import { criticalPointSearch, initialPoints, type CriticalPointSearchParams } from './critical-point-search';
import { createRng } from '../rng';

const small: CriticalPointSearchParams = {
  problem: { model: 'dlae', data: { source: 'gaussian', d: 6, n: 200 }, hidden: 2 },
  initialPoints: { init: { kind: 'normal', std: 0.1 }, steps: 300, learningRate: 0.2, noiseVariance: 0.01 },
  algorithms: [
    { name: 'newton-mr', runs: 4, iterations: 60, hessianNorm: 'exact' },
    { name: 'btls-gnm', runs: 2, iterations: 200, lineSearch: { alpha: 0.1, beta: 0.5, rho: 1e-4, epsilon: 1e-12 } },
  ],
  successThreshold: 1e-10,
  flatR: 0.9,
  indexThreshold: 1e-5,
  analysis: { analytic: { lossTolerance: 1e-6 }, cutoffs: [1e-10, 1e-4, null], plateau: { lastFraction: 0.2, factor: 10 } },
};

describe('critical-point-search', () => {
  it('gives identical results on 1 and 2 worker threads', async () => {
    const one = await criticalPointSearch.run(small, testContext(5, { jobs: 1 }));
    const two = await criticalPointSearch.run(small, testContext(5, { jobs: 2 }));
    expect(two.metrics).toEqual(one.metrics);
    expect(two.evidence).toEqual(one.evidence);
    expect(one.metrics['newton-mr.runs']).toBe(4);
    expect(one.metrics['btls-gnm.runs']).toBe(2);
    // Newton-MR finds critical points of the linear autoencoder, and they are analytic ones.
    expect(one.metrics['newton-mr.successFraction']).toBeGreaterThan(0.5);
    expect(one.metrics['newton-mr.matchedOfSuccessful']).toBe(1);
    for (const name of criticalPointSearch.metrics(small)) expect(one.metrics).toHaveProperty([name]);
    const runs = (one.evidence as { runs: { trace: { gradNormSq: number[] }; start: { theta: number[] } }[] }).runs;
    expect(runs).toHaveLength(6);
    expect(runs[0].start.theta).toHaveLength(24);
    // Indexed points carry λmin, consistent with their index at the spec's threshold.
    const finals = (one.evidence as { runs: { final?: { index: number; lambdaMin: number } }[] }).runs.flatMap((r) => (r.final ? [r.final] : []));
    expect(finals.length).toBeGreaterThan(0);
    for (const f of finals) expect(f.index === 0).toBe(f.lambdaMin >= -small.indexThreshold);
  }, 120_000);

  it('recounts index-0 final points at a second eigenvalue cutoff from λmin', async () => {
    const params = { ...small, algorithms: [small.algorithms[0]], analysis: { indexAt: { final: true, secondThreshold: 10 } } };
    const out = await criticalPointSearch.run(params, testContext(5));
    expect(criticalPointSearch.metrics(params)).toEqual(expect.arrayContaining(['newton-mr.index0FinalCountAtSecondThreshold', 'newton-mr.index0MaxLossAtSecondThreshold']));
    // With a cutoff of 10 every eigenvalue of this small problem counts as non-negative: every run is index 0.
    expect(out.metrics['newton-mr.index0FinalCountAtSecondThreshold']).toBe(4);
    expect(out.metrics['newton-mr.index0FinalCount']).toBeLessThan(4);
    const finals = (out.evidence as { runs: { final: { loss: number } }[] }).runs.map((r) => r.final.loss);
    expect(out.metrics['newton-mr.index0MaxLossAtSecondThreshold']).toBe(Math.max(...finals));
  }, 120_000);

  it('picks initial points along the optimiser trajectory, with noise on every other one', () => {
    const { objective } = buildProblem(small.problem, 1);
    const starts = initialPoints(objective, small, 6, createRng(2));
    expect(starts.map((s) => s.noisy)).toEqual([false, true, false, true, false, true]);
    for (const s of starts) {
      expect(s.trajectoryStep).toBeGreaterThanOrEqual(0);
      expect(s.trajectoryStep).toBeLessThanOrEqual(300);
      expect(Number.isFinite(objective.loss(s.theta))).toBe(true);
    }
  });

  it('refuses analyses that need the DLAE on another problem', () => {
    const bad = { ...small, problem: { model: 'quartic' as const } };
    expect(criticalPointSearch.check?.(bad).map((p) => p.path)).toEqual(['/analysis/analytic', '/analysis/cutoffs']);
  });
});
