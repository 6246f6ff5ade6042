import { frobeniusNorm, l2Norm } from './norms';

describe('l2Norm', () => {
  it('computes Euclidean norms', () => {
    expect(l2Norm(Float64Array.of(3, -4))).toBe(5);
    expect(l2Norm(new Float64Array(0))).toBe(0);
    expect(l2Norm(Float64Array.of(0, -0))).toBe(0);
    expect(l2Norm(Float64Array.of(1, 1, 1, 1))).toBe(2);
  });

  it('neither overflows nor underflows', () => {
    expect(l2Norm(Float64Array.of(3e200, 4e200))).toBeCloseTo(5e200, -186);
    expect(l2Norm(Float64Array.of(3e-200, 4e-200)) / 5e-200).toBeCloseTo(1, 14);
    expect(l2Norm(Float64Array.of(3e-170, 4e-170)) / 5e-170).toBeCloseTo(1, 14); // squares underflow to 0
    const big = Number.MAX_VALUE / 2;
    expect(l2Norm(Float64Array.of(big, big)) / big).toBeCloseTo(Math.SQRT2, 14);
  });

  it('propagates NaN and Inf', () => {
    expect(l2Norm(Float64Array.of(1, NaN))).toBeNaN();
    expect(l2Norm(Float64Array.of(Infinity, NaN))).toBeNaN();
    expect(l2Norm(Float64Array.of(1, -Infinity))).toBe(Infinity);
  });
});

it('frobeniusNorm is the 2-norm of the entries', () => {
  expect(frobeniusNorm(Float64Array.of(1, 2, 2, 4))).toBe(5);
});
