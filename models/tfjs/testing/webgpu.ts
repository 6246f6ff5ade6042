/**
 * Test helpers for the WebGPU backend on the software device. A suite that needs it is declared with
 * `describeOnSoftwareWebgpu`: where the device cannot be had it is reported as SKIPPED with the reason
 * (never as passed), and where CLAIMBENCH_REQUIRE_SOFTWARE_WEBGPU=1 (as .ci/run sets it, after
 * installing the device) a missing device fails instead.
 */
import { takeDeviceErrors } from '../webgpu';
import { selectBackend } from '../backends';
import { STATUS_ENV } from './webgpu-setup';

export type SoftwareWebgpuStatus = { available: true; detail: string } | { available: false; reason: string };

export function softwareWebgpu(): SoftwareWebgpuStatus {
  const raw = process.env[STATUS_ENV];
  if (raw === undefined) return { available: false, reason: 'not probed (jest ran without models/tfjs/testing/webgpu-setup.ts as globalSetup)' };
  return JSON.parse(raw) as SoftwareWebgpuStatus;
}

/**
 * `describe` on the software WebGPU device: selects it before the suite and, after it, fails on any
 * error the device reported (validation errors do not throw in WebGPU).
 */
export function describeOnSoftwareWebgpu(title: string, body: () => void): void {
  const status = softwareWebgpu();
  if (!status.available && process.env.CLAIMBENCH_REQUIRE_SOFTWARE_WEBGPU !== '1') {
    console.warn(`${title}: SKIPPED, no software WebGPU device (${status.reason}).`);
    describe.skip(`${title}: SKIPPED, no software WebGPU device (${status.reason})`, () => {
      it('needs the software WebGPU device', () => undefined);
    });
    return;
  }
  describe(`${title} (webgpu-software)`, () => {
    beforeAll(async () => {
      if (!status.available) throw new Error(`CLAIMBENCH_REQUIRE_SOFTWARE_WEBGPU=1 but there is no software WebGPU device: ${status.reason}`);
      await selectBackend('webgpu-software');
    });
    afterAll(() => {
      expect(takeDeviceErrors()).toEqual([]);
    });
    body();
  });
}
