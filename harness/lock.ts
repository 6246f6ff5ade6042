/**
 * Who is writing a run. A run folder holds `.lock` (created exclusively) while a process writes it, and
 * its manifest names that process. A run whose writer is gone was killed: it is incomplete and can be
 * resumed. Liveness can only be checked on the writer's own machine; elsewhere a writer counts as alive.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

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
 * Takes the run folder's lock for this process, replacing a stale lock left by a dead writer.
 * Returns a function that releases it.
 */
export function acquireRunLock(runFolder: string): () => void {
  const file = path.join(runFolder, LOCK_FILE);
  const me = currentWriter();
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(me), { flag: 'wx' });
      return () => fs.rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readLock(file);
      if (holder && writerIsAlive(holder)) {
        throw new Error(`run ${path.basename(runFolder)} is being written by process ${holder.pid} on ${holder.hostname}; if that machine is gone, delete ${file}`);
      }
      fs.rmSync(file, { force: true }); // stale: its writer died
    }
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
  for (;;) {
    try {
      fs.writeFileSync(file, JSON.stringify(me), { flag: 'wx' });
      return () => fs.rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readLock(file);
      if (!holder || !writerIsAlive(holder)) {
        fs.rmSync(file, { force: true }); // stale: its holder died (or the file is torn)
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${what} is locked by process ${holder.pid} on ${holder.hostname}; if that process is gone, delete ${file}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
}
