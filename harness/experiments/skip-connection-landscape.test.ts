import { testContext } from '../testing/context';
import { useCpuBackend } from '../../models/tfjs/testing/fixtures';
import { createRng } from '../rng';
import { excessVariation, extremeEigenvalues, interiorLocalMinima, skipConnectionLandscape, type SkipConnectionParams } from './skip-connection-landscape';

useCpuBackend();

const grid = (values: number[][]) => ({ xs: values[0].map((_, i) => i), ys: values.map((_, j) => j), values });

describe('landscape measures', () => {
  test('extremeEigenvalues finds both ends of a symmetric spectrum, with small residuals once the Krylov space is complete', () => {
    const diagonal = [-0.5, 0.1, 0.2, 1, 3, 7];
    const apply = (v: Float64Array): Float64Array => v.map((x, k) => diagonal[k] * x);
    const full = extremeEigenvalues(apply, 6, 6, createRng(1));
    expect(full.lambdaMin).toBeCloseTo(-0.5, 10);
    expect(full.lambdaMax).toBeCloseTo(7, 10);
    expect(Math.max(full.residualMin, full.residualMax)).toBeLessThan(1e-8);
    // Fewer steps: Ritz values lie inside the spectrum, each within its residual of some eigenvalue.
    const short = extremeEigenvalues(apply, 6, 3, createRng(1));
    expect(short.lambdaMin).toBeGreaterThanOrEqual(-0.5 - 1e-12);
    expect(short.lambdaMax).toBeLessThanOrEqual(7 + 1e-12);
    const distance = (x: number): number => Math.min(...diagonal.map((d) => Math.abs(d - x)));
    expect(distance(short.lambdaMax)).toBeLessThanOrEqual(short.residualMax + 1e-12);
    expect(distance(short.lambdaMin)).toBeLessThanOrEqual(short.residualMin + 1e-12);
  });

  test('interiorLocalMinima counts strict interior minima only', () => {
    expect(interiorLocalMinima(grid([[3, 3, 3], [3, 1, 3], [3, 3, 3]]))).toBe(1);
    // A lower diagonal neighbour spoils a minimum; a low edge point is not counted itself.
    expect(interiorLocalMinima(grid([[0, 3, 3], [3, 1, 3], [3, 3, 3]]))).toBe(0);
    expect(interiorLocalMinima(grid([[3, 3, 3, 0], [3, 1, 3, 3], [3, 3, 3, 3]]))).toBe(1);
    expect(interiorLocalMinima(grid([[3, 3, 3, 3], [3, 1, 1, 3], [3, 3, 3, 3]]))).toBe(0);
    expect(interiorLocalMinima(grid([[5, 5, 5, 5, 5], [5, 1, 5, 2, 5], [5, 5, 5, 5, 5]]))).toBe(2);
  });

  test('excessVariation is 0 for a bowl and grows with bumps', () => {
    const bowl = grid([-2, -1, 0, 1, 2].map((y) => [-2, -1, 0, 1, 2].map((x) => x * x + y * y)));
    expect(excessVariation(bowl)).toBe(0);
    const bumpy = grid([[0, 2, 0, 2, 0], [0, 2, 0, 2, 0]]);
    // Rows vary by 8 where one valley needs 0; columns are constant.
    expect(excessVariation(bumpy)).toBe(1);
    const oneBump = grid([[2, 0, 1, 0, 2]]);
    expect(excessVariation(oneBump)).toBeCloseTo(1 - 4 / 6, 12);
  });
});

describe('skip-connection-landscape', () => {
  const params: SkipConnectionParams = {
    data: { images: 20, features: { kind: 'pca', components: 3 } },
    network: { hiddenLayers: 1, width: 3, activation: 'relu', batchNorm: true },
    training: { optimizer: { kind: 'sgd', learningRate: 0.1, momentum: 0.9 }, epochs: 2, batchSize: 10 },
    plane: { range: 1, points: 5 },
    hessian: { stride: 2, lanczosSteps: 3 },
    seeds: 2,
  };

  test('check wants an odd grid whose Hessian sub-grid holds the centre', () => {
    expect(skipConnectionLandscape.check!(params)).toEqual([]);
    expect(skipConnectionLandscape.check!({ ...params, plane: { range: 1, points: 6 } }).map((p) => p.path)).toContain('/plane/points');
    expect(skipConnectionLandscape.check!({ ...params, plane: { range: 1, points: 7 } }).map((p) => p.path)).toEqual(['/hessian/stride']);
  });

  test('a tiny run gives every metric, consistent with its evidence', async () => {
    const output = await skipConnectionLandscape.run(params, testContext(1));
    expect(Object.keys(output.metrics).sort()).toEqual(skipConnectionLandscape.metrics(params).sort());
    for (const value of Object.values(output.metrics)) expect(Number.isFinite(value)).toBe(true);
    const networks = output.evidence.networks as { seed: number; grid: { values: number[][] }; hessian: { ratio: number; lambdaMin: number; lambdaMax: number }[] }[];
    expect(networks.map((n) => n.seed)).toEqual([0, 0, 1, 1]);
    expect(output.metrics.finalLossWithSkips).toBeCloseTo((networks[0].grid.values[2][2] + networks[2].grid.values[2][2]) / 2, 12);
    expect(networks[0].hessian).toHaveLength(9);
    for (const h of networks.flatMap((n) => n.hessian)) {
      expect(h.lambdaMin).toBeLessThanOrEqual(h.lambdaMax);
      expect(h.ratio).toBeCloseTo(Math.abs(h.lambdaMin / h.lambdaMax), 12);
    }
    expect(output.metrics.ratioDifference).toBeCloseTo(output.metrics.meanRatioWithoutSkips - output.metrics.meanRatioWithSkips, 12);
    // The scored difference from the stored Ritz values alone: networks alternate with, without skips per seed.
    const planeMean = (n: (typeof networks)[number]): number => n.hessian.reduce((sum, h) => sum + Math.abs(h.lambdaMin / h.lambdaMax), 0) / n.hessian.length;
    const without = (planeMean(networks[1]) + planeMean(networks[3])) / 2;
    const withSkips = (planeMean(networks[0]) + planeMean(networks[2])) / 2;
    expect(without - withSkips).toBeCloseTo(output.metrics.ratioDifference, 12);
    expect((output.evidence.data as unknown as { train: { sha256: string } }).train.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(output.plots?.map((p) => p.id)).toEqual(['loss-contours-withskips', 'loss-contours-withoutskips', 'eigenvalue-ratio', 'loss-1d']);
  });
});
