/**
 * `xor-local-minima` (Hamey 1998, survey §5.3): the 2-2-1 sigmoid network on the four XOR patterns with
 * squared error has no strict local minimum with non-zero error. Many random initialisations are trained
 * to convergence — gradient descent, then Newton-MR to polish whatever stationary point is near — and
 * every run that stalls with error must show a flat Hessian direction (a plateau or a saddle).
 */
import { mlpObjective, type MlpSpec } from '../../models';
import { eigh } from '../../numerics/eigh';
import { DEFAULT_LINE_SEARCH, FRYE_MINRES_OPTIONS, newtonMr } from '../../numerics/critical-points';
import type { ExperimentKind } from '../registry';
import type { ExperimentOutput } from '../types';

export interface XorParams {
  runs: number;
  /** Initial weights and biases N(0, initStd²). */
  initStd: number;
  descentSteps: number;
  learningRate: number;
  polishIterations: number;
  /** A run has solved XOR when its final error is at most this. */
  solvedLoss: number;
  /** A stall shows a flat direction when the Hessian's smallest eigenvalue is at most this. */
  flatEigenvalue: number;
}

const NETWORK: MlpSpec = { widths: [2, 2, 1], activation: 'sigmoid' };
const XOR = { n: 4, inputDim: 2, outputDim: 1, x: Float64Array.of(0, 0, 0, 1, 1, 0, 1, 1), y: Float64Array.of(0, 1, 1, 0) };

export const xorLocalMinima: ExperimentKind<XorParams> = {
  name: 'xor-local-minima',
  description: 'Random initialisations of the 2-2-1 sigmoid XOR network trained to convergence; stalls checked for a flat Hessian direction.',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['runs', 'initStd', 'descentSteps', 'learningRate', 'polishIterations', 'solvedLoss', 'flatEigenvalue'],
    properties: {
      runs: { type: 'integer', minimum: 1 },
      initStd: { type: 'number', exclusiveMinimum: 0 },
      descentSteps: { type: 'integer', minimum: 0 },
      learningRate: { type: 'number', exclusiveMinimum: 0 },
      polishIterations: { type: 'integer', minimum: 0 },
      solvedLoss: { type: 'number', exclusiveMinimum: 0 },
      flatEigenvalue: { type: 'number', minimum: 0 },
    },
  },
  metrics: () => ['runs', 'solvedFraction', 'stalls', 'stallsWithoutFlatDirection', 'stallsLargestMinEigenvalue', 'stallsLowestLoss'],
  run(params, ctx): ExperimentOutput {
    const objective = mlpObjective(NETWORK, { kind: 'sigmoid-sse' }, XOR);
    const runs = Array.from({ length: params.runs }, (_, i) => {
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
      const final = polished.theta;
      const { loss, gradient } = objective.lossAndGradient(final);
      const eigenvalues = Array.from(eigh(objective.hessian(final), objective.dim, { vectors: false }).values);
      ctx.progress(i + 1, params.runs);
      return { start, final: Array.from(final), loss, gradNormSq: gradient.reduce((s, g) => s + g * g, 0), eigenvalues, descentLoss, polishStop: polished.stop };
    });
    const stalls = runs.filter((r) => r.loss > params.solvedLoss);
    const minEigen = stalls.map((r) => r.eigenvalues[0]);
    return {
      metrics: {
        runs: runs.length,
        solvedFraction: (runs.length - stalls.length) / runs.length,
        stalls: stalls.length,
        stallsWithoutFlatDirection: minEigen.filter((l) => l > params.flatEigenvalue).length,
        stallsLargestMinEigenvalue: stalls.length ? Math.max(...minEigen) : NaN,
        stallsLowestLoss: stalls.length ? Math.min(...stalls.map((r) => r.loss)) : NaN,
      },
      evidence: {
        description: 'Per run: initial and final θ (flat order of models/mlp.ts for widths 2-2-1), final error, ‖∇L‖², Hessian eigenvalues (ascending), the descent loss every 50 steps, and how Newton-MR polishing stopped.',
        runs: runs as never,
      },
      plots: [
        {
          id: 'stalls',
          title: 'Final error against the smallest Hessian eigenvalue of each run',
          caption: `A strict local minimum with error would sit right of λ = ${params.flatEigenvalue} and above error ${params.solvedLoss}. Eigenvalues are shown as |λmin| + 1e-20 on a log scale; the legend separates signs.`,
          x: { label: '|smallest Hessian eigenvalue| + 1e-20', scale: 'log' },
          y: { label: 'final squared error', scale: 'log' },
          series: [
            { name: 'λmin ≤ 0', mark: 'points', x: runs.filter((r) => r.eigenvalues[0] <= 0).map((r) => Math.abs(r.eigenvalues[0]) + 1e-20), y: runs.filter((r) => r.eigenvalues[0] <= 0).map((r) => Math.max(r.loss, 1e-20)) },
            { name: 'λmin > 0', mark: 'points', x: runs.filter((r) => r.eigenvalues[0] > 0).map((r) => r.eigenvalues[0] + 1e-20), y: runs.filter((r) => r.eigenvalues[0] > 0).map((r) => Math.max(r.loss, 1e-20)) },
          ],
        },
        {
          id: 'descent',
          title: 'Gradient-descent error of each run before polishing',
          x: { label: 'step' },
          y: { label: 'squared error', scale: 'log' },
          series: runs.slice(0, 60).map((r, i) => ({ name: `run ${i}`, mark: 'line' as const, group: r.loss > params.solvedLoss ? 'stalled' : 'solved', x: r.descentLoss.map((_, k) => k * 50), y: r.descentLoss.map((v) => Math.max(v, 1e-20)) })),
        },
      ],
    };
  },
};
