import { createRng } from '../harness/rng';
import { linearGrid, slqDensity } from './density';
import { flatFraction, medianMagnitude, nearZeroL1Share, negativeL1Share, slqFlatFraction, slqMedianMagnitude, slqNearZeroL1Share, slqNegativeL1Share } from './spectrum-shares';
import { randomWithSpectrum } from './testing';
import { denseOperator } from './vector';

describe('exact spectral shares', () => {
  const spectrum = [-0.5, -0.01, 0, 0.02, 0.03, 1, 10];
  const total = 0.5 + 0.01 + 0.02 + 0.03 + 1 + 10;

  it('shares the L1 energy between a ball around 0 and the rest, and the negative part', () => {
    expect(nearZeroL1Share(spectrum, 0.05)).toBeCloseTo((0.01 + 0.02 + 0.03) / total, 14);
    // The ball is closed.
    expect(nearZeroL1Share(spectrum, 0.5)).toBeCloseTo((0.5 + 0.01 + 0.02 + 0.03) / total, 14);
    expect(negativeL1Share(spectrum)).toBeCloseTo(0.51 / total, 14);
    expect(() => nearZeroL1Share([0, 0], 1)).toThrow(/no L1 energy/);
  });

  it('counts flat directions relative to the largest magnitude and takes the median magnitude', () => {
    // |λ| ≤ 0.01 · 10: −0.01, 0, 0.02, 0.03.
    expect(flatFraction(spectrum, 1e-2)).toBeCloseTo(4 / 7, 14);
    expect(medianMagnitude(spectrum)).toBe(0.03);
    expect(medianMagnitude([-4, 1, 2, 3])).toBe(2.5);
  });
});

describe('SLQ spectral shares', () => {
  // 200 eigenvalues: a bulk near 0 of both signs and a few outliers, as in a trained network's Hessian.
  const rng = createRng(7);
  const n = 200;
  const spectrum = Array.from({ length: n }, (_, i) => (i < 5 ? 20 + 10 * i : i < 40 ? -0.3 * rng.uniform() : 0.5 * rng.uniform()));
  const { a } = randomWithSpectrum(spectrum, rng);
  const apply = denseOperator(a, n);
  const run = (draws: number, seed: number) => slqDensity(apply, n, { draws, steps: 80, sigma: 1, grid: linearGrid(-1, 1, 3), rng: createRng(seed) });

  it('estimates the shares of an exact spectrum within a few jackknife standard errors', () => {
    const slq = run(20, 8);
    const draws = slq.nodes.map((nodes, p) => ({ nodes, weights: slq.weights[p] }));
    const radius = 1;
    const near = slqNearZeroL1Share(draws, radius);
    const negative = slqNegativeL1Share(draws);
    expect(near.standardError).toBeGreaterThan(0);
    expect(Math.abs(near.value - nearZeroL1Share(spectrum, radius))).toBeLessThan(4 * near.standardError + 0.02);
    expect(Math.abs(negative.value - negativeL1Share(spectrum))).toBeLessThan(4 * negative.standardError + 0.02);
  });

  it('has no standard error from a single probe', () => {
    const slq = run(1, 9);
    expect(slqNearZeroL1Share([{ nodes: slq.nodes[0], weights: slq.weights[0] }], 1).standardError).toBeNaN();
  });
});

describe('SLQ median and flat fraction', () => {
  it('treat the draws as one point set weighted by τ / draws', () => {
    const draws = [
      { nodes: [-1, 0.001, 10], weights: [0.2, 0.5, 0.3] },
      { nodes: [0.002, 5], weights: [0.6, 0.4] },
    ];
    // Pooled weights: −1: 0.1, 0.001: 0.25, 10: 0.15, 0.002: 0.3, 5: 0.2; by |θ|: 0.001 (0.25), 0.002 (0.55) → median 0.002.
    expect(slqMedianMagnitude(draws)).toBe(0.002);
    // |θ| ≤ 1e-3 · 10 = 0.01: 0.001 and 0.002 → 0.55.
    expect(slqFlatFraction(draws, 1e-3)).toBeCloseTo(0.55, 14);
  });
});
