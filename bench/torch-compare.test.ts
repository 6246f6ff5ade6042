/**
 * The torch comparison against a stub interpreter: an executable script that answers `-c 'import torch'`
 * and speaks bench/torch/workloads.py's line protocol with canned replies, so no torch is needed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempFolder } from '../harness/testing/claims';
import { compareIfTorchAvailable, compareWithTorch } from './torch-compare';
import { torchPythonCandidates } from './torch-worker';
import type { CompareWorkload } from './torch-workloads';

interface StubBehaviour {
  importsTorch?: boolean;
  /** The `check` reply per workload id. */
  checks?: Record<string, Record<string, number | number[]>>;
  torchCpuMs?: number;
  /** Written to stderr, without a newline, on start and before every reply. */
  stderrNoise?: string;
  /** Warnings added to every reply. */
  warnings?: string[];
  /** On this command, write `dying` to stderr and exit with status 3 instead of replying. */
  dieOn?: string;
}

const MAPPED = ['/usr/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3', '/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so'];

/** Writes the stub interpreter; every request it receives is appended to `<dir>/requests.jsonl`. */
function stubPython(behaviour: StubBehaviour): { python: string; requests: () => Record<string, unknown>[] } {
  const dir = tempFolder('torch-stub');
  const log = path.join(dir, 'requests.jsonl');
  const b = { torchCpuMs: 2, checks: {}, warnings: [], stderrNoise: '', ...behaviour };
  const script = `#!${process.execPath}
const fs = require('node:fs');
const b = ${JSON.stringify(b)};
if (process.argv[2] === '-c') process.exit(b.importsTorch === false ? 1 : 0);
process.stderr.write(b.stderrNoise);
let pending = '';
process.stdin.on('data', (chunk) => {
  pending += chunk;
  let nl;
  while ((nl = pending.indexOf('\\n')) >= 0) {
    const request = JSON.parse(pending.slice(0, nl));
    pending = pending.slice(nl + 1);
    fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(request) + '\\n');
    if (request.cmd === b.dieOn) { process.stderr.write('dying'); process.exit(3); }
    let reply;
    if (request.cmd === 'info') reply = { torch: '9.9', threads: 1, mapped: ${JSON.stringify(MAPPED)}, python: '3.0' };
    else if (request.cmd === 'load') reply = { loaded: 1 };
    else if (request.cmd === 'check') reply = b.checks[request.workload];
    else if (request.cmd === 'time') reply = { cpuMs: Array(request.samples).fill(b.torchCpuMs), wallMs: Array(request.samples).fill(b.torchCpuMs) };
    if (b.warnings.length) reply.warnings = b.warnings;
    process.stderr.write(b.stderrNoise);
    process.stdout.write(JSON.stringify(reply) + '\\n');
  }
});
`;
  const python = path.join(dir, 'python');
  fs.writeFileSync(python, script, { mode: 0o755 });
  return { python, requests: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : []) };
}

function workload(id: string, reference: Record<string, number | number[]>): CompareWorkload {
  return {
    id,
    label: `workload ${id}`,
    manifest: { kind: 'mlp' },
    files: { x: Float64Array.of(1, 2) },
    tasks: [{ name: 'loss', run: () => reference.loss }],
    reference: () => reference,
    hessian: false,
    tolerance: 1e-10,
  };
}

const options = { pairs: 2, samples: 1, filter: null };

describe('compareWithTorch against a stub interpreter', () => {
  it('times a workload that agrees, reports one that disagrees without timing it, and names the BLAS', async () => {
    const stub = stubPython({ checks: { same: { loss: 1 + 1e-14, gradient: [1, 2, 3] }, different: { loss: 1, gradient: [1, 2, 3.1] } } });
    const lines: string[] = [];
    const { comparison, records } = await compareWithTorch(stub.python, [workload('same', { loss: 1, gradient: [1, 2, 3] }), workload('different', { loss: 1, gradient: [1, 2, 3] })], options, (l) => lines.push(l));

    expect(comparison.rows.map((r) => r.workload)).toEqual(['workload same']);
    const [row] = comparison.rows;
    expect(row.torchCpuMs).toEqual({ min: 2, median: 2, max: 2 });
    expect(row.ratio.median).toBeCloseTo(row.oursCpuMs.median / 2, 12);
    expect(row.agreement).toBe(Math.abs(1 - (1 + 1e-14)) / (1 + 1e-14));
    expect(records.map((r) => r.task)).toEqual(['workload same: loss']);

    expect(comparison.disagreements).toEqual([{ workload: 'workload different', agreement: expect.any(Number), worst: 'gradient', tolerance: 1e-10 }]);
    expect(comparison.disagreements[0].agreement).toBeCloseTo(0.1 / 3.1, 12);
    expect(lines.some((l) => /workload different: DISAGREES with torch \(gradient differs by 3\.2e-2 relative; tolerance 1e-10\): not timed/.test(l))).toBe(true);
    const timed = stub.requests().filter((r) => r.cmd === 'time');
    expect(timed.length).toBeGreaterThan(0);
    expect(timed.every((r) => r.workload === 'same')).toBe(true);

    expect(comparison.torch.blas).toEqual({ libraries: MAPPED.slice(1), implementation: 'OpenBLAS 0.3.21 (pthread)', optimised: true });
    expect(comparison.torch.torch).toBe('9.9');
  });

  it('logs each round of a heavy task as it ends, so that a cut-off run leaves its rounds behind', async () => {
    const stub = stubPython({ checks: { same: { loss: 1 } }, torchCpuMs: 300 });
    const lines: string[] = [];
    await compareWithTorch(stub.python, [workload('same', { loss: 1 })], options, (l) => lines.push(l));
    expect(lines.filter((l) => /^ {4}loss, round \d\/2: ours .* ms, torch 300 ms CPU per call \(load average \d+\.\d\d\)$/.test(l))).toHaveLength(2);
    const times = stub.requests().filter((r) => r.cmd === 'time');
    expect(times.map((r) => [r.samples, r.batch])).toEqual([[1, 1], [1, 1], [1, 1]]); // warm-up, then one sample a round
  });

  it('keeps the worker’s stderr out of the output while it works, and prints each warning once as a line', async () => {
    const stub = stubPython({ checks: { same: { loss: 1 } }, stderrNoise: 'noise without a newline', warnings: ['UserWarning: batching rule missing'] });
    const lines: string[] = [];
    const written: string[] = [];
    const spies = [process.stdout, process.stderr].map((stream) => jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true)));
    let comparison;
    try {
      ({ comparison } = await compareWithTorch(stub.python, [workload('same', { loss: 1 })], options, (l) => lines.push(l)));
    } finally {
      spies.forEach((spy) => spy.mockRestore());
    }
    expect(written.join('')).not.toMatch(/noise/);
    expect(lines.join('\n')).not.toMatch(/noise/);
    expect(lines.filter((l) => l === 'torch warning: UserWarning: batching rule missing')).toHaveLength(1);
    expect(comparison.torch.warnings).toEqual(['UserWarning: batching rule missing']);
  });

  it('shows the worker’s stderr in the error when it fails', async () => {
    const stub = stubPython({ checks: { same: { loss: 1 } }, stderrNoise: 'Traceback: ', dieOn: 'check' });
    await expect(compareWithTorch(stub.python, [workload('same', { loss: 1 })], options, () => {})).rejects.toThrow(/exit status 3[\s\S]*its stderr:\nTraceback: Traceback: Traceback: dying/);
  });
});

describe('compareIfTorchAvailable', () => {
  it('says that torch is missing and skips, without building the workloads', async () => {
    const stub = stubPython({ importsTorch: false });
    const build = jest.fn(async () => [workload('same', { loss: 1 })]);
    const result = await compareIfTorchAvailable(build, options, () => {}, [stub.python, '/nonexistent/python3']);
    expect(result).toEqual({ skipped: expect.stringMatching(/^torch comparison skipped: no Python here imports torch \(tried .*python, \/nonexistent\/python3;/) });
    expect(build).not.toHaveBeenCalled();
    expect(stub.requests()).toEqual([]);
  });

  it('runs the comparison with the first candidate that imports torch', async () => {
    const stub = stubPython({ checks: { same: { loss: 1 } } });
    const result = await compareIfTorchAvailable(async () => [workload('same', { loss: 1 })], options, () => {}, ['/nonexistent/python3', stub.python]);
    expect('comparison' in result && result.comparison.rows.map((r) => r.task)).toEqual(['loss']);
  });
});

describe('torchPythonCandidates', () => {
  it('takes $CLAIMBENCH_PYTHON alone when it is set, else python3 then Debian’s /usr/bin/python3', () => {
    expect(torchPythonCandidates({ CLAIMBENCH_PYTHON: '/opt/py/bin/python' })).toEqual(['/opt/py/bin/python']);
    expect(torchPythonCandidates({})).toEqual(['python3', '/usr/bin/python3']);
  });
});
