/**
 * Classifying where a descent stalled (Hamey 1998's question: is a stall with error a local minimum?).
 *
 * A stall is a **strict local minimum** only if (1) the gradient vanishes, (2) the Hessian is positive
 * definite beyond noise and (3) no non-ascending escape lowers the error. The escapes tried are the ones
 * Hamey's trajectories take: continued gradient descent, and rays from the stall along the eigenvectors of
 * the smallest Hessian eigenvalues (negative curvature of a saddle, flat directions of a plateau) and
 * along ±θ (growing or shrinking every weight: the saturating directions of sigmoid units), each followed
 * only as far as the error does not rise. Classes:
 * - `saddle`: some eigenvalue is below −noise;
 * - `plateau`: no eigenvalue below −noise, and an escape lowered the error (a saturation plateau or an
 *   asymptotic descent, not a minimum);
 * - `strict-minimum`: stationary, positive definite beyond noise, no escape;
 * - `unresolved`: none of these (stationary or not, no negative curvature, no escape found, not positive
 *   definite beyond noise): a candidate non-strict minimum.
 * Pure function of an objective and a point.
 */
import type { Objective } from '../models';
import { eigh } from './eigh';

export const STALL_CLASSES = ['saddle', 'plateau', 'strict-minimum', 'unresolved'] as const;
export type StallClass = (typeof STALL_CLASSES)[number];

export interface StallOptions {
  /** Stationary when ‖∇L‖₂ is at most this. */
  gradientTolerance: number;
  /** Eigenvalues within ±curvatureTolerance·max(1, λmax) count as zero (the noise level of λ). */
  curvatureTolerance: number;
  /** Gradient-descent steps of the continued-descent escape, at `learningRate`. */
  descentSteps: number;
  learningRate: number;
  /** Eigenvectors of this many smallest eigenvalues give ray probes (both signs), besides ±θ/‖θ‖. */
  rayDirections: number;
  /** Ray points s = rayStart·2^k, k = 0 … raySteps − 1. */
  rayStart: number;
  raySteps: number;
  /** An escape must lower the error by more than this (absolute): beyond float64 rounding of L. */
  escapeDrop: number;
}

export interface StallReport {
  class: StallClass;
  loss: number;
  gradientNorm: number;
  /** Hessian eigenvalues, ascending. */
  eigenvalues: number[];
  /** The noise level below which |λ| counts as zero. */
  curvatureNoise: number;
  /** Error after the continued descent. */
  descentLoss: number;
  /** The lowest error reached by a ray probe before the error rose, with its direction and distance. */
  ray: { direction: number[]; s: number; loss: number };
}

/** Classifies the stall at θ (see the module comment). */
export function classifyStall(objective: Objective, theta: Float64Array, options: StallOptions): StallReport {
  const n = objective.dim;
  const { loss, gradient } = objective.lossAndGradient(theta);
  const gradientNorm = Math.hypot(...gradient);
  const { values, vectors } = eigh(objective.hessian(theta), n);
  const eigenvalues = Array.from(values);
  const curvatureNoise = options.curvatureTolerance * Math.max(1, eigenvalues[n - 1]);

  let descent = Float64Array.from(theta);
  for (let t = 0; t < options.descentSteps; t++) {
    const g = objective.lossAndGradient(descent).gradient;
    for (let j = 0; j < n; j++) descent[j] -= options.learningRate * g[j];
  }
  const descentLoss = objective.loss(descent);

  const norm = Math.hypot(...theta);
  const directions: number[][] = [];
  for (let k = 0; k < Math.min(options.rayDirections, n); k++) {
    const v = Array.from({ length: n }, (_, j) => (vectors as Float64Array)[j * n + k]);
    directions.push(v, v.map((x) => -x));
  }
  if (norm > 0) directions.push(Array.from(theta, (x) => x / norm), Array.from(theta, (x) => -x / norm));
  let ray = { direction: directions[0] ?? [], s: 0, loss };
  for (const direction of directions) {
    let previous = loss;
    for (let k = 0; k < options.raySteps; k++) {
      const s = options.rayStart * 2 ** k;
      const value = objective.loss(Float64Array.from(theta, (x, j) => x + s * direction[j]));
      if (!(value <= previous)) break; // the ray stops where the error rises: only non-ascending paths count
      previous = value;
      if (value < ray.loss) ray = { direction, s, loss: value };
    }
  }

  const escaped = loss - Math.min(descentLoss, ray.loss) > options.escapeDrop;
  const stationary = gradientNorm <= options.gradientTolerance;
  let cls: StallClass;
  if (eigenvalues[0] < -curvatureNoise) cls = 'saddle';
  else if (escaped) cls = 'plateau';
  else if (stationary && eigenvalues[0] > curvatureNoise) cls = 'strict-minimum';
  else cls = 'unresolved';
  return { class: cls, loss, gradientNorm, eigenvalues, curvatureNoise, descentLoss, ray };
}
