/**
 * The WebAssembly SIMD (f64x2) kernels (source wasm/kernels.ts, bytes shipped in
 * numerics/kernels-wasm.ts): compiled once, instantiated per memory. WebAssembly reads only its own
 * memory, so callers either allocate the arrays they use over and over in a `float64Workspace`
 * (kernels then run on them in place) or copy operands into the shared staging memory.
 *
 * `wasmKernels` is null where the runtime lacks WebAssembly SIMD; every caller has a plain-JS path.
 */

import { KERNELS_WASM_BASE64 } from './kernels-wasm';

export interface KernelExports {
  gemm(
    m: number, n: number, k: number,
    a: number, rsA: number, csA: number,
    b: number, transB: number,
    c: number, ldc: number,
    alpha: number, beta: number,
    bias: number, hasBias: number,
    pack: number,
  ): void;
  /** kind 0 = sigmoid, 1 = swish; first/second 0 = not wanted. */
  activate(kind: number, z: number, value: number, first: number, second: number, count: number, scratch: number): void;
  exp(x: number, out: number, count: number): void;
  hadamard(a: number, b: number, out: number, count: number): void;
  tangentUpdate(r: number, s1: number, g: number, s2: number, t: number, count: number): void;
  addColumnSums(a: number, rows: number, cols: number, out: number): void;
}

export interface KernelInstance {
  memory: WebAssembly.Memory;
  exports: KernelExports;
  /** Byte address of the scratch space the kernels need (gemm's packing buffers and more). */
  scratch: number;
}

/** Bytes of scratch the kernels need: gemm's MC·KC + KC·NC packing doubles (wasm/kernels.ts), and 64. */
const SCRATCH_BYTES = (128 * 256 + 256 * 256) * 8 + 64;
const PAGE = 65_536;

const wasmModule = compile();

function compile(): WebAssembly.Module | null {
  if (typeof WebAssembly !== 'object') return null;
  const bytes = Buffer.from(KERNELS_WASM_BASE64, 'base64');
  return WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
}

/** Whether the WebAssembly SIMD kernels are available here (false: plain-JS fallbacks). */
export const wasmKernels = wasmModule !== null;

/** Workspace memories by their buffer, so that kernels recognise arrays they can use in place. */
const workspaces = new WeakMap<ArrayBufferLike, KernelInstance>();
let staging: KernelInstance | null = null;

function instantiate(bytes: number): KernelInstance {
  const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil((bytes + SCRATCH_BYTES) / PAGE)) });
  const instance = new WebAssembly.Instance(wasmModule!, { env: { memory } });
  return { memory, exports: instance.exports as unknown as KernelExports, scratch: Math.ceil(bytes / 16) * 16 };
}

/**
 * Fresh zeroed Float64Arrays of the given lengths, all views of one memory that the kernels use in
 * place. The memory never grows, so the views stay valid; it is freed with the last of them. Without
 * WebAssembly SIMD these are ordinary arrays.
 */
export function float64Workspace(lengths: readonly number[]): Float64Array[] {
  for (const length of lengths) {
    if (!Number.isInteger(length) || length < 0) throw new RangeError(`workspace lengths must be non-negative integers, got ${length}`);
  }
  if (!wasmModule) return lengths.map((length) => new Float64Array(length));
  // Each view starts on a 16-byte boundary (aligned f64x2 access), and none at address 0, which the
  // kernels read as "no array".
  const padded = lengths.map((length) => length + (length & 1));
  const instance = instantiate((2 + padded.reduce((sum, length) => sum + length, 0)) * 8);
  workspaces.set(instance.memory.buffer, instance);
  let offset = 2;
  return lengths.map((length, i) => {
    const view = new Float64Array(instance.memory.buffer, offset * 8, length);
    offset += padded[i];
    return view;
  });
}

/** The workspace instance that holds all of `arrays`, or null. */
export function workspaceOf(...arrays: Float64Array[]): KernelInstance | null {
  const home = workspaces.get(arrays[0].buffer);
  if (!home) return null;
  for (const array of arrays) if (array.buffer !== arrays[0].buffer) return null;
  return home;
}

/** The shared staging instance, with at least `bytes` before its scratch space. */
export function stagingInstance(bytes: number): KernelInstance {
  if (!staging || staging.scratch < bytes) staging = instantiate(Math.max(bytes, 2 * (staging?.scratch ?? 0)));
  return staging;
}
