/**
 * Training objective of an MLP on a fixed data set, as a function of the flat parameters θ: loss,
 * gradient (reverse mode), exact Hessian-vector products (Pearlmutter's R-operator, i.e.
 * forward-over-reverse) and the full Hessian.
 *
 * Everything is batched: per layer the pre-activations z, activations a, σ'(z), σ''(z), back-propagated
 * errors δ = ∂L/∂z and their tangents are n×width row-major buffers allocated once per objective, in
 * one `float64Workspace`, so that each layer's products are single `gemm` calls without copies. The
 * θ-dependent part of an HVP (forward pass, σ', σ'', δ) is cached and reused while θ keeps the same
 * entries, so repeated HVPs at one point (Lanczos, power iteration, the full Hessian) and a gradient
 * followed by HVPs cost one forward/backward pass in all. The cache compares entries, not identity, so
 * mutating θ in place between calls is safe. Methods are synchronous and return fresh arrays.
 *
 * Non-finite θ or data are not rejected: the loss comes out NaN or ±Inf, as do the derivatives.
 */

import { activate, activateWithDerivatives } from './activations';
import { hadamard, tangentUpdate } from '../numerics/elementwise';
import { float64Workspace } from '../numerics/gemm';
import { accumulateLayerGradient, affineRows, backpropRows } from './kernels';
import { type LossSpec, lossGradient, lossHvp, lossValue } from './losses';
import { type MlpSpec, checkLength, parameterCount, parameterLayout } from './mlp';

export interface Dataset64 {
  n: number;
  inputDim: number;
  outputDim: number;
  /** n×inputDim, row-major. */
  x: Float64Array;
  /** n×outputDim, row-major. */
  y: Float64Array;
}

export interface Objective {
  /** Number of parameters. */
  readonly dim: number;
  loss(theta: Float64Array): number;
  lossAndGradient(theta: Float64Array): { loss: number; gradient: Float64Array };
  /** Exact H(θ)·v by the R-operator (no finite differences). */
  hvp(theta: Float64Array, v: Float64Array): Float64Array;
  /** dim×dim, row-major, symmetrised as (H + Hᵀ)/2. */
  hessian(theta: Float64Array): Float64Array;
}

/**
 * The objective data loss + l2·‖θ‖² of `net` on `data`. The data are copied, so later changes to
 * `data` do not affect the objective.
 */
export function mlpObjective(net: MlpSpec, loss: LossSpec, data: Dataset64): Objective {
  const layers = parameterLayout(net);
  const dim = parameterCount(net);
  const depth = layers.length;
  const { n, inputDim, outputDim } = data;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`data.n must be a positive integer, got ${n}`);
  if (inputDim !== layers[0].inDim || outputDim !== layers[depth - 1].outDim) {
    throw new RangeError(
      `data is ${inputDim}→${outputDim} but the network is ${layers[0].inDim}→${layers[depth - 1].outDim}`,
    );
  }
  checkLength('data.x', data.x, n * inputDim);
  checkLength('data.y', data.y, n * outputDim);
  const l2 = loss.l2 ?? 0;
  if (!Number.isFinite(l2)) throw new RangeError(`l2 must be finite, got ${l2}`);
  const kind = loss.kind;
  const activation = net.activation;
  const y = Float64Array.from(data.y);
  // Row softmax of the outputs at the prepared θ (cross-entropies), reused by every HVP there.
  const probabilities = kind === 'softmax-ce-sum' || kind === 'softmax-ce-mean' ? new Float64Array(n * outputDim) : undefined;

  const isHidden = (l: number): boolean => l < depth - 1;
  const inDims = layers.map((layer) => layer.inDim);
  const outDims = layers.map((layer) => layer.outDim);
  const weightOffsets = layers.map((layer) => layer.weightOffset);
  const biasOffsets = layers.map((layer) => layer.biasOffset ?? -1);
  // Weights and bias of a layer are contiguous in θ, so a layer's block is [weightOffset, blockEnd).
  const blockEnds = layers.map((_, l) => (l + 1 < depth ? layers[l + 1].weightOffset : dim));

  // Every buffer a matrix product touches lives in one workspace, so that gemm runs in place: the
  // data, θ and v as the kernels read them (copied in per call), the accumulated gradient or H·v, and
  // the per-layer n×width buffers below.
  const widest = Math.max(...outDims);
  const layerSizes = (onlyHidden: boolean): number[] => outDims.map((width, l) => (onlyHidden && !isHidden(l) ? 0 : n * width));
  const sizes = {
    x: [n * inputDim],
    params: [dim, dim, dim, dim], // θ of the prepared state, θ of loss(), v, the output
    z: layerSizes(false),
    a: layerSizes(true), // the output layer is linear: its activation is z itself
    d1: layerSizes(true),
    d2: layerSizes(true),
    delta: layerSizes(false), // ∂L/∂z
    gradA: layerSizes(true), // ∂L/∂a, kept for the σ'' term of R{δ}
    rz: layerSizes(false), // R{z}
    ra: layerSizes(true), // R{a}
    rdelta: layerSizes(false), // R{δ}
    scratch: [n * widest, n * widest], // ping-pong buffers of loss(), which leaves the cached state intact
  };
  const views = float64Workspace(Object.values(sizes).flat());
  const take = (count: number): Float64Array[] => views.splice(0, count);
  const [x] = take(1);
  x.set(data.x);
  const [preparedTheta, lossTheta, vWork, outWork] = take(4);
  const z = take(depth);
  const a = take(depth).map((al, l) => (isHidden(l) ? al : z[l]));
  const d1 = take(depth);
  const d2 = take(depth);
  const delta = take(depth);
  const gradA = take(depth);
  const rz = take(depth);
  const ra = take(depth);
  const rdelta = take(depth);
  const scratch = take(2);
  const inputs = [x, ...a.slice(0, depth - 1)];
  const lossBuffers = outDims.map((width, l) => scratch[l % 2].subarray(0, n * width));
  let prepared = false;
  let preparedLoss = NaN;
  const touched = new Array<boolean>(depth).fill(false);
  const live = new Array<boolean>(depth).fill(false);

  const penalty = (theta: Float64Array): number => {
    if (l2 === 0) return 0;
    let sum = 0;
    for (let k = 0; k < dim; k++) sum += theta[k] * theta[k];
    return l2 * sum;
  };

  /** Forward pass with σ', σ'', then the loss gradient and back-propagation of δ. */
  const prepare = (theta: Float64Array): void => {
    if (prepared && sameEntries(theta, preparedTheta)) return;
    prepared = false;
    preparedTheta.set(theta);
    theta = preparedTheta;
    for (let l = 0; l < depth; l++) {
      affineRows(inputs[l], n, inDims[l], outDims[l], theta, weightOffsets[l], biasOffsets[l], z[l], false);
      if (isHidden(l)) activateWithDerivatives(activation, z[l], a[l], d1[l], d2[l]);
    }
    const dataLoss = lossGradient(kind, z[depth - 1], y, n, outputDim, delta[depth - 1], probabilities);
    for (let l = depth - 1; l > 0; l--) {
      const g = gradA[l - 1];
      const d = delta[l - 1];
      const s1 = d1[l - 1];
      backpropRows(delta[l], n, inDims[l], outDims[l], theta, weightOffsets[l], g, false);
      hadamard(g, s1, d);
    }
    preparedLoss = dataLoss + penalty(theta);
    prepared = true;
  };

  /**
   * Adds H·v to `out`, given the state prepared at θ; v and out are workspace buffers. Tangents are propagated only from the first layer
   * that v touches, and a layer's v-terms only where its block of v is non-zero, which makes the
   * unit-vector products of the full Hessian cheaper.
   */
  const hessianVectorInto = (v: Float64Array, out: Float64Array): void => {
    const theta = preparedTheta;
    let anyTouched = false;
    for (let l = 0; l < depth; l++) {
      touched[l] = !isZeroRange(v, weightOffsets[l], blockEnds[l]);
      // R{z} = R{a_in}·Wᵀ + a_in·Vᵀ + c, where (V, c) is this layer's block of v.
      if (anyTouched) affineRows(ra[l - 1], n, inDims[l], outDims[l], theta, weightOffsets[l], -1, rz[l], false);
      if (touched[l]) {
        affineRows(inputs[l], n, inDims[l], outDims[l], v, weightOffsets[l], biasOffsets[l], rz[l], anyTouched);
      }
      anyTouched ||= touched[l];
      live[l] = anyTouched;
      if (anyTouched && isHidden(l)) hadamard(d1[l], rz[l], ra[l]);
    }
    if (anyTouched) {
      lossHvp(kind, z[depth - 1], y, n, outputDim, rz[depth - 1], rdelta[depth - 1], probabilities);
      for (let l = depth - 1; l >= 0; l--) {
        // R{∇W} = R{δ}ᵀ·a_in + δᵀ·R{a_in};  R{∇b} = Σ_s R{δ}.
        accumulateLayerGradient(rdelta[l], inputs[l], n, inDims[l], outDims[l], out, weightOffsets[l], biasOffsets[l]);
        if (l === 0) break;
        if (live[l - 1]) accumulateLayerGradient(delta[l], ra[l - 1], n, inDims[l], outDims[l], out, weightOffsets[l], -1);
        // R{∂L/∂a_in} = R{δ}·W + δ·V, then R{δ_in} = R{∂L/∂a_in}⊙σ' + ∂L/∂a_in⊙σ''⊙R{z_in}.
        const r = rdelta[l - 1];
        backpropRows(rdelta[l], n, inDims[l], outDims[l], theta, weightOffsets[l], r, false);
        if (touched[l]) backpropRows(delta[l], n, inDims[l], outDims[l], v, weightOffsets[l], r, true);
        if (live[l - 1]) tangentUpdate(r, d1[l - 1], gradA[l - 1], d2[l - 1], rz[l - 1]);
        else hadamard(r, d1[l - 1], r);
      }
    }
    if (l2 !== 0) for (let k = 0; k < dim; k++) out[k] += 2 * l2 * v[k];
  };

  return {
    dim,

    loss(theta) {
      checkLength('theta', theta, dim);
      if (prepared && sameEntries(theta, preparedTheta)) return preparedLoss;
      lossTheta.set(theta);
      theta = lossTheta;
      let input = x;
      for (let l = 0; l < depth; l++) {
        const out = lossBuffers[l];
        affineRows(input, n, inDims[l], outDims[l], theta, weightOffsets[l], biasOffsets[l], out, false);
        if (isHidden(l)) activate(activation, out, out);
        input = out;
      }
      return lossValue(kind, input, y, n, outputDim) + penalty(theta);
    },

    lossAndGradient(theta) {
      checkLength('theta', theta, dim);
      prepare(theta);
      outWork.fill(0);
      for (let l = 0; l < depth; l++) {
        accumulateLayerGradient(delta[l], inputs[l], n, inDims[l], outDims[l], outWork, weightOffsets[l], biasOffsets[l]);
      }
      const gradient = outWork.slice();
      if (l2 !== 0) for (let k = 0; k < dim; k++) gradient[k] += 2 * l2 * theta[k];
      return { loss: preparedLoss, gradient };
    },

    hvp(theta, v) {
      checkLength('theta', theta, dim);
      checkLength('v', v, dim);
      prepare(theta);
      vWork.set(v);
      outWork.fill(0);
      hessianVectorInto(vWork, outWork);
      return outWork.slice();
    },

    // Row j is H·e_j: dim exact HVPs sharing one forward/backward pass, which is cheap for the small
    // networks whose full Hessian is wanted (cost ≈ dim × one tangent pass).
    hessian(theta) {
      checkLength('theta', theta, dim);
      prepare(theta);
      const h = new Float64Array(dim * dim);
      vWork.fill(0);
      for (let j = 0; j < dim; j++) {
        vWork[j] = 1;
        outWork.fill(0);
        hessianVectorInto(vWork, outWork);
        h.set(outWork, j * dim);
        vWork[j] = 0;
      }
      for (let i = 0; i < dim; i++) {
        for (let j = i + 1; j < dim; j++) {
          const mean = 0.5 * (h[i * dim + j] + h[j * dim + i]);
          h[i * dim + j] = mean;
          h[j * dim + i] = mean;
        }
      }
      return h;
    },
  };
}

/** Entry-wise equality; NaN never equals, so a θ with NaN is simply recomputed. */
function sameEntries(u: Float64Array, v: Float64Array): boolean {
  for (let k = 0, m = u.length; k < m; k++) if (u[k] !== v[k]) return false;
  return true;
}

function isZeroRange(v: Float64Array, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (v[k] !== 0) return false;
  return true;
}
