import * as tf from '@tensorflow/tfjs';
import { ACTIVATIONS } from '../activations';
import { LOSS_KINDS } from '../losses';
import {
  SECOND_ORDER_SAFE_ACTIVATIONS,
  SECOND_ORDER_SAFE_BUILTIN_OPS,
  SECOND_ORDER_SAFE_LOSSES,
  SECOND_ORDER_UNSAFE_BUILTIN_OPS,
  checkSecondOrderSupport,
} from './second-order';
import { nestedGradientHvp, valueOnlyHvp } from './testing/finite-differences';
import { relativeError, useCpuBackend } from './testing/fixtures';

useCpuBackend();

// Test functions φ: R⁶ → R of the form Σ c ⊙ op(u(x)), with u(x) = x²/2 + x. The inner u gives the
// gradient a path back to x through a saved input (square's), so nested gradients run and any lost
// second-derivative term shows; tfjs' gradient of ops applied directly to x would have no such path.
const X = Float64Array.from([0.3, -0.7, 1.2, 0.5, -0.2, 0.9]);
const V = Float64Array.from([0.4, 0.1, -0.3, 0.8, -0.5, 0.2]);
const C = [1.1, -0.6, 0.7, 0.9, -1.3, 0.4];
const u = (x: tf.Tensor1D): tf.Tensor1D => tf.add(tf.mul(tf.square(x), 0.5), x);
const u64 = (x: Float64Array): number[] => Array.from(x, (t) => (t * t) / 2 + t);
const weighted = (values: tf.Tensor): tf.Scalar => tf.sum(tf.mul(tf.reshape(values, [-1]), C.slice(0, values.size)));
const weighted64 = (values: number[]): number => values.reduce((sum, t, k) => sum + C[k] * t, 0);
const rows = (x: tf.Tensor1D): tf.Tensor2D => tf.reshape(u(x), [2, 3]);
const rows64 = (x: Float64Array): number[][] => [u64(x).slice(0, 3), u64(x).slice(3)];
const softmax64 = (row: number[]): number[] => {
  const max = Math.max(...row);
  const e = row.map((t) => Math.exp(t - max));
  const sum = e.reduce((a, b) => a + b);
  return e.map((t) => t / sum);
};
const sigmoid64 = (t: number): number => 1 / (1 + Math.exp(-t));

interface OpCase {
  tf: (x: tf.Tensor1D) => tf.Scalar;
  float64: (x: Float64Array) => number;
}

/** Every built-in op the engine differentiates twice, in a test function (each also uses add/mul/square/sum/reshape). */
const SAFE_CASES: Record<keyof typeof SECOND_ORDER_SAFE_BUILTIN_OPS, OpCase> = {
  add: { tf: (x) => weighted(tf.square(tf.add(u(x), tf.reverse(x)))), float64: (x) => weighted64(u64(x).map((t, k) => (t + x[5 - k]) ** 2)) },
  sub: { tf: (x) => weighted(tf.square(tf.sub(u(x), tf.reverse(x)))), float64: (x) => weighted64(u64(x).map((t, k) => (t - x[5 - k]) ** 2)) },
  mul: { tf: (x) => weighted(tf.mul(u(x), tf.reverse(u(x)))), float64: (x) => weighted64(u64(x).map((t, k) => t * u64(x)[5 - k])) },
  div: { tf: (x) => weighted(tf.div(u(x), tf.add(tf.square(x), 1))), float64: (x) => weighted64(u64(x).map((t, k) => t / (x[k] ** 2 + 1))) },
  neg: { tf: (x) => weighted(tf.square(tf.neg(u(x)))), float64: (x) => weighted64(u64(x).map((t) => t * t)) },
  square: { tf: (x) => weighted(tf.square(u(x))), float64: (x) => weighted64(u64(x).map((t) => t * t)) },
  sum: { tf: (x) => tf.sum(tf.square(tf.sum(rows(x), 1))), float64: (x) => rows64(x).reduce((s, r) => s + (r[0] + r[1] + r[2]) ** 2, 0) },
  mean: { tf: (x) => tf.sum(tf.square(tf.mean(rows(x), 0))), float64: (x) => [0, 1, 2].reduce((s, j) => s + ((rows64(x)[0][j] + rows64(x)[1][j]) / 2) ** 2, 0) },
  matMul: {
    tf: (x) => weighted(tf.matMul(rows(x), rows(x), false, true)),
    float64: (x) => {
      const r = rows64(x);
      const dot = (a: number[], b: number[]): number => a.reduce((s, t, k) => s + t * b[k], 0);
      return weighted64([dot(r[0], r[0]), dot(r[0], r[1]), dot(r[1], r[0]), dot(r[1], r[1])]);
    },
  },
  transpose: {
    tf: (x) => weighted(tf.mul(tf.transpose(rows(x)), tf.reshape(u(x), [3, 2]))),
    float64: (x) => {
      const r = rows64(x);
      const flat = u64(x);
      return weighted64([r[0][0], r[1][0], r[0][1], r[1][1], r[0][2], r[1][2]].map((t, k) => t * flat[k]));
    },
  },
  reshape: { tf: (x) => weighted(tf.square(tf.reshape(u(x), [3, 2]))), float64: (x) => weighted64(u64(x).map((t) => t * t)) },
  slice: { tf: (x) => weighted(tf.square(tf.slice(u(x), 1, 4))), float64: (x) => weighted64(u64(x).slice(1, 5).map((t) => t * t)) },
  split: {
    tf: (x) => {
      const [first, second] = tf.split(u(x), [2, 4]);
      return tf.add(weighted(tf.square(first)), tf.sum(tf.mul(second, tf.reverse(second))));
    },
    float64: (x) => {
      const q = u64(x);
      return weighted64(q.slice(0, 2).map((t) => t * t)) + 2 * (q[2] * q[5] + q[3] * q[4]);
    },
  },
  concat: {
    tf: (x) => weighted(tf.square(tf.concat([tf.slice(u(x), 3, 3), tf.slice(x, 0, 3)]))),
    float64: (x) => weighted64([...u64(x).slice(3), ...Array.from(x.slice(0, 3))].map((t) => t * t)),
  },
  step: { tf: (x) => weighted(tf.mul(tf.step(u(x)), tf.square(u(x)))), float64: (x) => weighted64(u64(x).map((t) => (t > 0 ? t * t : 0))) },
};

/** Built-ins whose nested gradient tfjs gets silently wrong. */
const WRONG_CASES: Record<string, OpCase> = {
  tanh: { tf: (x) => weighted(tf.tanh(u(x))), float64: (x) => weighted64(u64(x).map(Math.tanh)) },
  sigmoid: { tf: (x) => weighted(tf.sigmoid(u(x))), float64: (x) => weighted64(u64(x).map(sigmoid64)) },
  exp: { tf: (x) => weighted(tf.exp(u(x))), float64: (x) => weighted64(u64(x).map(Math.exp)) },
  elu: { tf: (x) => weighted(tf.elu(tf.sub(u(x), 0.5))), float64: (x) => weighted64(u64(x).map((t) => (t > 0.5 ? t - 0.5 : Math.exp(t - 0.5) - 1))) },
  softmax: { tf: (x) => weighted(tf.softmax(rows(x))), float64: (x) => weighted64(rows64(x).flatMap(softmax64)) },
  logSoftmax: { tf: (x) => weighted(tf.logSoftmax(rows(x))), float64: (x) => weighted64(rows64(x).flatMap(softmax64).map(Math.log)) },
};

/** Built-ins whose nested gradient throws. */
const THROWING_CASES: Record<string, (x: tf.Tensor1D) => tf.Scalar> = {
  max: (x) => weighted(tf.max(rows(x), 1)),
  logSumExp: (x) => weighted(tf.logSumExp(rows(x), 1)),
  clipByValue: (x) => weighted(tf.square(tf.clipByValue(u(x), -0.1, 0.8))),
  leakyRelu: (x) => weighted(tf.square(tf.leakyRelu(u(x), 0.1))),
  minimum: (x) => weighted(tf.square(tf.minimum(u(x), 0.5))),
  maximum: (x) => weighted(tf.square(tf.maximum(u(x), tf.mul(x, 0.3)))),
};

describe('built-in ops listed as safe at second order', () => {
  it.each(Object.keys(SAFE_CASES) as (keyof typeof SECOND_ORDER_SAFE_BUILTIN_OPS)[])(
    '%s: its registered gradient reads inputs only, and nested gradients match float64 finite differences',
    (op) => {
      const config = tf.getGradient(SECOND_ORDER_SAFE_BUILTIN_OPS[op]);
      expect(config).toBeDefined();
      expect((config.outputsToSave ?? []).filter(Boolean)).toEqual([]);
      const { tf: f, float64 } = SAFE_CASES[op];
      expect(relativeError(nestedGradientHvp(f, X, V), valueOnlyHvp(float64, X, V))).toBeLessThan(1e-5);
    },
  );
});

describe('regression: built-ins listed as unsafe are still wrong in this tfjs (so the custom ops stay needed)', () => {
  it.each(Object.keys(WRONG_CASES))('%s: nested tf.grad runs but is off by more than 1e-2, and its gradient reads its output', (op) => {
    const { tf: f, float64 } = WRONG_CASES[op];
    expect(relativeError(nestedGradientHvp(f, X, V), valueOnlyHvp(float64, X, V))).toBeGreaterThan(1e-2);
    expect(SECOND_ORDER_UNSAFE_BUILTIN_OPS[op]).toMatch(/silently wrong/);
  });

  it.each(Object.keys(THROWING_CASES))('%s: nested tf.grad throws', (op) => {
    expect(() => nestedGradientHvp(THROWING_CASES[op], X, V)).toThrow(/gradient function not found/);
    expect(SECOND_ORDER_UNSAFE_BUILTIN_OPS[op]).toMatch(/throws/);
  });

  it('lists exactly the ops demonstrated above', () => {
    expect(Object.keys(SECOND_ORDER_UNSAFE_BUILTIN_OPS).sort()).toEqual([...Object.keys(WRONG_CASES), ...Object.keys(THROWING_CASES)].sort());
  });
});

describe('checkSecondOrderSupport', () => {
  it('supports every activation and loss of the float64 engine', () => {
    expect([...SECOND_ORDER_SAFE_ACTIVATIONS]).toEqual([...ACTIVATIONS]);
    expect([...SECOND_ORDER_SAFE_LOSSES]).toEqual([...LOSS_KINDS]);
    for (const activation of ACTIVATIONS) {
      for (const kind of LOSS_KINDS) {
        expect(checkSecondOrderSupport({ activation, loss: { kind }, ops: ['matMul', 'add'] })).toEqual([]);
      }
    }
    expect(checkSecondOrderSupport({})).toEqual([]);
  });

  it('names every unsupported part, with the reason when it is known', () => {
    expect(checkSecondOrderSupport({ activation: 'elu', loss: 'hinge', ops: ['softmax', 'max', 'cumsum', 'mul'] })).toEqual([
      "activation 'elu' has no second-order-correct tfjs implementation (tf.elu: silently wrong at second order: its gradient reads the saved output, which tfjs clones off the tape (tfjs issue 3252)); supported: identity, tanh, relu, sigmoid, swish",
      "loss 'hinge' has no second-order-correct tfjs implementation; supported: sse, mse, softmax-ce-sum, softmax-ce-mean, sigmoid-sse",
      'tf.softmax: silently wrong at second order: its gradient reads the saved output, which tfjs clones off the tape (tfjs issue 3252); use the custom ops of models/tfjs/ops.ts instead',
      'tf.max: throws at second order: its gradient uses Equal, which has no gradient; use the custom ops of models/tfjs/ops.ts instead',
      'tf.cumsum is not verified at second order; add it to SECOND_ORDER_SAFE_BUILTIN_OPS with a test first',
    ]);
  });
});
