import * as tf from '@tensorflow/tfjs';
import { batchNormalize, columnMoments, matMul, relu, rowLogSumExp, rowSoftmax, rsqrt, sigmoid, swish, tanh } from './ops';
import { nestedGradientHvp, valueOnlyHvp } from './testing/finite-differences';
import { relativeError, useCpuBackend } from './testing/fixtures';

useCpuBackend();

// As in second-order.test.ts: φ(x) = Σ c ⊙ op(u(x)) with u(x) = x²/2 + x, here on 12 entries so that
// the row ops see 4×3 and batch normalisation 4 samples of 3 units.
const X = Float64Array.from([0.3, -0.7, 1.2, 0.5, -0.2, 0.9, -1.1, 0.05, 0.6, -0.4, 1.5, -0.8]);
const V = Float64Array.from([0.4, 0.1, -0.3, 0.8, -0.5, 0.2, 0.7, -0.9, 0.3, 0.6, -0.2, 0.1]);
const C = [1.1, -0.6, 0.7, 0.9, -1.3, 0.4, 0.5, 1.2, -0.8, 0.3, -0.4, 1.0];
const u = (x: tf.Tensor1D): tf.Tensor1D => tf.add(tf.mul(tf.square(x), 0.5), x);
const u64 = (x: Float64Array): number[] => Array.from(x, (t) => (t * t) / 2 + t);
const weighted = (values: tf.Tensor): tf.Scalar => tf.sum(tf.mul(tf.reshape(values, [-1]), C.slice(0, values.size)));
const weighted64 = (values: number[]): number => values.reduce((sum, t, k) => sum + C[k] * t, 0);
const matrix = (x: tf.Tensor1D): tf.Tensor2D => tf.reshape(u(x), [4, 3]);
const rows64 = (x: Float64Array): number[][] => [0, 1, 2, 3].map((r) => u64(x).slice(3 * r, 3 * r + 3));
const sigmoid64 = (t: number): number => 1 / (1 + Math.exp(-t));
const logSumExp64 = (row: number[]): number => Math.log(row.reduce((s, t) => s + Math.exp(t), 0));

/** Column-wise (z − mean)/√(biased variance + ε) of a row-major matrix. */
function batchNormalize64(rows: number[][], epsilon: number): number[] {
  const n = rows.length;
  const width = rows[0].length;
  const out = rows.map((row) => row.slice());
  for (let j = 0; j < width; j++) {
    const mean = rows.reduce((s, row) => s + row[j], 0) / n;
    const variance = rows.reduce((s, row) => s + (row[j] - mean) ** 2, 0) / n;
    for (const row of out) row[j] = (row[j] - mean) / Math.sqrt(variance + epsilon);
  }
  return out.flat();
}

/** Row-major n×k times k×m. */
function product64(a: number[], b: number[], n: number, k: number, m: number): number[] {
  return Array.from({ length: n * m }, (_, index) => {
    const [i, j] = [Math.floor(index / m), index % m];
    let sum = 0;
    for (let l = 0; l < k; l++) sum += a[i * k + l] * b[l * m + j];
    return sum;
  });
}
const piece = (x: tf.Tensor1D, start: number, shape: [number, number]): tf.Tensor2D => tf.reshape(tf.slice(u(x), start, shape[0] * shape[1]), shape);
const piece64 = (x: Float64Array, start: number, size: number): number[] => u64(x).slice(start, start + size);
const FIXED_4x3 = [0.5, -1, 0.25, 2, 0.1, -0.3, 1.5, 0.7, -0.6, 0.2, 0.9, -1.2];
const FIXED_3x2 = [0.3, -0.8, 1.1, 0.4, -0.5, 0.6];
const squares = (values: number[]): number[] => values.map((t) => t * t);

const CASES: Record<string, { tf: (x: tf.Tensor1D) => tf.Scalar; float64: (x: Float64Array) => number }> = {
  tanh: { tf: (x) => weighted(tanh(u(x))), float64: (x) => weighted64(u64(x).map(Math.tanh)) },
  sigmoid: { tf: (x) => weighted(sigmoid(u(x))), float64: (x) => weighted64(u64(x).map(sigmoid64)) },
  relu: { tf: (x) => weighted(tf.mul(relu(u(x)), u(x))), float64: (x) => weighted64(u64(x).map((t) => Math.max(t, 0) * t)) },
  swish: { tf: (x) => weighted(swish(u(x))), float64: (x) => weighted64(u64(x).map((t) => t * sigmoid64(t))) },
  rsqrt: { tf: (x) => weighted(rsqrt(tf.add(u(x), 2))), float64: (x) => weighted64(u64(x).map((t) => 1 / Math.sqrt(t + 2))) },
  rowSoftmax: {
    tf: (x) => weighted(rowSoftmax(matrix(x))),
    float64: (x) => weighted64(rows64(x).flatMap((row) => row.map((t) => Math.exp(t - logSumExp64(row))))),
  },
  rowLogSumExp: { tf: (x) => weighted(rowLogSumExp(matrix(x))), float64: (x) => weighted64(rows64(x).map(logSumExp64)) },
  // Products of two θ-dependent matrices, with aᵀ·dy formed by transposing a (2×3 by 3×2), or else
  // dy and the result (4×2 by 2×1); and with one constant operand on either side.
  matMul: {
    tf: (x) => weighted(tf.square(matMul(piece(x, 0, [2, 3]), piece(x, 6, [3, 2])))),
    float64: (x) => weighted64(squares(product64(piece64(x, 0, 6), piece64(x, 6, 6), 2, 3, 2))),
  },
  'matMul, tall a': {
    tf: (x) => weighted(tf.square(matMul(piece(x, 0, [4, 2]), piece(x, 8, [2, 1])))),
    float64: (x) => weighted64(squares(product64(piece64(x, 0, 8), piece64(x, 8, 2), 4, 2, 1))),
  },
  'matMul, constant a': {
    tf: (x) => weighted(tf.square(matMul(tf.tensor2d(FIXED_4x3, [4, 3]), piece(x, 0, [3, 1]), 'a'))),
    float64: (x) => weighted64(squares(product64(FIXED_4x3, piece64(x, 0, 3), 4, 3, 1))),
  },
  'matMul, constant b': {
    tf: (x) => weighted(tf.square(matMul(piece(x, 0, [4, 3]), tf.tensor2d(FIXED_3x2, [3, 2]), 'b'))),
    float64: (x) => weighted64(squares(product64(piece64(x, 0, 12), FIXED_3x2, 4, 3, 2))),
  },
  batchNormalize: { tf: (x) => weighted(batchNormalize(matrix(x), 1e-3)), float64: (x) => weighted64(batchNormalize64(rows64(x), 1e-3)) },
};

describe('custom ops: nested gradients match float64 finite differences', () => {
  it.each(Object.keys(CASES))('%s', (name) => {
    const { tf: f, float64 } = CASES[name];
    const values = tf.tidy(() => f(tf.tensor1d(Float32Array.from(X))).dataSync()[0]);
    expect(values).toBeCloseTo(float64(X), 5);
    expect(relativeError(nestedGradientHvp(f, X, V), valueOnlyHvp(float64, X, V))).toBeLessThan(1e-4);
  });
});

it('tanh stays right at third order, because its gradient calls the custom tanh again', () => {
  const third = tf.tidy(() => {
    const d1 = tf.grad((x) => tf.sum(tanh(x)));
    const d2 = tf.grad((x) => tf.sum(d1(x)));
    return Array.from(tf.grad((x) => tf.sum(d2(x)))(tf.tensor1d([0.3, -0.7, 1.2])).dataSync());
  });
  const expected = [0.3, -0.7, 1.2].map((t) => {
    const th = Math.tanh(t);
    const d = 1 - th * th;
    return -2 * d * d + 4 * th * th * d;
  });
  expect(relativeError(third, expected)).toBeLessThan(1e-5);
});

it('relu has derivative 0 at 0, like the float64 engine', () => {
  const gradient = tf.tidy(() => Array.from(tf.grad((x) => tf.sum(relu(x)))(tf.tensor1d([-1, 0, 2])).dataSync()));
  expect(gradient).toEqual([0, 0, 1]);
});

it('rowLogSumExp does not overflow for large logits', () => {
  const value = tf.tidy(() => Array.from(rowLogSumExp(tf.tensor2d([[1000, 1000, 0]])).dataSync()));
  expect(value[0]).toBeCloseTo(1000 + Math.log(2), 3);
  const gradient = tf.tidy(() => Array.from(tf.grad((f) => tf.sum(rowLogSumExp(f as tf.Tensor2D)))(tf.tensor2d([[1000, 1000, 0]])).dataSync()));
  expect(gradient).toEqual([0.5, 0.5, 0]);
});

it('columnMoments gives column means and biased variances', () => {
  const { mean, variance } = tf.tidy(() => {
    const moments = columnMoments(tf.tensor2d([[1, 2], [3, 6]]));
    return { mean: Array.from(moments.mean.dataSync()), variance: Array.from(moments.variance.dataSync()) };
  });
  expect(mean).toEqual([2, 4]);
  expect(variance).toEqual([1, 4]);
});

it('batchNormalize caches one op per ε and leaks no tensors', () => {
  const before = tf.memory().numTensors;
  for (let k = 0; k < 5; k++) nestedGradientHvp(CASES.batchNormalize.tf, X, V);
  expect(tf.memory().numTensors).toBe(before);
});
