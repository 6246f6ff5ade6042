import { createRng } from '../harness/rng';
import { applySymmetry, type HiddenSymmetry } from '../harness/experiments/equioutput-symmetries';
import { nearestEquioutputImage } from './equioutput';
import { forward, parameterCount } from './mlp';
import type { MlpSpec } from './mlp';

describe('nearestEquioutputImage', () => {
  const net: MlpSpec = { widths: [3, 4, 2], activation: 'tanh' };
  const dim = parameterCount(net);
  const rng = createRng(11);
  const normal = (): Float64Array => Float64Array.from({ length: dim }, () => rng.normal());

  /** Every element of the group of one hidden layer of 4 units (4!·2⁴ = 384). */
  function* group(): Generator<HiddenSymmetry> {
    const perms: number[][] = [];
    const build = (prefix: number[]): void => {
      if (prefix.length === 4) perms.push(prefix);
      else for (let u = 0; u < 4; u++) if (!prefix.includes(u)) build([...prefix, u]);
    };
    build([]);
    for (const p of perms) for (let mask = 0; mask < 16; mask++) yield { permutations: [p], signs: [[0, 1, 2, 3].map((b) => ((mask >> b) & 1 ? -1 : 1))] };
  }

  it('finds the exhaustive minimum distance over the whole group, at an image computing the same function', () => {
    const x = Float64Array.from({ length: 5 * 3 }, () => rng.normal());
    for (let trial = 0; trial < 4; trial++) {
      const teacher = normal();
      // A point near some random image of the teacher, and an unrelated point.
      for (const theta of [normal().map((v) => 0.3 * v), normal()]) {
        let best = Infinity;
        for (const g of group()) {
          const image = applySymmetry(net, teacher, g);
          best = Math.min(best, Math.hypot(...image.map((v, k) => v - theta[k])));
        }
        const nearest = nearestEquioutputImage(net, theta, teacher);
        expect(nearest.distance).toBeCloseTo(best, 10);
        expect(Math.hypot(...nearest.image.map((v, k) => v - theta[k]))).toBeCloseTo(nearest.distance, 12);
        const same = forward(net, teacher, x, 5);
        forward(net, nearest.image, x, 5).forEach((v, k) => expect(v).toBeCloseTo(same[k], 12));
      }
    }
  });

  it('is zero at any image of the reference and refuses deeper networks', () => {
    const teacher = normal();
    const image = applySymmetry(net, teacher, { permutations: [[2, 0, 3, 1]], signs: [[1, -1, -1, 1]] });
    expect(nearestEquioutputImage(net, image, teacher).distance).toBeCloseTo(0, 12);
    const deep: MlpSpec = { widths: [2, 3, 3, 1], activation: 'tanh' };
    const zeros = new Float64Array(parameterCount(deep));
    expect(() => nearestEquioutputImage(deep, zeros, zeros)).toThrow(/one hidden layer/);
  });
});
