/**
 * Sharding a run over machines (`merge.ts` puts the shards back together). The unit of sharding is the
 * work unit (`units.ts`): every shard takes part in each selected claim whose kind has units, computing
 * its share of them, and the claims of kinds without units are dealt out whole by their estimated cost
 * (`dealWholeClaims`), so that the shards finish together. Since each claim's seed depends only on the
 * run seed and its id, and unit inputs only on the claim's seed, the merged run equals a single-machine
 * run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError, claimCost, tierParams } from './claims';
import { experimentKinds } from './registry';
import { readRuns } from './store';
import type { LoadedClaim, RunManifest, Tier } from './types';
import type { ShardSlot } from './units';

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
 * What shard `shard` runs: every claim with work units (its share of them; listed in `unitClaims`)
 * and its slice of the other claims, all in id order.
 */
export function shardClaims(claims: LoadedClaim[], shard: Shard, tier: Tier): { claims: LoadedClaim[]; unitClaims: string[] } {
  const sorted = [...claims].sort((a, b) => a.spec.id.localeCompare(b.spec.id));
  const split = sorted.filter((c) => hasUnits(c, tier));
  const dealt = dealWholeClaims(sorted.filter((c) => !hasUnits(c, tier)), shard.count, tier);
  const mine = new Set([...split.map((c) => c.spec.id), ...[...dealt].filter(([, i]) => i === shard.index).map(([id]) => id)]);
  return { claims: sorted.filter((c) => mine.has(c.spec.id)), unitClaims: split.map((c) => c.spec.id) };
}

/**
 * The shard (1…count) of each claim run whole: longest processing time first. Claims in decreasing
 * order of estimated cost at the tier (claim plus controls; ties by id) each go to the shard with the
 * least estimated load so far, then the fewest claims, then the lowest index. A deterministic function
 * of the claims, tier and count, so that every shard computes the same dealing on its own (claims
 * without any estimate, or of equal estimates, are dealt round-robin in id order).
 */
export function dealWholeClaims(claims: LoadedClaim[], count: number, tier: Tier): Map<string, number> {
  const costed = claims.map((c) => ({ id: c.spec.id, seconds: (experimentKinds.has(c.spec.experiment.kind) ? claimCost(c.spec, tier)?.seconds : undefined) ?? 0 }));
  costed.sort((a, b) => b.seconds - a.seconds || a.id.localeCompare(b.id));
  const load = Array.from({ length: count }, (_, i) => ({ index: i + 1, seconds: 0, claims: 0 }));
  const dealt = new Map<string, number>();
  for (const c of costed) {
    const target = load.reduce((best, s) => (s.seconds < best.seconds || (s.seconds === best.seconds && s.claims < best.claims) ? s : best));
    target.seconds += c.seconds;
    target.claims++;
    dealt.set(c.id, target.index);
  }
  return dealt;
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

