/**
 * The Python process of `npm run bench -- --compare torch` (bench/torch/workloads.py): which
 * interpreter runs it, and the line protocol with it. The two channels are kept apart: stdout carries
 * only protocol replies, one JSON object a line; stderr is captured and shown only when the worker
 * fails (an error reply, an exit, a line that is not JSON), inside that error. Python warnings come
 * back as a `warnings` field of the reply they arose in, so the caller can print them as whole lines.
 */

import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { packageRoot } from '../harness/paths';

export const WORKER_SCRIPT = path.join(packageRoot(), 'bench', 'torch', 'workloads.py');

/** The most of the worker's stderr kept for an error message (its tail). */
const STDERR_KEPT = 8_000;

/**
 * The interpreters to try: $CLAIMBENCH_PYTHON alone when it is set (an explicit choice is not replaced
 * by another Python), else python3 and Debian's /usr/bin/python3.
 */
export function torchPythonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  return env.CLAIMBENCH_PYTHON ? [env.CLAIMBENCH_PYTHON] : ['python3', '/usr/bin/python3'];
}

/** The first candidate that can `import torch`, or null. */
export function findTorchPython(candidates: readonly string[] = torchPythonCandidates()): string | null {
  for (const candidate of candidates) {
    if (spawnSync(candidate, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  return null;
}

export class TorchWorker {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;
  private stderr = '';
  private exit: string | null = null;

  /** `onWarning` receives each Python warning a reply carries, one line each. */
  constructor(
    python: string,
    private readonly onWarning: (warning: string) => void,
  ) {
    // One thread a side; and no bytecode cache of minres_qlp.py written into the package's folder.
    const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', PYTHONDONTWRITEBYTECODE: '1' };
    this.child = spawn(python, [WORKER_SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'], env });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_KEPT);
    });
    this.child.on('error', (err) => {
      this.exit = err.message;
    });
    this.child.on('exit', (code, signal) => {
      this.exit = signal ? `killed by ${signal}` : `exit status ${code}`;
    });
    // A request written after the worker died must fail through `ask`, not as an unhandled stream error.
    this.child.stdin.on('error', () => {});
    this.lines = readline.createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  async ask<T>(request: Record<string, unknown>): Promise<T> {
    this.child.stdin.write(`${JSON.stringify(request)}\n`);
    const { value, done } = await this.lines.next();
    if (done) {
      await new Promise<void>((resolve) => (this.exit !== null || this.child.exitCode !== null ? resolve() : this.child.once('close', () => resolve())));
      throw this.failure(`the torch worker ended (${this.exit ?? 'closed its output'}) while answering ${JSON.stringify(request)}`);
    }
    let reply: T & { error?: string; warnings?: string[] };
    try {
      reply = JSON.parse(value);
    } catch {
      throw this.failure(`the torch worker wrote a line that is not a protocol reply: ${JSON.stringify(value.slice(0, 200))}`);
    }
    for (const warning of reply.warnings ?? []) this.onWarning(warning);
    if (reply.error) throw this.failure(`torch worker: ${reply.error}`);
    return reply;
  }

  private failure(message: string): Error {
    const stderr = this.stderr.trimEnd();
    return new Error(stderr ? `${message}\nits stderr:\n${stderr}` : message);
  }

  close(): void {
    this.child.stdin.end();
  }
}
