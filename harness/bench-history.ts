/**
 * Benchmark history: reads the records `npm run bench` stores under `<dir>/bench/*.json`, groups the
 * task timings by task and machine, and flags slowdowns.
 *
 * A run is flagged as a slowdown when its mean is more than `thresholdPercent` (5 %) above the median
 * of the means of up to `window` (10) earlier runs of the same task on the same machine. Timings from
 * different machines are never compared. `flagSlowdowns` and `benchHistory` are pure; only
 * `readBenchRuns` touches the disk, and it never throws on one bad file: bad files are returned by name.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { median } from './fit';
import type { Provenance } from './types';

/** One task of one benchmark run, as `bench/main.ts` stores it. */
export interface BenchTaskRecord {
  suite: string;
  task: string;
  samples: number;
  meanMs: number;
  medianMs: number;
  minMs: number;
  /** Relative margin of error of the mean, in percent. */
  rmePercent: number;
}

export interface BenchRun {
  schemaVersion: 1;
  id: string;
  startedAt: string;
  provenance: Partial<Provenance>;
  tasks: BenchTaskRecord[];
}

export interface BenchProblem {
  file: string;
  message: string;
}

/** Reads every `*.json` in `benchDir`, oldest first (by `startedAt`, then id); bad files become problems. */
export function readBenchRuns(benchDir: string): { runs: BenchRun[]; problems: BenchProblem[] } {
  const runs: BenchRun[] = [];
  const problems: BenchProblem[] = [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(benchDir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException)?.code !== 'ENOENT') problems.push({ file: benchDir, message: messageOf(err) });
    return { runs, problems };
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith('.')) continue; // temporary files of a writer
    const file = path.join(benchDir, entry.name);
    if (!entry.isFile() || !entry.name.endsWith('.json')) {
      problems.push({ file, message: 'not a benchmark result (expected a .json file)' });
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      problems.push({ file, message: messageOf(err) });
      continue;
    }
    const why = checkBenchRun(value);
    if (why) {
      problems.push({ file, message: `not a claimbench benchmark result: ${why}` });
      continue;
    }
    runs.push(value as BenchRun);
  }
  return { runs: orderBenchRuns(runs), problems };
}

/** Why a value is not a usable benchmark record, or '' when it is. */
export function checkBenchRun(value: unknown): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object';
  const v = value as Record<string, unknown>;
  if (v['schemaVersion'] !== 1) return 'schemaVersion is not 1';
  if (typeof v['id'] !== 'string' || v['id'] === '') return 'no id';
  if (typeof v['startedAt'] !== 'string' || Number.isNaN(Date.parse(v['startedAt']))) return 'startedAt is not a date';
  if (typeof v['provenance'] !== 'object' || v['provenance'] === null) return 'no provenance';
  if (!Array.isArray(v['tasks'])) return 'no tasks array';
  for (const [i, t] of (v['tasks'] as unknown[]).entries()) {
    if (typeof t !== 'object' || t === null) return `tasks/${i} is not an object`;
    const task = t as Record<string, unknown>;
    if (typeof task['suite'] !== 'string' || typeof task['task'] !== 'string') return `tasks/${i} has no suite or task name`;
    for (const field of ['meanMs', 'medianMs', 'minMs', 'rmePercent', 'samples']) {
      if (typeof task[field] !== 'number' || !Number.isFinite(task[field] as number)) return `tasks/${i}/${field} is not a finite number`;
    }
  }
  return '';
}

function orderBenchRuns(runs: BenchRun[]): BenchRun[] {
  return [...runs].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Identifies a machine: CPU model, thread count and hostname. */
export function machineKey(prov: Partial<Provenance> | undefined): string {
  const cpu = typeof prov?.cpu === 'string' && prov.cpu ? prov.cpu : 'unknown CPU';
  const cpus = typeof prov?.cpus === 'number' ? `${prov.cpus} threads` : 'unknown threads';
  const host = typeof prov?.hostname === 'string' && prov.hostname ? prov.hostname : 'unknown host';
  return `${cpu}, ${cpus} on ${host}`;
}

// ---------------------------------------------------------------------------------------------------
// Slowdowns

export interface SlowdownOptions {
  /** How many earlier runs the rolling median looks back over (default 10). */
  window?: number;
  /** A mean more than this many percent above the baseline is a slowdown (default 5). */
  thresholdPercent?: number;
  /** Earlier runs needed before a run can be judged (default 1). */
  minPrevious?: number;
}

export interface SlowdownCheck {
  /** Median of up to `window` earlier means; null when there are fewer than `minPrevious`. */
  baseline: number | null;
  /** How many earlier runs the baseline is the median of. */
  previousRuns: number;
  /** (mean − baseline) / baseline × 100; null without a baseline. */
  changePercent: number | null;
  slowdown: boolean;
}

/** For each mean (oldest first), its baseline, change and slowdown flag against the earlier means. */
/** A median of fewer earlier runs is mostly timer noise on a shared machine: flag only from 3 on. */
export const DEFAULT_MIN_PREVIOUS = 3;

export function flagSlowdowns(means: number[], options: SlowdownOptions = {}): SlowdownCheck[] {
  const window = Math.max(1, Math.floor(options.window ?? 10));
  const threshold = options.thresholdPercent ?? 5;
  const minPrevious = Math.max(1, Math.floor(options.minPrevious ?? DEFAULT_MIN_PREVIOUS));
  return means.map((mean, i) => {
    const previous = means.slice(Math.max(0, i - window), i).filter((v) => Number.isFinite(v));
    if (previous.length < minPrevious || !Number.isFinite(mean)) return { baseline: null, previousRuns: previous.length, changePercent: null, slowdown: false };
    const baseline = median(previous);
    const changePercent = baseline > 0 ? ((mean - baseline) / baseline) * 100 : null;
    return { baseline, previousRuns: previous.length, changePercent, slowdown: changePercent !== null && changePercent > threshold };
  });
}

export interface BenchPoint extends SlowdownCheck {
  runId: string;
  startedAt: string;
  commit: string | null;
  meanMs: number;
  medianMs: number;
  minMs: number;
  rmePercent: number;
  samples: number;
}

export interface BenchSeries {
  suite: string;
  task: string;
  machine: string;
  /** Oldest first. */
  points: BenchPoint[];
  latest: BenchPoint;
  /** How many runs were flagged as slowdowns. */
  slowdowns: number;
}

/**
 * Every task's timings per machine, with slowdowns flagged. Suites and tasks in order of first
 * appearance; per task, the machine with the newest run first. Runs are ordered by `startedAt`.
 */
export function benchHistory(runs: BenchRun[], options: SlowdownOptions = {}): BenchSeries[] {
  const groups = new Map<string, { suite: string; task: string; machine: string; points: Omit<BenchPoint, keyof SlowdownCheck>[] }>();
  for (const run of orderBenchRuns(runs)) {
    const machine = machineKey(run.provenance);
    const commit = typeof run.provenance?.commit === 'string' ? run.provenance.commit : null;
    for (const t of run.tasks) {
      const k = JSON.stringify([t.suite, t.task, machine]);
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { suite: t.suite, task: t.task, machine, points: [] }));
      g.points.push({ runId: run.id, startedAt: run.startedAt, commit, meanMs: t.meanMs, medianMs: t.medianMs, minMs: t.minMs, rmePercent: t.rmePercent, samples: t.samples });
    }
  }
  const series: BenchSeries[] = [];
  for (const g of groups.values()) {
    const checks = flagSlowdowns(g.points.map((p) => p.meanMs), options);
    const points = g.points.map((p, i) => ({ ...p, ...checks[i]! }));
    series.push({ suite: g.suite, task: g.task, machine: g.machine, points, latest: points[points.length - 1]!, slowdowns: points.filter((p) => p.slowdown).length });
  }
  // Suites and tasks keep the order in which they first appear (the order the bench registers them).
  const suiteRank = new Map<string, number>();
  const taskRank = new Map<string, number>();
  for (const g of groups.values()) {
    if (!suiteRank.has(g.suite)) suiteRank.set(g.suite, suiteRank.size);
    const tk = JSON.stringify([g.suite, g.task]);
    if (!taskRank.has(tk)) taskRank.set(tk, taskRank.size);
  }
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return series.sort(
    (a, b) =>
      suiteRank.get(a.suite)! - suiteRank.get(b.suite)! ||
      taskRank.get(JSON.stringify([a.suite, a.task]))! - taskRank.get(JSON.stringify([b.suite, b.task]))! ||
      Date.parse(b.latest.startedAt) - Date.parse(a.latest.startedAt) ||
      cmp(a.machine, b.machine),
  );
}

function messageOf(err: unknown): string {
  if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string') return (err as Error).message;
  return String(err);
}
