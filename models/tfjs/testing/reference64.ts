/**
 * A float64 reference for the tfjs engine's networks with batch normalisation and residual connections,
 * which the float64 engine does not have: the loss written as a plain loop over samples and units,
 * independent of tfjs. Tests differentiate it by finite differences (./finite-differences.ts). The
 * activations and data losses are the float64 engine's, which have their own tests.
 */
import { activate } from '../../activations';
import { type LossSpec, lossValue } from '../../losses';
import type { Dataset64 } from '../../objective';
import { DEFAULT_BATCH_NORM_EPSILON, type TfjsMlpSpec, tfjsParameterLayout } from '../layout';

/** Fixed per-unit statistics of one batch-normalised layer (evaluation mode). */
export interface Statistics64 {
  mean: Float64Array;
  variance: Float64Array;
}

/** Data loss + l2·‖θ‖²; batch norm uses batch statistics, or `statistics` (one per normalised layer) when given. */
export function referenceLoss(spec: TfjsMlpSpec, loss: LossSpec, data: Dataset64, theta: Float64Array, statistics?: Statistics64[]): number {
  const { n, y, outputDim } = data;
  const epsilon = spec.batchNormEpsilon ?? DEFAULT_BATCH_NORM_EPSILON;
  let a = data.x;
  let normalized = 0;
  for (const layer of tfjsParameterLayout(spec)) {
    const { inDim, outDim, weightOffset, biasOffset, gammaOffset, betaOffset } = layer;
    const z = new Float64Array(n * outDim);
    for (let s = 0; s < n; s++) {
      for (let o = 0; o < outDim; o++) {
        let sum = biasOffset === null ? 0 : theta[biasOffset + o];
        for (let i = 0; i < inDim; i++) sum += theta[weightOffset + o * inDim + i] * a[s * inDim + i];
        z[s * outDim + o] = sum;
      }
    }
    if (!layer.hidden) {
      let penalty = 0;
      for (const t of theta) penalty += t * t;
      return lossValue(loss.kind, z, y, n, outputDim) + (loss.l2 ?? 0) * penalty;
    }
    if (gammaOffset !== null && betaOffset !== null) {
      const fixed = statistics?.[normalized++];
      for (let o = 0; o < outDim; o++) {
        let mean = 0;
        let variance = 0;
        if (fixed) {
          mean = fixed.mean[o];
          variance = fixed.variance[o];
        } else {
          for (let s = 0; s < n; s++) mean += z[s * outDim + o] / n;
          for (let s = 0; s < n; s++) variance += (z[s * outDim + o] - mean) ** 2 / n;
        }
        const scale = theta[gammaOffset + o] / Math.sqrt(variance + epsilon);
        for (let s = 0; s < n; s++) z[s * outDim + o] = (z[s * outDim + o] - mean) * scale + theta[betaOffset + o];
      }
    }
    activate(spec.activation, z, z);
    if (layer.residual) for (let k = 0; k < z.length; k++) z[k] += a[k];
    a = z;
  }
  throw new Error('unreachable: the output layer returns');
}
