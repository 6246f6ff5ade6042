/**
 * Minibatch training of a tfjs MLP objective: SGD with heavy-ball momentum, Adam or RMSprop, optional
 * stochastic weight averaging (SWA, Izmailov et al. 2018), batch-norm running statistics, and
 * divergence reported as a result rather than thrown.
 *
 * Conventions follow PyTorch, so that papers' hyperparameters mean the same here:
 *  - SGD momentum: v ← μ·v + g, θ ← θ − η·v.
 *  - Adam: bias-corrected moments, θ ← θ − η·m̂/(√v̂ + ε); defaults β1 = 0.9, β2 = 0.999, ε = 1e-8.
 *  - RMSprop: s ← ρ·s + (1 − ρ)·g², θ ← θ − η·g/(√s + ε); defaults ρ = 0.99, ε = 1e-8.
 *  - Running statistics: momentum 0.1 from mean 0, variance 1, updated with each step's batch
 *    statistics at the parameters the step starts from (as BatchNorm1d's forward pass does).
 *
 * Epochs are numbered from 1. Each epoch visits a fresh permutation of the data in ⌊n/batchSize⌋ full
 * batches; the remainder is left out of that epoch, so every step sees exactly batchSize samples (a
 * batch of one sample would make batch normalisation degenerate).
 */
import * as tf from '@tensorflow/tfjs';
import { type Rng, permutation } from '../../harness/rng';
import { type LayerStatistics, updateRunningStatistics } from './batch-norm';
import type { TfjsDataset } from './data';
import { tfjsParameterLayout } from './layout';
import { batchStatistics } from './mlp';
import type { TfjsMlpObjective } from './objective';
import { readFloat32, readScalar } from './read';

export type OptimizerSpec =
  | { kind: 'sgd'; learningRate: number; momentum?: number }
  | { kind: 'adam'; learningRate: number; beta1?: number; beta2?: number; epsilon?: number }
  | { kind: 'rmsprop'; learningRate: number; decay?: number; epsilon?: number };

export interface TrainOptions {
  optimizer: OptimizerSpec;
  epochs: number;
  batchSize: number;
  /** Shuffles the minibatches; the only randomness in training. */
  rng: Rng;
  /** Average θ at the end of each epoch from `startEpoch` on (1-based, inclusive); `keepIterates` also returns them. */
  swa?: { startEpoch: number; keepIterates?: boolean };
  /** Called after every completed epoch with its mean minibatch loss. */
  onEpoch?: (epoch: number, trainLoss: number) => void;
}

export interface TrainResult {
  /** Final parameters (the tfjs layout, ./layout.ts); on divergence, those whose loss was non-finite. */
  theta: Float32Array;
  /** The SWA average, when `swa` was given and at least one epoch was averaged. */
  swaTheta?: Float32Array;
  /** The averaged epoch-end iterates, when `swa.keepIterates` was set. */
  swaIterates?: Float32Array[];
  /** Running statistics accumulated during training, for `theta`; only with batch norm. */
  runningStatistics?: LayerStatistics[];
  /** Statistics of the whole training set at `swaTheta` (SWA's BN update); only with batch norm and SWA. */
  swaRunningStatistics?: LayerStatistics[];
  /** Mean minibatch loss of every completed epoch. */
  trace: { epoch: number; loss: number }[];
  /** Why training stopped early, e.g. 'non-finite loss at epoch 3, step 17'. */
  diverged?: string;
}

/** Optimizer state lives in tensors that `step` replaces; `dispose` frees the current ones. */
interface Optimizer {
  /** θ after one step from θ with gradient g; `t` counts steps from 1. Disposes nothing it was given. */
  step(theta: tf.Tensor1D, gradient: tf.Tensor1D, t: number): tf.Tensor1D;
  dispose(): void;
}

export async function trainMlp(objective: TfjsMlpObjective, data: TfjsDataset, theta0: Float32Array, options: TrainOptions): Promise<TrainResult> {
  const { epochs, batchSize, rng, swa, onEpoch } = options;
  const n = data.x.shape[0];
  const normalized = tfjsParameterLayout(objective.spec).filter((layer) => layer.gammaOffset !== null).map((layer) => layer.outDim);
  checkOptions(options, n, theta0.length, objective.dim, normalized.length > 0);

  const optimizer = createOptimizer(options.optimizer, objective.dim);
  let theta = tf.tensor1d(theta0);
  let running: LayerStatistics[] = normalized.map((width) => ({ mean: tf.zeros([width]), variance: tf.ones([width]) }));
  // The average accumulates in float64: a float32 running sum would lose the small epoch-to-epoch differences.
  const swaSum = new Float64Array(objective.dim);
  let swaCount = 0;
  const swaIterates: Float32Array[] = [];
  const trace: TrainResult['trace'] = [];
  let diverged: string | undefined;
  const stepsPerEpoch = Math.floor(n / batchSize);
  let t = 0;

  try {
    for (let epoch = 1; epoch <= epochs && diverged === undefined; epoch++) {
      const order = permutation(n, rng);
      let lossSum = 0;
      for (let step = 1; step <= stepsPerEpoch; step++) {
        const indices = order.subarray((step - 1) * batchSize, step * batchSize);
        const batch = tf.tidy(() => {
          const rows = tf.tensor1d(indices, 'int32');
          return { x: tf.gather(data.x, rows), y: tf.gather(data.y, rows) };
        });
        const { loss, gradient } = objective.lossAndGradient(theta, batch);
        const value = await readScalar(loss);
        loss.dispose();
        if (!Number.isFinite(value)) {
          tf.dispose([batch, gradient]);
          diverged = `non-finite loss at epoch ${epoch}, step ${step}`;
          break;
        }
        if (running.length > 0) {
          const statistics = batchStatistics(objective.spec, theta, batch.x);
          const updated = updateRunningStatistics(running, statistics, batchSize);
          tf.dispose([running, statistics]);
          running = updated;
        }
        const next = optimizer.step(theta, gradient, ++t);
        tf.dispose([batch, gradient, theta]);
        theta = next;
        lossSum += value;
      }
      if (diverged !== undefined) break;
      const epochLoss = lossSum / stepsPerEpoch;
      trace.push({ epoch, loss: epochLoss });
      if (swa !== undefined && epoch >= swa.startEpoch) {
        const current = await readFloat32(theta);
        for (let k = 0; k < swaSum.length; k++) swaSum[k] += current[k];
        swaCount++;
        if (swa.keepIterates) swaIterates.push(current);
      }
      onEpoch?.(epoch, epochLoss);
    }

    const result: TrainResult = { theta: await readFloat32(theta), trace };
    if (diverged !== undefined) result.diverged = diverged;
    if (running.length > 0) result.runningStatistics = running;
    if (swaCount > 0) {
      const swaTheta = Float32Array.from(swaSum, (sum) => sum / swaCount);
      result.swaTheta = swaTheta;
      if (swa?.keepIterates) result.swaIterates = swaIterates;
      if (running.length > 0) result.swaRunningStatistics = wholeDataStatistics(objective, swaTheta, data);
    }
    return result;
  } catch (error) {
    tf.dispose(running);
    throw error;
  } finally {
    theta.dispose();
    optimizer.dispose();
  }
}

/**
 * Batch-norm statistics of the whole training set at θ. Statistics accumulated while training belong
 * to the iterates, not to their average, so SWA recomputes them (Izmailov et al.'s bn_update). One pass
 * over all n samples gives the population mean and (biased, n ≫ 1) variance exactly rather than an
 * average over minibatches.
 */
function wholeDataStatistics(objective: TfjsMlpObjective, theta: Float32Array, data: TfjsDataset): LayerStatistics[] {
  return tf.tidy(() => batchStatistics(objective.spec, tf.tensor1d(theta), data.x));
}

function createOptimizer(spec: OptimizerSpec, dim: number): Optimizer {
  const eta = spec.learningRate;
  switch (spec.kind) {
    case 'sgd': {
      const mu = spec.momentum ?? 0;
      let velocity: tf.Tensor1D = tf.zeros([dim]);
      return {
        step(theta, gradient) {
          if (mu === 0) return tf.tidy(() => tf.sub(theta, tf.mul(gradient, eta)));
          const next = tf.tidy(() => tf.add<tf.Tensor1D>(tf.mul(velocity, mu), gradient));
          velocity.dispose();
          velocity = next;
          return tf.tidy(() => tf.sub(theta, tf.mul(velocity, eta)));
        },
        dispose: () => velocity.dispose(),
      };
    }
    case 'adam': {
      const { beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8 } = spec;
      let first: tf.Tensor1D = tf.zeros([dim]);
      let second: tf.Tensor1D = tf.zeros([dim]);
      return {
        step(theta, gradient, t) {
          const [m, v] = tf.tidy(() => [
            tf.add<tf.Tensor1D>(tf.mul(first, beta1), tf.mul(gradient, 1 - beta1)),
            tf.add<tf.Tensor1D>(tf.mul(second, beta2), tf.mul(tf.square(gradient), 1 - beta2)),
          ]);
          tf.dispose([first, second]);
          first = m;
          second = v;
          const stepSize = eta / (1 - beta1 ** t);
          return tf.tidy(() => tf.sub(theta, tf.mul(tf.div(m, tf.add(tf.sqrt(tf.div(v, 1 - beta2 ** t)), epsilon)), stepSize)));
        },
        dispose: () => tf.dispose([first, second]),
      };
    }
    case 'rmsprop': {
      const { decay = 0.99, epsilon = 1e-8 } = spec;
      let meanSquare: tf.Tensor1D = tf.zeros([dim]);
      return {
        step(theta, gradient) {
          const next = tf.tidy(() => tf.add<tf.Tensor1D>(tf.mul(meanSquare, decay), tf.mul(tf.square(gradient), 1 - decay)));
          meanSquare.dispose();
          meanSquare = next;
          return tf.tidy(() => tf.sub(theta, tf.mul(tf.div(gradient, tf.add(tf.sqrt(next), epsilon)), eta)));
        },
        dispose: () => meanSquare.dispose(),
      };
    }
  }
}

function checkOptions(options: TrainOptions, n: number, thetaLength: number, dim: number, batchNorm: boolean): void {
  const { optimizer, epochs, batchSize, swa } = options;
  if (thetaLength !== dim) throw new RangeError(`theta0 has length ${thetaLength}, expected ${dim}`);
  if (!(optimizer.learningRate > 0 && Number.isFinite(optimizer.learningRate))) {
    throw new RangeError(`learning rate must be positive and finite, got ${optimizer.learningRate}`);
  }
  if (!Number.isInteger(epochs) || epochs < 1) throw new RangeError(`epochs must be a positive integer, got ${epochs}`);
  const smallest = batchNorm ? 2 : 1;
  if (!Number.isInteger(batchSize) || batchSize < smallest || batchSize > n) {
    throw new RangeError(`batchSize must be an integer in [${smallest}, ${n}], got ${batchSize}`);
  }
  if (swa !== undefined && !(Number.isInteger(swa.startEpoch) && swa.startEpoch >= 1 && swa.startEpoch <= epochs)) {
    throw new RangeError(`swa.startEpoch must be an integer in [1, ${epochs}], got ${swa.startEpoch}`);
  }
}
