import * as path from 'node:path';
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

describe('webgpu candidates', () => {
  const dawnId = path.join('/fake/node_modules/webgpu', 'dist', `${process.platform}-${process.platform === 'darwin' ? 'universal' : process.arch}`, 'dawn.node');
  const adapter = (info: Record<string, unknown>) => ({ info, limits: {}, features: new Set<string>(), requestDevice: async () => ({}) });
  const dawnWith = (found: unknown) => ({ globals: {}, create: () => ({ requestAdapter: async () => found }) });

  it('report a missing tfjs backend package first, before loading Dawn', async () => {
    const loader = fakeLoader({ webgpu: {} });
    const load = jest.spyOn(loader, 'load');
    expect(await webgpuCandidate('hardware', 3, loader).probe()).toEqual({ available: false, reason: '@tensorflow/tfjs-backend-webgpu is not installed' });
    expect(load).not.toHaveBeenCalled();
  });

  it('do not register the backend when Dawn gives no adapter', async () => {
    const loader = fakeLoader({ '@tensorflow/tfjs-backend-webgpu': {}, webgpu: {}, [dawnId]: dawnWith(null) });
    const load = jest.spyOn(loader, 'load');
    expect(await webgpuCandidate('hardware', 3, loader).probe()).toEqual({ available: false, reason: 'no hardware adapter (default: no adapter)' });
    expect(load.mock.calls.map(([id]) => id)).toEqual([dawnId]);
  });

  it('never take a software rasteriser for a GPU, nor a GPU for the software device', async () => {
    const llvmpipe = adapter({ vendor: '', architecture: '', device: 'llvmpipe-llvm-15-0-6-256-bits-', description: 'OpenGL ES 3.2 Mesa 22.3.6' });
    const hardware = await webgpuCandidate('hardware', 3, fakeLoader({ '@tensorflow/tfjs-backend-webgpu': {}, webgpu: {}, [dawnId]: dawnWith(llvmpipe) })).probe();
    expect(hardware).toEqual({
      available: false,
      reason: 'no hardware adapter (default: only llvmpipe-llvm-15-0-6-256-bits- (OpenGL ES 3.2 Mesa 22.3.6), software, Dawn default, core)',
    });
    const gpu = adapter({ vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H200', description: 'Vulkan driver 550' });
    const software = await webgpuCandidate('software', 4, fakeLoader({ '@tensorflow/tfjs-backend-webgpu': {}, webgpu: {}, [dawnId]: dawnWith(gpu) })).probe();
    expect(!software.available && software.reason).toMatch(/^no software adapter \(vulkan: only nvidia hopper NVIDIA H200 \(Vulkan driver 550\), hardware, Dawn vulkan, core; opengles: only .*hardware, Dawn opengles, compatibility\)$/);
  });

  it('report a Dawn that throws in one line', async () => {
    const loader = fakeLoader({ '@tensorflow/tfjs-backend-webgpu': {}, webgpu: {}, [dawnId]: new Error('libvulkan.so.1: cannot open\nmore') });
    expect(await webgpuCandidate('hardware', 3, loader).probe()).toEqual({ available: false, reason: 'Dawn failed (libvulkan.so.1: cannot open)' });
  });

  it('find no hardware adapter on a machine without a GPU (the software device is tested in webgpu.test.ts)', async () => {
    const probe = await webgpuCandidate('hardware', 3).probe();
    if (!probe.available) expect(probe.reason).toMatch(/^no hardware adapter|not installed|Dawn failed/);
    else expect(probe.adapter).toMatch(/hardware/);
  });

  it('the software device is opt-in', () => {
    expect(webgpuCandidate('software', 4).optIn).toEqual({ env: 'CLAIMBENCH_WEBGPU_SOFTWARE', how: 'opt-in: --backend webgpu-software, or CLAIMBENCH_WEBGPU_SOFTWARE=1 to detect it' });
    expect(webgpuCandidate('hardware', 3).optIn).toBeUndefined();
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
