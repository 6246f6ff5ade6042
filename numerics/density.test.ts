import { createRng } from '../harness/rng';
import { exactDensity, l1Distance, linearGrid, slqDensity } from './density';
import { eighTridiagonal } from './eigh';
import { lanczos } from './lanczos';
import { randomWithSpectrum } from './testing';
import { denseOperator } from './vector';

function trapezoid(grid: Float64Array, f: Float64Array): number {
  let total = 0;
  for (let i = 0; i + 1 < grid.length; i++) total += 0.5 * (grid[i + 1] - grid[i]) * (f[i] + f[i + 1]);
  return total;
}

describe('slqDensity on a 300×300 matrix with a known spectrum', () => {
  // Hessian-like: a bulk on [−1, 1] and five outliers.
  const rng = createRng(40);
  const outliers = [2, 2.5, 3, 3.5, 4];
  const spectrum = [...Array.from({ length: 295 }, () => rng.uniformIn(-1, 1)), ...outliers];
  const n = spectrum.length;
  const apply = denseOperator(randomWithSpectrum(spectrum, rng).a, spectrum.length);
  const [lowest, highest] = [Math.min(...spectrum), Math.max(...spectrum)];
  const sigma = 0.15;
  const grid = linearGrid(-2, 5, 1401);
  const exact = exactDensity(spectrum, sigma, grid);
  const ten = slqDensity(apply, n, { draws: 10, steps: 90, sigma, grid, rng: createRng(1) });

  it('has the shape asked for: a node set and weights summing to 1 per draw', () => {
    expect(ten.grid).toBe(grid);
    expect(ten.density).toHaveLength(grid.length);
    expect(ten.nodes).toHaveLength(10);
    ten.nodes.forEach((nodes, d) => {
      expect(nodes).toHaveLength(90);
      expect(ten.weights[d]).toHaveLength(90);
      ten.weights[d].forEach((w) => expect(w).toBeGreaterThanOrEqual(0));
      expect(ten.weights[d].reduce((s, w) => s + w, 0)).toBeCloseTo(1, 13);
    });
  });

  it('integrates to 1, as does the exact smoothed density', () => {
    expect(trapezoid(grid, exact)).toBeCloseTo(1, 8);
    expect(trapezoid(grid, ten.density)).toBeCloseTo(1, 8);
  });

  // The error is sampling noise: each eigenvalue's weight (uᵢ·v)²/n has relative standard deviation
  // ≈ √(2/k) over k probes. Over 20 seeds the L1 distance averaged 0.045 (k = 10) and 0.014 (k = 80).
  it('is close to the exact smoothed density in L1, and closer with more draws', () => {
    const eighty = slqDensity(apply, n, { draws: 80, steps: 90, sigma, grid, rng: createRng(1) });
    const distanceTen = l1Distance(grid, ten.density, exact);
    const distanceEighty = l1Distance(grid, eighty.density, exact);
    expect(distanceTen).toBeLessThan(0.08);
    expect(distanceEighty).toBeLessThan(0.03);
    expect(distanceEighty).toBeLessThan(distanceTen);
  });

  it('has negligible quadrature error at m = 90: same probes, m = n gives the same density', () => {
    const full = slqDensity(apply, n, { draws: 2, steps: n, sigma, grid, rng: createRng(2) });
    const ninety = slqDensity(apply, n, { draws: 2, steps: 90, sigma, grid, rng: createRng(2) });
    expect(l1Distance(grid, ninety.density, full.density)).toBeLessThan(1e-10);
  });

  it('keeps Ritz values inside [λmin, λmax] and finds the outliers exactly', () => {
    for (const nodes of ten.nodes) {
      nodes.forEach((theta) => {
        expect(theta).toBeGreaterThanOrEqual(lowest - 1e-12);
        expect(theta).toBeLessThanOrEqual(highest + 1e-12);
      });
      const sorted = [...nodes].sort((p, q) => p - q);
      sorted.slice(-5).forEach((theta, i) => expect(theta).toBeCloseTo(outliers[i], 10));
      expect(sorted[0] - lowest).toBeLessThan(0.05);
    }
  });

  it('has Ritz values that interlace from one step to the next and close in on the extremes', () => {
    const probeRng = createRng(3);
    const { alpha, beta } = lanczos(apply, n, 40, Float64Array.from({ length: n }, () => probeRng.normal()));
    let previous = eighTridiagonal(alpha.subarray(0, 1), beta.subarray(0, 0), { vectors: false }).values;
    for (let j = 2; j <= 40; j++) {
      const current = eighTridiagonal(alpha.subarray(0, j), beta.subarray(0, j - 1), { vectors: false }).values;
      // Cauchy: θᵢ⁽ʲ⁾ ≤ θᵢ⁽ʲ⁻¹⁾ ≤ θᵢ₊₁⁽ʲ⁾.
      previous.forEach((theta, i) => {
        expect(current[i]).toBeLessThanOrEqual(theta + 1e-12);
        expect(theta).toBeLessThanOrEqual(current[i + 1] + 1e-12);
      });
      expect(current[0]).toBeGreaterThanOrEqual(lowest - 1e-12);
      expect(current[j - 1]).toBeLessThanOrEqual(highest + 1e-12);
      previous = current;
    }
    expect(previous[39]).toBeCloseTo(highest, 10);
  });

  it('works with Gaussian probes and is reproducible from the rng', () => {
    const gaussian = slqDensity(apply, n, { draws: 10, steps: 90, sigma, grid, rng: createRng(1), probe: 'gaussian' });
    expect(gaussian.density).not.toEqual(ten.density);
    expect(l1Distance(grid, gaussian.density, exact)).toBeLessThan(0.08);
    expect(slqDensity(apply, n, { draws: 10, steps: 90, sigma, grid, rng: createRng(1) }).density).toEqual(ten.density);
  });
});

describe('slqDensity edge cases', () => {
  it('stops each draw at Lanczos breakdown when there are only 3 distinct eigenvalues', () => {
    const spectrum = [...Array(10).fill(-1), ...Array(10).fill(2), ...Array(10).fill(5)];
    const grid = linearGrid(-3, 7, 501);
    const result = slqDensity(denseOperator(randomWithSpectrum(spectrum, createRng(50)).a, spectrum.length), 30, { draws: 4, steps: 20, sigma: 0.3, grid, rng: createRng(51) });
    result.nodes.forEach((nodes, d) => {
      expect(nodes).toHaveLength(3);
      [-1, 2, 5].forEach((x, i) => expect(nodes[i]).toBeCloseTo(x, 12));
      expect(result.weights[d].reduce((s, w) => s + w, 0)).toBeCloseTo(1, 13);
    });
    expect(trapezoid(grid, result.density)).toBeCloseTo(1, 8);
  });

  it('rejects bad draws and sigma', () => {
    const apply = (v: Float64Array): Float64Array => v.slice();
    const grid = linearGrid(0, 1, 3);
    expect(() => slqDensity(apply, 3, { draws: 0, steps: 2, sigma: 0.1, grid, rng: createRng(1) })).toThrow(/draws/);
    expect(() => slqDensity(apply, 3, { draws: 1, steps: 2, sigma: 0, grid, rng: createRng(1) })).toThrow(/sigma/);
  });
});

describe('exactDensity', () => {
  it('is the average of unit Gaussians centred on the eigenvalues', () => {
    const sigma = 0.5;
    const grid = Float64Array.of(-1, 0, 1, 2);
    const density = exactDensity([0, 1], sigma, grid);
    const pdf = (t: number): number => Math.exp(-(t * t) / (2 * sigma * sigma)) / (sigma * Math.sqrt(2 * Math.PI));
    grid.forEach((t, i) => expect(density[i]).toBeCloseTo((pdf(t) + pdf(t - 1)) / 2, 15));
  });

  it('rejects an empty spectrum and a bad sigma', () => {
    expect(() => exactDensity([], 0.1, linearGrid(0, 1, 2))).toThrow(RangeError);
    expect(() => exactDensity([1], -1, linearGrid(0, 1, 2))).toThrow(/sigma/);
    expect(() => exactDensity([1], NaN, linearGrid(0, 1, 2))).toThrow(/sigma/);
  });
});

describe('l1Distance', () => {
  const grid = linearGrid(-10, 12, 22_001);

  it('is 0 for equal densities, 2 for disjoint ones, and 2·erf(δ / (2√2 σ)) for shifted Gaussians', () => {
    const sigma = 0.7;
    const p = exactDensity([0], sigma, grid);
    expect(l1Distance(grid, p, p)).toBe(0);
    expect(l1Distance(grid, exactDensity([-4], sigma, grid), exactDensity([5], sigma, grid))).toBeCloseTo(2, 8);
    // Shift δ = 2√2 σ makes the argument 1; erf(1) = 0.8427007929497149.
    const q = exactDensity([2 * Math.SQRT2 * sigma], sigma, grid);
    expect(l1Distance(grid, p, q)).toBeCloseTo(2 * 0.8427007929497149, 6);
    expect(l1Distance(grid, q, p)).toBe(l1Distance(grid, p, q));
  });

  it('rejects mismatched lengths, a one-point grid and a grid that is not increasing', () => {
    expect(() => l1Distance(grid, new Float64Array(3), new Float64Array(3))).toThrow(/grid of 22001/);
    expect(() => l1Distance(Float64Array.of(0), Float64Array.of(1), Float64Array.of(1))).toThrow(/2 points/);
    expect(() => l1Distance(Float64Array.of(0, 1, 1), new Float64Array(3), new Float64Array(3))).toThrow(/index 1/);
  });
});

describe('linearGrid', () => {
  it('spaces points evenly and includes both ends', () => {
    expect(Array.from(linearGrid(-1, 1, 5))).toEqual([-1, -0.5, 0, 0.5, 1]);
    const grid = linearGrid(0, 0.3, 4);
    expect(grid[3]).toBe(0.3);
    expect(grid[1]).toBeCloseTo(0.1, 15);
  });

  it('rejects fewer than 2 points and an empty or non-finite range', () => {
    expect(() => linearGrid(0, 1, 1)).toThrow(/points/);
    expect(() => linearGrid(0, 1, 2.5)).toThrow(/points/);
    expect(() => linearGrid(1, 1, 3)).toThrow(/lo < hi/);
    expect(() => linearGrid(0, Infinity, 3)).toThrow(/lo < hi/);
  });
});
