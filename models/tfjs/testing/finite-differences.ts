/**
 * Finite-difference references for the tfjs engine's tests, in float64 unless stated. Central
 * differences throughout; the default steps balance truncation (O(h²)) against rounding (O(ε/h)).
 */
import * as tf from '@tensorflow/tfjs';

/** ∇f(x) by central differences, one coordinate at a time. */
export function centralGradient(f: (x: Float64Array) => number, x: Float64Array, h = 1e-5): Float64Array {
  const probe = Float64Array.from(x);
  return x.map((xk, k) => {
    probe[k] = xk + h;
    const up = f(probe);
    probe[k] = xk - h;
    const down = f(probe);
    probe[k] = xk;
    return (up - down) / (2 * h);
  });
}

/** H(x)·v ≈ (g(x + hv) − g(x − hv)) / 2h for a gradient function g. */
export function centralHvp(gradient: (x: Float64Array) => ArrayLike<number>, x: Float64Array, v: Float64Array, h = 1e-4): Float64Array {
  const up = gradient(x.map((xk, k) => xk + h * v[k]));
  const down = gradient(x.map((xk, k) => xk - h * v[k]));
  return x.map((_, k) => (up[k] - down[k]) / (2 * h));
}

/** H(x)·v of a float64 function from values alone: central differences of its central-difference gradient. */
export function valueOnlyHvp(f: (x: Float64Array) => number, x: Float64Array, v: Float64Array, h = 1e-4): Float64Array {
  return centralHvp((y) => centralGradient(f, y), x, v, h);
}

/** H(x)·v of a tfjs scalar function by double backprop, as float64 numbers. */
export function nestedGradientHvp(f: (x: tf.Tensor1D) => tf.Scalar, x: ArrayLike<number>, v: ArrayLike<number>): Float64Array {
  const hv = tf.tidy(() => {
    const direction = tf.tensor1d(Float32Array.from(v));
    const gradient = tf.grad((t) => f(t as tf.Tensor1D));
    return tf.grad((t) => tf.sum(tf.mul(gradient(t), direction)))(tf.tensor1d(Float32Array.from(x)));
  });
  const values = Float64Array.from(hv.dataSync());
  hv.dispose();
  return values;
}
