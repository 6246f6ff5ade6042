/**
 * Reliability of runs over their lifetime: a kill mid-run and its resume, concurrent runs into one
 * folder, shard + merge against a single run, `check` flagging a planted regression, and identical
 * float64 metrics for the same seed.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writerIsAlive } from '../lock';
import { packageRoot } from '../paths';
import { readRuns } from '../store';
import { testSpec, writeClaimsFolder } from '../testing/claims';
import '../testing/sleep-kind';
import type { RunManifest } from '../types';
import { cli } from '../testing/cli';


const sleepy = (slug: string, ms: number, value = 2) => testSpec(slug, 'test-sleep', { ms, value });
const manifestOf = (out: string, id: string): RunManifest => JSON.parse(fs.readFileSync(path.join(out, 'runs', id, 'manifest.json'), 'utf8'));

describe('a run killed mid-way', () => {
  it('keeps its finished claims, reads as incomplete, and --resume finishes it', async () => {
    const root = writeClaimsFolder([sleepy('a', 100), sleepy('b', 100), sleepy('c', 100), sleepy('d', 100)]);
    const claims = path.join(root, 'claims');
    const out = path.join(root, 'out');
    // A real CLI process (TypeScript through swc), killed with SIGKILL once the first claim is stored.
    const child = spawn(process.execPath, ['-r', './harness/testing/register-ts.js', '-r', './harness/testing/sleep-kind.ts', 'harness/cli/main.ts', 'run', '--claims', claims, '--out', out], {
      cwd: packageRoot(),
      stdio: 'ignore',
    });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const firstResult = (): string | undefined => {
      const runs = fs.existsSync(path.join(out, 'runs')) ? fs.readdirSync(path.join(out, 'runs')) : [];
      return runs.find((id) => fs.existsSync(path.join(out, 'runs', id, 'claims', 'test.a', 'result.json')));
    };
    const deadline = Date.now() + 30_000;
    while (!firstResult() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const runId = firstResult();
    expect(runId).toBeDefined();
    child.kill('SIGKILL');
    await exited;

    const killed = manifestOf(out, runId!);
    expect(killed.status).toBe('running');
    expect(writerIsAlive(killed.writer)).toBe(false);
    const before = readRuns(out).runs[0];
    expect(before.results.length).toBeGreaterThanOrEqual(1);
    expect(before.results.length).toBeLessThan(4);
    const kept = fs.readFileSync(path.join(out, 'runs', runId!, 'claims', 'test.a', 'result.json'), 'utf8');

    const resumed = await cli('run', '--resume', runId!, '--claims', claims, '--out', out, '--json');
    expect(resumed.code).toBe(0);
    const finished = manifestOf(out, runId!);
    expect(finished.status).toBe('complete');
    expect(finished.writer).toBeUndefined();
    expect(finished.resumedAt).toHaveLength(1);
    expect(readRuns(out).runs[0].results.map((r) => r.claimId).sort()).toEqual(['test.a', 'test.b', 'test.c', 'test.d']);
    expect(fs.readFileSync(path.join(out, 'runs', runId!, 'claims', 'test.a', 'result.json'), 'utf8')).toBe(kept);
    // The summary describes the whole run; `ran` names what this call ran.
    expect(JSON.parse(resumed.out).claims.map((c: { id: string }) => c.id)).toEqual(['test.a', 'test.b', 'test.c', 'test.d']);
    expect(JSON.parse(resumed.out).ran).not.toContain('test.a');
    expect(await cli('run', '--resume', runId!, '--claims', claims, '--out', out)).toMatchObject({ code: 2, err: expect.stringContaining('already complete') });
  }, 60_000);

  it('refuses to resume a run whose writer is alive', async () => {
    const root = writeClaimsFolder([sleepy('a', 0)]);
    const out = path.join(root, 'out');
    const first = JSON.parse((await cli('run', '--claims', path.join(root, 'claims'), '--out', out, '--json')).out);
    const file = path.join(out, 'runs', first.run.id, 'manifest.json');
    const m = manifestOf(out, first.run.id);
    fs.writeFileSync(file, JSON.stringify({ ...m, status: 'running', writer: { pid: process.pid, hostname: require('node:os').hostname() } }));
    fs.writeFileSync(path.join(out, 'runs', first.run.id, '.lock'), JSON.stringify({ pid: process.pid, hostname: require('node:os').hostname() }));
    const res = await cli('run', '--resume', first.run.id, '--claims', path.join(root, 'claims'), '--out', out);
    expect(res.code).toBe(2);
    expect(res.err).toMatch(/is being written by process \d+/);
  });
});

describe('two runs into one folder at once', () => {
  it('get distinct run folders and both complete intact', async () => {
    const root = writeClaimsFolder([sleepy('a', 20), sleepy('b', 20)]);
    const out = path.join(root, 'out');
    const args = ['run', '--claims', path.join(root, 'claims'), '--out', out, '--json'];
    const [x, y] = await Promise.all([cli(...args), cli(...args)]);
    expect(x.code).toBe(0);
    expect(y.code).toBe(0);
    const { runs, problems } = readRuns(out);
    expect(problems).toEqual([]);
    expect(runs).toHaveLength(2);
    for (const r of runs) {
      expect(r.manifest.status).toBe('complete');
      expect(r.results).toHaveLength(2);
    }
  });
});

describe('shard + merge', () => {
  it('equals a single run of the same claims and seed', async () => {
    const root = writeClaimsFolder(['a', 'b', 'c', 'd', 'e'].map((s, i) => sleepy(s, 0, i)));
    const claims = path.join(root, 'claims');
    const out = path.join(root, 'out');
    const single = JSON.parse((await cli('run', '--claims', claims, '--out', out, '--seed', '5', '--json')).out);
    const shards = [];
    for (const i of [1, 2, 3]) shards.push(JSON.parse((await cli('run', '--claims', claims, '--out', out, '--seed', '5', '--shard', `${i}/3`, '--json')).out));
    expect(shards.map((s) => s.claims.length)).toEqual([2, 2, 1]);
    expect(await cli('merge', shards[0].run.id, shards[1].run.id, '--in', out)).toMatchObject({ code: 2, err: expect.stringContaining('must cover 1…3 exactly once') });
    const merged = await cli('merge', '--in', out);
    expect(merged.code).toBe(0);
    const mergedId = /into run (\S+)/.exec(merged.out)![1];
    const { runs } = readRuns(out);
    const strip = (id: string) =>
      runs.find((r) => r.manifest.id === id)!.results.map(({ runId: _r, startedAt: _s, durationMs: _d, ...rest }) => rest).sort((p, q) => p.claimId.localeCompare(q.claimId));
    expect(strip(mergedId)).toEqual(strip(single.run.id));
    const m = manifestOf(out, mergedId);
    expect(m).toMatchObject({ status: 'complete', seed: 5, mergedFrom: shards.map((s) => s.run.id) });
    expect(m.claims).toEqual(['test.a', 'test.b', 'test.c', 'test.d', 'test.e']);
    expect(m.shard).toBeUndefined();
    // Without ids, merge finds the unmerged shards itself; once merged, there are none left.
    expect(await cli('merge', '--in', out)).toMatchObject({ code: 2, err: expect.stringContaining('no unmerged shard runs') });
    expect(await cli('run', '--shard', '4/3', '--claims', claims, '--out', out)).toMatchObject({ code: 2, err: expect.stringContaining('--shard must be i/n') });
  });
});

describe('claimbench check', () => {
  it('passes when nothing changed and flags a planted regression and a drift', async () => {
    const spec = testSpec('a', 'test-sleep', { ms: 0, value: 2 }, { drift: [{ metric: 'x', absolute: 0.1 }] });
    const root = writeClaimsFolder([spec]);
    const claims = path.join(root, 'claims');
    const out = path.join(root, 'out');
    expect((await cli('run', '--claims', claims, '--out', out, '--seed', '9')).code).toBe(0);

    const same = await cli('check', 'test.a', '--claims', claims, '--in', out, '--json');
    expect(same.code).toBe(0);
    const sameJson = JSON.parse(same.out);
    expect(sameJson.seed).toBe(9);
    expect(sameJson.comparisons[0]).toMatchObject({ before: 'reproduced', after: 'reproduced', regression: false });

    const file = path.join(claims, 'test', 'a.json');
    fs.writeFileSync(file, JSON.stringify({ ...spec, experiment: { kind: 'test-sleep', params: { ms: 0, value: 2.5 } } }));
    const drift = await cli('check', 'test.a', '--claims', claims, '--in', out);
    expect(drift.code).toBe(1);
    expect(drift.out).toMatch(/REGRESSION test\.a:\n\s+x moved from 2 to 2\.5, beyond its drift limit ± 0\.1/);

    fs.writeFileSync(file, JSON.stringify({ ...spec, experiment: { kind: 'test-sleep', params: { ms: 0, value: 0.5 } } }));
    const broken = await cli('check', 'test.a', '--claims', claims, '--in', out, '--json');
    expect(broken.code).toBe(1);
    // The baseline is now the drift check's own stored run (x = 2.5, still reproduced).
    expect(JSON.parse(broken.out).comparisons[0]).toMatchObject({
      before: 'reproduced',
      after: 'not reproduced',
      regression: true,
      reasons: [expect.stringContaining('was reproduced in run'), 'x moved from 2.5 to 0.5, beyond its drift limit ± 0.1'],
    });
  });
});

describe('claimbench check without a baseline', () => {
  it('says "no baseline" and runs nothing when no selected claim has one, and names the claims without one otherwise', async () => {
    const root = writeClaimsFolder([testSpec('a', 'test-sleep', { ms: 0, value: 2 }), testSpec('b', 'test-sleep', { ms: 0, value: 2 })]);
    const claims = path.join(root, 'claims');
    const out = path.join(root, 'out');
    const none = await cli('check', 'test.*', '--claims', claims, '--in', out);
    expect(none).toMatchObject({ code: 2, out: '' });
    expect(none.err.split('\n')).toEqual([
      `claimbench check: no baseline: ${out} holds no stored result at tier quick for claims test.a, test.b, so there is nothing to check against`,
      `hint: store a baseline first with 'claimbench run test.* --tier quick --out ${out}', or point --in at the folder that holds your runs`,
    ]);
    expect(fs.existsSync(path.join(out, 'runs'))).toBe(false);
    // A baseline at another tier is no baseline at this one.
    expect((await cli('run', 'test.a', '--tier', 'full', '--claims', claims, '--out', out)).code).toBe(0);
    expect(await cli('check', 'test.a', '--claims', claims, '--in', out)).toMatchObject({ code: 2, err: expect.stringContaining('no baseline') });

    expect((await cli('run', 'test.a', '--claims', claims, '--out', out)).code).toBe(0);
    const some = await cli('check', 'test.*', '--claims', claims, '--in', out);
    expect(some.code).toBe(0);
    expect(some.out).toMatch(/test\.b\s+— → ✓ reproduced\s+no baseline\s+NO BASELINE/);
    expect(some.out).toContain('NO BASELINE test.b: no stored result at tier quick to compare with');
    expect(some.out).not.toContain('NO BASELINE test.a');
    const json = JSON.parse((await cli('check', 'test.a', '--claims', claims, '--in', out, '--json')).out);
    expect(json.noBaseline).toEqual([]);
  });
});

describe('same seed, same commit, same machine', () => {
  it('gives identical float64 metrics and evidence', async () => {
    const out = writeClaimsFolder([]);
    const a = JSON.parse((await cli('run', 'l0l1.fixed-line-ce', 'l0l1.radial-segments', '--out', out, '--seed', '11', '--json')).out);
    const b = JSON.parse((await cli('run', 'l0l1.fixed-line-ce', 'l0l1.radial-segments', '--out', out, '--seed', '11', '--json')).out);
    expect(b.claims.map((c: { metrics: unknown }) => c.metrics)).toEqual(a.claims.map((c: { metrics: unknown }) => c.metrics));
    const evidence = (run: { dir: string }) => fs.readFileSync(path.join(run.dir, 'claims', 'l0l1.fixed-line-ce', 'evidence.json'), 'utf8');
    expect(evidence(b.run)).toBe(evidence(a.run));
    const c = JSON.parse((await cli('run', 'l0l1.fixed-line-ce', '--out', out, '--seed', '12', '--json')).out);
    expect(c.claims[0].metrics.loglogSlope).not.toBe(a.claims[0].metrics.loglogSlope);
    // Five real claim runs, each with its controls in a process of its own: a guard against a hang, not a speed test.
  }, 180_000);
});

describe('the report of a claim that did not reproduce', () => {
  it('names the first failed expectation on the index when the key one passed', async () => {
    const spec = testSpec('a', 'test-sleep', { ms: 0, value: 2 }, {
      expectations: [
        { id: 'big', metric: 'x', comparator: 'atLeast', min: 1, rationale: 'key' },
        { id: 'small', metric: 'x', comparator: 'atMost', max: 1.5, rationale: 'fails' },
      ],
    });
    const root = writeClaimsFolder([spec]);
    const out = path.join(root, 'out');
    const res = await cli('run', '--claims', path.join(root, 'claims'), '--out', out, '--report');
    expect(res.code).toBe(1);
    expect(res.out).toMatch(/test\.a\s+✗ not reproduced\s+x = 2 \(want ≤ 1\.5\)/);
    const index = fs.readFileSync(path.join(out, 'site', 'index.html'), 'utf8');
    expect(index).toContain('✗ fails <code>x</code> = 2 (want ≤ 1.5)');
  });
});
