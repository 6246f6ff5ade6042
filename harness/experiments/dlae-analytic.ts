/**
 * `dlae-analytic`: the analytic critical points of the deep linear autoencoder (thesis §3.2.2, Fig. 3.1;
 * Baldi & Hornik 1989): one per subset of ≤ k eigenvectors of XXᵀ, their losses, gradient norms and
 * Hessian indices.
 *
 * `variances` sets the data's spectrum (default 1…d, the thesis'); `l2` adds l2·‖θ‖² to the loss and
 * evaluates the same points on it. Both exist for counterfactuals: Theorem 3.2 needs the unregularised
 * loss, and the unique minimum of Baldi & Hornik needs distinct eigenvalues.
 *
 * Evidence and the metrics it recomputes: `covariance` (C = XXᵀ, d×d row-major), `n`, `l2`,
 * `eigenvalues` (of C, descending) and `eigenvectors` (row r: the eigenvector of eigenvalue r, sign
 * fixed so its largest-magnitude entry is positive). A point's θ: row a of W₁ (k×d) is eigenvector
 * subset[a], other rows 0, W₂ = W₁ᵀ; θ = [W₁ row-major, W₂ row-major]. The loss is
 * tr((I − W)C(I − W)ᵀ)/(dn) + l2‖θ‖² with W = W₂W₁ (`pcaLoss`: subset 0…k−1), its gradient gives
 * `maxGradNormSq`, its Hessian's eigenvalues below −indexThreshold give each index (`index0Count`,
 * `index0IsPca`, `minIndexExceptPca`, `lossIndexPearson` with the losses); `count` is the number of
 * points. `points[]` lists subset, loss, ‖∇L‖² and index of each.
 */
import { gaussianData, linearVariances } from '../../datasets/gaussian';
import { dlaeCriticalPoints, dlaeObjective, scatterMatrix } from '../../models/dlae';
import { eigh, hessianIndex } from '../../numerics/eigh';
import { REFERENCE_OPS_PER_SECOND } from '../cost';
import { pearson } from '../fit';
import { dlaeAnalyticSeconds } from './critical-point-cost';
import type { ExperimentKind } from '../registry';
import type { ExperimentOutput } from '../types';

export interface DlaeAnalyticParams {
  d: number;
  n: number;
  k: number;
  /** `sample`: XXᵀ of Gaussian data with exactly centred rows; `population`: n·diag(variances). */
  covariance: 'sample' | 'population';
  /** The features' variances; default 1, 2, …, d (thesis §3.2.3.1). */
  variances?: number[];
  /** Coefficient of a penalty l2·‖θ‖² added to the loss; default 0 (the thesis' unregularised loss). */
  l2?: number;
  indexThreshold: number;
}

interface EvaluatedPoint {
  subset: number[];
  loss: number;
  gradientNormSquared: number;
  index: number;
}

export const dlaeAnalytic: ExperimentKind<DlaeAnalyticParams> = {
  name: 'dlae-analytic',
  precisions: ['float64'],
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
      variances: { type: 'array', items: { type: 'number', exclusiveMinimum: 0 }, minItems: 1 },
      l2: { type: 'number', minimum: 0 },
      indexThreshold: { type: 'number', minimum: 0 },
    },
  },
  metrics: () => ['count', 'maxGradNormSq', 'index0Count', 'index0IsPca', 'pcaLoss', 'lossIndexPearson', 'minIndexExceptPca'],
  check: (p) => [
    ...(p.k > p.d ? [{ path: '/k', message: `hidden width k = ${p.k} exceeds the data dimension d = ${p.d}` }] : []),
    ...(p.variances && p.variances.length !== p.d ? [{ path: '/variances', message: `${p.variances.length} variances for d = ${p.d} features` }] : []),
  ],
  cost(p) {
    // The enumeration (one Hessian and its eigenvalues per subset: 2517 for d = 16, k = 4; 14–19 s per
    // run at full) and, for a sample covariance, d·n normal draws and XXᵀ.
    const sample = p.covariance === 'sample' ? (20 * p.d * p.n + p.d * p.d * p.n) / REFERENCE_OPS_PER_SECOND : 0;
    const dim = 2 * p.d * p.k;
    return { seconds: dlaeAnalyticSeconds(p.d, p.k) + sample, memoryBytes: 8 * (p.d * p.n + 3 * dim * dim) };
  },
  run(params, ctx): ExperimentOutput {
    const { d, n, k } = params;
    const l2 = params.l2 ?? 0;
    const variances = params.variances ?? Array.from(linearVariances(d));
    const covariance =
      params.covariance === 'population'
        ? Float64Array.from({ length: d * d }, (_, i) => (i % (d + 1) === 0 ? n * variances[Math.floor(i / d)] : 0))
        : scatterMatrix(gaussianData(d, n, variances, ctx.rng.fork('data')), d, n);
    const enumerated = dlaeCriticalPoints(covariance, n, d, k, { index: l2 === 0, indexThreshold: params.indexThreshold });
    const points: EvaluatedPoint[] = l2 === 0 ? enumerated.points.map((p) => ({ subset: p.subset, loss: p.loss, gradientNormSquared: p.gradientNormSquared, index: p.index as number })) : regularised(enumerated.points, covariance, params, l2);
    ctx.progress(1, 1);
    const index = points.map((p) => p.index);
    const loss = points.map((p) => p.loss);
    const zero = points.filter((p) => p.index === 0);
    const pcaSubset = Array.from({ length: k }, (_, i) => i).join(',');
    const isPca = (p: EvaluatedPoint): boolean => p.subset.join(',') === pcaSubset;
    const others = points.filter((p) => !isPca(p));
    // Eigenvector r is row 0 of W₁ at the point that projects onto it alone.
    const eigenvectors = enumerated.points.filter((p) => p.subset.length === 1).map((p) => Array.from(p.theta.subarray(0, d)));
    return {
      metrics: {
        count: points.length,
        maxGradNormSq: Math.max(...points.map((p) => p.gradientNormSquared)),
        index0Count: zero.length,
        index0IsPca: zero.length === 1 && isPca(zero[0]) ? 1 : 0,
        pcaLoss: points.find(isPca)?.loss ?? NaN,
        lossIndexPearson: pearson(index, loss),
        minIndexExceptPca: Math.min(...others.map((p) => p.index)),
      },
      evidence: {
        description:
          'C = XXᵀ (`covariance`, d×d row-major) over n samples, its eigenvalues (descending) and eigenvectors (rows, in that order, largest-magnitude entry positive), and per analytic critical point the subset of eigenvectors (positions in that order) it projects onto, its loss, ‖∇L‖² and index. θ of a point: rows of W₁ are those eigenvectors (the rest 0), W₂ = W₁ᵀ; the loss is tr((I − W₂W₁)C(I − W₂W₁)ᵀ)/(dn) + l2‖θ‖².',
        covariance: params.covariance,
        n,
        l2,
        indexThreshold: params.indexThreshold,
        scatter: Array.from(covariance),
        eigenvalues: Array.from(enumerated.eigenvalues),
        eigenvectors,
        points: points.map((p) => ({ subset: p.subset, loss: p.loss, gradientNormSquared: p.gradientNormSquared, index: p.index })),
      },
      plots: [
        {
          id: 'loss-index',
          title: `Loss against index of the ${points.length} analytic critical points (thesis Fig. 3.1)`,
          caption: `Index: fraction of Hessian eigenvalues below −${params.indexThreshold}. ${zero.length === 1 ? 'The single index-0 point is the PCA solution.' : `${zero.length} points have index 0.`}`,
          x: { label: 'index' },
          y: { label: 'loss' },
          series: [
            { name: 'analytic critical points', mark: 'points', x: index, y: loss },
            { name: 'index-0 points', mark: 'points', group: 'PCA', x: zero.map((p) => p.index), y: zero.map((p) => p.loss) },
          ],
        },
      ],
    };
  },
};

/** The enumerated points on the loss + l2‖θ‖²: gradient + 2·l2·θ, Hessian + 2·l2·I. */
function regularised(points: { subset: number[]; theta: Float64Array }[], covariance: Float64Array, params: DlaeAnalyticParams, l2: number): EvaluatedPoint[] {
  const objective = dlaeObjective(covariance, params.n, params.d, params.k);
  const dim = objective.dim;
  return points.map(({ subset, theta }) => {
    const { loss, gradient } = objective.lossAndGradient(theta);
    let penalty = 0;
    let gradientNormSquared = 0;
    for (let i = 0; i < dim; i++) {
      penalty += theta[i] * theta[i];
      gradientNormSquared += (gradient[i] + 2 * l2 * theta[i]) ** 2;
    }
    const hessian = objective.hessian(theta);
    for (let i = 0; i < dim; i++) hessian[i * dim + i] += 2 * l2;
    const index = hessianIndex(eigh(hessian, dim, { vectors: false }).values, params.indexThreshold);
    return { subset, loss: loss + l2 * penalty, gradientNormSquared, index };
  });
}
