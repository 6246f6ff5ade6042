import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempFolder } from '../testing/claims';
import { cli } from '../testing/cli';

const tmp = () => tempFolder('cli');

describe('claimbench CLI', () => {
  it('runs the l0l1 claims at quick tier, prints --json, stores results, and exits 0 when all reproduce', async () => {
    const out = tmp();
    const res = await cli('run', 'l0l1.fixed-*', '--out', out, '--json', '--seed', '1');
    const json = JSON.parse(res.out);
    expect(json.run.dir).toBe(path.join(out, 'runs', json.run.id));
    expect(json.claims.map((c: { id: string }) => c.id).sort()).toEqual(['l0l1.fixed-line-ce', 'l0l1.fixed-line-l2']);
    for (const c of json.claims) {
      expect(c.verdict).toBe('reproduced');
      expect(c.metrics.loglogSlope).toBeGreaterThan(1.8);
      expect(c.expectations.map((e: { id: string }) => e.id)).toEqual(['loglog-slope', 'quadratic-share', 'ratio-unbounded']);
      expect(c.expectations.every((e: { pass: boolean; measured: number }) => e.pass && typeof e.measured === 'number')).toBe(true);
    }
    expect(res.code).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(json.run.dir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ status: 'complete', tier: 'quick', seed: 1, selection: ['l0l1.fixed-*'] });
    expect(manifest.provenance).toEqual(expect.objectContaining({ backend: expect.stringContaining('float64'), node: process.version, cpus: expect.any(Number) }));
  });

  it('prints a summary table and builds the site with --report', async () => {
    const out = tmp();
    const res = await cli('run', 'l0l1.fixed-line-l2', '--out', out, '--report');
    expect(res.out).toMatch(/l0l1\.fixed-line-l2\s+✓ reproduced\s+loglogSlope = [\d.]+ \(want ∈ \[1\.8, 2\.2\]\)/);
    expect(fs.existsSync(path.join(out, 'site', 'index.html'))).toBe(true);
  });

  it('rejects bad usage with exit code 2 and one clear message', async () => {
    expect(await cli('run', '--tier', 'nightly')).toMatchObject({ code: 2, err: expect.stringContaining("unknown tier 'nightly'; tiers are quick, full, paper") });
    expect(await cli('run', 'l0l1.nope', '--out', tmp())).toMatchObject({ code: 2, err: expect.stringContaining("no claim matches 'l0l1.nope'") });
    expect(await cli('run', '--seed', 'abc')).toMatchObject({ code: 2, err: expect.stringContaining('--seed must be an integer') });
    expect(await cli('run', '--bogus')).toMatchObject({ code: 2, err: expect.stringMatching(/Unknown option '--bogus'[\s\S]*usage: claimbench run/) });
    expect(await cli('frobnicate')).toMatchObject({ code: 2, err: expect.stringContaining("unknown command 'frobnicate'") });
    expect(await cli('show', 'l0l1.nope')).toMatchObject({ code: 2, err: expect.stringContaining("unknown claim 'l0l1.nope'") });
  });

  it('refuses an unavailable tfjs backend, naming the available ones, and records a chosen one', async () => {
    const out = tmp();
    const bad = await cli('run', 'l0l1.fixed-line-l2', '--backend', 'webgpu', '--out', out);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/backend 'webgpu' is not available here \(.*\); available: .*cpu/);
    expect(fs.existsSync(path.join(out, 'runs'))).toBe(false);
    const unknown = await cli('run', 'l0l1.fixed-line-l2', '--backend', 'cuda', '--out', out);
    expect(unknown).toMatchObject({ code: 2, err: expect.stringContaining("unknown tfjs backend 'cuda'") });
    const good = JSON.parse((await cli('run', 'l0l1.fixed-line-l2', '--backend', 'cpu', '--out', out, '--json')).out);
    const manifest = JSON.parse(fs.readFileSync(path.join(good.run.dir, 'manifest.json'), 'utf8'));
    expect(manifest.provenance.backend).toMatch(/^float64-js .*; tfjs backend: cpu/);
    const result = JSON.parse(fs.readFileSync(path.join(good.run.dir, 'claims', 'l0l1.fixed-line-l2', 'result.json'), 'utf8'));
    expect(result.engine).toBe('float64-js');
  });

  it('refuses an output folder that cannot be written and leaves stored runs intact', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'file'), 'x');
    const res = await cli('run', 'l0l1.fixed-line-l2', '--out', path.join(dir, 'file', 'sub'));
    expect(res.code).toBe(2);
    expect(res.err).toMatch(/cannot write results to .*ENOTDIR/);
    expect(fs.readFileSync(path.join(dir, 'file'), 'utf8')).toBe('x');
  });

  it('validates, and fails on a bad spec naming file and pointer', async () => {
    expect(await cli('validate')).toMatchObject({ code: 0, out: expect.stringMatching(/\d+ claim specs valid/) });
    const claims = tmp();
    fs.mkdirSync(path.join(claims, 'l0l1'));
    fs.writeFileSync(path.join(claims, 'l0l1', 'x.json'), '{"id": "l0l1.x"}');
    const res = await cli('validate', '--claims', claims);
    expect(res.code).toBe(2);
    expect(res.err).toContain("l0l1/x.json: /: missing required property 'title'");
    const run = await cli('run', '--claims', claims, '--out', tmp());
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/problems? in claim specs/);
  });

  it('lists and shows claims', async () => {
    const list = await cli('list', '--json');
    expect(JSON.parse(list.out).claims).toContainEqual(expect.objectContaining({ id: 'l0l1.radial-segments', kind: 'segment-scan', tiers: ['quick', 'full', 'paper'] }));
    const show = await cli('show', 'l0l1.fixed-line-ce');
    expect(show.code).toBe(0);
    expect(show.out).toContain('loglog-slope: loglogSlope ∈ [1.8, 2.2]');
    expect(show.out).toContain('quick: {');
  });

  it('reports an empty results folder as an error', async () => {
    const res = await cli('report', '--in', tmp());
    expect(res.code).toBe(2);
    expect(res.err).toMatch(/no runs under/);
  });
});
