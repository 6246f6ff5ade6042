/**
 * Atomic file writes: write a temporary file beside the target, flush it to disk, then rename it over
 * the target. A crash or kill mid-write leaves either the old file or the new one, never a torn file.
 * A write that fails (a full disk, a read-only mount) removes its temporary file and throws a
 * `StorageError` that names the file; temporary files left by a killed writer are removed by
 * `removeTempFiles` when the run is resumed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Names of temporary files start with this; `removeTempFiles` removes those a killed writer left. */
export const TEMP_PREFIX = '.claimbench-tmp-';

/** A file could not be written. `fatal` when no later write can succeed either (full disk, read-only). */
export class StorageError extends Error {
  constructor(
    readonly file: string,
    readonly code: string | undefined,
    cause: string,
  ) {
    super(`cannot write ${file}: ${describeStorageCode(code) ?? cause}`);
  }

  get fatal(): boolean {
    return this.code !== undefined && FATAL_CODES.has(this.code);
  }
}

/** Error codes after which nothing more can be stored on that file system. */
const FATAL_CODES = new Set(['ENOSPC', 'EDQUOT', 'EROFS']);

export function describeStorageCode(code: string | undefined): string | undefined {
  switch (code) {
    case 'ENOSPC':
      return 'no space left on the device (ENOSPC)';
    case 'EDQUOT':
      return 'disk quota exceeded (EDQUOT)';
    case 'EROFS':
      return 'the file system is mounted read-only (EROFS)';
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${code})`;
    default:
      return undefined;
  }
}

/**
 * `mkdir -p` that fails at once where Node's recursive mkdir loops for ever (a path under /proc, whose
 * folders refuse new entries with ENOENT): creates each missing folder in turn, from the deepest one
 * that exists, and throws the error of the first that cannot be made.
 */
export function makeFolder(dir: string): void {
  const missing: string[] = [];
  let current = path.resolve(dir);
  while (!fs.existsSync(current)) {
    missing.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const folder of missing) {
    try {
      fs.mkdirSync(folder);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; // a concurrent writer made it: fine
    }
  }
}

/**
 * For the kill tests only (harness/testing/kill-points.ts): told when a file's data is flushed to its
 * temporary file (`flushed`, the rename still to come), when it is in place (`renamed`), and when a
 * process starts waiting for a lock file another holds (`waiting`, see `acquireLockWaiting`), so a test
 * can stop a process at exactly that moment. Nothing else sets it.
 */
export const writeObserver: { notify?: (moment: 'flushed' | 'renamed' | 'waiting', file: string) => void } = {};

export function writeFileAtomic(file: string, data: string): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `${TEMP_PREFIX}${process.pid}-${Math.random().toString(36).slice(2)}-${path.basename(file)}`);
  try {
    makeFolder(dir);
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    writeObserver.notify?.('flushed', file);
    fs.renameSync(tmp, file);
    writeObserver.notify?.('renamed', file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    const e = err as NodeJS.ErrnoException;
    throw new StorageError(file, e.code, e.message);
  }
}

export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 1) + '\n');
}

/** Removes the temporary files a killed writer left anywhere under `dir`; returns how many. */
export function removeTempFiles(dir: string): number {
  let removed = 0;
  const walk = (folder: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.startsWith(TEMP_PREFIX)) {
        fs.rmSync(full, { force: true });
        removed++;
      }
    }
  };
  walk(dir);
  return removed;
}
