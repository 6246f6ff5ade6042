/**
 * Batch normalisation of a hidden layer's pre-activations z (n×w): ẑ = γ ⊙ normalise(z) + β.
 *
 * Two modes, as in PyTorch:
 *  - training: normalise with the mean and biased variance of the batch itself. The loss, gradient and
 *    Hessian of a batch-normalised network are those of this mode: every sample's output depends on the
 *    whole batch, and that dependence is differentiated (./ops.ts `batchNormalize`).
 *  - evaluation: normalise with fixed running statistics, so the layer is an affine map of z.
 */
import * as tf from '@tensorflow/tfjs';
import { batchNormalize, rsqrt } from './ops';

/**
 * Statistics of one batch-normalised layer's pre-activations, per unit. A type rather than an interface
 * so that arrays of them are tf.TensorContainers (tf.tidy and tf.dispose accept them).
 */
export type LayerStatistics = {
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
};

/** How batch normalisation normalises; `statistics` has one entry per batch-normalised layer. */
export type BatchNormMode = { kind: 'train' } | { kind: 'eval'; statistics: readonly LayerStatistics[] };

export const TRAINING_MODE: BatchNormMode = { kind: 'train' };

/** γ ⊙ normalise(z) + β, with batch statistics, or with `running` statistics when given. */
export function batchNorm(
  z: tf.Tensor2D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
  running?: LayerStatistics,
): tf.Tensor2D {
  const normalized =
    running === undefined
      ? batchNormalize(z, epsilon)
      : tf.mul<tf.Tensor2D>(tf.sub(z, running.mean), rsqrt(tf.add(running.variance, epsilon)));
  return tf.add(tf.mul(normalized, gamma), beta);
}

/**
 * PyTorch's update of running statistics after a training step on a batch of n samples:
 * running ← (1 − momentum)·running + momentum·batch, where the batch variance enters unbiased
 * (× n/(n − 1)) while normalisation itself uses the biased one. Returns new tensors; the caller owns
 * (and disposes) both the old and the new statistics.
 */
export function updateRunningStatistics(
  running: readonly LayerStatistics[],
  batch: readonly LayerStatistics[],
  n: number,
  momentum = 0.1,
): LayerStatistics[] {
  if (running.length !== batch.length) {
    throw new RangeError(`${running.length} running statistics for ${batch.length} batch statistics`);
  }
  if (!(n >= 2)) throw new RangeError(`the unbiased variance needs n ≥ 2 samples, got ${n}`);
  return tf.tidy(() =>
    running.map((old, l) => ({
      mean: tf.add<tf.Tensor1D>(tf.mul(old.mean, 1 - momentum), tf.mul(batch[l].mean, momentum)),
      variance: tf.add<tf.Tensor1D>(tf.mul(old.variance, 1 - momentum), tf.mul(batch[l].variance, (momentum * n) / (n - 1))),
    })),
  );
}
