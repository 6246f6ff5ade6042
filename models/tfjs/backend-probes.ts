/**
 * Run-time detection of the tfjs backends claimbench can use. Each candidate's probe loads what it needs
 * and initialises its tfjs backend, or says in one line why it cannot; it never throws. Native and GPU
 * backends are optional: `@tensorflow/tfjs-node(-gpu)` are not dependencies (they download
 * libtensorflow at install time) but are used when a user installs them, and WebGPU needs a GPU
 * adapter, so on most machines their probes report why they are unavailable and selection falls
 * through to wasm or cpu.
 *
 * Modules are loaded through a `ModuleLoader` so that tests can simulate packages that are missing,
 * broken or present.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { type AdapterFlavour, type DawnModule, adapterLine, findAdapter, loadDawn, registerWebgpuBackend } from './webgpu';

export type Probe = { available: true; detail: string; adapter?: string } | { available: false; reason: string };

export interface BackendCandidate {
  /** The name users request (`--backend`), e.g. 'tfjs-node' or 'wasm'. */
  name: string;
  /** Detection order: lower first. */
  priority: number;
  /** The name tfjs registers the backend under, for tf.setBackend. */
  tfjsName: string;
  /** Loads, registers and initialises the backend; on success tf.setBackend(tfjsName) is immediate. */
  probe(): Promise<Probe>;
  /** Set when automatic detection skips this candidate unless the environment variable `env` is 1; `how` says so. */
  optIn?: { env: string; how: string };
}

export interface ModuleLoader {
  /** Resolved file of a module id; throws when it is not installed. */
  resolve(id: string): string;
  load(id: string): unknown;
}

export const nodeModuleLoader: ModuleLoader = {
  resolve: (id) => require.resolve(id),
  load: (id) => require(id),
};

/** tfjs-node and tfjs-node-gpu: libtensorflow bindings, which register the 'tensorflow' backend. */
export function nativeCandidate(
  name: 'tfjs-node-gpu' | 'tfjs-node',
  priority: number,
  loader: ModuleLoader = nodeModuleLoader,
): BackendCandidate {
  const packageName = `@tensorflow/${name}`;
  const tfjsName = 'tensorflow';
  return {
    name,
    priority,
    tfjsName,
    async probe() {
      if (!isInstalled(loader, packageName)) return unavailable('not installed');
      try {
        loader.load(packageName);
      } catch (error) {
        return unavailable(`installed but failed to load (${firstLine(error)})`);
      }
      // A copy of tfjs-core other than ours would register the backend where we cannot use it.
      if (tf.findBackendFactory(tfjsName) === null) {
        return unavailable(`loaded, but its '${tfjsName}' backend is registered with another copy of @tensorflow/tfjs-core`);
      }
      const failure = await initialise(tfjsName);
      if (failure !== null) return unavailable(failure);
      const kind = name === 'tfjs-node-gpu' ? 'libtensorflow, CUDA build' : 'libtensorflow, CPU';
      return { available: true, detail: `${name} ${packageVersion(loader, packageName)} (${kind})` };
    },
  };
}

/**
 * WebGPU through Dawn for Node (the `webgpu` package) and @tensorflow/tfjs-backend-webgpu (webgpu.ts).
 * `hardware` takes only a real GPU adapter; `software` only a CPU implementation (Mesa's lavapipe or
 * llvmpipe), which is for testing the WebGPU code path, not for speed — so it is opt-in.
 * The tfjs backend package is checked first: without it there is nothing to register, and asking Dawn
 * for an adapter loads native drivers that print warnings to stderr.
 */
export function webgpuCandidate(flavour: AdapterFlavour, priority: number, loader: ModuleLoader = nodeModuleLoader): BackendCandidate {
  const backendPackage = '@tensorflow/tfjs-backend-webgpu';
  const tfjsName = 'webgpu';
  return {
    name: flavour === 'hardware' ? 'webgpu' : 'webgpu-software',
    priority,
    tfjsName,
    ...(flavour === 'software' ? { optIn: { env: SOFTWARE_WEBGPU_ENV, how: `opt-in: --backend webgpu-software, or ${SOFTWARE_WEBGPU_ENV}=1 to detect it` } } : {}),
    async probe() {
      if (!isInstalled(loader, `${backendPackage}/package.json`)) return unavailable(`${backendPackage} is not installed`);
      if (!isInstalled(loader, 'webgpu/package.json')) return unavailable('the webgpu (Dawn) package is not installed');
      let dawn: DawnModule;
      let found: Awaited<ReturnType<typeof findAdapter>>;
      try {
        dawn = loadDawn(loader);
        found = await findAdapter(dawn, flavour);
      } catch (error) {
        return unavailable(`Dawn failed (${firstLine(error)})`);
      }
      if ('reason' in found) return unavailable(found.reason);
      try {
        registerWebgpuBackend(found, dawn, () => loader.load(backendPackage));
      } catch (error) {
        return unavailable(`${backendPackage} failed to load (${firstLine(error)})`);
      }
      const failure = await initialise(tfjsName);
      if (failure !== null) return unavailable(failure);
      const adapter = adapterLine(found.description);
      return { available: true, detail: `tfjs-backend-webgpu ${packageVersion(loader, backendPackage)} on ${adapter}`, adapter };
    },
  };
}

/** Setting this environment variable to 1 lets automatic detection pick the software WebGPU device. */
export const SOFTWARE_WEBGPU_ENV = 'CLAIMBENCH_WEBGPU_SOFTWARE';

/**
 * WebAssembly (XNNPACK). In Node the binaries are read from the package's dist folder on disk, never
 * fetched. setWasmPaths must precede the backend's first initialisation and throws after a failed one,
 * so it is called once per process.
 */
export function wasmCandidate(priority: number, loader: ModuleLoader = nodeModuleLoader): BackendCandidate {
  const packageName = '@tensorflow/tfjs-backend-wasm';
  return {
    name: 'wasm',
    priority,
    tfjsName: 'wasm',
    async probe() {
      if (!isInstalled(loader, `${packageName}/package.json`)) return unavailable('not installed');
      const dist = path.join(path.dirname(loader.resolve(`${packageName}/package.json`)), 'dist');
      const missing = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'].filter((file) => !fs.existsSync(path.join(dist, file)));
      if (missing.length > 0) return unavailable(`${missing.join(', ')} missing from ${dist}`);
      let wasm: WasmModule;
      try {
        wasm = loader.load(packageName) as WasmModule;
        if (!wasmPathsSet) {
          wasm.setWasmPaths(dist + path.sep);
          wasmPathsSet = true;
        }
      } catch (error) {
        return unavailable(`failed to load (${firstLine(error)})`);
      }
      const failure = await initialise('wasm');
      if (failure !== null) return unavailable(failure);
      const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
      const threads = wasm.getThreadsCount();
      return {
        available: true,
        detail: `tfjs-backend-wasm ${wasm.version_wasm}, ${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}`,
      };
    },
  };
}

/** Per process, like the wasm package's own state. */
let wasmPathsSet = false;

interface WasmModule {
  setWasmPaths(prefix: string): void;
  getThreadsCount(): number;
  version_wasm: string;
}

/** Plain-JavaScript kernels: always there, and the slowest. */
export function cpuCandidate(priority: number): BackendCandidate {
  return {
    name: 'cpu',
    priority,
    tfjsName: 'cpu',
    async probe() {
      const failure = await initialise('cpu');
      if (failure !== null) return unavailable(failure);
      // The cpu backend prints a multi-line "install tfjs-node" banner on first use. Selection has
      // already reported in one line whether tfjs-node is there, so the banner is switched off.
      const backend = tf.findBackend('cpu') as { firstUse?: boolean } | null;
      if (backend !== null && 'firstUse' in backend) backend.firstUse = false;
      return { available: true, detail: `tfjs-backend-cpu ${tf.version_cpu}, plain JavaScript` };
    },
  };
}

/**
 * Initialises a registered backend by making it the active one (tfjs has no other public way); returns
 * why it failed, or null. Selection activates the chosen backend afterwards.
 */
async function initialise(tfjsName: string): Promise<string | null> {
  if (tf.findBackendFactory(tfjsName) === null) return `no '${tfjsName}' backend is registered`;
  try {
    return (await tf.setBackend(tfjsName)) ? null : `the '${tfjsName}' backend failed to initialise`;
  } catch (error) {
    return `the '${tfjsName}' backend failed to initialise (${firstLine(error)})`;
  }
}

function isInstalled(loader: ModuleLoader, id: string): boolean {
  try {
    loader.resolve(id);
    return true;
  } catch {
    return false;
  }
}

function packageVersion(loader: ModuleLoader, packageName: string): string {
  try {
    const manifest = JSON.parse(fs.readFileSync(loader.resolve(`${packageName}/package.json`), 'utf8')) as { version?: string };
    return manifest.version ?? '(unknown version)';
  } catch {
    return '(unknown version)';
  }
}

function unavailable(reason: string): Probe {
  return { available: false, reason };
}

/** The first line of an error's message, at most 160 characters: explanations stay one line. */
function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split('\n').find((text) => text.trim() !== '') ?? 'unknown error';
  return line.length > 160 ? `${line.slice(0, 157)}…` : line.trim();
}
