/**
 * `npm run bench -- --compare torch`: the workloads of bench/torch-workloads.ts timed here and in
 * PyTorch (bench/torch/workloads.py, a worker process started once) in the same invocation.
 *
 * Protocol, per task: each side first times one call to choose a batch of calls lasting ~TARGET_MS,
 * then `pairs` rounds each time `samples` batches on both sides, alternating which side goes first,
 * so that both see the same drift in machine load. A sample is the CPU time of its batch per call
 * (process CPU time on both sides: on a shared machine wall time mostly measures the other tenants;
 * wall times are recorded too). A round's ratio is ours/torch of the two sides' median samples; the
 * report gives the min/median/max of the rounds' ratios, and the load average before and after.
 *
 * Before timing, both sides compute loss, gradient, H·v (and H where a Hessian task exists) or the
 * matrix result at θ₀, and the largest entry-wise difference relative to the largest entry is
 * reported: it shows that both sides compute the same functions.
 *
 * Both sides use one thread: torch.set_num_threads(1); our float64 engine is single-threaded, and so
 * is tfjs-backend-wasm here (its thread count is in the workload label).
 */

import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { BenchTaskRecord } from '../harness/bench-history';
import { packageRoot } from '../harness/paths';
import { type CompareTask, type CompareWorkload, compareWorkloads, type Reference, writeManifest } from './torch-workloads';

const TARGET_MS = 25;
const WORKER = path.join(packageRoot(), 'bench', 'torch', 'workloads.py');

export interface CompareOptions {
  pairs: number;
  samples: number;
  filter: RegExp | null;
}

interface Spread {
  min: number;
  median: number;
  max: number;
}

export interface CompareRow {
  workload: string;
  task: string;
  oursCpuMs: Spread;
  torchCpuMs: Spread;
  /** ours/torch per round, CPU time. */
  ratio: Spread;
  /** ours/torch of the median wall times over all rounds. */
  wallRatio: number;
  /** max |ours − torch| / max |torch| over the checked quantities of the workload. */
  agreement: number;
}

export interface TorchInfo {
  python: string;
  torch: string;
  threads: number;
  blas: string[];
}

export interface Comparison {
  torch: TorchInfo;
  loadAverage: { before: number[]; after: number[] };
  pairs: number;
  samples: number;
  rows: CompareRow[];
}

/** The first Python that can import torch: $CLAIMBENCH_PYTHON, python3, /usr/bin/python3 (Debian's torch). */
export function findTorchPython(): string | null {
  const candidates = [process.env.CLAIMBENCH_PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  for (const candidate of candidates) {
    if (spawnSync(candidate, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  return null;
}

class Worker {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;

  constructor(python: string) {
    this.child = spawn(python, [WORKER], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' } });
    this.child.stderr.on('data', (chunk) => process.stderr.write(`torch: ${chunk}`));
    this.lines = readline.createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  async ask<T>(request: Record<string, unknown>): Promise<T> {
    this.child.stdin.write(`${JSON.stringify(request)}\n`);
    const { value, done } = await this.lines.next();
    if (done) throw new Error(`the torch worker exited while answering ${JSON.stringify(request)}`);
    const reply = JSON.parse(value) as T & { error?: string };
    if (reply.error) throw new Error(`torch worker: ${reply.error}`);
    return reply;
  }

  close(): void {
    this.child.stdin.end();
  }
}

interface Samples {
  cpuMs: number[];
  wallMs: number[];
}

async function timeOurs(task: CompareTask, samples: number, batch: number): Promise<Samples> {
  const out: Samples = { cpuMs: [], wallMs: [] };
  for (let s = 0; s < samples; s++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    if (task.async) for (let b = 0; b < batch; b++) await task.run();
    else for (let b = 0; b < batch; b++) task.run();
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    out.cpuMs.push((cpu.user + cpu.system) / 1000 / batch);
    out.wallMs.push(wall / batch);
  }
  return out;
}

function batchFor(msPerCall: number): number {
  return Math.max(1, Math.min(10_000, Math.ceil(TARGET_MS / Math.max(msPerCall, 1e-4))));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
}

function spread(values: readonly number[]): Spread {
  return { min: Math.min(...values), median: median(values), max: Math.max(...values) };
}

/** max |a − b| / max |b| over every quantity both references have. */
function agreement(ours: Reference, torch: Record<string, number | number[]>): number {
  let diff = 0;
  let scale = 0;
  for (const [key, value] of Object.entries(ours)) {
    const other = torch[key];
    if (other === undefined) continue;
    const a = typeof value === 'number' ? [value] : Array.from(value);
    const b = typeof other === 'number' ? [other] : other;
    if (a.length !== b.length) return Infinity;
    for (let q = 0; q < a.length; q++) {
      diff = Math.max(diff, Math.abs(a[q] - b[q]));
      scale = Math.max(scale, Math.abs(b[q]));
    }
  }
  return diff / (scale || 1);
}

export async function compareWithTorch(python: string, options: CompareOptions, log: (line: string) => void): Promise<{ comparison: Comparison; records: BenchTaskRecord[] }> {
  const before = os.loadavg();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claimbench-torch-'));
  const worker = new Worker(python);
  try {
    const workloads = (await compareWorkloads()).filter((w) => !options.filter || w.tasks.some((t) => options.filter!.test(`${w.label}: ${t.name}`)));
    const info = await worker.ask<TorchInfo>({ cmd: 'info' });
    info.python = `${python} (${info.python})`;
    log(`torch ${info.torch}, ${info.threads} thread(s), BLAS/LAPACK mapped: ${info.blas.join(', ') || 'none found'}`);
    await worker.ask({ cmd: 'load', manifest: writeManifest(workloads, dir) });
    const rows: CompareRow[] = [];
    const records: BenchTaskRecord[] = [];
    for (const workload of workloads) {
      const agreed = agreement(await workload.reference(), await worker.ask({ cmd: 'check', workload: workload.id, hessian: workload.hessian }));
      log(`${workload.label}: agreement with torch ${agreed.toExponential(1)}`);
      for (const task of workload.tasks) {
        if (options.filter && !options.filter.test(`${workload.label}: ${task.name}`)) continue;
        rows.push(await compareTask(worker, workload, task, options, agreed, records));
        const r = rows[rows.length - 1];
        log(`  ${task.name}: ours ${fmt(r.oursCpuMs.median)} ms, torch ${fmt(r.torchCpuMs.median)} ms, ratio ${r.ratio.median.toFixed(2)} [${r.ratio.min.toFixed(2)}, ${r.ratio.max.toFixed(2)}]`);
      }
    }
    return { comparison: { torch: info, loadAverage: { before, after: os.loadavg() }, pairs: options.pairs, samples: options.samples, rows }, records };
  } finally {
    worker.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function compareTask(worker: Worker, workload: CompareWorkload, task: CompareTask, options: CompareOptions, agreed: number, records: BenchTaskRecord[]): Promise<CompareRow> {
  const ask = (samples: number, batch: number): Promise<Samples> => worker.ask<Samples>({ cmd: 'time', workload: workload.id, task: task.name, samples, batch });
  await timeOurs(task, 1, 1); // warm-up
  const oursBatch = batchFor(median((await timeOurs(task, 3, 1)).cpuMs));
  const torchBatch = batchFor(median((await ask(3, 1)).cpuMs));
  const ours: Samples = { cpuMs: [], wallMs: [] };
  const torch: Samples = { cpuMs: [], wallMs: [] };
  const ratios: number[] = [];
  const oursMedians: number[] = [];
  const torchMedians: number[] = [];
  for (let round = 0; round < options.pairs; round++) {
    let a: Samples;
    let b: Samples;
    if (round % 2 === 0) {
      a = await timeOurs(task, options.samples, oursBatch);
      b = await ask(options.samples, torchBatch);
    } else {
      b = await ask(options.samples, torchBatch);
      a = await timeOurs(task, options.samples, oursBatch);
    }
    for (const [into, from] of [[ours, a], [torch, b]] as const) {
      into.cpuMs.push(...from.cpuMs);
      into.wallMs.push(...from.wallMs);
    }
    oursMedians.push(median(a.cpuMs));
    torchMedians.push(median(b.cpuMs));
    ratios.push(median(a.cpuMs) / median(b.cpuMs));
  }
  const mean = ours.cpuMs.reduce((s, x) => s + x, 0) / ours.cpuMs.length;
  const sd = Math.sqrt(ours.cpuMs.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, ours.cpuMs.length - 1));
  records.push({
    suite: 'torch comparison (ours, CPU time)',
    task: `${workload.label}: ${task.name}`,
    samples: ours.cpuMs.length,
    meanMs: mean,
    medianMs: median(ours.cpuMs),
    minMs: Math.min(...ours.cpuMs),
    rmePercent: ((1.96 * sd) / Math.sqrt(ours.cpuMs.length) / mean) * 100,
  });
  return {
    workload: workload.label,
    task: task.name,
    oursCpuMs: spread(oursMedians),
    torchCpuMs: spread(torchMedians),
    ratio: spread(ratios),
    wallRatio: median(ours.wallMs) / median(torch.wallMs),
    agreement: agreed,
  };
}

export function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(2) : ms.toPrecision(3);
}
