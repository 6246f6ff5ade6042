/**
 * Entry of a claim's child process (see `isolation.ts`): receives one job, runs the claim exactly as
 * the parent would have, sends back its events and result, and exits. A child whose parent is gone
 * (killed, even by SIGKILL) stops within a second instead of finishing for nobody.
 */
import { Worker } from 'node:worker_threads';
import { StorageError } from './atomic';
import { RUN_PID_VARIABLE, type ChildMessage } from './isolation';
import { runOneClaim, type ClaimJob, type RunEvent } from './runner';
import { UnitReplayError } from './units';

function send(msg: ChildMessage<RunEvent>): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected) process.exit(1);
    process.send?.(msg, () => resolve());
  });
}

let finished = false;
process.on('disconnect', () => {
  if (!finished) process.exit(1);
});

/**
 * A claim busy in a long synchronous computation never sees 'disconnect', so a thread of its own looks
 * once a second whether its parent is still the run that forked it (the parent pid changes when the run
 * dies, even by SIGKILL, also before this process got this far) and ends the whole process if not: a
 * killed run leaves no claim computing for nobody.
 */
const watchdog = new Worker(
  `const { workerData } = require('node:worker_threads');
   setInterval(() => { if (process.ppid !== workerData) process.kill(process.pid, 'SIGKILL'); }, 1000);`,
  { eval: true, workerData: Number(process.env[RUN_PID_VARIABLE]) || process.ppid },
);
watchdog.unref();

process.once('message', (job: ClaimJob) => {
  void (async () => {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      for (const m of job.kindModules) require(m);
      const result = await runOneClaim(job.claim, {
        ...job.run,
        onEvent: (event) => {
          if (!process.connected) process.exit(1);
          void send({ type: 'event', event });
        },
      });
      await send({ type: 'result', result });
    } catch (err) {
      const storage = err instanceof StorageError ? { file: err.file, ...(err.code ? { code: err.code } : {}) } : {};
      await send({ type: 'failure', message: err instanceof Error ? err.message : String(err), ...storage, ...(err instanceof UnitReplayError ? { refused: true } : {}) });
    }
    finished = true;
    process.exit(0);
  })();
});
