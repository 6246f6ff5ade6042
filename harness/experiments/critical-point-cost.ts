/**
 * The cost model of `critical-point-search` (and the DLAE's analytic critical points that
 * `dlae-analytic` enumerates): seconds on the reference core from the parameters alone.
 *
 * What a run does (critical-point-task.ts, numerics/critical-points.ts): the optimiser trajectory the
 * starts come from (`initialPoints.steps` gradients), then per finder run and iteration
 * - Newton-MR: a gradient, an MR-QLP solve of Hp = −g (one HVP and the Lanczos/QLP vector work per
 *   Krylov step, two closing HVPs), ‖H‖_F (the dense Hessian, or one HVP per Hutchinson probe), the
 *   slope pᵀHg (one HVP) and the back-tracking line search (a gradient per trial);
 * - damped Newton: a gradient, one shifted MR-QLP solve and one candidate gradient per damping γ, and
 *   the undamped Newton step whose flatness is recorded;
 * - BTLS-GNM: a gradient, the direction H∇L (one HVP) and per line-search trial a gradient (and an HVP
 *   for the Wolfe curvature test);
 * and the Hessian index (dense Hessian and eigh) at each indexed iterate (final, maximally flat, each
 * cutoff).
 *
 * Calibration (CPU time of the float64 engine on this suite's 2-core machine, checked against the
 * full-tier times of README "Results at full, seed 1", claim plus controls: newton-mr-outperforms
 * 625 s, cutoff-strictness 124 s, nonlinear-plateau 110 s, gradient-flat-autoencoder 163 s,
 * -classifier 97 s, -overparameterized 206 s; the estimates land at 1.0–2.1 times those):
 * - an MLP's passes run in the wasm gemm kernels at ≈ 8·10⁹ of `mlpOps`' operations a second (an HVP of
 *   the 552-parameter autoencoder on 1000 samples: 0.76 ms; of the 1160-parameter net on 50: 0.10 ms);
 * - the DLAE's scalar loops: a gradient ≈ (d²k + 1000) operations at the reference rate (9 µs for
 *   d = 16, k = 4), an HVP 1.5 gradients, the dense Hessian 2·dim² operations (0.16 ms);
 * - an MR-QLP step's own vector work ≈ 6000 + 20·dim operations (≈ 30 µs at dim = 128);
 * - eigh (`eighSeconds` in harness/cost.ts).
 * Two counts are typical values, not caps, since their caps are far from what runs use:
 * - MR-QLP stops at rtol 5e-4 long before its cap of `maxit` (default: dim) steps: the full-tier Newton
 *   steps took 26–68 Krylov steps (dim 128–1160), the shifted solves of damped Newton 30: the estimate
 *   charges min(maxit, 48), and min(maxit, 32) for a shifted solve;
 * - a Newton run on the DLAE converges and then ends when the line search finds no step (80–99% of runs),
 *   after about as many iterations whatever its budget: 86–102 (Newton-MR) and 220 (damped Newton) on
 *   average with a budget of 500, 97 and 135 with 200. The estimate charges min(budget, 125) and
 *   min(budget, 250). BTLS-GNM runs used 54–64% of their budgets, charged as 70%. MLP runs (plateaus,
 *   gradient-flat regions) spend their whole budget and are charged it. A DLAE spec whose runs do not
 *   converge can take longer than the estimate; one whose Krylov solves converge at once (a ridge
 *   control: ‖∇L‖ → 0) takes less.
 */
import type { MlpSpec } from '../../models';
import { EVALUATION_OVERHEAD_OPS, REFERENCE_OPS_PER_SECOND, eighSeconds, mlpOps } from '../cost';
import type { CostEstimate } from '../registry';
import type { AlgorithmRunSpec, CriticalPointSearchParams } from './critical-point-search';
import type { ProblemSpec } from './critical-point-problems';

const MLP_OPS_PER_SECOND = 8e9;
const NEWTON_KRYLOV_STEPS = 48;
const SHIFTED_KRYLOV_STEPS = 32;
/** Line-search trials per iteration (a gradient each): 2–6 at full, including the last, failing search. */
const LINE_SEARCH_TRIALS = 3;
const DLAE_CONVERGED_ITERATIONS = { 'newton-mr': 125, 'damped-newton': 250 };
const DLAE_BTLS_SHARE_OF_BUDGET = 0.7;

/** Iterations a run is charged: its budget, or on the DLAE what converged runs typically use of it. */
function chargedIterations(a: AlgorithmRunSpec, dlae: boolean): number {
  if (!dlae) return a.iterations;
  return a.name === 'btls-gnm' ? DLAE_BTLS_SHARE_OF_BUDGET * a.iterations : Math.min(a.iterations, DLAE_CONVERGED_ITERATIONS[a.name]);
}

/** Seconds of one gradient, one HVP and one dense Hessian of a problem, and its parameter count. */
export interface ProblemCosts {
  dim: number;
  gradient: number;
  hvp: number;
  hessian: number;
}

const scalarSeconds = (ops: number): number => ops / REFERENCE_OPS_PER_SECOND;

function dlaeCosts(d: number, k: number): ProblemCosts {
  const dim = 2 * d * k;
  const gradient = scalarSeconds(d * d * k + EVALUATION_OVERHEAD_OPS);
  return { dim, gradient, hvp: 1.5 * gradient, hessian: scalarSeconds(2 * dim * dim + EVALUATION_OVERHEAD_OPS) };
}

function mlpCosts(net: MlpSpec, n: number): ProblemCosts {
  const ops = mlpOps(net, n);
  const gradient = ops.gradient / MLP_OPS_PER_SECOND;
  // The dense Hessian is dim HVPs (models/objective.ts).
  return { dim: ops.parameters, gradient, hvp: 2 * gradient, hessian: ops.parameters * 2 * gradient };
}

export function problemCosts(problem: ProblemSpec): ProblemCosts {
  switch (problem.model) {
    case 'quartic':
      return { dim: 2, gradient: 1e-7, hvp: 1e-7, hessian: 1e-7 };
    case 'dlae':
      return dlaeCosts(problem.data.d, problem.hidden);
    case 'mlp':
      return mlpCosts(problem.network, mlpSamples(problem));
  }
}

/** Seconds of building a problem's data where that is more than reading it: PCA features (an eigh of order min(784, images)). */
export function problemBuildSeconds(problem: ProblemSpec): number {
  return problem.model === 'mlp' && problem.data.source === 'mnist' && problem.data.features.kind === 'pca' ? eighSeconds(Math.min(784, problem.data.images), true) : 0;
}

function mlpSamples(problem: Extract<ProblemSpec, { model: 'mlp' }>): number {
  return problem.data.source === 'gaussian' ? problem.data.n : problem.data.images;
}

/** Seconds of one MR-QLP solve of `steps` Krylov steps (its two closing products included). */
function solveSeconds(c: ProblemCosts, steps: number): number {
  return (steps + 2) * c.hvp + steps * scalarSeconds(6000 + 20 * c.dim);
}

/** Seconds of one iteration of a finder, at typical Krylov and line-search counts. */
function iterationSeconds(a: AlgorithmRunSpec, c: ProblemCosts): number {
  if (a.name === 'btls-gnm') return c.gradient + c.hvp + LINE_SEARCH_TRIALS * (c.gradient + (a.lineSearch.curvature === undefined ? 0 : c.hvp));
  const cap = a.minres?.maxit ?? c.dim;
  const norm = a.hessianNorm === 'exact' ? c.hessian : a.hessianNorm.hutchinsonProbes * c.hvp;
  const newtonStep = solveSeconds(c, Math.min(cap, NEWTON_KRYLOV_STEPS)) + norm;
  if (a.name === 'newton-mr') return c.gradient + newtonStep + c.hvp + LINE_SEARCH_TRIALS * c.gradient;
  return c.gradient + a.damping.length * (solveSeconds(c, Math.min(cap, SHIFTED_KRYLOV_STEPS)) + c.gradient) + newtonStep;
}

/** Indexed iterates of one run of the `position`-th algorithm: final, maximally flat, one per cutoff. */
function indexedPoints(params: CriticalPointSearchParams, a: AlgorithmRunSpec, position: number): number {
  const { analysis } = params;
  return (analysis.analytic || analysis.indexAt?.final ? 1 : 0) + (analysis.indexAt?.maxR && a.name !== 'btls-gnm' ? 1 : 0) + (position === 0 ? (analysis.cutoffs?.length ?? 0) : 0);
}

/** Seconds of `dlaeCriticalPoints` with indices: a gradient, the Hessian and its eigenvalues per subset of ≤ k eigenvectors. */
export function dlaeAnalyticSeconds(d: number, k: number): number {
  const c = dlaeCosts(d, k);
  let subsets = 0;
  for (let size = 0, choose = 1; size <= Math.min(k, d); choose = (choose * (d - size)) / (size + 1), size++) subsets += choose;
  return subsets * (c.gradient + c.hessian + eighSeconds(c.dim, false));
}

/** Seconds of each finder run (each work unit of the search), in unit order: its iterations and its indexed iterates. */
export function criticalPointRunSeconds(params: CriticalPointSearchParams): number[] {
  const c = problemCosts(params.problem);
  const dlae = params.problem.model === 'dlae';
  return params.algorithms.flatMap((a, position) => {
    const run = chargedIterations(a, dlae) * iterationSeconds(a, c) + indexedPoints(params, a, position) * (c.hessian + eighSeconds(c.dim, true));
    return new Array<number>(a.runs).fill(run);
  });
}

export function criticalPointSearchCost(params: CriticalPointSearchParams): CostEstimate {
  const c = problemCosts(params.problem);
  const { problem } = params;
  let seconds = problemBuildSeconds(problem) + params.initialPoints.steps * c.gradient;
  if (problem.model === 'dlae' && (params.analysis.analytic || params.analysis.cutoffs)) seconds += dlaeAnalyticSeconds(problem.data.d, problem.hidden);
  seconds += criticalPointRunSeconds(params).reduce((a, b) => a + b, 0);
  const iterates = Math.max(...params.algorithms.map((a) => a.iterations));
  const traced = params.algorithms.reduce((n, a) => n + a.runs * a.iterations, 0);
  // Peak memory: one run's iterates (each θ_t is kept for the indices) and the traces of all runs,
  // the dense Hessian with eigh's workspace, and an MLP's n × width buffers.
  const samples = problem.model === 'mlp' ? mlpSamples(problem) : 0;
  const widest = problem.model === 'mlp' ? Math.max(...problem.network.widths) : 0;
  const memoryBytes = 8 * (iterates * c.dim + 14 * traced + 3 * c.dim * c.dim + 12 * samples * widest);
  return { seconds, memoryBytes };
}

