/**
 * Independent tasks (optimiser runs from different starts, seeds) on worker threads. A task is a named
 * export of a module, called with one input; outputs come back in input order whatever the number of
 * workers, so results do not depend on `jobs`. With `jobs: 1` tasks run in this thread.
 *
 * A task that throws gives `{ ok: false, error }` for that input; a worker that dies (out of memory, a
 * native crash, process.exit) is reported with the input it held, and a fresh worker takes the rest.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

export type TaskOutcome<O> = { ok: true; value: O } | { ok: false; error: string };

export interface ParallelOptions<O> {
  jobs: number;
  /** Called as each task finishes (in completion order), e.g. for progress. */
  onOutcome?: (index: number, outcome: TaskOutcome<O>) => void;
}

export function defaultJobs(): number {
  return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
}

export async function mapParallel<I, O>(modulePath: string, exportName: string, inputs: I[], options: ParallelOptions<O>): Promise<TaskOutcome<O>[]> {
  if (!path.isAbsolute(modulePath)) throw new Error(`mapParallel needs an absolute module path, got ${modulePath}`);
  const outcomes = new Array<TaskOutcome<O>>(inputs.length);
  const jobs = Math.max(1, Math.min(options.jobs, inputs.length));
  if (jobs === 1) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fn = loadTask<I, O>(require(modulePath), exportName, modulePath);
    inputs.forEach((input, index) => {
      outcomes[index] = runTask(fn, input);
      options.onOutcome?.(index, outcomes[index]);
    });
    return outcomes;
  }
  let next = 0;
  const settle = (index: number, outcome: TaskOutcome<O>): void => {
    outcomes[index] = outcome;
    options.onOutcome?.(index, outcome);
  };
  const lane = async (): Promise<void> => {
    while (next < inputs.length) {
      await new Promise<void>((resolve) => {
        const worker = startWorker(modulePath, exportName);
        let held = -1;
        const feed = (): void => {
          if (next >= inputs.length) {
            void worker.terminate();
            resolve();
            return;
          }
          held = next++;
          worker.postMessage({ index: held, input: inputs[held] });
        };
        worker.on('message', (msg: { index: number; outcome: TaskOutcome<O> }) => {
          settle(msg.index, msg.outcome);
          held = -1;
          feed();
        });
        const died = (why: string): void => {
          if (held >= 0 && outcomes[held] === undefined) settle(held, { ok: false, error: `worker crashed while running input #${held}: ${why}` });
          held = -1;
          resolve(); // the lane loop starts a fresh worker for what is left
        };
        worker.on('error', (err) => died(err.message));
        worker.on('exit', (code) => {
          if (held >= 0) died(`exit code ${code}`);
        });
        feed();
      });
    }
  };
  await Promise.all(Array.from({ length: jobs }, lane));
  return outcomes;
}

export function runTask<I, O>(fn: (input: I) => O, input: I): TaskOutcome<O> {
  try {
    return { ok: true, value: fn(input) };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

export function loadTask<I, O>(mod: Record<string, unknown>, exportName: string, modulePath: string): (input: I) => O {
  const fn = mod[exportName];
  if (typeof fn !== 'function') throw new Error(`${modulePath} has no exported function '${exportName}'`);
  return fn as (input: I) => O;
}

function startWorker(modulePath: string, exportName: string): Worker {
  // From TypeScript sources (tests) the worker compiles through swc (testing/register-ts.js); from dist/ it is plain JS.
  const fromSource = __filename.endsWith('.ts');
  const script = path.join(__dirname, `parallel-worker${fromSource ? '.ts' : '.js'}`);
  return new Worker(script, {
    workerData: { modulePath, exportName },
    execArgv: fromSource ? ['-r', path.join(__dirname, 'testing', 'register-ts.js')] : [],
  });
}
