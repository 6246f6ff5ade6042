/**
 * One (config, seed) of `wide-net-conditioning`, as a work unit (`ctx.mapUnits`): draw the data subset
 * and the Kaiming-Gaussian weights, then run every renormalisation arm on them (the arms are a paired
 * comparison, so they stay in one unit) and record each layer's Gram spectrum, the input Grams and the
 * infinite-width kernels. The input is plain data and depends only on the claim's seed: the generators
 * of the subset and of the weights come in as their seeds, forked from the claim's generator before
 * the unit call. The output is plain data too (structured-clone and exact-JSON safe).
 */
import { cosineMatrix, dualKernelLayers } from '../../numerics/dual-kernel';
import { gramMatrix, gramProxies, gramSpectrum } from '../../numerics/gram-spectrum';
import { type WideActivation, normalisedActivation } from '../../numerics/normalised-activations';
import { forwardLayers, inputGramExtremes, kaimingWeights } from '../../numerics/wide-net';
import { createRng } from '../rng';
import { type WideNetDataSpec, wideNetSubset } from './wide-net-data';

export interface LayerRecord {
  layer: number;
  width: number;
  lambdaMin: number;
  lambdaMax: number;
  method: 'eigh' | 'qr';
  minDiagonal: number;
  maxDiagonal: number;
  maxOffDiagonal: number;
  maxOffDiagonalRowSum: number;
  inputLambdaMin?: number;
  inputLambdaMax?: number;
}

export interface ConditioningRun {
  config: number;
  seed: number;
  renormalise: boolean;
  width: number;
  examples: number;
  layers: LayerRecord[];
  dual?: { layer: number; lambdaMin: number; lambdaMax: number; lemma7LowerBound: number; gershgorinUpperBound: number }[];
}

/** Layer widths: width·widthFactor^(ℓ−1), rounded, at least 1. */
export function layerWidths(width: number, depth: number, widthFactor: number): number[] {
  return Array.from({ length: depth }, (_, l) => Math.max(1, Math.round(width * widthFactor ** l)));
}

export interface ConditioningUnitInput {
  data: WideNetDataSpec;
  /** The CIFAR-10 folder chosen for the run (CIFAR-10 only: MNIST comes with the package). */
  dataDir?: string;
  network: { depth: number; activation: WideActivation; widthFactor: number };
  /** The arms, in the claim's order; the first is the primary one. */
  renormalise: boolean[];
  /** The config's index among the effective configs, and its width and examples. */
  config: number;
  width: number;
  examples: number;
  /** The seed's index among the claim's `seeds`. */
  seed: number;
  inputGramExamples: number;
  infiniteWidth: boolean;
  /** Seeds of the generators that draw the data subset and the initial weights. */
  dataSeed: number;
  weightsSeed: number;
}

export interface ConditioningUnitOutput {
  /** The data subset: pool indices and the sha256 of the scaled inputs. */
  data: { config: number; seed: number; width: number; examples: number; indices: number[]; sha256: string };
  /** One per arm, in the order of `renormalise`. */
  runs: ConditioningRun[];
}

/** The task body: runs in a worker thread (or in-process with one job). */
export function runWideNetConditioning(input: ConditioningUnitInput): ConditioningUnitOutput {
  const { config: c, seed, width, examples } = input;
  const activation = normalisedActivation(input.network.activation);
  const widths = layerWidths(width, input.network.depth, input.network.widthFactor);
  const subset = wideNetSubset(input.data, examples, createRng(input.dataSeed), input.dataDir);
  const weights = kaimingWeights(subset.d, widths, createRng(input.weightsSeed));
  const runs: ConditioningRun[] = [];
  input.renormalise.forEach((renormalise, arm) => {
    const layers: LayerRecord[] = [];
    let previous: { h: Float64Array; width: number } | null = null;
    const examplesForInput = arm === 0 ? Array.from({ length: input.inputGramExamples }, (_, i) => i) : [];
    forwardLayers({ inputDim: subset.d, widths, activation, renormalise }, weights, subset.x, examples, ({ layer, width: m, preActivations, features }) => {
      if (previous && examplesForInput.length > 0) {
        const inputGram = inputGramExtremes(weights[layer - 1], m, previous.width, previous.h, activation, examplesForInput);
        layers[layer - 2].inputLambdaMin = inputGram.lambdaMin;
        layers[layer - 2].inputLambdaMax = inputGram.lambdaMax;
      }
      const gram = gramMatrix(features, examples, m);
      const spectrum = gramSpectrum(features, examples, m, gram);
      layers.push({ layer, width: m, lambdaMin: spectrum.lambdaMin, lambdaMax: spectrum.lambdaMax, method: spectrum.method, ...gramProxies(gram, examples, m) });
      previous = { h: preActivations, width: m };
    });
    const run: ConditioningRun = { config: c, seed, renormalise, width, examples, layers };
    if (input.infiniteWidth && arm === 0) run.dual = dualKernelLayers(cosineMatrix(subset.x, examples, subset.d), examples, activation, input.network.depth);
    runs.push(run);
  });
  return { data: { config: c, seed, width, examples, indices: subset.indices, sha256: subset.sha256 }, runs };
}
