import { describeTolerance, satisfies, scoreClaim } from './scoring';
import type { ClaimSpec, Expectation } from './types';

const between: Expectation = { id: 'slope', metric: 'slope', comparator: 'between', min: 1.8, max: 2.2, rationale: 'r' };
const atLeast: Expectation = { id: 'r2', metric: 'r2', comparator: 'atLeast', min: 0.98, rationale: 'r' };
const atMost: Expectation = { id: 'err', metric: 'err', comparator: 'atMost', max: 1e-10, rationale: 'r' };
const relative: Expectation = { id: 'g', metric: 'g', comparator: 'approximately', value: 11.18, tolerance: { relative: 0.01 }, rationale: 'r' };
const absolute: Expectation = { id: 'n', metric: 'n', comparator: 'approximately', value: 2517, tolerance: { absolute: 0 }, rationale: 'r' };

describe('satisfies', () => {
  it('applies each comparator with inclusive bounds', () => {
    expect(satisfies(between, 1.8)).toBe(true);
    expect(satisfies(between, 2.2)).toBe(true);
    expect(satisfies(between, 2.2000001)).toBe(false);
    expect(satisfies(atLeast, 0.98)).toBe(true);
    expect(satisfies(atLeast, 0.979)).toBe(false);
    expect(satisfies(atMost, 1e-11)).toBe(true);
    expect(satisfies(atMost, 2e-10)).toBe(false);
    expect(satisfies(relative, 11.18 * 1.0099)).toBe(true);
    expect(satisfies(relative, 11.18 * 0.989)).toBe(false);
    expect(satisfies(absolute, 2517)).toBe(true);
    expect(satisfies(absolute, 2516)).toBe(false);
  });

  it('describes tolerances readably', () => {
    expect(describeTolerance(between)).toBe('∈ [1.8, 2.2]');
    expect(describeTolerance(atLeast)).toBe('≥ 0.98');
    expect(describeTolerance(atMost)).toBe('≤ 1.00e−10');
    expect(describeTolerance(relative)).toBe('≈ 11.18 ± 1%');
    expect(describeTolerance(absolute)).toBe('≈ 2517 ± 0');
  });
});

describe('scoreClaim', () => {
  const spec = {
    expectations: [between, atLeast],
    observations: [{ id: 'shape', metric: 'shape', description: 'class of S1' }],
  } as unknown as ClaimSpec;

  it('reproduces only when every expectation passes', () => {
    const pass = scoreClaim(spec, { metrics: { slope: 2, r2: 0.99 }, observations: { shape: 'linear' }, evidence: {} });
    expect(pass.verdict).toBe('reproduced');
    expect(pass.expectations.map((e) => e.measured)).toEqual([2, 0.99]);
    expect(pass.observations[0].measured).toBe('linear');
    const fail = scoreClaim(spec, { metrics: { slope: 1.2, r2: 0.99 }, evidence: {} });
    expect(fail.verdict).toBe('not reproduced');
    expect(fail.expectations[0].pass).toBe(false);
    expect(fail.observations[0].measured).toBeNull();
  });

  it('turns a NaN or missing metric into an error that names it', () => {
    const nan = scoreClaim(spec, { metrics: { slope: NaN, r2: 0.99 }, evidence: {} });
    expect(nan.verdict).toBe('error');
    expect(nan.reason).toMatch(/metric 'slope'.*NaN/);
    const missing = scoreClaim(spec, { metrics: { slope: 2 }, evidence: {} });
    expect(missing.verdict).toBe('error');
    expect(missing.reason).toMatch(/'r2'.*not produced/);
    const inf = scoreClaim(spec, { metrics: { slope: 2, r2: Infinity }, evidence: {} });
    expect(inf.reason).toMatch(/Infinity/);
  });
});
