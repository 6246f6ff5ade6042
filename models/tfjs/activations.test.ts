import * as tf from '@tensorflow/tfjs';
import { ACTIVATIONS, activate as activate64 } from '../activations';
import { activate } from './activations';
import { useCpuBackend } from './testing/fixtures';

useCpuBackend();

const Z = Float64Array.from([-30, -2.5, -0.5, 0, 0.25, 1, 3, 30]);

it.each(ACTIVATIONS)('%s has the float64 engine values', (kind) => {
  const expected = new Float64Array(Z.length);
  activate64(kind, Z, expected);
  const got = tf.tidy(() => Array.from(activate(kind, tf.tensor1d(Float32Array.from(Z))).dataSync()));
  got.forEach((value, k) => expect(value).toBeCloseTo(expected[k], 6));
});

it('identity adds no op', () => {
  const z = tf.tensor1d([1, 2]);
  expect(activate('identity', z)).toBe(z);
  z.dispose();
});
