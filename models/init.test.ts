import { createRng } from '../harness/rng';
import { kaimingNormal, uniformFanIn } from './init';
import { type MlpSpec, parameterLayout } from './mlp';

it('scales each standard-normal draw by √(2/fan_in), in θ order, and zeroes biases', () => {
  const net: MlpSpec = { widths: [2, 3, 1], activation: 'relu' };
  let calls = 0;
  const theta = kaimingNormal(net, () => ++calls);
  expect(calls).toBe(9);
  const a = Math.sqrt(2 / 2);
  const b = Math.sqrt(2 / 3);
  expect(Array.from(theta)).toEqual([1 * a, 2 * a, 3 * a, 4 * a, 5 * a, 6 * a, 0, 0, 0, 7 * b, 8 * b, 9 * b, 0]);
});

it('works without biases', () => {
  expect(kaimingNormal({ widths: [4, 2], activation: 'tanh', bias: false }, () => 1)).toEqual(new Float64Array(8).fill(Math.sqrt(0.5)));
});

it('has weight variance 2/fan_in per layer for a seeded normal source', () => {
  const net: MlpSpec = { widths: [50, 400, 8], activation: 'relu' };
  const rng = createRng(99);
  const theta = kaimingNormal(net, () => rng.normal());
  for (const { inDim, outDim, weightOffset, biasOffset } of parameterLayout(net)) {
    const w = theta.subarray(weightOffset, weightOffset + inDim * outDim);
    const variance = w.reduce((t, e) => t + e * e, 0) / w.length;
    // Relative standard error of the variance estimate is √(2/count): ≤ 1% and ≤ 3% for the two layers.
    expect(Math.abs(variance / (2 / inDim) - 1)).toBeLessThan(5 * Math.sqrt(2 / w.length));
    expect(theta.subarray(biasOffset as number, (biasOffset as number) + outDim)).toEqual(new Float64Array(outDim));
  }
});

it('draws every weight and bias of a layer uniformly within ±1/√fan_in, in θ order (PyTorch nn.Linear default)', () => {
  const net: MlpSpec = { widths: [1, 4, 2], activation: 'tanh' };
  let calls = 0;
  // u = 1 − 2^-k gives entries just below the bound, u = 0 the negative bound.
  const theta = uniformFanIn(net, () => (calls++ % 2 === 0 ? 0 : 1 - 2 ** -40));
  expect(calls).toBe(4 + 4 + 8 + 2);
  const [first, second] = parameterLayout(net);
  expect(theta[first.weightOffset]).toBe(-1);
  expect(theta[first.biasOffset as number]).toBe(-1);
  expect(theta[second.weightOffset]).toBe(-0.5);
  expect(Math.max(...Array.from(theta.subarray(second.weightOffset)).map(Math.abs))).toBe(0.5);
  expect(Array.from(theta.subarray(0, 8)).every((v) => Math.abs(v) <= 1)).toBe(true);
});
