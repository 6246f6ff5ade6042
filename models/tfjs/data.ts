/** Data sets as tfjs tensors. */
import * as tf from '@tensorflow/tfjs';
import type { Dataset64 } from '../objective';

/** Inputs x (n×inputDim) and targets y (n×outputDim). A type, so that tf.tidy and tf.dispose take it. */
export type TfjsDataset = {
  x: tf.Tensor2D;
  y: tf.Tensor2D;
};

/**
 * float32 tensors of a float64 data set, each entry rounded to the nearest float32 (tfjs computes in
 * float32 only). The caller owns the tensors: `tf.dispose(dataset)` frees them.
 */
export function tfjsDataset(data: Dataset64): TfjsDataset {
  const { n, inputDim, outputDim, x, y } = data;
  if (x.length !== n * inputDim) throw new RangeError(`data.x has length ${x.length}, expected ${n * inputDim}`);
  if (y.length !== n * outputDim) throw new RangeError(`data.y has length ${y.length}, expected ${n * outputDim}`);
  return {
    x: tf.tensor2d(Float32Array.from(x), [n, inputDim]),
    y: tf.tensor2d(Float32Array.from(y), [n, outputDim]),
  };
}
