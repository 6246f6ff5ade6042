/**
 * What the float32 experiments on the tfjs engine share: backend selection outside the runner, the
 * initial θ, classifier scores with population batch-norm statistics, and schema pieces.
 */
import * as tf from '@tensorflow/tfjs';
import { type LossSpec, kaimingNormal } from '../../models';
import { selectBackend } from '../../models/tfjs/backends';
import type { LayerStatistics } from '../../models/tfjs/batch-norm';
import type { TfjsDataset } from '../../models/tfjs/data';
import { type TfjsMlpSpec, appendBatchNormParameters, tfjsParameterCount } from '../../models/tfjs/layout';
import { batchStatistics, mlpOutputs } from '../../models/tfjs/mlp';
import type { TfjsMlpObjective } from '../../models/tfjs/objective';
import { readScalar } from '../../models/tfjs/read';
import { SECOND_ORDER_SAFE_ACTIVATIONS } from '../../models/tfjs/second-order';
import type { MnistFeatures } from '../../datasets/mnist-classification';
import { eighSeconds } from '../cost';
import type { Rng } from '../rng';

/**
 * The work of a tfjs MLP run, for cost estimates: optimiser steps, and examples passed through the
 * network by training steps (forward and backward), by losses and predictions alone (forward), and by
 * Hessian-vector products (forward, backward and their tangents).
 */
export interface TfjsWork {
  steps: number;
  trainingExamples: number;
  forwardExamples?: number;
  hvpExamples?: number;
}

/**
 * Seconds of tfjs work on the reference core (wasm backend, float32): 3 ms per optimiser step (kernel
 * dispatch, the optimiser's update and the recorded loss), and per example 7.5·10⁻¹⁰ s per parameter
 * plus 1.5·10⁻⁷ s per hidden unit (the element-wise kernels: activation, batch norm, residual adds) for
 * a training pass, a third of that for a forward pass and three times it for an HVP. Fitted to the
 * full-tier times of README "Results at full, seed 1" of the four tfjs kinds without controls of
 * different size (bn-suppresses-outliers 502 s, swa-network-flat-side 575 s with its controls,
 * optimisers-find-different-minima 329 s, skip-connections-tame-landscapes 318 s and its 40 s shallow
 * control): each estimate lands within 0.8–1.2 times its measured time.
 */
export function tfjsSeconds(spec: TfjsMlpSpec, work: TfjsWork): number {
  const passes = work.trainingExamples + (work.forwardExamples ?? 0) / 3 + 3 * (work.hvpExamples ?? 0);
  const hiddenUnits = spec.widths.slice(1, -1).reduce((a, b) => a + b, 0);
  return 3e-3 * work.steps + passes * (7.5e-10 * tfjsParameterCount(spec) + 1.5e-7 * hiddenUnits);
}

/**
 * Seconds of building the MNIST features of a tfjs kind (datasets/mnist-classification.ts, CPU time):
 * reading and standardising ≈ 0.1 ms per image; PCA adds XᵀX over the training images (≈ 1.5 ms each)
 * and an eigendecomposition of order 784 (8.4 s for 5000 training images in all).
 */
export function mnistFeatureSeconds(data: { trainImages: number; testImages?: number; features: MnistFeatures }): number {
  const read = 1e-4 * (data.trainImages + (data.testImages ?? 0));
  return read + (data.features.kind === 'pca' ? 1.5e-3 * data.trainImages + eighSeconds(784, true) : 0);
}

/** The runner selects the tfjs backend for float32 claims; outside it (tests, scripts) select one here. */
export async function ensureTfjsBackend(): Promise<void> {
  if (!tf.getBackend()) await selectBackend();
}

export const CLASSIFICATION_LOSS: LossSpec = { kind: 'softmax-ce-mean' };

/** A tfjs θ: Kaiming-normal dense weights, zero biases, and γ = 1, β = 0 with batch norm. */
export function initialTheta(spec: TfjsMlpSpec, rng: Rng): Float32Array {
  return Float32Array.from(appendBatchNormParameters(spec, kaimingNormal(spec, () => rng.normal())));
}

/** A type rather than an interface, so that tf.tidy may return it. */
export type ClassifierScore = {
  loss: number;
  accuracy: number;
};

/**
 * Loss (the objective's: data loss + its l2 penalty) and accuracy on the training and test sets, batch norm normalising with the statistics of the
 * whole training set at θ (population statistics, recomputed as SWA's BN update does). On the training
 * set that is the same as training mode on all of it.
 */
export async function scoreClassifier(objective: TfjsMlpObjective, theta: Float32Array, train: TfjsDataset, test: TfjsDataset): Promise<{ train: ClassifierScore; test: ClassifierScore }> {
  const [trainLoss, trainAccuracy, testLoss, testAccuracy] = tf.tidy(() => {
    const t = tf.tensor1d(theta);
    const mode = { kind: 'eval' as const, statistics: batchStatistics(objective.spec, t, train.x) };
    return [train, test].flatMap((data) => {
      const predicted = tf.argMax(mlpOutputs(objective.spec, t, data.x, mode), 1);
      return [objective.loss(t, data, mode), tf.mean(tf.cast(tf.equal(predicted, tf.argMax(data.y, 1)), 'float32'))];
    });
  });
  const [a, b, c, d] = await Promise.all([trainLoss, trainAccuracy, testLoss, testAccuracy].map(readScalar));
  tf.dispose([trainLoss, trainAccuracy, testLoss, testAccuracy]);
  return { train: { loss: a, accuracy: b }, test: { loss: c, accuracy: d } };
}

/** `train`'s result without its batch-norm statistics tensors, which these experiments do not use. */
export function disposeStatistics(statistics: (LayerStatistics[] | undefined)[]): void {
  tf.dispose(statistics.filter((s): s is LayerStatistics[] => s !== undefined));
}

export const optimizerSchema = {
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'learningRate'],
      properties: { kind: { const: 'sgd' }, learningRate: { type: 'number', exclusiveMinimum: 0 }, momentum: { type: 'number', minimum: 0, exclusiveMaximum: 1 } },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'learningRate'],
      properties: {
        kind: { const: 'adam' },
        learningRate: { type: 'number', exclusiveMinimum: 0 },
        beta1: { type: 'number', minimum: 0, exclusiveMaximum: 1 },
        beta2: { type: 'number', minimum: 0, exclusiveMaximum: 1 },
        epsilon: { type: 'number', exclusiveMinimum: 0 },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'learningRate'],
      properties: {
        kind: { const: 'rmsprop' },
        learningRate: { type: 'number', exclusiveMinimum: 0 },
        decay: { type: 'number', minimum: 0, exclusiveMaximum: 1 },
        epsilon: { type: 'number', exclusiveMinimum: 0 },
      },
    },
  ],
};

/** Activations the tfjs engine differentiates twice correctly. */

export type SafeActivation = (typeof SECOND_ORDER_SAFE_ACTIVATIONS)[number];
export const activationSchema = { enum: [...SECOND_ORDER_SAFE_ACTIVATIONS] };

/**
 * The `network` parameter of the MNIST MLP kinds: hidden widths and a second-order-safe activation.
 * `allowNoHidden` admits `hiddenWidths: []`, softmax regression, where a kind uses it as a convex counterfactual.
 */
export function mlpNetworkSchema({ allowNoHidden }: { allowNoHidden: boolean }) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['hiddenWidths', 'activation'],
    properties: { hiddenWidths: { type: 'array', items: { type: 'integer', minimum: 1 }, ...(allowNoHidden ? {} : { minItems: 1 }) }, activation: activationSchema },
  };
}

/** The tfjs engine and training loop, loaded on first use. */
export async function loadTfjsEngine() {
  const [tf, engine, training] = await Promise.all([import('@tensorflow/tfjs'), import('../../models/tfjs'), import('../../models/tfjs/train')]);
  return { tf, ...engine, trainMlp: training.trainMlp };
}

export type TfjsEngine = Awaited<ReturnType<typeof loadTfjsEngine>>;
type Objective = ReturnType<TfjsEngine['tfjsMlpObjective']>;
type Data = ReturnType<TfjsEngine['tfjsDataset']>;

/** The loss at θ (any array of numbers, rounded to float32). */

export async function lossAt(engine: TfjsEngine, objective: Objective, data: Data, theta: ArrayLike<number>): Promise<number> {
  const { tf } = engine;
  const loss = tf.tidy(() => objective.loss(tf.tensor1d(Float32Array.from(theta)), data));
  try {
    return await readScalar(loss);
  } finally {
    loss.dispose();
  }
}
