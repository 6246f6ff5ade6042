/**
 * Reading tensors back to JavaScript. Every read of the float32 engine goes through here, for two
 * reasons: WebGPU in Node can only read asynchronously (`dataSync` needs an OffscreenCanvas), and a
 * WebGPU validation error does not throw but leaves garbage in the results — so a read after one fails.
 */
import type * as tf from '@tensorflow/tfjs';
import { recordedDeviceErrors } from './webgpu';

export async function readFloat32(tensor: tf.Tensor): Promise<Float32Array> {
  const values = (await tensor.data()) as Float32Array;
  checkDevice();
  return values;
}

export async function readInt32(tensor: tf.Tensor): Promise<Int32Array> {
  const values = (await tensor.data()) as Int32Array;
  checkDevice();
  return values;
}

/** The single value of a scalar (or the first entry of any tensor). */
export async function readScalar(tensor: tf.Tensor): Promise<number> {
  return (await readFloat32(tensor))[0];
}

function checkDevice(): void {
  const errors = recordedDeviceErrors();
  if (errors.length > 0) throw new Error(`WebGPU device error: ${errors[0]}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`);
}

/** A tensor's values as float64 numbers; the tensor is disposed (the usual end of a computed result). */
export async function takeFloat64(tensor: tf.Tensor): Promise<Float64Array> {
  try {
    return Float64Array.from(await readFloat32(tensor));
  } finally {
    tensor.dispose();
  }
}
