import * as tf from '@tensorflow/tfjs';
import { createRng } from '../../harness/rng';
import type { LossSpec } from '../losses';
import type { Dataset64 } from '../objective';
import { type TfjsDataset, tfjsDataset } from './data';
import { type TfjsMlpSpec, appendBatchNormParameters } from './layout';
import { tfjsMlpObjective } from './objective';
import { randomDenseTheta, useCpuBackend } from './testing/fixtures';
import { type OptimizerSpec, type TrainOptions, trainMlp } from './train';

useCpuBackend();

const CE: LossSpec = { kind: 'softmax-ce-mean' };

/** n samples of 4 inputs in two linearly separable-ish classes, one-hot targets. */
function classificationData(seed: number, n: number): Dataset64 {
  const rng = createRng(seed);
  const x = new Float64Array(n * 4);
  const y = new Float64Array(n * 2);
  for (let s = 0; s < n; s++) {
    const label = s % 2;
    for (let i = 0; i < 4; i++) x[s * 4 + i] = Math.fround(rng.normal() + (label === 0 ? 1 : -1) * (i < 2 ? 1 : 0));
    y[s * 2 + label] = 1;
  }
  return { n, inputDim: 4, outputDim: 2, x, y };
}

async function withData<T>(data64: Dataset64, f: (data: TfjsDataset) => Promise<T>): Promise<T> {
  const data = tfjsDataset(data64);
  try {
    return await f(data);
  } finally {
    tf.dispose(data);
  }
}

function initialTheta(spec: TfjsMlpSpec, seed: number): Float32Array {
  return Float32Array.from(appendBatchNormParameters(spec, randomDenseTheta(createRng(seed), spec)));
}

it('SGD on a linear model with mean squared error converges to the least-squares solution', async () => {
  const rng = createRng(11);
  const n = 32;
  const x = Float64Array.from({ length: n * 2 }, () => Math.fround(rng.normal()));
  const y = Float64Array.from({ length: n }, (_, s) => Math.fround(1.5 * x[2 * s] - 0.5 * x[2 * s + 1] + 0.3 + 0.2 * rng.normal()));
  // Least squares with an intercept: solve the 3×3 normal equations by Cramer's rule.
  const rows = Array.from({ length: n }, (_, s) => [x[2 * s], x[2 * s + 1], 1]);
  const a = [0, 1, 2].map((i) => [0, 1, 2].map((j) => rows.reduce((sum, r) => sum + r[i] * r[j], 0)));
  const b = [0, 1, 2].map((i) => rows.reduce((sum, r, s) => sum + r[i] * y[s], 0));
  const det = (m: number[][]): number =>
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  const solution = [0, 1, 2].map((k) => det(a.map((row, i) => row.map((v, j) => (j === k ? b[i] : v)))) / det(a));

  const spec: TfjsMlpSpec = { widths: [2, 1], activation: 'identity' };
  const result = await withData({ n, inputDim: 2, outputDim: 1, x, y }, (data) =>
    trainMlp(tfjsMlpObjective(spec, { kind: 'mse' }), data, new Float32Array(3), {
      optimizer: { kind: 'sgd', learningRate: 0.2 },
      epochs: 300,
      batchSize: n,
      rng: createRng(1),
    }),
  );
  // θ = [w1, w2, b]: the dense layout puts the weights before the bias.
  Array.from(result.theta).forEach((value, k) => expect(value).toBeCloseTo(solution[k], 4));
});

describe.each<OptimizerSpec>([
  { kind: 'sgd', learningRate: 0.05, momentum: 0.9 },
  { kind: 'adam', learningRate: 0.01 },
  { kind: 'rmsprop', learningRate: 0.005 },
])('$kind', (optimizer) => {
  it.each([false, true])('decreases the loss of a small MLP (batch norm: %s)', async (batchNorm) => {
    const spec: TfjsMlpSpec = { widths: [4, 8, 2], activation: 'relu', batchNorm };
    const result = await withData(classificationData(3, 64), (data) =>
      trainMlp(tfjsMlpObjective(spec, CE), data, initialTheta(spec, 5), { optimizer, epochs: 10, batchSize: 16, rng: createRng(2) }),
    );
    expect(result.diverged).toBeUndefined();
    expect(result.trace).toHaveLength(10);
    expect(result.trace[9].loss).toBeLessThan(0.7 * result.trace[0].loss);
    expect(result.runningStatistics !== undefined).toBe(batchNorm);
    tf.dispose(result.runningStatistics ?? []);
  });
});

describe('stochastic weight averaging', () => {
  const spec: TfjsMlpSpec = { widths: [4, 6, 2], activation: 'relu', batchNorm: true };
  const options = (swa?: TrainOptions['swa'], epochs = 5): TrainOptions => ({
    optimizer: { kind: 'sgd', learningRate: 0.05, momentum: 0.5 },
    epochs,
    batchSize: 8,
    rng: createRng(9),
    swa,
  });

  it('averages the epoch-end iterates from startEpoch on and recomputes batch-norm statistics for the average', async () => {
    await withData(classificationData(4, 32), async (data) => {
      const objective = tfjsMlpObjective(spec, CE);
      const theta0 = initialTheta(spec, 6);
      // Epoch-end iterates: training for e epochs with the same seed reproduces the first e epochs.
      const iterates: Float32Array[] = [];
      for (const epochs of [3, 4, 5]) {
        const partial = await trainMlp(objective, data, theta0, options(undefined, epochs));
        tf.dispose(partial.runningStatistics ?? []);
        iterates.push(partial.theta);
      }
      const result = await trainMlp(objective, data, theta0, options({ startEpoch: 3 }));
      const swaTheta = result.swaTheta;
      if (swaTheta === undefined) throw new Error('no SWA average');
      swaTheta.forEach((value, k) => expect(value).toBeCloseTo((iterates[0][k] + iterates[1][k] + iterates[2][k]) / 3, 6));
      expect(Array.from(result.theta)).toEqual(Array.from(iterates[2]));

      // The recomputed statistics make evaluation mode on the training set equal training mode on it.
      const statistics = result.swaRunningStatistics ?? [];
      expect(statistics).toHaveLength(1);
      const [evaluated, trained] = tf.tidy(() => {
        const theta = tf.tensor1d(swaTheta);
        return [objective.loss(theta, data, { kind: 'eval', statistics }).dataSync()[0], objective.loss(theta, data).dataSync()[0]];
      });
      expect(evaluated).toBeCloseTo(trained, 4);
      tf.dispose([result.runningStatistics ?? [], statistics]);
    });
  });
});

it('reports divergence with a huge learning rate instead of throwing, keeping the trace so far', async () => {
  const spec: TfjsMlpSpec = { widths: [4, 8, 2], activation: 'relu' };
  const result = await withData(classificationData(3, 64), (data) =>
    trainMlp(tfjsMlpObjective(spec, { kind: 'mse' }), data, initialTheta(spec, 5), {
      optimizer: { kind: 'sgd', learningRate: 1e6 },
      epochs: 20,
      batchSize: 16,
      rng: createRng(2),
    }),
  );
  expect(result.diverged).toMatch(/^non-finite loss at epoch \d+, step \d+$/);
  expect(result.trace.length).toBeLessThan(20);
  result.trace.forEach(({ loss }) => expect(Number.isFinite(loss)).toBe(true));
});

it('is deterministic given the seed and leaves no tensors behind', async () => {
  const spec: TfjsMlpSpec = { widths: [4, 8, 2], activation: 'relu', batchNorm: true };
  await withData(classificationData(3, 64), async (data) => {
    const objective = tfjsMlpObjective(spec, CE);
    const train = (seed: number) =>
      trainMlp(objective, data, initialTheta(spec, 5), {
        optimizer: { kind: 'adam', learningRate: 0.01 },
        epochs: 3,
        batchSize: 16,
        rng: createRng(seed),
        swa: { startEpoch: 2 },
      });
    const before = tf.memory().numTensors;
    const first = await train(21);
    const owned = [first.runningStatistics ?? [], first.swaRunningStatistics ?? []];
    expect(tf.memory().numTensors).toBe(before + 2 * 2); // two statistics tensors for each of the two sets
    tf.dispose(owned);
    expect(tf.memory().numTensors).toBe(before);
    const second = await train(21);
    const other = await train(22);
    expect(Array.from(second.theta)).toEqual(Array.from(first.theta));
    expect(second.trace).toEqual(first.trace);
    expect(Array.from(other.theta)).not.toEqual(Array.from(first.theta));
    tf.dispose([second.runningStatistics ?? [], second.swaRunningStatistics ?? [], other.runningStatistics ?? [], other.swaRunningStatistics ?? []]);
  });
});
