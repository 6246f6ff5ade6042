import { useCpuBackend } from '../../models/tfjs/testing/fixtures';
import { createRng } from '../rng';
import { disagreement, optimiserInterpolation, type OptimiserInterpolationParams, relativeBarrier, sampleStd } from './optimiser-interpolation';

useCpuBackend();

describe('pair measures', () => {
  test('relativeBarrier measures the peak above the higher end, relative to the ends’ mean', () => {
    expect(relativeBarrier([1, 1.5, 3])).toBe(0);
    expect(relativeBarrier([1, 0.5, 3])).toBe(0);
    expect(relativeBarrier([1, 2.2, 1])).toBeCloseTo(1.2, 12);
    expect(relativeBarrier([1, 4, 3])).toBeCloseTo(0.5, 12);
  });

  test('disagreement is the fraction of differing labels', () => {
    expect(disagreement([1, 2, 3, 4], [1, 2, 0, 4])).toBe(0.25);
    expect(() => disagreement([1], [1, 2])).toThrow(RangeError);
  });

  test('sampleStd divides by n − 1', () => {
    expect(sampleStd([1, 3])).toBeCloseTo(Math.SQRT2, 12);
  });
});

describe('optimiser-interpolation', () => {
  const params: OptimiserInterpolationParams = {
    data: { trainImages: 30, testImages: 20, features: { kind: 'pca', components: 4 } },
    network: { hiddenWidths: [4], activation: 'relu' },
    optimisers: [
      { name: 'SGD', optimizer: { kind: 'sgd', learningRate: 0.1 } },
      { name: 'Adam', optimizer: { kind: 'adam', learningRate: 0.01 } },
    ],
    training: { epochs: 1, batchSize: 10 },
    seeds: 2,
    interpolationPoints: 3,
    barrierThreshold: 0.1,
  };

  test('check rejects repeated optimiser names', () => {
    expect(optimiserInterpolation.check!(params)).toEqual([]);
    expect(optimiserInterpolation.check!({ ...params, optimisers: [params.optimisers[0], params.optimisers[0]] }).map((p) => p.path)).toEqual(['/optimisers']);
  });

  test('a tiny run gives every metric, consistent with its evidence', async () => {
    const output = await optimiserInterpolation.run(params, { tier: 'quick', seed: 1, rng: createRng(1), progress: () => {}, jobs: 1 });
    expect(Object.keys(output.metrics).sort()).toEqual(optimiserInterpolation.metrics(params).sort());
    for (const value of Object.values(output.metrics)) expect(Number.isFinite(value)).toBe(true);
    const solutions = output.evidence.solutions as { setting: string; seed: number; finalLoss: number }[];
    const pairs = output.evidence.pairs as { losses: number[]; from: string; seed: number; setting: string; relativeBarrier: number }[];
    expect(solutions).toHaveLength(2 * 2 * 2);
    expect(pairs).toHaveLength(2 * 2);
    expect(output.metrics.pairs).toBe(4);
    // The line starts at the first solution of its pair: the same loss, evaluated the same way.
    const first = solutions.find((s) => s.setting === pairs[0].setting && s.seed === pairs[0].seed) as { finalLoss: number };
    expect(pairs[0].losses[0]).toBe(first.finalLoss);
    for (const p of pairs) expect(p.relativeBarrier).toBe(relativeBarrier(p.losses));
    expect(output.plots?.map((p) => p.id)).toEqual(['interpolation-withoutbatchnorm', 'interpolation-withbatchnorm', 'final-losses']);
  });
});
