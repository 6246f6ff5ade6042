import { createRng, type Rng } from '../harness/rng';
import { float64Workspace, gemm, gemmUsesWasm } from './gemm';
import { gemmPlain, type PlainOptions } from './gemm-plain';

function randomArray(length: number, rng: Rng): Float64Array {
  return Float64Array.from({ length }, () => rng.normal());
}

/** α·op(A)·op(B) + β·C by the textbook triple loop, reading A, B, C at their offsets. */
function naive(
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  b: Float64Array,
  c: Float64Array,
  o: { transA: boolean; transB: boolean; alpha: number; beta: number; aOffset: number; bOffset: number; cOffset: number },
): Float64Array {
  const out = Float64Array.from(c);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) {
        const aip = o.transA ? a[o.aOffset + p * m + i] : a[o.aOffset + i * k + p];
        const bpj = o.transB ? b[o.bOffset + j * k + p] : b[o.bOffset + p * n + j];
        sum += aip * bpj;
      }
      const q = o.cOffset + i * n + j;
      out[q] = o.alpha * sum + (o.beta === 0 ? 0 : o.beta * c[q]);
    }
  }
  return out;
}

function maxRelativeError(actual: Float64Array, expected: Float64Array): number {
  let scale = 1;
  for (const e of expected) scale = Math.max(scale, Math.abs(e));
  let worst = 0;
  for (let q = 0; q < expected.length; q++) worst = Math.max(worst, Math.abs(actual[q] - expected[q]));
  return worst / scale;
}

type Product = (m: number, n: number, k: number, a: Float64Array, b: Float64Array, c: Float64Array, options: PlainOptions) => void;

/** The three ways to multiply: operands copied into the kernel's memory, operands in a workspace, plain JS. */
const PRODUCTS: [string, Product][] = [
  ['gemm on ordinary arrays', gemm],
  [
    'gemm on workspace arrays',
    (m, n, k, a, b, c, options) => {
      const [wa, wb, wc] = float64Workspace([a.length, b.length, c.length]);
      wa.set(a);
      wb.set(b);
      wc.set(c);
      gemm(m, n, k, wa, wb, wc, options);
      c.set(wc);
    },
  ],
  ['gemmPlain', gemmPlain],
];

describe.each(PRODUCTS)('%s', (_, product) => {
  it('computes α·op(A)·op(B) + β·C for random shapes, transposes, offsets and scalars', () => {
    const rng = createRng(11);
    // Odd sizes exercise the zero-padded edge panels; 300 > the K block (256) exercises the K split,
    // 130 > the M block the M split.
    // Both kernels copy operands into panels only past some size: 40×33 and 33×40 take those paths.
    const shapes: [number, number, number][] = [
      [1, 1, 1], [1, 7, 3], [5, 1, 9], [3, 5, 1], [4, 4, 4], [7, 9, 13], [17, 3, 31], [16, 8, 16], [130, 6, 300], [9, 37, 260],
      [40, 33, 7], [33, 40, 270], [6, 10, 1000],
    ];
    for (const [m, n, k] of shapes) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const alpha = rng.uniformIn(-2, 2);
          const beta = [0, 1, rng.uniformIn(-2, 2)][rng.int(3)];
          const aOffset = rng.int(4);
          const bOffset = rng.int(4);
          const cOffset = rng.int(4);
          const a = randomArray(aOffset + m * k + rng.int(3), rng);
          const b = randomArray(bOffset + k * n + rng.int(3), rng);
          const c = randomArray(cOffset + m * n + rng.int(3), rng);
          const options = { transA, transB, alpha, beta, aOffset, bOffset, cOffset };
          const expected = naive(m, n, k, a, b, c, options);
          product(m, n, k, a, b, c, options);
          expect(maxRelativeError(c, expected)).toBeLessThan(1e-13 * Math.max(1, k));
        }
      }
    }
  });

});

describe('gemm', () => {
  it('defaults to C = A·B with no transposes, α = 1, β = 0', () => {
    const c = new Float64Array(4).fill(NaN); // β = 0 must not read C
    gemm(2, 2, 3, Float64Array.of(1, 2, 3, 4, 5, 6), Float64Array.of(7, 8, 9, 10, 11, 12), c);
    expect(Array.from(c)).toEqual([58, 64, 139, 154]);
  });

  it('leaves entries of C outside its m×n block untouched', () => {
    const c = new Float64Array(2 + 6 + 2).fill(-1);
    gemm(2, 3, 1, Float64Array.of(1, 2), Float64Array.of(1, 1, 1), c, { cOffset: 2 });
    expect(Array.from(c)).toEqual([-1, -1, 1, 1, 1, 2, 2, 2, -1, -1]);
  });

  it('scales C by β when k = 0 or α = 0', () => {
    const c = Float64Array.of(1, 2, 3, 4);
    gemm(2, 2, 0, new Float64Array(0), new Float64Array(0), c, { beta: 2 });
    expect(Array.from(c)).toEqual([2, 4, 6, 8]);
    gemm(2, 2, 1, Float64Array.of(1, 1), Float64Array.of(1, 1), c, { alpha: 0, beta: 0.5 });
    expect(Array.from(c)).toEqual([1, 2, 3, 4]);
  });

  it('rejects arrays too short for their shape and offset', () => {
    expect(() => gemm(2, 2, 2, new Float64Array(3), new Float64Array(4), new Float64Array(4))).toThrow(RangeError);
    expect(() => gemm(2, 2, 2, new Float64Array(4), new Float64Array(4), new Float64Array(4), { cOffset: 1 })).toThrow(RangeError);
    expect(() => gemm(-1, 2, 2, new Float64Array(4), new Float64Array(4), new Float64Array(4))).toThrow(RangeError);
  });

  it('multiplies in place when every operand is in one workspace, offsets included', () => {
    const [theta, x, z] = float64Workspace([2 + 6, 2 * 3, 2 * 2]);
    theta.set([9, 9, 1, 0, 0, 0, 1, 0]); // W = [[1, 0, 0], [0, 1, 0]] at offset 2
    x.set([1, 2, 3, 4, 5, 6]);
    gemm(2, 2, 3, x, theta, z, { transB: true, bOffset: 2 });
    expect(Array.from(z)).toEqual([1, 2, 4, 5]);
  });

  it('adds a bias row to every row of C, in a workspace, copied, and on the plain-JS path', () => {
    const rng = createRng(12);
    const [m, n, k] = [5, 7, 3];
    const a = randomArray(m * k, rng);
    const b = randomArray(k * n, rng);
    const c0 = randomArray(m * n, rng);
    const bias = randomArray(n + 2, rng);
    for (const beta of [0, 1, 0.5]) {
      const expected = naive(m, n, k, a, b, c0, { transA: false, transB: false, alpha: 2, beta, aOffset: 0, bOffset: 0, cOffset: 0 });
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) expected[i * n + j] += bias[2 + j];
      const copied = Float64Array.from(c0);
      gemm(m, n, k, a, b, copied, { alpha: 2, beta, bias, biasOffset: 2 });
      expect(maxRelativeError(copied, expected)).toBeLessThan(1e-14);
      const [wa, wb, wc, wbias] = float64Workspace([m * k, k * n, m * n, n + 2]);
      wa.set(a);
      wb.set(b);
      wc.set(c0);
      wbias.set(bias);
      gemm(m, n, k, wa, wb, wc, { alpha: 2, beta, bias: wbias, biasOffset: 2 });
      expect(maxRelativeError(wc, expected)).toBeLessThan(1e-14);
    }
  });

  it('runs on the WebAssembly SIMD kernel here', () => {
    expect(gemmUsesWasm).toBe(true);
  });
});
