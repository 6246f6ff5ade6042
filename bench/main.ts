/**
 * `npm run bench`: tinybench suites for the numeric kernels. Prints a table and stores every task's
 * statistics with the same provenance as claim runs under `reports/bench/<id>.json`.
 *
 *   node dist/bench/main.js [--filter REGEX] [--out DIR] [--time MS]
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
import { registerTfjsBenchmarks } from './tfjs.bench';

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
];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { filter: { type: 'string' }, out: { type: 'string' }, time: { type: 'string', default: '1000' } } });
  const filter = values.filter ? new RegExp(values.filter) : null;
  const startedAt = new Date();
  const records: BenchTaskRecord[] = [];
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
  const id = newRunId('quick', startedAt).replace('-quick-', '-bench-');
  const file = path.join(values.out ?? path.join(defaultReportsDir(), 'bench'), `${id}.json`);
  writeJsonAtomic(file, { schemaVersion: 1, id, startedAt: startedAt.toISOString(), provenance: collectProvenance(`${FLOAT64_BACKEND}; tfjs tasks run on each available backend, named in the task`), tasks: records });
  console.table(records.map((r) => ({ suite: r.suite, task: r.task, 'mean (ms)': fmt(r.meanMs), 'median (ms)': fmt(r.medianMs), '± %': r.rmePercent.toFixed(1), samples: r.samples })));
  console.log(`stored ${file}`);
}

function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(2) : ms.toPrecision(3);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
