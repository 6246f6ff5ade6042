/**
 * Puts the shard runs of one sharded run (`shards.ts`) back together into one run, equal to running
 * everything on one machine. Claims run whole by some shard are copied. Claims split into work units
 * (`units.ts`) are scored here: their units are gathered from every shard and checked — every unit
 * stored once, by the shard it is assigned to, with the same input hashes everywhere — and then each
 * such claim, with its controls, runs again through the ordinary runner (in a child process of its
 * own) with the stored outputs served in place of computing them, so that scoring, evidence and plots
 * come from the same code and the same numbers as in an unsharded run. Only the timing fields differ
 * (`startedAt`, `durationMs`, which counts the shards' compute time of the units plus the replay's own).
 *
 * The merged run is built in a staging folder beside `runs/` and moved in only when complete: a merge
 * that fails or is killed leaves no run that lists the shards in `mergedFrom` (which would hide them
 * from the history) and no half-merged run whose claims would count twice.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeJsonAtomic } from './atomic';
import { UsageError, specFileSha256 } from './claims';
import { currentWriter } from './lock';
import { chooseDataDir, chooseTfjsBackend, engineNamer, executeRun, type RunEvent, type RunOutcome } from './runner';
import { storedManifests } from './shards';
import { claimDir, readManifest, runDir } from './store';
import type { ClaimResult, LoadedClaim, RunManifest } from './types';
import { UNITS_FILE, UnitReplayError, combineScope, readUnitShare, type UnitShare } from './units';

export interface MergeOptions {
  /** Delete the shard runs once merged. */
  prune?: boolean;
  /** The claim specs, needed when some claim was split into work units (it runs again to be scored). */
  claims?: () => LoadedClaim[];
  jobs?: number;
  timeoutSeconds?: number;
  memoryMiB?: number;
  /** The CIFAR-10 folder on this machine, for split claims that read it (`--data-dir`, else $CLAIMBENCH_CIFAR10_DIR). */
  dataDir?: string;
  onEvent?: (event: RunEvent) => void;
}

export async function mergeShardRuns(outDir: string, runIds: string[], options: MergeOptions = {}): Promise<RunOutcome> {
  const manifests = checkShards(outDir, runIds);
  const first = manifests[0];
  const id = `${first.id.replace(/-[0-9a-f]{6}$/, '')}-merged-${randomBytes(3).toString('hex')}`;
  const stage = path.join(outDir, `.merging-${id}`);
  const dir = runDir(stage, id);
  fs.mkdirSync(dir, { recursive: true });
  let outcome: RunOutcome;
  try {
    const unitClaims = new Set(first.unitClaims ?? []);
    const earlier = new Map<string, ClaimResult>();
    const copy = (m: RunManifest, claimId: string, reason?: (r: string | undefined) => string): void => {
      const from = claimDir(outDir, m.id, claimId);
      const to = claimDir(stage, id, claimId);
      // Everything but result.json, including each control's folder under controls/.
      fs.cpSync(from, to, { recursive: true, filter: (src) => src !== path.join(from, 'result.json') });
      const stored = JSON.parse(fs.readFileSync(path.join(from, 'result.json'), 'utf8')) as ClaimResult;
      const result: ClaimResult = { ...stored, runId: id, ...(reason ? { reason: reason(stored.reason) } : {}) };
      writeJsonAtomic(path.join(to, 'result.json'), result);
      earlier.set(claimId, result);
    };
    for (const m of manifests) for (const claimId of m.claims) if (!unitClaims.has(claimId)) copy(m, claimId);

    let specs: LoadedClaim[] | undefined;
    const specsOnce = (): LoadedClaim[] => (specs ??= options.claims?.() ?? []);
    const replay: LoadedClaim[] = [];
    const sharesOf = new Map<string, string[]>();
    for (const claimId of unitClaims) {
      // A shard whose part of the claim died (out of memory, past its budget) stored an error result
      // instead of units: the merged claim is that error.
      const died = manifests.find((m) => fs.existsSync(path.join(claimDir(outDir, m.id, claimId), 'result.json')));
      if (died) {
        copy(died, claimId, (r) => `in shard ${died.shard?.index}/${died.shard?.count} (run ${died.id}): ${r ?? 'error'}`);
        continue;
      }
      const files = manifests.map((m) => path.join(claimDir(outDir, m.id, claimId), UNITS_FILE));
      const shares = files.map((file, k) => {
        const share = readUnitShare(file, claimId);
        const m = manifests[k];
        if (!share) throw new UsageError(`shard run ${m.id} (shard ${m.shard?.index}/${m.shard?.count}) has no stored work units of ${claimId}; finish it first (claimbench run --resume ${m.id})`);
        return share;
      });
      replay.push(specRunBy(shares, claimId, specsOnce));
      checkUnits(shares, claimId);
      sharesOf.set(claimId, files);
    }

    const { shard: _shard, writer: _writer, resumedAt: _resumed, unitClaims: _units, unitPlans: _plans, endedAt: _ended, ...base } = first;
    const manifest: RunManifest = {
      ...base,
      id,
      status: 'running',
      writer: currentWriter(),
      claims: [...new Set(manifests.flatMap((m) => m.claims))].sort(),
      mergedFrom: manifests.map((m) => m.id),
      startedAt: manifests.map((m) => m.startedAt).sort()[0],
      durationMs: manifests.reduce((s, m) => s + (m.durationMs ?? 0), 0),
    };
    const tfjs = await chooseTfjsBackend(replay, undefined);
    const data = chooseDataDir(options.dataDir);
    if (tfjs) options.onEvent?.({ type: 'backend', line: tfjs.line });
    outcome = await executeRun(
      manifest,
      dir,
      replay,
      {
        tier: first.tier,
        seed: first.seed,
        outDir: stage,
        jobs: options.jobs,
        timeoutSeconds: options.timeoutSeconds,
        memoryMiB: options.memoryMiB,
        onEvent: options.onEvent,
        engineFor: engineNamer(tfjs),
        ...(tfjs ? { tfjsBackend: tfjs.name } : {}),
        ...(data ? { dataDir: data.path } : {}),
        unitsFor: (claim) => ({ kind: 'replay', shares: sharesOf.get(claim.spec.id) as string[] }),
      },
      earlier,
    );
    fs.renameSync(dir, runDir(outDir, id));
  } catch (err) {
    if (err instanceof UnitReplayError) throw new UsageError(`cannot merge: ${err.message}`);
    throw err;
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
  if (options.prune) {
    for (const m of manifests) fs.rmSync(runDir(outDir, m.id), { recursive: true, force: true });
  }
  return outcome;
}

/**
 * The shards' manifests, once they are shown to make up one sharded run: all complete, same tier,
 * seed, selection, commit, shard count and split claims, every shard index once, none merged before.
 */
function checkShards(outDir: string, runIds: string[]): RunManifest[] {
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
    if (JSON.stringify(m.unitClaims ?? []) !== JSON.stringify(first.unitClaims ?? [])) throw new UsageError(`shard runs ${first.id} and ${m.id} split different claims into work units`);
  }
  const count = first.shard?.count as number;
  const indices = manifests.map((m) => m.shard?.index as number);
  const twice = indices.filter((i, k) => indices.indexOf(i) !== k);
  if (twice.length > 0) throw new UsageError(`shard ${twice[0]} of ${count} is given twice (${manifests.filter((m) => m.shard?.index === twice[0]).map((m) => m.id).join(', ')})`);
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !indices.includes(i));
  if (missing.length > 0) {
    throw new UsageError(`shards must cover 1…${count} exactly once: shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${count} missing (got ${[...indices].sort((a, b) => a - b).join(', ')}); run the missing shard${missing.length > 1 ? 's' : ''} with --shard i/${count} and the same tier, seed and selection`);
  }
  return manifests;
}

/** The spec the merge runs a split claim with: the one every shard ran, byte for byte. */
function specRunBy(shares: UnitShare[], claimId: string, specs: () => LoadedClaim[]): LoadedClaim {
  const sha = shares[0].specSha256;
  if (shares.some((s) => s.specSha256 !== sha)) throw new UsageError(`the shards ran different versions of ${claimId}'s spec`);
  const claim = specs().find((c) => c.spec.id === claimId);
  if (!claim) throw new UsageError(`no spec for ${claimId}, which the shards split into work units: merge runs it again to score it (--claims DIR names the claims folder the shards ran)`);
  if (specFileSha256(claim.file) !== sha) {
    throw new UsageError(`${claim.file} changed since the shards ran ${claimId}; merge with the spec they ran`);
  }
  return claim;
}

/** Every scope of a split claim (the claim's run, each control's) is complete and consistent. */
function checkUnits(shares: UnitShare[], claimId: string): void {
  const controls = [...new Set(shares.flatMap((s) => Object.keys(s.controls)))];
  try {
    combineScope(shares, claimId);
    for (const c of controls) combineScope(shares, claimId, c);
  } catch (err) {
    if (err instanceof UnitReplayError) throw new UsageError(`cannot merge: ${err.message}`);
    throw err;
  }
}
