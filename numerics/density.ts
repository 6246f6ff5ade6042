/**
 * Spectral densities of symmetric operators: the stochastic Lanczos quadrature (SLQ) estimate of
 * Ghorbani, Krishnan & Xiao (2019, Algorithm 1), the exact density from a full eigenvalue list, and the
 * L1 distance between two densities on a grid.
 *
 * What the density is. The spectral measure of an n×n symmetric A is μ = (1/n) Σᵢ δ(t − λᵢ): n spikes,
 * which no finite method can draw. Both estimates here are of the smoothed measure
 *   φ_σ(t) = (1/n) Σᵢ N(t; λᵢ, σ²),
 * the spikes convolved with a Gaussian of variance σ². It is a probability density (integrates to 1 over
 * ℝ, and to ≈ 1 on a grid that covers the spectrum by a few σ), and φ_σ → μ only as σ → 0. Comparing two
 * densities therefore only makes sense at the same σ, and features narrower than σ are not resolved.
 *
 * Units of σ. Ghorbani et al. rescale the operator so that its spectrum lies in a known interval (about
 * [−1, 1]) before choosing σ, so their σ is a fraction of the spectral range. Here σ and the grid are in
 * the operator's own units: to match the paper, rescale the operator (or scale σ and the grid by the
 * spectral range together).
 *
 * Why SLQ works. For a unit probe v, vᵀ f(A) v = Σᵢ (uᵢ·v)² f(λᵢ), an integral against a measure with
 * weights (uᵢ·v)². m Lanczos steps from v give its m-node Gauss quadrature: nodes θ = eigenvalues of T_m,
 * weights τ = squared first components of T_m's eigenvectors (so Σ τ = 1). Random probes have
 * E[(uᵢ·v)²] = 1/n, so averaging over draws estimates (1/n) tr f(A) — with f = N(t; ·, σ²), φ_σ(t).
 */
import type { Rng } from '../harness/rng';
import { eighTridiagonal } from './eigh';
import { type OperatorProgram, type SymmetricOperator, lanczosProgram, runProgram } from './lanczos';

export interface SpectralDensity {
  grid: Float64Array;
  /** φ_σ on the grid. */
  density: Float64Array;
  /** Ritz values θ of each draw (one array per draw; fewer than `steps` after a Lanczos breakdown). */
  nodes: number[][];
  /** Gauss quadrature weights τ of each draw, matching `nodes`; each draw's weights sum to 1. */
  weights: number[][];
  /** Each draw's Lanczos tridiagonal T: diagonal α and off-diagonal β, from which its nodes and weights follow. */
  tridiagonals: { alpha: number[]; beta: number[] }[];
}

export interface SlqOptions {
  /** k: number of random probe vectors. The estimate's noise falls like 1/√(k·n). */
  draws: number;
  /** m: Lanczos steps per probe (capped at n). */
  steps: number;
  /** Standard deviation of the Gaussian smoothing kernel, in the operator's units. */
  sigma: number;
  grid: Float64Array;
  rng: Rng;
  /** Probe distribution: Rademacher ±1 entries (default, the lower-variance choice) or Gaussian. */
  probe?: 'rademacher' | 'gaussian';
}

/** SLQ estimate of the smoothed spectral density φ_σ of `apply` on the grid (module comment). */
export function slqDensity(apply: SymmetricOperator, n: number, options: SlqOptions): SpectralDensity {
  return runProgram(slqDensityProgram(n, options), apply);
}

/** `slqDensity` as an operator program (lanczos.ts); its arguments are checked when it is created. */
export function slqDensityProgram(n: number, options: SlqOptions): OperatorProgram<SpectralDensity> {
  if (!Number.isInteger(options.draws) || options.draws < 1) throw new RangeError(`draws must be a positive integer, got ${options.draws}`);
  checkSigma(options.sigma);
  return { n, steps: slqSteps(n, options) };
}

function* slqSteps(n: number, options: SlqOptions): Generator<Float64Array, SpectralDensity, Float64Array> {
  const { draws, steps, sigma, grid, rng } = options;
  const entry = options.probe === 'gaussian' ? () => rng.normal() : () => (rng.uniform() < 0.5 ? -1 : 1);
  const density = new Float64Array(grid.length);
  const nodes: number[][] = [];
  const weights: number[][] = [];
  const tridiagonals: { alpha: number[]; beta: number[] }[] = [];
  for (let draw = 0; draw < draws; draw++) {
    const { alpha, beta } = yield* lanczosProgram(n, steps, Float64Array.from({ length: n }, entry)).steps;
    const m = alpha.length;
    const { values, vectors } = eighTridiagonal(alpha, beta);
    // Eigenvector i of T is column i; its first component is entry (0, i).
    const tau = Array.from({ length: m }, (_, i) => vectors![i] * vectors![i]);
    addGaussians(grid, values, tau, sigma, 1 / draws, density);
    nodes.push(Array.from(values));
    weights.push(tau);
    tridiagonals.push({ alpha: Array.from(alpha), beta: Array.from(beta) });
  }
  return { grid, density, nodes, weights, tridiagonals };
}

/** φ_σ(t) = (1/n) Σᵢ N(t; λᵢ, σ²) on the grid, from all n eigenvalues. */
export function exactDensity(eigenvalues: ArrayLike<number>, sigma: number, grid: Float64Array): Float64Array {
  if (eigenvalues.length === 0) throw new RangeError('exactDensity needs at least one eigenvalue');
  checkSigma(sigma);
  const density = new Float64Array(grid.length);
  addGaussians(grid, eigenvalues, null, sigma, 1 / eigenvalues.length, density);
  return density;
}

/** ∫|p − q| dt by the trapezoid rule on the (strictly increasing) grid; 0 ≤ L1 ≤ 2 for two densities. */
export function l1Distance(grid: Float64Array, p: Float64Array, q: Float64Array): number {
  if (p.length !== grid.length || q.length !== grid.length) {
    throw new RangeError(`densities of length ${p.length} and ${q.length} on a grid of ${grid.length} points`);
  }
  if (grid.length < 2) throw new RangeError('the grid needs at least 2 points');
  let total = 0;
  for (let i = 0; i + 1 < grid.length; i++) {
    const width = grid[i + 1] - grid[i];
    if (!(width > 0)) throw new RangeError(`grid is not strictly increasing at index ${i}`);
    total += 0.5 * width * (Math.abs(p[i] - q[i]) + Math.abs(p[i + 1] - q[i + 1]));
  }
  return total;
}

/** `points` equally spaced values from lo to hi, both included. */
export function linearGrid(lo: number, hi: number, points: number): Float64Array {
  if (!Number.isInteger(points) || points < 2) throw new RangeError(`points must be an integer ≥ 2, got ${points}`);
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) throw new RangeError(`need finite lo < hi, got [${lo}, ${hi}]`);
  const step = (hi - lo) / (points - 1);
  const grid = Float64Array.from({ length: points }, (_, i) => lo + i * step);
  grid[points - 1] = hi;
  return grid;
}

function checkSigma(sigma: number): void {
  if (!(sigma > 0 && sigma < Infinity)) throw new RangeError(`sigma must be positive and finite, got ${sigma}`);
}

/** out(t) += factor · Σᵢ wᵢ N(t; cᵢ, σ²) for every grid point t (wᵢ = 1 when weights is null). */
function addGaussians(grid: Float64Array, centres: ArrayLike<number>, weights: number[] | null, sigma: number, factor: number, out: Float64Array): void {
  const normalisation = factor / (sigma * Math.sqrt(2 * Math.PI));
  const inverseTwoVariance = 1 / (2 * sigma * sigma);
  for (let i = 0; i < centres.length; i++) {
    const centre = centres[i];
    const height = normalisation * (weights === null ? 1 : weights[i]);
    for (let g = 0; g < grid.length; g++) {
      const z = grid[g] - centre;
      out[g] += height * Math.exp(-z * z * inverseTwoVariance);
    }
  }
}
