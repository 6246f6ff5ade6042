/**
 * Who is writing a run. A run folder holds `.lock` (created exclusively) while a process writes it, and
 * its manifest names that process. A run whose writer is gone was killed: it is incomplete and can be
 * resumed. Liveness can only be checked on the writer's own machine; elsewhere a writer counts as alive.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TEMP_PREFIX, writeObserver } from './atomic';

export interface Writer {
  pid: number;
  hostname: string;
}

export function currentWriter(): Writer {
  return { pid: process.pid, hostname: os.hostname() };
}

/**
 * Whether the process that wrote `writer` may still be running. A pid that is not a positive integer
 * counts as dead: signal 0 to pid 0 or a negative pid would probe a process group, not the writer.
 */
export function writerIsAlive(writer: Writer | undefined, hostname: string = os.hostname()): boolean {
  if (typeof writer !== 'object' || writer === null) return false;
  if (writer.hostname !== hostname) return true;
  if (!Number.isSafeInteger(writer.pid) || writer.pid <= 0) return false;
  try {
    process.kill(writer.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

const LOCK_FILE = '.lock';

/**
 * Creates lock file `file` holding `me`, or returns false when it exists. The content is written to a
 * temporary file first and hard-linked into place, so no reader ever sees an empty lock (which it would
 * take for a torn, stale one and remove while its holder is still writing).
 */
function createLock(file: string, me: Writer): boolean {
  const tmp = tempFileFor(file);
  try {
    fs.writeFileSync(tmp, JSON.stringify(me));
    fs.linkSync(tmp, file);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ENOENT: a build cleaning temporary files took ours before the link; try again.
    if (code === 'EEXIST' || code === 'ENOENT') return false;
    throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * Removes lock file `file` if its holder is dead (or the file is torn or foreign). The file is first
 * renamed aside, so of several processes that found it stale only one removes it; one that moved a
 * live lock instead (taken by another in the meantime) links it back.
 */
function removeStaleLock(file: string): void {
  const aside = tempFileFor(file);
  try {
    fs.renameSync(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const holder = readLock(aside);
  if (holder && writerIsAlive(holder)) {
    try {
      fs.linkSync(aside, file);
    } catch {
      // another process holds a newer lock already: the one moved aside is its predecessor's
    }
  }
  fs.rmSync(aside, { force: true });
}

function tempFileFor(file: string): string {
  return path.join(path.dirname(file), `${TEMP_PREFIX}${process.pid}-${Math.random().toString(36).slice(2)}-${path.basename(file)}`);
}

/**
 * Takes the run folder's lock for this process, replacing a stale lock left by a dead writer.
 * Returns a function that releases it.
 */
export function acquireRunLock(runFolder: string): () => void {
  const file = path.join(runFolder, LOCK_FILE);
  const me = currentWriter();
  for (let attempt = 0; attempt < 2; attempt++) {
    if (createLock(file, me)) return () => fs.rmSync(file, { force: true });
    const holder = readLock(file);
    if (holder && writerIsAlive(holder)) {
      throw new Error(`run ${path.basename(runFolder)} is being written by process ${holder.pid} on ${holder.hostname}; if that machine is gone, delete ${file}`);
    }
    removeStaleLock(file); // its writer died
  }
  throw new Error(`cannot lock ${runFolder}: another process keeps taking the lock`);
}

function readLock(file: string): Writer | undefined {
  try {
    const value = JSON.parse(fs.readFileSync(file, 'utf8')) as Writer;
    return typeof value.pid === 'number' && typeof value.hostname === 'string' ? value : undefined;
  } catch {
    return undefined; // torn or foreign lock file: treat as stale
  }
}

/**
 * Takes the lock file `file` for this process, waiting (up to `waitMs`) while a live process holds it
 * and replacing a lock whose holder died. Used to serialise site builds into one folder: each build
 * then reads the runs after the one before it finished, so the last build shows every run.
 */
export function acquireLockWaiting(file: string, waitMs: number, what: string): () => void {
  const me = currentWriter();
  const deadline = Date.now() + waitMs;
  let waiting = false;
  for (;;) {
    if (createLock(file, me)) return () => fs.rmSync(file, { force: true });
    const holder = readLock(file);
    if (!holder || !writerIsAlive(holder)) {
      removeStaleLock(file); // its holder died (or the file is foreign)
      continue;
    }
    if (!waiting) writeObserver.notify?.('waiting', file);
    waiting = true;
    if (Date.now() > deadline) throw new Error(`${what} is locked by process ${holder.pid} on ${holder.hostname}; if that process is gone, delete ${file}`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
}
