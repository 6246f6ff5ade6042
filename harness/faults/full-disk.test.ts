/**
 * A full disk, for real: a CLI run into a 256 KiB tmpfs (mounted in a user namespace, so no root is
 * needed; where the system allows no user namespaces the test says so and checks nothing). The run
 * stops naming the file it could not write, keeps what it stored and leaves no temporary file (resume
 * after a stop is the same as after a kill: see lifecycle.test.ts).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packageRoot } from '../paths';
import { testSpec, writeClaimsFolder } from '../testing/claims';

const canMount = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'true']).status === 0;
const mountpoint = fs.mkdtempSync(path.join(os.tmpdir(), 'claimbench-disk-'));
afterAll(() => fs.rmSync(mountpoint, { recursive: true, force: true }));

(canMount ? describe : describe.skip)('a run onto a full disk', () => {
  it('stops with the file named and a summary, keeps what it stored, and leaves no temporary file', () => {
    const small = (slug: string) => testSpec(slug, 'test-constant', { value: 2 });
    const big = (slug: string) => testSpec(slug, 'test-constant', { value: 2, padBytes: 400_000 });
    const root = writeClaimsFolder([small('a'), big('b'), small('c')]);
    const claims = path.join(root, 'claims');
    const cli = `node -r ./harness/testing/register-ts.js -r ./harness/testing/kinds.ts harness/cli/main.ts`;
    const script = `mount -t tmpfs -o size=256k tmpfs ${mountpoint} && ${cli} run --claims ${claims} --out ${mountpoint}; echo "exit=$?"; find ${mountpoint} -name '.claimbench-tmp-*' | wc -l; ls ${mountpoint}/runs`;
    const res = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', script], { cwd: packageRoot(), encoding: 'utf8' });
    expect(res.stderr).toMatch(/cannot write \S+\/claims\/test\.b\/evidence\.json: no space left on the device \(ENOSPC\)/);
    expect(res.stderr).toMatch(/stopped: 1 of 3 claims are stored and kept, 2 not run; once there is room, 'claimbench run --resume \S+' finishes it/);
    const [exit, temps, runId] = res.stdout.trim().split('\n').slice(-3);
    expect(exit).toBe('exit=2');
    expect(temps.trim()).toBe('0');
    expect(runId).toMatch(/-quick-/);
  }, 120_000);
});

if (!canMount) {
  test('a run onto a full disk: skipped, this system allows no user namespaces to mount a tiny tmpfs', () => undefined);
}
