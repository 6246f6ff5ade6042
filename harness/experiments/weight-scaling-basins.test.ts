import { useCpuBackend } from '../../models/tfjs/testing/fixtures';
import { testContext } from '../testing/context';
import { type WeightScalingBasinsParams, basinAround, weightScalingBasins } from './weight-scaling-basins';

useCpuBackend();

describe('basinAround', () => {
  const alphas = [0, 0.5, 1, 1.5, 2];
  it('interpolates both crossings of the threshold around α = 1', () => {
    // Crosses 1.0 between 0 and 0.5 (2 → 0.5: at 1/3 of the way) and between 1.5 and 2 (0.6 → 1.4: at half).
    const basin = basinAround(alphas, [2, 0.5, 0.2, 0.6, 1.4], 1);
    expect(basin.lower).toBeCloseTo(0.5 * (1 / 1.5), 12);
    expect(basin.upper).toBeCloseTo(1.75, 12);
    expect(basin.width).toBeCloseTo(1.75 - 1 / 3, 12);
    expect(basin.censored).toBe(false);
  });

  it('cuts a basin at the grid end, and is empty when α = 1 is already above the threshold', () => {
    expect(basinAround(alphas, [2, 0.5, 0.2, 0.1, 0.05], 1)).toMatchObject({ upper: 2, censored: true });
    expect(basinAround(alphas, [2, 0.5, 1.2, 0.1, 0.05], 1)).toEqual({ lower: 1, upper: 1, width: 0, censored: false });
  });
});

describe('weight-scaling-basins', () => {
  const tiny: WeightScalingBasinsParams = {
    data: { trainImages: 100, testImages: 10, features: { kind: 'crop-average' } },
    network: { hiddenWidths: [8], activation: 'relu' },
    optimisers: [
      { name: 'SGD', optimizer: { kind: 'sgd', learningRate: 0.1 } },
      { name: 'Adam', optimizer: { kind: 'adam', learningRate: 0.01 } },
    ],
    training: { epochs: 3, batchSize: 20 },
    seeds: 2,
    alpha: { min: 0, max: 3, points: 31 },
    lossThreshold: 1.15,
  };

  it('estimates a cost that grows with the seeds', () => {
    // Linear in the seeds beyond the fixed cost of building the features.
    const cost = (seeds: number): number => weightScalingBasins.cost!({ ...tiny, seeds }).seconds;
    expect(cost(4) - cost(2)).toBeCloseTo(cost(2) - cost(0), 12);
    expect(cost(4)).toBeGreaterThan(cost(2));
  });

  it('recomputes widths, the paired comparison and the separation from the stored losses', async () => {
    const out = await weightScalingBasins.run(tiny, testContext(8));
    const evidence = out.evidence as unknown as { alphas: number[]; solutions: { optimiser: string; seed: number; losses: number[]; width: number }[] };
    const { alphas, solutions } = evidence;
    expect(alphas[0]).toBe(0);
    // At α = 0 all logits vanish: the loss is ln 10 for every solution.
    solutions.forEach((s) => expect(s.losses[0]).toBeCloseTo(Math.log(10), 5));
    const width = (losses: number[]): number => {
      const c = 10; // α = 1
      if (losses[c] >= tiny.lossThreshold) return 0;
      let lo = c;
      while (lo > 0 && losses[lo - 1] < tiny.lossThreshold) lo--;
      let hi = c;
      while (hi < losses.length - 1 && losses[hi + 1] < tiny.lossThreshold) hi++;
      const cross = (i: number, o: number) => alphas[i] + ((tiny.lossThreshold - losses[i]) / (losses[o] - losses[i])) * (alphas[o] - alphas[i]);
      return (hi === losses.length - 1 ? alphas[hi] : cross(hi, hi + 1)) - (lo === 0 ? alphas[0] : cross(lo, lo - 1));
    };
    solutions.forEach((s) => expect(s.width).toBeCloseTo(width(s.losses), 12));
    const of = (name: string) => solutions.filter((s) => s.optimiser === name).map((s) => s.width);
    const [a, b] = [of('SGD'), of('Adam')];
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    const variance = (v: number[]) => v.reduce((s, x) => s + (x - mean(v)) ** 2, 0) / (v.length - 1);
    expect(out.metrics.widerFraction).toBe(a.filter((w, i) => b[i] > w).length / a.length);
    expect(out.metrics.separation).toBeCloseTo(Math.abs(mean(b) - mean(a)) / Math.sqrt(variance(a) + variance(b) + 0.1 ** 2), 10);
    expect(out.metrics['meanWidth.candidate']).toBeCloseTo(mean(b), 12);
  });
});
