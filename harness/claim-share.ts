/**
 * A claim's part in a shard run, for a kind with work units (`units.ts`): the claim and then each of its
 * controls at this tier run up to their unit call, compute the units the run's plan gives this shard, and stop.
 * What each stored — every unit input's sha256, this shard's outputs, or the error that came before any
 * unit call — goes to `units.json` in the claim's folder, written last (as result.json is for a whole
 * claim), so its presence means this shard's part is done. No verdict is given: `merge` scores the
 * claim once every shard's units are in.
 *
 * Controls run whatever the claim's own run does here: whether the claim is scored (and so whether its
 * controls count) is known only at the merge.
 */
import * as path from 'node:path';
import { StorageError } from './atomic';
import { controlTiers, mergeParams } from './claims';
import type { AnyExperimentKind, ExperimentContext } from './registry';
import type { ClaimSpec, Params, Tier } from './types';
import { UNITS_FILE, UnitsStored, shardUnits, writeUnitShare, type MapUnits, type ScopeShare, type ShardSlot, type UnitPlan, type UnitShare } from './units';

/** What a shard run reports of a claim it holds units of. */
export interface ClaimShareSummary {
  claimId: string;
  shard: ShardSlot;
  /** Units this shard computed, over the claim and its controls. */
  computed: number;
  /** Units of the claim and its controls over all shards. */
  total: number;
  durationMs: number;
}

export interface ClaimShareJob {
  spec: ClaimSpec;
  kind: AnyExperimentKind;
  /** The claim's parameters at this tier. */
  params: Params;
  tier: Tier;
  shard: ShardSlot;
  /** The shards of the claim's units and of its controls' units. */
  plan: UnitPlan;
  jobs: number;
  specSha256: string;
  folder: string;
  /** The experiment context of the claim's run or a control's, with this executor. */
  context(controlId: string | undefined, mapUnits: MapUnits): ExperimentContext;
}

export async function runClaimShare(job: ClaimShareJob): Promise<ClaimShareSummary> {
  const t0 = performance.now();
  const { spec, kind } = job;
  const runScope = async (params: Params, controlId?: string): Promise<ScopeShare> => {
    const ctx = job.context(controlId, shardUnits((controlId === undefined ? job.plan.claim : job.plan.controls[controlId]) ?? [], job.shard, job.jobs));
    try {
      await kind.run(params, ctx);
      return { stopped: 'finished', calls: [] };
    } catch (err) {
      if (err instanceof UnitsStored) return { stopped: 'units', calls: [err.call] };
      if (err instanceof StorageError && err.fatal) throw err;
      return { stopped: 'error', reason: err instanceof Error ? err.message : String(err), calls: [] };
    }
  };
  const claim = await runScope(job.params);
  const controls: Record<string, ScopeShare> = {};
  for (const control of (spec.controls ?? []).filter((c) => controlTiers(spec, c).includes(job.tier))) {
    controls[control.id] = await runScope(mergeParams(job.params, control.params), control.id);
  }
  const share: UnitShare = { schemaVersion: 2, claimId: spec.id, shard: job.shard, specSha256: job.specSha256, claim, controls };
  writeUnitShare(path.join(job.folder, UNITS_FILE), share);
  const calls = [claim, ...Object.values(controls)].flatMap((s) => s.calls);
  return {
    claimId: spec.id,
    shard: job.shard,
    computed: calls.reduce((n, c) => n + c.units.length, 0),
    total: calls.reduce((n, c) => n + c.total, 0),
    durationMs: performance.now() - t0,
  };
}
