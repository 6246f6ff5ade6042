/**
 * Full-batch gradient descent (no momentum) on the fully connected networks of wc2022 §6 "Training
 * speed", in float64, with the per-epoch quantities the paper derives from its theory.
 *
 * Network: L weight layers without biases; layers 1…L−1 as in `wide-net` (normalised σ, optional
 * renormalisation), the output layer o = z_{L−1}W_Lᵀ linear, c outputs. Loss over the n examples, as
 * PyTorch's MSELoss and CrossEntropyLoss compute them (the per-example MSE then lies in [0, 1]-ish, the
 * range the paper's footnote 19 gives):
 *   mse:           f = (1/(nc)) Σ_ν ‖o_ν − y_ν‖²            (y one-hot)
 *   cross-entropy: f = (1/n) Σ_ν −log softmax(o_ν)_{y_ν}
 *
 * Per epoch k (before the k-th step), with Φ_k = z_{L−1} (n×w) the last layer's features:
 * - λmin, λmax of Φ_kΦ_kᵀ (`gramSpectrum`), the last layer's parameter Gram.
 * - Lemma 9: b_k = √λmin(Φ_0Φ_0ᵀ) − ‖W_L‖₂·G_φ·‖h_{L−1} − h_{L−1}(0)‖_F, the paper's lower bound on the
 *   layer's WC coefficient from the measured distance its inputs travelled; as a bound on λmin it reads
 *   b_k² when b_k > 0 and is vacuous when b_k ≤ 0.
 * - PL and smoothness of the last block (App. D.1, E; MSE only): as a function of the outputs the loss g
 *   satisfies ½‖∇g‖² = (2/(nc))·g (f* = 0 for an interpolating network), and the layer's WC coefficient
 *   is √λmin, so μ_k = 2λmin/(nc) (Lemma 5); Lemma 13 with Lemma 14 (G = √λmax, zero smoothness in
 *   W_L) and Lemma 15's entrywise bound on the loss Hessian (Σ_{jj'}|∂²ℓ_ν/∂o_j∂o_j'| = 2 for
 *   ℓ_ν = ‖o_ν − y_ν‖²/c; N for ½‖·‖²) gives L_k = 2λmax/n. Lemma 1: predicted f_{k+1} = γ_k f_k with
 *   γ_k = 1 − μ_k/L_k = 1 − λmin/(c·λmax); ratio_k = f_{k+1}/(γ_k f_k) and its running product (F.6).
 * - Lemma 17 (cross-entropy only; App. F.5, `weak-pl-prediction.ts`): μ_k = λmin/λmax (weak PL),
 *   L_k = 2λmax/n, G_k = 2√(λmax/n), ‖x_k − x*‖ ≈ f_k/G_k, γ_k = 1 − μ_k f_k/(2L_k‖x_k − x*‖²), the
 *   predicted f_{k+1} = γ_k f_k (f* = 0); ratio_k = f_{k+1}/(γ_k f_k) where γ_k > 0, NaN otherwise (the
 *   estimate then predicts f* within one step), and the running product.
 * - Lemma 4 + Lemma 3 (MSE only): G_k, the largest over examples and epochs so far of App. E's
 *   composition bound on ‖∇_θ ℓ_ν‖ — G_ℓ·(Σ_i (‖z_{i−1,ν}‖·Π_{j>i} ‖W_j‖₂·G_φ·ρ_{j−1,ν})²)^{1/2},
 *   G_ℓ = ‖∂ℓ_ν/∂o‖ = 2‖o_ν − y_ν‖/c, ρ the renormalisation factor — then
 *   β = 2√ε_A·√(2G²/μ) + 2G²/((n−1)μ), ε_A = f_k − f*, and
 *   bound = √((M² + 12Mnβ)/(2nδ)) with the loss range M and confidence δ given by the caller.
 */
import type { Rng } from '../harness/rng';
import { eigh, eighTridiagonal } from './eigh';
import { gemm } from './gemm';
import { gramSpectrum } from './gram-spectrum';
import { lanczos } from './lanczos';
import { lemma17CrossEntropy } from './weak-pl-prediction';
import type { NormalisedActivation } from './normalised-activations';
import { kaimingWeights, rescaleRows } from './wide-net';

export type TrainingLoss = 'mse' | 'cross-entropy';

export interface TrainingSpec {
  inputDim: number;
  /** Hidden widths (layers 1…L−1); the output layer has `classes` units. */
  hidden: number[];
  classes: number;
  activation: NormalisedActivation;
  renormalise: boolean;
  loss: TrainingLoss;
  learningRate: number;
  epochs: number;
  /** Lemma 3's loss range M and confidence δ. */
  lossRange: number;
  delta: number;
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  lambdaMin: number;
  lambdaMax: number;
  logCondition: number;
  /** ‖W_L‖₂ and ‖h_{L−1} − h_{L−1}(0)‖_F. */
  outputWeightNorm: number;
  inputDistance: number;
  /** Lemma 9's bound b_k on the WC coefficient (√λ scale). */
  lemma9: number;
  /** μ_k, L_k, γ_k: Lemma 1's (MSE) or Lemma 17's (cross-entropy). */
  mu: number | null;
  smoothness: number | null;
  gamma: number | null;
  /** MSE only (null for cross-entropy): App. E's Lipschitz estimate G_k and the generalisation bound. */
  lipschitz: number | null;
  generalisationBound: number | null;
  /** Cross-entropy only (null for MSE): Lemma 17's G_k = 2√(λmax/n) and its estimate f_k/G_k of ‖x_k − x*‖. */
  weakPlLipschitz: number | null;
  distanceEstimate: number | null;
}

export interface TrainingTrace {
  epochs: EpochRecord[];
  /** ratio_k = f_{k+1}/(γ_k f_k) for k = 0…epochs−1 (NaN where γ_k ≤ 0, cross-entropy). */
  ratios: number[];
  cumulativeRatios: number[];
}

/** Lanczos steps for ‖W‖₂ of the hidden layers: the top Ritz value of WᵀW converges first, to ~1e-8 relative at 40 steps. */
const NORM_LANCZOS_STEPS = 40;

/**
 * Spectral norm of a (r×c, row-major): exactly by eigh of aaᵀ when r is small (the output layer), else
 * as √(top Ritz value) of 40 Lanczos steps on aᵀa from a fixed start (a lower bound on ‖a‖₂ that is
 * accurate to rounding for these Gaussian-like matrices, at 80 matrix–vector products instead of an r³
 * eigendecomposition).
 */
export function spectralNorm(a: Float64Array, r: number, c: number): number {
  if (r <= NORM_LANCZOS_STEPS || c <= NORM_LANCZOS_STEPS) {
    const g = new Float64Array(r * r);
    gemm(r, r, c, a, a, g, { transB: true });
    for (let i = 0; i < r; i++) for (let j = 0; j < i; j++) g[i * r + j] = g[j * r + i] = 0.5 * (g[i * r + j] + g[j * r + i]);
    return Math.sqrt(Math.max(0, eigh(g, r, { vectors: false }).values[r - 1]));
  }
  const av = new Float64Array(r);
  const apply = (v: Float64Array): Float64Array => {
    gemm(r, 1, c, a, v, av);
    const out = new Float64Array(c);
    gemm(c, 1, r, a, av, out, { transA: true });
    return out;
  };
  const start = Float64Array.from({ length: c }, (_, i) => 1 + ((i * 7919) % 13) / 13);
  const { alpha, beta } = lanczos(apply, c, NORM_LANCZOS_STEPS, start);
  const { values } = eighTridiagonal(alpha, beta, { vectors: false });
  return Math.sqrt(Math.max(0, values[values.length - 1]));
}

interface ForwardCache {
  /** z_0 … z_{L−1}. */
  features: Float64Array[];
  /** h_1 … h_{L−1}, and the pre-renormalisation norms of σ(h) per example (renormalise only). */
  pre: Float64Array[];
  norms: Float64Array[];
  output: Float64Array;
}

function forward(spec: TrainingSpec, weights: Float64Array[], x: Float64Array, n: number): ForwardCache {
  const features = [x];
  const pre: Float64Array[] = [];
  const norms: Float64Array[] = [];
  let k = spec.inputDim;
  for (let l = 0; l < spec.hidden.length; l++) {
    const m = spec.hidden[l];
    const h = new Float64Array(n * m);
    gemm(n, m, k, features[l], weights[l], h, { transB: true });
    const z = Float64Array.from(h, spec.activation.value);
    norms.push(spec.renormalise ? rescaleRows(z, n, m, Math.sqrt(m)).map((f) => Math.sqrt(m) / f) : new Float64Array(n).fill(Math.sqrt(m)));
    pre.push(h);
    features.push(z);
    k = m;
  }
  const output = new Float64Array(n * spec.classes);
  gemm(n, spec.classes, k, features[features.length - 1], weights[weights.length - 1], output, { transB: true });
  return { features, pre, norms, output };
}

/** Loss and ∂f/∂o (n×c). */
function lossAndOutputGradient(loss: TrainingLoss, o: Float64Array, labels: Uint8Array, n: number, c: number): { value: number; grad: Float64Array } {
  const grad = new Float64Array(n * c);
  let value = 0;
  for (let s = 0; s < n; s++) {
    const row = s * c;
    if (loss === 'mse') {
      for (let j = 0; j < c; j++) {
        const r = o[row + j] - (labels[s] === j ? 1 : 0);
        value += (r * r) / c;
        grad[row + j] = (2 * r) / (n * c);
      }
    } else {
      let max = -Infinity;
      for (let j = 0; j < c; j++) max = Math.max(max, o[row + j]);
      let sum = 0;
      for (let j = 0; j < c; j++) sum += Math.exp(o[row + j] - max);
      const lse = max + Math.log(sum);
      value += lse - o[row + labels[s]];
      for (let j = 0; j < c; j++) grad[row + j] = (Math.exp(o[row + j] - lse) - (labels[s] === j ? 1 : 0)) / n;
    }
  }
  return { value: value / n, grad };
}

function backward(spec: TrainingSpec, weights: Float64Array[], cache: ForwardCache, outGrad: Float64Array, n: number): Float64Array[] {
  const L = weights.length;
  const grads = weights.map((w) => new Float64Array(w.length));
  let delta = outGrad;
  let m = spec.classes;
  for (let l = L - 1; l >= 0; l--) {
    const input = cache.features[l];
    const k = l === 0 ? spec.inputDim : spec.hidden[l - 1];
    gemm(m, k, n, delta, input, grads[l], { transA: true });
    if (l === 0) break;
    const dz = new Float64Array(n * k);
    gemm(n, k, m, delta, weights[l], dz);
    const h = cache.pre[l - 1];
    const z = input;
    if (spec.renormalise) {
      // z = √k·u/‖u‖: ∂z/∂u = (√k/‖u‖)(I − ẑẑᵀ), ẑ = z/√k.
      for (let s = 0; s < n; s++) {
        let proj = 0;
        for (let j = 0; j < k; j++) proj += dz[s * k + j] * z[s * k + j];
        proj /= k;
        const scale = Math.sqrt(k) / cache.norms[l - 1][s];
        for (let j = 0; j < k; j++) dz[s * k + j] = scale * (dz[s * k + j] - proj * z[s * k + j]);
      }
    }
    for (let i = 0; i < n * k; i++) dz[i] *= spec.activation.derivative(h[i]);
    delta = dz;
    m = k;
  }
  return grads;
}

/** Trains from Kaiming-Gaussian weights drawn from `rng`; x (n×inputDim) already scaled, labels in [0, classes). */
export function trainWideNet(spec: TrainingSpec, x: Float64Array, labels: Uint8Array, n: number, rng: Rng): TrainingTrace {
  const weights = kaimingWeights(spec.inputDim, [...spec.hidden, spec.classes], rng);
  const L = weights.length;
  const w = spec.hidden[spec.hidden.length - 1];
  const c = spec.classes;
  const gPhi = spec.activation.lipschitz;
  const epochs: EpochRecord[] = [];
  let h0: Float64Array | null = null;
  let sqrtLambda0 = 0;
  let lipschitz = 0;
  for (let epoch = 0; epoch <= spec.epochs; epoch++) {
    const cache = forward(spec, weights, x, n);
    const { value, grad } = lossAndOutputGradient(spec.loss, cache.output, labels, n, c);
    const phi = cache.features[L - 1];
    const spectrum = gramSpectrum(phi, n, w);
    const hLast = cache.pre[L - 2];
    if (h0 === null) {
      h0 = Float64Array.from(hLast);
      sqrtLambda0 = Math.sqrt(spectrum.lambdaMin);
    }
    let distance = 0;
    for (let i = 0; i < hLast.length; i++) distance += (hLast[i] - h0[i]) ** 2;
    distance = Math.sqrt(distance);
    // Every layer's ‖W‖₂ enters the Lipschitz estimate (MSE); Lemma 9 needs only the output layer's.
    const norm = (l: number): number => spectralNorm(weights[l], l === L - 1 ? c : spec.hidden[l], l === 0 ? spec.inputDim : spec.hidden[l - 1]);
    const layerNorms = spec.loss === 'mse' ? weights.map((_, l) => norm(l)) : [];
    const outputWeightNorm = spec.loss === 'mse' ? layerNorms[L - 1] : norm(L - 1);
    const record: EpochRecord = {
      epoch,
      loss: value,
      lambdaMin: spectrum.lambdaMin,
      lambdaMax: spectrum.lambdaMax,
      logCondition: spectrum.logCondition,
      outputWeightNorm,
      inputDistance: distance,
      lemma9: sqrtLambda0 - outputWeightNorm * gPhi * distance,
      mu: null,
      smoothness: null,
      gamma: null,
      lipschitz: null,
      generalisationBound: null,
      weakPlLipschitz: null,
      distanceEstimate: null,
    };
    if (spec.loss === 'mse') {
      const mu = (2 * spectrum.lambdaMin) / (n * c);
      const smoothness = (2 * spectrum.lambdaMax) / n;
      lipschitz = Math.max(lipschitz, compositionLipschitz(cache, grad, layerNorms, gPhi, n, c, spec));
      const twoG2OverMu = (2 * lipschitz * lipschitz) / mu;
      const beta = 2 * Math.sqrt(Math.max(value, 0)) * Math.sqrt(twoG2OverMu) + twoG2OverMu / (n - 1);
      const M = spec.lossRange;
      record.mu = mu;
      record.smoothness = smoothness;
      record.gamma = 1 - mu / smoothness;
      record.lipschitz = lipschitz;
      record.generalisationBound = Math.sqrt((M * M + 12 * M * n * beta) / (2 * n * spec.delta));
    } else {
      const weakPl = lemma17CrossEntropy({ gap: value, lambdaMin: spectrum.lambdaMin, lambdaMax: spectrum.lambdaMax, n });
      record.mu = weakPl.mu;
      record.smoothness = weakPl.smoothness;
      record.gamma = weakPl.gamma;
      record.weakPlLipschitz = weakPl.lipschitz;
      record.distanceEstimate = weakPl.distance;
    }
    epochs.push(record);
    if (epoch === spec.epochs) break;
    const grads = backward(spec, weights, cache, grad, n);
    for (let l = 0; l < L; l++) {
      const wl = weights[l];
      const gl = grads[l];
      for (let i = 0; i < wl.length; i++) wl[i] -= spec.learningRate * gl[i];
    }
  }
  const ratios: number[] = [];
  const cumulativeRatios: number[] = [];
  let product = 1;
  for (let k = 0; k < spec.epochs; k++) {
    const gamma = epochs[k].gamma!;
    const ratio = gamma > 0 ? epochs[k + 1].loss / (gamma * epochs[k].loss) : NaN;
    product *= ratio;
    ratios.push(ratio);
    cumulativeRatios.push(product);
  }
  return { epochs, ratios, cumulativeRatios };
}

/** App. E's composition bound on max_ν ‖∇_θ ℓ(o_ν, y_ν)‖ at the current point (see the module comment). */
function compositionLipschitz(cache: ForwardCache, outGrad: Float64Array, layerNorms: number[], gPhi: number, n: number, c: number, spec: TrainingSpec): number {
  const L = layerNorms.length;
  let best = 0;
  for (let s = 0; s < n; s++) {
    // G_ℓ = ‖∂ℓ_ν/∂o‖ = n·‖∂f/∂o_ν‖.
    let gl = 0;
    for (let j = 0; j < c; j++) gl += (n * outGrad[s * c + j]) ** 2;
    gl = Math.sqrt(gl);
    let sum = 0;
    let chain = 1;
    for (let i = L - 1; i >= 0; i--) {
      const k = i === 0 ? spec.inputDim : spec.hidden[i - 1];
      let zsq = 0;
      const z = cache.features[i];
      for (let j = 0; j < k; j++) zsq += z[s * k + j] ** 2;
      sum += zsq * chain * chain;
      if (i > 0) {
        const m = spec.hidden[i - 1];
        const renorm = spec.renormalise ? Math.sqrt(m) / cache.norms[i - 1][s] : 1;
        chain *= layerNorms[i] * gPhi * renorm;
      }
    }
    best = Math.max(best, gl * Math.sqrt(sum));
  }
  return best;
}

/** The loss and its gradient with respect to every layer's weights (for tests and checks). */
export function lossAndGradient(spec: TrainingSpec, weights: Float64Array[], x: Float64Array, labels: Uint8Array, n: number): { loss: number; gradients: Float64Array[] } {
  const cache = forward(spec, weights, x, n);
  const { value, grad } = lossAndOutputGradient(spec.loss, cache.output, labels, n, spec.classes);
  return { loss: value, gradients: backward(spec, weights, cache, grad, n) };
}
