/**
 * Benchmarks of the deep linear autoencoder objective (`models/dlae.ts`) at the thesis size: d = 16,
 * k = 4 (128 parameters), scatter matrix of n = 10 000 Gaussian samples with variances 1…16. These are
 * the inner loops of Newton-MR on the DLAE (one HVP per MINRES-QLP iteration, one gradient per line-search
 * step). For comparison, the same loss on the float64 engine is timed on the 10 000 samples themselves,
 * which is what the covariance formulation saves.
 *
 * As in the engine benchmarks, tasks alternate between two θ so the per-θ cache never answers; "at a
 * fixed θ" times what repeated HVPs at one point cost.
 */

import type { Bench } from 'tinybench';
import { gaussianData, linearVariances } from '../datasets/gaussian';
import { createRng } from '../harness/rng';
import { mlpObjective } from '../models';
import { dlaeObjective, scatterMatrix } from '../models/dlae';

export function registerDlaeBenchmarks(bench: Bench): void {
  const d = 16;
  const k = 4;
  const n = 10_000;
  const rng = createRng(2020);
  const x = gaussianData(d, n, linearVariances(d), rng.fork('data'));
  const covariance = scatterMatrix(x, d, n);
  const objective = dlaeObjective(covariance, n, d, k);
  const thetas = [0, 1].map(() => Float64Array.from({ length: objective.dim }, () => 0.3 * rng.normal()));
  const v = Float64Array.from({ length: objective.dim }, () => rng.normal());
  let turn = 0;
  const nextTheta = (): Float64Array => thetas[(turn ^= 1)];

  const samples = new Float64Array(n * d); // the engine wants one sample per row
  for (let i = 0; i < d; i++) for (let s = 0; s < n; s++) samples[s * d + i] = x[i * n + s];
  const engine = mlpObjective({ widths: [d, k, d], activation: 'identity', bias: false }, { kind: 'mse' }, {
    n,
    inputDim: d,
    outputDim: d,
    x: samples,
    y: samples,
  });

  const label = `dlae d=${d} k=${k} (scatter of n=${n})`;
  bench.add(`${label}: lossAndGradient`, () => objective.lossAndGradient(nextTheta()));
  bench.add(`${label}: hvp`, () => objective.hvp(nextTheta(), v));
  bench.add(`${label}: hvp at a fixed θ`, () => objective.hvp(thetas[0], v));
  bench.add(`${label}: hessian (${objective.dim}²)`, () => objective.hessian(nextTheta()));
  bench.add(`same loss on the engine, n=${n} samples: lossAndGradient`, () => engine.lossAndGradient(nextTheta()));
  bench.add(`same loss on the engine, n=${n} samples: hvp`, () => engine.hvp(nextTheta(), v));
}
