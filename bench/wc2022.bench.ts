/**
 * wc2022's float64 kernels at the paper's sizes: the layer product Z·Wᵀ (n×w times w×w, 2nw² flops) of
 * a forward pass, and the Gram spectrum of n feature rows of width w — ΦΦᵀ (n²w flops counting the
 * symmetric product as the full one gemm computes, 2n²w) plus its eigenvalues (`symmetricValues`,
 * ≈ 2n³ for the band reduction) — at widths 256, 1000, 5000 and n = 100, 500, 1000 (n ≤ w). Each task's
 * name carries its flop count, so GFLOP/s = flops / (mean ms · 1e6). A 30-layer forward pass at width
 * 5000 on 1000 examples is 30 such products (≈ 1.5e12 flops).
 */
import type { Bench } from 'tinybench';
import { createRng } from '../harness/rng';
import { gemm } from '../numerics/gemm';
import { gramMatrix, symmetricValues } from '../numerics/gram-spectrum';

export function registerWc2022Benchmarks(bench: Bench): void {
  for (const w of [256, 1000, 5000]) {
    for (const n of [100, 500, 1000]) {
      if (n > w) continue;
      let z = new Float64Array(0);
      let weights = new Float64Array(0);
      let out = new Float64Array(0);
      const hooks = {
        beforeAll: () => {
          const rng = createRng(w * 7 + n);
          z = Float64Array.from({ length: n * w }, () => rng.normal());
          weights = Float64Array.from({ length: w * w }, () => rng.normal());
          out = new Float64Array(n * w);
        },
        afterAll: () => {
          z = weights = out = new Float64Array(0);
        },
      };
      const productFlops = 2 * n * w * w;
      bench.add(`layer product Z·Wᵀ, n = ${n}, w = ${w} (${productFlops.toExponential(2)} flop)`, () => gemm(n, w, w, z, weights, out, { transB: true }), hooks);
      const gramFlops = 2 * n * n * w + 2 * n * n * n;
      bench.add(`Gram spectrum of Φ ${n}×${w}: ΦΦᵀ + eigenvalues (${gramFlops.toExponential(2)} flop)`, () => symmetricValues(gramMatrix(z, n, w), n), hooks);
    }
  }
}
