/** Small dense-vector kernels over Float64Array, shared by the iterative solvers. */

/** Σ aᵢbᵢ over the common length; callers pass equal-length vectors. */
export function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

/**
 * Euclidean norm. Plain √(Σ aᵢ²): no rescaling against overflow, which is out of reach for the
 * gradients, Hessian products and Krylov vectors these solvers see (|aᵢ| would need to exceed 1e154).
 */
export function norm2(a: Float64Array): number {
  return Math.sqrt(dot(a, a));
}

/** The matrix-vector product v ↦ A·v of a dense n×n row-major matrix, as the solvers take operators. */
export function denseOperator(a: Float64Array, n: number): (v: Float64Array) => Float64Array {
  return (v) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += a[i * n + k] * v[k];
      out[i] = sum;
    }
    return out;
  };
}
