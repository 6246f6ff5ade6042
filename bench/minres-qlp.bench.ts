/**
 * Benchmark of MINRES-QLP (`numerics/minres-qlp`) at the size of the Newton-MR systems in Frye's
 * autoencoder experiments (552 parameters): a seeded dense symmetric indefinite 552×552 matrix
 * (Gaussian orthogonal ensemble, spectrum ≈ semicircle on [−2, 2]) with a Gaussian right-hand side,
 * solved with Frye's settings. maxit is raised from Frye's n to 4n so that the task measures a solve
 * that reaches rtol (901 iterations with this seed) rather than the iteration cap. The product is a
 * plain dense matrix–vector loop and takes about three quarters of the time.
 */

import type { Bench } from 'tinybench';
import { createRng } from '../harness/rng';
import { minresQlp } from '../numerics/minres-qlp';

const N = 552;

export function registerMinresQlpBenchmarks(bench: Bench): void {
  const rng = createRng(552);
  const matrix = new Float64Array(N * N);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j <= i; j++) matrix[i * N + j] = matrix[j * N + i] = rng.normal() / Math.sqrt(N);
  }
  const apply = (v: Float64Array): Float64Array => {
    const out = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      let sum = 0;
      const row = i * N;
      for (let j = 0; j < N; j++) sum += matrix[row + j] * v[j];
      out[i] = sum;
    }
    return out;
  };
  const b = Float64Array.from({ length: N }, () => rng.normal());
  const options = { rtol: 5e-4, maxxnorm: 1e4, acondlim: 1e7, trancond: 1e4, maxit: 4 * N };
  bench.add(`minres-qlp ${N}×${N} dense indefinite, rtol 5e-4`, () => minresQlp(apply, b, options));
}
