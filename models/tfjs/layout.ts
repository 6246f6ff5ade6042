/**
 * The tfjs engine's network spec and flat parameter layout.
 *
 * θ begins exactly as the float64 engine's θ (../mlp.ts): layer by layer, the weights W (out×in,
 * row-major) then the bias. So a θ of a plain network is evaluated identically by both engines. With
 * batch normalisation, the scales and shifts are appended after all dense parameters: for each hidden
 * layer in order, γ (width entries) then β (width entries). Appending keeps the dense prefix in the
 * float64 order, so a float64-engine θ extended by `appendBatchNormParameters` is a valid tfjs θ.
 */
import { type LayerLayout, type MlpSpec, parameterCount, parameterLayout } from '../mlp';

export interface TfjsMlpSpec extends MlpSpec {
  /**
   * Batch normalisation after every hidden dense layer, before the activation; default false. The
   * dense bias stays in θ (as in PyTorch's Linear + BatchNorm1d); in training mode it cancels, so its
   * gradient and Hessian rows are zero.
   */
  batchNorm?: boolean;
  /** ε added to the variance in batch normalisation; default 1e-5, as in PyTorch. */
  batchNormEpsilon?: number;
  /**
   * Residual connections on hidden layers whose input and output widths match: a_out = a_in + σ(ẑ),
   * where ẑ is the (batch-normalised) pre-activation; default false. The output layer stays linear.
   */
  residual?: boolean;
}

export interface TfjsLayerLayout extends LayerLayout {
  /** Hidden layers have the activation (and batch norm); the last layer is linear. */
  hidden: boolean;
  /** Index in θ of γ[0] and β[0], or null without batch norm (and always on the output layer). */
  gammaOffset: number | null;
  betaOffset: number | null;
  /** Whether this layer adds its input to its output. */
  residual: boolean;
}

export const DEFAULT_BATCH_NORM_EPSILON = 1e-5;

/** Where every layer's parameters live in θ (see the module comment for the order). */
export function tfjsParameterLayout(spec: TfjsMlpSpec): TfjsLayerLayout[] {
  const dense = parameterLayout(spec);
  const depth = dense.length;
  let offset = parameterCount(spec);
  return dense.map((layer, l) => {
    const hidden = l < depth - 1;
    const normalized = hidden && (spec.batchNorm ?? false);
    const gammaOffset = normalized ? offset : null;
    const betaOffset = normalized ? offset + layer.outDim : null;
    if (normalized) offset += 2 * layer.outDim;
    const residual = hidden && (spec.residual ?? false) && layer.inDim === layer.outDim;
    return { ...layer, hidden, gammaOffset, betaOffset, residual };
  });
}

/** Length of θ: the float64 engine's count plus 2·width per hidden layer with batch norm. */
export function tfjsParameterCount(spec: TfjsMlpSpec): number {
  const layout = tfjsParameterLayout(spec);
  const normalizedWidths = layout.reduce((sum, layer) => sum + (layer.gammaOffset === null ? 0 : layer.outDim), 0);
  return parameterCount(spec) + 2 * normalizedWidths;
}

/**
 * A tfjs θ from a float64-engine θ of the same dense network: batch-norm parameters are appended as
 * γ = 1, β = 0 (the usual initialisation). Without batch norm it is a copy.
 */
export function appendBatchNormParameters(spec: TfjsMlpSpec, denseTheta: Float64Array): Float64Array {
  const layout = tfjsParameterLayout(spec);
  const denseCount = parameterCount(spec);
  if (denseTheta.length !== denseCount) {
    throw new RangeError(`dense θ has length ${denseTheta.length}, expected ${denseCount}`);
  }
  const theta = new Float64Array(tfjsParameterCount(spec));
  theta.set(denseTheta);
  for (const { gammaOffset, outDim } of layout) {
    if (gammaOffset !== null) theta.fill(1, gammaOffset, gammaOffset + outDim);
  }
  return theta;
}
