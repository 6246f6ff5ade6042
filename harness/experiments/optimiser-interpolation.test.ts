import { testContext } from '../testing/context';
import { useCpuBackend } from '../../models/tfjs/testing/fixtures';
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
    const output = await optimiserInterpolation.run(params, testContext(1));
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

  test('its scored metrics follow from the evidence alone', async () => {
    const output = await optimiserInterpolation.run(params, testContext(2));
    type S = { setting: string; seed: number; optimiser: string; finalLoss: number; predictions: number[] };
    type P = { setting: string; seed: number; from: string; to: string; losses: number[] };
    const solutions = output.evidence.solutions as unknown as S[];
    const pairs = output.evidence.pairs as unknown as P[];
    const barrier = (l: number[]): number => (Math.max(...l) - Math.max(l[0], l[l.length - 1])) / ((l[0] + l[l.length - 1]) / 2);
    const find = (p: P, name: string): S => solutions.find((s) => s.setting === p.setting && s.seed === p.seed && s.optimiser === name)!;
    const differ = (p: P): number => {
      const a = find(p, p.from).predictions;
      const b = find(p, p.to).predictions;
      return a.filter((x, i) => x !== b[i]).length / a.length;
    };
    expect(pairs.filter((p) => barrier(p.losses) >= params.barrierThreshold).length / pairs.length).toBeCloseTo(output.metrics.barrierFraction, 12);
    expect(pairs.reduce((sum, p) => sum + differ(p), 0) / pairs.length).toBeCloseTo(output.metrics.meanDisagreement, 12);
    const spread = (setting: string): number => {
      const names = [...new Set(solutions.map((s) => s.optimiser))];
      const stds = names.map((name) => {
        const losses = solutions.filter((s) => s.setting === setting && s.optimiser === name).map((s) => s.finalLoss);
        const m = losses.reduce((a, b) => a + b, 0) / losses.length;
        return Math.sqrt(losses.reduce((a, b) => a + (b - m) ** 2, 0) / (losses.length - 1));
      });
      return stds.reduce((a, b) => a + b, 0) / stds.length;
    };
    expect(spread('with batch norm') / spread('without batch norm')).toBeCloseTo(output.metrics.spreadRatio, 10);
    expect((output.evidence.data as unknown as { train: { sha256: string } }).train.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  test('one optimiser twice and no batch norm in either setting leave nothing to find (the controls)', async () => {
    const twins = { ...params, optimisers: [params.optimisers[0], { ...params.optimisers[0], name: 'SGD, again' }], treatment: 'none' as const };
    const output = await optimiserInterpolation.run(twins, testContext(1));
    expect(output.metrics.barrierFraction).toBe(0);
    expect(output.metrics.meanDisagreement).toBe(0);
    expect(output.metrics.spreadRatio).toBeCloseTo(1, 12);
  });
});
