/**
 * Activations normalised as in Agarwal, Awasthi & Kale (2020), the convention of wc2022 §6: for
 * Z ~ N(0, 1), E[σ(Z)] = 0 and E[σ(Z)²] = 1. Centring is what makes their conditioning argument work:
 * the dual activation σ̂(ρ) = E[σ(X)σ(Y)], (X, Y) standard normal with correlation ρ, then has
 * σ̂(0) = 0 and σ̂(1) = 1, so off-diagonal correlations contract layer by layer (σ̂(ρ) < |ρ| for a
 * non-linear σ) while the diagonal stays 1. Two counterfactuals are provided: `relu-uncentred`, the
 * He-normalised √2·max(z, 0) (E σ² = 1 but E σ = 1/√π ≠ 0; its dual has σ̂(0) = 1/π and the fixed
 * point ρ = 1: correlations grow), and `identity` (σ̂(ρ) = ρ: no contraction at all).
 *
 * Duals: ReLU in closed form (the degree-1 arc-cosine kernel of Cho & Saul, affinely normalised); tanh
 * by its Hermite expansion σ̂(ρ) = Σ_k c_k² ρ^k with c_k = E[σ(Z) He_k(Z)]/√(k!) from Gauss–Hermite
 * quadrature, truncated where the neglected mass 1 − Σ c_k² (an upper bound on the error for |ρ| ≤ 1)
 * is below 1e-12.
 */
import { eighTridiagonal } from './eigh';

export const WIDE_ACTIVATIONS = ['relu', 'tanh', 'relu-uncentred', 'identity'] as const;
export type WideActivation = (typeof WIDE_ACTIVATIONS)[number];

export interface NormalisedActivation {
  name: WideActivation;
  value(z: number): number;
  derivative(z: number): number;
  /** Lipschitz constant G_φ = sup |σ'|. */
  lipschitz: number;
  /** R_φ = sup |σ''| where σ is twice differentiable (0 for piecewise-linear σ). */
  curvature: number;
  /** σ̂(ρ) for ρ ∈ [−1, 1]. */
  dual(rho: number): number;
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
/** Var max(Z, 0) = 1/2 − 1/(2π). */
const RELU_STD = Math.sqrt(0.5 - 1 / (2 * Math.PI));

/** (√(1−ρ²) + (π − arccos ρ)ρ)/π = 2·E[max(X,0)max(Y,0)]: the degree-1 arc-cosine kernel with κ(1) = 1. */
export function arcCosine1(rho: number): number {
  const r = Math.max(-1, Math.min(1, rho));
  return (Math.sqrt(Math.max(0, 1 - r * r)) + (Math.PI - Math.acos(r)) * r) / Math.PI;
}

/** Nodes and weights of the N-point Gauss–Hermite rule for the standard normal density (Golub–Welsch). */
export function gaussHermite(points: number): { nodes: Float64Array; weights: Float64Array } {
  const off = Float64Array.from({ length: points - 1 }, (_, k) => Math.sqrt(k + 1));
  const { values, vectors } = eighTridiagonal(new Float64Array(points), off);
  const weights = Float64Array.from({ length: points }, (_, j) => vectors![j] ** 2);
  return { nodes: values, weights };
}

/**
 * Squared normalised Hermite coefficients c_k² of σ, k = 0…, until the remaining mass E[σ²] − Σ c_k²
 * is below `tail`. Uses h_k = He_k/√(k!) by the stable recurrence h_{k+1} = (x h_k − √k h_{k−1})/√(k+1).
 */
export function hermiteCoefficientsSquared(sigma: (z: number) => number, options: { points?: number; tail?: number; maxDegree?: number } = {}): { c2: Float64Array; tail: number } {
  const { points = 240, tail = 1e-12, maxDegree = 400 } = options;
  const { nodes, weights } = gaussHermite(points);
  const f = Float64Array.from(nodes, sigma);
  let second = 0;
  for (let j = 0; j < points; j++) second += weights[j] * f[j] * f[j];
  let hPrev = new Float64Array(points);
  let h = new Float64Array(points).fill(1);
  const c2: number[] = [];
  let mass = 0;
  for (let k = 0; k <= maxDegree; k++) {
    let c = 0;
    for (let j = 0; j < points; j++) c += weights[j] * f[j] * h[j];
    c2.push(c * c);
    mass += c * c;
    if (second - mass < tail) break;
    const next = new Float64Array(points);
    for (let j = 0; j < points; j++) next[j] = (nodes[j] * h[j] - Math.sqrt(k) * hPrev[j]) / Math.sqrt(k + 1);
    hPrev = h;
    h = next;
  }
  return { c2: Float64Array.from(c2), tail: Math.max(0, second - mass) };
}

function seriesDual(c2: Float64Array): (rho: number) => number {
  return (rho) => {
    let s = 0;
    for (let k = c2.length - 1; k >= 0; k--) s = s * rho + c2[k];
    return s;
  };
}

let tanhCache: NormalisedActivation | null = null;

function tanhActivation(): NormalisedActivation {
  if (tanhCache) return tanhCache;
  const { nodes, weights } = gaussHermite(240);
  let second = 0;
  for (let j = 0; j < nodes.length; j++) second += weights[j] * Math.tanh(nodes[j]) ** 2;
  const scale = 1 / Math.sqrt(second);
  const value = (z: number): number => scale * Math.tanh(z);
  const { c2 } = hermiteCoefficientsSquared(value);
  tanhCache = {
    name: 'tanh',
    value,
    derivative: (z) => scale * (1 - Math.tanh(z) ** 2),
    lipschitz: scale,
    // max |tanh''| = 4/(3√3), at tanh z = 1/√3.
    curvature: (scale * 4) / (3 * Math.sqrt(3)),
    dual: seriesDual(c2),
  };
  return tanhCache;
}

export function normalisedActivation(name: WideActivation): NormalisedActivation {
  switch (name) {
    case 'relu':
      return {
        name,
        value: (z) => (Math.max(z, 0) - INV_SQRT_2PI) / RELU_STD,
        derivative: (z) => (z > 0 ? 1 / RELU_STD : 0),
        lipschitz: 1 / RELU_STD,
        curvature: 0,
        // (E[relu relu] − (E relu)²)/Var relu with E[relu relu] = arcCosine1/2: (π·κ1 − 1)/(π − 1).
        dual: (rho) => (Math.PI * arcCosine1(rho) - 1) / (Math.PI - 1),
      };
    case 'relu-uncentred':
      return {
        name,
        value: (z) => Math.SQRT2 * Math.max(z, 0),
        derivative: (z) => (z > 0 ? Math.SQRT2 : 0),
        lipschitz: Math.SQRT2,
        curvature: 0,
        dual: arcCosine1,
      };
    case 'tanh':
      return tanhActivation();
    case 'identity':
      return { name, value: (z) => z, derivative: () => 1, lipschitz: 1, curvature: 0, dual: (rho) => rho };
    default:
      throw new RangeError(`unknown activation '${String(name)}'; known: ${WIDE_ACTIVATIONS.join(', ')}`);
  }
}
