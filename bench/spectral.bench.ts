/**
 * Benchmarks of the spectral tools in `numerics/` at the sizes the claims use: a dense eigh of the
 * 552-parameter autoencoder's Hessian, a 90-step Lanczos run at 15 910 parameters, and Ghorbani et al.'s
 * SLQ setting (k = 10 probes, m = 90 steps), and the eigenvalues alone of dense symmetric matrices at
 * n = 1 000 and 4 000 by one-stage tred2/tql2 (eigh, 1 000 only: it takes minutes at 4 000) and by
 * two-stage band reduction (symmetricEigenvalues). Inputs come from fixed seeds; the large matrices are
 * built in a task's beforeAll, so a --filter that skips them costs nothing. The paper's 15 910² is not
 * benchmarked here (≈ 8e12 flops, tens of minutes per sample); its cost follows from the 4 000 timing.
 *
 * Flop counts for GFLOP/s: tred2 without vectors 4n³/3; the band reduction 2n³ (full-storage gemm
 * updates) plus ≈ 12n²b for the bulge chasing at half-bandwidth b = 32.
 *
 * The Lanczos and SLQ operators are diagonal plus rank 10, D + U Uᵀ: a matvec costs O(10 n), so the
 * timings are those of Lanczos itself — dominated by full reorthogonalisation, O(m² n) per run — and a
 * real Hessian-vector product adds its own cost per step on top.
 */

import type { Bench } from 'tinybench';
import { createRng, type Rng } from '../harness/rng';
import { linearGrid, slqDensity } from '../numerics/density';
import { eigh } from '../numerics/eigh';
import { lanczos } from '../numerics/lanczos';
import { symmetricEigenvalues } from '../numerics/symmetric-eigenvalues';
import { randomSymmetric } from '../numerics/testing';

const LOW_RANK = 10;

export function registerSpectralBenchmarks(bench: Bench): void {
  const rng = createRng(55_200);

  const n = 552;
  const symmetric = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) symmetric[i * n + j] = symmetric[j * n + i] = rng.normal();
  bench.add(`eigh ${n}×${n}, values + vectors`, () => eigh(symmetric, n));

  const lanczosDim = 15_910;
  const lanczosOperator = diagonalPlusLowRank(lanczosDim, rng);
  const start = Float64Array.from({ length: lanczosDim }, () => rng.normal());
  bench.add(`lanczos 90 steps, n = ${lanczosDim}, diagonal + rank ${LOW_RANK}`, () => lanczos(lanczosOperator, lanczosDim, 90, start));

  const slqDim = 2_000;
  const slqOperator = diagonalPlusLowRank(slqDim, rng);
  const grid = linearGrid(-2, 12, 1_000);
  bench.add(`slq k = 10, m = 90, n = ${slqDim}, diagonal + rank ${LOW_RANK}`, () =>
    slqDensity(slqOperator, slqDim, { draws: 10, steps: 90, sigma: 0.05, grid, rng: createRng(1) }),
  );

  for (const size of [1_000, 4_000]) {
    let matrix: Float64Array = new Float64Array(0);
    const hooks = {
      beforeAll: () => {
        matrix = randomSymmetric(size, createRng(size));
      },
      afterAll: () => {
        matrix = new Float64Array(0);
      },
    };
    if (size <= 1_000) bench.add(`eigh values only (tred2 + tql2), n = ${size}`, () => eigh(matrix, size, { vectors: false }), hooks);
    bench.add(`symmetricEigenvalues (band reduction, b = 32), n = ${size}`, () => symmetricEigenvalues(matrix, size), hooks);
  }
}

/** v ↦ D v + U (Uᵀ v): D uniform in [−1, 1] (a bulk); U Gaussian with ‖u_r‖² ≈ r (outliers up to ~11). */
function diagonalPlusLowRank(n: number, rng: Rng): (v: Float64Array) => Float64Array {
  const diagonal = Float64Array.from({ length: n }, () => rng.uniformIn(-1, 1));
  const scale = 1 / Math.sqrt(n);
  const factors = Array.from({ length: LOW_RANK }, (_, r) => Float64Array.from({ length: n }, () => rng.normal() * scale * Math.sqrt(r + 1)));
  return (v) => {
    const out = Float64Array.from(v, (x, k) => diagonal[k] * x);
    for (const u of factors) {
      let c = 0;
      for (let k = 0; k < n; k++) c += u[k] * v[k];
      for (let k = 0; k < n; k++) out[k] += c * u[k];
    }
    return out;
  };
}
