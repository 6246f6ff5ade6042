import * as tf from '@tensorflow/tfjs';
import { batchNorm, updateRunningStatistics } from './batch-norm';
import { useCpuBackend } from './testing/fixtures';

useCpuBackend();

const Z = [
  [1, 10],
  [2, 30],
  [4, 20],
  [5, 60],
];
const GAMMA = [2, 0.5];
const BETA = [-1, 3];

/** Column mean and biased variance of Z. */
function columnStatistics(j: number): { mean: number; variance: number } {
  const column = Z.map((row) => row[j]);
  const mean = column.reduce((a, b) => a + b) / column.length;
  return { mean, variance: column.reduce((s, t) => s + (t - mean) ** 2, 0) / column.length };
}

it('training mode normalises with the batch statistics, then scales by γ and shifts by β', () => {
  const out = tf.tidy(() => batchNorm(tf.tensor2d(Z), tf.tensor1d(GAMMA), tf.tensor1d(BETA), 1e-5).arraySync());
  Z.forEach((row, s) =>
    row.forEach((z, j) => {
      const { mean, variance } = columnStatistics(j);
      expect(out[s][j]).toBeCloseTo((GAMMA[j] * (z - mean)) / Math.sqrt(variance + 1e-5) + BETA[j], 5);
    }),
  );
});

it('evaluation mode uses the given statistics instead', () => {
  const running = { mean: [3, 25], variance: [4, 100] };
  const out = tf.tidy(() =>
    batchNorm(tf.tensor2d(Z), tf.tensor1d(GAMMA), tf.tensor1d(BETA), 0.01, { mean: tf.tensor1d(running.mean), variance: tf.tensor1d(running.variance) }).arraySync(),
  );
  Z.forEach((row, s) =>
    row.forEach((z, j) => expect(out[s][j]).toBeCloseTo((GAMMA[j] * (z - running.mean[j])) / Math.sqrt(running.variance[j] + 0.01) + BETA[j], 5)),
  );
});

describe('updateRunningStatistics', () => {
  it("follows PyTorch: momentum-weighted, with the batch variance made unbiased", () => {
    const [updated] = tf.tidy(() =>
      updateRunningStatistics([{ mean: tf.tensor1d([0, 0]), variance: tf.tensor1d([1, 1]) }], [{ mean: tf.tensor1d([3, 30]), variance: tf.tensor1d([2.5, 350]) }], 4, 0.1).map(
        ({ mean, variance }) => [Array.from(mean.dataSync()), Array.from(variance.dataSync())],
      ),
    );
    expect(updated[0][0]).toBeCloseTo(0.3, 6);
    expect(updated[0][1]).toBeCloseTo(3, 5);
    expect(updated[1][0]).toBeCloseTo(0.9 + (0.1 * 2.5 * 4) / 3, 6);
    expect(updated[1][1]).toBeCloseTo(0.9 + (0.1 * 350 * 4) / 3, 4);
  });

  it('rejects mismatched layers and batches too small for an unbiased variance', () => {
    tf.tidy(() => {
      const layer = { mean: tf.tensor1d([0]), variance: tf.tensor1d([1]) };
      expect(() => updateRunningStatistics([layer], [], 4)).toThrow('1 running statistics for 0 batch statistics');
      expect(() => updateRunningStatistics([layer], [layer], 1)).toThrow('n ≥ 2');
    });
  });
});
