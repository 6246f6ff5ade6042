/** Controls through the CLI: the exit code of an inconclusive run, and `check` flagging a control that stops discriminating. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { testSpec, writeClaimsFolder } from '../testing/claims';
import { cli } from '../testing/cli';
import { switchable } from '../testing/switchable-kind';
import type { ClaimSpec } from '../types';
import { exitCode } from './run';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

const withControl = (controlValue: number): ClaimSpec =>
  testSpec('a', switchable.name, { value: 2 }, { controls: [{ id: 'small', description: 'x small', params: { value: controlValue }, mustFail: ['x-big'] }] });

describe('exit codes', () => {
  it('0 all reproduced, 1 some not reproduced, 3 some inconclusive, 2 any error (highest precedence)', () => {
    const v = (...verdicts: string[]) => exitCode(verdicts.map((verdict) => ({ verdict })) as Parameters<typeof exitCode>[0]);
    expect(v('reproduced', 'not run at this tier')).toBe(0);
    expect(v('reproduced', 'inconclusive')).toBe(3);
    expect(v('inconclusive', 'not reproduced')).toBe(1);
    expect(v('inconclusive', 'not reproduced', 'error')).toBe(2);
  });
});

describe('a control that stops discriminating', () => {
  it('makes run exit 3 and check report reproduced → inconclusive as a regression with the control flip', async () => {
    const root = writeClaimsFolder([withControl(0.5)]);
    roots.push(root);
    const claims = path.join(root, 'claims');
    const out = path.join(root, 'out');
    const first = await cli('run', '--claims', claims, '--out', out, '--json');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out).claims[0].controls).toEqual([{ id: 'small', status: 'discriminated', discriminates: true, mustFail: ['x-big'], expectations: [{ id: 'x-big', measured: 0.5, pass: false }] }]);

    fs.writeFileSync(path.join(claims, 'test', 'a.json'), JSON.stringify(withControl(3)));
    const check = await cli('check', 'test.a', '--claims', claims, '--in', out);
    expect(check.code).toBe(1);
    expect(check.out).toContain('FLIP test.a: reproduced → inconclusive');
    expect(check.out).toContain('CONTROLS test.a:\n  small: discriminated → not discriminated');
    expect(check.out).toMatch(/REGRESSION test\.a:\n\s+was reproduced in run \S+, now inconclusive \(control 'small': 'x-big' still passes under the control/);

    const again = await cli('run', '--claims', claims, '--out', out);
    expect(again.code).toBe(3);
    expect(again.out).toMatch(/test\.a\s+\? inconclusive\s+control 'small'/);
  });
});

describe('protocol files and sharded runs', () => {
  it('show prints the protocol; merge keeps each control\'s files', async () => {
    const specs = ['a', 'b'].map((slug) => testSpec(slug, switchable.name, { value: 2 }, { protocol: 'protocol.md', controls: [{ id: 'small', description: 'x small', params: { value: 0.5 }, mustFail: ['x-big'] }] }));
    const root = writeClaimsFolder(specs);
    roots.push(root);
    const claims = path.join(root, 'claims');
    const out = path.join(root, 'out');
    fs.writeFileSync(path.join(claims, 'test', 'protocol.md'), 'Shared **protocol**: r_H and ‖H‖_F.');
    const show = await cli('show', 'test.a', '--claims', claims);
    expect(show.code).toBe(0);
    expect(show.out).toContain('protocol (protocol.md):\n\nShared **protocol**: r_H and ‖H‖_F.');
    expect(show.out).toContain('controls:\n  small (tiers quick, full; must fail x-big): {"value":0.5}\n    x small');

    for (const i of [1, 2]) expect((await cli('run', '--claims', claims, '--out', out, '--shard', `${i}/2`)).code).toBe(0);
    const merged = await cli('merge', '--in', out);
    expect(merged.code).toBe(0);
    const mergedId = /into run (\S+)/.exec(merged.out)![1]!;
    for (const id of ['test.a', 'test.b']) {
      const folder = path.join(out, 'runs', mergedId, 'claims', id);
      expect(fs.existsSync(path.join(folder, 'controls', 'small', 'evidence.json'))).toBe(true);
      expect(fs.readFileSync(path.join(folder, 'protocol.md'), 'utf8')).toContain('Shared');
      expect(JSON.parse(fs.readFileSync(path.join(folder, 'result.json'), 'utf8'))).toMatchObject({ runId: mergedId, verdict: 'reproduced', controls: [expect.objectContaining({ status: 'discriminated' })] });
    }
  });
});
