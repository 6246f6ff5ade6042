/**
 * The GPU check (`claimbench doctor`, `npm run gpu-check`): what to run first on a new GPU machine.
 *
 * 1. Lists every WebGPU adapter Dawn offers (default, Vulkan, OpenGL ES), hardware or software.
 * 2. Selects a tfjs backend (the first available, or the one asked for) and checks the float32 engine
 *    on it against the float64 engine: loss, gradient and Hessian-vector product for every activation
 *    and loss, relative error ≤ 1e-4 (the tolerance of the engine's own tests).
 * 3. Times matMul, gradient and HVP at the papers' sizes (784→100→100→10 MLP on 1 000 images, as in
 *    bench/tfjs.bench.ts; square matMul of 1 024 and 4 096), reporting min/median/max over repeats.
 * 4. Optionally runs one float32 claim at a given tier through the ordinary runner.
 * The report is one JSON file. Timings read results back with `await data()`, so they include the
 * GPU's work and the transfer, not just the dispatch.
 */
import * as tf from '@tensorflow/tfjs';
import { median } from '../harness/fit';
import { createRng } from '../harness/rng';
import { ACTIVATIONS } from '../models/activations';
import { kaimingNormal } from '../models/init';
import { LOSS_KINDS } from '../models/losses';
import { mlpObjective } from '../models/objective';
import { type BackendChoice, describeChoice, selectBackend } from '../models/tfjs/backends';
import { nodeModuleLoader } from '../models/tfjs/backend-probes';
import { tfjsDataset } from '../models/tfjs/data';
import { tfjsMlpObjective } from '../models/tfjs/objective';
import { readFloat32 } from '../models/tfjs/read';
import { float32Rounded, randomDataset, randomDenseTheta, randomVector, relativeError } from '../models/tfjs/testing/fixtures';
import { type AdapterDescription, listAdapters, loadDawn, recordedDeviceErrors } from '../models/tfjs/webgpu';

export interface EquivalenceCase {
  activation: string;
  loss: string;
  l2: number;
  lossError: number;
  gradientError: number;
  hvpError: number;
}

export interface Timing {
  task: string;
  repeats: number;
  minMs: number;
  medianMs: number;
  maxMs: number;
  /** Floating-point operations per call where they are well defined (matMul), as GFLOP/s at the median. */
  gflops?: number;
}

export interface GpuCheckReport {
  schemaVersion: 1;
  startedAt: string;
  adapters: AdapterDescription[];
  /** Why no adapter could be listed (no Dawn), when that is so. */
  adaptersUnavailable?: string;
  backend: { name: string; detail: string; adapter?: string; line: string };
  equivalence: { tolerance: number; cases: EquivalenceCase[]; worst: number; pass: boolean };
  timings: Timing[];
  deviceErrors: string[];
}

export interface GpuCheckOptions {
  backend?: string;
  /** Repeats per timed task after one warm-up call. */
  repeats: number;
  /** `paper`: the sizes above; `small`: 1/10 of them (for the software device, or a test). */
  sizes: 'paper' | 'small';
  log?: (line: string) => void;
}

const TOLERANCE = 1e-4;

export async function gpuCheck(options: GpuCheckOptions): Promise<GpuCheckReport> {
  const log = options.log ?? (() => undefined);
  const startedAt = new Date().toISOString();
  const listed = await adaptersHere();
  for (const adapter of listed.adapters) log(`adapter: ${adapter.device || adapter.description} (${adapter.software ? 'software' : 'hardware'}, Dawn ${adapter.dawnBackend})`);
  const choice = await selectBackend(options.backend);
  const line = describeChoice(choice);
  log(line);
  const equivalence = await checkEquivalence();
  log(`equivalence with the float64 engine: worst relative error ${equivalence.worst.toExponential(2)} (tolerance ${TOLERANCE}) — ${equivalence.pass ? 'pass' : 'FAIL'}`);
  const timings = await timeWorkloads(options, log);
  return {
    schemaVersion: 1,
    startedAt,
    adapters: listed.adapters,
    ...(listed.reason !== undefined ? { adaptersUnavailable: listed.reason } : {}),
    backend: backendRecord(choice, line),
    equivalence,
    timings,
    deviceErrors: [...recordedDeviceErrors()],
  };
}

function backendRecord(choice: BackendChoice, line: string): GpuCheckReport['backend'] {
  return { name: choice.name, detail: choice.detail, ...(choice.adapter !== undefined ? { adapter: choice.adapter } : {}), line };
}

async function adaptersHere(): Promise<{ adapters: AdapterDescription[]; reason?: string }> {
  try {
    return { adapters: await listAdapters(loadDawn(nodeModuleLoader)) };
  } catch (error) {
    return { adapters: [], reason: `Dawn could not be loaded (${(error as Error).message.split('\n')[0]})` };
  }
}

async function checkEquivalence(): Promise<GpuCheckReport['equivalence']> {
  const cases: EquivalenceCase[] = [];
  for (const [a, activation] of ACTIVATIONS.entries()) {
    for (const [k, kind] of LOSS_KINDS.entries()) {
      const net = { widths: [3, 5, 4, 2], activation };
      const loss = { kind, l2: (a + k) % 2 === 0 ? 0 : 0.01 };
      const rng = createRng(31_000 + 10 * a + k);
      const data64 = randomDataset(rng, net, kind, 16);
      const theta = randomDenseTheta(rng, net);
      const v = randomVector(rng, theta.length);
      const reference = mlpObjective(net, loss, data64);
      const objective = tfjsMlpObjective(net, loss);
      const evaluate = async (f: (t: tf.Tensor1D, w: tf.Tensor1D, d: ReturnType<typeof tfjsDataset>) => tf.Tensor): Promise<Float32Array> => {
        const out = tf.tidy(() => f(tf.tensor1d(Float32Array.from(theta)), tf.tensor1d(Float32Array.from(v)), tfjsDataset(data64)));
        try {
          return await readFloat32(out);
        } finally {
          out.dispose();
        }
      };
      cases.push({
        activation,
        loss: kind,
        l2: loss.l2,
        lossError: relativeError(await evaluate((t, _w, d) => objective.loss(t, d)), [reference.loss(theta)]),
        gradientError: relativeError(await evaluate((t, _w, d) => objective.gradient(t, d)), reference.lossAndGradient(theta).gradient),
        hvpError: relativeError(await evaluate((t, w, d) => objective.hvp(t, w, d)), reference.hvp(theta, v)),
      });
    }
  }
  const worst = Math.max(...cases.map((c) => Math.max(c.lossError, c.gradientError, c.hvpError)));
  return { tolerance: TOLERANCE, cases, worst, pass: worst <= TOLERANCE };
}

async function timeWorkloads(options: GpuCheckOptions, log: (line: string) => void): Promise<Timing[]> {
  const scale = options.sizes === 'paper' ? 1 : 0.1;
  const timings: Timing[] = [];
  for (const size of [1024, 4096].map((s) => Math.round(s * scale))) {
    const [a, b] = [0, 1].map(() => tf.randomNormal([size, size], 0, 1, 'float32', 7));
    timings.push(await timeTask(`matMul ${size}×${size}`, () => tf.matMul(a, b), options.repeats, 2 * size ** 3));
    tf.dispose([a, b]);
  }
  const n = Math.round(1000 * scale);
  const spec = { widths: [784, 100, 100, 10], activation: 'relu' as const };
  const objective = tfjsMlpObjective(spec, { kind: 'softmax-ce-mean' });
  const rng = createRng(20_250);
  const theta = tf.tensor1d(Float32Array.from(float32Rounded(kaimingNormal(spec, () => rng.normal()))));
  const v = tf.tensor1d(Float32Array.from({ length: objective.dim }, () => rng.normal()));
  const labels = new Float32Array(n * 10);
  for (let s = 0; s < n; s++) labels[s * 10 + rng.int(10)] = 1;
  const data = { x: tf.tensor2d(Float32Array.from({ length: n * 784 }, () => rng.uniform()), [n, 784]), y: tf.tensor2d(labels, [n, 10]) };
  const label = `mlp 784-100-100-10 relu, softmax-ce, n=${n}`;
  timings.push(await timeTask(`${label}: gradient`, () => objective.gradient(theta, data), options.repeats));
  timings.push(await timeTask(`${label}: hvp`, () => objective.hvp(theta, v, data), options.repeats));
  tf.dispose([theta, v, data.x, data.y]);
  for (const t of timings) log(`${t.task}: median ${t.medianMs.toFixed(2)} ms (min ${t.minMs.toFixed(2)}, max ${t.maxMs.toFixed(2)}, ${t.repeats} repeats)${t.gflops !== undefined ? `, ${t.gflops.toFixed(1)} GFLOP/s` : ''}`);
  return timings;
}

async function timeTask(task: string, f: () => tf.Tensor, repeats: number, flops?: number): Promise<Timing> {
  const once = async (): Promise<number> => {
    const t0 = performance.now();
    const out = f();
    await readFloat32(out);
    const elapsed = performance.now() - t0;
    out.dispose();
    return elapsed;
  };
  await once(); // compiles the shaders
  const samples: number[] = [];
  for (let r = 0; r < repeats; r++) samples.push(await once());
  const medianMs = median(samples);
  return { task, repeats, minMs: Math.min(...samples), medianMs, maxMs: Math.max(...samples), ...(flops !== undefined ? { gflops: flops / (medianMs * 1e6) } : {}) };
}
