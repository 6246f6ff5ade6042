/**
 * Training objective of a tfjs MLP as a function of the flat float32 parameters θ: loss, gradient and
 * Hessian-vector products by double backprop (the gradient of ⟨∇L(θ), v⟩, i.e. reverse-over-reverse).
 *
 * The objective is stateless: data and the batch-norm mode are arguments, so one objective serves any
 * batch. Every method runs in `tf.tidy` and returns new tensors that the caller disposes; nothing else
 * survives a call (objective.test.ts checks that tensor counts stay flat).
 *
 * The engine refuses specs it cannot differentiate twice correctly (checkSecondOrderSupport), rather
 * than produce silently wrong Hessians.
 */
import * as tf from '@tensorflow/tfjs';
import type { LossSpec } from '../losses';
import { type BatchNormMode, TRAINING_MODE } from './batch-norm';
import type { TfjsDataset } from './data';
import { type TfjsMlpSpec, tfjsParameterCount, tfjsParameterLayout } from './layout';
import { dataLoss, l2Penalty } from './losses';
import { mlpOutputs } from './mlp';
import { checkSecondOrderSupport } from './second-order';

export interface TfjsMlpObjective {
  readonly spec: TfjsMlpSpec;
  readonly lossSpec: LossSpec;
  /** Number of parameters. */
  readonly dim: number;
  /** Data loss + l2·‖θ‖² on `data`; batch norm uses `mode` (default: training, i.e. batch statistics). */
  loss(theta: tf.Tensor1D, data: TfjsDataset, mode?: BatchNormMode): tf.Scalar;
  gradient(theta: tf.Tensor1D, data: TfjsDataset, mode?: BatchNormMode): tf.Tensor1D;
  lossAndGradient(theta: tf.Tensor1D, data: TfjsDataset, mode?: BatchNormMode): { loss: tf.Scalar; gradient: tf.Tensor1D };
  /** H(θ)·v, exact up to float32 rounding (double backprop; no finite differences). */
  hvp(theta: tf.Tensor1D, v: tf.Tensor1D, data: TfjsDataset, mode?: BatchNormMode): tf.Tensor1D;
}

export function tfjsMlpObjective(spec: TfjsMlpSpec, lossSpec: LossSpec): TfjsMlpObjective {
  const problems = checkSecondOrderSupport({ activation: spec.activation, loss: lossSpec.kind });
  if (problems.length > 0) throw new Error(`the tfjs engine cannot differentiate this model twice: ${problems.join('; ')}`);
  const l2 = lossSpec.l2 ?? 0;
  if (!Number.isFinite(l2)) throw new RangeError(`l2 must be finite, got ${l2}`);
  const layout = tfjsParameterLayout(spec);
  const outputDim = layout[layout.length - 1].outDim;
  const dim = tfjsParameterCount(spec);

  // Typed on tf.Tensor because tf.grad takes (x: Tensor) => Tensor; θ is checked to be 1-D by mlpOutputs.
  const objectiveOn =
    (data: TfjsDataset, mode: BatchNormMode) =>
    (theta: tf.Tensor): tf.Scalar => {
      if (data.y.rank !== 2 || data.y.shape[1] !== outputDim || data.y.shape[0] !== data.x.shape[0]) {
        throw new RangeError(`y has shape [${data.y.shape}], expected [${data.x.shape[0]}, ${outputDim}]`);
      }
      const loss = dataLoss(lossSpec.kind, mlpOutputs(spec, theta as tf.Tensor1D, data.x, mode), data.y);
      return l2 === 0 ? loss : tf.add(loss, l2Penalty(l2, theta as tf.Tensor1D));
    };

  return {
    spec,
    lossSpec,
    dim,
    loss: (theta, data, mode = TRAINING_MODE) => tf.tidy(() => objectiveOn(data, mode)(theta)),
    gradient: (theta, data, mode = TRAINING_MODE) => tf.tidy(() => tf.grad(objectiveOn(data, mode))(theta) as tf.Tensor1D),
    lossAndGradient: (theta, data, mode = TRAINING_MODE) =>
      tf.tidy(() => {
        const { value, grad } = tf.valueAndGrad(objectiveOn(data, mode))(theta);
        return { loss: value as tf.Scalar, gradient: grad as tf.Tensor1D };
      }),
    hvp(theta, v, data, mode = TRAINING_MODE) {
      if (v.rank !== 1 || v.size !== dim) throw new RangeError(`v has shape [${v.shape}], expected [${dim}]`);
      const gradientOf = tf.grad(objectiveOn(data, mode));
      return tf.tidy(() => tf.grad((t) => tf.sum(tf.mul(gradientOf(t), v)))(theta) as tf.Tensor1D);
    },
  };
}
