import * as tf from '@tensorflow/tfjs';
import { createRng } from '../../harness/rng';
import { ACTIVATIONS } from '../activations';
import { forward } from '../mlp';
import { type TfjsMlpSpec, appendBatchNormParameters } from './layout';
import { batchStatistics, mlpOutputs } from './mlp';
import { float32Rounded, randomDenseTheta, relativeError, useCpuBackend } from './testing/fixtures';

useCpuBackend();

const rng = createRng(7_010);
const N = 6;
const inputs = (width: number): Float64Array => float32Rounded(Array.from({ length: N * width }, () => rng.uniformIn(-1, 1)));

function outputs(spec: TfjsMlpSpec, theta: Float64Array, x: Float64Array): Float64Array {
  const out = tf.tidy(() => mlpOutputs(spec, tf.tensor1d(Float32Array.from(theta)), tf.tensor2d(Float32Array.from(x), [N, spec.widths[0]])));
  const values = Float64Array.from(out.dataSync());
  out.dispose();
  return values;
}

it.each(ACTIVATIONS)('%s: plain networks give the float64 engine outputs for the same θ', (activation) => {
  const spec: TfjsMlpSpec = { widths: [3, 5, 4, 2], activation };
  const theta = randomDenseTheta(rng, spec);
  const x = inputs(3);
  expect(relativeError(outputs(spec, theta, x), forward(spec, theta, x, N))).toBeLessThan(1e-6);
});

it('residual layers add their input to the activation', () => {
  const spec: TfjsMlpSpec = { widths: [2, 2, 1], activation: 'relu', residual: true, bias: false };
  // W1 = I, W2 = [1, 1]: output = Σ_i (x_i + relu(x_i)).
  const theta = Float64Array.from([1, 0, 0, 1, 1, 1]);
  const x = Float64Array.from([1, -2, 0.5, 0.25, -1, -1, 2, 3, 0, 0, 4, -4]);
  const expected = [0, 1, 2, 3, 4, 5].map((s) => [x[2 * s], x[2 * s + 1]].reduce((sum, t) => sum + t + Math.max(t, 0), 0));
  expect(Array.from(outputs(spec, theta, x))).toEqual(expected);
});

describe('batch norm', () => {
  const spec: TfjsMlpSpec = { widths: [3, 4, 4, 2], activation: 'tanh', batchNorm: true };
  const theta = float32Rounded(appendBatchNormParameters(spec, randomDenseTheta(rng, spec)));
  const x = inputs(3);

  it('batchStatistics gives one mean and variance per normalised layer (none without batch norm)', () => {
    tf.tidy(() => {
      const th = tf.tensor1d(Float32Array.from(theta));
      const xs = tf.tensor2d(Float32Array.from(x), [N, 3]);
      const statistics = batchStatistics(spec, th, xs);
      expect(statistics.map(({ mean, variance }) => [mean.shape, variance.shape])).toEqual([
        [[4], [4]],
        [[4], [4]],
      ]);
      expect(batchStatistics({ widths: [3, 4, 4, 2], activation: 'tanh' }, tf.slice(th, 0, 46), xs)).toEqual([]);
    });
  });

  it('training mode depends on the batch; evaluation mode does not', () => {
    tf.tidy(() => {
      const th = tf.tensor1d(Float32Array.from(theta));
      const xs = tf.tensor2d(Float32Array.from(x), [N, 3]);
      const mode = { kind: 'eval' as const, statistics: batchStatistics(spec, th, xs) };
      const firstRow = (batch: tf.Tensor2D, m?: typeof mode): number[] => Array.from(mlpOutputs(spec, th, batch, m).slice([0, 0], [1, 2]).dataSync());
      const alone = tf.slice(xs, [0, 0], [2, 3]) as tf.Tensor2D;
      expect(relativeError(firstRow(alone, mode), firstRow(xs, mode))).toBeLessThan(1e-6);
      expect(relativeError(firstRow(alone), firstRow(xs))).toBeGreaterThan(1e-3);
    });
  });

  it('evaluation mode needs statistics for every normalised layer', () => {
    tf.tidy(() => {
      const mode = { kind: 'eval' as const, statistics: [] };
      expect(() => mlpOutputs(spec, tf.tensor1d(Float32Array.from(theta)), tf.tensor2d(Float32Array.from(x), [N, 3]), mode)).toThrow(
        'evaluation mode needs statistics for 2 layers, got 0',
      );
    });
  });
});

it('checks the shapes of θ and x, and leaks no tensors', () => {
  const spec: TfjsMlpSpec = { widths: [3, 2], activation: 'tanh' };
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    expect(() => mlpOutputs(spec, tf.zeros([7]), tf.zeros([2, 3]))).toThrow('theta has shape [7], expected [8]');
    expect(() => mlpOutputs(spec, tf.zeros([8]), tf.zeros([2, 4]))).toThrow('x has shape [2,4], expected [n, 3]');
  });
  outputs(spec, new Float64Array(8), new Float64Array(N * 3));
  expect(tf.memory().numTensors).toBe(before);
});
