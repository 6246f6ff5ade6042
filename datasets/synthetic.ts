/**
 * Small data sets described in claim specs: generated from the claim's seeded generator, or printed in a
 * paper. Each description is plain JSON so a spec can state it and a result can record it.
 */
import { createHash } from 'node:crypto';
import type { Dataset64 } from '../models';
import type { Rng } from '../harness/rng';
import { APPENDIX_B_X, APPENDIX_B_Y } from './l0l1-appendix-b';

export type DataSpec =
  /** x and y drawn independently and uniformly: n × inputDim inputs, n × outputDim targets. */
  | { source: 'uniform-regression'; n: number; inputRange: [number, number]; outputRange: [number, number] }
  /** Uniform inputs with one-hot labels in blocks: the first classCounts[0] points class 0, and so on. */
  | { source: 'uniform-inputs-class-blocks'; classCounts: number[]; inputRange: [number, number] }
  /** The 20 (x, y) pairs printed in App. B of the (L0,L1)-smoothness paper. */
  | { source: 'l0l1-appendix-b' };

const range = { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 };

/** JSON Schema for a DataSpec, for experiment kinds' parameter schemas. */
export const dataSpecSchema = {
  type: 'object',
  discriminator: { propertyName: 'source' },
  required: ['source'],
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['source', 'n', 'inputRange', 'outputRange'],
      properties: { source: { const: 'uniform-regression' }, n: { type: 'integer', minimum: 1 }, inputRange: range, outputRange: range },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['source', 'classCounts', 'inputRange'],
      properties: {
        source: { const: 'uniform-inputs-class-blocks' },
        classCounts: { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 2 },
        inputRange: range,
      },
    },
    { type: 'object', additionalProperties: false, required: ['source'], properties: { source: { const: 'l0l1-appendix-b' } } },
  ],
};

export function makeDataset(spec: DataSpec, inputDim: number, outputDim: number, rng: Rng): Dataset64 {
  switch (spec.source) {
    case 'uniform-regression': {
      const [xl, xh] = spec.inputRange;
      const [yl, yh] = spec.outputRange;
      // Draw all inputs first, then all targets, so changing n does not reshuffle which x pairs with which y.
      const x = Float64Array.from({ length: spec.n * inputDim }, () => rng.uniformIn(xl, xh));
      const y = Float64Array.from({ length: spec.n * outputDim }, () => rng.uniformIn(yl, yh));
      return { n: spec.n, inputDim, outputDim, x, y };
    }
    case 'uniform-inputs-class-blocks': {
      if (spec.classCounts.length !== outputDim) {
        throw new RangeError(`data: ${spec.classCounts.length} classes but the network has ${outputDim} outputs`);
      }
      const n = spec.classCounts.reduce((a, b) => a + b, 0);
      const [xl, xh] = spec.inputRange;
      const x = Float64Array.from({ length: n * inputDim }, () => rng.uniformIn(xl, xh));
      const y = new Float64Array(n * outputDim);
      let row = 0;
      spec.classCounts.forEach((count, cls) => {
        for (let i = 0; i < count; i++, row++) y[row * outputDim + cls] = 1;
      });
      return { n, inputDim, outputDim, x, y };
    }
    case 'l0l1-appendix-b': {
      if (inputDim !== 1 || outputDim !== 1) {
        throw new RangeError(`data: App. B data is scalar (1 → 1) but the network is ${inputDim} → ${outputDim}`);
      }
      return { n: APPENDIX_B_X.length, inputDim: 1, outputDim: 1, x: Float64Array.from(APPENDIX_B_X), y: Float64Array.from(APPENDIX_B_Y) };
    }
  }
}

/**
 * The data set as plain JSON, for evidence files: the arrays row by row, their sha256 (over the
 * little-endian float64 bytes of x followed by those of y) and the recipe that rebuilt them.
 */
export function datasetToJson(
  data: Dataset64,
  recipe: DataSpec,
): { n: number; x: number[][]; y: number[][]; sha256: string; recipe: DataSpec } {
  const rows = (flat: Float64Array, width: number): number[][] =>
    Array.from({ length: data.n }, (_, i) => Array.from(flat.subarray(i * width, (i + 1) * width)));
  return { n: data.n, x: rows(data.x, data.inputDim), y: rows(data.y, data.outputDim), sha256: datasetSha256(data), recipe };
}

/** sha256 of the little-endian float64 bytes of x followed by those of y. */
export function datasetSha256(data: Dataset64): string {
  const bytes = (a: Float64Array): Buffer => {
    const b = Buffer.alloc(a.length * 8);
    a.forEach((v, i) => b.writeDoubleLE(v, i * 8));
    return b;
  };
  return createHash('sha256').update(bytes(data.x)).update(bytes(data.y)).digest('hex');
}
