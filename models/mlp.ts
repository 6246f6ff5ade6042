/**
 * Fully connected networks as a spec plus a flat float64 parameter vector θ.
 *
 * Flat order of θ: layer by layer from the input; within a layer, the weights W (outDim×inDim,
 * row-major, so W[o][i] sits at weightOffset + o·inDim + i) followed by the bias (outDim entries) when
 * the spec has biases. A layer computes z = W·a + b; hidden layers apply the spec's activation, the
 * output layer is linear.
 */

import { type Activation, activate } from './activations';
import { affineRows } from './kernels';

export interface MlpSpec {
  /** Layer widths from input to output, at least two entries. */
  widths: number[];
  /** Activation of every hidden layer; the output layer is always linear. */
  activation: Activation;
  /** Whether every layer has a bias; default true. */
  bias?: boolean;
}

export interface LayerLayout {
  inDim: number;
  outDim: number;
  /** Index in θ of W[0][0]. */
  weightOffset: number;
  /** Index in θ of b[0], or null when the network has no biases. */
  biasOffset: number | null;
}

/** Where each layer's weights and bias live in θ (see the module comment for the order). */
export function parameterLayout(net: MlpSpec): LayerLayout[] {
  const { widths } = net;
  if (widths.length < 2 || !widths.every((w) => Number.isInteger(w) && w >= 1)) {
    throw new RangeError(`widths must be at least two positive integers, got [${widths.join(', ')}]`);
  }
  const bias = net.bias ?? true;
  const layers: LayerLayout[] = [];
  let offset = 0;
  for (let l = 1; l < widths.length; l++) {
    const inDim = widths[l - 1];
    const outDim = widths[l];
    const weightOffset = offset;
    offset += inDim * outDim;
    const biasOffset = bias ? offset : null;
    if (bias) offset += outDim;
    layers.push({ inDim, outDim, weightOffset, biasOffset });
  }
  return layers;
}

/** Length of θ: Σ_l (in_l·out_l + out_l), the bias terms only with biases. */
export function parameterCount(net: MlpSpec): number {
  const bias = net.bias ?? true;
  return parameterLayout(net).reduce((count, { inDim, outDim }) => count + inDim * outDim + (bias ? outDim : 0), 0);
}

/** Network outputs (n×outDim, row-major) for n inputs x (n×inDim, row-major). */
export function forward(net: MlpSpec, theta: Float64Array, x: Float64Array, n: number): Float64Array {
  const layers = parameterLayout(net);
  checkLength('theta', theta, parameterCount(net));
  checkLength('x', x, n * layers[0].inDim);
  let input = x;
  for (let l = 0; l < layers.length; l++) {
    const { inDim, outDim, weightOffset, biasOffset } = layers[l];
    const z = new Float64Array(n * outDim);
    affineRows(input, n, inDim, outDim, theta, weightOffset, biasOffset ?? -1, z, false);
    if (l < layers.length - 1) activate(net.activation, z, z);
    input = z;
  }
  return input;
}

export function checkLength(name: string, array: Float64Array, expected: number): void {
  if (array.length !== expected) throw new RangeError(`${name} has length ${array.length}, expected ${expected}`);
}
