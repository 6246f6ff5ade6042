import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeOnSoftwareWebgpu } from '../../models/tfjs/testing/webgpu';
import { UsageError } from '../claims';
import { doctorCommand } from './doctor';

describe('claimbench doctor: usage', () => {
  it('refuses bad options and float64 claims before touching any device', async () => {
    await expect(doctorCommand.run(['--sizes', 'huge'])).rejects.toThrow(UsageError);
    await expect(doctorCommand.run(['--repeats', '0'])).rejects.toThrow("--repeats must be a positive integer, got '0'");
    await expect(doctorCommand.run(['--tier', 'nightly'])).rejects.toThrow("unknown tier 'nightly'");
    await expect(doctorCommand.run(['--claim', 'chen1993.equioutput-symmetries'])).rejects.toThrow(/runs on the float64 engine/);
  });
});

describeOnSoftwareWebgpu('claimbench doctor', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'claimbench-doctor-'));
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  it('lists the adapter, passes the float64 equivalence, times the workloads and writes its report', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const errors = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await doctorCommand.run(['--backend', 'webgpu-software', '--sizes', 'small', '--repeats', '1', '--no-claim', '--out', out])).toBe(0);
    } finally {
      log.mockRestore();
      errors.mockRestore();
    }
    const [file] = fs.readdirSync(path.join(out, 'gpu-check'));
    const report = JSON.parse(fs.readFileSync(path.join(out, 'gpu-check', file), 'utf8'));
    expect(report.adapters.some((a: { software: boolean }) => a.software)).toBe(true);
    expect(report.backend.name).toBe('webgpu-software');
    expect(report.backend.adapter).toMatch(/software, Dawn (opengles|vulkan)/);
    expect(report.equivalence.cases).toHaveLength(25);
    expect(report.equivalence.pass).toBe(true);
    expect(report.timings.map((t: { task: string }) => t.task)).toEqual([
      'matMul 102×102',
      'matMul 410×410',
      'mlp 784-100-100-10 relu, softmax-ce, n=100: gradient',
      'mlp 784-100-100-10 relu, softmax-ce, n=100: hvp',
    ]);
    expect(report.deviceErrors).toEqual([]);
    expect(report.provenance.backend).toContain('webgpu-software');
  }, 300_000);
});
