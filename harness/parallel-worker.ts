/** Worker thread body for `mapParallel`: loads the task module once, then runs inputs as they come. */
import { parentPort, workerData } from 'node:worker_threads';
import { loadTask, runTask } from './parallel';

const { modulePath, exportName } = workerData as { modulePath: string; exportName: string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fn = loadTask<unknown, unknown>(require(modulePath), exportName, modulePath);

parentPort?.on('message', (msg: { index: number; input: unknown }) => {
  parentPort?.postMessage({ index: msg.index, outcome: runTask(fn, msg.input) });
});
