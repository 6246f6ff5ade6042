/** CLI misuse: each gets a clear message and exit code 2 (or help, exit 0), never a silent default. */
import * as path from 'node:path';
import { cli } from '../testing/cli';
import { testSpec, writeClaimsFolder } from '../testing/claims';
import '../testing/kinds';

describe('the command line', () => {
  it('prints a command usage for --help and help <command>, and the version', async () => {
    expect(await cli('run', '--help')).toMatchObject({ code: 0, out: expect.stringContaining('usage: claimbench run [ids|globs…]') });
    expect(await cli('help', 'check')).toMatchObject({ code: 0, out: expect.stringContaining('usage: claimbench check <ids|globs…>') });
    expect(await cli('--version')).toMatchObject({ code: 0, out: expect.stringMatching(/^claimbench \d+\.\d+\.\d+$/) });
  });

  it.each([
    [['run', '--seed', '-1'], /--seed needs a value; a value that starts with a dash is written --seed=-VALUE/],
    [['run', '--seed=-1'], /--seed must be an integer in \[0, 4294967295\], got '-1'/],
    [['run', '--timeout', '0'], /--timeout must be a positive number, got '0'/],
    [['run', '--memory', '1.5'], /--memory must be a positive integer, got '1.5'/],
    [['run', '--retry-errors'], /--retry-errors goes with --resume <run-id>/],
    [['run', '--resume', 'x', '--tier', 'full'], /--resume takes no claim selection and no --tier/],
    [['run', '--resume', '../x'], /'..\/x' is not a run id/],
    [['check'], /check needs the ids or globs of the claims to check/],
    [['report', 'foo'], /report takes no positional arguments, got 'foo'/],
    [['validate', 'foo'], /validate takes no positional arguments, got 'foo'/],
    [['list', 'foo'], /list takes no positional arguments, got 'foo'/],
  ])('%j fails with a clear message', async (args, message) => {
    const res = await cli(...(args as string[]));
    expect(res.code).toBe(2);
    expect(res.err).toMatch(message);
  });

  it('prints spec text without terminal escape sequences', async () => {
    const root = writeClaimsFolder([testSpec('esc', 'test-constant', { value: 2 }, { title: 'evil \u001b]0;pwned\u0007\u001b[2J title' })]);
    const claims = path.join(root, 'claims');
    for (const args of [['list', '--claims', claims], ['show', 'test.esc', '--claims', claims], ['run', '--claims', claims, '--out', path.join(root, 'out')]]) {
      const res = await cli(...args);
      expect(res.out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    }
  });

  it('fails at once on an output folder under /proc', async () => {
    const root = writeClaimsFolder([]);
    const res = await cli('run', 'l0l1.fixed-line-l2', '--out', '/proc/claimbench-x');
    expect(res).toMatchObject({ code: 2, err: expect.stringContaining('cannot write results to /proc/claimbench-x: no folder can be created there (ENOENT)') });
    expect(await cli('report', '--in', path.join(root, 'nothing'), '--out', '/proc/claimbench-x')).toMatchObject({ code: 2 });
  });
});
