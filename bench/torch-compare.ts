/**
 * `npm run bench -- --compare torch`: the workloads of bench/torch-workloads.ts timed here and in
 * PyTorch (bench/torch/workloads.py, a worker process started once, bench/torch-worker.ts) in the same
 * invocation.
 *
 * Before timing, both sides compute each workload's checked quantities at θ₀ (loss, gradient, H·v and
 * H where a Hessian task exists, a matrix result, or a Newton step and its solver's scalars), and the
 * agreement (bench/torch-stats.ts: the largest relative difference over the quantities) is compared
 * with the workload's tolerance. A workload that disagrees is reported and not timed: a ratio between
 * two different computations means nothing.
 *
 * Protocol, per task: each side times one warm-up call (it builds what later calls reuse, and its time
 * enters no sample); unless it took HEAVY_MS or more, three more calls choose a batch lasting
 * ~TARGET_MS, else the batch is one call and each round is logged as it ends (a heavy task's rounds
 * take long enough that partial results are worth having). Then `pairs` rounds each time `samples` batches on both
 * sides, alternating which side goes first, so that both see the same drift in machine load. A sample
 * is the CPU time of its batch per call (process CPU time on both sides: on a shared machine wall time
 * mostly measures the other tenants; wall times are recorded too). A round's ratio is ours/torch of the
 * two sides' median samples; the report gives the min/median/max of the rounds' ratios, and the load
 * average before and after.
 *
 * Both sides use one thread: torch.set_num_threads(1); our float64 engine is single-threaded, and so
 * is tfjs-backend-wasm here (its thread count is in the workload label).
 */

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BenchTaskRecord } from '../harness/bench-history';
import { median } from '../harness/fit';
import { type BlasInfo, type CompareRow, type Round, type Samples, agreement, detectBlas, summariseTask } from './torch-stats';
import { findTorchPython, TorchWorker, torchPythonCandidates } from './torch-worker';
import { type CompareTask, type CompareWorkload, writeManifest } from './torch-workloads';

const TARGET_MS = 25;
/** A warm-up call at least this long makes a batch of one call, without further calibration calls. */
const HEAVY_MS = 250;

export interface CompareOptions {
  pairs: number;
  samples: number;
  filter: RegExp | null;
}

export interface TorchInfo {
  python: string;
  torch: string;
  threads: number;
  blas: BlasInfo;
  /** Python warnings the worker raised during the comparison, each once. */
  warnings: string[];
}

export interface Disagreement {
  workload: string;
  /** The agreement found, the quantity it came from, and the workload's tolerance it exceeded. */
  agreement: number;
  worst: string;
  tolerance: number;
}

export interface Comparison {
  torch: TorchInfo;
  loadAverage: { before: number[]; after: number[] };
  pairs: number;
  samples: number;
  rows: CompareRow[];
  /** Workloads whose two sides disagreed, so they were not timed. */
  disagreements: Disagreement[];
}

export interface ComparisonResult {
  comparison: Comparison;
  records: BenchTaskRecord[];
}

const selected = (options: CompareOptions, workload: CompareWorkload, task: CompareTask): boolean => !options.filter || options.filter.test(`${workload.label}: ${task.name}`);

/**
 * The comparison when some Python imports torch; otherwise `skipped` says why, and the workloads are
 * never built.
 */
export async function compareIfTorchAvailable(
  workloads: () => Promise<CompareWorkload[]>,
  options: CompareOptions,
  log: (line: string) => void,
  candidates: readonly string[] = torchPythonCandidates(),
): Promise<ComparisonResult | { skipped: string }> {
  const python = findTorchPython(candidates);
  if (!python) {
    return { skipped: `torch comparison skipped: no Python here imports torch (tried ${candidates.join(', ')}; Debian: apt-get install python3-torch libopenblas0-pthread; or set CLAIMBENCH_PYTHON)` };
  }
  return compareWithTorch(python, await workloads(), options, log);
}

export async function compareWithTorch(python: string, all: readonly CompareWorkload[], options: CompareOptions, log: (line: string) => void): Promise<ComparisonResult> {
  const before = os.loadavg();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claimbench-torch-'));
  const warnings: string[] = [];
  const worker = new TorchWorker(python, (warning) => {
    if (warnings.includes(warning)) return;
    warnings.push(warning);
    log(`torch warning: ${warning}`);
  });
  try {
    const workloads = all.filter((w) => w.tasks.some((t) => selected(options, w, t)));
    const reply = await worker.ask<{ python: string; torch: string; threads: number; mapped: string[] }>({ cmd: 'info' });
    const info: TorchInfo = { python: `${python} (${reply.python})`, torch: reply.torch, threads: reply.threads, blas: detectBlas(reply.mapped), warnings };
    log(`torch ${info.torch}, ${info.threads} thread(s), BLAS: ${info.blas.implementation}${info.blas.libraries.length ? ` (${info.blas.libraries.join(', ')})` : ''}`);
    if (!info.blas.optimised) log('torch has no optimised BLAS mapped: its times are not those of the fair peer (Debian: apt-get install libopenblas0-pthread)');
    await worker.ask({ cmd: 'load', manifest: writeManifest(workloads, dir) });
    const rows: CompareRow[] = [];
    const records: BenchTaskRecord[] = [];
    const disagreements: Disagreement[] = [];
    for (const workload of workloads) {
      const agreed = agreement(await workload.reference(), await worker.ask({ cmd: 'check', workload: workload.id, hessian: workload.hessian }));
      if (!(agreed.value <= workload.tolerance)) {
        disagreements.push({ workload: workload.label, agreement: agreed.value, worst: agreed.worst, tolerance: workload.tolerance });
        const why = agreed.missing.length ? `computed by one side only: ${agreed.missing.join(', ')}` : `${agreed.worst} differs by ${agreed.value.toExponential(1)} relative`;
        log(`${workload.label}: DISAGREES with torch (${why}; tolerance ${workload.tolerance.toExponential(0)}): not timed`);
        continue;
      }
      log(`${workload.label}: agreement with torch ${agreed.value.toExponential(1)} (worst: ${agreed.worst}; tolerance ${workload.tolerance.toExponential(0)})`);
      for (const task of workload.tasks) {
        if (!selected(options, workload, task)) continue;
        const { row, record } = summariseTask(workload.label, task.name, await timeTask(worker, workload, task, options, log), agreed.value);
        rows.push(row);
        records.push(record);
        log(`  ${task.name}: ours ${fmt(row.oursCpuMs.median)} ms, torch ${fmt(row.torchCpuMs.median)} ms, ratio ${row.ratio.median.toFixed(2)} [${row.ratio.min.toFixed(2)}, ${row.ratio.max.toFixed(2)}]`);
      }
    }
    return { comparison: { torch: info, loadAverage: { before, after: os.loadavg() }, pairs: options.pairs, samples: options.samples, rows, disagreements }, records };
  } finally {
    worker.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
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

/** The batch for a task: 1 after a heavy warm-up call, else enough calls for ~TARGET_MS by three more calls. */
async function calibrate(measure: (samples: number, batch: number) => Promise<Samples>): Promise<number> {
  const warm = (await measure(1, 1)).cpuMs[0];
  if (warm >= HEAVY_MS) return 1;
  const ms = median((await measure(3, 1)).cpuMs);
  return Math.max(1, Math.min(10_000, Math.ceil(TARGET_MS / Math.max(ms, 1e-4))));
}

async function timeTask(worker: TorchWorker, workload: CompareWorkload, task: CompareTask, options: CompareOptions, log: (line: string) => void): Promise<Round[]> {
  const ours = (samples: number, batch: number): Promise<Samples> => timeOurs(task, samples, batch);
  const torch = (samples: number, batch: number): Promise<Samples> => worker.ask<Samples>({ cmd: 'time', workload: workload.id, task: task.name, samples, batch });
  const oursBatch = await calibrate(ours);
  const torchBatch = await calibrate(torch);
  const heavy = oursBatch === 1 || torchBatch === 1;
  const rounds: Round[] = [];
  for (let round = 0; round < options.pairs; round++) {
    if (round % 2 === 0) {
      const a = await ours(options.samples, oursBatch);
      rounds.push({ ours: a, torch: await torch(options.samples, torchBatch) });
    } else {
      const b = await torch(options.samples, torchBatch);
      rounds.push({ ours: await ours(options.samples, oursBatch), torch: b });
    }
    const r = rounds[rounds.length - 1];
    if (heavy) log(`    ${task.name}, round ${round + 1}/${options.pairs}: ours ${fmt(median(r.ours.cpuMs))} ms, torch ${fmt(median(r.torch.cpuMs))} ms CPU per call (load average ${os.loadavg()[0].toFixed(2)})`);
  }
  return rounds;
}

export function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(2) : ms.toPrecision(3);
}
