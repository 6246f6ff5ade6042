import { testContext } from '../testing/context';
import { quarticNewtonMr, type QuarticParams } from './quartic-newton-mr';

const params: QuarticParams = { grid: { x: [-4, 3], y: [-1, 1], nx: 8, ny: 3 }, iterations: 100, distance: 1e-3, gradNormTolerance: 0.01, flatR: 0.9, criticalGradNormSq: 1e-20 };

describe('quartic-newton-mr', () => {
  it('sends left starts to (−3, 0) and others towards (√2, 0), with trajectories as evidence', () => {
    const out = quarticNewtonMr.run(params, testContext(1)) as Awaited<ReturnType<typeof quarticNewtonMr.run>>;
    expect(out.metrics.runs).toBe(24);
    expect(out.metrics.leftStarts).toBe(9); // x ∈ {−4, −3, −2} × 3 rows
    expect(out.metrics.leftToCriticalFraction).toBe(1);
    expect(out.metrics.flatEnds).toBeGreaterThan(0);
    const runs = (out.evidence as { runs: { path: number[][]; start: number[] }[] }).runs;
    expect(runs[0].path[0]).toEqual(runs[0].start);
    expect(out.plots?.[0].series.some((s) => s.group === 'contours of f')).toBe(true);
  });
});
