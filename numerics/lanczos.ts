/**
 * Krylov methods for the extreme eigenpairs of a symmetric operator known only through its action
 * v ↦ A v (a Hessian-vector product, typically): Lanczos with full reorthogonalisation, Ritz pairs
 * with their residuals, and power iteration. Everything is float64; the operator is called once per step.
 *
 * Each method is written once, as an operator program: a generator that yields every vector it needs A
 * applied to and receives A v back. `runProgram` drives it with a synchronous operator (the float64
 * engine), `runProgramAsync` with one that returns a promise (tfjs on WebGPU, whose results can only be
 * read back asynchronously). The exported functions are the synchronous drivers of these programs.
 */
import { createRng, type Rng } from '../harness/rng';
import { eighTridiagonal } from './eigh';

/** A symmetric linear operator on ℝⁿ. It may return a buffer it reuses: callers copy before keeping it. */
export type SymmetricOperator = (v: Float64Array) => Float64Array;

/** The same operator where A v is only available asynchronously. */
export type AsyncSymmetricOperator = (v: Float64Array) => Promise<Float64Array>;

/**
 * A computation on an operator of dimension `n`: it yields each vector v it needs the image of, receives
 * A v (checked to have length n by the driver; possibly a reused buffer, so the program copies it), and
 * returns its result.
 */
export interface OperatorProgram<T> {
  n: number;
  steps: Generator<Float64Array, T, Float64Array>;
}

/** Runs a program with a synchronous operator. */
export function runProgram<T>(program: OperatorProgram<T>, apply: SymmetricOperator): T {
  let request = program.steps.next();
  while (!request.done) request = program.steps.next(checkedImage(apply(request.value), program.n));
  return request.value;
}

/** Runs a program with an asynchronous operator, one operator call at a time. */
export async function runProgramAsync<T>(program: OperatorProgram<T>, apply: AsyncSymmetricOperator): Promise<T> {
  let request = program.steps.next();
  while (!request.done) request = program.steps.next(checkedImage(await apply(request.value), program.n));
  return request.value;
}

export interface LanczosResult {
  /** Diagonal of the tridiagonal T = Qᵀ A Q (length m, the number of steps taken). */
  alpha: Float64Array;
  /** Off-diagonal of T (length m − 1). */
  beta: Float64Array;
  /** The orthonormal Lanczos vectors q₁…q_m (the columns of Q). Kept anyway for reorthogonalisation. */
  basis: Float64Array[];
}

/**
 * A β below this fraction of the largest ‖A q‖ seen counts as breakdown: the Krylov space is invariant
 * to working precision. With full reorthogonalisation the residual left after an exact invariant subspace
 * is rounding noise of order nε‖A‖, far below this.
 */
const BREAKDOWN_TOLERANCE = 1e-10;

/** Fixed so that calls without an rng are reproducible. */
const DEFAULT_SEED = 0x1a2c205;

/**
 * `steps` Lanczos steps on `apply` from `start` (normalised here; must be non-zero), every new vector
 * reorthogonalised against all previous ones. Steps are capped at n.
 *
 * Breakdown: when β_j is negligible (see BREAKDOWN_TOLERANCE) span(q₁…q_j) is an invariant subspace —
 * e.g. A has only j distinct eigenvalues, or `start` lies in the span of j eigenvectors. The run then
 * stops early and returns j steps; the eigenvalues of T are then exact eigenvalues of A, and for a
 * quadrature (density.ts) the j-node rule is already exact. Callers detect it as alpha.length < min(steps, n).
 */
export function lanczos(apply: SymmetricOperator, n: number, steps: number, start: Float64Array): LanczosResult {
  return runProgram(lanczosProgram(n, steps, start), apply);
}

/** `lanczos` as an operator program. */
export function lanczosProgram(n: number, steps: number, start: Float64Array): OperatorProgram<LanczosResult> {
  return { n, steps: lanczosRun(n, steps, start, null) };
}

export interface TopEigenpairsOptions {
  /** Lanczos steps (default min(n, max(3k, 2k + 30))). More steps, more accurate interior Ritz pairs. */
  steps?: number;
  /** Source of the random start vector (default: a fixed seed). */
  rng?: Rng;
  /** 'largest' (default): largest |λ|; 'algebraic': largest λ. */
  which?: 'largest' | 'algebraic';
}

export interface Eigenpairs {
  /** Ritz values, largest first (by |λ| or by λ, as asked). */
  values: number[];
  /** Unit Ritz vectors, one per value. */
  vectors: Float64Array[];
  /** ‖A v − λ v‖ for each pair, from one extra operator call each: some eigenvalue of A lies within it of λ. */
  residualNorms: number[];
}

/**
 * Ritz approximations to the k eigenpairs of largest magnitude (or largest value) from one Lanczos run
 * with full reorthogonalisation. If the run breaks down before `steps`, it continues from a fresh random
 * vector orthogonal to the basis so far (T gets a zero off-diagonal there): a single Krylov space holds
 * only one vector per eigenspace, and the restart is what lets repeated eigenvalues appear repeated.
 */
export function topEigenpairs(apply: SymmetricOperator, n: number, k: number, options: TopEigenpairsOptions = {}): Eigenpairs {
  return runProgram(topEigenpairsProgram(n, k, options), apply);
}

/** `topEigenpairs` as an operator program; its arguments are checked when it is created. */
export function topEigenpairsProgram(n: number, k: number, options: TopEigenpairsOptions = {}): OperatorProgram<Eigenpairs> {
  if (!Number.isInteger(k) || k < 1 || k > n) throw new RangeError(`k must be an integer in [1, ${n}], got ${k}`);
  const steps = options.steps ?? Math.min(n, Math.max(3 * k, 2 * k + 30));
  if (!Number.isInteger(steps) || steps < k) throw new RangeError(`steps must be an integer ≥ k = ${k}, got ${steps}`);
  return { n, steps: topEigenpairsSteps(n, k, steps, options) };
}

function* topEigenpairsSteps(n: number, k: number, steps: number, options: TopEigenpairsOptions): Generator<Float64Array, Eigenpairs, Float64Array> {
  const rng = options.rng ?? createRng(DEFAULT_SEED);
  const gaussian = (): Float64Array => Float64Array.from({ length: n }, () => rng.normal());
  const { alpha, beta, basis } = yield* lanczosRun(n, steps, gaussian(), gaussian);
  const m = alpha.length;
  const ritz = eighTridiagonal(alpha, beta);
  const s = ritz.vectors!;
  const key = options.which === 'algebraic' ? (x: number) => x : Math.abs;
  const chosen = Array.from({ length: m }, (_, i) => i)
    .sort((p, q) => key(ritz.values[q]) - key(ritz.values[p]))
    .slice(0, k);

  const values: number[] = [];
  const vectors: Float64Array[] = [];
  const residualNorms: number[] = [];
  for (const i of chosen) {
    const theta = ritz.values[i];
    const y = new Float64Array(n);
    for (let j = 0; j < m; j++) axpy(s[j * m + i], basis[j], y);
    scale(1 / norm(y), y);
    const residual = (yield y).slice();
    axpy(-theta, y, residual);
    values.push(theta);
    vectors.push(y);
    residualNorms.push(norm(residual));
  }
  return { values, vectors, residualNorms };
}

export interface PowerIterationOptions {
  /** Default 1000. */
  maxIterations?: number;
  /** Stop when ‖A v − λ v‖ ≤ tolerance · |λ| (default 1e-8). */
  tolerance?: number;
  /** Source of the random start vector (default: a fixed seed). */
  rng?: Rng;
}

export interface PowerIterationResult {
  /** Rayleigh quotient vᵀ A v of the returned vector: the dominant eigenvalue, with its sign. */
  value: number;
  /** Unit vector. */
  vector: Float64Array;
  iterations: number;
  /** ‖A v − λ v‖ at the returned pair. */
  residualNorm: number;
  /** False when maxIterations ran out first. */
  converged: boolean;
}

/**
 * Power iteration for the eigenvalue of largest magnitude. Convergence is judged on the residual, not
 * on the change in λ: when +λ and −λ are both dominant the Rayleigh quotient settles at a meaningless
 * value while v keeps flipping between them, and only the residual shows it. The residual shrinks like
 * (|λ₂|/|λ₁|)^iterations (the value twice as fast), so this is practical only with a clear gap.
 */
export function powerIteration(apply: SymmetricOperator, n: number, options: PowerIterationOptions = {}): PowerIterationResult {
  return runProgram(powerIterationProgram(n, options), apply);
}

/** `powerIteration` as an operator program; its arguments are checked when it is created. */
export function powerIterationProgram(n: number, options: PowerIterationOptions = {}): OperatorProgram<PowerIterationResult> {
  const maxIterations = options.maxIterations ?? 1000;
  if (!Number.isInteger(maxIterations) || maxIterations < 1) throw new RangeError(`maxIterations must be a positive integer, got ${maxIterations}`);
  return { n, steps: powerIterationSteps(n, maxIterations, options.tolerance ?? 1e-8, options.rng) };
}

function* powerIterationSteps(n: number, maxIterations: number, tolerance: number, seeded: Rng | undefined): Generator<Float64Array, PowerIterationResult, Float64Array> {
  const rng = seeded ?? createRng(DEFAULT_SEED);
  let v: Float64Array = Float64Array.from({ length: n }, () => rng.normal());
  scale(1 / norm(v), v);
  const residual = new Float64Array(n);
  for (let iterations = 1; ; iterations++) {
    const w = (yield v).slice();
    const value = dot(v, w);
    residual.set(w);
    axpy(-value, v, residual);
    const residualNorm = norm(residual);
    const converged = residualNorm <= tolerance * Math.abs(value);
    if (converged || iterations === maxIterations) return { value, vector: v, iterations, residualNorm, converged };
    // w = 0 would mean a start vector in the null space, so A = 0 — caught above as a zero residual.
    v = scale(1 / norm(w), w);
  }
}

/**
 * ‖P g‖² / ‖g‖², the fraction of g's squared norm in span(vectors), where P projects onto that span.
 * The vectors must be orthonormal (as Ritz vectors are); then ‖P g‖² = Σᵢ (vᵢ·g)².
 */
export function topEigenspaceEnergy(vectors: Float64Array[], g: Float64Array): number {
  const total = dot(g, g);
  if (!(total > 0)) throw new RangeError('g must be non-zero and finite');
  let captured = 0;
  for (const v of vectors) {
    if (v.length !== g.length) throw new RangeError(`vector of length ${v.length} against g of length ${g.length}`);
    const c = dot(v, g);
    captured += c * c;
  }
  return captured / total;
}

/**
 * The Lanczos recurrence with full reorthogonalisation. On breakdown it stops, or, given `restart`,
 * continues from a new vector orthogonalised against the basis, recording β = 0.
 */
function lanczosRun(n: number, steps: number, start: Float64Array, restart: (() => Float64Array) | null): Generator<Float64Array, LanczosResult, Float64Array> {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be a positive integer, got ${steps}`);
  if (start.length !== n) throw new RangeError(`start has length ${start.length}, expected ${n}`);
  const startNorm = norm(start);
  if (!(startNorm > 0 && startNorm < Infinity)) throw new RangeError('start vector must be non-zero and finite');
  return lanczosRecurrence(steps, n, start, startNorm, restart);
}

function* lanczosRecurrence(steps: number, n: number, start: Float64Array, startNorm: number, restart: (() => Float64Array) | null): Generator<Float64Array, LanczosResult, Float64Array> {
  const m = Math.min(steps, n);
  const alpha: number[] = [];
  const beta: number[] = [];
  const basis: Float64Array[] = [Float64Array.from(start, (x) => x / startNorm)];
  let largestImage = 0;
  for (let j = 0; ; j++) {
    const q = basis[j];
    const w = (yield q).slice();
    largestImage = Math.max(largestImage, norm(w));
    const a = dot(q, w);
    alpha.push(a);
    if (j + 1 === m) break;
    axpy(-a, q, w);
    if (j > 0) axpy(-beta[j - 1], basis[j - 1], w);
    orthogonalise(w, basis);
    let b = norm(w);
    let next: Float64Array | null = w;
    if (b > BREAKDOWN_TOLERANCE * largestImage) {
      scale(1 / b, w);
    } else {
      if (Number.isNaN(b)) throw new Error(`Lanczos step ${j + 1} produced NaN`);
      next = restart === null ? null : freshDirection(restart, basis);
      if (next === null) break;
      b = 0;
    }
    beta.push(b);
    basis.push(next);
  }
  return { alpha: Float64Array.from(alpha), beta: Float64Array.from(beta), basis };
}

/**
 * A unit vector orthogonal to the basis, from random draws; null if a few draws all lie in its span to
 * working precision (then the basis spans ℝⁿ as far as float64 can tell).
 */
function freshDirection(draw: () => Float64Array, basis: Float64Array[]): Float64Array | null {
  for (let attempt = 0; attempt < 3; attempt++) {
    const v = draw();
    const before = norm(v);
    orthogonalise(v, basis);
    const after = norm(v);
    if (after > 1e-8 * before) return scale(1 / after, v);
  }
  return null;
}

/**
 * w ← (I − Q Qᵀ) w by classical Gram–Schmidt, repeated while a pass shrinks w by more than 1/√2
 * (Daniel, Gragg, Kaufman & Stewart 1976). After the three-term recurrence a pass normally removes only
 * rounding-level components and one suffices; a big drop means cancellation, and a second pass restores
 * orthogonality to working precision ("twice is enough").
 */
function orthogonalise(w: Float64Array, basis: Float64Array[]): void {
  const coefficients = new Float64Array(basis.length);
  let size = norm(w);
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < basis.length; i++) coefficients[i] = dot(basis[i], w);
    for (let i = 0; i < basis.length; i++) axpy(-coefficients[i], basis[i], w);
    const reduced = norm(w);
    if (reduced > Math.SQRT1_2 * size) return;
    size = reduced;
  }
}

function checkedImage(w: Float64Array, n: number): Float64Array {
  if (w.length !== n) throw new RangeError(`operator returned length ${w.length}, expected ${n}`);
  return w;
}

/** Four partial sums: a single accumulator serialises on floating-point add latency (≈1.5× slower in V8). */
function dot(x: Float64Array, y: Float64Array): number {
  const m = x.length;
  const unrolled = m - (m % 4);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k < unrolled; k += 4) {
    s0 += x[k] * y[k];
    s1 += x[k + 1] * y[k + 1];
    s2 += x[k + 2] * y[k + 2];
    s3 += x[k + 3] * y[k + 3];
  }
  for (; k < m; k++) s0 += x[k] * y[k];
  return s0 + s1 + (s2 + s3);
}

function norm(x: Float64Array): number {
  return Math.sqrt(dot(x, x));
}

/** y ← y + a x. */
function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let k = 0; k < x.length; k++) y[k] += a * x[k];
}

function scale(a: number, x: Float64Array): Float64Array {
  for (let k = 0; k < x.length; k++) x[k] *= a;
  return x;
}
