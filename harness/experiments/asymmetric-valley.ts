/**
 * `asymmetric-valley` (He, Huang & Yuan 2019, "Asymmetric valleys", survey Fig. 19), part 1: the theorem's
 * one-dimensional valley. L(w) = a·w for w ≥ 0 (the flat side) and L(w) = −c·a·w for w < 0 (c times
 * steeper). SGD w ← w − η(∇L(w) + ω) with ω ~ U(−v, v) keeps bouncing across the bottom; the average of
 * its iterates lies on the flat side (E[w̄] > 0), which is the bias SWA exploits.
 *
 * The bias comes from the oscillation across an asymmetric bottom (SGD spends longer on the flat side),
 * not from the noise: each c also gets one noiseless run (v = 0, same η) for comparison, and
 * `biasOverStep` = E[w̄]/η shows the step-size scaling (≈ (c − 1)/2 for constant slopes).
 *
 * Recomputing the metrics from `evidence.json` alone: for each c, `averages[cX]` holds w̄ of every seed;
 * `meanAverage` is their mean, `tStatistic` = mean / (sd/√n) with the n − 1 sample sd, `positiveFraction`
 * the share with w̄ > 0, `biasOverStep` = meanAverage / `learningRate`; `minTStatistic` is the least
 * tStatistic over c. `noiseless[cX]` is w̄ of the noiseless run (`noiselessAverage`), reproducible by hand
 * from the update rule. `example` keeps every iterate of seed 0 of the first c: its `average` is the
 * mean of the last `averageFraction` of them, and the noise draws follow from consecutive iterates as
 * ω_t = (w_t − w_{t+1})/η − ∇L(w_t).
 */
import type { ExperimentKind } from '../registry';
import { fromOps } from '../cost';
import type { Rng } from '../rng';
import type { ExperimentOutput, PlotSpec } from '../types';
import { extent, mean } from '../fit';

export interface AsymmetricValleyParams {
  /** Slope of the flat side. */
  flatSlope: number;
  /** Steepness ratios c to test (steep slope = c·flatSlope). */
  steepness: number[];
  learningRate: number;
  /** Half-width v of the uniform gradient noise. */
  noise: number;
  steps: number;
  /** Iterates averaged: the last `averageFraction` of the run. */
  averageFraction: number;
  seeds: number;
}

export interface ValleyRun {
  average: number;
  iterates: number[];
}

/** One SGD run from w = 0; returns the average of the last part of the run (and the iterates if asked). */
export function valleySgd(p: AsymmetricValleyParams, c: number, rng: Rng, keepIterates = false): ValleyRun {
  let w = 0;
  let sum = 0;
  let count = 0;
  const from = Math.floor(p.steps * (1 - p.averageFraction));
  const iterates: number[] = [];
  for (let t = 0; t < p.steps; t++) {
    const gradient = w >= 0 ? p.flatSlope : -c * p.flatSlope;
    w -= p.learningRate * (gradient + p.noise * (2 * rng.uniform() - 1));
    if (t >= from) {
      sum += w;
      count++;
    }
    if (keepIterates) iterates.push(w);
  }
  return { average: sum / count, iterates };
}

const key = (c: number): string => `c${c}`;

export const asymmetricValley: ExperimentKind<AsymmetricValleyParams> = {
  name: 'asymmetric-valley',
  precisions: ['float64'],
  description: 'SGD with gradient noise in a one-dimensional asymmetric valley: the averaged iterate lies on the flat side.',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['flatSlope', 'steepness', 'learningRate', 'noise', 'steps', 'averageFraction', 'seeds'],
    properties: {
      flatSlope: { type: 'number', exclusiveMinimum: 0 },
      steepness: { type: 'array', items: { type: 'number', minimum: 1 }, minItems: 1 },
      learningRate: { type: 'number', exclusiveMinimum: 0 },
      noise: { type: 'number', minimum: 0 },
      steps: { type: 'integer', minimum: 10 },
      averageFraction: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
      seeds: { type: 'integer', minimum: 2 },
    },
  },
  cost(p) {
    // One SGD step is a few operations and one draw; one run per seed and steepness, one kept for plots.
    return fromOps(50 * p.steps * p.seeds * p.steepness.length, 8 * p.steps);
  },
  metrics: (p) => [
    ...p.steepness.flatMap((c) => ['meanAverage', 'tStatistic', 'positiveFraction', 'biasOverStep', 'noiselessAverage'].map((m) => `${key(c)}.${m}`)),
    'minTStatistic',
  ],
  run(params, ctx): ExperimentOutput {
    const metrics: Record<string, number> = {};
    const averages: Record<string, number[]> = {};
    const noiseless: Record<string, number> = {};
    params.steepness.forEach((c, ci) => {
      const runs = Array.from({ length: params.seeds }, (_, s) => valleySgd(params, c, ctx.rng.fork(`c=${c} seed=${s}`)).average);
      const m = mean(runs);
      const sd = Math.sqrt(runs.reduce((acc, v) => acc + (v - m) ** 2, 0) / (runs.length - 1));
      metrics[`${key(c)}.meanAverage`] = m;
      metrics[`${key(c)}.tStatistic`] = m / (sd / Math.sqrt(runs.length));
      metrics[`${key(c)}.positiveFraction`] = runs.filter((v) => v > 0).length / runs.length;
      metrics[`${key(c)}.biasOverStep`] = m / params.learningRate;
      // With v = 0 every draw is multiplied by 0: the run is deterministic.
      noiseless[key(c)] = valleySgd({ ...params, noise: 0 }, c, ctx.rng.fork(`c=${c} noiseless`)).average;
      metrics[`${key(c)}.noiselessAverage`] = noiseless[key(c)];
      averages[key(c)] = runs;
      ctx.progress(ci + 1, params.steepness.length);
    });
    metrics.minTStatistic = Math.min(...params.steepness.map((c) => metrics[`${key(c)}.tStatistic`]));
    const c = params.steepness[0];
    const example = valleySgd(params, c, ctx.rng.fork(`c=${c} seed=0`), true);
    return {
      metrics,
      evidence: {
        description: 'Per steepness c: the averaged iterate w̄ of each seed (SGD from w = 0; the average is over the last part of the run) and of one noiseless run. The example run repeats seed 0 of the first c with every iterate.',
        learningRate: params.learningRate,
        averageFraction: params.averageFraction,
        averages,
        noiseless,
        example: { c, iterates: example.iterates, average: example.average },
      },
      plots: valleyPlots(params, c, example),
    };
  },
};

function valleyPlots(p: AsymmetricValleyParams, c: number, run: ValleyRun): PlotSpec[] {
  const loss = (w: number): number => (w >= 0 ? p.flatSlope * w : -c * p.flatSlope * w);
  const { min: lo, max: hi } = extent(run.iterates);
  const grid = Array.from({ length: 81 }, (_, i) => lo + ((hi - lo) * i) / 80).concat([0]).sort((a, b) => a - b);
  const stride = Math.max(1, Math.floor(run.iterates.length / 400));
  const shown = run.iterates.filter((_, i) => i % stride === 0);
  const runningMean: number[] = [];
  let sum = 0;
  run.iterates.forEach((w, i) => {
    sum += w;
    if (i % stride === 0) runningMean.push(sum / (i + 1));
  });
  return [
    {
      id: 'valley',
      title: `SGD iterates in the asymmetric valley (steep side c = ${c}× steeper) and their average (survey Fig. 19)`,
      x: { label: 'w' },
      y: { label: 'L(w)' },
      series: [
        { name: 'loss L(w)', mark: 'line', x: grid, y: grid.map(loss) },
        { name: 'SGD iterates', mark: 'points', x: shown, y: shown.map(loss) },
        { name: `averaged iterate w̄ = ${run.average.toFixed(3)}`, mark: 'points', x: [run.average], y: [loss(run.average)] },
      ],
    },
    {
      id: 'running-average',
      title: 'Iterates and their running average over time',
      caption: 'The running average settles on the flat side (w > 0).',
      x: { label: 'iteration' },
      y: { label: 'w' },
      series: [
        { name: 'iterate w_t', mark: 'line', x: shown.map((_, i) => i * stride), y: shown },
        { name: 'running average', mark: 'line', x: runningMean.map((_, i) => i * stride), y: runningMean },
      ],
    },
  ];
}
