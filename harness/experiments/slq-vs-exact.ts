/**
 * `slq-vs-exact` (Ghorbani, Krishnan & Xiao 2019, §2–3, survey Fig. 12): the stochastic Lanczos
 * quadrature estimate of a Hessian's spectral density against the exact density from all of its
 * eigenvalues, both smoothed with the same Gaussian, compared by their L1 distance.
 *
 * Evidence, and how each metric is recomputed from it alone:
 * - `l1Distance`: `eigenvalues` (all n, ascending) and `sigma` give the exact density
 *   φ_σ(t) = (1/n) Σᵢ N(t; λᵢ, σ²) on `grid` (`gridPoints` points from λmin − 5σ to λmax + 5σ); each
 *   scored probe's Lanczos tridiagonal (`tridiagonals[i].alpha`, `.beta`) gives its Gauss nodes (the
 *   eigenvalues of T) and weights (squared first components of T's unit eigenvectors), also stored as
 *   `nodes`, `weights`; the estimate is (1/k) Σ_probes Σ_j w_j N(t; node_j, σ²); the metric is the
 *   trapezoidal integral of |φ_σ − estimate| over the grid.
 * - `l1DistanceComparison`: the same from `comparison.tridiagonals` (or `comparison.nodes`, `.weights`).
 * - `lambdaMaxRelativeError`, `lambdaMinRelativeError`: the extreme scored nodes against the extreme
 *   eigenvalues. `parameters`: the length of `eigenvalues`.
 * The Hessian itself is rebuilt from `theta` (models/mlp.ts order) and the data (`data.recipe`, checked
 * by `data.sha256` of the float64 inputs then targets; critical-point-problems.ts).
 */
import { exactDensity, l1Distance, linearGrid, slqDensity } from '../../numerics/density';
import { symmetricEigenvalues } from '../../numerics/symmetric-eigenvalues';
import { extent } from '../fit';
import type { ExperimentKind } from '../registry';
import type { ExperimentOutput } from '../types';
import { problemBuildSeconds, problemCosts } from './critical-point-cost';
import { buildProblem, problemSchema, type ProblemSpec } from './critical-point-problems';
import { kaimingNormal } from '../../models';

export interface SlqVsExactParams {
  problem: ProblemSpec;
  /** Gradient-descent steps from a Kaiming initialisation before the Hessian is taken (0: at initialisation). */
  trainingSteps: number;
  learningRate: number;
  /** k: random probes of the scored estimate. */
  draws: number;
  /** k of a second estimate shown beside it, unscored. */
  comparisonDraws: number;
  /** m: Lanczos steps per probe. */
  steps: number;
  /** Gaussian smoothing σ as a fraction of the spectral range λmax − λmin (Ghorbani et al. normalise the spectrum first). */
  sigmaFraction: number;
  gridPoints: number;
}

export const slqVsExact: ExperimentKind<SlqVsExactParams> = {
  name: 'slq-vs-exact',
  precisions: ['float64'],
  description: 'Stochastic Lanczos quadrature density of a Hessian against its exact eigenvalue density (L1 distance).',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['problem', 'trainingSteps', 'learningRate', 'draws', 'comparisonDraws', 'steps', 'sigmaFraction', 'gridPoints'],
    properties: {
      problem: problemSchema,
      trainingSteps: { type: 'integer', minimum: 0 },
      learningRate: { type: 'number', exclusiveMinimum: 0 },
      draws: { type: 'integer', minimum: 1 },
      comparisonDraws: { type: 'integer', minimum: 1 },
      steps: { type: 'integer', minimum: 2 },
      sigmaFraction: { type: 'number', exclusiveMinimum: 0 },
      gridPoints: { type: 'integer', minimum: 10 },
    },
  },
  metrics: () => ['parameters', 'l1Distance', 'l1DistanceComparison', 'lambdaMaxRelativeError', 'lambdaMinRelativeError', 'exactLambdaMax'],
  check: (p) => (p.problem.model === 'mlp' ? [] : [{ path: '/problem/model', message: 'needs an MLP problem (the weights start from a Kaiming initialisation)' }]),
  cost(p) {
    // Gradient descent, the dense Hessian (dim HVPs) and its eigenvalues by two-stage tridiagonalisation
    // (2n³ flops at gemm speed: ≈ 4·10⁻¹⁰·n³ s, 25 s at n = 4150), and per SLQ probe m HVPs with full
    // reorthogonalisation (≈ 2·10⁻⁹·m²·n s). Full tier: 75 s, and 51 s for the 5-step control.
    const c = problemCosts(p.problem);
    const probes = (p.draws + p.comparisonDraws) * (p.steps * c.hvp + 2e-9 * p.steps ** 2 * c.dim);
    return { seconds: problemBuildSeconds(p.problem) + p.trainingSteps * c.gradient + c.hessian + 4e-10 * c.dim ** 3 + probes, memoryBytes: 8 * c.dim * (c.dim + p.steps) };
  },
  run(params, ctx): ExperimentOutput {
    const problem = params.problem as Extract<ProblemSpec, { model: 'mlp' }>;
    const { objective, data } = buildProblem(problem, ctx.rng.fork('problem').int(2 ** 32));
    const init = ctx.rng.fork('init');
    let theta = kaimingNormal(problem.network, () => init.normal());
    for (let t = 0; t < params.trainingSteps; t++) {
      const { gradient } = objective.lossAndGradient(theta);
      theta = theta.map((v, j) => v - params.learningRate * gradient[j]);
    }
    const n = objective.dim;
    const exact = symmetricEigenvalues(objective.hessian(theta), n, { overwrite: true });
    ctx.progress(1, 2);
    const lo = exact[0];
    const hi = exact[n - 1];
    const sigma = params.sigmaFraction * (hi - lo);
    const grid = linearGrid(lo - 5 * sigma, hi + 5 * sigma, params.gridPoints);
    const truth = exactDensity(exact, sigma, grid);
    const apply = (v: Float64Array): Float64Array => objective.hvp(theta, v);
    const slq = slqDensity(apply, n, { draws: params.draws, steps: params.steps, sigma, grid, rng: ctx.rng.fork('probes') });
    const comparison = slqDensity(apply, n, { draws: params.comparisonDraws, steps: params.steps, sigma, grid, rng: ctx.rng.fork('comparison probes') });
    ctx.progress(2, 2);
    const { min: ritzMin, max: ritzMax } = extent(slq.nodes.flat());
    return {
      metrics: {
        parameters: n,
        l1Distance: l1Distance(grid, truth, slq.density),
        l1DistanceComparison: l1Distance(grid, truth, comparison.density),
        lambdaMaxRelativeError: Math.abs(ritzMax - hi) / Math.abs(hi),
        lambdaMinRelativeError: Math.abs(ritzMin - lo) / Math.max(Math.abs(lo), 1e-300),
        exactLambdaMax: hi,
      },
      evidence: {
        description:
          'All exact Hessian eigenvalues (ascending); for every probe of the scored estimate and of the comparison, its Lanczos tridiagonal (α, β) and the Gauss nodes and weights it gives; σ, the grid and both smoothed densities on it; θ in the flat order of models/mlp.ts and the data (recipe, sha256 of the float64 inputs then targets). The module comment of harness/experiments/slq-vs-exact.ts says how each metric follows.',
        data,
        theta: Array.from(theta),
        eigenvalues: Array.from(exact),
        sigma,
        grid: Array.from(grid),
        exactDensity: Array.from(truth),
        slqDensity: Array.from(slq.density),
        nodes: slq.nodes,
        weights: slq.weights,
        tridiagonals: slq.tridiagonals,
        comparison: { density: Array.from(comparison.density), nodes: comparison.nodes, weights: comparison.weights, tridiagonals: comparison.tridiagonals },
      },
      plots: [
        {
          id: 'densities',
          title: `Spectral density of the Hessian (${n} parameters): SLQ (k = ${params.draws}, m = ${params.steps}) against the exact eigenvalues`,
          caption: `Both smoothed with a Gaussian of σ = ${params.sigmaFraction} × spectral range. Log scale, as in Ghorbani et al.; densities below 1e-8 are cut.`,
          x: { label: 'eigenvalue' },
          y: { label: 'density', scale: 'log' },
          series: [
            { name: 'exact (full eigendecomposition)', mark: 'line', x: Array.from(grid), y: Array.from(truth).map((v) => Math.max(v, 1e-8)) },
            { name: `SLQ, k = ${params.draws}`, mark: 'line', x: Array.from(grid), y: Array.from(slq.density).map((v) => Math.max(v, 1e-8)) },
            { name: `SLQ, k = ${params.comparisonDraws}`, mark: 'line', x: Array.from(grid), y: Array.from(comparison.density).map((v) => Math.max(v, 1e-8)) },
          ],
        },
      ],
    };
  },
};
