/**
 * Runs claims and stores their results. Each claim gets its own seed (derived from the run seed and its
 * id, so a claim's numbers do not depend on which other claims were selected), its own child process
 * with a heap cap and a wall-clock budget (`isolation.ts`: a crash, an out-of-memory abort or an
 * overrun becomes that claim's `error` verdict and the rest still run), and atomic writes: evidence,
 * plots and the spec first, result.json last, so a result on disk always means a finished claim.
 * A full disk stops the run (nothing more could be stored); it stays resumable.
 *
 * A claim's controls run right after it, in one unit with it (`runOneClaim`): same kind, same seed and a
 * fresh generator from that seed (a paired comparison: same data, same initialisations), parameters =
 * the claim's tier parameters ⊕ the control's. Each control's evidence and plots go to
 * `controls/<control-id>/` in the claim's folder, before result.json.
 *
 * In a shard run, a claim whose kind has work units runs only this shard's units of it and of its
 * controls and stores them in `units.json` instead of a result (`claim-share.ts`); `merge` later runs
 * such a claim again through this same code with the shards' outputs served (`units.ts`).
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CIFAR10_ENV, cifar10DirProblem } from '../datasets/cifar10';
import { StorageError, describeStorageCode, makeFolder, removeTempFiles, writeJsonAtomic } from './atomic';
import { UsageError, claimCost, controlTiers, mergeParams, protocolFiles, specFileSha256, tierParams } from './claims';
import { claimBudgetSeconds, defaultMemoryMiB, runInChild } from './isolation';
import { acquireRunLock, currentWriter } from './lock';
import { defaultJobs } from './parallel';
import { collectProvenance } from './provenance';
import { createRng, hashString, mixSeed } from './rng';
import { validateResult } from './schema';
import { claimVerdict, scoreClaim, scoreControl } from './scoring';
import { claimDir, readManifest, runDir } from './store';
import { runClaimShare, type ClaimShareSummary } from './claim-share';
import { UNITS_FILE, UnitReplayError, combineScope, localUnits, readUnitShare, replayUnits, type MapUnits, type UnitMode, type UnitPlan, type UnitShare } from './units';
import { experimentKinds, externalKindModules, type AnyExperimentKind, type CostEstimate, type ExperimentContext } from './registry';
import { RESULT_SCHEMA_VERSION, type ClaimResult, type ClaimSpec, type Control, type ControlResult, type LoadedClaim, type Params, type Provenance, type RunManifest, type Tier } from './types';
import { wasmKernels } from '../numerics/wasm';
import './experiments';

export type RunEvent =
  | { type: 'backend'; line: string }
  | { type: 'claim-start'; claimId: string; index: number; total: number; budgetSeconds?: number; estimate?: CostEstimate }
  | { type: 'progress'; claimId: string; done: number; total: number; controlId?: string }
  | { type: 'claim-end'; result: ClaimResult; index: number; total: number }
  /** A shard run stored its share of a claim's work units (no verdict yet). */
  | { type: 'claim-share'; share: ClaimShareSummary; index: number; total: number };

export interface RunOptions {
  claims: LoadedClaim[];
  tier: Tier;
  seed: number;
  /** Folder that holds `runs/`. */
  outDir: string;
  /** The ids or globs the user asked for (recorded in the manifest). */
  selection: string[];
  /** This run is one slice of a sharded run. */
  shard?: { index: number; count: number };
  /** In a shard run, the claims of which it computes a share of the work units (see `shardClaims`). */
  unitClaims?: string[];
  /** In a shard run, the shards of those claims' units (see `planShards`). */
  unitPlans?: Record<string, UnitPlan>;
  /** Worker threads for experiments with independent runs (default: one per core). */
  jobs?: number;
  /** tfjs backend to use for float32 claims (default: the first available, see models/tfjs/backends.ts). */
  backend?: string;
  /** Wall-clock budget of every claim, overriding the spec's and the tier's (`--timeout`). */
  timeoutSeconds?: number;
  /** Heap cap of each claim's process (`--memory`; default: half the machine's memory). */
  memoryMiB?: number;
  /** Folder of the CIFAR-10 binary release (`--data-dir`); takes precedence over $CLAIMBENCH_CIFAR10_DIR. */
  dataDir?: string;
  onEvent?: (event: RunEvent) => void;
}

/** The engine float64 claims run on, and which of its kernels this runtime gives it. */
export const FLOAT64_BACKEND = `float64-js (claimbench float64 engine; ${
  wasmKernels ? 'WebAssembly SIMD f64x2 kernels' : 'plain-JavaScript kernels, WebAssembly SIMD unavailable'
})`;

/**
 * Selects the tfjs backend when float32 claims are selected or one is named, and returns the line that
 * says which one runs (recorded in the manifest). Runs of float64 claims alone never probe backends.
 */
export async function chooseTfjsBackend(claims: LoadedClaim[], requested: string | undefined): Promise<{ name: string; line: string; adapter?: string } | null> {
  if (requested === undefined && !claims.some((c) => c.spec.precision === 'float32')) return null;
  const { selectBackend, describeChoice } = await import('../models/tfjs/backends');
  const choice = await selectBackend(requested);
  return { name: choice.name, line: describeChoice(choice), ...(choice.adapter !== undefined ? { adapter: choice.adapter } : {}) };
}

/**
 * The CIFAR-10 folder of a run, as recorded in its provenance and carried to every claim's process:
 * `--data-dir` (checked now: a folder without the binary release is a usage error that names what is
 * missing), else on resume the folder the run started with, else $CLAIMBENCH_CIFAR10_DIR (checked when a
 * claim reads it), else none.
 */
export function chooseDataDir(option: string | undefined, recorded?: Provenance['cifar10Dir']): Provenance['cifar10Dir'] {
  if (option !== undefined) {
    const dir = path.resolve(option);
    const problem = cifar10DirProblem(dir);
    if (problem) throw new UsageError(`--data-dir: ${problem}`);
    return { path: dir, from: '--data-dir' };
  }
  if (recorded) return recorded;
  const env = process.env[CIFAR10_ENV];
  return env ? { path: path.resolve(env), from: CIFAR10_ENV } : undefined;
}

export function claimSeed(runSeed: number, claimId: string): number {
  return mixSeed(runSeed, hashString(claimId));
}

/** `2026-11-23T18-47-45-123Z-quick-6ce74b`: sorts by start time to the millisecond, unique by its suffix. */
export function newRunId(tier: Tier, now = new Date()): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  return `${stamp}-${tier}-${randomBytes(3).toString('hex')}`;
}

/** Creates a new run folder (exclusively: two runs never share one), failing early when it cannot be written. */
export function createRunFolder(outDir: string, runId: string): string {
  const dir = runDir(outDir, runId);
  try {
    makeFolder(path.dirname(dir));
    fs.mkdirSync(dir);
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot write results to ${path.resolve(outDir)}: ${describeStorageCode(code) ?? (code === 'ENOENT' ? 'no folder can be created there (ENOENT)' : code ?? (err as Error).message)}`);
  }
  return dir;
}

export interface RunOutcome {
  manifest: RunManifest;
  /** Results of every claim of the run, in run order (on resume: the earlier ones too). */
  results: ClaimResult[];
  /** Ids of the claims this invocation ran. */
  ran: string[];
  /** The work-unit shares this invocation stored (shard runs only). */
  shares: ClaimShareSummary[];
}

/** Starts a new run of the given claims. */
export async function runClaims(options: RunOptions): Promise<RunOutcome> {
  const { claims, tier, seed, outDir } = options;
  const data = chooseDataDir(options.dataDir);
  const tfjs = await chooseTfjsBackend(claims, options.backend);
  if (tfjs) options.onEvent?.({ type: 'backend', line: tfjs.line });
  const id = newRunId(tier);
  const dir = createRunFolder(outDir, id);
  const manifest: RunManifest = {
    schemaVersion: 1,
    id,
    status: 'running',
    writer: currentWriter(),
    tier,
    seed,
    selection: options.selection,
    claims: claims.map((c) => c.spec.id),
    ...(options.shard ? { shard: options.shard } : {}),
    ...(options.shard && options.unitClaims && options.unitClaims.length > 0 ? { unitClaims: options.unitClaims, unitPlans: options.unitPlans ?? {} } : {}),
    provenance: { ...collectProvenance(tfjs ? `${FLOAT64_BACKEND}; tfjs ${tfjs.line}` : FLOAT64_BACKEND), ...(data ? { cifar10Dir: data } : {}) },
    startedAt: new Date().toISOString(),
  };
  return executeRun(manifest, dir, claims, { ...options, engineFor: engineNamer(tfjs), unitsFor: shardUnitsOf(manifest), ...(tfjs ? { tfjsBackend: tfjs.name } : {}), ...(data ? { dataDir: data.path } : {}) });
}

/** In a shard run, the claims listed in `unitClaims` compute this shard's units only, as the manifest's `unitPlans` deal them. */
function shardUnitsOf(manifest: RunManifest): (claim: LoadedClaim) => UnitMode | undefined {
  const units = new Set(manifest.unitClaims ?? []);
  const shard = manifest.shard;
  return (claim) => {
    if (!shard || !units.has(claim.spec.id)) return undefined;
    const plan = manifest.unitPlans?.[claim.spec.id];
    if (!plan) throw new UsageError(`shard run ${manifest.id} records no dealing of the work units of ${claim.spec.id}: it was made by an older claimbench; start the sharded run again`);
    return { kind: 'shard', shard, plan };
  };
}

/**
 * Finishes an interrupted run: runs every claim of its manifest that has no result.json yet, with the
 * run's own tier and seed, and marks it complete. Refuses while the run's writer is still alive.
 */
export async function resumeRun(
  options: Pick<RunOptions, 'outDir' | 'claims' | 'jobs' | 'backend' | 'timeoutSeconds' | 'memoryMiB' | 'dataDir' | 'onEvent'> & {
    runId: string;
    /** Also re-run the claims whose stored verdict is `error` (by default a claim that died stays dead). */
    retryErrors?: boolean;
  },
): Promise<RunOutcome> {
  const dir = runDir(options.outDir, options.runId);
  const manifest = readManifest(options.outDir, options.runId);
  if (manifest.status === 'complete' && !options.retryErrors) throw new UsageError(`run ${manifest.id} is already complete`);
  const known = new Map(options.claims.map((c) => [c.spec.id, c]));
  const stored = storedResults(options.outDir, manifest);
  const shared = storedShares(options.outDir, manifest);
  const missing = manifest.claims.filter((id) => {
    const result = stored.get(id);
    if (result === undefined) return !shared.has(id);
    return options.retryErrors === true && result.verdict === 'error';
  });
  // A run killed after its last claim has nothing to run; resuming it marks it complete.
  if (missing.length === 0 && manifest.status === 'complete') throw new UsageError(`run ${manifest.id} is complete and has no error to retry`);
  const gone = missing.filter((id) => !known.has(id));
  if (gone.length > 0) throw new UsageError(`cannot resume ${manifest.id}: no spec for ${gone.join(', ')} any more`);
  const pending = missing.map((id) => known.get(id) as LoadedClaim);
  const data = chooseDataDir(options.dataDir, manifest.provenance.cifar10Dir);
  const tfjs = await chooseTfjsBackend(pending, options.backend);
  if (tfjs) options.onEvent?.({ type: 'backend', line: tfjs.line });
  const resumed: RunManifest = {
    ...manifest,
    status: 'running',
    writer: currentWriter(),
    resumedAt: [...(manifest.resumedAt ?? []), new Date().toISOString()],
    provenance: { ...manifest.provenance, ...(data ? { cifar10Dir: data } : {}) },
  };
  const { endedAt: _ended, ...unfinished } = resumed;
  return executeRun(unfinished, dir, pending, { ...options, tier: manifest.tier, seed: manifest.seed, engineFor: engineNamer(tfjs), unitsFor: shardUnitsOf(manifest), ...(tfjs ? { tfjsBackend: tfjs.name } : {}), ...(data ? { dataDir: data.path } : {}) }, stored);
}

/** The claims of a shard run whose share of work units is stored (`units.json`, which is written last). */
function storedShares(outDir: string, manifest: RunManifest): Set<string> {
  return new Set((manifest.unitClaims ?? []).filter((id) => readUnitShare(path.join(claimDir(outDir, manifest.id, id), UNITS_FILE), id) !== undefined));
}

/** The valid result.json of each claim of a run that has one. */
function storedResults(outDir: string, manifest: RunManifest): Map<string, ClaimResult> {
  const out = new Map<string, ClaimResult>();
  for (const id of manifest.claims) {
    const file = path.join(claimDir(outDir, manifest.id, id), 'result.json');
    try {
      const result = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
      if (validateResult(result).length === 0 && (result as ClaimResult).claimId === id) out.set(id, result as ClaimResult);
    } catch {
      // missing, torn or foreign: the claim runs again
    }
  }
  return out;
}

export interface ExecuteOptions extends Pick<RunOptions, 'tier' | 'seed' | 'outDir' | 'jobs' | 'timeoutSeconds' | 'memoryMiB' | 'dataDir' | 'onEvent'> {
  engineFor: (claim: LoadedClaim) => string;
  tfjsBackend?: string;
  /** How each claim's work units are computed: all here (undefined), a shard's share, or replayed by a merge. */
  unitsFor?: (claim: LoadedClaim) => UnitMode | undefined;
}

/**
 * Runs `claims` into the run folder `dir` under `manifest` (written first, then again as complete). Used
 * by new runs, resumed runs and merges; `earlier` holds the results the run already has.
 */
export async function executeRun(manifest: RunManifest, dir: string, claims: LoadedClaim[], options: ExecuteOptions, earlier: Map<string, ClaimResult> = new Map()): Promise<RunOutcome> {
  const release = acquireRunLock(dir);
  try {
    const t0 = performance.now();
    // What a killed writer left: temporary files, and the partial files of the claims about to run.
    removeTempFiles(dir);
    for (const claim of claims) fs.rmSync(claimDir(options.outDir, manifest.id, claim.spec.id), { recursive: true, force: true });
    writeJsonAtomic(path.join(dir, 'manifest.json'), manifest);
    const fresh = new Map<string, ClaimResult>();
    const shares: ClaimShareSummary[] = [];
    for (const [index, claim] of claims.entries()) {
      const budgetSeconds = claimBudgetSeconds(claim, options.tier, options.timeoutSeconds);
      const estimate = experimentKinds.has(claim.spec.experiment.kind) ? claimCost(claim.spec, options.tier) : undefined;
      options.onEvent?.({ type: 'claim-start', claimId: claim.spec.id, index, total: claims.length, budgetSeconds, ...(estimate ? { estimate } : {}) });
      const run: ClaimRunContext = {
        runId: manifest.id,
        tier: options.tier,
        seed: options.seed,
        outDir: options.outDir,
        jobs: options.jobs ?? defaultJobs(),
        engine: options.engineFor(claim),
        ...(options.tfjsBackend !== undefined && claim.spec.precision === 'float32' ? { tfjsBackend: options.tfjsBackend } : {}),
        ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
        ...withUnits(options.unitsFor?.(claim)),
        onEvent: options.onEvent,
      };
      let result: ClaimResult | ClaimShareSummary;
      try {
        result = await runClaimIsolated(claim, run, { budgetSeconds, memoryMiB: options.memoryMiB ?? defaultMemoryMiB() });
      } catch (err) {
        if (!(err instanceof StorageError && err.fatal)) throw err;
        const stored = earlier.size + fresh.size;
        throw new RunStopped(
          `${err.message}\nrun ${manifest.id} stopped: ${stored} of ${manifest.claims.length} claims are stored and kept, ${manifest.claims.length - stored} not run; ` +
            `once there is room, 'claimbench run --resume ${manifest.id}' finishes it`,
        );
      }
      if ('verdict' in result) {
        fresh.set(claim.spec.id, result);
        options.onEvent?.({ type: 'claim-end', result, index, total: claims.length });
      } else {
        shares.push(result);
        options.onEvent?.({ type: 'claim-share', share: result, index, total: claims.length });
      }
    }
    const results = manifest.claims.flatMap((id) => {
      const r = fresh.get(id) ?? earlier.get(id);
      return r ? [r] : [];
    });
    const { writer: _done, ...rest } = manifest;
    const finished: RunManifest = {
      ...rest,
      status: 'complete',
      endedAt: new Date().toISOString(),
      durationMs: (manifest.durationMs ?? 0) + (performance.now() - t0),
    };
    writeJsonAtomic(path.join(dir, 'manifest.json'), finished);
    return { manifest: finished, results, ran: claims.map((c) => c.spec.id), shares };
  } finally {
    release();
  }
}

/** A run that could not go on (its storage failed); what it stored is kept and it can be resumed. */
export class RunStopped extends Error {}

function withUnits(units: UnitMode | undefined): { units?: UnitMode } {
  return units ? { units } : {};
}

/** Which engine a claim runs on: float64 claims on the float64 engine, float32 ones on tfjs (with its GPU adapter, on WebGPU). */
export function engineNamer(tfjs: { name: string; adapter?: string } | null): (claim: LoadedClaim) => string {
  const name = tfjs === null ? 'tfjs-unselected' : `tfjs-${tfjs.name}${tfjs.adapter !== undefined ? ` on ${tfjs.adapter}` : ''}`;
  return (claim) => (claim.spec.precision === 'float32' ? name : 'float64-js');
}

export interface ClaimRunContext {
  runId: string;
  jobs: number;
  engine: string;
  /** The tfjs backend the run chose, for float32 claims: a claim's own process must select it again. */
  tfjsBackend?: string;
  /** The run's CIFAR-10 folder (`chooseDataDir`): a claim's own process gets it here, not from the parent's arguments. */
  dataDir?: string;
  tier: Tier;
  seed: number;
  outDir: string;
  /** How the claim's work units are computed; undefined: all of them, here. */
  units?: UnitMode;
  onEvent?: (event: RunEvent) => void;
}

/** What a claim's child process is sent (see `claim-process.ts`). */
export interface ClaimJob {
  claim: LoadedClaim;
  run: Omit<ClaimRunContext, 'onEvent'>;
  /** Modules of kinds registered outside harness/experiments, for the child to load. */
  kindModules: string[];
}

/**
 * Runs one claim with its controls in a child process of its own. A child that dies or overruns its
 * budget leaves no result, so the parent stores an `error` result naming the cause. A full disk (in the
 * child or here) throws.
 */
async function runClaimIsolated(claim: LoadedClaim, run: ClaimRunContext, limits: { budgetSeconds: number; memoryMiB: number }): Promise<ClaimResult | ClaimShareSummary> {
  // A tier the claim cannot run at runs no experiment code: nothing to isolate.
  if ('unavailable' in tierParams(claim.spec, run.tier)) return runOneClaim(claim, run);
  const startedAt = new Date();
  const t0 = performance.now();
  const { onEvent, ...context } = run;
  const job: ClaimJob = { claim, run: context, kindModules: [...externalKindModules] };
  // Progress names the control running, so a death during a control can name it.
  let control: string | undefined;
  const outcome = await runInChild<ClaimJob, RunEvent>(job, limits, (event) => {
    if (event.type === 'progress') control = event.controlId;
    onEvent?.(event);
  });
  if (outcome.kind === 'result') return outcome.result;
  if (outcome.kind === 'failure' && outcome.refused) throw new UnitReplayError(outcome.message);
  if (outcome.kind === 'failure' && outcome.file !== undefined) {
    const failure = new StorageError(outcome.file, outcome.code, outcome.message);
    if (failure.fatal) throw failure;
  }
  const reason = outcome.kind === 'died' ? `the claim's process${control ? ` (running control '${control}')` : ''} ${outcome.cause}` : outcome.message;
  const result: ClaimResult = { ...resultBase(claim, run, startedAt), verdict: 'error', reason, metrics: {}, expectations: [], observations: [], controls: [], durationMs: performance.now() - t0 };
  writeJsonAtomic(path.join(claimDir(run.outDir, run.runId, claim.spec.id), 'result.json'), result);
  return result;
}

/** The fields of a claim's result that do not depend on how it ended or on the files stored beside it. */
function resultBase(claim: LoadedClaim, run: ClaimRunContext, startedAt: Date) {
  const { spec } = claim;
  const merged = tierParams(spec, run.tier);
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    claimId: spec.id,
    title: spec.title,
    paperKey: spec.paper.key,
    runId: run.runId,
    tier: run.tier,
    seed: claimSeed(run.seed, spec.id),
    engine: run.engine,
    kind: spec.experiment.kind,
    params: 'params' in merged ? merged.params : {},
    startedAt: startedAt.toISOString(),
    files: { spec: 'spec.json' } as ClaimResult['files'],
    specSha256: specFileSha256(claim.file),
  };
}

/**
 * Runs one claim and then its controls at this tier, and stores them; the unit a run is made of, and
 * the body of a claim's child process.
 */
export async function runOneClaim(claim: LoadedClaim, run: ClaimRunContext): Promise<ClaimResult | ClaimShareSummary> {
  const { spec } = claim;
  const folder = claimDir(run.outDir, run.runId, spec.id);
  const seed = claimSeed(run.seed, spec.id);
  const startedAt = new Date();
  const t0 = performance.now();
  const merged = tierParams(spec, run.tier);
  writeJsonAtomic(path.join(folder, 'spec.json'), spec);
  const protocol = protocolFiles(spec, claim.file).map((file) => {
    fs.copyFileSync(file, path.join(folder, path.basename(file)));
    return path.basename(file);
  });
  const base = { ...resultBase(claim, run, startedAt), files: { spec: 'spec.json', ...(protocol.length > 0 ? { protocol } : {}) } as ClaimResult['files'] };
  const contextWith = (controlId: string | undefined, mapUnits: MapUnits): ExperimentContext => ({
    tier: run.tier,
    seed,
    rng: createRng(seed),
    progress: (done, total) => run.onEvent?.({ type: 'progress', claimId: spec.id, done, total, ...(controlId ? { controlId } : {}) }),
    jobs: run.jobs,
    ...(run.dataDir !== undefined ? { dataDir: run.dataDir } : {}),
    mapUnits,
  });
  // In a claim's own process nothing has chosen the backend yet; in the run's process this is a no-op.
  const selectBackend = async (): Promise<void> => {
    if (run.tfjsBackend !== undefined) await (await import('../models/tfjs/backends')).selectBackend(run.tfjsBackend);
  };
  if (run.units?.kind === 'shard' && !('unavailable' in merged)) {
    await selectBackend();
    const kind = experimentKinds.get(spec.experiment.kind);
    return runClaimShare({ spec, kind, params: merged.params, tier: run.tier, shard: run.units.shard, plan: run.units.plan, jobs: run.jobs, specSha256: base.specSha256, folder, context: contextWith });
  }
  // Replaying a merge: each run's units come from the shards; `served` counts the shards' time for them.
  const shares = run.units?.kind === 'replay' ? readShares(spec.id, run.units.shares) : undefined;
  const served = new Map<string, { ms: number }>();
  const context = (controlId?: string): ExperimentContext => {
    const tally = { ms: 0 };
    served.set(controlId ?? '', tally);
    if (!shares) return contextWith(controlId, localUnits(run.jobs));
    const label = controlId === undefined ? `claim ${spec.id}` : `control '${controlId}' of claim ${spec.id}`;
    return contextWith(controlId, replayUnits(label, combineScope(shares, spec.id, controlId).calls, tally));
  };
  const servedMs = (controlId?: string): number => served.get(controlId ?? '')?.ms ?? 0;
  let result: ClaimResult;
  if ('unavailable' in merged) {
    result = { ...base, verdict: 'not run at this tier', reason: merged.unavailable, metrics: {}, expectations: [], observations: [], controls: [], durationMs: 0 };
  } else {
    try {
      const kind = experimentKinds.get(spec.experiment.kind);
      await selectBackend();
      const output = await kind.run(merged.params, context());
      const durationMs = performance.now() - t0 + servedMs();
      writeJsonAtomic(path.join(folder, 'evidence.json'), output.evidence);
      writeJsonAtomic(path.join(folder, 'plots.json'), output.plots ?? []);
      const score = scoreClaim(spec, output);
      // A claim whose own run could not be scored is an error whatever its controls do: they are not run.
      const controls: ControlResult[] = [];
      if (score.verdict !== 'error') {
        for (const control of (spec.controls ?? []).filter((c) => controlTiers(spec, c).includes(run.tier))) {
          controls.push(await runControl(spec, control, kind, merged.params, context(control.id), folder, () => servedMs(control.id)));
        }
      }
      const verdict = claimVerdict(score, controls);
      result = {
        ...base,
        files: { ...base.files, evidence: 'evidence.json', plots: 'plots.json' },
        verdict: verdict.verdict,
        ...(verdict.reason ? { reason: verdict.reason } : {}),
        metrics: finiteOnly(output.metrics),
        expectations: score.expectations,
        observations: score.observations,
        controls,
        durationMs,
      };
    } catch (err) {
      // A full disk is no verdict on the claim: nothing more can be stored, so the run stops; so does a
      // merge whose stored units do not fit the claim.
      if ((err instanceof StorageError && err.fatal) || err instanceof UnitReplayError) throw err;
      result = {
        ...base,
        verdict: 'error',
        reason: err instanceof Error ? err.message : String(err),
        metrics: {},
        expectations: [],
        observations: [],
        controls: [],
        durationMs: performance.now() - t0 + servedMs(),
      };
    }
  }
  const problems = validateResult(result);
  if (problems.length > 0) throw new Error(`internal error: result for ${spec.id} fails its schema: ${problems.join('; ')}`);
  writeJsonAtomic(path.join(folder, 'result.json'), result);
  return result;
}

/** Where a control's files live, relative to its claim's result.json. */
export function controlFolder(controlId: string): string {
  return `controls/${controlId}`;
}

/** The shards' shares of a claim a merge replays; a missing or unreadable one stops the merge. */
function readShares(claimId: string, files: string[]): UnitShare[] {
  return files.map((file) => {
    const share = readUnitShare(file, claimId);
    if (!share) throw new UnitReplayError(`${file} is missing or not a share of ${claimId}'s work units`);
    return share;
  });
}

/**
 * Runs one control of a claim and stores its evidence and plots; a crash becomes its `error` status.
 * `servedMs`: the shards' compute time of the units a merge served it, counted in its duration.
 */
async function runControl(spec: ClaimSpec, control: Control, kind: AnyExperimentKind, claimParams: Params, ctx: ExperimentContext, claimFolder: string, servedMs: () => number): Promise<ControlResult> {
  const params = mergeParams(claimParams, control.params);
  const base = { id: control.id, description: control.description, params, mustFail: control.mustFail };
  const t0 = performance.now();
  try {
    const output = await kind.run(params, ctx);
    const durationMs = performance.now() - t0 + servedMs();
    const rel = controlFolder(control.id);
    writeJsonAtomic(path.join(claimFolder, rel, 'evidence.json'), output.evidence);
    writeJsonAtomic(path.join(claimFolder, rel, 'plots.json'), output.plots ?? []);
    return { ...base, ...scoreControl(spec, control, output), metrics: finiteOnly(output.metrics), durationMs, files: { evidence: `${rel}/evidence.json`, plots: `${rel}/plots.json` } };
  } catch (err) {
    if ((err instanceof StorageError && err.fatal) || err instanceof UnitReplayError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    return { ...base, status: 'error', discriminates: false, reason, metrics: {}, expectations: [], observations: [], durationMs: performance.now() - t0 + servedMs(), files: {} };
  }
}

/** Non-finite metrics are not stored as numbers (JSON has none); the scoring reason names them. */
function finiteOnly(metrics: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics).filter(([, v]) => Number.isFinite(v)));
}
