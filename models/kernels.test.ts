import { createRng } from '../harness/rng';
import { accumulateLayerGradient, affineRows, backpropRows } from './kernels';

// Shapes cover the four-wide blocks, their remainders and more rows than one gradient sample block.
describe.each([
  [4, 3, 2],
  [300, 6, 5],
  [7, 8, 16],
  [2, 1, 1],
])('n = %i, %i inputs → %i outputs', (n, inDim, outDim) => {
  const rng = createRng(5 + n + inDim);
  // W at offset 1 and b right after it, inside a longer flat vector.
  const weightOffset = 1;
  const biasOffset = 1 + inDim * outDim;
  const length = biasOffset + outDim + 1;
  const params = Float64Array.from({ length }, () => rng.normal());
  const W = (o: number, i: number) => params[weightOffset + o * inDim + i];
  const input = Float64Array.from({ length: n * inDim }, () => rng.normal());
  const delta = Float64Array.from({ length: n * outDim }, () => rng.normal());
  const close = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThan(1e-13 * (1 + Math.abs(expected)));

  it('affineRows computes input·Wᵀ + b, optionally without bias and accumulating', () => {
    const out = new Float64Array(n * outDim).fill(9);
    affineRows(input, n, inDim, outDim, params, weightOffset, biasOffset, out, false);
    const noBias = new Float64Array(n * outDim).fill(1);
    affineRows(input, n, inDim, outDim, params, weightOffset, -1, noBias, true);
    for (let s = 0; s < n; s++) {
      for (let o = 0; o < outDim; o++) {
        let dot = 0;
        for (let i = 0; i < inDim; i++) dot += input[s * inDim + i] * W(o, i);
        close(out[s * outDim + o], dot + params[biasOffset + o]);
        close(noBias[s * outDim + o], 1 + dot);
      }
    }
  });

  it('backpropRows computes delta·W, optionally accumulating', () => {
    const out = new Float64Array(n * inDim).fill(9);
    backpropRows(delta, n, inDim, outDim, params, weightOffset, out, false);
    const accumulated = new Float64Array(n * inDim).fill(1);
    backpropRows(delta, n, inDim, outDim, params, weightOffset, accumulated, true);
    for (let s = 0; s < n; s++) {
      for (let i = 0; i < inDim; i++) {
        let sum = 0;
        for (let o = 0; o < outDim; o++) sum += delta[s * outDim + o] * W(o, i);
        close(out[s * inDim + i], sum);
        close(accumulated[s * inDim + i], 1 + sum);
      }
    }
  });

  it('accumulateLayerGradient adds deltaᵀ·input to W and column sums of delta to b, touching nothing else', () => {
    const grad = new Float64Array(length).fill(1);
    accumulateLayerGradient(delta, input, n, inDim, outDim, grad, weightOffset, biasOffset);
    expect(grad[0]).toBe(1);
    expect(grad[length - 1]).toBe(1);
    for (let o = 0; o < outDim; o++) {
      let biasSum = 0;
      for (let s = 0; s < n; s++) biasSum += delta[s * outDim + o];
      close(grad[biasOffset + o], 1 + biasSum);
      for (let i = 0; i < inDim; i++) {
        let sum = 0;
        for (let s = 0; s < n; s++) sum += delta[s * outDim + o] * input[s * inDim + i];
        close(grad[weightOffset + o * inDim + i], 1 + sum);
      }
    }
    const withoutBias = new Float64Array(length);
    accumulateLayerGradient(delta, input, n, inDim, outDim, withoutBias, weightOffset, -1);
    expect(withoutBias.subarray(biasOffset)).toEqual(new Float64Array(outDim + 1));
  });
});
