/**
 * `skip-connection-landscape` (Li, Xu, Taylor, Studer & Goldstein 2018, §5–6; survey §5.4, Fig. 9–11):
 * two deep MLPs that differ only in residual connections are trained from the same initialisation with
 * the same minibatches; around each solution the loss is sampled on a plane spanned by two
 * filter-normalised random directions, and on a sub-grid of that plane the ratio |λmin/λmax| of the
 * Hessian's extreme eigenvalues measures how much negative curvature the plot might hide.
 *
 * Runs on the tfjs engine (float32). tfjs is loaded inside `run`, so that listing or validating claims
 * never pays for it. The MNIST loading, the tfjs glue and the schema fragments here are shared with
 * `optimiser-interpolation`.
 *
 * Evidence, and how each metric is recomputed from it alone: per network (`networks`, with then without
 * skips per seed), |λmin/λmax| at each Hessian sub-grid point from `hessian[].lambdaMin`, `.lambdaMax`;
 * `meanRatio*` is the mean over a network's points, then over its seeds; `ratioDifference` = without −
 * with; `centreRatio*` the point i = j = centre; `finalLoss*`, `localMinima*`, `excessVariation*` come
 * from `grid.values`; `maxRelativeResidual` from the residuals beside each Ritz value. θ, d₁, d₂ and the
 * data (`data.recipe`, `data.train.sha256`) rebuild the grid and the Hessians.
 */
import { type MnistFeatures, mnistClassification, mnistClassificationEvidence, mnistFeatureDim, mnistFeaturesSchema, MNIST_CLASSES } from '../../datasets/mnist-classification';
import { type TfjsMlpSpec, tfjsParameterCount } from '../../models/tfjs/layout';
import { takeFloat64 } from '../../models/tfjs/read';
import type { OptimizerSpec } from '../../models/tfjs/train';
import { eighTridiagonal } from '../../numerics/eigh';
import { type AsyncSymmetricOperator, type OperatorProgram, type SymmetricOperator, lanczosProgram, runProgram, runProgramAsync } from '../../numerics/lanczos';
import { contourSegments, type Grid, sampleGridAsync } from '../report/contours';
import { filterNormalisedPlane, gaussianDirection, planePoint } from '../../models/directions';
import type { ExperimentKind } from '../registry';
import type { Rng } from '../rng';
import type { ExperimentOutput, JsonValue, PlotSeries, PlotSpec } from '../types';
import { type SafeActivation, activationSchema, initialTheta, loadTfjsEngine, lossAt, mnistFeatureSeconds, optimizerSchema, tfjsSeconds } from './tfjs-support';
import { meanOrNaN } from '../fit';

// ---------------------------------------------------------------------------------------------------
// Landscape measures (pure)

export interface ExtremeEigenvalues {
  lambdaMin: number;
  lambdaMax: number;
  /** ‖H y − λ y‖ of each Ritz pair: an eigenvalue of H lies within it of λ. */
  residualMin: number;
  residualMax: number;
}

/**
 * The smallest and largest Ritz values of one Lanczos run of `steps` steps, with their residuals. One
 * Krylov space approximates both ends of the spectrum equally well, so a single run replaces Li et
 * al.'s two eigensolver calls at half the Hessian-vector products (steps + 2, the 2 for the residuals).
 */
export function extremeEigenvalues(apply: SymmetricOperator, n: number, steps: number, rng: Rng): ExtremeEigenvalues {
  return runProgram(extremeEigenvaluesProgram(n, steps, rng), apply);
}

/** `extremeEigenvalues` as an operator program (numerics/lanczos.ts), for the asynchronous tfjs operator. */
export function extremeEigenvaluesProgram(n: number, steps: number, rng: Rng): OperatorProgram<ExtremeEigenvalues> {
  return { n, steps: extremeEigenvaluesSteps(n, steps, rng) };
}

function* extremeEigenvaluesSteps(n: number, steps: number, rng: Rng): Generator<Float64Array, ExtremeEigenvalues, Float64Array> {
  const start = Float64Array.from({ length: n }, () => rng.normal());
  const { alpha, beta, basis } = yield* lanczosProgram(n, steps, start).steps;
  const m = alpha.length;
  const { values, vectors } = eighTridiagonal(alpha, beta);
  function* residual(i: number): Generator<Float64Array, number, Float64Array> {
    const y = new Float64Array(n);
    for (let j = 0; j < m; j++) {
      const s = vectors![j * m + i];
      for (let k = 0; k < n; k++) y[k] += s * basis[j][k];
    }
    const image = yield y;
    let sum = 0;
    for (let k = 0; k < n; k++) sum += (image[k] - values[i] * y[k]) ** 2;
    return Math.sqrt(sum);
  }
  const residualMin = yield* residual(0);
  const residualMax = yield* residual(m - 1);
  return { lambdaMin: values[0], lambdaMax: values[m - 1], residualMin, residualMax };
}

/** Interior grid points whose loss is strictly below all 8 neighbours: the plot's local minima. */
export function interiorLocalMinima(grid: Grid): number {
  const { values } = grid;
  let count = 0;
  for (let j = 1; j + 1 < values.length; j++) {
    for (let i = 1; i + 1 < values[j].length; i++) {
      let lowest = true;
      for (let dj = -1; dj <= 1 && lowest; dj++) for (let di = -1; di <= 1; di++) if ((di !== 0 || dj !== 0) && !(values[j][i] < values[j + dj][i + di])) lowest = false;
      if (lowest) count++;
    }
  }
  return count;
}

/**
 * Roughness of a loss grid, scale-free: the fraction of the total variation along all grid rows and
 * columns that a single valley per line would not need. A line that falls to its minimum and rises
 * again varies by (first − min) + (last − min); anything beyond that is extra bumps. 0 when every grid
 * line is one valley (convex-looking contours), towards 1 for a rugged surface.
 */
export function excessVariation(grid: Grid): number {
  const lines = [...grid.values, ...grid.values[0].map((_, i) => grid.values.map((row) => row[i]))];
  let total = 0;
  let valley = 0;
  for (const line of lines) {
    const lowest = Math.min(...line);
    valley += line[0] - lowest + (line[line.length - 1] - lowest);
    for (let k = 1; k < line.length; k++) total += Math.abs(line[k] - line[k - 1]);
  }
  return total === 0 ? 0 : 1 - valley / total;
}

// ---------------------------------------------------------------------------------------------------
// The experiment kind

export interface SkipConnectionParams {
  data: { images: number; features: MnistFeatures };
  /** Hidden layers of equal width; residual connections on those whose input width matches. */
  network: { hiddenLayers: number; width: number; activation: SafeActivation; batchNorm: boolean };
  training: { optimizer: OptimizerSpec; epochs: number; batchSize: number };
  /** α, β ∈ [−range, range] on a points × points grid (points odd, so that θ itself is on it). */
  plane: { range: number; points: number };
  /** Hessian at every stride-th grid point in both directions (centre and edges included), by Lanczos with lanczosSteps steps. */
  hessian: { stride: number; lanczosSteps: number };
  /** Pairs of networks, each pair from its own θ₀, minibatch order and random directions. */
  seeds: number;
}

const VARIANTS = [
  { key: 'WithSkips', label: 'with skip connections', residual: true },
  { key: 'WithoutSkips', label: 'without skip connections', residual: false },
] as const;

interface HessianPoint extends ExtremeEigenvalues {
  /** Grid indices: α = xs[i], β = ys[j]. */
  i: number;
  j: number;
  alpha: number;
  beta: number;
  ratio: number;
}

interface VariantResult {
  seed: number;
  /** Index into VARIANTS. */
  variant: number;
  theta: Float32Array;
  directions: [Float64Array, Float64Array];
  grid: Grid;
  hessian: HessianPoint[];
  trace: { epoch: number; loss: number }[];
}

export const skipConnectionLandscape: ExperimentKind<SkipConnectionParams> = {
  name: 'skip-connection-landscape',
  precisions: ['float32'],
  description: 'Deep MLPs with and without residual connections: loss on filter-normalised planes and |λmin/λmax| of the Hessian over the plane.',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['data', 'network', 'training', 'plane', 'hessian', 'seeds'],
    properties: {
      data: {
        type: 'object',
        additionalProperties: false,
        required: ['images', 'features'],
        properties: { images: { type: 'integer', minimum: 2, maximum: 60000 }, features: mnistFeaturesSchema },
      },
      network: {
        type: 'object',
        additionalProperties: false,
        required: ['hiddenLayers', 'width', 'activation', 'batchNorm'],
        properties: { hiddenLayers: { type: 'integer', minimum: 1 }, width: { type: 'integer', minimum: 2 }, activation: activationSchema, batchNorm: { type: 'boolean' } },
      },
      training: {
        type: 'object',
        additionalProperties: false,
        required: ['optimizer', 'epochs', 'batchSize'],
        properties: { optimizer: optimizerSchema, epochs: { type: 'integer', minimum: 1 }, batchSize: { type: 'integer', minimum: 2 } },
      },
      plane: {
        type: 'object',
        additionalProperties: false,
        required: ['range', 'points'],
        properties: { range: { type: 'number', exclusiveMinimum: 0 }, points: { type: 'integer', minimum: 3 } },
      },
      hessian: {
        type: 'object',
        additionalProperties: false,
        required: ['stride', 'lanczosSteps'],
        properties: { stride: { type: 'integer', minimum: 1 }, lanczosSteps: { type: 'integer', minimum: 2 } },
      },
      seeds: { type: 'integer', minimum: 1 },
    },
  },
  metrics: () => [
    'parameters',
    'hessianPoints',
    ...VARIANTS.flatMap(({ key }) => [`meanRatio${key}`, `centreRatio${key}`, `localMinima${key}`, `excessVariation${key}`, `finalLoss${key}`]),
    'ratioDifference',
    'seedsWithLargerRatioWithoutSkips',
    'maxRelativeResidual',
  ],
  check(p) {
    const problems: { path: string; message: string }[] = [];
    if (p.plane.points % 2 === 0) problems.push({ path: '/plane/points', message: 'must be odd, so that the trained θ (α = β = 0) is a grid point' });
    if (((p.plane.points - 1) / 2) % p.hessian.stride !== 0) {
      problems.push({ path: '/hessian/stride', message: `must divide (points − 1)/2 = ${(p.plane.points - 1) / 2}, so that the Hessian sub-grid holds the centre and the edges` });
    }
    if (p.training.batchSize > p.data.images) problems.push({ path: '/training/batchSize', message: `exceeds the ${p.data.images} training images` });
    return problems;
  },
  cost(p) {
    // Per seed, with and without skips: training, the loss at every point of the plane, and at each
    // point of the Hessian sub-grid Lanczos' HVPs plus the two that give the Ritz residuals.
    const { hiddenLayers, width, activation, batchNorm } = p.network;
    const spec: TfjsMlpSpec = { widths: [mnistFeatureDim(p.data.features), ...Array.from({ length: hiddenLayers }, () => width), MNIST_CLASSES], activation, batchNorm };
    const steps = p.training.epochs * Math.floor(p.data.images / p.training.batchSize);
    const subgrid = ((p.plane.points - 1) / p.hessian.stride + 1) ** 2;
    const work = { steps, trainingExamples: steps * p.training.batchSize, forwardExamples: p.plane.points ** 2 * p.data.images, hvpExamples: subgrid * (p.hessian.lanczosSteps + 2) * p.data.images };
    const networks = p.seeds * VARIANTS.length;
    return { seconds: mnistFeatureSeconds({ trainImages: p.data.images, features: p.data.features }) + networks * tfjsSeconds(spec, work), memoryBytes: 8 * tfjsParameterCount(spec) * (networks * 3 + p.hessian.lanczosSteps) + 12 * p.data.images * 800 };
  },
  async run(params, ctx): Promise<ExperimentOutput> {
    const engine = await loadTfjsEngine();
    const split = mnistClassification({ features: params.data.features, trainImages: params.data.images, testImages: 0 });
    const { train } = split;
    const { hiddenLayers, width, activation, batchNorm } = params.network;
    const widths = [train.inputDim, ...Array.from({ length: hiddenLayers }, () => width), MNIST_CLASSES];
    const specOf = (residual: boolean): TfjsMlpSpec => ({ widths, activation, batchNorm, residual });
    const { points, range } = params.plane;
    const { stride, lanczosSteps } = params.hessian;
    const subgrid = Array.from({ length: (points - 1) / stride + 1 }, (_, k) => k * stride);
    const total = params.seeds * VARIANTS.length * subgrid.length ** 2;
    let done = 0;
    const data = engine.tfjsDataset(train);
    try {
      const results: VariantResult[] = [];
      for (let seed = 0; seed < params.seeds; seed++) {
        // Residual connections add no parameters: the pair shares θ₀, the minibatches and the raw random directions.
        const theta0 = initialTheta(specOf(false), ctx.rng.fork(`init ${seed}`));
        const directionRng = ctx.rng.fork(`directions ${seed}`);
        const raw: [Float64Array, Float64Array] = [gaussianDirection(specOf(false), directionRng), gaussianDirection(specOf(false), directionRng)];
        for (const [v, variant] of VARIANTS.entries()) {
          const spec = specOf(variant.residual);
          const objective = engine.tfjsMlpObjective(spec, { kind: 'softmax-ce-mean' });
          const trained = await engine.trainMlp(objective, data, theta0, { ...params.training, rng: ctx.rng.fork(`minibatches ${seed}`) });
          engine.tf.dispose(trained.runningStatistics ?? []);
          if (trained.diverged !== undefined) throw new Error(`training ${variant.label} (seed ${seed}) diverged: ${trained.diverged}`);
          const theta = trained.theta;
          const [d1, d2] = filterNormalisedPlane(spec, theta, raw);
          const grid = await sampleGridAsync((a, b) => lossAt(engine, objective, data, planePoint(theta, d1, d2, a, b)), [-range, range], [-range, range], points, points);
          const hessian: HessianPoint[] = [];
          for (const j of subgrid) {
            for (const i of subgrid) {
              const alpha = grid.xs[i];
              const beta = grid.ys[j];
              const at = engine.tf.tensor1d(Float32Array.from(planePoint(theta, d1, d2, alpha, beta)));
              const apply: AsyncSymmetricOperator = (vector) => takeFloat64(engine.tf.tidy(() => objective.hvp(at, engine.tf.tensor1d(Float32Array.from(vector)), data)));
              const extremes = await runProgramAsync(extremeEigenvaluesProgram(objective.dim, lanczosSteps, ctx.rng.fork(`lanczos ${seed} ${variant.key} ${i} ${j}`)), apply);
              at.dispose();
              hessian.push({ i, j, alpha, beta, ...extremes, ratio: Math.abs(extremes.lambdaMin / extremes.lambdaMax) });
              ctx.progress(++done, total);
            }
          }
          results.push({ seed, variant: v, theta, directions: [d1, d2], grid, hessian, trace: trained.trace });
        }
      }
      return report(params, results, results[0].theta.length, mnistClassificationEvidence({ features: params.data.features, trainImages: params.data.images, testImages: 0 }, split));
    } finally {
      engine.tf.dispose(data);
    }
  },
};


function report(params: SkipConnectionParams, results: VariantResult[], parameters: number, data: JsonValue): ExperimentOutput {
  const centre = (params.plane.points - 1) / 2;
  const planeMean = (r: VariantResult): number => meanOrNaN(r.hessian.map((h) => h.ratio));
  const metrics: Record<string, number> = { parameters, hessianPoints: results[0].hessian.length };
  VARIANTS.forEach(({ key }, v) => {
    const own = results.filter((r) => r.variant === v);
    metrics[`meanRatio${key}`] = meanOrNaN(own.map(planeMean));
    metrics[`centreRatio${key}`] = meanOrNaN(own.map((r) => (r.hessian.find((h) => h.i === centre && h.j === centre) as HessianPoint).ratio));
    metrics[`localMinima${key}`] = meanOrNaN(own.map((r) => interiorLocalMinima(r.grid)));
    metrics[`excessVariation${key}`] = meanOrNaN(own.map((r) => excessVariation(r.grid)));
    metrics[`finalLoss${key}`] = meanOrNaN(own.map((r) => r.grid.values[centre][centre]));
  });
  metrics.ratioDifference = metrics.meanRatioWithoutSkips - metrics.meanRatioWithSkips;
  const seeds = [...new Set(results.map((r) => r.seed))];
  const pairOf = (seed: number, v: number): VariantResult => results.find((r) => r.seed === seed && r.variant === v) as VariantResult;
  metrics.seedsWithLargerRatioWithoutSkips = seeds.filter((seed) => planeMean(pairOf(seed, 1)) > planeMean(pairOf(seed, 0))).length / seeds.length;
  metrics.maxRelativeResidual = Math.max(
    ...results.flatMap(({ hessian }) => hessian.flatMap((h) => [h.residualMin, h.residualMax].map((r) => r / Math.abs(h.lambdaMax)))),
  );
  const first = results.filter((r) => r.seed === seeds[0]);
  return {
    metrics,
    evidence: {
      description:
        'Per seed and network (with, then without skip connections): the trained θ and the two filter-normalised directions d₁, d₂ (tfjs layout, models/tfjs/layout.ts), the loss grid L(θ + α d₁ + β d₂) (values[j][i] at α = xs[i], β = ys[j]; batch norm with the statistics of the whole training set at each point), the Hessian sub-grid with the extreme Ritz values, their residuals and |λmin/λmax|, and the training trace (mean minibatch loss per epoch); the data (recipe and sha256). The module comment of harness/experiments/skip-connection-landscape.ts says how each metric follows.',
      data,
      networks: results.map(({ seed, variant, theta, directions, grid, hessian, trace }) => ({
        seed,
        variant: VARIANTS[variant].label,
        theta: Array.from(theta),
        d1: Array.from(directions[0]),
        d2: Array.from(directions[1]),
        grid: { xs: grid.xs, ys: grid.ys, values: grid.values },
        hessian: hessian.map((h) => ({ ...h })),
        trace: trace.map((t) => ({ ...t })),
      })),
    },
    plots: [...first.map((r) => contourPlot(r, first)), ratioPlot(results), sliceProfilePlot(results, centre)],
  };
}

/**
 * Contours of one network's plane (of the first seed), at levels shared with the other network of its
 * pair (geometric, from the lower minimum to the higher maximum), so that the two plots compare.
 */
function contourPlot({ grid, variant, seed }: VariantResult, pair: VariantResult[]): PlotSpec {
  const values = pair.flatMap((r) => r.grid.values.flat());
  const lowest = Math.min(...values);
  const highest = Math.max(...values);
  const count = 8;
  const levels = Array.from({ length: count }, (_, k) => lowest * (highest / lowest) ** ((k + 0.5) / count));
  const series: PlotSeries[] = levels.map((level) => {
    const x: number[] = [];
    const y: number[] = [];
    for (const [p, q] of contourSegments(grid, level)) x.push(p[0], q[0], NaN), y.push(p[1], q[1], NaN);
    return { name: `L = ${level.toPrecision(3)}`, mark: 'line', x, y };
  });
  // The plane's outline keeps both plots on the same axes, however far the contours reach.
  const [a, b] = [grid.xs[0], grid.xs[grid.xs.length - 1]];
  series.push({ name: 'edge of the sampled plane', mark: 'line', x: [a, b, b, a, a], y: [a, a, b, b, a] });
  series.push({ name: 'trained θ', mark: 'points', x: [0], y: [0] });
  return {
    id: `loss-contours-${VARIANTS[variant].key.toLowerCase()}`,
    title: `Loss contours, ${VARIANTS[variant].label} (survey Fig. 9–10)`,
    caption: `Training loss L(θ + α d₁ + β d₂) on the plane of two orthogonal filter-normalised random directions d₁, d₂ through the trained θ of seed ${seed} (Li et al. Fig. 5–6); the same contour levels in both plots.`,
    x: { label: 'α (along d₁)' },
    y: { label: 'β (along d₂)' },
    series,
  };
}

function ratioPlot(results: VariantResult[]): PlotSpec {
  const series: PlotSeries[] = results.flatMap(({ hessian, variant, seed }) => {
    const rows = [...new Set(hessian.map((h) => h.beta))];
    return rows.map((beta) => {
      const row = hessian.filter((h) => h.beta === beta);
      const { label } = VARIANTS[variant];
      return { name: `${label}, seed ${seed}, β = ${beta.toFixed(2)}`, group: label, mark: 'line' as const, x: row.map((h) => h.alpha), y: row.map((h) => h.ratio) };
    });
  });
  return {
    id: 'eigenvalue-ratio',
    title: '|λmin/λmax| of the Hessian over the plane (survey Fig. 11)',
    caption: 'One line per seed and row β of the Hessian sub-grid, against α (Li et al. Fig. 7 maps the same ratio in colour). Larger values mean more negative curvature relative to the positive curvature.',
    x: { label: 'α (along d₁)' },
    y: { label: '|λmin / λmax|', scale: 'log' },
    series,
  };
}

function sliceProfilePlot(results: VariantResult[], centre: number): PlotSpec {
  return {
    id: 'loss-1d',
    title: 'Loss along one filter-normalised direction (β = 0)',
    caption: 'One line per seed.',
    x: { label: 'α (along d₁)' },
    y: { label: 'training loss', scale: 'log' },
    series: results.map(({ grid, variant, seed }) => ({ name: `${VARIANTS[variant].label}, seed ${seed}`, group: VARIANTS[variant].label, mark: 'line', x: grid.xs, y: grid.values[centre] })),
  };
}
