import * as tf from '@tensorflow/tfjs';
import { type ModuleLoader, cpuCandidate, nativeCandidate, nodeModuleLoader, wasmCandidate, webgpuCandidate } from './backend-probes';

/** A loader over a fixed set of fake modules; `load` of a Error-valued entry throws it. */
function fakeLoader(modules: Record<string, unknown>): ModuleLoader {
  return {
    resolve(id) {
      const base = id.replace(/\/package\.json$/, '');
      if (!(base in modules)) throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
      return `/fake/node_modules/${id}`;
    },
    load(id) {
      const module = modules[id];
      if (module instanceof Error) throw module;
      return module;
    },
  };
}

describe('native candidates (tfjs-node, tfjs-node-gpu)', () => {
  it('report a missing package as not installed', async () => {
    expect(await nativeCandidate('tfjs-node', 2, fakeLoader({})).probe()).toEqual({ available: false, reason: 'not installed' });
  });

  it('explain a broken install in one line', async () => {
    const broken = new Error('The specified module could not be found.\n  /x/tfjs_binding.node\n  at Module._extensions');
    const probe = await nativeCandidate('tfjs-node-gpu', 1, fakeLoader({ '@tensorflow/tfjs-node-gpu': broken })).probe();
    expect(probe).toEqual({ available: false, reason: 'installed but failed to load (The specified module could not be found.)' });
  });

  it('notice a package that registered its backend with another tfjs-core', async () => {
    const probe = await nativeCandidate('tfjs-node', 2, fakeLoader({ '@tensorflow/tfjs-node': {} })).probe();
    expect(probe.available).toBe(false);
    expect(!probe.available && probe.reason).toMatch(/another copy of @tensorflow\/tfjs-core/);
  });

  it('are not installed here (they download libtensorflow at install time)', async () => {
    for (const name of ['tfjs-node-gpu', 'tfjs-node'] as const) {
      const installed = (() => {
        try {
          require.resolve(`@tensorflow/${name}`);
          return true;
        } catch {
          return false;
        }
      })();
      const probe = await nativeCandidate(name, 1).probe();
      if (!installed) expect(probe).toEqual({ available: false, reason: 'not installed' });
      else expect(probe.available || /failed/.test(probe.reason)).toBe(true);
    }
  });
});

describe('webgpu candidate', () => {
  it('is unavailable because @tensorflow/tfjs 4.22 bundles no WebGPU backend and the package is not installed', async () => {
    expect(tf.findBackendFactory('webgpu')).toBeNull();
    const probe = await webgpuCandidate(3).probe();
    expect(probe).toEqual({
      available: false,
      reason: '@tensorflow/tfjs-backend-webgpu is not installed (@tensorflow/tfjs does not bundle it)',
    });
  });

  it('does not register the backend when Dawn gives no adapter', async () => {
    const backendModule = { loaded: false };
    const loader = fakeLoader({
      '@tensorflow/tfjs-backend-webgpu': backendModule,
      webgpu: { globals: {}, create: () => ({ requestAdapter: async () => null }) },
    });
    const load = jest.spyOn(loader, 'load');
    expect(await webgpuCandidate(3, loader).probe()).toEqual({
      available: false,
      reason: 'no adapter (Dawn found no usable GPU; on Linux it needs Vulkan)',
    });
    expect(load.mock.calls.map(([id]) => id)).toEqual(['webgpu']);
  });

  it('reports a Dawn that throws in one line', async () => {
    const loader = fakeLoader({ '@tensorflow/tfjs-backend-webgpu': {}, webgpu: new Error('libvulkan.so.1: cannot open\nmore') });
    expect(await webgpuCandidate(3, loader).probe()).toEqual({ available: false, reason: 'Dawn failed (libvulkan.so.1: cannot open)' });
  });
});

describe('wasm and cpu candidates', () => {
  it('wasm initialises from the package files on disk, with SIMD and one thread in Node', async () => {
    const probe = await wasmCandidate(4).probe();
    expect(probe).toEqual({ available: true, detail: 'tfjs-backend-wasm 4.22.0, SIMD, 1 thread' });
    await tf.setBackend('wasm');
    const product = tf.tidy(() => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2])).arraySync());
    expect(product).toEqual([
      [19, 22],
      [43, 50],
    ]);
  });

  it('wasm reports a package that is not installed', async () => {
    expect(await wasmCandidate(4, fakeLoader({})).probe()).toEqual({ available: false, reason: 'not installed' });
  });

  it('cpu is always available', async () => {
    expect(await cpuCandidate(5).probe()).toEqual({ available: true, detail: `tfjs-backend-cpu ${tf.version_cpu}, plain JavaScript` });
  });

  it('the default loader is Node require', () => {
    expect(nodeModuleLoader.load('node:path')).toBe(require('node:path'));
  });
});
