/**
 * Test fixture: stops a process at a chosen moment of writing a file, so a test can SIGKILL a run
 * exactly there (no sleeping and hoping). `CLAIMBENCH_KILL_POINT` is `<moment>|<path suffix>|<signal
 * file>[|<release file>]`: when this process reaches `moment` (`flushed`: the data is in the temporary
 * file, the rename still to come; `renamed`: the file is in place; `waiting`: for a lock file another
 * process holds; see `writeObserver`) of a file whose path ends in the suffix, it writes its pid to the signal file and waits, until the release file
 * appears or, without one, until it is killed (after a minute it kills itself, so a failed test leaks
 * no process). Preloaded into the CLI (`node -r`) and, as an external kind module, into each claim's
 * process.
 */
import * as fs from 'node:fs';
import { writeObserver } from '../atomic';
import { externalKindModules } from '../registry';

const MAX_PAUSE_MS = 60_000;

const point = process.env.CLAIMBENCH_KILL_POINT;
if (point) {
  const [moment, suffix, signal, release] = point.split('|');
  let reached = false;
  writeObserver.notify = (m, file) => {
    if (reached || m !== moment || !file.endsWith(suffix)) return;
    reached = true;
    fs.writeFileSync(signal, String(process.pid));
    const until = Date.now() + MAX_PAUSE_MS;
    while (!(release && fs.existsSync(release))) {
      if (Date.now() > until) process.kill(process.pid, 'SIGKILL');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  };
}
externalKindModules.add(__filename);
