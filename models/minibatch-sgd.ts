/**
 * Minibatch SGD with heavy-ball momentum on the float64 engine, with one learning-rate drop, stepping
 * through a list of checkpoints: the Hessian-spectrum experiments need θ at exact step counts (before and
 * after the drop, after the first few hundred steps), which an epoch-based trainer does not give.
 *
 * PyTorch's convention: v ← μ·v + g, θ ← θ − η_t·v, with η_t = η before `drop.step` and η·factor from it
 * on (the momentum buffer is kept across the drop). Each epoch visits a fresh random permutation of the
 * data in ⌊n/batchSize⌋ full batches, as models/tfjs/train.ts does.
 */
import { type Rng, permutation } from '../harness/rng';
import type { LossSpec } from './losses';
import type { MlpSpec } from './mlp';
import { type Dataset64, mlpObjective } from './objective';

export interface MinibatchSgdOptions {
  learningRate: number;
  momentum: number;
  batchSize: number;
  /** From step `step` on (0-based: the step that takes θ_step to θ_{step+1}), the rate is learningRate·factor. */
  drop: { step: number; factor: number };
  rng: Rng;
}

export interface Checkpoint {
  step: number;
  theta: Float64Array;
  /** Mean minibatch loss over the steps since the previous checkpoint (NaN at step 0). */
  recentLoss: number;
}

/** θ at every requested step (sorted, distinct; 0 allowed), training until the last of them. */
export function minibatchSgd(net: MlpSpec, loss: LossSpec, data: Dataset64, theta0: Float64Array, steps: number[], options: MinibatchSgdOptions): Checkpoint[] {
  const { learningRate, momentum, batchSize, drop, rng } = options;
  if (!(learningRate > 0) || !(momentum >= 0 && momentum < 1)) throw new RangeError(`need η > 0 and 0 ≤ μ < 1, got ${learningRate}, ${momentum}`);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > data.n) throw new RangeError(`batchSize must be in [1, ${data.n}], got ${batchSize}`);
  if (steps.some((s, i) => !Number.isInteger(s) || s < 0 || (i > 0 && s <= steps[i - 1]))) throw new RangeError(`checkpoint steps must be increasing non-negative integers, got [${steps}]`);
  const { inputDim, outputDim } = data;
  const batchesPerEpoch = Math.floor(data.n / batchSize);
  const theta = Float64Array.from(theta0);
  const velocity = new Float64Array(theta.length);
  const checkpoints: Checkpoint[] = [];
  let order: Int32Array = new Int32Array(0);
  let lossSum = 0;
  let lossCount = 0;
  const record = (step: number): void => {
    checkpoints.push({ step, theta: Float64Array.from(theta), recentLoss: lossCount === 0 ? Number.NaN : lossSum / lossCount });
    lossSum = 0;
    lossCount = 0;
  };
  let next = 0;
  for (let t = 0; next < steps.length; t++) {
    if (t === steps[next]) {
      record(t);
      next++;
      if (next === steps.length) break;
    }
    const slot = t % batchesPerEpoch;
    if (slot === 0) order = permutation(data.n, rng);
    const x = new Float64Array(batchSize * inputDim);
    const y = new Float64Array(batchSize * outputDim);
    for (let b = 0; b < batchSize; b++) {
      const row = order[slot * batchSize + b];
      x.set(data.x.subarray(row * inputDim, (row + 1) * inputDim), b * inputDim);
      y.set(data.y.subarray(row * outputDim, (row + 1) * outputDim), b * outputDim);
    }
    const { loss: value, gradient } = mlpObjective(net, loss, { n: batchSize, inputDim, outputDim, x, y }).lossAndGradient(theta);
    if (!Number.isFinite(value)) throw new Error(`non-finite minibatch loss at step ${t}`);
    lossSum += value;
    lossCount++;
    const eta = t >= drop.step ? learningRate * drop.factor : learningRate;
    for (let k = 0; k < theta.length; k++) {
      velocity[k] = momentum * velocity[k] + gradient[k];
      theta[k] -= eta * velocity[k];
    }
  }
  return checkpoints;
}
