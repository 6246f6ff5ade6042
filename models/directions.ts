/**
 * Directions and low-dimensional slices through parameter space for loss-landscape plots, in float64
 * over the tfjs engine's flat layout (models/tfjs/layout.ts).
 *
 * Filter normalisation (Li, Xu, Taylor, Studer & Goldstein 2018, §4): a random Gaussian direction d is
 * rescaled filter by filter so that each filter of d has the norm of the same filter of θ. In a dense
 * layer a filter is one neuron's incoming weight row W[o][·]. Biases and batch-norm scales and shifts
 * get 0 in the direction, as in Li et al.'s code (`ignore='biasbn'`): the plot then moves only the
 * weights, whose scale is what batch normalisation makes arbitrary and filter normalisation removes.
 */
import { type TfjsMlpSpec, tfjsParameterCount, tfjsParameterLayout } from './tfjs/layout';
import type { Rng } from '../harness/rng';

/** One filter: the `length` weights of θ starting at `offset`. */
interface Filter {
  offset: number;
  length: number;
}

/** Every neuron's incoming weight row, layer by layer, in θ order. */
function filters(spec: TfjsMlpSpec): Filter[] {
  return tfjsParameterLayout(spec).flatMap(({ inDim, outDim, weightOffset }) =>
    Array.from({ length: outDim }, (_, o) => ({ offset: weightOffset + o * inDim, length: inDim })),
  );
}

/**
 * The filter-normalised version of `raw`: each filter of `raw` scaled to the norm of the same filter of
 * θ, every other entry 0. A filter of θ that is zero gives a zero filter; a zero filter of `raw` against
 * a non-zero one of θ cannot be scaled and is an error.
 */
export function filterNormalise(spec: TfjsMlpSpec, theta: ArrayLike<number>, raw: ArrayLike<number>): Float64Array {
  checkLengths(spec, { theta, raw });
  const direction = new Float64Array(raw.length);
  for (const { offset, length } of filters(spec)) {
    const target = filterNorm(theta, offset, length);
    const current = filterNorm(raw, offset, length);
    if (target === 0) continue;
    if (current === 0) throw new RangeError(`the direction's filter at θ[${offset}] is zero and cannot be scaled to ${target}`);
    for (let k = offset; k < offset + length; k++) direction[k] = (raw[k] * target) / current;
  }
  return direction;
}

/**
 * Orthogonalises `raw` against `against` filter by filter (Gram–Schmidt within each filter), then filter-
 * normalises it to θ. Because every filter is orthogonal to the same filter of `against` and all other
 * entries are 0, the result is both orthogonal to `against` and filter-normalised. A filter of a single
 * weight has no orthogonal complement, so it is an error.
 */
export function orthogonalFilterNormalised(
  spec: TfjsMlpSpec,
  theta: ArrayLike<number>,
  raw: ArrayLike<number>,
  against: ArrayLike<number>,
): Float64Array {
  checkLengths(spec, { theta, raw, against });
  const projected = Float64Array.from(raw);
  for (const { offset, length } of filters(spec)) {
    const size = filterNorm(against, offset, length) ** 2;
    if (size === 0) continue;
    if (length === 1 && filterNorm(theta, offset, length) > 0) {
      throw new RangeError(`the filter at θ[${offset}] has one weight: it cannot be orthogonal to another non-zero filter`);
    }
    let overlap = 0;
    for (let k = offset; k < offset + length; k++) overlap += raw[k] * against[k];
    for (let k = offset; k < offset + length; k++) projected[k] -= (overlap / size) * against[k];
  }
  return filterNormalise(spec, theta, projected);
}

/**
 * Two filter-normalised directions spanning a plane through θ, the second orthogonal to the first
 * (Li et al. rely on two random directions being nearly orthogonal in high dimension; we make it exact
 * so that the plot's axes are a true Cartesian frame). `raw` gives the two Gaussian draws, so that two
 * networks of one layout can be sliced along the same random draws.
 */
export function filterNormalisedPlane(spec: TfjsMlpSpec, theta: ArrayLike<number>, raw: [ArrayLike<number>, ArrayLike<number>]): [Float64Array, Float64Array] {
  const first = filterNormalise(spec, theta, raw[0]);
  return [first, orthogonalFilterNormalised(spec, theta, raw[1], first)];
}

/** A standard-normal vector of θ's length for the spec, to be filter-normalised. */
export function gaussianDirection(spec: TfjsMlpSpec, rng: Rng): Float64Array {
  return Float64Array.from({ length: tfjsParameterCount(spec) }, () => rng.normal());
}

/** θ + α·d₁ + β·d₂: a point of the 2-D slice (β = 0 with any d₂ gives the 1-D slice along d₁). */
export function planePoint(centre: ArrayLike<number>, d1: ArrayLike<number>, d2: ArrayLike<number>, alpha: number, beta: number): Float64Array {
  if (d1.length !== centre.length || d2.length !== centre.length) {
    throw new RangeError(`directions of lengths ${d1.length} and ${d2.length} for a centre of length ${centre.length}`);
  }
  return Float64Array.from({ length: centre.length }, (_, k) => centre[k] + alpha * d1[k] + beta * d2[k]);
}

/** (1 − t)·θ_a + t·θ_b: the straight line from θ_a (t = 0) to θ_b (t = 1), as in Goodfellow et al. 2015. */
export function interpolate(a: ArrayLike<number>, b: ArrayLike<number>, t: number): Float64Array {
  if (a.length !== b.length) throw new RangeError(`endpoints of lengths ${a.length} and ${b.length}`);
  return Float64Array.from({ length: a.length }, (_, k) => (1 - t) * a[k] + t * b[k]);
}

function filterNorm(v: ArrayLike<number>, offset: number, length: number): number {
  let sum = 0;
  for (let k = offset; k < offset + length; k++) sum += v[k] * v[k];
  return Math.sqrt(sum);
}

function checkLengths(spec: TfjsMlpSpec, vectors: Record<string, ArrayLike<number>>): void {
  const dim = tfjsParameterCount(spec);
  for (const [name, v] of Object.entries(vectors)) {
    if (v.length !== dim) throw new RangeError(`${name} has length ${v.length}, expected ${dim}`);
  }
}
