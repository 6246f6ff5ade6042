import * as tf from '@tensorflow/tfjs';
import { useCpuBackend } from '../../models/tfjs/testing/fixtures';
import { testContext } from '../testing/context';
import { type GradientCovarianceParams, gradientCovarianceSubspaces } from './gradient-covariance-subspaces';

useCpuBackend();

const tiny: GradientCovarianceParams = {
  data: { trainImages: 120, testImages: 40, features: { kind: 'crop-average' } },
  hiddenWidths: [6],
  batchNorm: false,
  training: { learningRate: 0.05, momentum: 0.9, epochs: 3, batchSize: 20 },
  hessian: { batchSize: 60, k: 3, lanczosSteps: 40 },
  covariance: { gradients: 12, batchSize: 10, lanczosSteps: 30 },
};

interface Pairs {
  values: number[];
  vectors: number[][];
}

const dot = (a: number[], b: number[]): number => a.reduce((s, x, i) => s + x * b[i], 0);

describe('gradient-covariance-subspaces', () => {
  it('recomputes the scored energies from the stored eigenvectors and Σ spectrum, without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const out = await gradientCovarianceSubspaces.run(tiny, testContext(4));
    expect(tf.memory().numTensors).toBe(before);
    const evidence = out.evidence as unknown as { hessian: Pairs; sigma: Pairs; gramEigenvalues: number[]; sigmaTrace: number; gradientEnergiesInHessian: number[] };
    const { hessian, sigma, gramEigenvalues, sigmaTrace } = evidence;
    // Energy of each Hessian vector in span(Σ's vectors), averaged.
    const energy = hessian.vectors.reduce((s, h) => s + sigma.vectors.reduce((t, v) => t + dot(h, v) ** 2, 0) / dot(h, h), 0) / hessian.vectors.length;
    expect(out.metrics.hessianEnergyInSigma).toBeCloseTo(energy, 10);
    expect(out.metrics.sigmaTopKShare).toBeCloseTo((gramEigenvalues[0] + gramEigenvalues[1] + gramEigenvalues[2]) / sigmaTrace, 10);
    // The Gram matrix and Lanczos on the Σ operator agree on Σ's top eigenvalues; the trace is the sum of the spectrum.
    sigma.values.forEach((v, j) => expect(v).toBeCloseTo(gramEigenvalues[j], 8));
    expect(gramEigenvalues.reduce((s, v) => s + v, 0)).toBeCloseTo(sigmaTrace, 8);
    const energies = evidence.gradientEnergiesInHessian;
    expect(out.metrics.gradientEnergyInHessian).toBeCloseTo(energies.reduce((s, v) => s + v, 0) / energies.length, 12);
    expect(out.metrics.randomSubspaceEnergy).toBeCloseTo(3 / out.metrics.parameters, 14);
    expect(out.plots?.map((p) => p.id)).toEqual(['sigma-spectrum', 'top-eigenvalues', 'principal-cosines', 'gradient-energy']);
  });

  it('estimates a cost that grows with the gradients kept for Σ', () => {
    const base = gradientCovarianceSubspaces.cost!(tiny);
    const more = gradientCovarianceSubspaces.cost!({ ...tiny, covariance: { ...tiny.covariance, gradients: 100 } });
    expect(more.seconds).toBeGreaterThan(base.seconds);
    expect(more.memoryBytes).toBeGreaterThan(base.memoryBytes);
  });

  it('runs with batch norm and refuses fewer gradients than k', async () => {
    const out = await gradientCovarianceSubspaces.run({ ...tiny, batchNorm: true }, testContext(4));
    // 16 → 6 → 10 dense parameters plus γ and β of the 6 hidden units.
    expect(out.metrics.parameters).toBe(16 * 6 + 6 + 6 * 10 + 10 + 12);
    const problems = gradientCovarianceSubspaces.check?.({ ...tiny, covariance: { gradients: 2, batchSize: 10, lanczosSteps: 30 } }) ?? [];
    expect(problems.map((p) => p.path)).toEqual(['/covariance/gradients']);
  });
});
