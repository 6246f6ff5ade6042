/**
 * Runs claims and stores their results. Each claim gets its own seed (derived from the run seed and its
 * id, so a claim's numbers do not depend on which other claims were selected), its own try/catch (one
 * claim's crash becomes its `error` verdict and the rest still run) and atomic writes: evidence, plots
 * and the spec first, result.json last, so a result on disk always means a finished claim.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeJsonAtomic } from './atomic';
import { UsageError, tierParams } from './claims';
import { acquireRunLock, currentWriter } from './lock';
import { defaultJobs } from './parallel';
import { collectProvenance } from './provenance';
import { experimentKinds } from './registry';
import { createRng, hashString, mixSeed } from './rng';
import { validateResult } from './schema';
import { scoreClaim } from './scoring';
import { claimDir, readManifest, runDir } from './store';
import type { ClaimResult, LoadedClaim, RunManifest, Tier } from './types';
import './experiments';

export type RunEvent =
  | { type: 'backend'; line: string }
  | { type: 'claim-start'; claimId: string; index: number; total: number }
  | { type: 'progress'; claimId: string; done: number; total: number }
  | { type: 'claim-end'; result: ClaimResult; index: number; total: number };

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
  /** Worker threads for experiments with independent runs (default: one per core). */
  jobs?: number;
  /** tfjs backend to use for float32 claims (default: the first available, see models/tfjs/backends.ts). */
  backend?: string;
  onEvent?: (event: RunEvent) => void;
}

/** The engine float64 claims run on. */
export const FLOAT64_BACKEND = 'float64-js (claimbench float64 engine, pure JavaScript)';

/**
 * Selects the tfjs backend when float32 claims are selected or one is named, and returns the line that
 * says which one runs (recorded in the manifest). Runs of float64 claims alone never probe backends.
 */
export async function chooseTfjsBackend(claims: LoadedClaim[], requested: string | undefined): Promise<{ name: string; line: string } | null> {
  if (requested === undefined && !claims.some((c) => c.spec.precision === 'float32')) return null;
  const { selectBackend, describeChoice } = await import('../models/tfjs/backends');
  const choice = await selectBackend(requested);
  return { name: choice.name, line: describeChoice(choice) };
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
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    fs.mkdirSync(dir);
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (err) {
    throw new Error(`cannot write results to ${path.resolve(outDir)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return dir;
}

export interface RunOutcome {
  manifest: RunManifest;
  /** Results of the claims this invocation ran (on resume: only the ones it finished). */
  results: ClaimResult[];
}

/** Starts a new run of the given claims. */
export async function runClaims(options: RunOptions): Promise<RunOutcome> {
  const { claims, tier, seed, outDir } = options;
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
    provenance: collectProvenance(tfjs ? `${FLOAT64_BACKEND}; tfjs ${tfjs.line}` : FLOAT64_BACKEND),
    startedAt: new Date().toISOString(),
  };
  return executeRun(manifest, dir, claims, { ...options, engineFor: engineNamer(tfjs?.name) });
}

/**
 * Finishes an interrupted run: runs every claim of its manifest that has no result.json yet, with the
 * run's own tier and seed, and marks it complete. Refuses while the run's writer is still alive.
 */
export async function resumeRun(options: { outDir: string; runId: string; claims: LoadedClaim[]; jobs?: number; backend?: string; onEvent?: (event: RunEvent) => void }): Promise<RunOutcome> {
  const dir = runDir(options.outDir, options.runId);
  const manifest = readManifest(options.outDir, options.runId);
  if (manifest.status === 'complete') throw new UsageError(`run ${manifest.id} is already complete`);
  const known = new Map(options.claims.map((c) => [c.spec.id, c]));
  const missing = manifest.claims.filter((id) => !fs.existsSync(path.join(claimDir(options.outDir, manifest.id, id), 'result.json')));
  const gone = missing.filter((id) => !known.has(id));
  if (gone.length > 0) throw new UsageError(`cannot resume ${manifest.id}: no spec for ${gone.join(', ')} any more`);
  const pending = missing.map((id) => known.get(id) as LoadedClaim);
  const tfjs = await chooseTfjsBackend(pending, options.backend);
  if (tfjs) options.onEvent?.({ type: 'backend', line: tfjs.line });
  const resumed: RunManifest = {
    ...manifest,
    status: 'running',
    writer: currentWriter(),
    resumedAt: [...(manifest.resumedAt ?? []), new Date().toISOString()],
  };
  return executeRun(resumed, dir, pending, { tier: manifest.tier, seed: manifest.seed, outDir: options.outDir, jobs: options.jobs, onEvent: options.onEvent, engineFor: engineNamer(tfjs?.name) });
}

async function executeRun(
  manifest: RunManifest,
  dir: string,
  claims: LoadedClaim[],
  options: Pick<RunOptions, 'tier' | 'seed' | 'outDir' | 'jobs' | 'onEvent'> & { engineFor: (claim: LoadedClaim) => string },
): Promise<RunOutcome> {
  const release = acquireRunLock(dir);
  try {
    const t0 = performance.now();
    writeJsonAtomic(path.join(dir, 'manifest.json'), manifest);
    const results: ClaimResult[] = [];
    for (const [index, claim] of claims.entries()) {
      options.onEvent?.({ type: 'claim-start', claimId: claim.spec.id, index, total: claims.length });
      const result = await runOneClaim(claim, { runId: manifest.id, tier: options.tier, seed: options.seed, outDir: options.outDir, jobs: options.jobs ?? defaultJobs(), engine: options.engineFor(claim), onEvent: options.onEvent });
      results.push(result);
      options.onEvent?.({ type: 'claim-end', result, index, total: claims.length });
    }
    const { writer: _done, ...rest } = manifest;
    const finished: RunManifest = {
      ...rest,
      status: 'complete',
      endedAt: new Date().toISOString(),
      durationMs: (manifest.durationMs ?? 0) + (performance.now() - t0),
    };
    writeJsonAtomic(path.join(dir, 'manifest.json'), finished);
    return { manifest: finished, results };
  } finally {
    release();
  }
}

/** Which engine a claim runs on: float64 claims on the float64 engine, float32 ones on tfjs. */
function engineNamer(tfjsBackend: string | undefined): (claim: LoadedClaim) => string {
  return (claim) => (claim.spec.precision === 'float32' ? `tfjs-${tfjsBackend ?? 'unselected'}` : 'float64-js');
}

interface ClaimRunContext {
  runId: string;
  jobs: number;
  engine: string;
  tier: Tier;
  seed: number;
  outDir: string;
  onEvent?: (event: RunEvent) => void;
}

async function runOneClaim(claim: LoadedClaim, run: ClaimRunContext): Promise<ClaimResult> {
  const { spec } = claim;
  const folder = claimDir(run.outDir, run.runId, spec.id);
  const seed = claimSeed(run.seed, spec.id);
  const specBytes = fs.readFileSync(claim.file);
  const startedAt = new Date();
  const t0 = performance.now();
  const merged = tierParams(spec, run.tier);
  const base = {
    schemaVersion: 1 as const,
    claimId: spec.id,
    title: spec.title,
    paperKey: spec.paper.key,
    runId: run.runId,
    tier: run.tier,
    seed,
    engine: run.engine,
    kind: spec.experiment.kind,
    params: 'params' in merged ? merged.params : {},
    startedAt: startedAt.toISOString(),
    files: { spec: 'spec.json' } as ClaimResult['files'],
    specSha256: createHash('sha256').update(specBytes).digest('hex'),
  };
  writeJsonAtomic(path.join(folder, 'spec.json'), spec);
  let result: ClaimResult;
  if ('unavailable' in merged) {
    result = { ...base, verdict: 'not run at this tier', reason: merged.unavailable, metrics: {}, expectations: [], observations: [], durationMs: 0 };
  } else {
    try {
      const kind = experimentKinds.get(spec.experiment.kind);
      const output = await kind.run(merged.params, {
        tier: run.tier,
        seed,
        rng: createRng(seed),
        progress: (done, total) => run.onEvent?.({ type: 'progress', claimId: spec.id, done, total }),
        jobs: run.jobs,
      });
      const durationMs = performance.now() - t0;
      writeJsonAtomic(path.join(folder, 'evidence.json'), output.evidence);
      writeJsonAtomic(path.join(folder, 'plots.json'), output.plots ?? []);
      const score = scoreClaim(spec, output);
      result = {
        ...base,
        files: { ...base.files, evidence: 'evidence.json', plots: 'plots.json' },
        verdict: score.verdict,
        ...(score.reason ? { reason: score.reason } : {}),
        metrics: finiteOnly(output.metrics),
        expectations: score.expectations,
        observations: score.observations,
        durationMs,
      };
    } catch (err) {
      result = {
        ...base,
        verdict: 'error',
        reason: err instanceof Error ? err.message : String(err),
        metrics: {},
        expectations: [],
        observations: [],
        durationMs: performance.now() - t0,
      };
    }
  }
  const problems = validateResult(result);
  if (problems.length > 0) throw new Error(`internal error: result for ${spec.id} fails its schema: ${problems.join('; ')}`);
  writeJsonAtomic(path.join(folder, 'result.json'), result);
  return result;
}

/** Non-finite metrics are not stored as numbers (JSON has none); the scoring reason names them. */
function finiteOnly(metrics: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics).filter(([, v]) => Number.isFinite(v)));
}
