import * as tf from '@tensorflow/tfjs';
import { type TfjsLayerLayout, tfjsParameterCount, tfjsParameterLayout } from './layout';
import { splitParameters } from './parameters';
import { useCpuBackend } from './testing/fixtures';

useCpuBackend();

it('cuts θ into each layer’s W (out×in, row-major), b, γ and β at the layout’s offsets', () => {
  const spec = { widths: [2, 3, 1], activation: 'tanh' as const, batchNorm: true };
  const dim = tfjsParameterCount(spec); // W1 0–5, b1 6–8, W2 9–11, b2 12, γ 13–15, β 16–18
  const pieces: unknown[] = [];
  tf.tidy(() => {
    for (const { weight, bias, gamma, beta } of splitParameters(tf.range(0, dim) as tf.Tensor1D, tfjsParameterLayout(spec))) {
      pieces.push({ weight: weight.arraySync(), bias: bias?.arraySync() ?? null, gamma: gamma?.arraySync() ?? null, beta: beta?.arraySync() ?? null });
    }
  });
  expect(pieces).toEqual([
    { weight: [[0, 1], [2, 3], [4, 5]], bias: [6, 7, 8], gamma: [13, 14, 15], beta: [16, 17, 18] },
    { weight: [[9, 10, 11]], bias: [12], gamma: null, beta: null },
  ]);
});

it('rejects a layout with gaps', () => {
  const layout: TfjsLayerLayout[] = [
    { inDim: 1, outDim: 1, weightOffset: 0, biasOffset: 2, gammaOffset: null, betaOffset: null, hidden: false, residual: false },
  ];
  tf.tidy(() => expect(() => splitParameters(tf.zeros([3]), layout)).toThrow('layout is not contiguous at θ[1]'));
});
