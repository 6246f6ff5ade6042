/**
 * `xor-local-minima` (Hamey 1998, survey §5.3): the 2-2-1 sigmoid network on the four XOR patterns with
 * squared error has no local minimum with non-zero error. Many random initialisations are trained to
 * convergence — gradient descent, then Newton-MR to polish whatever stationary point is near — and every
 * run that stalls with error is classified by `numerics/stalls.ts`: a strict local minimum needs a
 * vanishing gradient, a Hessian positive definite beyond noise, and no non-ascending escape (continued
 * descent, rays along the flattest eigenvectors and along ±θ); otherwise it is a saddle, a plateau, or
 * unresolved. `l2` adds the penalty l2·‖θ‖² to the error (a counterfactual: it closes the escapes to
 * infinite weights).
 *
 * A run is a stall when its final objective exceeds the lowest final objective of all runs by more than
 * `solvedLoss` (without a penalty the lowest is ≈ 0, so this is "error > solvedLoss").
 *
 * Recomputing the metrics from `evidence.json` alone: `runs[i].loss` is each run's final objective
 * (recomputable from `runs[i].final`, flat order of models/mlp.ts for widths 2-2-1: W1 (2×2, row-major),
 * b1, W2 (1×2), b2; sigmoid hidden and output units; objective Σ(σ(f) − y)² over the four patterns
 * x = (0,0), (0,1), (1,0), (1,1) with y = 0, 1, 1, 0, plus `l2`·‖θ‖²). `lowestLoss` is their
 * minimum; stalls are the runs with loss > lowestLoss + `solvedLoss`; `solvedFraction` = 1 − stalls/runs.
 * Each stall's `stall` record holds its gradient norm, Hessian eigenvalues, the noise level, the error
 * after continued descent and the best ray point (direction, s, error); its class follows from these by
 * the rules of numerics/stalls.ts with `classification`'s tolerances, and `strictLocalMinima`, `saddles`,
 * `plateaus`, `unresolved` count the classes; `unescapedStalls` counts stalls where neither escape
 * lowered the error by more than `escapeDrop`.
 */
import { mlpObjective, type MlpSpec } from '../../models';
import { DEFAULT_LINE_SEARCH, FRYE_MINRES_OPTIONS, newtonMr } from '../../numerics/critical-points';
import { STALL_CLASSES, classifyStall, type StallOptions, type StallReport } from '../../numerics/stalls';
import type { ExperimentKind } from '../registry';
import { fromOps, mlpOps } from '../cost';
import type { ExperimentOutput } from '../types';

export interface XorParams {
  runs: number;
  /** Initial weights and biases N(0, initStd²). */
  initStd: number;
  descentSteps: number;
  learningRate: number;
  polishIterations: number;
  /** A run has solved XOR when its final objective is within this of the lowest of all runs. */
  solvedLoss: number;
  /** Penalty l2·‖θ‖² added to the squared error (default 0). */
  l2?: number;
  /** How stalls are classified; the continued descent uses `learningRate`. */
  classification: Omit<StallOptions, 'learningRate'>;
}

const NETWORK: MlpSpec = { widths: [2, 2, 1], activation: 'sigmoid' };
const XOR = { n: 4, inputDim: 2, outputDim: 1, x: Float64Array.of(0, 0, 0, 1, 1, 0, 1, 1), y: Float64Array.of(0, 1, 1, 0) };
const positive = { type: 'number', exclusiveMinimum: 0 };

export const xorLocalMinima: ExperimentKind<XorParams> = {
  name: 'xor-local-minima',
  precisions: ['float64'],
  description: 'Random initialisations of the 2-2-1 sigmoid XOR network trained to convergence; every stall classified as saddle, plateau, strict local minimum or unresolved.',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['runs', 'initStd', 'descentSteps', 'learningRate', 'polishIterations', 'solvedLoss', 'classification'],
    properties: {
      runs: { type: 'integer', minimum: 1 },
      initStd: positive,
      descentSteps: { type: 'integer', minimum: 0 },
      learningRate: positive,
      polishIterations: { type: 'integer', minimum: 0 },
      solvedLoss: positive,
      l2: { type: 'number', minimum: 0 },
      classification: {
        type: 'object',
        additionalProperties: false,
        required: ['gradientTolerance', 'curvatureTolerance', 'descentSteps', 'rayDirections', 'rayStart', 'raySteps', 'escapeDrop'],
        properties: {
          gradientTolerance: positive,
          curvatureTolerance: positive,
          descentSteps: { type: 'integer', minimum: 0 },
          rayDirections: { type: 'integer', minimum: 0 },
          rayStart: positive,
          raySteps: { type: 'integer', minimum: 0 },
          escapeDrop: { type: 'number', minimum: 0 },
        },
      },
    },
  },
  cost(p) {
    // Per run: the descent, the continued descent of a stall, the Newton-MR polish (a Hessian each) and the rays.
    const ops = mlpOps(NETWORK, XOR.n);
    const c = p.classification;
    const steps = p.descentSteps + c.descentSteps + c.rayDirections * c.raySteps;
    return fromOps(p.runs * (steps * ops.gradient + p.polishIterations * ops.hessian), 8 * p.runs * 64);
  },
  metrics: () => ['runs', 'solvedFraction', 'stalls', 'strictLocalMinima', 'saddles', 'plateaus', 'unresolved', 'unescapedStalls', 'stallsLowestLoss', 'lowestLoss', ...STALL_CLASSES.map((c) => `errors.${c}`)],
  run(params, ctx): ExperimentOutput {
    const objective = mlpObjective(NETWORK, { kind: 'sigmoid-sse', l2: params.l2 ?? 0 }, XOR);
    const trained = Array.from({ length: params.runs }, (_, i) => {
      const rng = ctx.rng.fork(i);
      let theta = Float64Array.from({ length: objective.dim }, () => params.initStd * rng.normal());
      const start = Array.from(theta);
      const descentLoss: number[] = [];
      for (let t = 0; t < params.descentSteps; t++) {
        const { loss, gradient } = objective.lossAndGradient(theta);
        if (t % 50 === 0) descentLoss.push(loss);
        theta = theta.map((v, j) => v - params.learningRate * gradient[j]);
      }
      const polished = newtonMr(objective, theta, { iterations: params.polishIterations, minres: FRYE_MINRES_OPTIONS, lineSearch: DEFAULT_LINE_SEARCH, hessianNorm: { kind: 'exact' } });
      ctx.progress(i + 1, 2 * params.runs);
      return { start, final: polished.theta, loss: objective.loss(polished.theta), descentLoss, polishStop: polished.stop };
    });
    const lowestLoss = Math.min(...trained.map((r) => r.loss));
    const options: StallOptions = { ...params.classification, learningRate: params.learningRate };
    const runs = trained.map((r, i) => {
      const stall: StallReport | null = r.loss > lowestLoss + params.solvedLoss ? classifyStall(objective, r.final, options) : null;
      ctx.progress(params.runs + i + 1, 2 * params.runs);
      return { ...r, final: Array.from(r.final), stall };
    });
    const stalls = runs.flatMap((r) => (r.stall ? [r.stall] : []));
    const count = (c: string): number => stalls.filter((s) => s.class === c).length;
    return {
      metrics: {
        runs: runs.length,
        solvedFraction: (runs.length - stalls.length) / runs.length,
        stalls: stalls.length,
        strictLocalMinima: count('strict-minimum'),
        saddles: count('saddle'),
        plateaus: count('plateau'),
        unresolved: count('unresolved'),
        unescapedStalls: stalls.filter((s) => s.loss - Math.min(s.descentLoss, s.ray.loss) <= options.escapeDrop).length,
        stallsLowestLoss: stalls.length ? Math.min(...stalls.map((s) => s.loss)) : NaN,
        lowestLoss,
      },
      observations: Object.fromEntries(STALL_CLASSES.map((c) => [`errors.${c}`, [...new Set(stalls.filter((s) => s.class === c).map((s) => s.loss.toFixed(4)))].join(', ') || '—'])),
      evidence: {
        description: 'Per run: initial and final θ (flat order of models/mlp.ts for widths 2-2-1), final objective, the descent objective every 50 steps, how Newton-MR polishing stopped, and for a stall its classification record (class, gradient norm, Hessian eigenvalues ascending, noise level, error after continued descent, best non-ascending ray point).',
        l2: params.l2 ?? 0,
        solvedLoss: params.solvedLoss,
        lowestLoss,
        classification: { ...options },
        runs: runs as never,
      },
      plots: [
        {
          id: 'stalls',
          title: 'Each stall: its error against its smallest Hessian eigenvalue relative to the largest, by class',
          caption: `A strict local minimum needs λmin above the noise level (${params.classification.curvatureTolerance}·max(1, λmax)) and no escape. Shown as |λmin/λmax| + 1e-20 on a log scale.`,
          x: { label: '|λmin / λmax| + 1e-20', scale: 'log' },
          y: { label: 'final objective', scale: 'log' },
          series: STALL_CLASSES.map((c) => {
            const of = stalls.filter((s) => s.class === c);
            return { name: c, mark: 'points' as const, x: of.map((s) => Math.abs(s.eigenvalues[0] / s.eigenvalues[s.eigenvalues.length - 1]) + 1e-20), y: of.map((s) => Math.max(s.loss, 1e-20)) };
          }),
        },
        {
          id: 'descent',
          title: 'Gradient-descent error of each run before polishing',
          x: { label: 'step' },
          y: { label: 'squared error', scale: 'log' },
          series: runs.slice(0, 60).map((r, i) => ({ name: `run ${i}`, mark: 'line' as const, group: r.stall ? 'stalled' : 'solved', x: r.descentLoss.map((_, k) => k * 50), y: r.descentLoss.map((v) => Math.max(v, 1e-20)) })),
        },
      ],
    };
  },
};
