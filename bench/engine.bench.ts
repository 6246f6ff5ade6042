/**
 * Benchmarks of the float64 engine (`models/`) on the two workloads it serves: a tiny tanh network
 * whose full Hessian is computed many times, and a swish autoencoder on 10 000 samples where the
 * Hessian-vector product is the hot path. Data and parameters come from fixed seeds.
 *
 * The objective caches its forward/backward pass per θ, so most tasks alternate between two parameter
 * vectors to time the full cost of a call; "hvp at a fixed θ" times what Lanczos-style loops pay per
 * product after the first. The autoencoder's full Hessian (552 HVPs, several seconds) is left out:
 * tinybench 6 has no per-task iteration settings, and the suite runs every task at least 3 times.
 */

import type { Bench } from 'tinybench';
import { createRng } from '../harness/rng';
import { kaimingNormal, type LossSpec, type MlpSpec, mlpObjective } from '../models';

interface Workload {
  label: string;
  net: MlpSpec;
  loss: LossSpec;
  n: number;
  /** Targets equal inputs (an autoencoder) instead of independent noise. */
  autoencoder: boolean;
  withHessian: boolean;
}

const WORKLOADS: Workload[] = [
  {
    label: 'mlp 1-4-7-1 tanh, sse, n=20',
    net: { widths: [1, 4, 7, 1], activation: 'tanh' },
    loss: { kind: 'sse' },
    n: 20,
    autoencoder: false,
    withHessian: true,
  },
  {
    label: 'autoencoder 16-8-16-16 swish, mse, n=10000',
    net: { widths: [16, 8, 16, 16], activation: 'swish' },
    loss: { kind: 'mse' },
    n: 10_000,
    autoencoder: true,
    withHessian: false,
  },
];

export function registerEngineBenchmarks(bench: Bench): void {
  WORKLOADS.forEach((workload, index) => {
    const { label, net, loss, n } = workload;
    const rng = createRng(20_240 + index);
    const inputDim = net.widths[0];
    const outputDim = net.widths[net.widths.length - 1];
    const x = Float64Array.from({ length: n * inputDim }, () => rng.uniformIn(-1, 1));
    const y = workload.autoencoder ? Float64Array.from(x) : Float64Array.from({ length: n * outputDim }, () => rng.normal());
    const data = { n, inputDim, outputDim, x, y };
    const objective = mlpObjective(net, loss, data);
    // loss() answers from the cache when θ is the one last differentiated, so it gets its own objective.
    const lossOnly = mlpObjective(net, loss, data);
    const thetas = [kaimingNormal(net, () => rng.normal()), kaimingNormal(net, () => rng.normal())];
    const v = Float64Array.from({ length: objective.dim }, () => rng.normal());
    let turn = 0;
    const nextTheta = (): Float64Array => thetas[(turn ^= 1)];

    bench.add(`${label}: loss`, () => lossOnly.loss(nextTheta()));
    bench.add(`${label}: lossAndGradient`, () => objective.lossAndGradient(nextTheta()));
    bench.add(`${label}: hvp`, () => objective.hvp(nextTheta(), v));
    bench.add(`${label}: hvp at a fixed θ`, () => objective.hvp(thetas[0], v));
    if (workload.withHessian) bench.add(`${label}: hessian (${objective.dim}²)`, () => objective.hessian(nextTheta()));
  });
}
