/**
 * Elementwise products of the float64 engine's backward and tangent passes, on the WebAssembly SIMD
 * kernels when every array is a view of one `float64Workspace`, else in plain JS with the same
 * operations in the same order (so both paths give identical results).
 */

import { workspaceOf } from './wasm';

/** out[k] = a[k]·b[k] for k < out.length (out may be a or b). */
export function hadamard(a: Float64Array, b: Float64Array, out: Float64Array): void {
  const m = out.length;
  if (m === 0) return;
  const home = workspaceOf(a, b, out);
  if (home) {
    home.exports.hadamard(a.byteOffset, b.byteOffset, out.byteOffset, m);
    return;
  }
  for (let k = 0; k < m; k++) out[k] = a[k] * b[k];
}

/** r[k] = r[k]·s1[k] + g[k]·s2[k]·t[k] for k < r.length: R{δ} from R{∂L/∂a} (see models/objective.ts). */
export function tangentUpdate(r: Float64Array, s1: Float64Array, g: Float64Array, s2: Float64Array, t: Float64Array): void {
  const m = r.length;
  if (m === 0) return;
  const home = workspaceOf(r, s1, g, s2, t);
  if (home) {
    home.exports.tangentUpdate(r.byteOffset, s1.byteOffset, g.byteOffset, s2.byteOffset, t.byteOffset, m);
    return;
  }
  for (let k = 0; k < m; k++) r[k] = r[k] * s1[k] + g[k] * s2[k] * t[k];
}

/**
 * out[offset + j] += Σ_i a[i·cols + j] for j < cols, over `rows` rows of the row-major a, each
 * column summed in row order.
 */
export function addColumnSums(a: Float64Array, rows: number, cols: number, out: Float64Array, offset: number): void {
  if (rows === 0 || cols === 0) return;
  const home = workspaceOf(a, out);
  if (home) {
    home.exports.addColumnSums(a.byteOffset, rows, cols, out.byteOffset + offset * 8);
    return;
  }
  for (let i = 0, q = 0; i < rows; i++) for (let j = 0; j < cols; j++, q++) out[offset + j] += a[q];
}
