/**
 * Jest global setup: finds out once whether the software WebGPU device works here (in a child process,
 * see software-webgpu-probe.ts) and passes the answer to the test workers in the environment, where
 * `softwareWebgpu()` reads it. It also sets EGL_PLATFORM for the workers: the native layer reads it
 * from the real process environment, which a test cannot change.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

export const STATUS_ENV = 'CLAIMBENCH_TEST_SOFTWARE_WEBGPU';

export default function setup(): void {
  if (process.env.EGL_PLATFORM === undefined && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) process.env.EGL_PLATFORM = 'surfaceless';
  let status: string;
  try {
    const output = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'software-webgpu-probe.ts')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 60_000,
    });
    status = output.trim().split('\n').pop() ?? '';
    JSON.parse(status);
  } catch (error) {
    status = JSON.stringify({ available: false, reason: `the probe process failed (${(error as Error).message.split('\n')[0]})` });
  }
  process.env[STATUS_ENV] = status;
}
