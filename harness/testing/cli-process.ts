/**
 * Test helper: the CLI in a real process of its own (TypeScript through swc, the test kinds preloaded),
 * optionally stopped at a kill point (see `kill-points.ts`), in a process group of its own so that a
 * kill takes the run and its claim's process at once, as a kill of the whole job does.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packageRoot } from '../paths';

export interface CliProcess {
  /** The CLI's own process (the leader of its process group). */
  pid: number;
  /** Resolves when the process reaches its kill point; rejects if it exits first. */
  paused: Promise<void>;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** SIGKILLs the process group and waits for the CLI to be gone. */
  kill(): Promise<void>;
}

const PRELOADED = ['register-ts.js', 'kinds.ts', 'switchable-kind.ts', 'kill-points.ts'].flatMap((m) => ['-r', `./harness/testing/${m}`]);

/**
 * Starts `claimbench <args>`. With `pauseAt` (`<moment>|<path suffix>`) it stops at that write; with
 * `release` too it goes on once that file exists, else it waits to be killed.
 */
export function startCli(args: string[], options: { pauseAt?: string; release?: string } = {}): CliProcess {
  const signal = path.join(os.tmpdir(), `claimbench-signal-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const point = options.pauseAt === undefined ? {} : { CLAIMBENCH_KILL_POINT: [options.pauseAt, signal, ...(options.release ? [options.release] : [])].join('|') };
  const child = spawn(process.execPath, [...PRELOADED, 'harness/cli/main.ts', ...args], { cwd: packageRoot(), stdio: 'ignore', detached: true, env: { ...process.env, ...point } });
  let done = false;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      done = true;
      resolve(code);
    }),
  );
  // Without a kill point there is nothing to wait for.
  const paused = options.pauseAt === undefined ? Promise.resolve() : (async () => {
    try {
      while (!fs.existsSync(signal)) {
        if (done) throw new Error(`claimbench ${args.join(' ')} exited (code ${await exited}) before reaching ${options.pauseAt}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    } finally {
      fs.rmSync(signal, { force: true });
    }
  })();
  return {
    pid: child.pid!,
    paused,
    exited,
    async kill() {
      if (!done) process.kill(-child.pid!, 'SIGKILL');
      await exited;
    },
  };
}
