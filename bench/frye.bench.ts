/**
 * The workloads of Frye's gradient-flat experiments, at the thesis' sizes, so they can be set beside
 * what a researcher would get from JAX (float64, CPU, jit) on this machine: 4.5 ms per gradient and
 * 10.4 ms per HVP for the MNIST autoencoder at 10 000 samples, 4.0 ms per HVP for the 16→12→8→10
 * classifier at 10 000 samples, 0.11 ms per HVP for the over-parameterised net on 50 samples.
 * Parameters alternate between two θ so that no task reuses the objective's cached pass.
 */
import type { Bench } from 'tinybench';
import { buildProblem, type ProblemSpec } from '../harness/experiments/critical-point-problems';
import { createRng } from '../harness/rng';
import { DEFAULT_LINE_SEARCH, FRYE_MINRES_OPTIONS, newtonMr } from '../numerics/critical-points';
import { kaimingNormal, type MlpSpec } from '../models';

const mnist = (images: number, classes?: number[]) => ({ source: 'mnist' as const, images, ...(classes ? { classes } : {}) });

const WORKLOADS: { label: string; problem: Extract<ProblemSpec, { model: 'mlp' }>; newton: boolean }[] = [
  {
    label: 'autoencoder 16-8-16-16 swish, MNIST n=10000',
    problem: { model: 'mlp', network: { widths: [16, 8, 16, 16], activation: 'swish' }, loss: { kind: 'mse' }, data: { ...mnist(10_000), features: { kind: 'crop-average' }, targets: 'inputs' } },
    newton: true,
  },
  {
    label: 'classifier 16-12-8-10 swish, MNIST n=10000',
    problem: { model: 'mlp', network: { widths: [16, 12, 8, 10], activation: 'swish' }, loss: { kind: 'softmax-ce-mean', l2: 1e-4 }, data: { ...mnist(10_000), features: { kind: 'crop-average' }, targets: 'labels' } },
    newton: false,
  },
  {
    label: 'over-parameterised 32-32-4-2 swish, no bias, n=50',
    problem: { model: 'mlp', network: { widths: [32, 32, 4, 2], activation: 'swish', bias: false }, loss: { kind: 'softmax-ce-mean', l2: 1e-4 }, data: { ...mnist(50, [0, 1]), features: { kind: 'pca', components: 32 }, targets: 'permuted-labels' } },
    newton: false,
  },
];

export function registerFryeBenchmarks(bench: Bench): void {
  for (const w of WORKLOADS) {
    const { objective } = buildProblem(w.problem, 1);
    const rng = createRng(2);
    const thetas = [0, 1].map(() => kaimingNormal(w.problem.network as MlpSpec, () => rng.normal()));
    const v = Float64Array.from({ length: objective.dim }, () => rng.normal());
    let k = 0;
    const next = (): Float64Array => thetas[k++ % 2];
    bench.add(`${w.label}: gradient`, () => void objective.lossAndGradient(next()));
    bench.add(`${w.label}: hvp`, () => void objective.hvp(next(), v));
    if (w.newton) {
      bench.add(`${w.label}: one Newton-MR iteration`, () =>
        void newtonMr(objective, next(), { iterations: 1, minres: FRYE_MINRES_OPTIONS, lineSearch: DEFAULT_LINE_SEARCH, hessianNorm: { kind: 'hutchinson', probes: 8, rng: createRng(3) } }),
      );
    }
  }
}
