/**
 * `dlae-analytic`: the analytic critical points of the deep linear autoencoder (thesis §3.2.2, Fig. 3.1;
 * Baldi & Hornik 1989): one per subset of ≤ k eigenvectors of XXᵀ, their losses, gradient norms and
 * Hessian indices.
 */
import { gaussianData, linearVariances } from '../../datasets/gaussian';
import { dlaeCriticalPoints, scatterMatrix } from '../../models/dlae';
import { pearson } from '../fit';
import type { ExperimentKind } from '../registry';
import type { ExperimentOutput } from '../types';

export interface DlaeAnalyticParams {
  d: number;
  n: number;
  k: number;
  /** `sample`: XXᵀ of Gaussian data with exactly centred rows; `population`: n·diag(1…d). */
  covariance: 'sample' | 'population';
  indexThreshold: number;
}

export const dlaeAnalytic: ExperimentKind<DlaeAnalyticParams> = {
  name: 'dlae-analytic',
  description: 'Enumerates the analytic critical points of the deep linear autoencoder with their loss, ‖∇L‖² and Hessian index.',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['d', 'n', 'k', 'covariance', 'indexThreshold'],
    properties: {
      d: { type: 'integer', minimum: 1, maximum: 64 },
      n: { type: 'integer', minimum: 2 },
      k: { type: 'integer', minimum: 1 },
      covariance: { enum: ['sample', 'population'] },
      indexThreshold: { type: 'number', minimum: 0 },
    },
  },
  metrics: () => ['count', 'maxGradNormSq', 'index0Count', 'index0IsPca', 'pcaLoss', 'lossIndexPearson', 'minIndexExceptPca'],
  check: (p) => (p.k > p.d ? [{ path: '/k', message: `hidden width k = ${p.k} exceeds the data dimension d = ${p.d}` }] : []),
  run(params, ctx): ExperimentOutput {
    const { d, n, k } = params;
    const covariance =
      params.covariance === 'population'
        ? Float64Array.from({ length: d * d }, (_, i) => (i % (d + 1) === 0 ? n * (Math.floor(i / d) + 1) : 0))
        : scatterMatrix(gaussianData(d, n, linearVariances(d), ctx.rng.fork('data')), d, n);
    const { points, eigenvalues } = dlaeCriticalPoints(covariance, n, d, k, { index: true, indexThreshold: params.indexThreshold });
    ctx.progress(1, 1);
    const index = points.map((p) => p.index as number);
    const loss = points.map((p) => p.loss);
    const zero = points.filter((p) => p.index === 0);
    const pcaSubset = Array.from({ length: k }, (_, i) => i).join(',');
    const isPca = (p: (typeof points)[number]): boolean => p.subset.join(',') === pcaSubset;
    const others = points.filter((p) => !isPca(p));
    return {
      metrics: {
        count: points.length,
        maxGradNormSq: Math.max(...points.map((p) => p.gradientNormSquared)),
        index0Count: zero.length,
        index0IsPca: zero.length === 1 && isPca(zero[0]) ? 1 : 0,
        pcaLoss: points.find(isPca)?.loss ?? NaN,
        lossIndexPearson: pearson(index, loss),
        minIndexExceptPca: Math.min(...others.map((p) => p.index as number)),
      },
      evidence: {
        description: 'Eigenvalues of XXᵀ (descending) and, per analytic critical point, the subset of eigenvectors (positions in that order) it projects onto, its loss, ‖∇L‖² and index. θ of a point: rows of W₁ are those eigenvectors, W₂ = W₁ᵀ.',
        covariance: params.covariance,
        eigenvalues: Array.from(eigenvalues),
        points: points.map((p) => ({ subset: p.subset, loss: p.loss, gradientNormSquared: p.gradientNormSquared, index: p.index as number })),
      },
      plots: [
        {
          id: 'loss-index',
          title: `Loss against index of the ${points.length} analytic critical points (thesis Fig. 3.1)`,
          caption: 'Index: fraction of Hessian eigenvalues below −1e-5. The single index-0 point is the PCA solution.',
          x: { label: 'index' },
          y: { label: 'loss' },
          series: [
            { name: 'analytic critical points', mark: 'points', x: index, y: loss },
            { name: 'PCA solution', mark: 'points', group: 'PCA', x: zero.map((p) => p.index as number), y: zero.map((p) => p.loss) },
          ],
        },
      ],
    };
  },
};
