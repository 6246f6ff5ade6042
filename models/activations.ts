/**
 * Elementwise activations σ with their first and second derivatives, applied to whole buffers at once
 * (the MLP keeps activations as n×width row-major matrices). The second derivative is what the
 * R-operator needs for exact Hessian-vector products.
 *
 * Conventions: relu has σ'(0) = 0 (the subgradient PyTorch and JAX use) and σ'' = 0 everywhere, so its
 * Hessian is that of the piecewise-linear network away from kinks. Non-finite inputs are not rejected:
 * NaN propagates, and ±Inf gives whatever IEEE arithmetic gives (e.g. swish(−Inf) = NaN).
 *
 * sigmoid and swish, whose exp dominates the float64 engine's forward pass, run on the WebAssembly
 * SIMD kernels when all buffers are views of one `float64Workspace` (as mlpObjective's are), else in
 * plain JS; both use the exp of numerics/exp.ts and the same formulas, so their results are identical.
 */

import { exp } from '../numerics/exp';
import { workspaceOf } from '../numerics/wasm';

/** The kernels' codes for the activations they implement (wasm/kernels.ts). */
const WASM_KIND: Partial<Record<Activation, number>> = { sigmoid: 0, swish: 1 };

export const ACTIVATIONS = ['identity', 'tanh', 'relu', 'sigmoid', 'swish'] as const;
/** swish(x) = x·sigmoid(x) (SiLU). */
export type Activation = (typeof ACTIVATIONS)[number];

/** value[k] = σ(z[k]) for every k. `value` may be `z` itself. */
export function activate(kind: Activation, z: Float64Array, value: Float64Array): void {
  const m = z.length;
  const code = WASM_KIND[kind];
  if (code !== undefined && m > 0) {
    const home = workspaceOf(z, value);
    if (home) {
      home.exports.activate(code, z.byteOffset, value.byteOffset, 0, 0, m, home.scratch);
      return;
    }
  }
  switch (kind) {
    case 'identity':
      if (value !== z) value.set(z);
      return;
    case 'tanh':
      for (let k = 0; k < m; k++) value[k] = Math.tanh(z[k]);
      return;
    case 'relu':
      for (let k = 0; k < m; k++) value[k] = Math.max(0, z[k]); // Math.max keeps NaN
      return;
    case 'sigmoid':
      for (let k = 0; k < m; k++) value[k] = sigmoid(z[k]);
      return;
    case 'swish':
      for (let k = 0; k < m; k++) value[k] = z[k] * sigmoid(z[k]);
      return;
  }
}

/**
 * value = σ(z), first = σ'(z) and, unless `second` is null, second = σ''(z), elementwise.
 * The output buffers must be distinct from `z`.
 */
export function activateWithDerivatives(
  kind: Activation,
  z: Float64Array,
  value: Float64Array,
  first: Float64Array,
  second: Float64Array | null,
): void {
  const m = z.length;
  const code = WASM_KIND[kind];
  if (code !== undefined && m > 0) {
    const home = second ? workspaceOf(z, value, first, second) : workspaceOf(z, value, first);
    if (home) {
      home.exports.activate(code, z.byteOffset, value.byteOffset, first.byteOffset, second ? second.byteOffset : 0, m, home.scratch);
      return;
    }
  }
  switch (kind) {
    case 'identity':
      value.set(z);
      first.fill(1);
      second?.fill(0);
      return;
    case 'tanh':
      for (let k = 0; k < m; k++) {
        const t = Math.tanh(z[k]);
        const d = 1 - t * t;
        value[k] = t;
        first[k] = d;
        if (second !== null) second[k] = -2 * t * d;
      }
      return;
    case 'relu':
      for (let k = 0; k < m; k++) {
        value[k] = Math.max(0, z[k]);
        first[k] = z[k] > 0 ? 1 : 0;
      }
      second?.fill(0);
      return;
    case 'sigmoid':
      for (let k = 0; k < m; k++) {
        const s = sigmoid(z[k]);
        const d = s * (1 - s);
        value[k] = s;
        first[k] = d;
        if (second !== null) second[k] = d * (1 - 2 * s);
      }
      return;
    case 'swish':
      // σ = x·s, σ' = s + x·s(1−s), σ'' = s(1−s)·(2 + x(1−2s)), with s = sigmoid(x).
      for (let k = 0; k < m; k++) {
        const x = z[k];
        const s = sigmoid(x);
        const d = s * (1 - s);
        value[k] = x * s;
        first[k] = s + x * d;
        if (second !== null) second[k] = d * (2 + x * (1 - 2 * s));
      }
      return;
  }
}

/** exp(−x) overflows to Inf for x ≪ 0, which correctly gives 0 rather than NaN. */
function sigmoid(x: number): number {
  return 1 / (1 + exp(-x));
}
