/**
 * Probes the software WebGPU device in a process of its own and prints one JSON line:
 * `{"available": true, "detail": …}` or `{"available": false, "reason": …}`. The jest global setup
 * (webgpu-setup.ts) runs it once, so test files know before they are collected whether their WebGPU
 * suites can run, without loading Dawn into the test runner itself.
 */
import { webgpuCandidate } from '../backend-probes';

webgpuCandidate('software', 0)
  .probe()
  .then(
    (probe) => probe,
    (error: unknown) => ({ available: false, reason: `probe threw: ${String(error)}` }),
  )
  .then((probe) => {
    process.stdout.write(`${JSON.stringify(probe)}\n`);
    process.exit(0);
  });
