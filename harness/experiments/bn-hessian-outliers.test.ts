import * as tf from '@tensorflow/tfjs';
import { useCpuBackend } from '../../models/tfjs/testing/fixtures';
import { testContext } from '../testing/context';
import { mnistClassification } from '../../datasets/mnist-classification';
import { type BnHessianOutliersParams, bnHessianOutliers } from './bn-hessian-outliers';

useCpuBackend();

const tiny: BnHessianOutliersParams = {
  data: { trainImages: 120, testImages: 40, features: { kind: 'crop-average' } },
  hiddenWidths: [8],
  training: { learningRate: 0.05, momentum: 0.9, epochs: 3, batchSize: 20 },
  hessian: { batchSize: 60, k: 3, lanczosSteps: 60 },
  density: { draws: 1, steps: 8, sigmaFraction: 0.01, gridPoints: 40 },
  minibatchGradients: 2,
};

describe('mnistClassification', () => {
  it('fits every preprocessing statistic on the training images and applies it to the test images', () => {
    const { train, test } = mnistClassification({ trainImages: 50, testImages: 20, features: { kind: 'pca', components: 5 } });
    expect([train.n, train.inputDim, train.outputDim, test.n, test.inputDim]).toEqual([50, 5, 10, 20, 5]);
    // PCA scores of the training images are centred; the test images' are not exactly.
    const columnMean = (x: Float64Array, n: number) => Array.from({ length: 5 }, (_, c) => Array.from({ length: n }, (_, s) => x[s * 5 + c]).reduce((a, b) => a + b) / n);
    columnMean(train.x, 50).forEach((m) => expect(Math.abs(m)).toBeLessThan(1e-9));
    expect(Math.max(...columnMean(test.x, 20).map(Math.abs))).toBeGreaterThan(1e-6);
    expect(Array.from(train.y.subarray(0, 10)).reduce((a, b) => a + b)).toBe(1);
  });

  it('standardises raw pixels by one mean and deviation over all training pixels', () => {
    const { train } = mnistClassification({ trainImages: 30, testImages: 5, features: { kind: 'pixels' } });
    const mean = train.x.reduce((a, b) => a + b) / train.x.length;
    const variance = train.x.reduce((a, b) => a + (b - mean) ** 2, 0) / train.x.length;
    expect(mean).toBeCloseTo(0, 9);
    expect(variance).toBeCloseTo(1, 9);
  });
});

describe('bn-hessian-outliers', () => {
  it('produces every metric, consistent with its evidence, deterministically and without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const out = await bnHessianOutliers.run(tiny, testContext(3));
    expect(tf.memory().numTensors).toBe(before);
    for (const name of bnHessianOutliers.metrics(tiny)) expect(Number.isFinite(out.metrics[name])).toBe(true);
    for (const key of ['bn', 'noBn']) {
      const evidence = out.evidence[key] as { eigenvalues: number[]; cumulativeEnergy: number[] };
      expect(evidence.eigenvalues).toHaveLength(3);
      expect(out.metrics[`outlierRatio.${key}`]).toBeCloseTo(evidence.eigenvalues[0] / evidence.eigenvalues[2], 12);
      // The top-j energies grow with j and are fractions.
      evidence.cumulativeEnergy.forEach((e, j) => expect(e).toBeGreaterThanOrEqual(j === 0 ? 0 : evidence.cumulativeEnergy[j - 1]));
      expect(out.metrics[`gradientEnergyTopK.${key}`]).toBeLessThanOrEqual(1 + 1e-9);
      expect(out.metrics[`maxRelativeResidual.${key}`]).toBeLessThan(1e-2);
    }
    // Batch norm adds γ and β (2 × 8) to the same dense network.
    expect(out.metrics['parameters.bn'] - out.metrics['parameters.noBn']).toBe(16);
    expect(out.metrics.outlierRatioFactor).toBeCloseTo(out.metrics['outlierRatio.noBn'] / out.metrics['outlierRatio.bn'], 12);
    expect(out.plots?.map((p) => p.id)).toEqual(['density', 'top-eigenvalues', 'gradient-energy', 'training-loss']);

    const again = await bnHessianOutliers.run(tiny, testContext(3));
    expect(again.metrics).toEqual(out.metrics);
  });

  it('recomputes its scored metrics from the evidence alone', async () => {
    const out = await bnHessianOutliers.run(tiny, testContext(5));
    type Arm = { eigenvalues: number[]; gradientProjections: number[]; gradientNormSquared: number };
    const arm = (key: string): Arm => out.evidence[key] as unknown as Arm;
    const zeta = (a: Arm): number => a.eigenvalues[0] / a.eigenvalues[a.eigenvalues.length - 1];
    const energy = (a: Arm): number => a.gradientProjections.reduce((sum, c) => sum + c * c, 0) / a.gradientNormSquared;
    expect(zeta(arm('noBn')) / zeta(arm('bn'))).toBeCloseTo(out.metrics.outlierRatioFactor, 10);
    expect(energy(arm('noBn')) - energy(arm('bn'))).toBeCloseTo(out.metrics.gradientEnergyDifference, 6);
    const data = out.evidence.data as unknown as { train: { n: number; sha256: string } };
    expect(data.train.n).toBe(tiny.data.trainImages);
    expect(data.train.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('finds no batch-norm effect when the second network is trained without batch norm too (the control)', async () => {
    const out = await bnHessianOutliers.run({ ...tiny, treatment: 'none', density: { ...tiny.density, steps: 4 } }, testContext(3));
    expect(out.metrics['parameters.bn']).toBe(out.metrics['parameters.noBn']);
    expect(out.metrics.outlierRatioFactor).toBeCloseTo(1, 4);
    expect(Math.abs(out.metrics.gradientEnergyDifference)).toBeLessThan(1e-4);
  });

  it('rejects a Hessian batch larger than the training set and fewer Lanczos steps than k', () => {
    const problems = bnHessianOutliers.check?.({ ...tiny, hessian: { batchSize: 500, k: 5, lanczosSteps: 4 } }) ?? [];
    expect(problems.map((p) => p.path)).toEqual(['/hessian/batchSize', '/hessian/lanczosSteps']);
  });
});
