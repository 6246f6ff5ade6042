/**
 * `quartic-newton-mr`: Newton-MR from a grid of starts on the thesis' two-dimensional quartic (§3.4.2,
 * Fig. 3.5), which has one critical point (−3, 0) and strict gradient-flat points (±√2, 0). Runs are
 * cheap, so they run in this thread.
 */
import { newtonMr, DEFAULT_LINE_SEARCH, FRYE_MINRES_OPTIONS } from '../../numerics/critical-points';
import { QUARTIC_CRITICAL_POINT, quarticObjective } from '../../models/quartic';
import { contourSegments, sampleGrid } from '../contours';
import type { ExperimentKind } from '../registry';
import type { ExperimentOutput, PlotSeries } from '../types';

export interface QuarticParams {
  grid: { x: [number, number]; y: [number, number]; nx: number; ny: number };
  iterations: number;
  /** A run "ends at" a point when its final iterate is within this distance of it. */
  distance: number;
  /** Gradient-flat end: final ‖∇L‖² within this relative tolerance of (9 − 4√2)² and final r above flatR. */
  gradNormTolerance: number;
  flatR: number;
  /** A run ends at the critical point when, in addition, its final ‖∇L‖² is below this. */
  criticalGradNormSq: number;
}

const FLAT_POINT = [Math.SQRT2, 0];
const FLAT_GRAD_NORM_SQ = (9 - 4 * Math.SQRT2) ** 2;

export const quarticNewtonMr: ExperimentKind<QuarticParams> = {
  name: 'quartic-newton-mr',
  description: "Newton-MR from a grid of starts on the thesis' quartic with strict gradient-flat points (±√2, 0).",
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['grid', 'iterations', 'distance', 'gradNormTolerance', 'flatR', 'criticalGradNormSq'],
    properties: {
      grid: {
        type: 'object',
        additionalProperties: false,
        required: ['x', 'y', 'nx', 'ny'],
        properties: {
          x: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 },
          y: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 },
          nx: { type: 'integer', minimum: 2 },
          ny: { type: 'integer', minimum: 2 },
        },
      },
      iterations: { type: 'integer', minimum: 1 },
      distance: { type: 'number', exclusiveMinimum: 0 },
      gradNormTolerance: { type: 'number', exclusiveMinimum: 0 },
      flatR: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
      criticalGradNormSq: { type: 'number', exclusiveMinimum: 0 },
    },
  },
  metrics: () => ['runs', 'flatEnds', 'flatEndsWithHighR', 'leftStarts', 'leftToCriticalFraction', 'elsewhere', 'elsewhereOnFlatLine', 'elsewhereMaxDistance'],
  run(params, ctx): ExperimentOutput {
    const objective = quarticObjective();
    const { x, y, nx, ny } = params.grid;
    const starts: [number, number][] = [];
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) starts.push([x[0] + ((x[1] - x[0]) * i) / (nx - 1), y[0] + ((y[1] - y[0]) * j) / (ny - 1)]);
    const runs = starts.map((start, k) => {
      const path: number[][] = [];
      const result = newtonMr(objective, Float64Array.from(start), {
        iterations: params.iterations,
        minres: FRYE_MINRES_OPTIONS,
        lineSearch: DEFAULT_LINE_SEARCH,
        hessianNorm: { kind: 'exact' },
        observe: (_t, theta) => void path.push([theta[0], theta[1]]),
      });
      ctx.progress(k + 1, starts.length);
      const end = Array.from(result.theta);
      const g = result.trace.gradNormSq.at(-1) as number;
      const r = result.trace.r.at(-1) ?? NaN;
      const near = (p: readonly number[]): boolean => Math.hypot(end[0] - p[0], end[1] - p[1]) <= params.distance;
      const flat = near(FLAT_POINT) && Math.abs(g - FLAT_GRAD_NORM_SQ) <= params.gradNormTolerance * FLAT_GRAD_NORM_SQ;
      const critical = near(QUARTIC_CRITICAL_POINT) && g < params.criticalGradNormSq;
      return { start, end, gradNormSq: g, r, flat, flatWithR: flat && r > params.flatR, critical, stop: result.stop, path };
    });
    const left = runs.filter((r) => r.start[0] < -Math.SQRT2);
    const elsewhere = runs.filter((r) => !r.flat && !r.critical);
    const plots = [contourPlot(runs)];
    return {
      metrics: {
        runs: runs.length,
        flatEnds: runs.filter((r) => r.flat).length,
        flatEndsWithHighR: runs.filter((r) => r.flatWithR).length,
        leftStarts: left.length,
        leftToCriticalFraction: left.length ? left.filter((r) => r.critical).length / left.length : NaN,
        elsewhere: elsewhere.length,
        // Runs that reach the flat line x = √2 but stall off the point in the well-conditioned y direction.
        elsewhereOnFlatLine: elsewhere.filter((r) => Math.abs(r.end[0] - Math.SQRT2) <= params.distance).length,
        elsewhereMaxDistance: Math.max(0, ...elsewhere.map((r) => Math.min(Math.hypot(r.end[0] - FLAT_POINT[0], r.end[1]), Math.hypot(r.end[0] + 3, r.end[1])))),
      },
      evidence: {
        description: 'Per run: start (x₀, y₀), every iterate (x, y), the final point, its ‖∇f‖² and last r, and whether it ended at the gradient-flat point (√2, 0) or the critical point (−3, 0).',
        runs: runs.map(({ path, ...rest }) => ({ ...rest, path })),
      },
      plots,
    };
  },
};

function contourPlot(runs: { start: [number, number]; path: number[][]; flat: boolean; critical: boolean }[]): import('../types').PlotSpec {
  const f = (x: number, y: number): number => x ** 4 / 4 - 3 * x ** 2 + 9 * x + 0.9 * y ** 4 + 5 * y ** 2 + 40;
  const grid = sampleGrid(f, [-4.5, 4.5], [-2.5, 2.5], 91, 51);
  const contours: PlotSeries[] = [20, 30, 40, 50, 60, 70, 80].map((level) => {
    const xs: number[] = [];
    const ys: number[] = [];
    for (const [p, q] of contourSegments(grid, level)) xs.push(p[0], q[0], NaN), ys.push(p[1], q[1], NaN);
    return { name: `f = ${level}`, mark: 'line', group: 'contours of f', x: xs, y: ys };
  });
  const tracks: PlotSeries[] = runs.map((r, i) => ({
    name: `run ${i}`,
    mark: 'line',
    group: r.critical ? 'ends at the critical point (−3, 0)' : r.flat ? 'ends at the gradient-flat point (√2, 0)' : 'ends elsewhere',
    x: r.path.map((p) => p[0]),
    y: r.path.map((p) => p[1]),
  }));
  return {
    id: 'quartic-trajectories',
    title: 'Newton-MR trajectories over the contours of f (thesis Fig. 3.5)',
    caption: 'Starts left of −√2 reach the critical point (−3, 0); the others stall at the strict gradient-flat point (√2, 0).',
    x: { label: 'x' },
    y: { label: 'y' },
    series: [...contours, ...tracks],
  };
}
