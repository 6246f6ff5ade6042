/**
 * Fault injection: claims that throw, abort their process, exit, allocate without bound or never
 * return. Each gets an `error` verdict naming the cause, the claims after them still run, and resume
 * leaves dead claims dead unless asked to retry them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeDeath } from '../isolation';
import { readRuns } from '../store';
import { testSpec, writeClaimsFolder } from '../testing/claims';
import { cli } from '../testing/cli';
import '../testing/kinds';

const byId = (json: { claims: { id: string; verdict: string; reason?: string }[] }) => Object.fromEntries(json.claims.map((c) => [c.id, c]));

describe('a claim that takes its process down', () => {
  it('gets an error verdict naming the cause, and every later claim still runs', async () => {
    const hangTiers = { quick: { budgetSeconds: 3 }, full: {}, paper: { unavailable: 'n/a' } };
    const root = writeClaimsFolder([
      testSpec('a-abort', 'test-abort', {}),
      testSpec('b-heap', 'test-allocate', { oneArray: false }),
      testSpec('c-one-array', 'test-allocate', { oneArray: true }),
      testSpec('d-exit', 'test-exit', { code: 3 }),
      testSpec('e-hang', 'test-hang', {}, { tiers: hangTiers }),
      testSpec('f-throw', 'test-crash', {}),
      testSpec('g-fine', 'test-constant', { value: 2 }),
    ]);
    const claims = path.join(root, 'claims');
    const out = path.join(root, 'out');
    const res = await cli('run', '--claims', claims, '--out', out, '--memory', '256', '--json');
    expect(res.code).toBe(2);
    const json = JSON.parse(res.out);
    const c = byId(json);
    expect(c['test.a-abort']).toMatchObject({ verdict: 'error', reason: expect.stringMatching(/^the claim's process was killed by signal SIGABRT/) });
    expect(c['test.b-heap']).toMatchObject({ verdict: 'error', reason: expect.stringContaining('ran out of memory: the JavaScript heap reached its cap of 256 MiB') });
    expect(c['test.c-one-array'].verdict).toBe('error');
    expect(c['test.c-one-array'].reason).toMatch(/ran out of memory|fatal V8 error/);
    expect(c['test.d-exit']).toMatchObject({ verdict: 'error', reason: expect.stringContaining('exited with code 3 before storing a result') });
    expect(c['test.e-hang']).toMatchObject({ verdict: 'error', reason: "the claim's process exceeded its wall-clock budget of 3 s and was stopped" });
    expect(c['test.f-throw']).toMatchObject({ verdict: 'error', reason: 'boom: the experiment fell over' });
    expect(c['test.g-fine'].verdict).toBe('reproduced');

    // Everything is stored and valid, the run is complete, and no temporary file is left.
    const { runs, problems } = readRuns(out);
    expect(problems).toEqual([]);
    expect(runs[0].manifest.status).toBe('complete');
    expect(runs[0].results).toHaveLength(7);
    const files = fs.readdirSync(out, { recursive: true }).map(String);
    expect(files.filter((f) => f.includes('claimbench-tmp'))).toEqual([]);

    // A resume of a complete run has nothing to do unless errors are retried; a dead claim stays dead.
    expect(await cli('run', '--resume', json.run.id, '--claims', claims, '--out', out)).toMatchObject({ code: 2, err: expect.stringContaining('already complete') });
    fs.writeFileSync(path.join(claims, 'test', 'f-throw.json'), JSON.stringify(testSpec('f-throw', 'test-constant', { value: 3 })));
    for (const slug of ['a-abort', 'b-heap', 'c-one-array', 'd-exit', 'e-hang']) fs.writeFileSync(path.join(claims, 'test', `${slug}.json`), JSON.stringify(testSpec(slug, 'test-constant', { value: 0 })));
    const retried = await cli('run', '--resume', json.run.id, '--retry-errors', '--claims', claims, '--out', out, '--json');
    const after = JSON.parse(retried.out);
    expect(after.ran.sort()).toEqual(['test.a-abort', 'test.b-heap', 'test.c-one-array', 'test.d-exit', 'test.e-hang', 'test.f-throw']);
    expect(byId(after)['test.f-throw'].verdict).toBe('reproduced');
    expect(byId(after)['test.a-abort'].verdict).toBe('not reproduced');
    // The exit code and the summary describe the whole run, not only what this call ran.
    expect(after.claims).toHaveLength(7);
    expect(retried.code).toBe(1);
  }, 120_000);

  it('is told apart from other deaths by its exit status and last words', () => {
    const limits = { memoryMiB: 512 };
    expect(describeDeath(null, 'SIGABRT', '<--- Last few GCs --->\nFATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n', limits)).toMatch(/ran out of memory: the JavaScript heap reached its cap of 512 MiB/);
    expect(describeDeath(null, 'SIGTRAP', '#\n# Fatal error in , line 0\n# Fatal JavaScript invalid size error 169220804 (see crbug.com/1201626)\n#\n', limits)).toBe(
      'was aborted by a fatal V8 error (invalid size error 169220804): the parameters ask for an array larger than V8 allows',
    );
    expect(describeDeath(null, 'SIGKILL', '', limits)).toMatch(/killed by SIGKILL \(from outside claimbench/);
    expect(describeDeath(1, null, 'Error: something\n  at x\n', limits)).toBe("exited with code 1 before storing a result; its last words: at x");
  });
});
