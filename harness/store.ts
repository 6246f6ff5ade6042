/**
 * Where results live on disk. Every run is a folder of its own:
 *
 *   <dir>/runs/<run-id>/manifest.json                  RunManifest
 *   <dir>/runs/<run-id>/claims/<claim-id>/result.json  ClaimResult (schema-validated)
 *   <dir>/runs/<run-id>/claims/<claim-id>/spec.json    the ClaimSpec as it was run
 *   <dir>/runs/<run-id>/claims/<claim-id>/evidence.json  raw evidence
 *   <dir>/runs/<run-id>/claims/<claim-id>/plots.json   PlotSpec[]
 *
 * Run ids sort by start time. Reading never throws on one bad file: problems are returned by name so
 * a report can still be built from everything else.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ClaimResult, ClaimSpec, PlotSpec, RunManifest } from './types';
import { UsageError } from './claims';
import { RUN_ID_PATTERN, validateManifest } from './manifest-schema';
import { validateResult } from './schema';

export const RUNS_FOLDER = 'runs';

export function runDir(dir: string, runId: string): string {
  return path.join(dir, RUNS_FOLDER, runId);
}

export function claimDir(dir: string, runId: string, claimId: string): string {
  return path.join(runDir(dir, runId), 'claims', claimId);
}

export interface StoredRun {
  manifest: RunManifest;
  dir: string;
  results: ClaimResult[];
}

export interface StoreProblem {
  file: string;
  message: string;
}

/** Reads every run under `<dir>/runs`, oldest first; unreadable or foreign files become problems. */
export function readRuns(dir: string): { runs: StoredRun[]; problems: StoreProblem[] } {
  const runsRoot = path.join(dir, RUNS_FOLDER);
  const runs: StoredRun[] = [];
  const problems: StoreProblem[] = [];
  if (!fs.existsSync(runsRoot)) return { runs, problems };
  for (const entry of fs.readdirSync(runsRoot, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const where = path.join(runsRoot, entry.name);
    if (!entry.isDirectory()) {
      problems.push({ file: where, message: 'not a run folder' });
      continue;
    }
    const manifestFile = path.join(where, 'manifest.json');
    const manifest = readJson<RunManifest>(manifestFile, problems);
    if (manifest === undefined) continue;
    const invalid = manifestProblem(manifest, entry.name);
    if (invalid) {
      problems.push({ file: manifestFile, message: invalid });
      continue;
    }
    const results: ClaimResult[] = [];
    for (const claimId of manifest.claims) {
      const resultFile = path.join(where, 'claims', claimId, 'result.json');
      if (!fs.existsSync(resultFile)) continue; // not reached yet (running or incomplete run)
      const result = readJson<unknown>(resultFile, problems);
      if (result === undefined) continue;
      const errors = validateResult(result);
      if (errors.length > 0) {
        problems.push({ file: resultFile, message: `invalid result: ${errors.join('; ')}` });
        continue;
      }
      const stored = result as StoredResult;
      if (stored.claimId !== claimId || stored.runId !== manifest.id) {
        problems.push({ file: resultFile, message: `result of claim '${stored.claimId}' in run '${stored.runId}' stored under claim '${claimId}' of run '${manifest.id}'` });
        continue;
      }
      results.push(withControls(stored));
    }
    runs.push({ manifest, dir: where, results });
  }
  // Oldest first by start time; folder names break ties (merged runs reuse their first shard's time).
  runs.sort((a, b) => a.manifest.startedAt.localeCompare(b.manifest.startedAt) || a.manifest.id.localeCompare(b.manifest.id));
  return { runs, problems };
}

/** A result as stored: version 1 results predate controls. */
type StoredResult = Omit<ClaimResult, 'controls'> & { controls?: ClaimResult['controls'] };

/** A stored result in the current shape: a version 1 result had no controls, so it gets none. */
export function withControls(result: StoredResult): ClaimResult {
  return { ...result, controls: result.controls ?? [] };
}

export function readPlots(runFolder: string, claimId: string): PlotSpec[] {
  const file = path.join(runFolder, 'claims', claimId, 'plots.json');
  if (!fs.existsSync(file)) return [];
  return JSON.parse(fs.readFileSync(file, 'utf8')) as PlotSpec[];
}

/**
 * The manifest of run `runId` under `<dir>/runs`. A missing run, or a manifest that is not valid JSON
 * or not a valid manifest, is a usage error that names the file.
 */
export function readManifest(dir: string, runId: string): RunManifest {
  if (!new RegExp(RUN_ID_PATTERN).test(runId)) throw new UsageError(`'${runId}' is not a run id (run ids are folder names under ${path.join(dir, RUNS_FOLDER)})`);
  const file = path.join(runDir(dir, runId), 'manifest.json');
  if (!fs.existsSync(file)) throw new UsageError(`no run '${runId}' under ${path.join(dir, RUNS_FOLDER)}`);
  const problems: StoreProblem[] = [];
  const manifest = readJson<unknown>(file, problems);
  const invalid = problems[0]?.message ?? manifestProblem(manifest, runId);
  if (invalid) throw new UsageError(`${file}: ${invalid}`);
  return manifest as RunManifest;
}

/** Why a parsed manifest cannot be used (undefined when it can): not a manifest, or not this folder's. */
function manifestProblem(manifest: unknown, folder: string): string | undefined {
  const errors = validateManifest(manifest);
  if (errors.length > 0) return `not a claimbench run manifest: ${errors.slice(0, 5).join('; ')}${errors.length > 5 ? `; +${errors.length - 5} more` : ''}`;
  const id = (manifest as RunManifest).id;
  return id === folder ? undefined : `manifest of run '${id}' stored in folder '${folder}'`;
}

export function readSpec(runFolder: string, claimId: string): ClaimSpec {
  return JSON.parse(fs.readFileSync(path.join(runFolder, 'claims', claimId, 'spec.json'), 'utf8')) as ClaimSpec;
}

function readJson<T>(file: string, problems: StoreProblem[]): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch (err) {
    problems.push({ file, message: err instanceof Error ? err.message : String(err) });
    return undefined;
  }
}
