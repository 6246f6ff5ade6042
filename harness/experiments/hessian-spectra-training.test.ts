import { testContext } from '../testing/context';
import { type HessianSpectraTrainingParams, hessianSpectraTraining } from './hessian-spectra-training';

const tiny: HessianSpectraTrainingParams = {
  data: { trainImages: 120, testImages: 1, features: { kind: 'crop-average' } },
  network: { hiddenWidths: [4], activation: 'tanh' },
  training: { learningRate: 0.05, momentum: 0.9, batchSize: 20, steps: 60, drop: { step: 40, factor: 0.1 } },
  checkpoints: { early: 10, afterDrop: 10, every: 30 },
  hessian: { examples: 60, exactUpTo: 1000, slq: { draws: 3, steps: 30 } },
  nearZeroRadius: 0.01,
  flatTolerance: 0.001,
  density: { sigmaFraction: 0.01, gridPoints: 50 },
};

interface Point {
  step: number;
  trainLoss: number;
  eigenvalues?: number[];
  slq?: { nodes: number[][]; weights: number[][] };
}

/** The scored summaries recomputed from stored eigenvalues with plain loops (not the kind's helpers). */
function recompute(values: number[], radius: number, tolerance: number) {
  const max = Math.max(...values);
  const total = values.reduce((s, v) => s + Math.abs(v), 0);
  const abs = values.map(Math.abs).sort((a, b) => a - b);
  const h = abs.length >> 1;
  const median = abs.length % 2 ? abs[h] : (abs[h - 1] + abs[h]) / 2;
  return {
    lambdaMax: max,
    lambdaMin: Math.min(...values),
    nearZeroL1Share: values.filter((v) => Math.abs(v) <= radius * max).reduce((s, v) => s + Math.abs(v), 0) / total,
    negativeL1Share: values.filter((v) => v < 0).reduce((s, v) => s - v, 0) / total,
    conditionRatio: max / median,
    flatFraction: abs.filter((a) => a <= tolerance * Math.max(...abs)).length / abs.length,
  };
}

describe('hessian-spectra-training', () => {
  it('recomputes every scored metric from the stored spectra, deterministically', async () => {
    const out = await hessianSpectraTraining.run(tiny, testContext(5));
    const evidence = out.evidence as unknown as { checkpoints: Record<string, number>; trajectory: Point[]; finalSlq: { nodes: number[][]; weights: number[][] } };
    // Steps 0, 10, 30, 40, 50, 60: named checkpoints and every 30.
    expect(evidence.trajectory.map((p) => p.step)).toEqual([0, 10, 30, 40, 50, 60]);
    expect(out.metrics.spectrumExact).toBe(1);
    const byStep = new Map(evidence.trajectory.map((p) => [p.step, p]));
    for (const [name, step] of Object.entries(evidence.checkpoints)) {
      const point = byStep.get(step)!;
      expect(point.eigenvalues).toHaveLength(out.metrics.parameters);
      const expected = recompute(point.eigenvalues!, tiny.nearZeroRadius, tiny.flatTolerance);
      for (const [metric, value] of Object.entries(expected)) expect(out.metrics[`${metric}.${name}`]).toBeCloseTo(value, 12);
      expect(out.metrics[`trainLoss.${name}`]).toBe(point.trainLoss);
    }
    const m = out.metrics;
    expect(m.earlyLambdaMaxRatio).toBeCloseTo(m['lambdaMax.early'] / m['lambdaMax.initial'], 12);
    expect(m.dropLambdaMaxRatio).toBeCloseTo(m['lambdaMax.beforeDrop'] / m['lambdaMax.afterDrop'], 12);
    const conditions = evidence.trajectory.map((p) => recompute(p.eigenvalues!, tiny.nearZeroRadius, tiny.flatTolerance).conditionRatio).sort((a, b) => a - b);
    expect(m.medianConditionRatio).toBeCloseTo((conditions[2] + conditions[3]) / 2, 12);
    expect(m.minConditionRatio).toBeCloseTo(conditions[0], 12);
    // The SLQ share at the end is the ratio of probe means of the weighted near-zero and total |θ|.
    const { nodes, weights } = evidence.finalSlq;
    const lambda1 = Math.max(...nodes.flat());
    let near = 0;
    let total = 0;
    nodes.forEach((probe, p) => probe.forEach((v, i) => ((total += weights[p][i] * Math.abs(v)), (near += Math.abs(v) <= tiny.nearZeroRadius * lambda1 ? weights[p][i] * Math.abs(v) : 0))));
    expect(m.slqNearZeroL1Share).toBeCloseTo(near / total, 12);
    expect(m.slqNearZeroL1ShareBias).toBeCloseTo(m.slqNearZeroL1Share - m['nearZeroL1Share.final'], 12);
    expect((out.evidence.data as { trainSha256: string }).trainSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(out.plots?.map((p) => p.id)).toEqual(['density-early', 'density-late', 'density-drop', 'extremes', 'conditioning']);
    const again = await hessianSpectraTraining.run(tiny, testContext(5));
    expect(again.metrics).toEqual(out.metrics);
  });

  it('a softmax regression has no negative eigenvalues, and SLQ mode scores from quadrature draws', async () => {
    const convex = await hessianSpectraTraining.run({ ...tiny, network: { hiddenWidths: [], activation: 'tanh' } }, testContext(6));
    expect(convex.metrics['negativeL1Share.final']).toBeLessThan(1e-12);
    const slq = await hessianSpectraTraining.run({ ...tiny, hessian: { ...tiny.hessian, exactUpTo: 0 } }, testContext(6));
    expect(slq.metrics.spectrumExact).toBe(0);
    expect(slq.metrics.slqNearZeroL1ShareBias).toBeUndefined();
    const last = (slq.evidence.trajectory as unknown as Point[]).at(-1)!;
    expect(slq.metrics['lambdaMax.final']).toBe(Math.max(...last.slq!.nodes.flat()));
  });

  it('estimates a cost that grows with the number of spectra', () => {
    const few = hessianSpectraTraining.cost!(tiny);
    const many = hessianSpectraTraining.cost!({ ...tiny, checkpoints: { ...tiny.checkpoints, every: 10 } });
    expect(few.seconds).toBeGreaterThan(0);
    expect(many.seconds).toBeGreaterThan(few.seconds);
    // At least the dense 118×118 Hessian of the 16 → 4 → 10 network.
    expect(few.memoryBytes).toBeGreaterThan(8 * 118 * 118);
  });

  it('rejects checkpoints out of order with the drop', () => {
    const problems = hessianSpectraTraining.check?.({ ...tiny, checkpoints: { early: 50, afterDrop: 30, every: 0 } }) ?? [];
    expect(problems.map((p) => p.path)).toEqual(['/checkpoints/early', '/checkpoints/afterDrop']);
  });
});
