/**
 * `gradient-covariance-subspaces` (Ghorbani, Krishnan & Xiao 2019 §4.2; survey §5.5.4, Fig. 18): whether
 * the outlier subspace of the Hessian H coincides with that of the gradient covariance
 * Σ = (1/N) Σ_b g_b g_bᵀ, and how much of the gradients' energy lies in it. One MLP (with or without batch
 * norm) is trained by SGD with heavy-ball momentum; then, at the trained θ:
 *  - H's top-k eigenvectors by Lanczos on exact float32 Hessian-vector products on a fixed batch (batch
 *    norm in training mode on that batch);
 *  - N minibatch gradients g_b on random minibatches (batch norm in training mode on each), kept as
 *    rows; Σ is applied as an operator (numerics/subspaces.ts), never formed, and its top-k eigenvectors
 *    come from Lanczos; its whole non-zero spectrum from the N×N Gram matrix (1/N) G Gᵀ, which shares it.
 *
 * Evidence → metrics: `hessian.vectors`, `sigma.vectors` (top-k, unit, k × P) → `hessianEnergyInSigma` =
 * (1/k) Σⱼ ‖P_Σ hⱼ‖² and `principalCosines` (→ `minPrincipalCosine`); `gramEigenvalues` (descending, the
 * non-zero spectrum of Σ) → `sigmaTopKShare` = Σ_{j≤k} λⱼ(Σ) / tr Σ, the fraction of the minibatch
 * gradients' energy in Σ's top-k subspace, and `sigmaOutlierGap` = λ_k(Σ) / median λ(Σ); `gradients`
 * are not stored (N × P), but `gradientEnergiesInHessian` (‖P_H g_b‖²/‖g_b‖² for each b) →
 * `gradientEnergyInHessian` (their mean); `randomSubspaceEnergy` = k/P is the chance level of either energy.
 */
import * as tf from '@tensorflow/tfjs';
import { MNIST_CLASSES, type MnistClassificationSpec, mnistClassification, mnistClassificationSchema, mnistFeatureDim } from '../../datasets/mnist-classification';
import { datasetSha256 } from '../../datasets/synthetic';
import { tfjsDataset } from '../../models/tfjs/data';
import { type TfjsMlpSpec, tfjsParameterCount } from '../../models/tfjs/layout';
import { tfjsMlpObjective } from '../../models/tfjs/objective';
import { takeFloat64 } from '../../models/tfjs/read';
import { trainMlp } from '../../models/tfjs/train';
import { eigh } from '../../numerics/eigh';
import { runProgramAsync, topEigenpairs, topEigenpairsProgram, topEigenspaceEnergy } from '../../numerics/lanczos';
import { covarianceOperator, covarianceTrace, principalCosines, subspaceEnergy } from '../../numerics/subspaces';
import { median } from '../fit';
import type { ExperimentKind } from '../registry';
import type { ExperimentOutput, JsonValue, PlotSpec } from '../types';
import { CLASSIFICATION_LOSS, disposeStatistics, ensureTfjsBackend, initialTheta, mnistFeatureSeconds, scoreClassifier, tfjsSeconds } from './tfjs-support';

export interface GradientCovarianceParams {
  data: MnistClassificationSpec;
  hiddenWidths: number[];
  batchNorm: boolean;
  training: { learningRate: number; momentum: number; epochs: number; batchSize: number };
  /** H on the first `batchSize` training images; top `k` eigenpairs from `lanczosSteps` steps. */
  hessian: { batchSize: number; k: number; lanczosSteps: number };
  /** Σ from `gradients` minibatch gradients of `batchSize` random images each; its top k from `lanczosSteps` steps. */
  covariance: { gradients: number; batchSize: number; lanczosSteps: number };
}

const object = { type: 'object', additionalProperties: false } as const;
const integer = (minimum: number) => ({ type: 'integer', minimum });

export const gradientCovarianceSubspaces: ExperimentKind<GradientCovarianceParams> = {
  name: 'gradient-covariance-subspaces',
  precisions: ['float32'],
  description: 'Top-k eigenspaces of the Hessian and of the minibatch-gradient covariance Σ (Lanczos, Σ as an operator): their overlap and the gradient energy they hold.',
  paramsSchema: {
    ...object,
    required: ['data', 'hiddenWidths', 'batchNorm', 'training', 'hessian', 'covariance'],
    properties: {
      data: mnistClassificationSchema,
      hiddenWidths: { type: 'array', items: integer(1), minItems: 1 },
      batchNorm: { type: 'boolean' },
      training: {
        ...object,
        required: ['learningRate', 'momentum', 'epochs', 'batchSize'],
        properties: { learningRate: { type: 'number', exclusiveMinimum: 0 }, momentum: { type: 'number', minimum: 0, exclusiveMaximum: 1 }, epochs: integer(1), batchSize: integer(2) },
      },
      hessian: { ...object, required: ['batchSize', 'k', 'lanczosSteps'], properties: { batchSize: integer(2), k: integer(1), lanczosSteps: integer(2) } },
      covariance: { ...object, required: ['gradients', 'batchSize', 'lanczosSteps'], properties: { gradients: integer(2), batchSize: integer(2), lanczosSteps: integer(2) } },
    },
  },
  metrics: () => [
    'hessianEnergyInSigma',
    'minPrincipalCosine',
    'sigmaTopKShare',
    'sigmaOutlierGap',
    'gradientEnergyInHessian',
    'randomSubspaceEnergy',
    'hessianLambda1',
    'hessianLambdaK',
    'sigmaLambda1',
    'trainLoss',
    'testAccuracy',
    'parameters',
  ],
  check(p) {
    const problems: { path: string; message: string }[] = [];
    const n = p.data.trainImages;
    for (const [path, size] of [['/training/batchSize', p.training.batchSize], ['/hessian/batchSize', p.hessian.batchSize], ['/covariance/batchSize', p.covariance.batchSize]] as const) {
      if (size > n) problems.push({ path, message: `exceeds the ${n} training images` });
    }
    if (p.hessian.lanczosSteps < p.hessian.k) problems.push({ path: '/hessian/lanczosSteps', message: `must be at least k = ${p.hessian.k}` });
    if (p.covariance.lanczosSteps < p.hessian.k) problems.push({ path: '/covariance/lanczosSteps', message: `must be at least k = ${p.hessian.k}` });
    if (p.covariance.gradients < p.hessian.k) problems.push({ path: '/covariance/gradients', message: `Σ has rank at most the number of gradients; need at least k = ${p.hessian.k}` });
    return problems;
  },
  cost(p) {
    // Training, the score, Lanczos on the Hessian batch, the minibatch gradients (one tfjs call each,
    // priced like an optimiser step), Σ's Lanczos (2·N·P multiply-adds per product) and Gram.
    const spec: TfjsMlpSpec = { widths: [mnistFeatureDim(p.data.features), ...p.hiddenWidths, MNIST_CLASSES], activation: 'relu', batchNorm: p.batchNorm };
    const dim = tfjsParameterCount(spec);
    const steps = p.training.epochs * Math.floor(p.data.trainImages / p.training.batchSize);
    const work = {
      steps: steps + p.covariance.gradients + p.hessian.lanczosSteps,
      trainingExamples: steps * p.training.batchSize + p.covariance.gradients * p.covariance.batchSize,
      forwardExamples: 3 * p.data.trainImages + 2 * p.data.testImages,
      hvpExamples: p.hessian.lanczosSteps * p.hessian.batchSize,
    };
    return {
      seconds: mnistFeatureSeconds(p.data) + tfjsSeconds(spec, work) + p.covariance.lanczosSteps * 2e-9 * p.covariance.gradients * dim + 1e-9 * p.covariance.gradients ** 2 * dim,
      memoryBytes: 8 * dim * (p.covariance.gradients + p.hessian.lanczosSteps + p.covariance.lanczosSteps) + 4 * p.data.trainImages * 800,
    };
  },
  async run(params, ctx): Promise<ExperimentOutput> {
    await ensureTfjsBackend();
    const split = mnistClassification(params.data);
    const spec: TfjsMlpSpec = { widths: [split.train.inputDim, ...params.hiddenWidths, MNIST_CLASSES], activation: 'relu', batchNorm: params.batchNorm };
    const objective = tfjsMlpObjective(spec, CLASSIFICATION_LOSS);
    const train = tfjsDataset(split.train);
    const test = tfjsDataset(split.test);
    const { k } = params.hessian;
    const hessianBatch = tf.tidy(() => ({ x: train.x.slice([0, 0], [params.hessian.batchSize, -1]), y: train.y.slice([0, 0], [params.hessian.batchSize, -1]) }));
    let theta: tf.Tensor1D | null = null;
    try {
      const { learningRate, momentum, epochs, batchSize } = params.training;
      const trained = await trainMlp(objective, train, initialTheta(spec, ctx.rng.fork('init')), { optimizer: { kind: 'sgd', learningRate, momentum }, epochs, batchSize, rng: ctx.rng.fork('minibatches') });
      disposeStatistics([trained.runningStatistics]);
      if (trained.diverged !== undefined) throw new Error(`training diverged: ${trained.diverged}`);
      ctx.progress(1, 4);
      const score = await scoreClassifier(objective, trained.theta, train, test);
      const at = tf.tensor1d(trained.theta);
      theta = at;
      const hessian = await runProgramAsync(topEigenpairsProgram(objective.dim, k, { steps: params.hessian.lanczosSteps, which: 'algebraic', rng: ctx.rng.fork('hessian lanczos') }), (v) =>
        takeFloat64(tf.tidy(() => objective.hvp(at, tf.tensor1d(Float32Array.from(v)), hessianBatch))),
      );
      ctx.progress(2, 4);
      const sampler = ctx.rng.fork('gradient minibatches');
      const n = split.train.n;
      const gradients: Float64Array[] = [];
      for (let b = 0; b < params.covariance.gradients; b++) {
        const rows = Int32Array.from({ length: params.covariance.batchSize }, () => sampler.int(n));
        const minibatch = tf.tidy(() => ({ x: tf.gather(train.x, rows), y: tf.gather(train.y, rows) }));
        try {
          gradients.push(await takeFloat64(objective.gradient(at, minibatch)));
        } finally {
          tf.dispose(minibatch);
        }
      }
      const sigma = topEigenpairs(covarianceOperator(gradients), objective.dim, k, { steps: params.covariance.lanczosSteps, rng: ctx.rng.fork('covariance lanczos') });
      ctx.progress(3, 4);
      const gramEigenvalues = gramSpectrum(gradients);
      const energies = gradients.map((g) => topEigenspaceEnergy(hessian.vectors, g));
      ctx.progress(4, 4);
      const trace = covarianceTrace(gradients);
      const cosines = principalCosines(hessian.vectors, sigma.vectors);
      const metrics: Record<string, number> = {
        hessianEnergyInSigma: subspaceEnergy(hessian.vectors, sigma.vectors),
        minPrincipalCosine: Math.min(...cosines),
        sigmaTopKShare: gramEigenvalues.slice(0, k).reduce((s, v) => s + v, 0) / trace,
        sigmaOutlierGap: gramEigenvalues[k - 1] / median(gramEigenvalues),
        gradientEnergyInHessian: energies.reduce((s, v) => s + v, 0) / energies.length,
        randomSubspaceEnergy: k / objective.dim,
        hessianLambda1: hessian.values[0],
        hessianLambdaK: hessian.values[k - 1],
        sigmaLambda1: sigma.values[0],
        trainLoss: score.train.loss,
        testAccuracy: score.test.accuracy,
        parameters: objective.dim,
      };
      return {
        metrics,
        evidence: {
          description: `θ after training (tfjs layout, models/tfjs/layout.ts); the top-${k} Hessian Ritz pairs on the first ${params.hessian.batchSize} training images (values largest first, unit vectors, residual norms); the top-${k} Ritz pairs of Σ = (1/N) Σ g_b g_bᵀ over N = ${params.covariance.gradients} minibatch gradients of ${params.covariance.batchSize} random training images; the non-zero spectrum of Σ (eigenvalues of the N×N Gram matrix (1/N) G Gᵀ, descending) and tr Σ; the principal cosines between the two subspaces; each minibatch gradient's energy fraction in the Hessian's top-${k} subspace. data: sha256 of the training and test arrays (as datasets/synthetic.ts datasetSha256) and the MNIST recipe (datasets/mnist-classification.ts).`,
          data: { trainSha256: datasetSha256(split.train), testSha256: datasetSha256(split.test), recipe: params.data as unknown as JsonValue },
          theta: Array.from(trained.theta),
          hessian: { values: hessian.values, residualNorms: hessian.residualNorms, vectors: hessian.vectors.map((v) => Array.from(v)) },
          sigma: { values: sigma.values, residualNorms: sigma.residualNorms, vectors: sigma.vectors.map((v) => Array.from(v)) },
          gramEigenvalues,
          sigmaTrace: trace,
          principalCosines: cosines,
          gradientEnergiesInHessian: energies,
          trace: trained.trace.map(({ epoch, loss }) => [epoch, loss]),
        },
        plots: plots(params, hessian.values, sigma.values, gramEigenvalues, cosines, energies),
      };
    } finally {
      tf.dispose([train, test, hessianBatch]);
      theta?.dispose();
    }
  },
};

/** The non-zero spectrum of Σ = (1/N) Gᵀ G (G: N gradients as rows), as the eigenvalues of (1/N) G Gᵀ, descending and clamped at 0. */
function gramSpectrum(rows: Float64Array[]): number[] {
  const n = rows.length;
  const gram = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      const a = rows[i];
      const b = rows[j];
      for (let p = 0; p < a.length; p++) s += a[p] * b[p];
      gram[i * n + j] = gram[j * n + i] = s / n;
    }
  }
  return Array.from(eigh(gram, n, { vectors: false }).values, (v) => Math.max(v, 0)).reverse();
}

function plots(params: GradientCovarianceParams, hessianValues: number[], sigmaValues: number[], gram: number[], cosines: number[], energies: number[]): PlotSpec[] {
  const k = params.hessian.k;
  const ranks = (length: number) => Array.from({ length }, (_, j) => j + 1);
  const mean = gram.reduce((s, v) => s + v, 0) / gram.length;
  return [
    {
      id: 'sigma-spectrum',
      title: `Eigenvalues of the gradient covariance Σ, normalised by their mean (survey Fig. 18), ${params.batchNorm ? 'with' : 'without'} batch norm`,
      caption: `All ${gram.length} non-zero eigenvalues of Σ from ${params.covariance.gradients} minibatch gradients (batch ${params.covariance.batchSize}), by rank, divided by their mean as in Fig. 18. Outliers are the first few ranks far above the rest; the top ${k} hold a fraction ${(gram.slice(0, k).reduce((s, v) => s + v, 0) / gram.reduce((s, v) => s + v, 0)).toFixed(3)} of tr Σ.`,
      x: { label: 'rank', scale: 'log' },
      y: { label: 'λ(Σ) / mean λ(Σ)', scale: 'log' },
      series: [{ name: 'Σ', mark: 'points', x: ranks(gram.length), y: gram.map((v) => Math.max(v / mean, 1e-12)) }],
    },
    {
      id: 'top-eigenvalues',
      title: `Top ${k} eigenvalues of the Hessian and of Σ, each normalised by its largest`,
      x: { label: 'rank j' },
      y: { label: 'λj / λ1', scale: 'log' },
      series: [
        { name: 'Hessian', mark: 'line', x: ranks(k), y: hessianValues.map((v) => Math.max(v / hessianValues[0], 1e-12)) },
        { name: 'Σ', mark: 'line', x: ranks(k), y: sigmaValues.map((v) => Math.max(v / sigmaValues[0], 1e-12)) },
      ],
    },
    {
      id: 'principal-cosines',
      title: `Cosines of the principal angles between the Hessian's and Σ's top-${k} subspaces`,
      caption: 'All 1 when the subspaces coincide; the mean squared cosine is the energy of the Hessian vectors in Σ’s subspace.',
      x: { label: 'index' },
      y: { label: 'cos θ' },
      series: [{ name: 'principal cosines', mark: 'points', x: ranks(cosines.length), y: cosines }],
    },
    {
      id: 'gradient-energy',
      title: `Energy of each minibatch gradient in the Hessian's top-${k} subspace`,
      x: { label: 'minibatch' },
      y: { label: '‖P_H g‖² / ‖g‖²' },
      series: [{ name: 'minibatch gradients', mark: 'points', x: ranks(energies.length), y: energies }],
    },
  ];
}
