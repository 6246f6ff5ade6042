/**
 * Hidden-layer activations of the tfjs engine, the same set as the float64 engine's, each built from the
 * second-order-correct ops of ./ops.ts (never the built-in tanh/sigmoid, whose nested gradients are
 * wrong).
 */
import type * as tf from '@tensorflow/tfjs';
import type { Activation } from '../activations';
import { relu, sigmoid, swish, tanh } from './ops';

/** σ(z) elementwise. identity returns `z` itself: no op, so nothing to differentiate wrongly. */
export function activate<T extends tf.Tensor>(kind: Activation, z: T): T {
  switch (kind) {
    case 'identity':
      return z;
    case 'tanh':
      return tanh(z);
    case 'relu':
      return relu(z);
    case 'sigmoid':
      return sigmoid(z);
    case 'swish':
      return swish(z);
  }
}
