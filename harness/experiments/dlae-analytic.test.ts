import { testContext } from '../testing/context';
import { dlaeAnalytic } from './dlae-analytic';

describe('dlae-analytic', () => {
  it('enumerates Σ_{i≤k} C(d, i) points with a unique minimum, the PCA solution', () => {
    const out = dlaeAnalytic.run({ d: 6, n: 500, k: 2, covariance: 'population', indexThreshold: 1e-5 }, testContext(1)) as Awaited<ReturnType<typeof dlaeAnalytic.run>>;
    expect(out.metrics.count).toBe(1 + 6 + 15);
    expect(out.metrics.maxGradNormSq).toBeLessThan(1e-20);
    expect(out.metrics.index0Count).toBe(1);
    expect(out.metrics.index0IsPca).toBe(1);
    // Population covariance diag(1…6): PCA keeps 6 and 5, so L = (1 + 2 + 3 + 4)/6.
    expect(out.metrics.pcaLoss).toBeCloseTo(10 / 6, 12);
    expect(out.metrics.minIndexExceptPca).toBeGreaterThan(0);
    expect(out.metrics.lossIndexPearson).toBeGreaterThan(0.9);
  });
});
