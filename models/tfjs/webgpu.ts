/**
 * WebGPU for the tfjs engine in Node: Dawn (the `webgpu` package's prebuilt `dawn.node`) provides
 * `navigator.gpu`, and @tensorflow/tfjs-backend-webgpu runs the kernels as WGSL compute shaders.
 *
 * Two kinds of adapter are told apart, because they answer different questions:
 * - `hardware`: a real GPU (Vulkan on Linux, Metal on macOS, D3D12 on Windows). This is for speed.
 * - `software`: a CPU implementation of a graphics API (Mesa's lavapipe for Vulkan, llvmpipe behind
 *   OpenGL ES through EGL). It is 5–20× slower than wasm and exists so that the WebGPU code path — WGSL
 *   kernels, buffer limits, asynchronous readback — is tested on machines without a GPU.
 *
 * What the defaults get wrong, and why each step below exists:
 * - tfjs-backend-webgpu registers a factory at import that asks the device for only a few limits; with
 *   the defaults a reduction kernel silently computed a wrong gradient. The factory is replaced by one
 *   that requests every limit the adapter supports.
 * - Validation errors never throw in WebGPU: they are delivered as `uncapturederror` events while the
 *   computation returns garbage. Every such error is recorded, and a read of any tensor after one throws.
 * - Stock Debian Mesa's lavapipe lacks features Dawn's Vulkan backend requires, but Dawn's OpenGL ES
 *   backend in compatibility mode works on it; EGL then needs a display-less platform (`surfaceless`),
 *   which must be in the environment before Dawn first initialises EGL.
 * - Results can be read back only asynchronously (`tensor.data()`): `dataSync` needs an OffscreenCanvas,
 *   which Node does not have. The float32 engine reads through read.ts for that reason.
 */
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { ModuleLoader } from './backend-probes';

export type AdapterFlavour = 'hardware' | 'software';

/** The facts about an adapter that the run manifest and each result record. */
export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** Dawn's backend: `vulkan`, `opengles`, `metal`, `d3d12`, or `default` when Dawn chose. */
  dawnBackend: string;
  featureLevel: 'core' | 'compatibility';
  /** Reported by the adapter (WebGPU's isFallbackAdapter). */
  fallback: boolean;
  /** A CPU implementation (fallback, or a known software rasteriser by name). */
  software: boolean;
}

/** Software implementations of graphics APIs, by the names they report. */
const SOFTWARE_DEVICE = /llvmpipe|lavapipe|softpipe|swiftshader|microsoft basic render|\bwarp\b/i;

interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

interface AdapterLike {
  info?: AdapterInfoLike;
  isFallbackAdapter?: boolean;
  limits: Record<string, number>;
  features: { has(name: string): boolean };
  requestDevice(descriptor: { requiredLimits: Record<string, number>; requiredFeatures: string[] }): Promise<DeviceLike>;
}

interface DeviceLike {
  addEventListener(type: 'uncapturederror', listener: (event: { error: { message: string } }) => void): void;
  lost: Promise<{ reason: string; message: string }>;
}

export interface GpuLike {
  requestAdapter(options: { featureLevel: 'core' | 'compatibility'; powerPreference?: string }): Promise<AdapterLike | null>;
}

export interface DawnModule {
  create(options: string[]): GpuLike;
  globals: Record<string, unknown>;
}

/** One way of asking Dawn for an adapter. */
interface AdapterRequest {
  dawnBackend: string;
  options: string[];
  featureLevel: 'core' | 'compatibility';
}

const REQUESTS: Record<AdapterFlavour, AdapterRequest[]> = {
  hardware: [{ dawnBackend: 'default', options: [], featureLevel: 'core' }],
  software: [
    { dawnBackend: 'vulkan', options: ['backend=vulkan'], featureLevel: 'core' },
    { dawnBackend: 'opengles', options: ['backend=opengles'], featureLevel: 'compatibility' },
  ],
};

export interface FoundAdapter {
  gpu: GpuLike;
  adapter: AdapterLike;
  description: AdapterDescription;
}

/**
 * Dawn's native module. `require('webgpu')` is an ES module (jest cannot load it), so the prebuilt
 * binary it wraps is loaded directly from the package's dist folder.
 */
export function loadDawn(loader: ModuleLoader): DawnModule {
  const root = path.dirname(loader.resolve('webgpu/package.json'));
  const arch = process.platform === 'darwin' ? 'universal' : process.arch;
  return loader.load(path.join(root, 'dist', `${process.platform}-${arch}`, 'dawn.node')) as DawnModule;
}

export function describeAdapter(adapter: AdapterLike, request: AdapterRequest): AdapterDescription {
  const info = adapter.info ?? {};
  const fallback = info.isFallbackAdapter === true || adapter.isFallbackAdapter === true;
  const named = [info.vendor, info.architecture, info.device, info.description].filter((s): s is string => typeof s === 'string' && s !== '');
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    dawnBackend: request.dawnBackend,
    featureLevel: request.featureLevel,
    fallback,
    software: fallback || named.some((s) => SOFTWARE_DEVICE.test(s)),
  };
}

/** One line, e.g. "llvmpipe (OpenGL ES 3.2 Mesa 22.3.6), software, Dawn opengles, compatibility". */
export function adapterLine(d: AdapterDescription): string {
  const name = [d.vendor, d.architecture, d.device].filter((s) => s !== '').join(' ') || 'unnamed adapter';
  const kind = d.software ? (d.fallback ? 'software (fallback adapter)' : 'software') : 'hardware';
  return `${name}${d.description ? ` (${d.description})` : ''}, ${kind}, Dawn ${d.dawnBackend}, ${d.featureLevel}`;
}

/**
 * The first adapter of the wanted flavour, or why there is none. A hardware request never accepts a
 * software adapter (it would pass for a GPU at a twentieth of wasm's speed), and the reverse.
 */
export async function findAdapter(dawn: DawnModule, flavour: AdapterFlavour): Promise<FoundAdapter | { reason: string }> {
  const refused: string[] = [];
  for (const request of REQUESTS[flavour]) {
    if (request.dawnBackend === 'opengles') preferSurfacelessEgl();
    const gpu = dawn.create(request.options);
    const adapter = await gpu.requestAdapter({ featureLevel: request.featureLevel, powerPreference: 'high-performance' });
    if (adapter === null) {
      refused.push(`${request.dawnBackend}: no adapter`);
      continue;
    }
    const description = describeAdapter(adapter, request);
    if (description.software === (flavour === 'software')) return { gpu, adapter, description };
    refused.push(`${request.dawnBackend}: only ${adapterLine(description)}`);
  }
  return { reason: `no ${flavour} adapter (${refused.join('; ')})` };
}

/** Every adapter Dawn offers here, by each way of asking (for reports: `claimbench doctor`). */
export async function listAdapters(dawn: DawnModule): Promise<AdapterDescription[]> {
  const found: AdapterDescription[] = [];
  for (const request of [...REQUESTS.hardware, ...REQUESTS.software]) {
    if (request.dawnBackend === 'opengles') preferSurfacelessEgl();
    const adapter = await dawn.create(request.options).requestAdapter({ featureLevel: request.featureLevel, powerPreference: 'high-performance' });
    if (adapter !== null) found.push(describeAdapter(adapter, request));
  }
  return found;
}

/** EGL picks its platform once, from the environment, when Dawn first opens a display. */
function preferSurfacelessEgl(): void {
  if (process.env.EGL_PLATFORM === undefined && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) process.env.EGL_PLATFORM = 'surfaceless';
}

/** Validation and out-of-memory errors the device reported since the last check, and a lost device. */
const deviceErrors: string[] = [];

/** Errors recorded so far; read.ts throws on the first. */
export function recordedDeviceErrors(): readonly string[] {
  return deviceErrors;
}

/** The errors recorded so far, clearing the record (for a check that has dealt with them). */
export function takeDeviceErrors(): string[] {
  return deviceErrors.splice(0, deviceErrors.length);
}

interface WebgpuBackendModule {
  WebGPUBackend: new (device: DeviceLike, adapterInfo?: AdapterInfoLike) => tf.KernelBackend;
}

/**
 * Makes WebGPU on `found` the tfjs backend factory 'webgpu' (replacing the package's own) and installs
 * the globals tfjs-backend-webgpu expects. `loadBackend` loads the package; it must run after
 * `navigator.gpu` exists, since the package checks for it at import.
 */
export function registerWebgpuBackend(found: FoundAdapter, dawn: DawnModule, loadBackend: () => unknown): void {
  Object.assign(globalThis, dawn.globals);
  const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  if (nav === undefined) Object.defineProperty(globalThis, 'navigator', { value: { gpu: found.gpu }, configurable: true });
  else Object.defineProperty(nav, 'gpu', { value: found.gpu, configurable: true });
  const { WebGPUBackend } = loadBackend() as WebgpuBackendModule;
  if (tf.findBackendFactory('webgpu') !== null) tf.removeBackend('webgpu');
  const { adapter } = found;
  tf.registerBackend(
    'webgpu',
    async () => {
      const requiredLimits: Record<string, number> = {};
      for (const key in adapter.limits) {
        const value = adapter.limits[key];
        if (typeof value === 'number') requiredLimits[key] = value;
      }
      const requiredFeatures = ['timestamp-query'].filter((name) => adapter.features.has(name));
      const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
      device.addEventListener('uncapturederror', (event) => deviceErrors.push(event.error.message.split('\n')[0]));
      void device.lost.then((lost) => {
        if (lost.reason !== 'destroyed') deviceErrors.push(`device lost: ${lost.message}`);
      });
      return new WebGPUBackend(device, adapter.info);
    },
    3,
  );
  // Small ops would otherwise run on the CPU, and the shaders the tests mean to check would not run.
  tf.env().set('WEBGPU_CPU_FORWARD', false);
}
