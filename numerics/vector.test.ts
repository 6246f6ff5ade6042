import { denseOperator, dot, norm2 } from './vector';

describe('dot', () => {
  it('sums elementwise products', () => {
    expect(dot(Float64Array.of(1, -2, 3), Float64Array.of(4, 5, -6))).toBe(4 - 10 - 18);
  });

  it('is 0 for empty vectors', () => {
    expect(dot(new Float64Array(0), new Float64Array(0))).toBe(0);
  });
});

describe('norm2', () => {
  it('is the Euclidean length', () => {
    expect(norm2(Float64Array.of(3, -4))).toBe(5);
    expect(norm2(Float64Array.of(1, 1, 1, 1))).toBe(2);
  });

  it('is 0 for the zero vector', () => {
    expect(norm2(new Float64Array(7))).toBe(0);
  });
});

describe('denseOperator', () => {
  it('multiplies by a row-major matrix', () => {
    expect(Array.from(denseOperator(Float64Array.of(1, 2, 3, 4), 2)(Float64Array.of(1, -1)))).toEqual([-1, -1]);
  });
});
