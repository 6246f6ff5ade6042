/**
 * Each claim (with everything that runs for it) runs in a child process of its own, as asv runs each
 * benchmark: a fatal V8 abort, an out-of-memory crash or a runaway loop takes down that process only.
 * The child gets a heap cap (`--max-old-space-size`) and a wall-clock budget; past the budget it is
 * killed. The parent turns the way the child died into words, and the run goes on.
 *
 * Worker threads cannot give this guarantee: an array that grows past V8's size limit, or a heap limit
 * reached inside one large allocation, aborts the whole process even from a worker with
 * `resourceLimits` (measured on Node 20); a separate process survives both.
 */
import { fork } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ClaimShareSummary } from './claim-share';
import type { ClaimResult, LoadedClaim, Tier } from './types';

/** Per-claim wall-clock budget when neither the spec nor `--timeout` sets one. */
export const DEFAULT_BUDGET_SECONDS: Record<Tier, number> = { quick: 600, full: 3600, paper: 86_400 };

/** Half the machine's memory, at least 1 GiB: the default heap cap of a claim's process. */
export function defaultMemoryMiB(): number {
  return Math.max(1024, Math.floor(os.totalmem() / 2 ** 20 / 2));
}

/** The budget of a claim at a tier: `--timeout`, else the tier's `budgetSeconds`, else the tier default. */
export function claimBudgetSeconds(claim: LoadedClaim, tier: Tier, override?: number): number {
  if (override !== undefined) return override;
  const t = claim.spec.tiers[tier];
  return ('budgetSeconds' in t ? t.budgetSeconds : undefined) ?? DEFAULT_BUDGET_SECONDS[tier];
}

export interface ChildLimits {
  budgetSeconds: number;
  memoryMiB: number;
}

/**
 * What the child sends: progress and other events, then its result (in a shard run, its share of a
 * claim's work units), or why it could not store one. `refused`: a merge's replay found the shards'
 * units unusable, which stops the merge rather than giving the claim a verdict.
 */
export type ChildMessage<E> =
  | { type: 'event'; event: E }
  | { type: 'result'; result: ClaimResult | ClaimShareSummary }
  | { type: 'failure'; message: string; file?: string; code?: string; refused?: boolean };

export type ChildOutcome =
  | { kind: 'result'; result: ClaimResult | ClaimShareSummary }
  | { kind: 'failure'; message: string; file?: string; code?: string; refused?: boolean }
  /** The child died or was killed before it sent a result; `cause` says how, in words. */
  | { kind: 'died'; cause: string };

/** How much of the child's stderr is kept to explain a crash. */
const STDERR_TAIL_BYTES = 16_384;

/** Names the run's process in each claim process's environment. */
export const RUN_PID_VARIABLE = 'CLAIMBENCH_RUN_PID';

/**
 * Forks `harness/claim-process` for one job, relays its events, and resolves with its result or with
 * how it died. Never rejects.
 */
export function runInChild<J, E>(job: J, limits: ChildLimits, onEvent: (event: E) => void): Promise<ChildOutcome> {
  const fromSource = __filename.endsWith('.ts');
  const entry = path.join(__dirname, `claim-process${fromSource ? '.ts' : '.js'}`);
  const child = fork(entry, [], {
    execArgv: [`--max-old-space-size=${limits.memoryMiB}`, ...(fromSource ? sourceExecArgv() : [])],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    // The child's watchdog compares its parent with this, so that a parent dead before the child has
    // started is noticed too.
    env: { ...process.env, [RUN_PID_VARIABLE]: String(process.pid) },
  });
  let tail = '';
  // A kind's own output goes to stderr (stdout may carry --json), and the end of stderr explains a crash.
  child.stdout?.on('data', (chunk: Buffer) => void process.stderr.write(chunk));
  child.stderr?.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
  });
  return new Promise<ChildOutcome>((resolve) => {
    let settled: ChildOutcome | undefined;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, limits.budgetSeconds * 1000);
    child.on('message', (msg: ChildMessage<E>) => {
      if (msg.type === 'event') onEvent(msg.event);
      else if (msg.type === 'result') settled = { kind: 'result', result: msg.result };
      else settled = { kind: 'failure', message: msg.message, file: msg.file, code: msg.code, ...(msg.refused ? { refused: true } : {}) };
    });
    child.on('error', (err) => {
      // Failing to start at all (e.g. EAGAIN): no exit event follows when the process never spawned.
      if (child.pid === undefined) finish({ kind: 'died', cause: `could not be started: ${err.message}` });
    });
    const finish = (outcome: ChildOutcome): void => {
      clearTimeout(timer);
      resolve(outcome);
    };
    child.on('close', (code, signal) => {
      if (settled) return finish(settled);
      finish({ kind: 'died', cause: timedOut ? `exceeded its wall-clock budget of ${limits.budgetSeconds} s and was stopped` : describeDeath(code, signal, tail, limits) });
    });
    child.send(job as object, (err) => {
      if (err) child.kill('SIGKILL');
    });
  });
}

/** Loads TypeScript sources in the child the way tests load them (swc, types stripped). */
function sourceExecArgv(): string[] {
  return ['-r', path.join(__dirname, 'testing', 'register-ts.js')];
}

/** The cause of a child's death in words, from its exit status and the end of its stderr. */
export function describeDeath(code: number | null, signal: NodeJS.Signals | null, stderrTail: string, limits: Pick<ChildLimits, 'memoryMiB'>): string {
  if (/heap out of memory|Reached heap limit|Allocation failed/i.test(stderrTail)) {
    return `ran out of memory: the JavaScript heap reached its cap of ${limits.memoryMiB} MiB (claimbench run --memory MiB raises it)`;
  }
  const fatal = /Fatal JavaScript ([^\n]*?)(?: \(see [^)]*\))?\s*\n/.exec(stderrTail) ?? /# Fatal error in [^\n]*\n#\s*([^\n]+)/.exec(stderrTail);
  if (fatal) return `was aborted by a fatal V8 error (${fatal[1].trim()}): the parameters ask for an array larger than V8 allows`;
  if (signal === 'SIGKILL') return 'was killed by SIGKILL (from outside claimbench, often the system running out of memory)';
  if (signal) return `was killed by signal ${signal}`;
  const last = stderrTail.trim().split('\n').filter((l) => l.trim() !== '').pop();
  return `exited with code ${code} before storing a result${last ? `; its last words: ${last.trim().slice(0, 300)}` : ''}`;
}
