/**
 * Cost estimates of experiment runs from their parameters alone, on a reference machine (one core of a
 * 2-core laptop: about 2·10⁸ float64 operations a second through the engine's scalar loops, 8 GiB of
 * memory). They catch parameters no run can finish (`steps: 1e12`, a step of 1e-7 along a line of
 * length 600, a 3000-unit layer's Hessian) — `validate` reports a tier whose estimate exceeds its
 * budget or the reference memory — and tell a user what a claim costs: `run` prints the estimate before
 * each claim, `estimate` per claim and tier. Each kind's rates are calibrated on measured times, and
 * cost-calibration.test.ts keeps every shipped claim's full-tier estimate within a factor of 3 of its
 * measured time.
 */
import { parameterCount, type MlpSpec } from '../models';
import type { DataSpec } from '../datasets/synthetic';
import type { AnyExperimentKind, CostEstimate } from './registry';
import type { JsonValue, Params } from './types';

export const REFERENCE_OPS_PER_SECOND = 2e8;
export const REFERENCE_MEMORY_BYTES = 8 * 2 ** 30;
/** Bookkeeping around one model evaluation (allocation, calls), in operations: it dominates tiny nets. */
export const EVALUATION_OVERHEAD_OPS = 1000;
/** The lower bound `defaultCost` charges per unit of a kind's largest count. */
const DEFAULT_SECONDS_PER_UNIT = 1e-6;

/** Operations of one forward pass of an MLP over `n` samples: two per weight and bias per sample. */
export function mlpForwardOps(net: MlpSpec, n: number): number {
  return 2 * parameterCount(net) * n;
}

/**
 * Operations of a gradient (≈ 3 forward passes) and of the full Hessian (one Hessian-vector product,
 * ≈ 2 gradients, per parameter), each with the evaluation overhead.
 */
export function mlpOps(net: MlpSpec, n: number): { gradient: number; hessian: number; parameters: number } {
  const forward = mlpForwardOps(net, n);
  const parameters = parameterCount(net);
  const gradient = 3 * forward + EVALUATION_OVERHEAD_OPS;
  return { gradient, hessian: parameters * (2 * gradient), parameters };
}

/** Samples in a synthetic data spec (the App. B data of the (L0,L1) paper has 20). */
export function dataSize(data: DataSpec): number {
  switch (data.source) {
    case 'uniform-regression':
      return data.n;
    case 'uniform-inputs-class-blocks':
      return data.classCounts.reduce((a, b) => a + b, 0);
    default:
      return 20;
  }
}

/**
 * Seconds of a dense symmetric eigendecomposition of order n (numerics/eigh.ts, CPU time on this
 * suite's machine: 10 ms at n = 128, 0.44 s at 400, 6–9 s at 1160 with eigenvectors): ≈ 6·10⁻⁹·n³ with
 * the eigenvectors, half that for the values alone.
 */
export function eighSeconds(n: number, vectors: boolean): number {
  return (vectors ? 6e-9 : 3e-9) * n ** 3;
}

export function fromOps(ops: number, memoryBytes: number): CostEstimate {
  return { seconds: ops / REFERENCE_OPS_PER_SECOND, memoryBytes };
}

/**
 * The estimate for a kind without `cost`: a lower bound that charges 1 µs per unit of the largest
 * count among the parameters (an integer under a name that says it counts: steps, iterations, runs,
 * seeds, samples, points, epochs, n, widths…; thresholds such as `maxNorm: 1e15` are not counts). It
 * never flags a reasonable spec, yet catches a count no run can finish.
 */
export function defaultCost(params: Params): CostEstimate {
  return { seconds: largestCount(params, false) * DEFAULT_SECONDS_PER_UNIT, memoryBytes: 0 };
}

const COUNT_NAME = /(steps|iterations|iters|runs|seeds|samples|points|count|epochs|trials|probes|restarts|repeats|widths|^n$|^n[A-Z])/i;

function largestCount(value: JsonValue, counted: boolean): number {
  if (typeof value === 'number') return counted && Number.isInteger(value) && value > 0 ? value : 0;
  if (Array.isArray(value)) return value.reduce<number>((m, v) => Math.max(m, largestCount(v, counted)), 0);
  if (value && typeof value === 'object') return Object.entries(value).reduce<number>((m, [k, v]) => Math.max(m, largestCount(v, COUNT_NAME.test(k))), 0);
  return 0;
}

/** A kind's estimate for some parameters; a `cost` that throws counts as no estimate (the default). */
export function estimateCost(kind: AnyExperimentKind, params: Params): CostEstimate {
  try {
    if (kind.cost) return kind.cost(params);
  } catch {
    // the parameters passed the schema but the estimate could not use them: fall back
  }
  return defaultCost(params);
}

export function addCosts(costs: CostEstimate[]): CostEstimate {
  // The runs of a claim and its controls follow one another: times add, the peak is the largest.
  return { seconds: costs.reduce((s, c) => s + c.seconds, 0), memoryBytes: costs.reduce((m, c) => Math.max(m, c.memoryBytes), 0) };
}

/** `≈ 3 s, 12 MiB` (`≈ 1.2e6 s` for the absurd). */
export function describeCost(cost: CostEstimate): string {
  const s = cost.seconds;
  const time = s < 1 ? '< 1 s' : s < 1e5 ? `≈ ${formatSeconds(s)}` : `≈ ${s.toExponential(1)} s`;
  return cost.memoryBytes > 0 ? `${time}, ${formatBytes(cost.memoryBytes)}` : time;
}

export function formatSeconds(s: number): string {
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

export function formatBytes(b: number): string {
  if (b < 2 ** 20) return `${Math.max(1, Math.round(b / 1024))} KiB`;
  if (b < 2 ** 30) return `${Math.round(b / 2 ** 20)} MiB`;
  return b < 2 ** 40 ? `${(b / 2 ** 30).toFixed(1)} GiB` : `${(b / 2 ** 30).toExponential(1)} GiB`;
}
