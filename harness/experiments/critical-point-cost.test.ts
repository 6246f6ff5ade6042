/** The cost model of critical-point-search: it grows with the counts a run does. */
import { criticalPointRunSeconds, criticalPointSearchCost, dlaeAnalyticSeconds } from './critical-point-cost';
import type { CriticalPointSearchParams } from './critical-point-search';

function dlaeSearch(): CriticalPointSearchParams {
  return {
    problem: { model: 'dlae', data: { source: 'gaussian', d: 16, n: 10000 }, hidden: 4 },
    initialPoints: { init: { kind: 'normal', std: 0.1 }, steps: 3000, learningRate: 0.2, noiseVariance: 0.01 },
    algorithms: [
      { name: 'newton-mr', runs: 100, iterations: 500, hessianNorm: 'exact' },
      { name: 'damped-newton', runs: 100, iterations: 500, damping: [0.1, 0.01, 0.001], stepSize: 0.1, hessianNorm: 'exact' },
      { name: 'btls-gnm', runs: 60, iterations: 25000, lineSearch: { alpha: 0.1, beta: 0.5, rho: 1e-4, epsilon: 0, curvature: 0.9 } },
    ],
    successThreshold: 1e-10,
    flatR: 0.9,
    indexThreshold: 1e-5,
    analysis: {},
  };
}

function mlpSearch(images: number, widths: number[]): CriticalPointSearchParams {
  return {
    ...dlaeSearch(),
    problem: { model: 'mlp', network: { widths, activation: 'swish' }, loss: { kind: 'mse' }, data: { source: 'mnist', images, features: { kind: 'crop-average' }, targets: 'inputs' } },
    initialPoints: { init: { kind: 'kaiming' }, steps: 300, learningRate: 0.05, noiseVariance: 0.01 },
    algorithms: [{ name: 'newton-mr', runs: 8, iterations: 200, hessianNorm: { hutchinsonProbes: 8 } }],
    analysis: { indexAt: { final: true, maxR: true } },
  };
}

const seconds = (p: CriticalPointSearchParams): number => criticalPointSearchCost(p).seconds;
/** The finder runs alone: the estimate less that of the same search with no runs' worth of work. */
const finderSeconds = (p: CriticalPointSearchParams): number => seconds(p) - seconds({ ...p, algorithms: p.algorithms.map((a) => ({ ...a, runs: 0 })) });

describe('critical-point-search cost', () => {
  it('prices each finder run, the work units of a sharded run, so that they add up to the finder work', () => {
    const runs = criticalPointRunSeconds(dlaeSearch());
    expect(runs).toHaveLength(260);
    expect(runs.reduce((a, b) => a + b, 0) / finderSeconds(dlaeSearch())).toBeCloseTo(1, 9);
    // Equal within an algorithm, different between them.
    expect(new Set(runs.slice(0, 100)).size).toBe(1);
    expect(runs[0]).not.toBe(runs[100]);
    expect(runs[100]).not.toBe(runs[200]);
  });

  it('doubles the finder work with twice the runs, and an MLP search’s with twice the iterations', () => {
    const doubled = (base: CriticalPointSearchParams, key: 'runs' | 'iterations'): CriticalPointSearchParams => ({ ...base, algorithms: base.algorithms.map((a) => ({ ...a, [key]: 2 * a[key] })) });
    expect(finderSeconds(doubled(dlaeSearch(), 'runs')) / finderSeconds(dlaeSearch())).toBeCloseTo(2, 6);
    const mlp = { ...mlpSearch(1000, [16, 8, 16, 16]), analysis: {} };
    expect(finderSeconds(doubled(mlp, 'iterations')) / finderSeconds(mlp)).toBeCloseTo(2, 6);
  });

  it('charges a DLAE Newton run the iterations converged runs use, at most its budget', () => {
    const newton = (iterations: number): CriticalPointSearchParams => ({ ...dlaeSearch(), algorithms: [{ name: 'newton-mr', runs: 10, iterations, hessianNorm: 'exact' }] });
    expect(finderSeconds(newton(100)) / finderSeconds(newton(50))).toBeCloseTo(2, 6);
    expect(finderSeconds(newton(1000))).toBe(finderSeconds(newton(500)));
    const gnm = (iterations: number): CriticalPointSearchParams => ({ ...dlaeSearch(), algorithms: [{ name: 'btls-gnm', runs: 10, iterations, lineSearch: { alpha: 0.1, beta: 0.5, rho: 1e-4, epsilon: 0 } }] });
    expect(finderSeconds(gnm(20000)) / finderSeconds(gnm(10000))).toBeCloseTo(2, 6);
  });

  it('charges more Krylov steps up to the typical count, and more damping values', () => {
    const withMaxit = (maxit: number): CriticalPointSearchParams => ({ ...dlaeSearch(), algorithms: [{ name: 'newton-mr', runs: 10, iterations: 100, hessianNorm: 'exact', minres: { rtol: 5e-4, maxxnorm: 1e4, acondlim: 1e7, trancond: 1e4, maxit } }] });
    expect(seconds(withMaxit(1))).toBeLessThan(seconds(withMaxit(10)));
    expect(seconds(withMaxit(10))).toBeLessThan(seconds(withMaxit(40)));
    const damped = (damping: number[]): CriticalPointSearchParams => ({ ...dlaeSearch(), algorithms: [{ name: 'damped-newton', runs: 10, iterations: 100, damping, hessianNorm: 'exact' }] });
    expect(seconds(damped([0.1, 0.01, 0.001, 1e-4]))).toBeGreaterThan(1.3 * seconds(damped([0.1, 0.01])));
  });

  it('grows with the samples and parameters of an MLP, and with the indexed iterates', () => {
    const unindexed = (images: number): CriticalPointSearchParams => ({ ...mlpSearch(images, [16, 8, 16, 16]), analysis: {} });
    expect(finderSeconds(unindexed(2000)) / finderSeconds(unindexed(1000))).toBeGreaterThan(1.8);
    expect(seconds(mlpSearch(1000, [16, 32, 16, 16]))).toBeGreaterThan(2 * seconds(mlpSearch(1000, [16, 8, 16, 16])));
    const p = mlpSearch(1000, [16, 8, 16, 16]);
    expect(seconds({ ...p, analysis: {} })).toBeLessThan(seconds(p));
  });

  it('charges the analytic critical points of the DLAE when the analysis compares with them', () => {
    const p = dlaeSearch();
    expect(seconds({ ...p, analysis: { analytic: { lossTolerance: 1e-6 } } }) - seconds(p)).toBeGreaterThanOrEqual(dlaeAnalyticSeconds(16, 4));
    expect(dlaeAnalyticSeconds(16, 5)).toBeGreaterThan(2 * dlaeAnalyticSeconds(16, 4));
  });

  it('keeps one run’s iterates and every run’s trace in memory', () => {
    const p = dlaeSearch();
    const longer = { ...p, algorithms: p.algorithms.map((a) => ({ ...a, iterations: 10 * a.iterations })) };
    expect(criticalPointSearchCost(longer).memoryBytes).toBeGreaterThan(5 * criticalPointSearchCost(p).memoryBytes);
  });
});
