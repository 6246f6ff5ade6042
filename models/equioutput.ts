/**
 * The nearest equioutput image of a weight vector (Chen, Lu & Hecht-Nielsen 1993). In a one-hidden-layer
 * MLP with an odd activation (tanh), permuting the hidden units and flipping the signs of some of them
 * (incoming weights, bias and outgoing weights together) leaves the network function unchanged. Of all
 * #G = M!·2^M images g(θ*) of a reference θ*, the nearest to θ in Euclidean distance is found exactly as a
 * linear assignment: unit i of θ is matched to unit j of θ* at cost min_s ‖uᵢ − s·u*ⱼ‖² over s = ±1, where
 * u is a unit's (incoming weights, bias, outgoing weights); the output biases are common to every image.
 */
import { minimumAssignment } from '../numerics/assignment';
import { type MlpSpec, checkLength, parameterCount, parameterLayout } from './mlp';

export interface NearestImage {
  /** ‖θ − g(θ*)‖ for the nearest image g(θ*). */
  distance: number;
  /** That image. */
  image: Float64Array;
  /** Unit i of the image is s[i]·(unit permutation[i] of θ*). */
  permutation: number[];
  signs: number[];
}

export function nearestEquioutputImage(net: MlpSpec, theta: Float64Array, reference: Float64Array): NearestImage {
  const layout = parameterLayout(net);
  if (layout.length !== 2) throw new RangeError(`the nearest image is exact for one hidden layer; got ${layout.length - 1}`);
  const dim = parameterCount(net);
  checkLength('theta', theta, dim);
  checkLength('reference', reference, dim);
  const [hidden, output] = layout;
  const m = hidden.outDim;
  // Indices in θ of every entry of hidden unit i: its incoming row, its bias, its outgoing column.
  const unit = (i: number): number[] => [
    ...Array.from({ length: hidden.inDim }, (_, c) => hidden.weightOffset + i * hidden.inDim + c),
    ...(hidden.biasOffset === null ? [] : [hidden.biasOffset + i]),
    ...Array.from({ length: output.outDim }, (_, r) => output.weightOffset + r * output.inDim + i),
  ];
  const units = Array.from({ length: m }, (_, i) => unit(i));
  const cost = new Float64Array(m * m);
  const flip = new Int8Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      let same = 0;
      let opposite = 0;
      units[i].forEach((p, k) => {
        const q = units[j][k];
        same += (theta[p] - reference[q]) ** 2;
        opposite += (theta[p] + reference[q]) ** 2;
      });
      cost[i * m + j] = Math.min(same, opposite);
      flip[i * m + j] = opposite < same ? 1 : 0;
    }
  }
  const { assignment } = minimumAssignment(cost, m);
  const image = Float64Array.from(reference);
  const signs = assignment.map((j, i) => (flip[i * m + j] ? -1 : 1));
  assignment.forEach((j, i) => units[i].forEach((p, k) => (image[p] = signs[i] * reference[units[j][k]])));
  let squared = 0;
  for (let k = 0; k < dim; k++) squared += (theta[k] - image[k]) ** 2;
  return { distance: Math.sqrt(squared), image, permutation: assignment, signs };
}
