/** The site's files: raw result, spec, evidence and plot data copied beside the pages (only when changed), the output folder checked before a build, and pruning what a rebuild no longer produces. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeFolder } from '../atomic';
import { type HistoryEntry } from '../history';
import { type StoreProblem } from '../store';
import { errorMessage, safeSegment } from './page-common';

// Copying raw data

export interface FileLink {
  label: string;
  name: string;
  /** Site-relative path. */
  path: string;
  /** Set for a control's files: the control id. */
  control?: string;
}

/** Copies a result's files into `data/<run>/<claim>/` (skipping unchanged copies) and lists them. */
export function copyData(entry: HistoryEntry, problems: StoreProblem[], copy: (source: string, rel: string) => void): FileLink[] {
  const { run, result } = entry;
  const claimFolder = path.join(run.dir, 'claims', result.claimId);
  const dataRel = ['data', safeSegment(run.manifest.id), safeSegment(result.claimId)];
  const files: FileLink[] = [];
  const declared = typeof result.files === 'object' && result.files !== null ? result.files : ({} as Partial<typeof result.files>);
  const sources: [string, string | undefined, string?][] = [
    ['result', 'result.json'],
    ['spec', declared.spec],
    ['evidence', declared.evidence],
    ['plots', declared.plots],
    // Each control's files keep their place under controls/<id>/.
    ...(Array.isArray(result.controls) ? result.controls : []).flatMap((c): [string, string | undefined, string][] => [
      ['evidence', c.files?.evidence, c.id],
      ['plots', c.files?.plots, c.id],
    ]),
  ];
  for (const [label, rel, control] of sources) {
    if (typeof rel !== 'string' || rel === '') continue;
    const source = path.resolve(claimFolder, rel);
    const inside = path.relative(claimFolder, source);
    if (inside.startsWith('..') || path.isAbsolute(inside)) {
      problems.push({ file: path.join(claimFolder, 'result.json'), message: `${label} file ${rel} lies outside the claim folder; not copied` });
      continue;
    }
    const name = safeSegment(path.basename(rel));
    const target = [...dataRel, ...(control ? ['controls', safeSegment(control)] : []), name].join('/');
    try {
      copy(source, target);
    } catch (err) {
      problems.push({ file: source, message: `${label} file not copied: ${errorMessage(err)}` });
      continue;
    }
    files.push({ label, name, path: target, ...(control ? { control } : {}) });
  }
  return files;
}

/**
 * Copies `source` to `dest` unless `dest` already holds a copy (same size, not older). Runs never change
 * once written, so a rebuild over a year of runs copies only the new ones.
 */
export function copyIfChanged(source: string, dest: string): void {
  const from = fs.statSync(source);
  if (!from.isFile()) throw new Error('not a file');
  try {
    const to = fs.statSync(dest);
    if (to.isFile() && to.size === from.size && to.mtimeMs >= from.mtimeMs) return;
  } catch {
    // no copy yet
  }
  makeFolder(path.dirname(dest));
  const tmp = path.join(path.dirname(dest), `.claimbench-tmp-${process.pid}-${Math.random().toString(36).slice(2)}-${path.basename(dest)}`);
  try {
    fs.copyFileSync(source, tmp);
    fs.renameSync(tmp, dest);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

// Output folder

export function prepareOutDir(outDir: string): void {
  if (fs.existsSync(outDir) && !fs.statSync(outDir).isDirectory()) {
    throw new Error(`cannot write the report to ${outDir}: it is not a folder`);
  }
  try {
    makeFolder(outDir);
  } catch (err) {
    throw new Error(`cannot create the report folder ${outDir}: ${errorMessage(err)}`);
  }
  if (!fs.statSync(outDir).isDirectory()) throw new Error(`cannot write the report to ${outDir}: it is not a folder`);
  try {
    fs.accessSync(outDir, fs.constants.W_OK);
  } catch (err) {
    throw new Error(`cannot write the report to ${outDir}: ${errorMessage(err)}`);
  }
}

/** Removes what this build did not write: under claims/ and data/, and stale `index-*.html` filter pages. */
export function prune(outDir: string, written: Set<string>): void {
  for (const sub of ['claims', 'data']) {
    const root = path.join(outDir, sub);
    if (fs.existsSync(root)) pruneFolder(root, written);
  }
  for (const name of fs.readdirSync(outDir)) {
    const file = path.join(outDir, name);
    if (/^index-.+\.html$/.test(name) && !written.has(file)) fs.rmSync(file, { force: true });
  }
}

export function pruneFolder(folder: string, written: Set<string>): void {
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue; // temporary files of a concurrent writer
    const where = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      pruneFolder(where, written);
      if (fs.readdirSync(where).length === 0) fs.rmdirSync(where);
    } else if (!written.has(where)) {
      fs.rmSync(where, { force: true });
    }
  }
}
