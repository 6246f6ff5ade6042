/**
 * Batched dense-layer kernels on row-major buffers. A layer's weights W (outDim×inDim, row-major) and
 * bias b (outDim) are read in place from a flat parameter vector at the offsets of its `LayerLayout`,
 * so parameters, gradients and tangent directions never need unpacking.
 *
 * Each kernel is one matrix product through `gemm` (numerics/gemm.ts), biases included (gemm's bias
 * row) and bias gradients (column sums, numerics/elementwise.ts). gemm multiplies without copying when its three operands are views of one
 * `float64Workspace`, which is how mlpObjective allocates its buffers; any other arrays work too, at
 * the cost of a copy per call.
 */

import { addColumnSums } from '../numerics/elementwise';
import { gemm } from '../numerics/gemm';

/**
 * out = input·Wᵀ (+ b), or out += input·Wᵀ (+ b) when `accumulate`; input is n×inDim, out n×outDim.
 * `biasOffset` < 0 means no bias.
 */
export function affineRows(
  input: Float64Array,
  n: number,
  inDim: number,
  outDim: number,
  params: Float64Array,
  weightOffset: number,
  biasOffset: number,
  out: Float64Array,
  accumulate: boolean,
): void {
  const bias = biasOffset >= 0 ? { bias: params, biasOffset } : {};
  gemm(n, outDim, inDim, input, params, out, { transB: true, bOffset: weightOffset, beta: accumulate ? 1 : 0, ...bias });
}

/** out = delta·W, or out += delta·W when `accumulate`; delta is n×outDim, out n×inDim. */
export function backpropRows(
  delta: Float64Array,
  n: number,
  inDim: number,
  outDim: number,
  params: Float64Array,
  weightOffset: number,
  out: Float64Array,
  accumulate: boolean,
): void {
  gemm(n, inDim, outDim, delta, params, out, { bOffset: weightOffset, beta: accumulate ? 1 : 0 });
}

/**
 * grad[W] += deltaᵀ·input and, if `biasOffset` ≥ 0, grad[b] += Σ_s delta[s]: the parameter gradient of
 * one layer given the loss gradient `delta` (n×outDim) at its pre-activations.
 */
export function accumulateLayerGradient(
  delta: Float64Array,
  input: Float64Array,
  n: number,
  inDim: number,
  outDim: number,
  grad: Float64Array,
  weightOffset: number,
  biasOffset: number,
): void {
  gemm(outDim, inDim, n, delta, input, grad, { transA: true, cOffset: weightOffset, beta: 1 });
  if (biasOffset >= 0) addColumnSums(delta, n, outDim, grad, biasOffset);
}
