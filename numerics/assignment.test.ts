import { createRng } from '../harness/rng';
import { minimumAssignment } from './assignment';

function* permutations(n: number): Generator<number[]> {
  if (n === 0) {
    yield [];
    return;
  }
  for (const rest of permutations(n - 1)) for (let at = 0; at <= rest.length; at++) yield [...rest.slice(0, at), n - 1, ...rest.slice(at)];
}

describe('minimumAssignment', () => {
  it('matches the exhaustive minimum over all permutations on random cost matrices', () => {
    const rng = createRng(5);
    for (const n of [1, 2, 3, 5, 6]) {
      for (let trial = 0; trial < 5; trial++) {
        const cost = Float64Array.from({ length: n * n }, () => Math.round(10 * rng.normal()) / 2);
        let best = Infinity;
        for (const p of permutations(n)) best = Math.min(best, p.reduce((s, j, i) => s + cost[i * n + j], 0));
        const { assignment, total } = minimumAssignment(cost, n);
        expect([...assignment].sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
        expect(total).toBeCloseTo(best, 12);
      }
    }
  });

  it('rejects a wrongly sized or non-finite cost matrix', () => {
    expect(() => minimumAssignment(new Float64Array(5), 2)).toThrow(RangeError);
    expect(() => minimumAssignment(Float64Array.from([0, Infinity, 1, 2]), 2)).toThrow(/finite/);
  });
});
