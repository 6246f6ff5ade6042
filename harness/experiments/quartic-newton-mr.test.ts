import { DEFAULT_LINE_SEARCH, FRYE_MINRES_OPTIONS } from '../../numerics/critical-points';
import { testContext } from '../testing/context';
import { quarticNewtonMr, type QuarticParams } from './quartic-newton-mr';

const protocol = { grid: { x: [-4, 3] as [number, number], y: [-1, 1] as [number, number], nx: 8, ny: 3 }, iterations: 100, minres: FRYE_MINRES_OPTIONS, lineSearch: DEFAULT_LINE_SEARCH };
const params: QuarticParams = { protocol, distance: 1e-3, gradNormTolerance: 0.01, flatR: 0.9, criticalGradNormSq: 1e-20, checkpoints: [0, 15] };

type Run = { iterations: number; path: number[][]; start: number[]; end: number[]; endClass: string; stalled: boolean; stop: string; r: number; gradNormSq: number };
const runsOf = (out: { evidence: Record<string, unknown> }, key = 'runs'): Run[] => out.evidence[key] as Run[];

describe('quartic-newton-mr', () => {
  it('sends left starts to (−3, 0) and others towards (√2, 0), with trajectories as evidence', () => {
    const out = quarticNewtonMr.run(params, testContext(1)) as Awaited<ReturnType<typeof quarticNewtonMr.run>>;
    expect(out.metrics.runs).toBe(24);
    expect(out.metrics.leftStarts).toBe(9); // x ∈ {−4, −3, −2} × 3 rows
    expect(out.metrics.leftToCriticalFraction).toBe(1);
    expect(out.metrics.flatEnds).toBeGreaterThan(0);
    expect(out.metrics.settledAt0).toBe(1); // the start (−3, 0) is the critical point itself
    expect(out.metrics.settledAt15).toBeLessThanOrEqual(out.metrics.criticalEnds + out.metrics.flatEnds);
    const runs = runsOf(out);
    expect(runs[0].path[0]).toEqual(runs[0].start);
    // The classes partition the runs, and the metrics count them.
    const count = (c: string): number => runs.filter((r) => r.endClass === c).length;
    expect(count('critical') + count('flat') + count('flat-region') + count('in-transit') + count('stalled-elsewhere')).toBe(24);
    expect(out.metrics.elsewhere).toBe(count('in-transit') + count('stalled-elsewhere'));
    expect(out.metrics.strictElsewhere).toBe(24 - count('critical') - count('flat'));
    expect(out.plots?.[0].series.some((s) => s.group === 'contours of f')).toBe(true);
  });

  it('classifies a stall on the kernel line next to (√2, 0) as the gradient-flat region, and an unfinished run as in transit', () => {
    // (0.5, −1.5) and (1, −0.5) stall at x = √2 − 4e-5, |y| ≈ 1e-3 after ~70 iterations: MR-QLP cut at
    // maxxnorm returns a direction along which ‖∇f‖² rises, so the line search finds no step.
    const stall: QuarticParams = { ...params, protocol: { ...protocol, grid: { x: [0.5, 1], y: [-1.5, -0.5], nx: 2, ny: 2 }, iterations: 500 } };
    const runs = runsOf(quarticNewtonMr.run(stall, testContext(1)) as { evidence: Record<string, unknown> });
    const stalled = runs.filter((r) => r.endClass === 'flat-region');
    expect(stalled.length).toBeGreaterThan(0);
    for (const r of stalled) {
      expect(r.stop).toBe('line search found no step');
      expect(Math.abs(r.end[0] - Math.SQRT2)).toBeLessThanOrEqual(1e-3);
      expect(Math.hypot(r.end[0] - Math.SQRT2, r.end[1])).toBeGreaterThan(1e-3);
      expect(r.r).toBeGreaterThan(0.9);
    }
    const short = runsOf(quarticNewtonMr.run({ ...stall, protocol: { ...stall.protocol, iterations: 3 } }, testContext(1)) as { evidence: Record<string, unknown> });
    expect(short.every((r) => r.endClass === 'in-transit' && !r.stalled)).toBe(true);
  });

  it("runs the thesis' figure protocol alongside, and a step that rounds to nothing counts as a stall", () => {
    const figure = { grid: { x: [-4, 4] as [number, number], y: [-4, 4] as [number, number], nx: 4, ny: 4 }, iterations: 40, minres: { rtol: 1e-10, maxit: 2, maxxnorm: 1e2, acondlim: 1e15, trancond: 1e7 }, lineSearch: { alpha: 1, beta: 0.9, rho: 0.1, rhoPrime: 0.1, epsilon: 0 }, source: 'test' };
    const out = quarticNewtonMr.run({ ...params, figureProtocol: figure }, testContext(1)) as Awaited<ReturnType<typeof quarticNewtonMr.run>>;
    expect(out.metrics['figure.runs']).toBe(16);
    expect(quarticNewtonMr.metrics({ ...params, figureProtocol: figure })).toContain('figure.elsewhere');
    const runs = runsOf(out, 'figureRuns');
    const frozen = runs.filter((r) => r.stalled && r.stop === 'iteration budget spent');
    expect(frozen.length).toBeGreaterThan(0);
    for (const r of frozen) expect(r.path.length - 1).toBeLessThan(r.iterations); // later iterates repeat the last
    expect(out.plots?.map((p) => p.id)).toEqual(['quartic-trajectories', 'quartic-figure-protocol']);
  });

  it('keeps evidence and plots light: paths stop at the last iterate that moved, plots draw at most 300 traces', () => {
    const dense: QuarticParams = { ...params, protocol: { ...protocol, grid: { x: [-4, 4], y: [-2, 2], nx: 25, ny: 17 }, iterations: 300 } };
    const out = quarticNewtonMr.run(dense, testContext(1)) as Awaited<ReturnType<typeof quarticNewtonMr.run>>;
    const runs = runsOf(out);
    const critical = runs.filter((r) => r.endClass === 'critical');
    expect(critical.length).toBeGreaterThan(0);
    for (const r of runs) {
      expect(r.iterations).toBeGreaterThanOrEqual(r.path.length - 1);
      expect(r.path.at(-1)).toEqual(r.end);
      if (r.path.length > 1) expect(r.path.at(-1)).not.toEqual(r.path.at(-2));
    }
    expect(critical.some((r) => r.path.length - 1 < r.iterations)).toBe(true); // converged runs stop moving
    const tracks = out.plots?.[0].series.filter((s) => s.group !== 'contours of f') ?? [];
    expect(runs.length).toBe(425);
    expect(tracks.length).toBe(300);
    const unusual = runs.filter((r) => r.endClass !== 'critical' && r.endClass !== 'flat').length;
    expect(tracks.filter((t) => !t.group?.startsWith('ends at')).length).toBe(unusual);
    expect(out.plots?.[0].caption).toMatch(/300 of 425 runs drawn/);
  });
});
