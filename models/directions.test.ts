import { appendBatchNormParameters, tfjsParameterCount, tfjsParameterLayout, type TfjsMlpSpec } from './tfjs/layout';
import { filterNormalise, filterNormalisedPlane, gaussianDirection, interpolate, orthogonalFilterNormalised, planePoint } from './directions';
import { createRng } from '../harness/rng';

const spec: TfjsMlpSpec = { widths: [3, 4, 4, 2], activation: 'relu', batchNorm: true };
const layout = tfjsParameterLayout(spec);
const dim = tfjsParameterCount(spec);

function randomTheta(seed: number): Float64Array {
  const rng = createRng(seed);
  const dense = Float64Array.from({ length: dim - 2 * 8 }, () => rng.normal());
  return appendBatchNormParameters(spec, dense);
}

/** Norms of every neuron's incoming weight row, in θ order. */
function rowNorms(v: ArrayLike<number>): number[] {
  return layout.flatMap(({ inDim, outDim, weightOffset }) =>
    Array.from({ length: outDim }, (_, o) => Math.hypot(...Array.from({ length: inDim }, (_, i) => v[weightOffset + o * inDim + i]))),
  );
}

/** Indices of biases, γ and β. */
function nonWeightIndices(): number[] {
  const weights = new Set(layout.flatMap(({ inDim, outDim, weightOffset }) => Array.from({ length: inDim * outDim }, (_, k) => weightOffset + k)));
  return Array.from({ length: dim }, (_, k) => k).filter((k) => !weights.has(k));
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => Array.from(a).reduce((s, x, k) => s + x * b[k], 0);

describe('filter normalisation', () => {
  const theta = randomTheta(1);
  const raw = gaussianDirection(spec, createRng(2));

  test('each weight row of the direction has the norm of the same row of θ, and points along the raw row', () => {
    const d = filterNormalise(spec, theta, raw);
    rowNorms(d).forEach((norm, r) => expect(norm).toBeCloseTo(rowNorms(theta)[r], 12));
    const { weightOffset, inDim } = layout[1];
    const ratio = d[weightOffset] / raw[weightOffset];
    for (let i = 1; i < inDim; i++) expect(d[weightOffset + i] / raw[weightOffset + i]).toBeCloseTo(ratio, 12);
    expect(ratio).toBeGreaterThan(0);
  });

  test('biases and batch-norm parameters are zero in the direction', () => {
    const d = filterNormalise(spec, theta, raw);
    const others = nonWeightIndices();
    expect(others.length).toBe(dim - layout.reduce((s, l) => s + l.inDim * l.outDim, 0));
    for (const k of others) expect(d[k]).toBe(0);
  });

  test('scales with a filter of θ, so a rescaled filter (which batch norm cannot tell apart) gets a rescaled slice', () => {
    const scaled = Float64Array.from(theta);
    const { weightOffset, inDim } = layout[0];
    for (let i = 0; i < inDim; i++) scaled[weightOffset + i] *= 10;
    const d = filterNormalise(spec, theta, raw);
    const e = filterNormalise(spec, scaled, raw);
    for (let i = 0; i < inDim; i++) expect(e[weightOffset + i]).toBeCloseTo(10 * d[weightOffset + i], 12);
  });

  test('a zero filter of θ stays zero; a zero raw filter against a non-zero one is refused', () => {
    const zeroRow = Float64Array.from(theta).fill(0, 0, 3);
    expect(Array.from(filterNormalise(spec, zeroRow, raw).subarray(0, 3))).toEqual([0, 0, 0]);
    expect(() => filterNormalise(spec, theta, Float64Array.from(raw).fill(0, 0, 3))).toThrow(/zero/);
    expect(() => filterNormalise(spec, theta, raw.subarray(1))).toThrow(/length/);
  });
});

describe('filter-normalised plane', () => {
  test('the two directions are orthogonal and both filter-normalised', () => {
    const theta = randomTheta(3);
    const rng = createRng(4);
    const [d1, d2] = filterNormalisedPlane(spec, theta, [gaussianDirection(spec, rng), gaussianDirection(spec, rng)]);
    expect(Math.abs(dot(d1, d2))).toBeLessThan(1e-12 * dot(d1, d1));
    const target = rowNorms(theta);
    rowNorms(d2).forEach((norm, r) => expect(norm).toBeCloseTo(target[r], 12));
    for (const k of nonWeightIndices()) expect(d2[k]).toBe(0);
  });

  test('a one-weight filter cannot be orthogonalised', () => {
    const narrow: TfjsMlpSpec = { widths: [1, 2], activation: 'tanh' };
    expect(() => orthogonalFilterNormalised(narrow, [1, 1, 0, 0], [1, 2, 0, 0], [3, 4, 0, 0])).toThrow(/one weight/);
  });
});

describe('slices', () => {
  test('planePoint is θ + α d₁ + β d₂', () => {
    expect(Array.from(planePoint([1, 2], [1, 0], [0, 1], 0.5, -2))).toEqual([1.5, 0]);
    expect(() => planePoint([1, 2], [1], [0, 1], 0, 0)).toThrow(RangeError);
  });

  test('interpolate runs from θ_a at t = 0 to θ_b at t = 1', () => {
    expect(Array.from(interpolate([0, 4], [2, 8], 0))).toEqual([0, 4]);
    expect(Array.from(interpolate([0, 4], [2, 8], 1))).toEqual([2, 8]);
    expect(Array.from(interpolate([0, 4], [2, 8], 0.25))).toEqual([0.5, 5]);
    expect(() => interpolate([0], [1, 2], 0.5)).toThrow(RangeError);
  });
});
