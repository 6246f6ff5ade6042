import { createRng } from '../harness/rng';
import { type MlpSpec, forward, parameterCount, parameterLayout } from './mlp';

describe('parameterCount and parameterLayout', () => {
  it.each([
    [[1, 4, 7, 1], true, 51],
    [[1, 3, 3, 2], true, 26],
    [[1, 4, 7, 1], false, 39],
    [[16, 8, 16, 16], true, 552],
    [[5, 2], false, 10],
  ])('widths %j, bias %s → %i parameters', (widths, bias, count) => {
    expect(parameterCount({ widths, activation: 'tanh', bias })).toBe(count);
  });

  it('lays out each layer as weights (out×in) then bias, layer after layer', () => {
    expect(parameterLayout({ widths: [1, 3, 3, 2], activation: 'relu' })).toEqual([
      { inDim: 1, outDim: 3, weightOffset: 0, biasOffset: 3 },
      { inDim: 3, outDim: 3, weightOffset: 6, biasOffset: 15 },
      { inDim: 3, outDim: 2, weightOffset: 18, biasOffset: 24 },
    ]);
    expect(parameterLayout({ widths: [1, 3, 2], activation: 'relu', bias: false })).toEqual([
      { inDim: 1, outDim: 3, weightOffset: 0, biasOffset: null },
      { inDim: 3, outDim: 2, weightOffset: 3, biasOffset: null },
    ]);
  });

  it('rejects fewer than two widths and non-positive or fractional widths', () => {
    for (const widths of [[3], [], [2, 0, 1], [2, 1.5]]) {
      expect(() => parameterLayout({ widths, activation: 'tanh' })).toThrow(RangeError);
    }
  });
});

describe('forward', () => {
  const rng = createRng(21);
  const net: MlpSpec = { widths: [2, 3, 2], activation: 'tanh' };
  const n = 4;
  const x = Float64Array.from({ length: n * 2 }, () => rng.normal());
  const theta = Float64Array.from({ length: parameterCount(net) }, () => rng.normal());

  it('computes W₂·tanh(W₁x + b₁) + b₂ with the documented flat order', () => {
    const out = forward(net, theta, x, n);
    expect(out.length).toBe(n * 2);
    // θ = [W₁ (3×2), b₁ (3), W₂ (2×3), b₂ (2)].
    for (let s = 0; s < n; s++) {
      const hidden = [0, 1, 2].map((o) => Math.tanh(theta[o * 2] * x[s * 2] + theta[o * 2 + 1] * x[s * 2 + 1] + theta[6 + o]));
      for (let o = 0; o < 2; o++) {
        const expected = hidden.reduce((t, a, i) => t + theta[9 + o * 3 + i] * a, theta[15 + o]);
        expect(out[s * 2 + o]).toBeCloseTo(expected, 14);
      }
    }
  });

  it('W[o][i] of layer l moves only unit o of that layer, by Δ·(input i); b[o] moves unit o by Δ', () => {
    // Pre-activations of layer l are the outputs of the prefix network ending at l (its last layer is linear).
    const prefixOutputs = (l: number, params: Float64Array) => {
      const prefix: MlpSpec = { ...net, widths: net.widths.slice(0, l + 2) };
      return forward(prefix, params.subarray(0, parameterCount(prefix)), x, n);
    };
    const layers = parameterLayout(net);
    layers.forEach(({ inDim, outDim, weightOffset, biasOffset }, l) => {
      const input = l === 0 ? x : prefixOutputs(l - 1, theta).map(Math.tanh);
      const base = prefixOutputs(l, theta);
      for (let o = 0; o < outDim; o++) {
        for (let i = 0; i <= inDim; i++) {
          // i = inDim stands for the bias.
          const changed = Float64Array.from(theta);
          changed[i < inDim ? weightOffset + o * inDim + i : (biasOffset as number) + o] += 0.5;
          const out = prefixOutputs(l, changed);
          for (let s = 0; s < n; s++) {
            for (let q = 0; q < outDim; q++) {
              const expected = q !== o ? 0 : i < inDim ? 0.5 * input[s * inDim + i] : 0.5;
              expect(out[s * outDim + q] - base[s * outDim + q]).toBeCloseTo(expected, 14);
            }
          }
        }
      }
    });
  });

  it('rejects θ or x of the wrong length', () => {
    expect(() => forward(net, new Float64Array(3), x, n)).toThrow(/theta has length 3, expected 17/);
    expect(() => forward(net, theta, x, n + 1)).toThrow(/x has length 8, expected 10/);
  });
});
