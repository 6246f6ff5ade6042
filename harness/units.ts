/**
 * Work units: the independent runs inside a claim (starts of a search, seeds, grid points), which a kind
 * hands to `ctx.mapUnits(module, export, inputs)` instead of computing them itself. They are the unit a
 * sharded run splits, so that a paper-tier claim of hundreds of runs spreads over machines. How the
 * units of a call get computed depends on the run:
 *
 * - an ordinary run computes them all, on worker threads (`mapParallel`);
 * - a shard run (`run --shard i/n`) computes the units the run's plan gives shard i (`UnitPlan`, made by
 *   `planShards` from the selection, tier and n alone, so that every shard makes the same: each unit
 *   and each whole claim, largest estimate first, goes to the shard with the least estimated load),
 *   records the sha256 of every unit's input and the outputs it computed, and stops the claim there
 *   (`UnitsStored`): a shard cannot score a claim it holds a part of;
 * - the replay of a merge serves the outputs the shards stored, after checking that the inputs it now
 *   computes hash to the ones the shards computed, so the kind's scoring, evidence and plots run on
 *   exactly the numbers of an unsharded run.
 *
 * Unit inputs depend only on the claim's seed (they are built by the same code from the same generator
 * in every shard); the hash check catches any that do not. A shard stops at a kind's first unit call,
 * so a kind's units must come from one call (a second call that depends on the first's outputs could
 * not be sharded; the replay refuses it).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from './atomic';
import { fromExactJson, toExactJson } from './exact-json';
import { defaultMemoryMiB } from './isolation';
import { mapParallel, type TaskOutcome } from './parallel';

export interface ShardSlot {
  /** 1-based. */
  index: number;
  count: number;
}

export interface MapUnitsOptions<O> {
  /** Called as each unit finishes (or, replayed, is served), with its index in `inputs`. */
  onOutcome?: (index: number, outcome: TaskOutcome<O>) => void;
  /** Estimated peak memory of one unit: no more units run at once than fit in half the machine's memory (`unitJobs`). */
  memoryBytes?: number;
}

/** The work-unit executor of an experiment context (see `ExperimentContext.mapUnits`). */
export type MapUnits = <I, O>(modulePath: string, exportName: string, inputs: I[], options?: MapUnitsOptions<O>) => Promise<TaskOutcome<O>[]>;

/** The shard (1-based) of every work unit of a split claim's run and of each of its controls' runs. */
export interface UnitPlan {
  claim: number[];
  controls: Record<string, number[]>;
}

/** How a claim's units are computed in this run; plain data, so a claim's child process gets it too. */
export type UnitMode =
  | { kind: 'shard'; shard: ShardSlot; plan: UnitPlan }
  /** `shares`: the `units.json` files of the claim in every shard run (absolute paths). */
  | { kind: 'replay'; shares: string[] };

/** One unit call as one shard recorded it. */
export interface UnitCall {
  /** `<module relative to the package root, without extension>#<export>`. */
  task: string;
  total: number;
  /** sha256 of every unit's input (all of them, not only this shard's), in input order. */
  inputSha256: string[];
  /** The shard of every unit, as the run's plan deals them (the same in every shard). */
  shards: number[];
  /** The units this shard computed. */
  units: { index: number; outcome: TaskOutcome<unknown> }[];
  /** Wall time this shard spent computing them. */
  computeMs: number;
}

/** What one shard recorded of one run (the claim's, or a control's). */
export interface ScopeShare {
  /** `units`: the run reached its unit call; `error`: it failed before; `finished`: it made none. */
  stopped: 'units' | 'error' | 'finished';
  reason?: string;
  calls: UnitCall[];
}

/** `units.json` in a claim's folder of a shard run: this shard's part of the claim and its controls. */
export interface UnitShare {
  schemaVersion: 2;
  claimId: string;
  shard: ShardSlot;
  specSha256: string;
  claim: ScopeShare;
  controls: Record<string, ScopeShare>;
}

export const UNITS_FILE = 'units.json';

/** The task's name independent of where the package is installed and of .ts/.js. */
export function taskName(modulePath: string, exportName: string): string {
  const rel = path.relative(path.resolve(__dirname, '..'), modulePath).split(path.sep).join('/');
  return `${rel.replace(/\.(ts|js)$/, '')}#${exportName}`;
}

export function inputSha256(task: string, input: unknown): string {
  return createHash('sha256').update(toExactJson([task, input])).digest('hex');
}

/**
 * The worker threads of a unit call: `jobs`, or fewer when that many units of `memoryBytes` each would
 * not fit in half the machine's memory (the default heap cap of a claim's process); at least one.
 */
export function unitJobs(jobs: number, memoryBytes: number | undefined): number {
  if (!memoryBytes) return jobs;
  return Math.max(1, Math.min(jobs, Math.floor((defaultMemoryMiB() * 2 ** 20) / memoryBytes)));
}

/** Every unit computed here, on `jobs` worker threads (see `unitJobs`). */
export function localUnits(jobs: number): MapUnits {
  return (modulePath, exportName, inputs, options = {}) => mapParallel(modulePath, exportName, inputs, { jobs: unitJobs(jobs, options.memoryBytes), onOutcome: options.onOutcome });
}

/**
 * A kind's unit call: `inputs` through `ctx.mapUnits`, with progress reported as units finish. Returns
 * the outputs in input order; throws when any unit failed, naming how many and the first
 * (`describe(i)` says which run input i is).
 */
export async function computeUnits<I, O>(
  ctx: { mapUnits: MapUnits; progress(done: number, total: number): void },
  modulePath: string,
  exportName: string,
  inputs: I[],
  options: { describe: (index: number) => string; memoryBytes?: number },
): Promise<O[]> {
  let done = 0;
  const outcomes = await ctx.mapUnits<I, O>(modulePath, exportName, inputs, {
    onOutcome: () => ctx.progress(++done, inputs.length),
    memoryBytes: options.memoryBytes,
  });
  return unitValues(outcomes, options.describe);
}

function unitValues<O>(outcomes: TaskOutcome<O>[], describe: (index: number) => string): O[] {
  const failed = outcomes.findIndex((o) => !o.ok);
  if (failed >= 0) {
    const count = outcomes.filter((o) => !o.ok).length;
    throw new Error(`${count} of ${outcomes.length} runs failed; first: ${describe(failed)} — ${(outcomes[failed] as { error: string }).error}`);
  }
  return outcomes.map((o) => (o as { value: O }).value);
}

/** Thrown by a shard's executor once it has computed its units: the claim's run stops there. */
export class UnitsStored extends Error {
  constructor(readonly call: UnitCall) {
    super('work units stored for merging (a shard run does not score claims it holds part of)');
  }
}

/** A merge that cannot go on: units missing, or inputs that differ between the shards and the merge. */
export class UnitReplayError extends Error {}

/** The units `plan` gives this shard (`plan[j]`: the shard of unit j), then `UnitsStored`. */
export function shardUnits(plan: number[], shard: ShardSlot, jobs: number): MapUnits {
  return async (modulePath, exportName, inputs, options = {}) => {
    const task = taskName(modulePath, exportName);
    if (plan.length !== inputs.length) throw new Error(`the unit call ${task} made ${inputs.length} units, but the kind's units() declared ${plan.length}, which is what the shards were dealt`);
    const hashes = inputs.map((input) => inputSha256(task, input));
    const mine = inputs.map((_, j) => j).filter((j) => plan[j] === shard.index);
    const t0 = performance.now();
    const outcomes = await mapParallel(modulePath, exportName, mine.map((j) => inputs[j]), { jobs: unitJobs(jobs, options.memoryBytes), onOutcome: (k, o) => options.onOutcome?.(mine[k], o as never) });
    throw new UnitsStored({ task, total: inputs.length, inputSha256: hashes, shards: plan, units: mine.map((j, k) => ({ index: j, outcome: outcomes[k] })), computeMs: performance.now() - t0 });
  };
}

/** A unit call with every shard's outputs put together. */
export interface MergedCall {
  task: string;
  inputSha256: string[];
  outcomes: TaskOutcome<unknown>[];
  /** Summed over the shards. */
  computeMs: number;
}

/**
 * Serves a scope's stored outputs. `served.ms` collects the shards' compute time of what it served, so
 * a merged claim's duration counts the work done for it on every machine.
 */
export function replayUnits(label: string, calls: MergedCall[], served: { ms: number }): MapUnits {
  let next = 0;
  return async <I, O>(modulePath: string, exportName: string, inputs: I[], options: MapUnitsOptions<O> = {}) => {
    const k = next++;
    const call = calls[k];
    const task = taskName(modulePath, exportName);
    if (call === undefined) throw new UnitReplayError(`${label} made unit call ${k + 1} (${task}), but the shards stored ${calls.length}: a shard stops at a kind's first unit call, so its units must come from one call`);
    if (call.task !== task) throw new UnitReplayError(`${label}: unit call ${k + 1} is ${task} here but ${call.task} in the shards`);
    if (inputs.length !== call.inputSha256.length) throw new UnitReplayError(`${label}: ${inputs.length} units here but ${call.inputSha256.length} in the shards`);
    inputs.forEach((input, j) => {
      if (inputSha256(task, input) !== call.inputSha256[j]) {
        throw new UnitReplayError(`${label}: the input of unit ${j} differs from the one the shards computed: the code, the spec or the seed changed between the shard runs and the merge`);
      }
    });
    served.ms += call.computeMs;
    call.outcomes.forEach((o, j) => options.onOutcome?.(j, o as TaskOutcome<O>));
    return call.outcomes as TaskOutcome<O>[];
  };
}

export function writeUnitShare(file: string, share: UnitShare): void {
  writeFileAtomic(file, toExactJson(share) + '\n');
}

/** A stored share, or undefined when the file is missing, torn or not a share of this claim. */
export function readUnitShare(file: string, claimId: string): UnitShare | undefined {
  try {
    const share = fromExactJson<UnitShare>(fs.readFileSync(file, 'utf8'));
    return share.schemaVersion === 2 && share.claimId === claimId && typeof share.claim === 'object' && typeof share.controls === 'object' ? share : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Puts one scope's parts from every shard together: every shard must have reached the same point, with
 * the same unit inputs, and every unit must be stored by exactly the shard it is assigned to.
 */
export function combineScope(shares: UnitShare[], claimId: string, controlId?: string): { stopped: ScopeShare['stopped']; calls: MergedCall[] } {
  const label = controlId === undefined ? `claim ${claimId}` : `control '${controlId}' of claim ${claimId}`;
  const parts = shares.map((s) => {
    const part = controlId === undefined ? s.claim : s.controls[controlId];
    if (!part) throw new UnitReplayError(`shard ${s.shard.index}/${s.shard.count} stored no units of ${label}`);
    return { shard: s.shard, part };
  });
  const first = parts[0];
  for (const p of parts) {
    if (p.part.stopped !== first.part.stopped) throw new UnitReplayError(`${label} stopped differently in shard ${first.shard.index} (${first.part.stopped}) and shard ${p.shard.index} (${p.part.stopped})`);
    const [a, b] = [first.part.calls[0], p.part.calls[0]];
    if (a && b && a.shards.join() !== b.shards.join()) throw new UnitReplayError(`${label}: shards ${first.shard.index} and ${p.shard.index} dealt the units differently; every shard must run the same commit, tier and selection`);
    if (a && b && (a.task !== b.task || a.inputSha256.join() !== b.inputSha256.join())) {
      const j = a.inputSha256.findIndex((h, i) => h !== b.inputSha256[i]);
      throw new UnitReplayError(`${label}: shards ${first.shard.index} and ${p.shard.index} computed different unit inputs (${a.task !== b.task ? `tasks ${a.task} and ${b.task}` : `first at unit ${j}`}); unit inputs must depend on the claim's seed alone`);
    }
  }
  if (first.part.stopped !== 'units') return { stopped: first.part.stopped, calls: [] };
  const call = first.part.calls[0];
  const outcomes: (TaskOutcome<unknown> | undefined)[] = new Array(call.total).fill(undefined);
  for (const { shard, part } of parts) {
    for (const u of part.calls[0].units) {
      if (call.shards[u.index] !== shard.index) throw new UnitReplayError(`${label}: shard ${shard.index} stored unit ${u.index}, which is assigned to shard ${call.shards[u.index]}`);
      outcomes[u.index] = u.outcome;
    }
  }
  const missing = outcomes.map((o, j) => (o === undefined ? j : -1)).filter((j) => j >= 0);
  if (missing.length > 0) {
    const count = parts[0].shard.count;
    throw new UnitReplayError(`${label}: ${missing.length} of ${call.total} units missing (e.g. unit ${missing[0]}, assigned to shard ${call.shards[missing[0]]}/${count})`);
  }
  return { stopped: 'units', calls: [{ task: call.task, inputSha256: call.inputSha256, outcomes: outcomes as TaskOutcome<unknown>[], computeMs: parts.reduce((s, p) => s + p.part.calls[0].computeMs, 0) }] };
}
