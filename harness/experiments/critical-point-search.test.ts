import { testContext } from '../testing/context';
import { buildProblem } from './critical-point-problems';
import { criticalPointSearch, initialPoints, type CriticalPointSearchParams } from './critical-point-search';
import { createRng } from '../rng';

const small: CriticalPointSearchParams = {
  problem: { model: 'dlae', data: { source: 'gaussian', d: 6, n: 200 }, hidden: 2 },
  initialPoints: { init: { kind: 'normal', std: 0.1 }, steps: 300, learningRate: 0.2, noiseVariance: 0.01 },
  algorithms: [
    { name: 'newton-mr', runs: 4, iterations: 60, hessianNorm: 'exact' },
    { name: 'btls-gnm', runs: 2, iterations: 200, lineSearch: { alpha: 0.1, beta: 0.5, rho: 1e-4, epsilon: 1e-12 } },
  ],
  successThreshold: 1e-10,
  flatR: 0.9,
  indexThreshold: 1e-5,
  analysis: { analytic: { lossTolerance: 1e-6 }, cutoffs: [1e-10, 1e-4, null], plateau: { lastFraction: 0.2, factor: 10 } },
};

describe('critical-point-search', () => {
  it('gives identical results on 1 and 2 worker threads', async () => {
    const one = await criticalPointSearch.run(small, testContext(5, { jobs: 1 }));
    const two = await criticalPointSearch.run(small, testContext(5, { jobs: 2 }));
    expect(two.metrics).toEqual(one.metrics);
    expect(two.evidence).toEqual(one.evidence);
    expect(one.metrics['newton-mr.runs']).toBe(4);
    expect(one.metrics['btls-gnm.runs']).toBe(2);
    // Newton-MR finds critical points of the linear autoencoder, and they are analytic ones.
    expect(one.metrics['newton-mr.successFraction']).toBeGreaterThan(0.5);
    expect(one.metrics['newton-mr.matchedOfSuccessful']).toBe(1);
    for (const name of criticalPointSearch.metrics(small)) expect(one.metrics).toHaveProperty([name]);
    const runs = (one.evidence as { runs: { trace: { gradNormSq: number[] }; start: { theta: number[] } }[] }).runs;
    expect(runs).toHaveLength(6);
    expect(runs[0].start.theta).toHaveLength(24);
    // Indexed points carry λmin, consistent with their index at the spec's threshold.
    const finals = (one.evidence as { runs: { final?: { index: number; lambdaMin: number } }[] }).runs.flatMap((r) => (r.final ? [r.final] : []));
    expect(finals.length).toBeGreaterThan(0);
    for (const f of finals) expect(f.index === 0).toBe(f.lambdaMin >= -small.indexThreshold);
  }, 120_000);

  it('recounts index-0 final points at a second eigenvalue cutoff from λmin', async () => {
    const params = { ...small, algorithms: [small.algorithms[0]], analysis: { indexAt: { final: true, secondThreshold: 10 } } };
    const out = await criticalPointSearch.run(params, testContext(5));
    expect(criticalPointSearch.metrics(params)).toEqual(expect.arrayContaining(['newton-mr.index0FinalCountAtSecondThreshold', 'newton-mr.index0MaxLossAtSecondThreshold']));
    // With a cutoff of 10 every eigenvalue of this small problem counts as non-negative: every run is index 0.
    expect(out.metrics['newton-mr.index0FinalCountAtSecondThreshold']).toBe(4);
    expect(out.metrics['newton-mr.index0FinalCount']).toBeLessThan(4);
    const finals = (out.evidence as { runs: { final: { loss: number } }[] }).runs.map((r) => r.final.loss);
    expect(out.metrics['newton-mr.index0MaxLossAtSecondThreshold']).toBe(Math.max(...finals));
  }, 120_000);

  it('picks initial points along the optimiser trajectory, with noise on every other one', () => {
    const { objective } = buildProblem(small.problem, 1);
    const starts = initialPoints(objective, small, 6, createRng(2));
    expect(starts.map((s) => s.noisy)).toEqual([false, true, false, true, false, true]);
    for (const s of starts) {
      expect(s.trajectoryStep).toBeGreaterThanOrEqual(0);
      expect(s.trajectoryStep).toBeLessThanOrEqual(300);
      expect(Number.isFinite(objective.loss(s.theta))).toBe(true);
    }
  });

  it('starts every run from its own point, even when the loss draws crowd onto a few iterates', () => {
    // The loss falls fast, so uniform draws by loss land mostly on the first few iterates: with
    // replacement, 40 draws from a 60-step trajectory repeat iterates many times over.
    const crowded = { ...small, initialPoints: { ...small.initialPoints, steps: 60, noiseVariance: 0 } };
    const { objective } = buildProblem(crowded.problem, 1);
    const starts = initialPoints(objective, crowded, 40, createRng(3));
    expect(new Set(starts.map((s) => s.trajectoryStep)).size).toBe(40);
    expect(new Set(starts.map((s) => Array.from(s.theta).join(','))).size).toBe(40);
    expect(() => initialPoints(objective, crowded, 62, createRng(3))).toThrow(/distinct initial points/);
    expect(criticalPointSearch.check?.({ ...crowded, algorithms: [{ ...small.algorithms[0], runs: 62 }] }).map((p) => p.path)).toEqual(['/initialPoints/steps']);
  });

  it('refuses analyses that need the DLAE on another problem', () => {
    const bad = { ...small, problem: { model: 'quartic' as const } };
    expect(criticalPointSearch.check?.(bad).map((p) => p.path)).toEqual(['/analysis/analytic', '/analysis/cutoffs']);
  });

  it('recomputes its metrics from the evidence alone', async () => {
    const params: CriticalPointSearchParams = { ...small, analysis: { ...small.analysis, flatness: { measure: 'relres', maxOver: 'incompatible-steps' } } };
    const out = await criticalPointSearch.run(params, testContext(7));
    type Point = { loss: number; index: number; theta: number[] };
    type Run = { algorithm: string; trace: Record<string, number[]>; final?: Point; cutoffs?: (Point | null)[] };
    const evidence = out.evidence as { runs: Run[]; analytic: { loss: number; index: number }[]; data: { scatter: number[] } };
    const { successThreshold: success, flatR } = params;
    // Independent arithmetic from the stored parts of each Newton step.
    const relres = (t: Record<string, number[]>, i: number): number => t.residualNorm[i] / (t.anorm[i] * t.stepNorm[i] + Math.sqrt(t.gradNormSq[i]));
    const r = (t: Record<string, number[]>, i: number): number => t.residualNorm[i] / (t.hessianNorm[i] * t.stepNorm[i] + Math.sqrt(t.gradNormSq[i]));
    const fractions: number[] = [];
    for (const name of ['newton-mr', 'btls-gnm']) {
      const runs = evidence.runs.filter((q) => q.algorithm === name);
      const last = (q: Run): number => q.trace.gradNormSq[q.trace.gradNormSq.length - 1];
      const critical = runs.map((q) => last(q) < success);
      const share = (flags: boolean[]): number => flags.filter(Boolean).length / runs.length;
      expect(out.metrics[`${name}.successFraction`]).toBe(share(critical));
      fractions.push(share(critical));
      expect(out.metrics[`${name}.minGradNormSq`]).toBe(Math.min(...runs.flatMap((q) => q.trace.gradNormSq)));
      const plateau = runs.map((q, i) => {
        const g = q.trace.gradNormSq;
        return !critical[i] && g[Math.floor((g.length - 1) * 0.8)] / g[g.length - 1] < 10;
      });
      expect(out.metrics[`${name}.plateauFraction`]).toBe(share(plateau));
      const matched = runs.map((q, i) => critical[i] && evidence.analytic.some((a) => Math.abs(a.loss - q.final!.loss) <= 1e-6 * Math.abs(a.loss) && Math.abs(a.index - q.final!.index) < 1e-9));
      expect(out.metrics[`${name}.matchedFraction`]).toBe(share(matched));
      if (name !== 'newton-mr') continue;
      // 0/0 (a zero gradient: the step and residual are 0) gives NaN both ways.
      const same = (a: number, b: number): void => (Number.isNaN(b) ? expect(a).toBeNaN() : expect(a).toBeCloseTo(b, 12));
      for (const q of runs) {
        q.trace.relres.forEach((v, i) => same(relres(q.trace, i), v));
        q.trace.r.forEach((v, i) => same(r(q.trace, i), v));
        q.trace.rH.forEach((v, i) => same(q.trace.residualNorm[i] === 0 ? 0 : q.trace.normalResidualNorm[i] / (q.trace.hessianNorm[i] * q.trace.residualNorm[i]), v));
      }
      const maxFlat = runs.map((q) => Math.max(0, ...q.trace.relres.map((_, i) => (q.trace.minresFlag[i] === 2 && Number.isFinite(relres(q.trace, i)) ? relres(q.trace, i) : 0))));
      expect(out.metrics[`${name}.maxRAbove90`]).toBe(share(maxFlat.map((v) => v > 0.9)));
      expect(out.metrics[`${name}.maxRAbove50`]).toBe(share(maxFlat.map((v) => v > 0.5)));
      const endFlat = runs.map((q, i) => !critical[i] && relres(q.trace, q.trace.relres.length - 1) > flatR);
      expect(out.metrics[`${name}.finalFlatCount`]).toBe(endFlat.filter(Boolean).length);
      // Cutoffs: the first iterate below each ε, against the analytic point nearest in loss.
      const nearest = (loss: number): { loss: number; index: number } => evidence.analytic.reduce((best, a) => (Math.abs(a.loss - loss) < Math.abs(best.loss - loss) ? a : best));
      const errors = params.analysis.cutoffs!.map((eps, c) => {
        const points = runs.map((q) => q.cutoffs![c]).filter((p): p is Point => p !== null);
        const first = runs.map((q) => (eps === null ? 0 : q.trace.gradNormSq.findIndex((g) => g < eps))).filter((t) => t >= 0);
        expect(points).toHaveLength(first.length);
        const meanOf = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
        return { loss: meanOf(points.map((p) => Math.abs(p.loss - nearest(p.loss).loss))), index: meanOf(points.map((p) => Math.abs(p.index - nearest(p.loss).index))), points };
      });
      errors.forEach((e, c) => {
        const label = params.analysis.cutoffs![c] === null ? 'inf' : params.analysis.cutoffs![c]!.toExponential();
        expect(out.metrics[`cutoff.${label}.lossError`]).toBeCloseTo(e.loss, 12);
        expect(out.metrics[`cutoff.${label}.indexError`]).toBeCloseTo(e.index, 12);
      });
      const grows = errors.every((e, i) => i === 0 || (e.loss >= errors[i - 1].loss && e.index >= errors[i - 1].index && (e.loss > errors[i - 1].loss || e.index > errors[i - 1].index)));
      expect(out.metrics['cutoff.errorGrowsAsCutoffLoosens']).toBe(grows ? 1 : 0);
      // Quadratic least squares of loss on index at ε = ∞, by the normal equations, and its t-statistic.
      const pts = errors[errors.length - 1].points;
      const rows = pts.map((p) => [1, p.index, p.index ** 2]);
      const ata = [0, 1, 2].map((i) => [0, 1, 2].map((j) => rows.reduce((sum, row) => sum + row[i] * row[j], 0)));
      const aty = [0, 1, 2].map((i) => rows.reduce((sum, row, k) => sum + row[i] * pts[k].loss, 0));
      const inverse = invert3(ata);
      const beta = inverse.map((row) => row.reduce((sum, v, j) => sum + v * aty[j], 0));
      const rss = rows.reduce((sum, row, k) => sum + (pts[k].loss - row.reduce((acc, v, j) => acc + v * beta[j], 0)) ** 2, 0);
      const se = Math.sqrt((rss / (pts.length - 3)) * inverse[2][2]);
      expect(out.metrics['cutoff.quadraticCoefficient']).toBeCloseTo(beta[2], 6);
      expect(out.metrics['cutoff.quadraticT']).toBeCloseTo(beta[2] / se, 4);
      // The stored θ of a cutoff iterate reproduces its loss: tr((I − W)C(I − W)ᵀ)/(dn) from XXᵀ alone.
      const { d, n } = params.problem.model === 'dlae' ? params.problem.data : { d: 0, n: 0 };
      const k = params.problem.model === 'dlae' ? params.problem.hidden : 0;
      const point = errors[0].points[0];
      expect(dlaeLoss(point.theta, evidence.data.scatter, d, n, k)).toBeCloseTo(point.loss, 10);
    }
    expect(out.metrics.successOrderHolds).toBe(fractions[1] < fractions[0] ? 1 : 0);
  }, 120_000);
});

/** Inverse of a 3×3 matrix by cofactors. */
function invert3(m: number[][]): number[][] {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  return [
    [(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det],
    [(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det],
    [(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det],
  ];
}

/** The deep linear autoencoder's loss ‖X − W₂W₁X‖²/(dn) from C = XXᵀ: tr((I − W)C(I − W)ᵀ)/(dn). */
function dlaeLoss(theta: number[], c: number[], d: number, n: number, k: number): number {
  const w = Array.from({ length: d * d }, (_, e) => {
    const [i, j] = [Math.floor(e / d), e % d];
    let sum = 0;
    for (let a = 0; a < k; a++) sum += theta[d * k + i * k + a] * theta[a * d + j];
    return (i === j ? 1 : 0) - sum;
  });
  let total = 0;
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let l = 0; l < d; l++) total += w[i * d + j] * c[j * d + l] * w[i * d + l];
  return total / (d * n);
}
