/**
 * Dense float64 matrix product on row-major Float64Array: C = α·op(A)·op(B) + β·C, with op(X) = X or
 * Xᵀ, as BLAS dgemm on row-major storage.
 *
 * Shapes: op(A) is m×k, op(B) is k×n, C is m×n. A is stored m×k (or k×m when `transA`), B is stored
 * k×n (or n×k when `transB`), each contiguous and row-major from its offset (`aOffset`, `bOffset`,
 * `cOffset`, default 0), so a layer's weights can be used in place inside a flat parameter vector.
 * β = 0 overwrites C without reading it (NaN or Inf already in C do not propagate), as in BLAS.
 *
 * The work is done by a WebAssembly SIMD (f64x2) kernel (source wasm/gemm.ts, bytes shipped in
 * numerics/gemm-wasm.ts), about 3–5× the plain-JS kernel (numerics/gemm-plain.ts), which is used where
 * the runtime lacks WebAssembly SIMD. WebAssembly reads only its own memory, so operands are copied in
 * and C out, unless all three are views of one `float64Workspace`: code that multiplies the same
 * buffers over and over (the float64 engine's layers) allocates them there and pays no copies.
 */

import { gemmPlain } from './gemm-plain';
import { GEMM_WASM_BASE64 } from './gemm-wasm';

export interface GemmOptions {
  /** Use Aᵀ: A is stored k×m. */
  transA?: boolean;
  /** Use Bᵀ: B is stored n×k. */
  transB?: boolean;
  /** Default 1. */
  alpha?: number;
  /** Default 0: C is overwritten. */
  beta?: number;
  aOffset?: number;
  bOffset?: number;
  cOffset?: number;
}

type WasmGemm = (
  m: number, n: number, k: number,
  a: number, rsA: number, csA: number,
  b: number, transB: number,
  c: number, ldc: number,
  alpha: number, beta: number,
  pack: number,
) => void;

/** Bytes of packing space the kernel needs (wasm/gemm.ts: MC·KC + KC·NC doubles). */
const PACK_BYTES = (128 * 256 + 256 * 256) * 8;
const PAGE = 65_536;

interface Instance {
  memory: WebAssembly.Memory;
  gemm: WasmGemm;
  /** Byte address of the packing space. */
  pack: number;
}

const wasmModule = compileKernel();
/** Workspace memories by their buffer, so that gemm recognises operands it can use in place. */
const workspaces = new WeakMap<ArrayBufferLike, Instance>();
/** Lazily made, grown on demand: where operands that live elsewhere are copied. */
let staging: Instance | null = null;

function compileKernel(): WebAssembly.Module | null {
  if (typeof WebAssembly !== 'object') return null;
  const bytes = Buffer.from(GEMM_WASM_BASE64, 'base64');
  return WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
}

function instantiate(bytes: number): Instance {
  const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil((bytes + PACK_BYTES) / PAGE)) });
  const instance = new WebAssembly.Instance(wasmModule!, { env: { memory } });
  return { memory, gemm: instance.exports.gemm as WasmGemm, pack: bytes };
}

/** Whether `gemm` runs on the WebAssembly SIMD kernel (false: the plain-JS fallback). */
export const gemmUsesWasm = wasmModule !== null;

/**
 * Fresh zeroed Float64Arrays of the given lengths, all views of one memory that `gemm` multiplies in
 * place. The memory never grows, so the views stay valid; it is freed with the last of them. Without
 * WebAssembly SIMD these are ordinary arrays.
 */
export function float64Workspace(lengths: readonly number[]): Float64Array[] {
  for (const length of lengths) {
    if (!Number.isInteger(length) || length < 0) throw new RangeError(`workspace lengths must be non-negative integers, got ${length}`);
  }
  if (!wasmModule) return lengths.map((length) => new Float64Array(length));
  const total = lengths.reduce((sum, length) => sum + length, 0);
  const instance = instantiate(total * 8);
  workspaces.set(instance.memory.buffer, instance);
  let offset = 0;
  return lengths.map((length) => {
    const view = new Float64Array(instance.memory.buffer, offset * 8, length);
    offset += length;
    return view;
  });
}

export function gemm(
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  b: Float64Array,
  c: Float64Array,
  options: GemmOptions = {},
): void {
  const { transA = false, transB = false, alpha = 1, beta = 0, aOffset = 0, bOffset = 0, cOffset = 0 } = options;
  checkShape('m', m);
  checkShape('n', n);
  checkShape('k', k);
  checkFits('a', a, aOffset, m * k);
  checkFits('b', b, bOffset, k * n);
  checkFits('c', c, cOffset, m * n);
  if (!wasmModule) {
    gemmPlain(m, n, k, a, b, c, { transA, transB, alpha, beta, aOffset, bOffset, cOffset });
    return;
  }
  if (m === 0 || n === 0) return;
  const home = workspaces.get(c.buffer);
  if (home && a.buffer === c.buffer && b.buffer === c.buffer) {
    const at = (x: Float64Array, offset: number): number => x.byteOffset + offset * 8;
    home.gemm(m, n, k, at(a, aOffset), transA ? 1 : k, transA ? m : 1, at(b, bOffset), transB ? 1 : 0, at(c, cOffset), n, alpha, beta, home.pack);
    return;
  }
  // Copy the operands' used ranges into the staging memory, multiply there, copy C back.
  const sizes = [m * k, k * n, m * n];
  const bytes = (sizes[0] + sizes[1] + sizes[2]) * 8;
  if (!staging || staging.pack < bytes) staging = instantiate(Math.max(bytes, 2 * (staging?.pack ?? 0)));
  const view = new Float64Array(staging.memory.buffer);
  const aAt = 0;
  const bAt = sizes[0];
  const cAt = bAt + sizes[1];
  view.set(a.subarray(aOffset, aOffset + sizes[0]), aAt);
  view.set(b.subarray(bOffset, bOffset + sizes[1]), bAt);
  if (beta !== 0) view.set(c.subarray(cOffset, cOffset + sizes[2]), cAt);
  staging.gemm(m, n, k, aAt * 8, transA ? 1 : k, transA ? m : 1, bAt * 8, transB ? 1 : 0, cAt * 8, n, alpha, beta, staging.pack);
  c.set(view.subarray(cAt, cAt + sizes[2]), cOffset);
}

function checkShape(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
}

function checkFits(name: string, array: Float64Array, offset: number, count: number): void {
  if (!Number.isInteger(offset) || offset < 0 || offset + count > array.length) {
    throw new RangeError(`${name} needs ${count} entries from offset ${offset} but has length ${array.length}`);
  }
}
