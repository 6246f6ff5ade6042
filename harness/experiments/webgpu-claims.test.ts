/**
 * Every float32 claim runs end to end on WebGPU (the software device) and gives wasm's numbers. Each
 * runs at its quick tier's settings with the data and training budget cut as listed below, because the
 * software device is 5–20× slower than wasm; the networks, losses and procedures are the claim's own.
 *
 * Tolerance: every metric within 1e-3 of wasm's, relative to max(|wasm|, 1e-2), or identical (a NaN on
 * both, where the cut-down run leaves a ratio undefined, is the same outcome). The two backends sum
 * in different orders, so float32 rounding (≈ 6e-8 per operation) differs, and a few epochs of
 * training and tens of Lanczos steps amplify it; 1e-3 leaves that room while any kernel computing
 * something else is off by orders of magnitude more.
 */
import { loadClaims, mergeParams, tierParams } from '../claims';
import { claimsRoot } from '../paths';
import { experimentKinds } from '../registry';
import type { Params } from '../types';
import { selectBackend } from '../../models/tfjs/backends';
import { describeOnSoftwareWebgpu } from '../../models/tfjs/testing/webgpu';
import { testContext } from '../testing/context';
import '.';

/** Per kind: the cuts to the quick tier (deep-merged over its parameters). */
const SMALLER: Record<string, Params> = {
  'bn-hessian-outliers': {
    data: { trainImages: 400, testImages: 50 },
    training: { epochs: 2 },
    hessian: { batchSize: 50, k: 3, lanczosSteps: 6 },
    density: { draws: 1, steps: 6, gridPoints: 100 },
    minibatchGradients: 1,
  },
  'swa-valley-network': {
    data: { trainImages: 400, testImages: 50 },
    sgd: [{ learningRate: 0.1, epochs: 3 }],
    swa: { learningRate: 0.05, epochs: 3 },
    line: { reach: 10, points: 21 },
  },
  'skip-connection-landscape': { data: { images: 100 }, training: { epochs: 1 }, plane: { points: 5 }, hessian: { stride: 2, lanczosSteps: 6 }, seeds: 1 },
  'optimiser-interpolation': { data: { trainImages: 100, testImages: 100 }, training: { epochs: 1 }, seeds: 2, interpolationPoints: 6 },
  'gradient-covariance-subspaces': {
    data: { trainImages: 300, testImages: 50 },
    training: { epochs: 2 },
    hessian: { batchSize: 100, k: 3, lanczosSteps: 8 },
    covariance: { gradients: 20, lanczosSteps: 8 },
  },
  'late-optimiser-switch': { data: { trainImages: 100, testImages: 100 }, training: { epochs: 4 }, switchEpochs: [2, 3], seeds: 1, interpolationPoints: 6 },
  'weight-scaling-basins': { data: { trainImages: 200, testImages: 100 }, training: { epochs: 2 }, seeds: 2, alpha: { points: 11 } },
};

/** Each claim runs twice (WebGPU, then wasm); the software device is slow, so each test gets minutes. */
const CLAIM_TIMEOUT_MS = 600_000;

const float32Claims = loadClaims(claimsRoot()).claims.filter(({ spec }) => spec.precision === 'float32');

describeOnSoftwareWebgpu('float32 claims', () => {
  it('include every float32 kind, each with its cuts listed here', () => {
    expect(float32Claims.length).toBeGreaterThan(0);
    for (const { spec } of float32Claims) expect(Object.keys(SMALLER)).toContain(spec.experiment.kind);
  });

  describe.each(float32Claims.map(({ spec }) => [spec.id, spec] as const))('%s', (_id, spec) => {
    it("gives wasm's metrics within 1e-3 on the software WebGPU device", async () => {
      const quick = tierParams(spec, 'quick');
      if ('unavailable' in quick) throw new Error(`${spec.id} does not run at quick: ${quick.unavailable}`);
      const params = mergeParams(quick.params, SMALLER[spec.experiment.kind]);
      const kind = experimentKinds.get(spec.experiment.kind);
      expect(kind.check?.(params) ?? []).toEqual([]);
      const onGpu = await kind.run(params, testContext(41));
      await selectBackend('wasm');
      const onWasm = await kind.run(params, testContext(41));
      await selectBackend('webgpu-software');
      expect(Object.keys(onGpu.metrics).sort()).toEqual(Object.keys(onWasm.metrics).sort());
      const off = Object.entries(onWasm.metrics)
        .map(([name, wasm]) => ({ name, wasm, gpu: onGpu.metrics[name] }))
        .filter(({ wasm, gpu }) => !(Object.is(gpu, wasm) || Math.abs(gpu - wasm) <= 1e-3 * Math.max(Math.abs(wasm), 1e-2)));
      expect(off).toEqual([]);
    }, CLAIM_TIMEOUT_MS);
  });
});
