import * as tf from '@tensorflow/tfjs';
import { LOSS_KINDS, lossGradient, lossHvp, lossValue } from '../losses';
import { dataLoss, l2Penalty } from './losses';
import { nestedGradientHvp } from './testing/finite-differences';
import { float32Rounded, relativeError, useCpuBackend } from './testing/fixtures';

useCpuBackend();

const N = 3;
const D = 4;
const F = float32Rounded([0.3, -1.2, 2.0, 0.1, -0.4, 0.8, 0.0, 1.5, 3.0, -2.0, 0.5, 0.7]);
const U = float32Rounded([0.2, -0.1, 0.4, 0.3, -0.5, 0.6, 0.1, -0.2, 0.9, 0.3, -0.7, 0.2]);
// Targets: normal-ish for squared errors; non-negative weights with row sums ≠ 1 for cross-entropy.
const Y_SQUARED = float32Rounded([0.5, -0.2, 1.1, 0.0, 0.3, 0.9, -1.0, 0.2, 2.0, -1.5, 0.4, 0.1]);
const Y_CE = float32Rounded([0, 1, 0, 0, 0.2, 0.3, 0.5, 0, 0.7, 0, 0.9, 0.4]);

const lossOf = (kind: (typeof LOSS_KINDS)[number], y: Float64Array) => (f: tf.Tensor1D) =>
  dataLoss(kind, tf.reshape(f, [N, D]), tf.tensor2d(Float32Array.from(y), [N, D]));

describe.each(LOSS_KINDS)('%s', (kind) => {
  const y = kind.startsWith('softmax') ? Y_CE : Y_SQUARED;

  it('value, gradient and second derivative in f match the float64 engine', () => {
    const value = tf.tidy(() => lossOf(kind, y)(tf.tensor1d(Float32Array.from(F))).dataSync()[0]);
    expect(value).toBeCloseTo(lossValue(kind, F, y, N, D), 5);
    const gradient = tf.tidy(() => Array.from(tf.grad((f) => lossOf(kind, y)(f as tf.Tensor1D))(tf.tensor1d(Float32Array.from(F))).dataSync()));
    const expectedGradient = new Float64Array(N * D);
    lossGradient(kind, F, y, N, D, expectedGradient);
    expect(relativeError(gradient, expectedGradient)).toBeLessThan(1e-6);
    const expectedHvp = new Float64Array(N * D);
    lossHvp(kind, F, y, N, D, U, expectedHvp);
    expect(relativeError(nestedGradientHvp(lossOf(kind, y), F, U), expectedHvp)).toBeLessThan(1e-6);
  });
});

it('cross-entropy stays finite for large logits', () => {
  const value = tf.tidy(() => dataLoss('softmax-ce-sum', tf.tensor2d([[1000, 0]]), tf.tensor2d([[0, 1]])).dataSync()[0]);
  expect(value).toBeCloseTo(1000, 3);
});

it('l2Penalty is l2·‖θ‖²', () => {
  expect(tf.tidy(() => l2Penalty(0.5, tf.tensor1d([1, 2, 3])).dataSync()[0])).toBe(7);
});
