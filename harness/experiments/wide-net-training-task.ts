/**
 * One `wide-net-training` run, as a work unit (`ctx.mapUnits`): draw the run's data subset, train from
 * Kaiming-Gaussian weights, record every epoch. The input is plain data and depends only on the claim's
 * seed: the generators of the subset and of the weights come in as their seeds, forked from the claim's
 * generator before the unit call. The output is plain data too (structured-clone and exact-JSON safe).
 */
import { type WideActivation, normalisedActivation } from '../../numerics/normalised-activations';
import { type TrainingLoss, type TrainingTrace, trainWideNet } from '../../numerics/wide-net-training';
import { createRng } from '../rng';
import { type WideNetDataSpec, wideNetSubset } from './wide-net-data';

export interface TrainingUnitInput {
  data: WideNetDataSpec;
  /** The CIFAR-10 folder chosen for the run (CIFAR-10 only: MNIST comes with the package). */
  dataDir?: string;
  depth: number;
  width: number;
  activation: WideActivation;
  renormalise: boolean;
  loss: TrainingLoss;
  learningRate: number;
  examples: number;
  epochs: number;
  /** The seed's index among the claim's `seeds`. */
  seed: number;
  /** Lemma 3's loss range M and confidence δ. */
  bound: { lossRange: number; delta: number };
  /** Seeds of the generators that draw the data subset and the initial weights. */
  dataSeed: number;
  weightsSeed: number;
}

export interface TrainingRun extends TrainingTrace {
  depth: number;
  activation: WideActivation;
  learningRate: number;
  examples: number;
  seed: number;
  indices: number[];
  sha256: string;
}

/** The task body: runs in a worker thread (or in-process with one job). */
export function runWideNetTraining(input: TrainingUnitInput): TrainingRun {
  const { depth, activation, learningRate, examples, seed } = input;
  const subset = wideNetSubset(input.data, examples, createRng(input.dataSeed), input.dataDir);
  const trace = trainWideNet(
    {
      inputDim: subset.d,
      hidden: Array.from({ length: depth - 1 }, () => input.width),
      classes: 10,
      activation: normalisedActivation(activation),
      renormalise: input.renormalise,
      loss: input.loss,
      learningRate,
      epochs: input.epochs,
      lossRange: input.bound.lossRange,
      delta: input.bound.delta,
    },
    subset.x,
    subset.labels,
    examples,
    createRng(input.weightsSeed),
  );
  return { ...trace, depth, activation, learningRate, examples, seed, indices: subset.indices, sha256: subset.sha256 };
}
