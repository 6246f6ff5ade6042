/**
 * Sharding a run over machines and merging the shards back into one run. A shard is a deterministic
 * slice of the selected claims (claim k of the id-sorted selection goes to shard k mod n); since each
 * claim's seed depends only on the run seed and its id, the merged run equals a single-machine run.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeJsonAtomic } from './atomic';
import { UsageError } from './claims';
import { claimDir, readManifest, readRuns, runDir } from './store';
import type { ClaimResult, LoadedClaim, RunManifest } from './types';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) throw new UsageError(`--shard must be i/n with 1 ≤ i ≤ n, got '${text}'`);
  return { index, count };
}

export function shardClaims(claims: LoadedClaim[], shard: Shard): LoadedClaim[] {
  const sorted = [...claims].sort((a, b) => a.spec.id.localeCompare(b.spec.id));
  return sorted.filter((_, k) => k % shard.count === shard.index - 1);
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

/**
 * Combines complete shard runs into one new run under the same folder. The shards must share tier,
 * seed, selection, commit and shard count, and together cover every shard index exactly once.
 */
/** Every valid manifest under `<outDir>/runs` (readRuns reports the others by name; merge ignores them). */
function storedManifests(outDir: string): RunManifest[] {
  return readRuns(outDir).runs.map((r) => r.manifest);
}

export function mergeShardRuns(outDir: string, runIds: string[], options: { prune?: boolean } = {}): RunManifest {
  if (runIds.length === 0) throw new UsageError('merge needs the ids of the shard runs');
  const manifests = runIds.map((id) => readManifest(outDir, id));
  const first = manifests[0];
  // Merging the same shards twice would count every claim twice in the history.
  for (const earlier of storedManifests(outDir)) {
    const overlap = runIds.filter((id) => earlier.mergedFrom?.includes(id));
    if (overlap.length > 0) throw new UsageError(`shard run${overlap.length > 1 ? 's' : ''} ${overlap.join(', ')} already merged into run ${earlier.id}`);
  }
  for (const m of manifests) {
    if (!m.shard) throw new UsageError(`run ${m.id} is not a shard (it was not run with --shard)`);
    if (m.status !== 'complete') throw new UsageError(`shard run ${m.id} is ${m.status}; resume it first (claimbench run --resume ${m.id})`);
    const differs = (['tier', 'seed'] as const).filter((k) => m[k] !== first[k]);
    if (JSON.stringify(m.selection) !== JSON.stringify(first.selection)) throw new UsageError(`shard runs ${first.id} and ${m.id} selected different claims`);
    if (m.provenance.commit !== first.provenance.commit) throw new UsageError(`shard runs ${first.id} and ${m.id} ran different commits (${first.provenance.commit} vs ${m.provenance.commit})`);
    if (m.shard.count !== first.shard?.count) throw new UsageError(`shard runs ${first.id} and ${m.id} split into different shard counts`);
    if (differs.length > 0) throw new UsageError(`shard runs ${first.id} and ${m.id} differ in ${differs.join(', ')}`);
  }
  const count = first.shard?.count as number;
  const indices = manifests.map((m) => m.shard?.index as number).sort((a, b) => a - b);
  const expected = Array.from({ length: count }, (_, i) => i + 1);
  if (JSON.stringify(indices) !== JSON.stringify(expected)) {
    throw new UsageError(`shards must cover 1…${count} exactly once; got ${indices.join(', ')}`);
  }

  const id = `${first.id.replace(/-[0-9a-f]{6}$/, '')}-merged-${randomBytes(3).toString('hex')}`;
  const dir = runDir(outDir, id);
  fs.mkdirSync(dir);
  const claims = manifests.flatMap((m) => m.claims).sort();
  for (const m of manifests) {
    for (const claimId of m.claims) {
      const from = claimDir(outDir, m.id, claimId);
      const to = claimDir(outDir, id, claimId);
      // Everything but result.json, including each control's folder under controls/.
      fs.cpSync(from, to, { recursive: true, filter: (src) => src !== path.join(from, 'result.json') });
      const result = JSON.parse(fs.readFileSync(path.join(from, 'result.json'), 'utf8')) as ClaimResult;
      writeJsonAtomic(path.join(to, 'result.json'), { ...result, runId: id });
    }
  }
  const startedAt = manifests.map((m) => m.startedAt).sort()[0];
  const endedAt = manifests.map((m) => m.endedAt ?? m.startedAt).sort().at(-1) as string;
  const { shard: _shard, writer: _writer, resumedAt: _resumed, ...base } = first;
  const merged: RunManifest = {
    ...base,
    id,
    status: 'complete',
    claims,
    mergedFrom: manifests.map((m) => m.id),
    startedAt,
    endedAt,
    durationMs: manifests.reduce((s, m) => s + (m.durationMs ?? 0), 0),
  };
  writeJsonAtomic(path.join(dir, 'manifest.json'), merged);
  if (options.prune) {
    for (const m of manifests) fs.rmSync(runDir(outDir, m.id), { recursive: true, force: true });
  }
  return merged;
}
