import { extent, growthRatio, loglogFit, mean, meanOrNaN, monotoneDirection, parabolicVertex, pearson, polyfit, polyval, spearman } from './fit';

describe('polyfit', () => {
  it('recovers an exact quadratic with R² = 1', () => {
    const x = [100, 130, 170, 250, 400, 700];
    const y = x.map((v) => 3 - 0.5 * v + 0.25 * v * v);
    const fit = polyfit(x, y, 2);
    expect(fit.coefficients[0]).toBeCloseTo(3, 6);
    expect(fit.coefficients[1]).toBeCloseTo(-0.5, 9);
    expect(fit.coefficients[2]).toBeCloseTo(0.25, 12);
    expect(fit.r2).toBeCloseTo(1, 12);
    for (const e of fit.standardErrors) expect(e).toBeLessThan(1e-6);
  });

  it('matches the normal-equation solution and textbook standard errors for a noisy line', () => {
    const x = [0, 1, 2, 3, 4];
    const y = [1.1, 2.9, 5.2, 6.8, 9.1];
    const fit = polyfit(x, y, 1);
    // Closed form: slope = Sxy/Sxx, intercept = ȳ − slope·x̄.
    const xBar = 2;
    const yBar = y.reduce((s, v) => s + v, 0) / 5;
    const slope = x.reduce((s, v, i) => s + (v - xBar) * (y[i] - yBar), 0) / 10;
    expect(slope).toBeCloseTo(1.99, 12);
    expect(fit.coefficients[1]).toBeCloseTo(slope, 12);
    expect(fit.coefficients[0]).toBeCloseTo(yBar - slope * xBar, 12);
    const residuals = x.map((v, i) => y[i] - polyval(fit.coefficients, v));
    const sigma2 = residuals.reduce((s, r) => s + r * r, 0) / 3;
    expect(fit.standardErrors[1]).toBeCloseTo(Math.sqrt(sigma2 / 10), 10);
    expect(fit.r2).toBeGreaterThan(0.99);
    expect(fit.r2).toBeLessThan(1);
  });

  it('rejects NaN, mismatched lengths and too few points', () => {
    expect(() => polyfit([1, 2, NaN], [1, 2, 3], 1)).toThrow(/non-finite/);
    expect(() => polyfit([1, 2], [1, 2, 3], 1)).toThrow(/x has 2 values/);
    expect(() => polyfit([1, 2], [1, 2], 2)).toThrow(/at least 3 points/);
    expect(() => polyfit([1, 1, 1], [1, 2, 3], 1)).toThrow(/rank deficient/);
  });
});

describe('loglogFit', () => {
  it('finds the power of a power law', () => {
    const x = [1, 2, 5, 10, 50];
    const fit = loglogFit(x, x.map((v) => 7 * v ** 2));
    expect(fit.slope).toBeCloseTo(2, 12);
    expect(Math.exp(fit.intercept)).toBeCloseTo(7, 10);
    expect(fit.r2).toBeCloseTo(1, 12);
  });

  it('refuses non-positive values', () => {
    expect(() => loglogFit([1, 0, 2], [1, 1, 1])).toThrow(/positive/);
  });
});

describe('shape statistics', () => {
  it('classifies monotone direction with a tolerance for rounding', () => {
    expect(monotoneDirection([1, 2, 3, 3, 4])).toBe('increasing');
    expect(monotoneDirection([4, 3, 1])).toBe('decreasing');
    expect(monotoneDirection([1, 3, 2])).toBe('none');
    expect(monotoneDirection([1, 2, 2 - 1e-12, 3])).toBe('increasing');
    expect(() => monotoneDirection([1, Infinity])).toThrow(/non-finite/);
  });

  it('computes Pearson correlation, mean and growth ratio', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 14);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 14);
    expect(mean([1, 2, 3, 6])).toBe(3);
    expect(growthRatio([2, 3, 8])).toBe(4);
    expect(() => growthRatio([0, 1])).toThrow(/zero/);
  });

  it("computes Spearman's rank correlation with tied ranks", () => {
    expect(spearman([1, 2, 3, 4], [1, 8, 27, 64])).toBeCloseTo(1, 14);
    expect(spearman([1, 2, 3, 4], [4, 3, 3, 1])).toBeCloseTo(pearson([1, 2, 3, 4], [4, 2.5, 2.5, 1]), 14);
  });
});

describe('extent', () => {
  it('finds min and max of arrays too long to spread into Math.min', () => {
    const long = Float64Array.from({ length: 2_000_000 }, (_, i) => Math.sin(i));
    const { min, max } = extent(long);
    expect(min).toBeGreaterThanOrEqual(-1);
    expect(min).toBeLessThan(-0.99999);
    expect(max).toBeGreaterThan(0.99999);
    expect(extent([])).toEqual({ min: Infinity, max: -Infinity });
  });
});

describe('parabolicVertex', () => {
  it('finds the vertex of a parabola from three uneven grid points', () => {
    const f = (x: number): number => 3 * (x - 0.37) ** 2 + 1;
    const x = [0, 0.3, 1];
    expect(parabolicVertex(x, x.map(f), 1)).toBeCloseTo(0.37, 12);
  });
  it('stays at the grid point on a flat stretch and rejects a middle point that is not lowest', () => {
    expect(parabolicVertex([0, 1, 2], [1, 1, 1], 1)).toBe(1);
    expect(() => parabolicVertex([0, 1, 2], [1, 2, 3], 1)).toThrow(/not the lowest/);
  });
});

describe('meanOrNaN', () => {
  it('averages like mean, and lets what mean refuses through as NaN or ±∞', () => {
    expect(meanOrNaN([1, 2, 6])).toBe(mean([1, 2, 6]));
    expect(meanOrNaN([])).toBeNaN();
    expect(meanOrNaN([1, NaN])).toBeNaN();
    expect(meanOrNaN([1, Infinity])).toBe(Infinity);
    expect(() => mean([1, NaN])).toThrow();
  });
});
