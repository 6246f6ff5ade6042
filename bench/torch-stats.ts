/**
 * The arithmetic of the torch comparison (bench/torch-compare.ts), as pure functions: agreement of the
 * two sides' results, the summary of a task's interleaved rounds (ratios ours/torch, the stored bench
 * record), and which BLAS/LAPACK the torch process has mapped.
 */

import type { BenchTaskRecord } from '../harness/bench-history';
import { median } from '../harness/fit';

export interface Spread {
  min: number;
  median: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  return { min: Math.min(...values), median: median(values), max: Math.max(...values) };
}

/** Per call times of one side's samples in one round (ms). */
export interface Samples {
  cpuMs: number[];
  wallMs: number[];
}

export interface Round {
  ours: Samples;
  torch: Samples;
}

export interface CompareRow {
  workload: string;
  task: string;
  /** Spread over the rounds of each side's median CPU time per call. */
  oursCpuMs: Spread;
  torchCpuMs: Spread;
  /** ours/torch per round: the ratio of the two sides' median CPU times in that round. */
  ratio: Spread;
  /** ours/torch of the median wall times over all samples of all rounds. */
  wallRatio: number;
  /** The workload's agreement (see {@link agreement}). */
  agreement: number;
}

/** What one side computed at θ₀ for the agreement check: named numbers or arrays. */
export type Quantities = Record<string, number | ArrayLike<number>>;

export interface Agreement {
  /** The largest relative difference over the quantities both sides computed. */
  value: number;
  /** The quantity it came from. */
  worst: string;
  /** Quantities only one side computed (a protocol mismatch, so the value is Infinity). */
  missing: string[];
}

/**
 * For each quantity q both sides computed, max |ours − torch| / max |torch| over q's entries (1 as the
 * scale when torch's are all 0); the agreement is the largest over the quantities, so a small quantity
 * (a loss next to a Hessian) is held to the same relative standard as a large one. Different lengths,
 * a non-finite difference or a quantity only one side has make it Infinity.
 */
export function agreement(ours: Quantities, torch: Quantities): Agreement {
  const missing = [...Object.keys(ours).filter((k) => !(k in torch)), ...Object.keys(torch).filter((k) => !(k in ours))];
  let value = missing.length ? Infinity : 0;
  let worst = missing[0] ?? '';
  for (const [key, mine] of Object.entries(ours)) {
    const theirs = torch[key];
    if (theirs === undefined) continue;
    const a = typeof mine === 'number' ? [mine] : Array.from(mine);
    const b = typeof theirs === 'number' ? [theirs] : Array.from(theirs);
    let diff = a.length === b.length ? 0 : Infinity;
    let scale = 0;
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const d = Math.abs(a[i] - b[i]);
      diff = Number.isNaN(d) ? Infinity : Math.max(diff, d);
      scale = Math.max(scale, Math.abs(b[i]));
    }
    const relative = diff / (scale || 1);
    if (relative > value || (relative === value && !worst)) {
      value = relative;
      worst = key;
    }
  }
  return { value, worst, missing };
}

/** The row of the report and the bench record (our side) of one task's rounds. */
export function summariseTask(workload: string, task: string, rounds: readonly Round[], agreed: number): { row: CompareRow; record: BenchTaskRecord } {
  if (rounds.length === 0) throw new RangeError(`${workload}: ${task}: no rounds to summarise`);
  const oursMedians = rounds.map((r) => median(r.ours.cpuMs));
  const torchMedians = rounds.map((r) => median(r.torch.cpuMs));
  const ours = rounds.flatMap((r) => r.ours.cpuMs);
  const mean = ours.reduce((s, x) => s + x, 0) / ours.length;
  const sd = Math.sqrt(ours.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, ours.length - 1));
  return {
    row: {
      workload,
      task,
      oursCpuMs: spread(oursMedians),
      torchCpuMs: spread(torchMedians),
      ratio: spread(oursMedians.map((m, i) => m / torchMedians[i])),
      wallRatio: median(rounds.flatMap((r) => r.ours.wallMs)) / median(rounds.flatMap((r) => r.torch.wallMs)),
      agreement: agreed,
    },
    record: {
      suite: 'torch comparison (ours, CPU time)',
      task: `${workload}: ${task}`,
      samples: ours.length,
      meanMs: mean,
      medianMs: median(ours),
      minMs: Math.min(...ours),
      rmePercent: ((1.96 * sd) / Math.sqrt(ours.length) / mean) * 100,
    },
  };
}

export interface BlasInfo {
  /** The mapped files whose names mark them as BLAS or LAPACK (sorted, unique). */
  libraries: string[];
  /** Which implementation they are: OpenBLAS (with version and threading where the name gives them), MKL, BLIS, ATLAS, the reference BLAS, or 'none found'. */
  implementation: string;
  /** Whether the implementation is one the comparison treats as a fair peer (not the reference BLAS, not none). */
  optimised: boolean;
}

/**
 * Which BLAS the torch process uses, from the paths of its mapped files (/proc/self/maps; Debian's
 * alternatives resolve libblas.so.3 to the chosen implementation's folder, which is what is mapped).
 */
export function detectBlas(mappedPaths: readonly string[]): BlasInfo {
  const libraries = [...new Set(mappedPaths.filter((p) => /blas|lapack|mkl|blis|atlas/i.test(p.split('/').pop() ?? '') || /\/(openblas|blis|atlas)[^/]*\//i.test(p)))].sort();
  const names = libraries.join('\n');
  const openblas = /libopenblas(p|o)?-r(\d+(?:\.\d+)*)/i.exec(names);
  let implementation: string;
  if (openblas || /openblas/i.test(names)) {
    const threading = /openblas-pthread|libopenblasp/i.test(names) ? 'pthread' : /openblas-openmp|libopenblaso/i.test(names) ? 'openmp' : /openblas-serial/i.test(names) ? 'serial' : null;
    implementation = ['OpenBLAS', openblas?.[2], threading && `(${threading})`].filter(Boolean).join(' ');
  } else if (/mkl/i.test(names)) implementation = 'MKL';
  else if (/blis/i.test(names)) implementation = 'BLIS';
  else if (/atlas/i.test(names)) implementation = 'ATLAS';
  else if (/libblas|liblapack/i.test(names)) implementation = 'reference BLAS/LAPACK';
  else implementation = 'none found';
  return { libraries, implementation, optimised: implementation !== 'none found' && !implementation.startsWith('reference') };
}
