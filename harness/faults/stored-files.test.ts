/**
 * Corrupted, foreign and misplaced files under runs/: each is named and skipped by readRuns, and report,
 * check and merge still work from everything else.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readRuns } from '../store';
import { testSpec, writeClaimsFolder } from '../testing/claims';
import { cli } from '../testing/cli';
import '../testing/kinds';

describe('bad stored files', () => {
  it('are named and skipped; report and check still build from the rest', async () => {
    const root = writeClaimsFolder([testSpec('a', 'test-constant', { value: 2 }), testSpec('b', 'test-constant', { value: 2 })]);
    const claims = path.join(root, 'claims');
    const out = path.join(root, 'out');
    const good = JSON.parse((await cli('run', '--claims', claims, '--out', out, '--json')).out);
    const runs = path.join(out, 'runs');
    const manifest = JSON.parse(fs.readFileSync(path.join(runs, good.run.id, 'manifest.json'), 'utf8'));
    const copy = (name: string, edit: (m: Record<string, unknown>) => void): void => {
      fs.cpSync(path.join(runs, good.run.id), path.join(runs, name), { recursive: true });
      const m = { ...manifest, id: name };
      edit(m);
      fs.writeFileSync(path.join(runs, name, 'manifest.json'), JSON.stringify(m));
    };
    copy('no-started-at', (m) => delete m.startedAt);
    copy('started-at-number', (m) => (m.startedAt = 5));
    copy('claims-numbers', (m) => (m.claims = [1, 2]));
    copy('claims-escape', (m) => (m.claims = ['../../etc']));
    copy('wrong-folder', (m) => (m.id = good.run.id));
    copy('misfiled-result', () => undefined);
    fs.writeFileSync(path.join(runs, 'misfiled-result', 'claims', 'test.a', 'result.json'), fs.readFileSync(path.join(runs, good.run.id, 'claims', 'test.b', 'result.json')));

    const { runs: read, problems } = readRuns(out);
    expect(read.map((r) => r.manifest.id)).toEqual([good.run.id, 'misfiled-result'].sort());
    const named = problems.map((p) => `${path.relative(runs, p.file)}: ${p.message}`);
    expect(named).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^no-started-at\/manifest\.json: not a claimbench run manifest: \/: must have required property 'startedAt'/),
        expect.stringMatching(/^started-at-number\/manifest\.json: not a claimbench run manifest: \/startedAt: must be string/),
        expect.stringMatching(/^claims-numbers\/manifest\.json: not a claimbench run manifest: \/claims\/0: must be string/),
        expect.stringMatching(/^claims-escape\/manifest\.json: not a claimbench run manifest: \/claims\/0: must match pattern/),
        expect.stringMatching(/^wrong-folder\/manifest\.json: manifest of run '.*' stored in folder 'wrong-folder'/),
        expect.stringMatching(/^misfiled-result\/claims\/test\.a\/result\.json: result of claim 'test\.b' in run '.*' stored under claim 'test\.a' of run 'misfiled-result'/),
      ]),
    );

    const report = await cli('report', '--in', out);
    expect(report.code).toBe(0);
    expect(report.err).toContain('warning: skipped');
    const check = await cli('check', 'test.*', '--claims', claims, '--in', out, '--json');
    expect(check.code).toBe(0);
    expect(await cli('run', '--resume', 'claims-numbers', '--claims', claims, '--out', out)).toMatchObject({ code: 2, err: expect.stringContaining('not a claimbench run manifest') });
  });
});
