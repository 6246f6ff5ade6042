/**
 * Site builds into one folder at once (each in a process of its own) take turns: the first is stopped
 * while it holds the build lock (kill-points.ts), a new run is stored, and two more builds start and are
 * seen waiting for the lock; then the first goes on. All three succeed, the final site shows every run
 * and every link in it resolves, and no lock or temporary file is left.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { testSpec, writeClaimsFolder } from '../testing/claims';
import { cli } from '../testing/cli';
import { startCli } from '../testing/cli-process';
import { brokenLinks, filesUnder } from '../testing/site-links';
import '../testing/kinds';

describe('three report builds into one site folder at once', () => {
  it('wait their turn, all succeed, and leave a complete site and no lock', async () => {
    const root = writeClaimsFolder([testSpec('a', 'test-constant', { value: 2 }), testSpec('b', 'test-constant', { value: 0.5 })]);
    const claims = path.join(root, 'claims');
    const out = path.join(root, 'out');
    const site = path.join(root, 'site');
    const runId = async (): Promise<string> => JSON.parse((await cli('run', '--claims', claims, '--out', out, '--json')).out).run.id;
    const first = await runId();

    const release = path.join(root, 'release');
    const report = ['report', '--in', out, '--out', site];
    const holder = startCli(report, { pauseAt: 'flushed|/site/index.html', release });
    await holder.paused; // it holds the lock and has read the runs: only the first one
    const second = await runId();
    const now = path.join(root, 'now');
    fs.writeFileSync(now, '');
    // Each of the other two says when it finds the lock held, and goes on waiting for it.
    const waiters = [startCli(report, { pauseAt: 'waiting|/site/.claimbench-build.lock', release: now }), startCli(report, { pauseAt: 'waiting|/site/.claimbench-build.lock', release: now })];
    await Promise.all(waiters.map((w) => w.paused));
    fs.writeFileSync(release, '');

    expect(await Promise.all([holder, ...waiters].map((p) => p.exited))).toEqual([0, 0, 0]);
    expect(brokenLinks(site)).toEqual([]);
    expect(fs.existsSync(path.join(site, '.claimbench-build.lock'))).toBe(false);
    expect(filesUnder(site).filter((f) => path.basename(f).startsWith('.claimbench-tmp-'))).toEqual([]);
    // The builds that waited read the runs after the first build finished: the site shows both runs.
    for (const claim of ['test.a', 'test.b']) {
      const page = fs.readFileSync(path.join(site, 'claims', `${claim}.html`), 'utf8');
      for (const id of [first, second]) expect(page).toContain(id);
      for (const id of [first, second]) expect(fs.existsSync(path.join(site, 'data', id, claim, 'result.json'))).toBe(true);
    }
  }, 180_000);
});
