/**
 * Benchmarks of the tfjs engine (`models/tfjs/`) on an MNIST-sized classifier: forward pass with loss,
 * gradient, and Hessian-vector product (double backprop) of a 784→100→100→10 relu MLP with softmax
 * cross-entropy, without and with batch normalisation, on every tfjs backend available here.
 *
 * The plain-JavaScript cpu backend is about 25× slower than wasm, and the software WebGPU device 5–20×,
 * so they run a batch of 100 instead of 1000 to keep the suite within minutes; wasm runs both, so that
 * every backend has a wasm task of the same size to be compared with (`ratiosToWasm`). The batch size
 * is in every task name. Data are synthetic
 * (uniform pixels, random labels) from a fixed seed: timing does not depend on the values.
 *
 * Each task activates its backend and creates its tensors in `beforeAll`, and frees them in
 * `afterAll`, so the tasks of different backends do not share tensors. Results are read back with
 * `await data()`, which also waits for asynchronous backends (WebGPU) to finish.
 */

import * as tf from '@tensorflow/tfjs';
import type { Bench } from 'tinybench';
import { createRng } from '../harness/rng';
import { kaimingNormal } from '../models';
import {
  type TfjsDataset,
  type TfjsMlpSpec,
  appendBatchNormParameters,
  describeChoice,
  selectBackend,
  tfjsBackends,
  tfjsMlpObjective,
} from '../models/tfjs';

const WIDTHS = [784, 100, 100, 10];
/** Batch sizes per backend (see the module comment); any other backend runs BATCH. */
const BATCH = 1000;
const BATCHES: Record<string, number[]> = { wasm: [1000, 100], cpu: [100], 'webgpu-software': [100] };

interface Tensors {
  theta: tf.Tensor1D;
  v: tf.Tensor1D;
  data: TfjsDataset;
}

export async function registerTfjsBenchmarks(bench: Bench): Promise<void> {
  const previous = tf.getBackend();
  for (const backend of await availableBackends()) {
    for (const [n, batchNorm] of (BATCHES[backend] ?? [BATCH]).flatMap((size) => [false, true].map((bn) => [size, bn] as const))) {
      const spec: TfjsMlpSpec = { widths: WIDTHS, activation: 'relu', batchNorm };
      const objective = tfjsMlpObjective(spec, { kind: 'softmax-ce-mean' });
      const label = `${backend}${BACKEND_SEPARATOR}mlp ${WIDTHS.join('-')} relu${batchNorm ? ' + batch norm' : ''}, softmax-ce, n=${n}`;
      let tensors: Tensors | null = null;
      const hooks = {
        beforeAll: async () => {
          await selectBackend(backend);
          tensors = makeTensors(spec, n);
        },
        afterAll: () => {
          if (tensors !== null) tf.dispose([tensors.theta, tensors.v, tensors.data]);
          tensors = null;
        },
      };
      const use = (f: (t: Tensors) => tf.Tensor) => async (): Promise<void> => {
        if (tensors === null) throw new Error(`${label}: tensors were not created`);
        const out = f(tensors);
        await out.data();
        out.dispose();
      };
      bench.add(`${label}: forward (loss)`, use(({ theta, data }) => objective.loss(theta, data)), hooks);
      bench.add(`${label}: gradient`, use(({ theta, data }) => objective.gradient(theta, data)), hooks);
      bench.add(`${label}: hvp`, use(({ theta, v, data }) => objective.hvp(theta, v, data)), hooks);
    }
  }
  if (previous) await tf.setBackend(previous);
}

const BACKEND_SEPARATOR = ': ';

/** Each non-wasm tfjs task's mean time over that of the wasm task with the same workload and batch. */
export function ratiosToWasm(records: { task: string; meanMs: number }[]): { task: string; backend: string; ratio: number }[] {
  const split = (task: string): [string, string] => {
    const at = task.indexOf(BACKEND_SEPARATOR);
    return [task.slice(0, at), task.slice(at + BACKEND_SEPARATOR.length)];
  };
  const wasm = new Map(records.filter((r) => split(r.task)[0] === 'wasm').map((r) => [split(r.task)[1], r.meanMs]));
  return records.flatMap((r) => {
    const [backend, workload] = split(r.task);
    const reference = wasm.get(workload);
    return backend !== 'wasm' && reference !== undefined ? [{ task: workload, backend, ratio: r.meanMs / reference }] : [];
  });
}

/** The backends that can be selected here, in detection order; the default choice is logged in one line. */
async function availableBackends(): Promise<string[]> {
  process.stderr.write(`tfjs ${describeChoice(await selectBackend())}\n`);
  const names = tfjsBackends
    .names()
    .map((name) => tfjsBackends.get(name))
    .sort((a, b) => a.priority - b.priority)
    .map((candidate) => candidate.name);
  const available: string[] = [];
  for (const name of names) {
    try {
      await selectBackend(name);
      available.push(name);
    } catch {
      // Not available here; the line above says why for every candidate faster than the default.
    }
  }
  return available;
}

/** θ (Kaiming-normal weights, zero biases, γ = 1, β = 0), a random direction v and n synthetic samples. */
function makeTensors(spec: TfjsMlpSpec, n: number): Tensors {
  const rng = createRng(20_250);
  const theta = appendBatchNormParameters(spec, kaimingNormal(spec, () => rng.normal()));
  const classes = WIDTHS[WIDTHS.length - 1];
  const x = Float32Array.from({ length: n * WIDTHS[0] }, () => rng.uniform());
  const y = new Float32Array(n * classes);
  for (let s = 0; s < n; s++) y[s * classes + rng.int(classes)] = 1;
  return {
    theta: tf.tensor1d(Float32Array.from(theta)),
    v: tf.tensor1d(Float32Array.from({ length: theta.length }, () => rng.normal())),
    data: { x: tf.tensor2d(x, [n, WIDTHS[0]]), y: tf.tensor2d(y, [n, classes]) },
  };
}
