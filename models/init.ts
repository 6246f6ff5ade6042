/** Parameter initialisation. Randomness comes in as a function, so initialisers stay pure and seedable. */

import { type MlpSpec, parameterCount, parameterLayout } from './mlp';

/**
 * He/Kaiming normal initialisation: every weight W[o][i] ~ N(0, 2/fan_in) with fan_in = inDim of its
 * layer, every bias 0. `normal` must return standard-normal draws; it is called once per weight, in
 * the flat order of θ.
 */
export function kaimingNormal(net: MlpSpec, normal: () => number): Float64Array {
  const theta = new Float64Array(parameterCount(net));
  for (const { inDim, outDim, weightOffset } of parameterLayout(net)) {
    const sd = Math.sqrt(2 / inDim);
    for (let k = weightOffset, end = weightOffset + inDim * outDim; k < end; k++) theta[k] = sd * normal();
  }
  return theta;
}

/**
 * The default initialisation of a PyTorch `nn.Linear` layer (`kaiming_uniform_` with a = √5, and its
 * bias rule): every weight and every bias of a layer ~ U(−1/√fan_in, 1/√fan_in), fan_in = inDim.
 * `uniform` must return draws on [0, 1); it is called once per parameter, in the flat order of θ.
 */
export function uniformFanIn(net: MlpSpec, uniform: () => number): Float64Array {
  const theta = new Float64Array(parameterCount(net));
  for (const { inDim, outDim, weightOffset, biasOffset } of parameterLayout(net)) {
    const bound = 1 / Math.sqrt(inDim);
    const end = (biasOffset ?? weightOffset + inDim * outDim) + (biasOffset === null ? 0 : outDim);
    for (let k = weightOffset; k < end; k++) theta[k] = bound * (2 * uniform() - 1);
  }
  return theta;
}
