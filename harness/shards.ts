/**
 * Sharding a run over machines (`merge.ts` puts the shards back together). The unit of sharding is the
 * work unit (`units.ts`): every shard takes part in each selected claim whose kind has units, computing
 * its share of them, and the claims of kinds without units are dealt out whole; both by estimated cost
 * (`planShards`), so that the shards finish together. Since each claim's seed depends only on the
 * run seed and its id, and unit inputs only on the claim's seed, the merged run equals a single-machine
 * run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError, claimCost, tierParams, tierRuns } from './claims';
import { estimateCost } from './cost';
import { experimentKinds } from './registry';
import { readRuns } from './store';
import type { LoadedClaim, Params, RunManifest, Tier } from './types';
import type { ShardSlot, UnitPlan } from './units';

export type Shard = ShardSlot;

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) throw new UsageError(`--shard must be i/n with 1 ≤ i ≤ n, got '${text}'`);
  return { index, count };
}

/** Whether a claim at a tier is split into work units: its kind declares them and the tier runs. */
export function hasUnits(claim: LoadedClaim, tier: Tier): boolean {
  const kind = experimentKinds.has(claim.spec.experiment.kind) ? experimentKinds.get(claim.spec.experiment.kind) : undefined;
  return kind?.units !== undefined && !('unavailable' in tierParams(claim.spec, tier));
}

/**
 * What shard `shard` runs: every claim with work units (its share of them, as `unitPlans` deals them;
 * listed in `unitClaims`) and the claims `planShards` gives it whole, all in id order.
 */
export function shardClaims(claims: LoadedClaim[], shard: Shard, tier: Tier): { claims: LoadedClaim[]; unitClaims: string[]; unitPlans: Record<string, UnitPlan> } {
  const sorted = [...claims].sort((a, b) => a.spec.id.localeCompare(b.spec.id));
  const plan = planShards(sorted, shard.count, tier);
  const mine = (c: LoadedClaim): boolean => plan.units.has(c.spec.id) || plan.whole.get(c.spec.id) === shard.index;
  return { claims: sorted.filter(mine), unitClaims: [...plan.units.keys()], unitPlans: Object.fromEntries(plan.units) };
}

/**
 * A claim's runs at a tier (its own, `controlId` undefined, and each control's): parameters, work units,
 * estimated seconds, and their share of each unit (by the kind's `unitCosts`, else equal shares).
 */
export function unitScopes(claim: LoadedClaim, tier: Tier): { controlId?: string; params: Params; units: number; seconds: number; unitSeconds: number[] }[] {
  const kind = experimentKinds.get(claim.spec.experiment.kind);
  const scopes = tierRuns(claim.spec, tier);
  if (!scopes || !kind.units) return [];
  return scopes.map((s) => {
    const units = kind.units!(s.params);
    const seconds = estimateCost(kind, s.params).seconds;
    const weights = kind.unitCosts?.(s.params) ?? new Array<number>(units).fill(1);
    if (weights.length !== units) throw new Error(`kind ${kind.name}: unitCosts gives ${weights.length} costs for ${units} units`);
    const total = weights.reduce((a, b) => a + b, 0);
    return { ...s, units, seconds, unitSeconds: weights.map((w) => (total > 0 ? (seconds * w) / total : seconds / units)) };
  });
}

export interface ShardPlan {
  /** The shard of each claim run whole. */
  whole: Map<string, number>;
  /** The shards of the work units of each claim split into units. */
  units: Map<string, UnitPlan>;
  /** Each shard's estimated seconds (index 0: shard 1). */
  load: number[];
}

/**
 * Deals a sharded run: the claims run whole and every work unit of the split claims (its share of its
 * run's estimate, see `unitScopes`), longest processing time first. In decreasing order of estimated cost
 * (ties in id order, then control and unit order) each goes to the shard with the least estimated load
 * so far, then the fewest items, then the lowest index. So the units fill in around the long whole
 * claims, and the shards finish together. A deterministic function of the claims, tier and count, so
 * that every shard computes the same dealing on its own (claims without any estimate, or of equal
 * estimates, are dealt round-robin in id order).
 */
export function planShards(claims: LoadedClaim[], count: number, tier: Tier): ShardPlan {
  const whole = new Map<string, number>();
  const units = new Map<string, UnitPlan>();
  const items: { seconds: number; give: (shard: number) => void }[] = [];
  for (const c of [...claims].sort((a, b) => a.spec.id.localeCompare(b.spec.id))) {
    const id = c.spec.id;
    if (!hasUnits(c, tier)) {
      const seconds = (experimentKinds.has(c.spec.experiment.kind) ? claimCost(c.spec, tier)?.seconds : undefined) ?? 0;
      items.push({ seconds, give: (shard) => whole.set(id, shard) });
      continue;
    }
    const plan: UnitPlan = { claim: [], controls: {} };
    units.set(id, plan);
    for (const scope of unitScopes(c, tier)) {
      const shards = new Array<number>(scope.units).fill(0);
      if (scope.controlId === undefined) plan.claim = shards;
      else plan.controls[scope.controlId] = shards;
      for (let j = 0; j < scope.units; j++) items.push({ seconds: scope.unitSeconds[j], give: (shard) => (shards[j] = shard) });
    }
  }
  // A stable sort: equal estimates stay in id, control and unit order.
  items.sort((a, b) => b.seconds - a.seconds);
  const load = Array.from({ length: count }, (_, i) => ({ index: i + 1, seconds: 0, items: 0 }));
  for (const item of items) {
    const target = load.reduce((best, s) => (s.seconds < best.seconds || (s.seconds === best.seconds && s.items < best.items) ? s : best));
    target.seconds += item.seconds;
    target.items++;
    item.give(target.index);
  }
  return { whole, units, load: load.map((s) => s.seconds) };
}

/**
 * The shard runs under `outDir` not yet merged, when they form exactly one sharded run (same tier, seed,
 * commit and shard count). Used by `claimbench merge` without ids, e.g. after a CI matrix.
 */
export function findUnmergedShards(outDir: string): string[] {
  const root = path.join(outDir, 'runs');
  if (!fs.existsSync(root)) throw new UsageError(`no runs under ${outDir}`);
  const manifests = storedManifests(outDir);
  const merged = new Set(manifests.flatMap((m) => m.mergedFrom ?? []));
  const shards = manifests.filter((m) => m.shard && !merged.has(m.id));
  const groups = new Map<string, string[]>();
  for (const m of shards) {
    const key = JSON.stringify([m.tier, m.seed, m.provenance.commit, m.shard?.count, m.selection]);
    groups.set(key, [...(groups.get(key) ?? []), m.id]);
  }
  if (groups.size === 0) throw new UsageError(`no unmerged shard runs under ${root}`);
  if (groups.size > 1) throw new UsageError(`shard runs of ${groups.size} different sharded runs under ${root}; name the ones to merge`);
  return [...groups.values()][0].sort();
}

/** Every valid manifest under `<outDir>/runs` (readRuns reports the others by name; merge ignores them). */
export function storedManifests(outDir: string): RunManifest[] {
  return readRuns(outDir).runs.map((r) => r.manifest);
}

