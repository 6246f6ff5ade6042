import { createRng } from '../harness/rng';
import { LOSS_KINDS, type LossKind, lossGradient, lossHvp, lossValue } from './losses';

const n = 5;
const d = 3;
const rng = createRng(3);
const f = Float64Array.from({ length: n * d }, () => rng.normal());
// Non-negative targets whose rows do not sum to one exercise the general cross-entropy mass m_s.
const y = Float64Array.from({ length: n * d }, () => rng.uniform());

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  return a.reduce((m, e, k) => Math.max(m, Math.abs(e - b[k])), 0);
}

function maxAbs(a: Float64Array): number {
  return a.reduce((m, e) => Math.max(m, Math.abs(e)), 0);
}

describe.each(LOSS_KINDS)('%s', (kind: LossKind) => {
  it('gradient matches central differences and the returned loss matches lossValue', () => {
    const gradient = new Float64Array(n * d);
    expect(lossGradient(kind, f, y, n, d, gradient)).toBe(lossValue(kind, f, y, n, d));
    const h = 1e-5;
    const fd = f.map((_, k) => {
      const plus = Float64Array.from(f);
      const minus = Float64Array.from(f);
      plus[k] += h;
      minus[k] -= h;
      return (lossValue(kind, plus, y, n, d) - lossValue(kind, minus, y, n, d)) / (2 * h);
    });
    expect(maxAbsDiff(gradient, fd)).toBeLessThan(1e-6 * maxAbs(gradient));
  });

  it('Hessian-vector product matches central differences of the gradient', () => {
    const u = Float64Array.from({ length: n * d }, () => rng.normal());
    const hu = new Float64Array(n * d);
    lossHvp(kind, f, y, n, d, u, hu);
    const h = 1e-5;
    const plus = new Float64Array(n * d);
    const minus = new Float64Array(n * d);
    lossGradient(kind, f.map((e, k) => e + h * u[k]), y, n, d, plus);
    lossGradient(kind, f.map((e, k) => e - h * u[k]), y, n, d, minus);
    expect(maxAbsDiff(hu, plus.map((e, k) => (e - minus[k]) / (2 * h)))).toBeLessThan(1e-6 * maxAbs(hu));
  });

  it('returns NaN for NaN outputs instead of throwing', () => {
    const bad = Float64Array.from(f);
    bad[4] = NaN;
    expect(lossValue(kind, bad, y, n, d)).toBeNaN();
  });
});

describe('loss definitions', () => {
  it('sigmoid-sse squashes the outputs first: (σ(0) − 1)² = 1/4, with gradient −2·½·¼', () => {
    const g = new Float64Array(1);
    expect(lossGradient('sigmoid-sse', Float64Array.of(0), Float64Array.of(1), 1, 1, g)).toBeCloseTo(0.25, 15);
    expect(g[0]).toBeCloseTo(-0.25, 15);
    expect(lossValue('sigmoid-sse', Float64Array.of(800, -800), Float64Array.of(1, 0), 1, 2)).toBe(0);
  });

  it('mse is sse over all n·d entries; softmax-ce-mean is softmax-ce-sum over n', () => {
    expect(lossValue('mse', f, y, n, d)).toBeCloseTo(lossValue('sse', f, y, n, d) / (n * d), 14);
    expect(lossValue('softmax-ce-mean', f, y, n, d)).toBeCloseTo(lossValue('softmax-ce-sum', f, y, n, d) / n, 14);
  });

  it('sse of a single entry is its squared residual', () => {
    expect(lossValue('sse', Float64Array.of(3, 1), Float64Array.of(1, 1), 1, 2)).toBe(4);
  });

  it('cross-entropy of equal logits against a one-hot target is log d', () => {
    expect(lossValue('softmax-ce-sum', Float64Array.of(0.7, 0.7, 0.7), Float64Array.of(0, 1, 0), 1, 3)).toBeCloseTo(Math.log(3), 15);
  });

  it('log-softmax is stable: huge logits give the same loss and gradient as shifted ones', () => {
    const logits = Float64Array.of(1000, 999, 995, -2000, -2001, -2005);
    const shifted = Float64Array.of(5, 4, 0, 5, 4, 0);
    const target = Float64Array.of(0, 0, 1, 0, 1, 0);
    expect(lossValue('softmax-ce-sum', logits, target, 2, 3)).toBeCloseTo(lossValue('softmax-ce-sum', shifted, target, 2, 3), 12);
    const g1 = new Float64Array(6);
    const g2 = new Float64Array(6);
    lossGradient('softmax-ce-sum', logits, target, 2, 3, g1);
    lossGradient('softmax-ce-sum', shifted, target, 2, 3, g2);
    expect(maxAbsDiff(g1, g2)).toBeLessThan(1e-12); // logits near 1000 carry absolute rounding ~1e-13
  });
});
