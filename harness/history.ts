/**
 * Claim history across stored runs: for every claim and tier, its results in run order (oldest first),
 * the current verdict (the newest result), the change points (consecutive results whose verdict
 * differs) and the key metric over time.
 *
 * Everything here is a function of the runs it is given. The one exception is the spec of each run,
 * which names the key expectation: by default it is read from the run's `spec.json`, and a caller can
 * pass its own `specOf` (tests do). `isRunLive` looks at the process table and is injectable too.
 *
 * Which runs count:
 * - complete runs;
 * - incomplete runs, and `running` runs whose writer is gone (killed): their finished claims count, and
 *   every such result is flagged `incomplete`;
 * - `running` runs whose writer is alive: their finished claims count too (a result on disk always means
 *   a finished claim), flagged `incomplete` with `runState: 'running'`;
 * - a shard run that a present merged run lists in `mergedFrom` is left out, so its results are not
 *   counted twice.
 */
import * as os from 'node:os';
import { writerIsAlive } from './lock';
import { readSpec, type StoredRun } from './store';
import { TIERS, type ClaimResult, type ClaimSpec, type Comparator, type Expectation, type PaperValue, type RunManifest, type Tier, type Verdict } from './types';

// ---------------------------------------------------------------------------------------------------
// Run liveness

/**
 * Whether a run is being written right now: its status is `running` and its writer may still be alive
 * (see `writerIsAlive`). `complete` and `incomplete` runs are never live.
 */
export function isRunLive(manifest: Pick<RunManifest, 'status' | 'writer'>, hostname: string = os.hostname()): boolean {
  return manifest.status === 'running' && writerIsAlive(manifest.writer, hostname);
}

/** `complete`; `running` (a live writer); or `incomplete` (marked so, or `running` with a dead writer). */
export type RunState = 'complete' | 'running' | 'incomplete';

export function runState(manifest: Pick<RunManifest, 'status' | 'writer'>, isLive: (m: Pick<RunManifest, 'status' | 'writer'>) => boolean = isRunLive): RunState {
  if (manifest.status === 'complete') return 'complete';
  if (manifest.status === 'running' && isLive(manifest)) return 'running';
  return 'incomplete';
}

// ---------------------------------------------------------------------------------------------------
// Histories

/** The key expectation of one result: the spec's `keyExpectation`, or its first expectation. */
export interface KeyMetric {
  expectationId: string;
  metric: string;
  comparator: Comparator;
  measured: number | null;
  pass: boolean;
  /** Human-readable acceptance region, as scored (e.g. `[1.8, 2.2]`). */
  tolerance: string;
  /** The acceptance region as numbers, from the spec of that run (absent when the spec is unreadable). */
  accepted?: { min?: number; max?: number };
  paper?: PaperValue;
}

export interface HistoryEntry {
  run: StoredRun;
  runId: string;
  result: ClaimResult;
  verdict: Verdict;
  tier: Tier;
  /** State of the run the result comes from. */
  runState: RunState;
  /** True when the run is not complete (killed, interrupted or still running). */
  incomplete: boolean;
  commit: string | null;
  dirty: boolean | null;
  /** When the claim started (its result's `startedAt`, else the run's). */
  startedAt: string;
  key: KeyMetric | null;
  /** The spec as it was run, when it could be read. */
  spec?: ClaimSpec;
}

export interface ChangePoint {
  /** Index in `entries` of the first result with the new verdict. */
  index: number;
  before: HistoryEntry;
  after: HistoryEntry;
  /** E.g. `reproduced until run X at commit Y, not reproduced since run Z (commit W)`. */
  text: string;
}

export interface ClaimTierHistory {
  claimId: string;
  tier: Tier;
  /** Title and paper of the newest result. */
  title: string;
  paperKey: string;
  /** Oldest first. */
  entries: HistoryEntry[];
  /** The newest result: the current verdict. */
  current: HistoryEntry;
  /** Oldest first. */
  changePoints: ChangePoint[];
}

export interface HistoryOptions {
  /** The spec a run used for a claim; default: the run's `spec.json`, or undefined when unreadable. */
  specOf?: (run: StoredRun, claimId: string) => ClaimSpec | undefined;
  /** Default: `isRunLive`. */
  isLive?: (manifest: Pick<RunManifest, 'status' | 'writer'>) => boolean;
}

/** Reads `spec.json` of a claim in a run; undefined when it is missing or not an object. */
export function readRunSpec(run: StoredRun, claimId: string): ClaimSpec | undefined {
  try {
    const spec: unknown = readSpec(run.dir, claimId);
    return typeof spec === 'object' && spec !== null && !Array.isArray(spec) ? (spec as ClaimSpec) : undefined;
  } catch {
    return undefined;
  }
}

/** Ids of runs that a present merged run lists in `mergedFrom` (their results live on in the merge). */
export function supersededRuns(runs: StoredRun[]): Set<string> {
  const present = new Set(runs.map((r) => r.manifest.id));
  const out = new Set<string>();
  for (const run of runs) {
    const from = run.manifest.mergedFrom;
    if (!Array.isArray(from)) continue;
    for (const id of from) if (typeof id === 'string' && id !== run.manifest.id && present.has(id)) out.add(id);
  }
  return out;
}

/** History order of two runs: by start time, then by id (as `readRuns` orders them). */
export function compareRuns(a: Pick<RunManifest, 'startedAt' | 'id'>, b: Pick<RunManifest, 'startedAt' | 'id'>): number {
  const sa = typeof a.startedAt === 'string' ? a.startedAt : '';
  const sb = typeof b.startedAt === 'string' ? b.startedAt : '';
  return sa < sb ? -1 : sa > sb ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Runs in history order (`compareRuns`), ties kept in the given order. */
export function orderRuns(runs: StoredRun[]): StoredRun[] {
  return runs
    .map((run, i) => ({ run, i }))
    .sort((a, b) => compareRuns(a.run.manifest, b.run.manifest) || a.i - b.i)
    .map((x) => x.run);
}

/** Every claim's history per tier, sorted by claim id, then tier (quick, full, paper). */
export function buildHistories(runs: StoredRun[], options: HistoryOptions = {}): ClaimTierHistory[] {
  const specOf = options.specOf ?? readRunSpec;
  const isLive = options.isLive ?? ((m: Pick<RunManifest, 'status' | 'writer'>) => isRunLive(m));
  const skip = supersededRuns(runs);
  const byKey = new Map<string, HistoryEntry[]>();
  for (const run of orderRuns(runs)) {
    if (skip.has(run.manifest.id)) continue;
    const state = runState(run.manifest, isLive);
    const prov = typeof run.manifest.provenance === 'object' && run.manifest.provenance !== null ? run.manifest.provenance : undefined;
    for (const result of run.results) {
      const spec = specOf(run, result.claimId);
      const entry: HistoryEntry = {
        run,
        runId: run.manifest.id,
        result,
        verdict: result.verdict,
        tier: result.tier,
        runState: state,
        incomplete: state !== 'complete',
        commit: typeof prov?.commit === 'string' ? prov.commit : null,
        dirty: typeof prov?.dirty === 'boolean' ? prov.dirty : null,
        startedAt: typeof result.startedAt === 'string' ? result.startedAt : String(run.manifest.startedAt ?? ''),
        key: keyMetricOf(result, spec),
        spec,
      };
      const k = `${result.claimId}\u0000${result.tier}`;
      let list = byKey.get(k);
      if (!list) byKey.set(k, (list = []));
      list.push(entry);
    }
  }
  const histories: ClaimTierHistory[] = [];
  for (const entries of byKey.values()) {
    const current = entries[entries.length - 1]!;
    histories.push({
      claimId: current.result.claimId,
      tier: current.tier,
      title: current.result.title,
      paperKey: current.result.paperKey,
      entries,
      current,
      changePoints: changePoints(entries),
    });
  }
  return histories.sort((a, b) => (a.claimId < b.claimId ? -1 : a.claimId > b.claimId ? 1 : tierRank(a.tier) - tierRank(b.tier)));
}

function tierRank(tier: string): number {
  const i = (TIERS as readonly string[]).indexOf(tier);
  return i < 0 ? TIERS.length : i;
}

/** The key expectation of a result: the spec's `keyExpectation`, else the spec's first, else the result's first. */
export function keyMetricOf(result: ClaimResult, spec?: ClaimSpec): KeyMetric | null {
  const specExpectations = Array.isArray(spec?.expectations) ? spec!.expectations : [];
  const keyId = typeof spec?.keyExpectation === 'string' ? spec.keyExpectation : specExpectations[0]?.id;
  const scored = result.expectations.find((e) => e.id === keyId) ?? result.expectations[0];
  if (!scored) return null;
  const declared = specExpectations.find((e) => e && e.id === scored.id);
  const key: KeyMetric = {
    expectationId: scored.id,
    metric: scored.metric,
    comparator: scored.comparator,
    measured: typeof scored.measured === 'number' && Number.isFinite(scored.measured) ? scored.measured : null,
    pass: scored.pass === true,
    tolerance: scored.tolerance,
  };
  const accepted = declared ? acceptedRange(declared) : undefined;
  if (accepted) key.accepted = accepted;
  if (scored.paper) key.paper = scored.paper;
  return key;
}

/** The accepted region of an expectation as numbers; undefined when the spec gives none. */
export function acceptedRange(e: Pick<Expectation, 'comparator' | 'min' | 'max' | 'value' | 'tolerance'>): { min?: number; max?: number } | undefined {
  const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  switch (e.comparator) {
    case 'between':
      return num(e.min) || num(e.max) ? { ...(num(e.min) ? { min: e.min } : {}), ...(num(e.max) ? { max: e.max } : {}) } : undefined;
    case 'atLeast':
      return num(e.min) ? { min: e.min } : undefined;
    case 'atMost':
      return num(e.max) ? { max: e.max } : undefined;
    case 'approximately': {
      if (!num(e.value) || typeof e.tolerance !== 'object' || e.tolerance === null) return undefined;
      const t = e.tolerance as { absolute?: unknown; relative?: unknown };
      const width = num(t.absolute) ? t.absolute : num(t.relative) ? t.relative * Math.abs(e.value) : undefined;
      return width === undefined ? undefined : { min: e.value - width, max: e.value + width };
    }
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------
// Change points

/** Consecutive results (oldest first) whose verdicts differ, described in words. */
export function changePoints(entries: HistoryEntry[]): ChangePoint[] {
  const out: ChangePoint[] = [];
  for (let i = 1; i < entries.length; i++) {
    const before = entries[i - 1]!;
    const after = entries[i]!;
    if (before.verdict === after.verdict) continue;
    out.push({ index: i, before, after, text: '' });
  }
  out.forEach((cp, j) => (cp.text = describeChange(cp.before, cp.after, j === out.length - 1)));
  return out;
}

/** Commit as shown in words: 12 hex digits, `(uncommitted changes)` when dirty. */
export function shortCommit(commit: string | null, dirty: boolean | null = null): string {
  if (!commit) return 'an unknown commit';
  return `${commit.slice(0, 12)}${dirty ? ' with uncommitted changes' : ''}`;
}

/**
 * `reproduced until run X at commit Y, not reproduced since run Z (commit W)`. When a later change
 * follows (`latest` false), the second half reads `from run Z` instead of `since`.
 */
export function describeChange(before: HistoryEntry, after: HistoryEntry, latest = true): string {
  const runText = (e: HistoryEntry): string => `run ${e.runId}${e.incomplete ? ' (an incomplete run)' : ''}`;
  const commitWord = (e: HistoryEntry): string => (e.commit ? `commit ${shortCommit(e.commit, e.dirty)}` : 'an unknown commit');
  return (
    `${before.verdict} until ${runText(before)} at ${commitWord(before)}, ` +
    `${after.verdict} ${latest ? 'since' : 'from'} ${runText(after)} (${commitWord(after)})`
  );
}

/** One sentence on how stable the current verdict is. */
export function stabilityText(history: ClaimTierHistory): string {
  const n = history.entries.length;
  const last = history.changePoints[history.changePoints.length - 1];
  if (!last) return n === 1 ? `${history.current.verdict} in the only run` : `${history.current.verdict} in all ${n} runs`;
  const streak = n - last.index;
  return `${history.current.verdict} in the last ${streak === 1 ? 'run' : `${streak} runs`}; ${last.text}`;
}

// ---------------------------------------------------------------------------------------------------
// Key metric over time

export interface KeySeriesPoint {
  runId: string;
  startedAt: string;
  measured: number | null;
  pass: boolean;
  verdict: Verdict;
  incomplete: boolean;
}

export interface KeySeries {
  expectationId: string;
  metric: string;
  tolerance: string;
  accepted?: { min?: number; max?: number };
  /** Oldest first; only results whose key expectation is the current one (a spec may change its key). */
  points: KeySeriesPoint[];
}

/** The current key metric over time; null when the newest result has no scored expectation. */
export function keyMetricSeries(history: ClaimTierHistory): KeySeries | null {
  const key = history.current.key;
  if (!key) return null;
  const points: KeySeriesPoint[] = [];
  for (const e of history.entries) {
    if (!e.key || e.key.expectationId !== key.expectationId || e.key.metric !== key.metric) continue;
    points.push({ runId: e.runId, startedAt: e.startedAt, measured: e.key.measured, pass: e.key.pass, verdict: e.verdict, incomplete: e.incomplete });
  }
  const series: KeySeries = { expectationId: key.expectationId, metric: key.metric, tolerance: key.tolerance, points };
  if (key.accepted) series.accepted = key.accepted;
  return series;
}
