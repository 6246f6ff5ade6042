/**
 * Forward pass of the tfjs engine: a functional MLP of a flat float32 parameter vector θ (see ./layout.ts
 * for its order), optionally with batch normalisation and residual connections. Every op on the path
 * from θ to the outputs is second-order-correct (./second-order.ts), so nested gradients of anything
 * computed from these outputs are exact up to float32 rounding.
 *
 * Hidden layer:  z = a·Wᵀ + b,  ẑ = BN(z) (or z),  a_out = σ(ẑ) (+ a when residual).
 * Output layer:  f = a·Wᵀ + b, linear.
 */
import * as tf from '@tensorflow/tfjs';
import { activate } from './activations';
import { type BatchNormMode, type LayerStatistics, TRAINING_MODE, batchNorm } from './batch-norm';
import { DEFAULT_BATCH_NORM_EPSILON, type TfjsLayerLayout, type TfjsMlpSpec, tfjsParameterCount, tfjsParameterLayout } from './layout';
import { columnMoments, matMul } from './ops';
import { type LayerParameters, splitParameters } from './parameters';

/** Network outputs (n×outDim) for inputs x (n×inDim). Batch norm uses `mode` (default: training). */
export function mlpOutputs(spec: TfjsMlpSpec, theta: tf.Tensor1D, x: tf.Tensor2D, mode: BatchNormMode = TRAINING_MODE): tf.Tensor2D {
  return tf.tidy(() => forward(spec, theta, x, mode, null));
}

/**
 * The batch statistics (mean and biased variance of the pre-activations) of every batch-normalised
 * layer on x, as training mode computes them; empty without batch norm. Passing them as evaluation
 * statistics reproduces training-mode outputs on the same batch.
 */
export function batchStatistics(spec: TfjsMlpSpec, theta: tf.Tensor1D, x: tf.Tensor2D): LayerStatistics[] {
  return tf.tidy(() => {
    const statistics: LayerStatistics[] = [];
    forward(spec, theta, x, TRAINING_MODE, statistics);
    return statistics;
  });
}

function forward(
  spec: TfjsMlpSpec,
  theta: tf.Tensor1D,
  x: tf.Tensor2D,
  mode: BatchNormMode,
  collect: LayerStatistics[] | null,
): tf.Tensor2D {
  const layout = tfjsParameterLayout(spec);
  checkShapes(spec, layout, theta, x);
  const normalizedLayers = layout.filter((layer) => layer.gammaOffset !== null).length;
  if (mode.kind === 'eval' && mode.statistics.length !== normalizedLayers) {
    throw new RangeError(`evaluation mode needs statistics for ${normalizedLayers} layers, got ${mode.statistics.length}`);
  }
  const epsilon = spec.batchNormEpsilon ?? DEFAULT_BATCH_NORM_EPSILON;
  const parameters = splitParameters(theta, layout);
  const depth = layout.length;
  let a = x;
  let normalized = 0;
  for (let l = 0; l < depth - 1; l++) {
    const { gamma, beta } = parameters[l];
    let z = dense(parameters[l], a, a === x);
    if (gamma !== null && beta !== null) {
      if (collect !== null) collect.push(columnMoments(z));
      const running = mode.kind === 'eval' ? mode.statistics[normalized] : undefined;
      z = batchNorm(z, gamma, beta, epsilon, running);
      normalized++;
    }
    const activated = activate(spec.activation, z);
    a = layout[l].residual ? tf.add(a, activated) : activated;
  }
  return dense(parameters[depth - 1], a, a === x);
}

/**
 * z = a·Wᵀ + b. `aIsData` marks the network input, whose gradient is never needed (see ./ops.ts
 * matMul); W is transposed explicitly because matMul's transpose flags are slow on wasm.
 */
function dense({ weight, bias }: LayerParameters, a: tf.Tensor2D, aIsData: boolean): tf.Tensor2D {
  const z = matMul(a, tf.transpose(weight), aIsData ? 'a' : null);
  return bias === null ? z : tf.add<tf.Tensor2D>(z, bias);
}

function checkShapes(spec: TfjsMlpSpec, layout: TfjsLayerLayout[], theta: tf.Tensor1D, x: tf.Tensor2D): void {
  const dim = tfjsParameterCount(spec);
  if (theta.rank !== 1 || theta.size !== dim) throw new RangeError(`theta has shape [${theta.shape}], expected [${dim}]`);
  if (x.rank !== 2 || x.shape[1] !== layout[0].inDim) {
    throw new RangeError(`x has shape [${x.shape}], expected [n, ${layout[0].inDim}]`);
  }
}
