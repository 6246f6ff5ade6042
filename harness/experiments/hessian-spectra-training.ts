/**
 * `hessian-spectra-training` (Ghorbani, Krishnan & Xiao 2019 §3–5, survey §5.5.3–5.5.4; Gallagher 2000,
 * survey §5.6.5): the Hessian's whole spectrum at checkpoints along one minibatch-SGD run with heavy-ball
 * momentum and one learning-rate drop, on the float64 engine. The checkpoints are the initialisation,
 * an early step (Ghorbani et al.: large eigenvalues gone after 400 momentum steps), the step at which
 * the rate drops (θ before any reduced-rate step), a step some way after it, the end, and optionally
 * every `every` steps in between (the trajectory).
 *
 * At each checkpoint the Hessian of the mean cross-entropy on the first `hessian.examples` training
 * images is decomposed exactly (dense float64 Hessian by the R-operator, then eigh) when the network has
 * at most `hessian.exactUpTo` parameters; otherwise its spectrum is estimated by SLQ (numerics/density.ts)
 * and every summary is a quadrature estimate, with the jackknife standard error over probes for the L1
 * shares. At the final checkpoint SLQ is always run, so that at exact sizes its error against the exact
 * share is measured.
 *
 * Evidence → metrics (per checkpoint c in `checkpoints`, named initial, early, beforeDrop, afterDrop,
 * final; each also lists its step and θ):
 *  - `eigenvalues` (exact, ascending) or `slq.nodes`/`slq.weights` (SLQ) → `lambdaMax.c` (largest),
 *    `lambdaMin.c` (smallest), `nearZeroL1Share.c` = Σ_{|λ|≤r·λmax}|λ| / Σ|λ| with r = nearZeroRadius,
 *    `negativeL1Share.c` = Σ_{λ<0}|λ| / Σ|λ|, `conditionRatio.c` = λmax / median|λ|, `flatFraction.c` =
 *    #{|λ| ≤ flatTolerance·max|λ|} / n (SLQ: the same with weights τ/draws in place of 1/n);
 *  - `trainLoss.c` is the loss on the Hessian's images at θ_c;
 *  - `earlyLambdaMaxRatio` = lambdaMax.early / lambdaMax.initial; `dropLambdaMaxRatio` = lambdaMax.beforeDrop
 *    / lambdaMax.afterDrop; `dropWidthRatio` = (λmax − λmin) before / after the drop;
 *  - `trajectory` (every checkpoint, named or not, in step order) → `medianConditionRatio`,
 *    `minConditionRatio`, `medianFlatFraction` (median / minimum over the checkpoints);
 *  - `finalSlq` (nodes, weights) → `slqNearZeroL1Share` (ratio of probe means) and its jackknife
 *    `slqNearZeroL1ShareError`; with an exact spectrum only, `slqNearZeroL1ShareBias` = SLQ − exact.
 */
import { type MnistClassificationSpec, MNIST_CLASSES, mnistClassification, mnistClassificationSchema, mnistFeatureDim } from '../../datasets/mnist-classification';
import { datasetSha256 } from '../../datasets/synthetic';
import { type Activation, type MlpSpec, kaimingNormal, mlpObjective, parameterCount } from '../../models';
import { minibatchSgd } from '../../models/minibatch-sgd';
import { exactDensity, linearGrid, slqDensity } from '../../numerics/density';
import { eigh } from '../../numerics/eigh';
import {
  type Quadrature,
  flatFraction,
  medianMagnitude,
  nearZeroL1Share,
  negativeL1Share,
  slqFlatFraction,
  slqMedianMagnitude,
  slqNearZeroL1Share,
  slqNegativeL1Share,
} from '../../numerics/spectrum-shares';
import { median } from '../fit';
import type { ExperimentKind } from '../registry';
import type { ExperimentOutput, JsonValue, PlotSpec } from '../types';

export interface HessianSpectraTrainingParams {
  data: MnistClassificationSpec;
  /** Hidden widths (none: softmax regression, whose cross-entropy is convex) and their activation. */
  network: { hiddenWidths: number[]; activation: Activation };
  training: { learningRate: number; momentum: number; batchSize: number; steps: number; drop: { step: number; factor: number } };
  /** `early`: step of the early checkpoint; `afterDrop`: steps after the drop; `every`: trajectory spacing (0: none). */
  checkpoints: { early: number; afterDrop: number; every: number };
  hessian: { examples: number; exactUpTo: number; slq: { draws: number; steps: number } };
  /** r: the ball |λ| ≤ r·λmax counted as near zero. */
  nearZeroRadius: number;
  /** |λ| ≤ flatTolerance·max|λ| counts as a flat direction. */
  flatTolerance: number;
  density: { sigmaFraction: number; gridPoints: number };
}

const NAMED = ['initial', 'early', 'beforeDrop', 'afterDrop', 'final'] as const;
type Named = (typeof NAMED)[number];
const PER_CHECKPOINT = ['lambdaMax', 'lambdaMin', 'nearZeroL1Share', 'negativeL1Share', 'conditionRatio', 'flatFraction', 'trainLoss'] as const;

/** One spectrum: exact eigenvalues, or SLQ draws. */
type Spectrum = { kind: 'exact'; eigenvalues: Float64Array } | { kind: 'slq'; draws: Quadrature[] };

interface Analysed {
  step: number;
  theta: Float64Array;
  trainLoss: number;
  spectrum: Spectrum;
  summary: Record<(typeof PER_CHECKPOINT)[number], number>;
}

const object = { type: 'object', additionalProperties: false } as const;
const integer = (minimum: number) => ({ type: 'integer', minimum });
const positive = { type: 'number', exclusiveMinimum: 0 };

export const hessianSpectraTraining: ExperimentKind<HessianSpectraTrainingParams> = {
  name: 'hessian-spectra-training',
  precisions: ['float64'],
  description: 'Exact (or SLQ) Hessian spectra of an MLP at checkpoints along momentum SGD with a learning-rate drop: outliers, negative mass, L1 energy near zero, conditioning.',
  paramsSchema: {
    ...object,
    required: ['data', 'network', 'training', 'checkpoints', 'hessian', 'nearZeroRadius', 'flatTolerance', 'density'],
    properties: {
      data: mnistClassificationSchema,
      network: {
        ...object,
        required: ['hiddenWidths', 'activation'],
        properties: { hiddenWidths: { type: 'array', items: integer(1) }, activation: { enum: ['tanh', 'relu', 'sigmoid', 'swish'] } },
      },
      training: {
        ...object,
        required: ['learningRate', 'momentum', 'batchSize', 'steps', 'drop'],
        properties: {
          learningRate: positive,
          momentum: { type: 'number', minimum: 0, exclusiveMaximum: 1 },
          batchSize: integer(1),
          steps: integer(1),
          drop: { ...object, required: ['step', 'factor'], properties: { step: integer(1), factor: { type: 'number', exclusiveMinimum: 0, maximum: 1 } } },
        },
      },
      checkpoints: { ...object, required: ['early', 'afterDrop', 'every'], properties: { early: integer(1), afterDrop: integer(1), every: integer(0) } },
      hessian: {
        ...object,
        required: ['examples', 'exactUpTo', 'slq'],
        properties: {
          examples: integer(1),
          exactUpTo: integer(0),
          slq: { ...object, required: ['draws', 'steps'], properties: { draws: integer(2), steps: integer(2) } },
        },
      },
      nearZeroRadius: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
      flatTolerance: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
      density: { ...object, required: ['sigmaFraction', 'gridPoints'], properties: { sigmaFraction: positive, gridPoints: integer(10) } },
    },
  },
  metrics: () => [
    ...NAMED.flatMap((c) => PER_CHECKPOINT.map((m) => `${m}.${c}`)),
    'earlyLambdaMaxRatio',
    'dropLambdaMaxRatio',
    'dropWidthRatio',
    'medianConditionRatio',
    'minConditionRatio',
    'medianFlatFraction',
    'slqNearZeroL1Share',
    'slqNearZeroL1ShareError',
    'slqNearZeroL1ShareBias',
    'parameters',
    'spectrumExact',
  ],
  check(p) {
    const problems: { path: string; message: string }[] = [];
    const { steps, drop, batchSize } = p.training;
    if (!(p.checkpoints.early < drop.step)) problems.push({ path: '/checkpoints/early', message: `must come before the drop at step ${drop.step}` });
    if (!(drop.step + p.checkpoints.afterDrop < steps)) problems.push({ path: '/checkpoints/afterDrop', message: `the drop at ${drop.step} plus ${p.checkpoints.afterDrop} steps must end before step ${steps}` });
    if (batchSize > p.data.trainImages) problems.push({ path: '/training/batchSize', message: `exceeds the ${p.data.trainImages} training images` });
    if (p.hessian.examples > p.data.trainImages) problems.push({ path: '/hessian/examples', message: `exceeds the ${p.data.trainImages} training images` });
    return problems;
  },
  cost(p) {
    // Float64 engine, CPU time measured on this suite's machines: a minibatch step ≈ 1e-8 s per example
    // and parameter; an HVP at a fixed θ (its forward pass cached) ≈ 3e-9; eigh ≈ 2e-9·P³; the dense
    // Hessian is P HVPs; Lanczos' full reorthogonalisation ≈ 1e-9·m·P per step.
    const dim = parameterCount({ widths: [mnistFeatureDim(p.data.features), ...p.network.hiddenWidths, MNIST_CLASSES], activation: p.network.activation });
    const spectra = new Set([...Object.values(namedSteps(p)), ...trajectorySteps(p)]).size;
    const hvp = 3e-9 * p.hessian.examples * dim;
    const slq = p.hessian.slq.draws * p.hessian.slq.steps * (hvp + 1e-9 * p.hessian.slq.steps * dim);
    const spectrum = dim <= p.hessian.exactUpTo ? dim * hvp + 2e-9 * dim ** 3 : slq;
    return {
      seconds: 1e-8 * p.training.steps * p.training.batchSize * dim + spectra * spectrum + slq,
      memoryBytes: 8 * (dim <= p.hessian.exactUpTo ? 3 * dim * dim : p.hessian.slq.steps * dim) + 8 * spectra * dim + 8 * p.data.trainImages * 800,
    };
  },
  run(params, ctx): ExperimentOutput {
    const { train } = mnistClassification(params.data);
    const net: MlpSpec = { widths: [train.inputDim, ...params.network.hiddenWidths, MNIST_CLASSES], activation: params.network.activation };
    const loss = { kind: 'softmax-ce-mean' as const };
    const m = params.hessian.examples;
    const hessianData = { n: m, inputDim: train.inputDim, outputDim: MNIST_CLASSES, x: train.x.subarray(0, m * train.inputDim), y: train.y.subarray(0, m * MNIST_CLASSES) };
    const objective = mlpObjective(net, loss, hessianData);
    const named = namedSteps(params);
    const steps = [...new Set([...Object.values(named), ...trajectorySteps(params)])].sort((a, b) => a - b);
    const init = ctx.rng.fork('init');
    const theta0 = kaimingNormal(net, () => init.normal());
    const { learningRate, momentum, batchSize, drop } = params.training;
    const checkpoints = minibatchSgd(net, loss, train, theta0, steps, { learningRate, momentum, batchSize, drop, rng: ctx.rng.fork('minibatches') });
    const exact = objective.dim <= params.hessian.exactUpTo;
    const slqOf = (theta: Float64Array, label: string): Quadrature[] => {
      const { nodes, weights } = slqDensity((v) => objective.hvp(theta, v), objective.dim, { ...params.hessian.slq, sigma: 1, grid: linearGrid(-1, 1, 2), rng: ctx.rng.fork(`slq ${label}`) });
      return nodes.map((n, p) => ({ nodes: n, weights: weights[p] }));
    };
    const analysed = checkpoints.map(({ step, theta }, i): Analysed => {
      ctx.progress(i, checkpoints.length + 1);
      const spectrum: Spectrum = exact ? { kind: 'exact', eigenvalues: eigh(objective.hessian(theta), objective.dim, { vectors: false }).values } : { kind: 'slq', draws: slqOf(theta, `step ${step}`) };
      const trainLoss = objective.loss(theta);
      return { step, theta, trainLoss, spectrum, summary: summarise(spectrum, trainLoss, params) };
    });
    const at = (name: Named): Analysed => analysed.find((a) => a.step === named[name])!;
    const finalSlq = slqOf(at('final').theta, 'final check');
    ctx.progress(checkpoints.length + 1, checkpoints.length + 1);
    return report(params, objective.dim, analysed, at, finalSlq, datasetSha256(train));
  },
};

function namedSteps(p: HessianSpectraTrainingParams): Record<Named, number> {
  return { initial: 0, early: p.checkpoints.early, beforeDrop: p.training.drop.step, afterDrop: p.training.drop.step + p.checkpoints.afterDrop, final: p.training.steps };
}

function trajectorySteps(p: HessianSpectraTrainingParams): number[] {
  const every = p.checkpoints.every;
  return every === 0 ? [] : Array.from({ length: Math.floor(p.training.steps / every) + 1 }, (_, i) => i * every);
}

function extremes(spectrum: Spectrum): { max: number; min: number } {
  const values = spectrum.kind === 'exact' ? Array.from(spectrum.eigenvalues) : spectrum.draws.flatMap((d) => d.nodes);
  return { max: Math.max(...values), min: Math.min(...values) };
}

function summarise(spectrum: Spectrum, trainLoss: number, p: HessianSpectraTrainingParams): Analysed['summary'] {
  const { max, min } = extremes(spectrum);
  const radius = p.nearZeroRadius * max;
  if (spectrum.kind === 'exact') {
    const values = spectrum.eigenvalues;
    return {
      lambdaMax: max,
      lambdaMin: min,
      nearZeroL1Share: nearZeroL1Share(values, radius),
      negativeL1Share: negativeL1Share(values),
      conditionRatio: max / medianMagnitude(values),
      flatFraction: flatFraction(values, p.flatTolerance),
      trainLoss,
    };
  }
  const { draws } = spectrum;
  return {
    lambdaMax: max,
    lambdaMin: min,
    nearZeroL1Share: slqNearZeroL1Share(draws, radius).value,
    negativeL1Share: slqNegativeL1Share(draws).value,
    conditionRatio: max / slqMedianMagnitude(draws),
    flatFraction: slqFlatFraction(draws, p.flatTolerance),
    trainLoss,
  };
}

function report(params: HessianSpectraTrainingParams, dim: number, analysed: Analysed[], at: (name: Named) => Analysed, finalSlq: Quadrature[], trainSha256: string): ExperimentOutput {
  const metrics: Record<string, number> = { parameters: dim, spectrumExact: analysed[0].spectrum.kind === 'exact' ? 1 : 0 };
  for (const name of NAMED) for (const m of PER_CHECKPOINT) metrics[`${m}.${name}`] = at(name).summary[m];
  const width = (name: Named): number => at(name).summary.lambdaMax - at(name).summary.lambdaMin;
  metrics.earlyLambdaMaxRatio = metrics['lambdaMax.early'] / metrics['lambdaMax.initial'];
  metrics.dropLambdaMaxRatio = metrics['lambdaMax.beforeDrop'] / metrics['lambdaMax.afterDrop'];
  metrics.dropWidthRatio = width('beforeDrop') / width('afterDrop');
  metrics.medianConditionRatio = median(analysed.map((a) => a.summary.conditionRatio));
  metrics.minConditionRatio = Math.min(...analysed.map((a) => a.summary.conditionRatio));
  metrics.medianFlatFraction = median(analysed.map((a) => a.summary.flatFraction));
  const slq = slqNearZeroL1Share(finalSlq, params.nearZeroRadius * Math.max(...finalSlq.flatMap((d) => d.nodes)));
  metrics.slqNearZeroL1Share = slq.value;
  metrics.slqNearZeroL1ShareError = slq.standardError;
  if (metrics.spectrumExact === 1) metrics.slqNearZeroL1ShareBias = slq.value - metrics['nearZeroL1Share.final'];

  const spectrumEvidence = (s: Spectrum): JsonValue =>
    s.kind === 'exact' ? { eigenvalues: Array.from(s.eigenvalues) } : { slq: { nodes: s.draws.map((d) => d.nodes), weights: s.draws.map((d) => d.weights) } };
  const names = Object.fromEntries(NAMED.map((name) => [name, at(name).step]));
  const evidence: Record<string, JsonValue> = {
    description:
      'data: sha256 of the training arrays (little-endian float64 x then one-hot y, as datasets/synthetic.ts datasetSha256) and the MNIST recipe that rebuilds them (datasets/mnist-classification.ts). checkpoints: the step of each named checkpoint. trajectory: every analysed checkpoint in step order, with θ (flat order of models/mlp.ts), the loss on the Hessian images and the spectrum of the Hessian of the mean cross-entropy on the first `hessianExamples` training images (exact eigenvalues ascending, or SLQ nodes and weights per probe). finalSlq: SLQ draws at the final θ. nearZeroRadius and flatTolerance as in the parameters (fractions of λmax).',
    checkpoints: names,
    data: { trainSha256, recipe: params.data as unknown as JsonValue },
    hessianExamples: params.hessian.examples,
    nearZeroRadius: params.nearZeroRadius,
    flatTolerance: params.flatTolerance,
    trajectory: analysed.map((a) => ({ step: a.step, trainLoss: a.trainLoss, theta: Array.from(a.theta), ...(spectrumEvidence(a.spectrum) as Record<string, JsonValue>) })),
    finalSlq: { nodes: finalSlq.map((d) => d.nodes), weights: finalSlq.map((d) => d.weights) },
  };
  return { metrics, evidence, plots: plots(params, analysed, at) };
}

/** Smoothed densities of a few checkpoints on one grid spanning all their spectra (log scale, as in Ghorbani et al.). */
function densityPlot(params: HessianSpectraTrainingParams, id: string, title: string, chosen: { label: string; a: Analysed }[]): PlotSpec {
  const ranges = chosen.map(({ a }) => extremes(a.spectrum));
  const lo = Math.min(...ranges.map((r) => r.min));
  const hi = Math.max(...ranges.map((r) => r.max));
  const sigma = params.density.sigmaFraction * (hi - lo);
  const grid = linearGrid(lo - 5 * sigma, hi + 5 * sigma, params.density.gridPoints);
  const floor = 1e-8;
  const densityOf = (s: Spectrum): Float64Array => {
    if (s.kind === 'exact') return exactDensity(s.eigenvalues, sigma, grid);
    const out = new Float64Array(grid.length);
    for (const { nodes, weights } of s.draws) nodes.forEach((c, i) => grid.forEach((t, g) => (out[g] += (weights[i] / s.draws.length) * Math.exp(-((t - c) ** 2) / (2 * sigma * sigma)) / (sigma * Math.sqrt(2 * Math.PI)))));
    return out;
  };
  return {
    id,
    title,
    caption: `Hessian eigenvalue density on the first ${params.hessian.examples} training images, smoothed with σ = ${params.density.sigmaFraction} × the plotted range; densities below ${floor} are cut.`,
    x: { label: 'eigenvalue λ' },
    y: { label: 'density', scale: 'log' },
    series: chosen.map(({ label, a }) => ({ name: `${label} (step ${a.step})`, mark: 'line', x: Array.from(grid), y: Array.from(densityOf(a.spectrum), (v) => Math.max(v, floor)) })),
  };
}

function plots(params: HessianSpectraTrainingParams, analysed: Analysed[], at: (name: Named) => Analysed): PlotSpec[] {
  const steps = analysed.map((a) => a.step);
  return [
    densityPlot(params, 'density-early', 'Spectrum at initialisation and after the early steps (survey Fig. 13)', [
      { label: 'initialisation', a: at('initial') },
      { label: 'early', a: at('early') },
    ]),
    densityPlot(params, 'density-late', 'Spectrum early and at the end of training (survey Fig. 14)', [
      { label: 'early', a: at('early') },
      { label: 'end', a: at('final') },
    ]),
    densityPlot(params, 'density-drop', 'Spectrum just before and after the learning-rate drop (survey Fig. 15)', [
      { label: 'before the drop', a: at('beforeDrop') },
      { label: 'after the drop', a: at('afterDrop') },
    ]),
    {
      id: 'extremes',
      title: 'Largest and smallest Hessian eigenvalue along training',
      caption: `The learning rate drops by ×${params.training.drop.factor} at step ${params.training.drop.step}.`,
      x: { label: 'step' },
      y: { label: 'eigenvalue' },
      series: [
        { name: 'λmax', mark: 'line', x: steps, y: analysed.map((a) => a.summary.lambdaMax) },
        { name: 'λmin', mark: 'line', x: steps, y: analysed.map((a) => a.summary.lambdaMin) },
      ],
    },
    {
      id: 'conditioning',
      title: 'Spread of eigenvalue magnitudes along training (survey §5.6.5)',
      caption: `λmax / median|λ| (log scale) and the fraction of eigenvalues with |λ| ≤ ${params.flatTolerance}·λmax.`,
      x: { label: 'step' },
      y: { label: 'value', scale: 'log' },
      series: [
        { name: 'λmax / median |λ|', mark: 'line', x: steps, y: analysed.map((a) => a.summary.conditionRatio) },
        { name: 'flat fraction', mark: 'line', x: steps, y: analysed.map((a) => Math.max(a.summary.flatFraction, 1e-4)) },
        { name: 'L1 share near 0', mark: 'line', x: steps, y: analysed.map((a) => Math.max(a.summary.nearZeroL1Share, 1e-4)) },
      ],
    },
  ];
}
