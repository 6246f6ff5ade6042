/**
 * `weight-scaling-basins` (Im, Tao & Branson 2016 §3.2; survey §5.1.2, Fig. 4): the size of the basin
 * each optimiser's solution sits in, measured along the ray α·w through the origin and the solution w
 * (α multiplies the whole weight vector, biases included). Two optimisers train the same networks from
 * the same initialisations and minibatch orders; for each solution the training loss is sampled at
 * α on a grid, and the basin width is the length of the α-interval around α = 1 on which the loss stays
 * below a fixed threshold, its ends found by linear interpolation between grid points (a basin reaching
 * the end of the grid is cut there, and counted).
 *
 * Evidence → metrics: per solution (optimiser, seed) `alphas` and `losses` along the ray, `width`, its
 * ends `lower`/`upper`, `norm` ‖w‖ and `censored`. Per role r ∈ {reference (the first optimiser),
 * candidate (the second)}: `meanWidth.r`, `stdWidth.r` (sample std over seeds), `meanNorm.r` and
 * `meanLoss.r` (loss at α = 1); with a = the reference and b = the candidate: `widerFraction` = fraction of seeds with width_b > width_a; `widthRatio` = meanWidth_b /
 * meanWidth_a; `separation` = |meanWidth_b − meanWidth_a| / √(std_a² + std_b² + h²), h the grid step (the
 * widths' resolution); `censoredFraction` = fraction of solutions whose basin reaches a grid end.
 */
import { MNIST_CLASSES, type MnistFeatures, mnistClassification, mnistClassificationSchema, mnistFeatureDim } from '../../datasets/mnist-classification';
import { type TfjsMlpSpec, tfjsParameterCount } from '../../models/tfjs/layout';
import type { OptimizerSpec } from '../../models/tfjs/train';
import { datasetSha256 } from '../../datasets/synthetic';
import { linearGrid } from '../../numerics/density';
import type { ExperimentKind } from '../registry';
import type { ExperimentOutput, JsonValue, PlotSpec } from '../types';
import { sampleStd } from './optimiser-interpolation';
import { type SafeActivation, initialTheta, loadTfjsEngine, lossAt, mlpNetworkSchema, mnistFeatureSeconds, optimizerSchema, tfjsSeconds } from './tfjs-support';
import { meanOrNaN } from '../fit';

export interface WeightScalingBasinsParams {
  data: { trainImages: number; testImages: number; features: MnistFeatures };
  network: { hiddenWidths: number[]; activation: SafeActivation };
  /** Exactly two: the reference first, then the optimiser whose basins are compared with it. */
  optimisers: { name: string; optimizer: OptimizerSpec }[];
  training: { epochs: number; batchSize: number };
  seeds: number;
  alpha: { min: number; max: number; points: number };
  /** The basin is where the training loss is below this (nats). */
  lossThreshold: number;
}

export interface Basin {
  lower: number;
  upper: number;
  width: number;
  censored: boolean;
}

/**
 * The interval around α = 1 where losses < threshold, its ends interpolated linearly between the last
 * point below and the first point at or above the threshold; a side that never rises is cut at the grid end.
 * An empty basin (L(1) ≥ threshold) has width 0.
 */
export function basinAround(alphas: number[], losses: number[], threshold: number): Basin {
  const centre = indexNearestOne(alphas);
  if (!(losses[centre] < threshold)) return { lower: 1, upper: 1, width: 0, censored: false };
  const crossing = (inside: number, outside: number): number => {
    const t = (threshold - losses[inside]) / (losses[outside] - losses[inside]);
    return alphas[inside] + t * (alphas[outside] - alphas[inside]);
  };
  let lo = centre;
  while (lo > 0 && losses[lo - 1] < threshold) lo--;
  let hi = centre;
  while (hi < alphas.length - 1 && losses[hi + 1] < threshold) hi++;
  const lower = lo === 0 ? alphas[0] : crossing(lo, lo - 1);
  const upper = hi === alphas.length - 1 ? alphas[hi] : crossing(hi, hi + 1);
  return { lower, upper, width: upper - lower, censored: lo === 0 || hi === alphas.length - 1 };
}

/** The grid index whose α is nearest to 1. */
function indexNearestOne(alphas: number[]): number {
  return alphas.reduce((best, a, i) => (Math.abs(a - 1) < Math.abs(alphas[best] - 1) ? i : best), 0);
}

interface Solution {
  optimiser: number;
  seed: number;
  norm: number;
  losses: number[];
  basin: Basin;
}

/** Metric names say the optimiser's role, not its name, so that a control may swap the optimiser. */
const ROLES = ['reference', 'candidate'] as const;


export const weightScalingBasins: ExperimentKind<WeightScalingBasinsParams> = {
  name: 'weight-scaling-basins',
  precisions: ['float32'],
  description: 'Width of the low-loss interval of α along α·w for the solutions of two optimisers from shared initialisations.',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['data', 'network', 'optimisers', 'training', 'seeds', 'alpha', 'lossThreshold'],
    properties: {
      data: mnistClassificationSchema,
      network: mlpNetworkSchema({ allowNoHidden: false }),
      optimisers: {
        type: 'array',
        minItems: 2,
        maxItems: 2,
        items: { type: 'object', additionalProperties: false, required: ['name', 'optimizer'], properties: { name: { type: 'string', pattern: '^[A-Za-z0-9]+$' }, optimizer: optimizerSchema } },
      },
      training: {
        type: 'object',
        additionalProperties: false,
        required: ['epochs', 'batchSize'],
        properties: { epochs: { type: 'integer', minimum: 1 }, batchSize: { type: 'integer', minimum: 2 } },
      },
      seeds: { type: 'integer', minimum: 2 },
      alpha: {
        type: 'object',
        additionalProperties: false,
        required: ['min', 'max', 'points'],
        properties: { min: { type: 'number', minimum: 0 }, max: { type: 'number', exclusiveMinimum: 1 }, points: { type: 'integer', minimum: 3 } },
      },
      lossThreshold: { type: 'number', exclusiveMinimum: 0 },
    },
  },
  metrics: () => [
    ...ROLES.flatMap((role) => [`meanWidth.${role}`, `stdWidth.${role}`, `meanNorm.${role}`, `meanLoss.${role}`]),
    'widerFraction',
    'widthRatio',
    'separation',
    'censoredFraction',
  ],
  check(p) {
    const problems: { path: string; message: string }[] = [];
    if (p.optimisers.length === 2 && p.optimisers[0].name === p.optimisers[1].name) problems.push({ path: '/optimisers', message: 'optimiser names must be distinct' });
    if (!(p.alpha.min < 1)) problems.push({ path: '/alpha/min', message: 'the grid must contain α = 1 inside it' });
    if (p.training.batchSize > p.data.trainImages) problems.push({ path: '/training/batchSize', message: `exceeds the ${p.data.trainImages} training images` });
    return problems;
  },
  cost(p) {
    // Per seed and optimiser: training, then the training loss at every α.
    const spec: TfjsMlpSpec = { widths: [mnistFeatureDim(p.data.features), ...p.network.hiddenWidths, MNIST_CLASSES], activation: p.network.activation };
    const runs = p.seeds * p.optimisers.length;
    const steps = runs * p.training.epochs * Math.floor(p.data.trainImages / p.training.batchSize);
    const work = { steps, trainingExamples: steps * p.training.batchSize, forwardExamples: runs * p.alpha.points * p.data.trainImages };
    return { seconds: mnistFeatureSeconds(p.data) + tfjsSeconds(spec, work), memoryBytes: 4 * p.data.trainImages * 800 + 8 * runs * tfjsParameterCount(spec) };
  },
  async run(params, ctx): Promise<ExperimentOutput> {
    const engine = await loadTfjsEngine();
    const split = mnistClassification(params.data);
    const spec: TfjsMlpSpec = { widths: [split.train.inputDim, ...params.network.hiddenWidths, MNIST_CLASSES], activation: params.network.activation };
    const objective = engine.tfjsMlpObjective(spec, { kind: 'softmax-ce-mean' });
    const train = engine.tfjsDataset(split.train);
    const test = engine.tfjsDataset(split.test);
    const alphas = Array.from(linearGrid(params.alpha.min, params.alpha.max, params.alpha.points));
    const solutions: Solution[] = [];
    try {
      for (let seed = 0; seed < params.seeds; seed++) {
        const theta0 = initialTheta(spec, ctx.rng.fork(`init ${seed}`));
        for (let optimiser = 0; optimiser < params.optimisers.length; optimiser++) {
          const { name, optimizer } = params.optimisers[optimiser];
          const trained = await engine.trainMlp(objective, train, theta0, { optimizer, ...params.training, rng: ctx.rng.fork(`minibatches ${seed}`) });
          if (trained.diverged !== undefined) throw new Error(`${name}, seed ${seed}, diverged: ${trained.diverged}`);
          const w = trained.theta;
          const losses: number[] = [];
          for (const alpha of alphas) losses.push(await lossAt(engine, objective, train, Array.from(w, (v) => alpha * v)));
          solutions.push({ optimiser, seed, norm: Math.hypot(...w), losses, basin: basinAround(alphas, losses, params.lossThreshold) });
          ctx.progress(solutions.length, params.seeds * params.optimisers.length);
        }
      }
    } finally {
      engine.tf.dispose([train, test]);
    }
    return report(params, alphas, solutions, datasetSha256(split.train));
  },
};

function report(params: WeightScalingBasinsParams, alphas: number[], solutions: Solution[], trainSha256: string): ExperimentOutput {
  const names = params.optimisers.map((o) => o.name);
  const widths = (o: number): number[] => solutions.filter((s) => s.optimiser === o).map((s) => s.basin.width);
  const metrics: Record<string, number> = {};
  ROLES.forEach((role, o) => {
    const own = solutions.filter((s) => s.optimiser === o);
    metrics[`meanWidth.${role}`] = meanOrNaN(widths(o));
    metrics[`stdWidth.${role}`] = sampleStd(widths(o));
    metrics[`meanNorm.${role}`] = meanOrNaN(own.map((s) => s.norm));
    metrics[`meanLoss.${role}`] = meanOrNaN(own.map((s) => s.losses[indexNearestOne(alphas)]));
  });
  const [a, b] = [widths(0), widths(1)];
  const step = alphas[1] - alphas[0];
  metrics.widerFraction = a.filter((wa, seed) => b[seed] > wa).length / a.length;
  metrics.widthRatio = meanOrNaN(b) / meanOrNaN(a);
  metrics.separation = Math.abs(meanOrNaN(b) - meanOrNaN(a)) / Math.sqrt(sampleStd(a) ** 2 + sampleStd(b) ** 2 + step ** 2);
  metrics.censoredFraction = solutions.filter((s) => s.basin.censored).length / solutions.length;
  const plot: PlotSpec = {
    id: 'loss-along-scaling',
    title: 'Training loss along α·w for each solution (survey Fig. 4 a, c, e)',
    caption: `α multiplies the whole weight vector; one line per seed. The basin is where the loss stays below ${params.lossThreshold} (dashed reference) around α = 1. At α = 0 every logit is 0 and the loss is ln 10 ≈ 2.30.`,
    x: { label: 'α' },
    y: { label: 'training loss', scale: 'log' },
    series: [
      ...solutions.map((s) => ({ name: `${names[s.optimiser]}, seed ${s.seed}`, group: names[s.optimiser], mark: 'line' as const, x: alphas, y: s.losses.map((l) => Math.max(l, 1e-6)) })),
      { name: 'threshold', mark: 'line', context: true, x: [alphas[0], alphas[alphas.length - 1]], y: [params.lossThreshold, params.lossThreshold] },
    ],
  };
  const widthPlot: PlotSpec = {
    id: 'basin-widths',
    title: 'Basin width in α of every solution (survey Fig. 4)',
    caption: 'Re-runs of one optimiser (different seeds) should look alike, the two optimisers differently.',
    x: { label: 'seed' },
    y: { label: 'width of the low-loss α interval' },
    series: names.map((name, o) => ({ name, mark: 'points' as const, x: solutions.filter((s) => s.optimiser === o).map((s) => s.seed), y: widths(o) })),
  };
  return {
    metrics,
    evidence: {
      description: `Per solution (optimiser, seed): the training loss (softmax cross-entropy, mean over the first ${params.data.trainImages} MNIST training images with the spec's features) at α·w for every α, the basin's ends and width (loss below ${params.lossThreshold}, ends by linear interpolation, cut at the grid ends when censored) and ‖w‖. Each seed's initialisation and minibatch order are shared by both optimisers. data: sha256 of the training arrays (as datasets/synthetic.ts datasetSha256) and the MNIST recipe.`,
      data: { trainSha256, recipe: params.data as unknown as JsonValue },
      alphas,
      lossThreshold: params.lossThreshold,
      solutions: solutions.map((s) => ({ optimiser: names[s.optimiser], seed: s.seed, norm: s.norm, losses: s.losses, ...s.basin })),
    },
    plots: [plot, widthPlot],
  };
}
