/**
 * Dense float64 matrix product on row-major Float64Array: C = α·op(A)·op(B) + β·C, with op(X) = X or
 * Xᵀ, as BLAS dgemm on row-major storage.
 *
 * Shapes: op(A) is m×k, op(B) is k×n, C is m×n. A is stored m×k (or k×m when `transA`), B is stored
 * k×n (or n×k when `transB`), each contiguous and row-major from its offset (`aOffset`, `bOffset`,
 * `cOffset`, default 0), so a layer's weights can be used in place inside a flat parameter vector.
 * β = 0 overwrites C without reading it (NaN or Inf already in C do not propagate), as in BLAS.
 *
 * The work is done by a WebAssembly SIMD (f64x2) kernel (numerics/wasm.ts), about 3–5× the plain-JS
 * kernel (numerics/gemm-plain.ts), which is used where the runtime lacks WebAssembly SIMD.
 * WebAssembly reads only its own memory, so operands are copied in and C out, unless all of them are
 * views of one `float64Workspace`: code that multiplies the same buffers over and over (the float64
 * engine's layers) allocates them there and pays no copies.
 */

import { gemmPlain } from './gemm-plain';
import { stagingInstance, wasmKernels, workspaceOf } from './wasm';

export { float64Workspace } from './wasm';

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
  /**
   * A row vector of n entries added to every row of C: C = α·op(A)·op(B) + β·C + 1·biasᵀ, read from
   * `bias` at `biasOffset` (default 0). A layer's bias, in place in a flat parameter vector.
   */
  bias?: Float64Array;
  biasOffset?: number;
}

/** Whether `gemm` runs on the WebAssembly SIMD kernel (false: the plain-JS fallback). */
export const gemmUsesWasm = wasmKernels;

export function gemm(
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  b: Float64Array,
  c: Float64Array,
  options: GemmOptions = {},
): void {
  const { transA = false, transB = false, alpha = 1, beta = 0, aOffset = 0, bOffset = 0, cOffset = 0, bias, biasOffset = 0 } = options;
  checkShape('m', m);
  checkShape('n', n);
  checkShape('k', k);
  checkFits('a', a, aOffset, m * k);
  checkFits('b', b, bOffset, k * n);
  checkFits('c', c, cOffset, m * n);
  if (bias) checkFits('bias', bias, biasOffset, n);
  if (m === 0 || n === 0) return;
  if (!wasmKernels) {
    gemmPlain(m, n, k, a, b, c, { transA, transB, alpha, beta, aOffset, bOffset, cOffset });
    if (bias) addRow(m, n, c, cOffset, bias, biasOffset);
    return;
  }
  const rsA = transA ? 1 : k;
  const csA = transA ? m : 1;
  const home = bias ? workspaceOf(a, b, c, bias) : workspaceOf(a, b, c);
  if (home) {
    const at = (x: Float64Array, offset: number): number => x.byteOffset + offset * 8;
    home.exports.gemm(m, n, k, at(a, aOffset), rsA, csA, at(b, bOffset), transB ? 1 : 0, at(c, cOffset), n, alpha, beta, bias ? at(bias, biasOffset) : 0, bias ? 1 : 0, home.scratch);
    return;
  }
  // Copy the operands' used ranges into the staging memory, multiply there, copy C back.
  const aAt = 0;
  const bAt = aAt + m * k;
  const cAt = bAt + k * n;
  const biasAt = cAt + m * n;
  const staging = stagingInstance((biasAt + n) * 8);
  const view = new Float64Array(staging.memory.buffer);
  view.set(a.subarray(aOffset, aOffset + m * k), aAt);
  view.set(b.subarray(bOffset, bOffset + k * n), bAt);
  if (beta !== 0) view.set(c.subarray(cOffset, cOffset + m * n), cAt);
  if (bias) view.set(bias.subarray(biasOffset, biasOffset + n), biasAt);
  staging.exports.gemm(m, n, k, aAt * 8, rsA, csA, bAt * 8, transB ? 1 : 0, cAt * 8, n, alpha, beta, biasAt * 8, bias ? 1 : 0, staging.scratch);
  c.set(view.subarray(cAt, cAt + m * n), cOffset);
}

function addRow(m: number, n: number, c: Float64Array, cOffset: number, row: Float64Array, rowOffset: number): void {
  for (let i = 0, q = cOffset; i < m; i++) for (let j = 0; j < n; j++, q++) c[q] += row[rowOffset + j];
}

function checkShape(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
}

function checkFits(name: string, array: Float64Array, offset: number, count: number): void {
  if (!Number.isInteger(offset) || offset < 0 || offset + count > array.length) {
    throw new RangeError(`${name} needs ${count} entries from offset ${offset} but has length ${array.length}`);
  }
}
