import { createRng } from '../harness/rng';
import { addColumnSums, hadamard, tangentUpdate } from './elementwise';
import { float64Workspace } from './wasm';

/** Random arrays, as plain arrays and as workspace copies, so that both paths see the same numbers. */
function operands(lengths: number[], seed: number): { plain: Float64Array[]; work: Float64Array[] } {
  const rng = createRng(seed);
  const plain = lengths.map((length) => Float64Array.from({ length }, () => rng.normal()));
  const work = float64Workspace(lengths);
  work.forEach((w, i) => w.set(plain[i]));
  return { plain, work };
}

const identical = (a: Float64Array, b: Float64Array) => expect(Array.from(a).every((x, q) => Object.is(x, b[q]))).toBe(true);

describe.each([1, 2, 9, 40])('elementwise kernels on %i entries', (m) => {
  it('hadamard multiplies entrywise, in place too, identically on both paths', () => {
    const { plain, work } = operands([m, m, m], m);
    hadamard(plain[0], plain[1], plain[2]);
    hadamard(work[0], work[1], work[2]);
    plain[2].forEach((x, q) => expect(x).toBe(plain[0][q] * plain[1][q]));
    identical(work[2], plain[2]);
    hadamard(work[0], work[1], work[0]);
    identical(work[0], plain[2]);
  });

  it('tangentUpdate computes r⊙s1 + g⊙s2⊙t identically on both paths', () => {
    const { plain, work } = operands([m, m, m, m, m], 100 + m);
    const [r, s1, g, s2, t] = plain;
    const expected = r.map((x, q) => x * s1[q] + g[q] * s2[q] * t[q]);
    tangentUpdate(r, s1, g, s2, t);
    identical(r, expected);
    tangentUpdate(work[0], work[1], work[2], work[3], work[4]);
    identical(work[0], expected);
  });

  it('addColumnSums adds each column’s sum at an offset, leaving the rest', () => {
    const cols = 3 + (m % 4);
    const { plain, work } = operands([m * cols, cols + 3], 200 + m);
    const [a, out] = plain;
    const expected = Float64Array.from(out);
    for (let i = 0; i < m; i++) for (let j = 0; j < cols; j++) expected[2 + j] += a[i * cols + j];
    addColumnSums(a, m, cols, out, 2);
    identical(out, expected);
    addColumnSums(work[0], m, cols, work[1], 2);
    identical(work[1], expected);
  });
});
