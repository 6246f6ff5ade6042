/** One minus sign (U+2212) in every number claimbench prints: formatted numbers, tolerances, the run summary. */
import * as path from 'node:path';
import { MINUS, formatNumber, withMinusSign } from './format';
import { describeTolerance } from './scoring';
import { testSpec, writeClaimsFolder } from './testing/claims';
import { cli } from './testing/cli';
import './testing/kinds';

/** An ASCII hyphen-minus next to a digit: a number printed with the other sign. */
const asciiMinus = /-(?=[\d.])|(?<=\de)-/;

describe('the minus sign', () => {
  it('is U+2212 in the mantissa and the exponent alike', () => {
    expect(MINUS).toBe('\u2212');
    expect(formatNumber(-2.5e-7)).toBe('−2.5e−7');
    expect(formatNumber(2.5e-7)).toBe('2.5e−7');
    expect(formatNumber(-3.25)).toBe('−3.25');
    expect(formatNumber(-1e12)).toBe('−1e+12');
    expect(formatNumber(-Infinity)).toBe('−∞');
    expect(withMinusSign('∈ [-1e-6, -0.5]')).toBe('∈ [−1e−6, −0.5]');
  });

  it('is the same in tolerances as in measured values', () => {
    const tol = describeTolerance({ id: 'e', metric: 'x', comparator: 'between', min: -1e-6, max: -0.5, rationale: 'r' });
    expect(tol).toBe('∈ [−1.00e−6, −0.5]');
    expect(describeTolerance({ id: 'e', metric: 'x', comparator: 'approximately', value: -2, tolerance: { absolute: 1e-4 }, rationale: 'r' })).toBe('≈ −2 ± 1.00e−4');
  });

  it('is the only one in the run summary', async () => {
    const spec = testSpec('negative', 'test-constant', { value: -2.5e-7 }, { expectations: [{ id: 'tiny', metric: 'x', comparator: 'between', min: -1e-6, max: -1e-7, rationale: 'test' }] });
    const root = writeClaimsFolder([spec]);
    const res = await cli('run', '--claims', path.join(root, 'claims'), '--out', path.join(root, 'out'));
    expect(res.code).toBe(0);
    const line = res.out.split('\n').find((l) => l.includes('test.negative'))!;
    expect(line).toContain('x = −2.5e−7 (want ∈ [−1.00e−6, −1.00e−7])');
    expect(line).not.toMatch(asciiMinus);
  });
});
