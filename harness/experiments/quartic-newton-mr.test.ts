import { DEFAULT_LINE_SEARCH, FRYE_MINRES_OPTIONS } from '../../numerics/critical-points';
import { testContext } from '../testing/context';
import { quarticNewtonMr, type QuarticParams } from './quartic-newton-mr';

const protocol = { grid: { x: [-4, 3] as [number, number], y: [-1, 1] as [number, number], nx: 8, ny: 3 }, iterations: 100, minres: FRYE_MINRES_OPTIONS, lineSearch: DEFAULT_LINE_SEARCH };
const params: QuarticParams = { protocol, distance: 1e-3, gradNormTolerance: 0.01, flatR: 0.9, criticalGradNormSq: 1e-20, checkpoints: [0, 15] };

type Run = { iterations: number; path: number[][]; steps: number[][]; start: number[]; end: number[]; endClass: string; stalled: boolean; stop: string; r: number; gradNormSq: number };
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
    expect(count('critical') + count('flat') + count('diverged') + count('flat-region') + count('in-transit') + count('stalled-elsewhere')).toBe(24);
    // The catalogue's literal rule: every run not within 1e-3 of one of the two points ends elsewhere.
    expect(out.metrics.elsewhere).toBe(24 - count('critical') - count('flat'));
    expect(out.metrics.diverged).toBe(count('diverged'));
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

  it('never counts a diverged run as ending at the gradient-flat point', () => {
    // maxxnorm 1e-3 stops every run whose first Newton step is longer than that, right at its start.
    const tight: QuarticParams = { ...params, protocol: { ...protocol, grid: { x: [Math.SQRT2, 3], y: [0, 1], nx: 2, ny: 2 }, minres: { ...FRYE_MINRES_OPTIONS, maxxnorm: 1e-3 } } };
    const out = quarticNewtonMr.run(tight, testContext(1)) as Awaited<ReturnType<typeof quarticNewtonMr.run>>;
    const runs = runsOf(out);
    // The start (√2, 0) is the gradient-flat point itself, but its run stopped on a step beyond maxxnorm.
    expect(runs[0].start).toEqual([Math.SQRT2, 0]);
    expect(runs[0].stop).toBe('diverged');
    expect(runs[0].endClass).toBe('diverged');
    expect(out.metrics.flatEnds).toBe(0);
    expect(out.metrics.diverged).toBe(runs.filter((r) => r.stop === 'diverged').length);
    expect(out.metrics.elsewhere).toBe(4);
  });

  it('mirrored (b = −9): the critical point moves to (3, 0) and (√2, 0), now a saddle of ‖∇f‖², attracts no run', () => {
    const out = quarticNewtonMr.run({ ...params, linearTerm: -9 }, testContext(1)) as Awaited<ReturnType<typeof quarticNewtonMr.run>>;
    const runs = runsOf(out);
    expect(out.evidence.criticalPoint).toEqual([3, 0]);
    expect(out.metrics.flatEnds).toBe(0);
    expect(out.metrics.criticalEnds).toBeGreaterThan(0);
    for (const r of runs.filter((q) => q.endClass === 'critical')) expect(Math.hypot(r.end[0] - 3, r.end[1])).toBeLessThanOrEqual(1e-3);
    expect(out.metrics.leftToCriticalFraction).toBeLessThan(1);
    expect(quarticNewtonMr.check?.({ ...params, linearTerm: 5 })).toHaveLength(1);
  });

  it('recomputes its metrics from the evidence alone', () => {
    const out = quarticNewtonMr.run(params, testContext(1)) as Awaited<ReturnType<typeof quarticNewtonMr.run>>;
    const b = out.evidence.linearTerm as number;
    const runs = runsOf(out);
    // Independent arithmetic: f's gradient and Hessian written out, the critical point by bisection.
    const grad = (x: number, y: number): [number, number] => [x ** 3 - 6 * x + b, 3.6 * y ** 3 + 10 * y];
    let lo = -10;
    let hi = 10;
    for (let i = 0; i < 200; i++) {
      const mid = (lo + hi) / 2;
      if (grad(mid, 0)[0] > 0) hi = mid;
      else lo = mid;
    }
    const critical = [(lo + hi) / 2, 0];
    const flatValue = (b - 4 * Math.SQRT2) ** 2;
    const recomputed = runs.map((run) => {
      const [gx, gy] = grad(run.end[0], run.end[1]);
      const g2 = gx * gx + gy * gy;
      const k = run.steps.length - 1;
      const [x, y] = run.path[k];
      const [p, q] = run.steps[k];
      const [hx, hy] = [3 * x * x - 6, 10.8 * y * y + 10];
      const [ax, ay] = grad(x, y);
      const r = Math.hypot(hx * p + ax, hy * q + ay) / (Math.hypot(hx, hy) * Math.hypot(p, q) + Math.hypot(ax, ay));
      const atCritical = run.stop !== 'diverged' && Math.hypot(run.end[0] - critical[0], run.end[1]) <= params.distance && g2 < params.criticalGradNormSq;
      const atFlat = run.stop !== 'diverged' && !atCritical && Math.hypot(run.end[0] - Math.SQRT2, run.end[1]) <= params.distance && Math.abs(g2 - flatValue) <= params.gradNormTolerance * flatValue;
      return { start: run.start, atCritical, atFlat, r };
    });
    expect(recomputed.filter((q) => q.atFlat && q.r > params.flatR).length).toBe(out.metrics.flatEndsWithHighR);
    expect(recomputed.filter((q) => q.atCritical).length).toBe(out.metrics.criticalEnds);
    expect(recomputed.filter((q) => !q.atCritical && !q.atFlat).length).toBe(out.metrics.elsewhere);
    const left = recomputed.filter((q) => q.start[0] < -Math.SQRT2);
    expect(left.filter((q) => q.atCritical).length / left.length).toBe(out.metrics.leftToCriticalFraction);
    for (const [i, run] of runs.entries()) if (Number.isFinite(run.r)) expect(recomputed[i].r).toBeCloseTo(run.r, 10);
  });
});
