/**
 * A run killed on its own (SIGKILL to the CLI process, not to its process group, as a job scheduler
 * or `kill <pid>` does) must not leave its claim's process computing: the claim's watchdog thread sees
 * that its parent is gone and ends it, even while the claim is stuck in synchronous work.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { testSpec, writeClaimsFolder } from '../testing/claims';
import { startCli } from '../testing/cli-process';
import '../testing/kinds';

/** Linux: the pids whose parent is `ppid`, from /proc. */
function childrenOf(ppid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        // The command may hold spaces and parentheses: the fields after its closing parenthesis are fixed.
        const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === ppid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Running or sleeping: a process that has exited but is not yet reaped (a zombie) counts as gone. */
const alive = (pid: number): boolean => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
};

async function until(what: string, test: () => boolean, seconds: number): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const onLinux = process.platform === 'linux' ? describe : describe.skip;

onLinux('a run killed without its process group', () => {
  it('takes its hanging claim process down with it, even one not yet started', async () => {
    const root = writeClaimsFolder([testSpec('hang', 'test-hang', {}, { tiers: { quick: { budgetSeconds: 600 }, full: {}, paper: { unavailable: 'n/a' } } })]);
    const run = startCli(['run', '--claims', path.join(root, 'claims'), '--out', path.join(root, 'out')]);
    let claimPid = 0;
    try {
      await until('the claim process to start', () => (claimPid = childrenOf(run.pid)[0] ?? 0) > 0, 60);
      process.kill(run.pid, 'SIGKILL');
      await run.exited;
      await until(`claim process ${claimPid} to end`, () => !alive(claimPid), 30);
    } finally {
      if (claimPid && alive(claimPid)) process.kill(claimPid, 'SIGKILL');
      await run.kill();
    }
    expect(alive(claimPid)).toBe(false);
  });
});
