/**
 * `bn-hessian-outliers` (Ghorbani, Krishnan & Xiao 2019, §4; survey §5.5.3, Fig. 17): batch
 * normalisation suppresses the outlier eigenvalues of the Hessian. Two MLPs that differ only in batch
 * norm are trained from the same dense initialisation on the same minibatches for the same budget (SGD
 * with heavy-ball momentum). Then, on a fixed large batch with batch norm in training mode on that batch:
 * Lanczos gives the top-k Hessian eigenpairs, hence the scale-free outlier ratio ζ = λ1/λk and the
 * fraction of the gradient's energy in the top-k eigenspace; SLQ gives the spectral density of H/λk.
 *
 * `treatment: 'none'` trains the second network without batch norm too (a control: the two arms are then
 * the same network, and no batch-norm effect may be found).
 *
 * Evidence, and how each metric is recomputed from it alone (per arm `noBn`, `bn`):
 * - `outlierRatio.*` = eigenvalues[0] / eigenvalues[k−1] (Ritz values, largest first); `lambda1.*`,
 *   `lambdaK.*` are those entries; `outlierRatioFactor` = outlierRatio.noBn / outlierRatio.bn;
 *   `lambda1Ratio` = lambda1.noBn / lambda1.bn.
 * - `gradientEnergyTopK.*` = Σⱼ gradientProjections[j]² / gradientNormSquared, the projections vᵢ·g of the
 *   Hessian batch's gradient on the k unit Ritz vectors; `gradientEnergyDifference` = noBn − bn.
 * - `minibatchGradientEnergyTopK.*` = mean of `minibatchEnergies`; `maxRelativeResidual.*` =
 *   max residualNorms[j] / |eigenvalues[j]|.
 * - The Hessian itself is rebuilt from `theta` (models/tfjs/layout.ts order) and `data` (recipe, sha256
 *   of the float64 features and one-hot targets of the training and test images).
 */
import * as tf from '@tensorflow/tfjs';
import { MNIST_CLASSES, type MnistClassificationSpec, mnistClassification, mnistClassificationEvidence, mnistClassificationSchema, mnistFeatureDim } from '../../datasets/mnist-classification';
import type { Dataset64 } from '../../models';
import { type TfjsDataset, tfjsDataset } from '../../models/tfjs/data';
import { type TfjsMlpSpec, tfjsParameterCount } from '../../models/tfjs/layout';
import { type TfjsMlpObjective, tfjsMlpObjective } from '../../models/tfjs/objective';
import { takeFloat64 } from '../../models/tfjs/read';
import { trainMlp } from '../../models/tfjs/train';
import { type SpectralDensity, linearGrid, slqDensityProgram } from '../../numerics/density';
import { type AsyncSymmetricOperator, runProgramAsync, topEigenpairsProgram, topEigenspaceEnergy } from '../../numerics/lanczos';
import type { ExperimentContext, ExperimentKind } from '../registry';
import type { Rng } from '../rng';
import type { ExperimentOutput, JsonValue, PlotSpec } from '../types';
import { CLASSIFICATION_LOSS, type ClassifierScore, disposeStatistics, ensureTfjsBackend, initialTheta, mnistFeatureSeconds, scoreClassifier, tfjsSeconds } from './tfjs-support';
import { meanOrNaN } from '../fit';

// ---------------------------------------------------------------------------------------------------
// The experiment

export interface BnHessianOutliersParams {
  data: MnistClassificationSpec;
  /** Hidden layer widths; ReLU, softmax cross-entropy (mean), no weight decay. */
  hiddenWidths: number[];
  training: { learningRate: number; momentum: number; epochs: number; batchSize: number };
  /** The Hessian is taken on the first `batchSize` training images; top `k` eigenpairs from `lanczosSteps` Lanczos steps. */
  hessian: { batchSize: number; k: number; lanczosSteps: number };
  /** SLQ of H/λk: `draws` Rademacher probes, `steps` Lanczos steps each, σ a fraction of the plotted range. */
  density: { draws: number; steps: number; sigmaFraction: number; gridPoints: number };
  /** Minibatch gradients (training batch size, random) whose top-k energy is observed beside the large-batch gradient's. */
  minibatchGradients: number;
  /** What the second arm (`bn`) gets: batch norm (default), or none, which makes it the first arm's twin. */
  treatment?: 'batch-norm' | 'none';
}

const VARIANTS = [
  { key: 'noBn', batchNorm: false, label: 'without batch norm' },
  { key: 'bn', batchNorm: true, label: 'with batch norm' },
] as const;

type VariantKey = (typeof VARIANTS)[number]['key'];

const PER_VARIANT_METRICS = [
  'lambda1',
  'lambdaK',
  'outlierRatio',
  'gradientEnergyTopK',
  'minibatchGradientEnergyTopK',
  'maxRelativeResidual',
  'trainLoss',
  'trainAccuracy',
  'testLoss',
  'testAccuracy',
] as const;

interface Trained {
  objective: TfjsMlpObjective;
  theta: Float32Array;
  trace: { epoch: number; loss: number }[];
  score: { train: ClassifierScore; test: ClassifierScore };
}

interface Spectrum {
  eigenvalues: number[];
  residualNorms: number[];
  /** Fraction of the large-batch gradient's energy in the top-j eigenspace, j = 1…k. */
  cumulativeEnergy: number[];
  /** vᵢ·g for the k unit Ritz vectors and the large-batch gradient g, and ‖g‖². */
  gradientProjections: number[];
  gradientNormSquared: number;
  minibatchEnergies: number[];
}

const object = { type: 'object', additionalProperties: false } as const;
const positiveInteger = (minimum: number) => ({ type: 'integer', minimum });

export const bnHessianOutliers: ExperimentKind<BnHessianOutliersParams> = {
  name: 'bn-hessian-outliers',
  precisions: ['float32'],
  description: 'Top Hessian eigenvalues (Lanczos), outlier ratio λ1/λk, gradient energy in the top-k eigenspace and SLQ density of MLPs trained with and without batch norm.',
  paramsSchema: {
    ...object,
    required: ['data', 'hiddenWidths', 'training', 'hessian', 'density', 'minibatchGradients'],
    properties: {
      data: mnistClassificationSchema,
      hiddenWidths: { type: 'array', items: positiveInteger(1), minItems: 1 },
      training: {
        ...object,
        required: ['learningRate', 'momentum', 'epochs', 'batchSize'],
        properties: {
          learningRate: { type: 'number', exclusiveMinimum: 0 },
          momentum: { type: 'number', minimum: 0, exclusiveMaximum: 1 },
          epochs: positiveInteger(1),
          batchSize: positiveInteger(2),
        },
      },
      hessian: { ...object, required: ['batchSize', 'k', 'lanczosSteps'], properties: { batchSize: positiveInteger(2), k: positiveInteger(2), lanczosSteps: positiveInteger(2) } },
      density: {
        ...object,
        required: ['draws', 'steps', 'sigmaFraction', 'gridPoints'],
        properties: { draws: positiveInteger(1), steps: positiveInteger(2), sigmaFraction: { type: 'number', exclusiveMinimum: 0 }, gridPoints: positiveInteger(10) },
      },
      minibatchGradients: positiveInteger(1),
      treatment: { enum: ['batch-norm', 'none'] },
    },
  },
  metrics: () => [
    ...VARIANTS.flatMap(({ key }) => PER_VARIANT_METRICS.map((metric) => `${metric}.${key}`)),
    'outlierRatioFactor',
    'gradientEnergyDifference',
    'lambda1Ratio',
    'parameters.noBn',
    'parameters.bn',
  ],
  check(p) {
    const problems: { path: string; message: string }[] = [];
    const n = p.data.trainImages;
    if (p.training.batchSize > n) problems.push({ path: '/training/batchSize', message: `exceeds the ${n} training images` });
    if (p.hessian.batchSize > n) problems.push({ path: '/hessian/batchSize', message: `exceeds the ${n} training images` });
    if (p.hessian.lanczosSteps < p.hessian.k) problems.push({ path: '/hessian/lanczosSteps', message: `must be at least k = ${p.hessian.k}` });
    if (p.data.features.kind === 'pca' && p.data.features.components >= n) problems.push({ path: '/data/features/components', message: `must be below the ${n} training images` });
    return problems;
  },
  cost(p) {
    // Per arm: training, the score on the training and test sets, Lanczos and SLQ on the Hessian batch
    // (HVPs, and full reorthogonalisation ≈ 2·10⁻⁹·m²·P), the batch and minibatch gradients.
    const { hessian, density, training } = p;
    const steps = p.training.epochs * Math.floor(p.data.trainImages / training.batchSize);
    const hvps = hessian.lanczosSteps + density.draws * density.steps;
    const arm = (batchNorm: boolean): number => {
      const spec: TfjsMlpSpec = { widths: [mnistFeatureDim(p.data.features), ...p.hiddenWidths, MNIST_CLASSES], activation: 'relu', batchNorm };
      const work = { steps, trainingExamples: steps * training.batchSize + hessian.batchSize + p.minibatchGradients * training.batchSize, forwardExamples: p.data.trainImages + p.data.testImages, hvpExamples: hvps * hessian.batchSize };
      return tfjsSeconds(spec, work) + 2e-9 * (hessian.lanczosSteps ** 2 + density.draws * density.steps ** 2) * tfjsParameterCount(spec);
    };
    const dim = tfjsParameterCount({ widths: [mnistFeatureDim(p.data.features), ...p.hiddenWidths, MNIST_CLASSES], activation: 'relu', batchNorm: true });
    return { seconds: mnistFeatureSeconds(p.data) + arm(false) + arm(p.treatment !== 'none'), memoryBytes: 8 * dim * (hessian.lanczosSteps + density.steps + 4) + 12 * (p.data.trainImages + p.data.testImages) * 800 };
  },
  async run(params, ctx): Promise<ExperimentOutput> {
    await ensureTfjsBackend();
    const data = mnistClassification(params.data);
    const widths = [data.train.inputDim, ...params.hiddenWidths, MNIST_CLASSES];
    const train = tfjsDataset(data.train);
    const test = tfjsDataset(data.test);
    const hessianBatch = tf.tidy(() => ({ x: train.x.slice([0, 0], [params.hessian.batchSize, -1]), y: train.y.slice([0, 0], [params.hessian.batchSize, -1]) }));
    const stages = 3 * VARIANTS.length;
    let done = 0;
    const advance = (): void => ctx.progress(++done, stages);
    try {
      const trained = {} as Record<VariantKey, Trained>;
      const spectra = {} as Record<VariantKey, Spectrum>;
      for (const { key, batchNorm } of VARIANTS) {
        const normalised = batchNorm && params.treatment !== 'none';
        trained[key] = await trainVariant({ widths, activation: 'relu', batchNorm: normalised }, params, train, test, ctx);
        advance();
        spectra[key] = await analyseSpectrum(trained[key], params, train, hessianBatch, ctx.rng.fork(`spectrum ${key}`));
        advance();
      }
      // One normalised axis for both densities, wide enough for the larger outlier ratio on either side.
      const ratio = (key: VariantKey): number => spectra[key].eigenvalues[0] / spectra[key].eigenvalues[params.hessian.k - 1];
      const reach = 1.05 * Math.max(ratio('noBn'), ratio('bn'));
      const grid = linearGrid(-reach, reach, params.density.gridPoints);
      const sigma = params.density.sigmaFraction * 2 * reach;
      const densities = {} as Record<VariantKey, SpectralDensity>;
      for (const { key } of VARIANTS) {
        densities[key] = await normalisedDensity(trained[key], spectra[key].eigenvalues[params.hessian.k - 1], params, hessianBatch, grid, sigma, ctx.rng.fork(`density ${key}`));
        advance();
      }
      return report(params, data, trained, spectra, densities, sigma);
    } finally {
      tf.dispose([train, test, hessianBatch]);
    }
  },
};

async function trainVariant(spec: TfjsMlpSpec, params: BnHessianOutliersParams, train: TfjsDataset, test: TfjsDataset, ctx: ExperimentContext): Promise<Trained> {
  const objective = tfjsMlpObjective(spec, CLASSIFICATION_LOSS);
  // Forks by name, not by variant: both networks start from the same dense weights and see the same minibatches.
  const theta0 = initialTheta(spec, ctx.rng.fork('init'));
  const { learningRate, momentum, epochs, batchSize } = params.training;
  const result = await trainMlp(objective, train, theta0, { optimizer: { kind: 'sgd', learningRate, momentum }, epochs, batchSize, rng: ctx.rng.fork('minibatches') });
  disposeStatistics([result.runningStatistics]);
  if (result.diverged !== undefined) throw new Error(`training ${spec.batchNorm ? 'with' : 'without'} batch norm diverged: ${result.diverged}`);
  return { objective, theta: result.theta, trace: result.trace, score: await scoreClassifier(objective, result.theta, train, test) };
}

/** The Hessian at θ on `batch` as a float64 operator for numerics/ (float32 inside), scaled by `scale`. */
function hessianOperator(objective: TfjsMlpObjective, theta: tf.Tensor1D, batch: TfjsDataset, scale = 1): AsyncSymmetricOperator {
  return (v) => takeFloat64(tf.tidy(() => tf.mul(objective.hvp(theta, tf.tensor1d(Float32Array.from(v)), batch), scale)));
}

async function analyseSpectrum(model: Trained, params: BnHessianOutliersParams, train: TfjsDataset, batch: TfjsDataset, rng: Rng): Promise<Spectrum> {
  const { objective } = model;
  const theta = tf.tensor1d(model.theta);
  try {
    const { k, lanczosSteps } = params.hessian;
    const top = await runProgramAsync(topEigenpairsProgram(objective.dim, k, { steps: lanczosSteps, which: 'algebraic', rng: rng.fork('lanczos') }), hessianOperator(objective, theta, batch));
    const gradientOn = (data: TfjsDataset): Promise<Float64Array> => takeFloat64(objective.gradient(theta, data));
    const g = await gradientOn(batch);
    const cumulativeEnergy = top.vectors.map((_, j) => topEigenspaceEnergy(top.vectors.slice(0, j + 1), g));
    const n = train.x.shape[0];
    const sampler = rng.fork('minibatches');
    const minibatchEnergies: number[] = [];
    for (let draw = 0; draw < params.minibatchGradients; draw++) {
      const rows = Int32Array.from({ length: params.training.batchSize }, () => sampler.int(n));
      const minibatch = tf.tidy(() => ({ x: tf.gather(train.x, rows), y: tf.gather(train.y, rows) }));
      try {
        minibatchEnergies.push(topEigenspaceEnergy(top.vectors, await gradientOn(minibatch)));
      } finally {
        tf.dispose(minibatch);
      }
    }
    const gradientProjections = top.vectors.map((v) => v.reduce((sum, x, j) => sum + x * g[j], 0));
    const gradientNormSquared = g.reduce((sum, x) => sum + x * x, 0);
    return { eigenvalues: top.values, residualNorms: top.residualNorms, cumulativeEnergy, gradientProjections, gradientNormSquared, minibatchEnergies };
  } finally {
    theta.dispose();
  }
}

async function normalisedDensity(
  model: Trained,
  lambdaK: number,
  params: BnHessianOutliersParams,
  batch: TfjsDataset,
  grid: Float64Array,
  sigma: number,
  rng: Rng,
): Promise<SpectralDensity> {
  const theta = tf.tensor1d(model.theta);
  try {
    const { draws, steps } = params.density;
    return await runProgramAsync(slqDensityProgram(model.objective.dim, { draws, steps, sigma, grid, rng }), hessianOperator(model.objective, theta, batch, 1 / lambdaK));
  } finally {
    theta.dispose();
  }
}


function report(
  params: BnHessianOutliersParams,
  data: { train: Dataset64; test: Dataset64 },
  trained: Record<VariantKey, Trained>,
  spectra: Record<VariantKey, Spectrum>,
  densities: Record<VariantKey, SpectralDensity>,
  sigma: number,
): ExperimentOutput {
  const k = params.hessian.k;
  const metrics: Record<string, number> = {};
  const evidence: Record<string, JsonValue> = {
    description: `Per variant: the top-${k} Ritz values (largest first) of the Hessian on the first ${params.hessian.batchSize} training images (batch norm in training mode on that batch), their residual norms ‖Hv − λv‖, the cumulative fraction of that batch's gradient energy in the top-j eigenspace (j = 1…k), the projections of that gradient on the k Ritz vectors and its squared norm, the top-k energy of random minibatch gradients, the training trace, the SLQ nodes and weights of H/λk, and θ (tfjs layout, models/tfjs/layout.ts); the data (recipe and sha256). σ and the grid are in units of λk. The module comment of harness/experiments/bn-hessian-outliers.ts says how each metric follows.`,
    data: mnistClassificationEvidence(params.data, data),
    sigma,
    grid: Array.from(densities.bn.grid),
  };
  for (const { key } of VARIANTS) {
    const { eigenvalues, residualNorms, cumulativeEnergy, gradientProjections, gradientNormSquared, minibatchEnergies } = spectra[key];
    const { score, trace, theta, objective } = trained[key];
    Object.assign(metrics, {
      [`lambda1.${key}`]: eigenvalues[0],
      [`lambdaK.${key}`]: eigenvalues[k - 1],
      [`outlierRatio.${key}`]: eigenvalues[0] / eigenvalues[k - 1],
      [`gradientEnergyTopK.${key}`]: cumulativeEnergy[k - 1],
      [`minibatchGradientEnergyTopK.${key}`]: meanOrNaN(minibatchEnergies),
      [`maxRelativeResidual.${key}`]: Math.max(...residualNorms.map((r, j) => r / Math.abs(eigenvalues[j]))),
      [`trainLoss.${key}`]: score.train.loss,
      [`trainAccuracy.${key}`]: score.train.accuracy,
      [`testLoss.${key}`]: score.test.loss,
      [`testAccuracy.${key}`]: score.test.accuracy,
      [`parameters.${key}`]: objective.dim,
    });
    evidence[key] = {
      eigenvalues,
      residualNorms,
      cumulativeEnergy,
      gradientProjections,
      gradientNormSquared,
      minibatchEnergies,
      trace: trace.map(({ epoch, loss }) => [epoch, loss]),
      slqNodes: densities[key].nodes,
      slqWeights: densities[key].weights,
      theta: Array.from(theta),
    };
  }
  metrics.outlierRatioFactor = metrics['outlierRatio.noBn'] / metrics['outlierRatio.bn'];
  metrics.gradientEnergyDifference = metrics['gradientEnergyTopK.noBn'] - metrics['gradientEnergyTopK.bn'];
  metrics.lambda1Ratio = metrics['lambda1.noBn'] / metrics['lambda1.bn'];
  return { metrics, evidence, plots: plots(params, trained, spectra, densities) };
}

function plots(
  params: BnHessianOutliersParams,
  trained: Record<VariantKey, Trained>,
  spectra: Record<VariantKey, Spectrum>,
  densities: Record<VariantKey, SpectralDensity>,
): PlotSpec[] {
  const k = params.hessian.k;
  const floor = 1e-8;
  const ranks = Array.from({ length: k }, (_, j) => j + 1);
  return [
    {
      id: 'density',
      title: `Hessian eigenvalue density with and without batch norm, normalised by the ${k}th largest eigenvalue (survey Fig. 17)`,
      caption: `SLQ (${params.density.draws} probes × ${params.density.steps} Lanczos steps) of H/λ${k} on ${params.hessian.batchSize} training images; densities below ${floor} are cut. Outliers are the mass far to the right of 1.`,
      x: { label: `λ / λ${k}` },
      y: { label: 'density', scale: 'log' },
      series: VARIANTS.map(({ key, label }) => ({ name: label, mark: 'line', x: Array.from(densities[key].grid), y: Array.from(densities[key].density, (v) => Math.max(v, floor)) })),
    },
    {
      id: 'top-eigenvalues',
      title: `Top ${k} Hessian eigenvalues, normalised by λ${k}`,
      caption: 'The outlier ratio ζ = λ1/λk is the first point of each series.',
      x: { label: 'rank j' },
      y: { label: `λj / λ${k}`, scale: 'log' },
      series: VARIANTS.map(({ key, label }) => ({ name: label, mark: 'line', x: ranks, y: spectra[key].eigenvalues.map((v) => v / spectra[key].eigenvalues[k - 1]) })),
    },
    {
      id: 'gradient-energy',
      title: 'Fraction of the gradient energy in the top-j Hessian eigenspace',
      caption: `Large-batch gradient on the Hessian's ${params.hessian.batchSize} images; ‖P_j g‖² / ‖g‖² for the top-j Ritz vectors.`,
      x: { label: 'j' },
      y: { label: 'energy fraction' },
      series: VARIANTS.map(({ key, label }) => ({ name: label, mark: 'line', x: ranks, y: spectra[key].cumulativeEnergy })),
    },
    {
      id: 'training-loss',
      title: 'Training loss (mean minibatch loss per epoch), same initialisation and minibatches',
      x: { label: 'epoch' },
      y: { label: 'loss', scale: 'log' },
      series: VARIANTS.map(({ key, label }) => ({ name: label, mark: 'line', x: trained[key].trace.map((p) => p.epoch), y: trained[key].trace.map((p) => p.loss) })),
    },
  ];
}
