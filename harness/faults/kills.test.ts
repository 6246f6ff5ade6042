/**
 * SIGKILL at chosen moments of a run, then resume: mid-write of a claim's files (result.json flushed to
 * its temporary file, not yet renamed), during a control's files, between two claims, and during the
 * site build of `run --report`. Each kill is placed by `testing/kill-points.ts` (the process stops at
 * that write and says so), and the whole run (the CLI and its claim's process) is killed at once.
 * After each: the finished results are intact and valid, resume finishes the run and leaves no
 * temporary file, and `report` builds a site whose every link resolves.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readRuns } from '../store';
import type { ClaimSpec } from '../types';
import { testSpec, writeClaimsFolder } from '../testing/claims';
import { cli } from '../testing/cli';
import { startCli } from '../testing/cli-process';
import { brokenLinks, filesUnder } from '../testing/site-links';
import '../testing/kinds';
import '../testing/switchable-kind';

/** Claim a, then claim b with a control (whose files go under controls/small/). */
function specs(): ClaimSpec[] {
  const control = { id: 'small', description: 'x below the bound', params: { value: 0.5 }, mustFail: ['x-big'] };
  return [testSpec('a', 'test-constant', { value: 2 }), testSpec('b', 'test-switchable', { value: 2 }, { controls: [control] })];
}

const temps = (dir: string): string[] => (fs.existsSync(dir) ? filesUnder(dir).filter((f) => path.basename(f).startsWith('.claimbench-tmp-')) : []);

async function killAt(point: string, args: string[]): Promise<void> {
  const run = startCli(args, { pauseAt: point });
  await run.paused;
  await run.kill();
}

const runIdIn = (out: string): string => fs.readdirSync(path.join(out, 'runs'))[0]!;

describe('a run killed by SIGKILL', () => {
  it.each([
    ['while result.json of a claim is being written', 'flushed|/claims/test.b/result.json', true],
    ["while a control's evidence is being written", 'flushed|/claims/test.b/controls/small/evidence.json', true],
    ['between two claims', 'renamed|/claims/test.a/result.json', false],
  ])('%s keeps what it finished, and resume finishes the run and leaves no temporary file', async (_moment, point, midWrite) => {
    const root = writeClaimsFolder(specs());
    const claims = path.join(root, 'claims');
    const out = path.join(root, 'out');
    await killAt(point, ['run', '--claims', claims, '--out', out]);

    const id = runIdIn(out);
    const killed = readRuns(out);
    expect(killed.problems).toEqual([]);
    expect(killed.runs[0].manifest.status).toBe('running');
    expect(killed.runs[0].results.map((r) => r.claimId)).toEqual(['test.a']);
    const a = path.join(out, 'runs', id, 'claims', 'test.a', 'result.json');
    const kept = fs.readFileSync(a, 'utf8');
    // A kill mid-write leaves the temporary file beside its target, never a torn result.json.
    expect(temps(out).length > 0).toBe(midWrite);
    expect(fs.existsSync(path.join(out, 'runs', id, 'claims', 'test.b', 'result.json'))).toBe(false);

    const resumed = await cli('run', '--resume', id, '--claims', claims, '--out', out, '--json');
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.out).ran).toEqual(['test.b']);
    const done = readRuns(out);
    expect(done.problems).toEqual([]);
    expect(done.runs[0].manifest.status).toBe('complete');
    expect(done.runs[0].results.map((r) => [r.claimId, r.verdict])).toEqual([['test.a', 'reproduced'], ['test.b', 'reproduced']]);
    expect(done.runs[0].results[1].controls.map((c) => c.status)).toEqual(['discriminated']);
    expect(fs.readFileSync(a, 'utf8')).toBe(kept);
    expect(temps(out)).toEqual([]);

    const site = path.join(root, 'site');
    expect((await cli('report', '--in', out, '--out', site)).code).toBe(0);
    expect(brokenLinks(site)).toEqual([]);
    expect(temps(site)).toEqual([]);
  }, 180_000);

  it.each([
    ['before the index is in place', 'flushed|/site/index.html', true],
    ['after a claim page is in place', 'renamed|/site/claims/test.b.html', false],
  ])('during the site build of run --report (%s) leaves the run complete, and the next report repairs the site', async (_moment, point, midWrite) => {
    const root = writeClaimsFolder(specs());
    const claims = path.join(root, 'claims');
    const out = path.join(root, 'out');
    const site = path.join(out, 'site');
    // A site exists already: the killed build was replacing it.
    const first = JSON.parse((await cli('run', 'test.a', '--claims', claims, '--out', out, '--report', '--json')).out);
    await killAt(point, ['run', '--claims', claims, '--out', out, '--report']);

    const { runs, problems } = readRuns(out);
    expect(problems).toEqual([]);
    expect(runs.map((r) => [r.manifest.status, r.results.length])).toEqual([['complete', 1], ['complete', 2]]);
    expect(fs.existsSync(path.join(site, '.claimbench-build.lock'))).toBe(true);
    expect(temps(site).length > 0).toBe(midWrite);
    const second = runs[1].manifest.id;
    expect(await cli('run', '--resume', second, '--claims', claims, '--out', out)).toMatchObject({ code: 2, err: expect.stringContaining('already complete') });

    const report = await cli('report', '--in', out, '--out', site);
    expect(report.code).toBe(0);
    expect(brokenLinks(site)).toEqual([]);
    expect(temps(site)).toEqual([]);
    expect(fs.existsSync(path.join(site, '.claimbench-build.lock'))).toBe(false);
    const page = fs.readFileSync(path.join(site, 'claims', 'test.a.html'), 'utf8');
    for (const id of [first.run.id, second]) expect(page).toContain(id);
  }, 180_000);
});
