/**
 * `npm run bench`: tinybench suites for the numeric kernels. Prints a table and stores every task's
 * statistics with the same provenance as claim runs under `reports/bench/<id>.json`.
 *
 *   node dist/bench/main.js [--filter REGEX] [--out DIR] [--time MS]
 *   node dist/bench/main.js --compare torch [--filter REGEX] [--out DIR] [--pairs N] [--samples N]
 *
 * `--compare torch` runs, instead of the suites, the side-by-side comparison with PyTorch of
 * bench/torch-compare.ts, and stores its ratios in the record's `comparison` field. Without a Python
 * that imports torch it says so and exits 0 (torch is a benchmark-time tool, never a dependency). A
 * workload whose two sides disagree is listed and not timed, and makes the exit status 1.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Bench } from 'tinybench';
import { writeJsonAtomic } from '../harness/atomic';
import type { BenchTaskRecord } from '../harness/bench-history';
import { defaultReportsDir } from '../harness/paths';
import { collectProvenance } from '../harness/provenance';
import { FLOAT64_BACKEND, newRunId } from '../harness/runner';
import { registerDlaeBenchmarks } from './dlae.bench';
import { registerEngineBenchmarks } from './engine.bench';
import { registerFryeBenchmarks } from './frye.bench';
import { registerMinresQlpBenchmarks } from './minres-qlp.bench';
import { registerSpectralBenchmarks } from './spectral.bench';
import { ratiosToWasm, registerTfjsBenchmarks } from './tfjs.bench';
import { type Comparison, compareIfTorchAvailable, fmt } from './torch-compare';
import { compareWorkloads } from './torch-workloads';
import { registerWc2022Benchmarks } from './wc2022.bench';

interface Suite {
  name: string;
  register(bench: Bench): void | Promise<void>;
}

const SUITES: Suite[] = [
  { name: 'float64 engine', register: registerEngineBenchmarks },
  { name: 'deep linear autoencoder', register: registerDlaeBenchmarks },
  { name: 'spectral', register: registerSpectralBenchmarks },
  { name: 'MINRES-QLP', register: registerMinresQlpBenchmarks },
  { name: 'Frye workloads', register: registerFryeBenchmarks },
  { name: 'tfjs engine', register: registerTfjsBenchmarks },
  { name: 'wc2022 wide networks', register: registerWc2022Benchmarks },
];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      filter: { type: 'string' },
      out: { type: 'string' },
      time: { type: 'string', default: '1000' },
      compare: { type: 'string' },
      pairs: { type: 'string', default: '5' },
      samples: { type: 'string', default: '3' },
    },
  });
  const filter = values.filter ? new RegExp(values.filter) : null;
  const startedAt = new Date();
  const records: BenchTaskRecord[] = [];
  const store = (extra: { comparison?: Comparison }): string => {
    const id = newRunId('quick', startedAt).replace('-quick-', '-bench-');
    const file = path.join(values.out ?? path.join(defaultReportsDir(), 'bench'), `${id}.json`);
    writeJsonAtomic(file, { schemaVersion: 1, id, startedAt: startedAt.toISOString(), provenance: collectProvenance(`${FLOAT64_BACKEND}; tfjs tasks run on each available backend, named in the task`), tasks: records, ...extra });
    return file;
  };
  if (values.compare !== undefined) {
    if (values.compare !== 'torch') throw new Error(`--compare takes 'torch', got '${values.compare}'`);
    const result = await compareIfTorchAvailable(compareWorkloads, { pairs: Number(values.pairs), samples: Number(values.samples), filter }, (line) => process.stderr.write(`${line}\n`));
    if ('skipped' in result) {
      console.log(result.skipped);
      return;
    }
    records.push(...result.records);
    const file = store({ comparison: result.comparison });
    printComparison(result.comparison);
    console.log(`stored ${file}`);
    if (result.comparison.disagreements.length > 0) process.exitCode = 1;
    return;
  }
  for (const suite of SUITES) {
    const bench = new Bench({ name: suite.name, time: Number(values.time), iterations: 3, warmupIterations: 1 });
    await suite.register(bench);
    for (const task of [...bench.tasks]) {
      if (filter && !filter.test(`${suite.name} ${task.name}`)) bench.remove(task.name);
    }
    if (bench.tasks.length === 0) continue;
    process.stderr.write(`running ${suite.name} (${bench.tasks.length} tasks)…\n`);
    await bench.run();
    for (const task of bench.tasks) {
      const r = task.result;
      if (!('latency' in r)) throw new Error(`${suite.name} / ${task.name}: ${'error' in r ? String(r.error) : r.state}`);
      records.push({ suite: suite.name, task: task.name, samples: r.latency.samplesCount, meanMs: r.latency.mean, medianMs: r.latency.p50, minMs: r.latency.min, rmePercent: r.latency.rme });
    }
  }
  const file = store({});
  console.table(records.map((r) => ({ suite: r.suite, task: r.task, 'mean (ms)': fmt(r.meanMs), 'median (ms)': fmt(r.medianMs), '± %': r.rmePercent.toFixed(1), samples: r.samples })));
  const ratios = ratiosToWasm(records.filter((r) => r.suite === 'tfjs engine'));
  if (ratios.length > 0) console.table(ratios.map((r) => ({ backend: r.backend, task: r.task, 'time / wasm': r.ratio.toFixed(2) })));
  console.log(`stored ${file}`);
}

function printComparison(c: Comparison): void {
  console.log(`torch ${c.torch.torch} via ${c.torch.python}, ${c.torch.threads} thread(s); BLAS: ${c.torch.blas.implementation}${c.torch.blas.libraries.length ? ` (${c.torch.blas.libraries.join(', ')})` : ''}`);
  console.log(`CPU time per call, ${c.pairs} interleaved rounds of ${c.samples} samples a side; load average ${c.loadAverage.before.map((x) => x.toFixed(2)).join(' ')} before, ${c.loadAverage.after.map((x) => x.toFixed(2)).join(' ')} after`);
  console.table(
    c.rows.map((r) => ({
      workload: r.workload,
      task: r.task,
      'ours (ms)': fmt(r.oursCpuMs.median),
      'torch (ms)': fmt(r.torchCpuMs.median),
      'ours/torch min': r.ratio.min.toFixed(2),
      median: r.ratio.median.toFixed(2),
      max: r.ratio.max.toFixed(2),
      'wall ratio': r.wallRatio.toFixed(2),
      agreement: r.agreement.toExponential(1),
    })),
  );
  for (const d of c.disagreements) {
    console.log(`NOT TIMED: ${d.workload}: ${d.worst} differs from torch's by ${d.agreement.toExponential(1)} relative (tolerance ${d.tolerance.toExponential(0)})`);
  }
  for (const w of c.torch.warnings) console.log(`torch warning: ${w}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
