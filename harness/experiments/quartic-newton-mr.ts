/**
 * `quartic-newton-mr`: Newton-MR from a grid of starts on the thesis' two-dimensional quartic (§3.4.2,
 * Fig. 3.5), f = x⁴/4 − 3x² + b·x + 0.9y⁴ + 5y² + 40 (b = 9 in the thesis, `linearTerm`), which has one
 * critical point ((−3, 0) for b = 9) and strict gradient-flat points (±√2, 0). Runs are cheap, so they run
 * in this thread.
 *
 * Each run ends in one of six classes:
 * - critical: within `distance` of the critical point with ‖∇f‖² below `criticalGradNormSq`;
 * - flat: within `distance` of the gradient-flat point (√2, 0) with ‖∇f‖² within `gradNormTolerance` of
 *   its value there, (b − 4√2)² (= (9 − 4√2)² ≈ 11.18 for the thesis' f);
 * - diverged: MR-QLP's step exceeded maxxnorm (or a value was not finite), wherever that happened: such a
 *   run did not converge anywhere, so it never counts as ending at a point;
 * - flat-region: stalled (see below) on the kernel line x = √2 (to `distance`) at the flat ‖∇f‖² with
 *   r > flatR on its last step, but farther than `distance` from (√2, 0);
 * - in-transit: the iteration budget ran out while the iterate was still moving;
 * - stalled-elsewhere: Newton-MR stopped moving anywhere else.
 * A run stalls when its line search finds no step, or when the accepted step leaves θ unchanged (α so
 * small that θ + αp rounds to θ; from then on every iteration repeats). `elsewhere` counts every run
 * that is neither critical nor flat: the catalogue's literal rule (within 1e-3 of one of the two points).
 *
 * Evidence and the metrics it recomputes (per run in `runs`, the same in `figureRuns`):
 * - `end` (x, y) and `stop`: the class. ‖∇f‖² at `end` follows from f's gradient (x³ − 6x + b,
 *   3.6y³ + 10y) with b = `linearTerm`; `criticalPoint` is the real root of x³ − 6x + b.
 * - `path` (iterate t, up to the last that moved) and `steps` (MR-QLP's Newton step p at path[t]): r of
 *   the last step, ‖Hp + g‖/(‖H‖_F‖p‖ + ‖g‖) with H = diag(3x² − 6, 10.8y² + 10) and g at
 *   path[steps.length − 1]: `flatEndsWithHighR` (flat and r > flatR).
 * - `start`: `leftToCriticalFraction` (starts with x₀ < −√2 that end critical); `elsewhere`,
 *   `criticalEnds`, `flatEnds`, `diverged`, … count classes; `settledAt<k>`: path[min(k, last)].
 */
import { newtonMr, type LineSearchOptions } from '../../numerics/critical-points';
import type { MinresQlpOptions } from '../../numerics/minres-qlp';
import { QUARTIC_LINEAR_TERM, quarticCriticalPoint, quarticObjective } from '../../models/quartic';
import { contourSegments, sampleGrid } from '../report/contours';
import type { ExperimentKind } from '../registry';
import type { ExperimentOutput, JsonValue, PlotSeries, PlotSpec } from '../types';
import { minresSchema, newtonLineSearchSchema } from './schemas';

/** Where Newton-MR starts and how it is set up. */
export interface QuarticProtocol {
  /** Starts on an nx × ny grid spanning x and y, ends included. */
  grid: { x: [number, number]; y: [number, number]; nx: number; ny: number };
  iterations: number;
  minres: MinresQlpOptions;
  lineSearch: LineSearchOptions;
}

export interface QuarticParams {
  /** Coefficient b of the term b·x of f (thesis: 9); b = −9 mirrors f, making (√2, 0) a saddle of ‖∇f‖². */
  linearTerm?: number;
  /** The protocol the expectations score. */
  protocol: QuarticProtocol;
  /** The thesis' own Fig. 3.5 settings, run alongside and reported under `figure.*`. */
  figureProtocol?: QuarticProtocol & { source: string };
  /** A run "ends at" a point when its final iterate is within this distance of it. */
  distance: number;
  /** Gradient-flat end: final ‖∇f‖² within this relative tolerance of (9 − 4√2)². */
  gradNormTolerance: number;
  /** r above which a step counts as gradient-flat (thesis §3.4.3: 0.9). */
  flatR: number;
  /** A run ends at the critical point when, in addition, its final ‖∇f‖² is below this. */
  criticalGradNormSq: number;
  /** Iterations at which the runs already at one of the two points are also counted (`settledAt<k>`). */
  checkpoints: number[];
}

const FLAT_POINT = [Math.SQRT2, 0] as const;

type EndClass = 'critical' | 'flat' | 'diverged' | 'flat-region' | 'in-transit' | 'stalled-elsewhere';

interface QuarticRun {
  start: [number, number];
  end: number[];
  gradNormSq: number;
  /** r of the last Newton step. */
  r: number;
  stop: string;
  stalled: boolean;
  endClass: EndClass;
  path: number[][];
  /** MR-QLP's Newton step at path[t], for every iteration that computed one. */
  steps: number[][];
}

/** The points a run can end at, for the function f with coefficient b = `linearTerm`. */
interface Landmarks {
  b: number;
  critical: readonly number[];
  /** ‖∇f‖² at (√2, 0): (b − 4√2)². */
  flatGradNormSq: number;
}

function landmarksOf(params: QuarticParams): Landmarks {
  const b = params.linearTerm ?? QUARTIC_LINEAR_TERM;
  return { b, critical: quarticCriticalPoint(b), flatGradNormSq: (b - 4 * Math.SQRT2) ** 2 };
}

const protocolSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['grid', 'iterations', 'minres', 'lineSearch'],
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
    minres: minresSchema,
    lineSearch: newtonLineSearchSchema,
  },
};

const distanceTo = (p: readonly number[], q: readonly number[]): number => Math.hypot(p[0] - q[0], p[1] - q[1]);

function nearFlatMerit(gradNormSq: number, tolerance: number, at: Landmarks): boolean {
  return Math.abs(gradNormSq - at.flatGradNormSq) <= tolerance * at.flatGradNormSq;
}

/**
 * A stalled run ends in the gradient-flat region of (√2, 0) when its last Newton step was gradient-flat
 * (r > flatR), it is within `distance` of the kernel line x = √2, and ‖∇f‖² is at the flat value. Only
 * the y offset is left to the merit tolerance: along y the Hessian is well conditioned, and a run stalls
 * there because one step size serves both coordinates; (√2, y ≠ 0) is no stationary point of ‖∇f‖².
 */
function inFlatRegion(run: Pick<QuarticRun, 'end' | 'gradNormSq' | 'r' | 'stalled'>, params: QuarticParams, at: Landmarks): boolean {
  return run.stalled && run.r > params.flatR && Math.abs(run.end[0] - FLAT_POINT[0]) <= params.distance && nearFlatMerit(run.gradNormSq, params.gradNormTolerance, at);
}

function atCritical(point: readonly number[], gradNormSq: number, params: QuarticParams, at: Landmarks): boolean {
  return distanceTo(point, at.critical) <= params.distance && gradNormSq < params.criticalGradNormSq;
}

function atFlatPoint(point: readonly number[], gradNormSq: number, params: QuarticParams, at: Landmarks): boolean {
  return distanceTo(point, FLAT_POINT) <= params.distance && nearFlatMerit(gradNormSq, params.gradNormTolerance, at);
}

function gridStarts(grid: QuarticProtocol['grid']): [number, number][] {
  const { x, y, nx, ny } = grid;
  const starts: [number, number][] = [];
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) starts.push([x[0] + ((x[1] - x[0]) * i) / (nx - 1), y[0] + ((y[1] - y[0]) * j) / (ny - 1)]);
  return starts;
}

function runProtocol(protocol: QuarticProtocol, params: QuarticParams, progress: (done: number) => void): QuarticRun[] {
  const at = landmarksOf(params);
  const objective = quarticObjective(at.b);
  return gridStarts(protocol.grid).map((start, k) => {
    const path: number[][] = [];
    const steps: number[][] = [];
    const result = newtonMr(objective, Float64Array.from(start), {
      iterations: protocol.iterations,
      minres: protocol.minres,
      lineSearch: protocol.lineSearch,
      hessianNorm: { kind: 'exact' },
      observe: (_t, theta) => void path.push([theta[0], theta[1]]),
      observeStep: (_t, p) => void steps.push([p[0], p[1]]),
    });
    progress(k + 1);
    const end = Array.from(result.theta);
    const last = path[path.length - 2];
    const diverged = result.stop === 'diverged';
    const stalled = !diverged && (result.stop === 'line search found no step' || (last !== undefined && last[0] === end[0] && last[1] === end[1]));
    const run = { start, end, gradNormSq: result.trace.gradNormSq.at(-1) as number, r: result.trace.r.at(-1) ?? NaN, stop: result.stop, stalled, path, steps };
    const endClass: EndClass = diverged
      ? 'diverged'
      : atCritical(end, run.gradNormSq, params, at)
        ? 'critical'
        : atFlatPoint(end, run.gradNormSq, params, at)
          ? 'flat'
          : inFlatRegion(run, params, at)
            ? 'flat-region'
            : stalled
              ? 'stalled-elsewhere'
              : 'in-transit';
    return { ...run, endClass };
  });
}

/** Counts shared by the scored protocol and the figure protocol. */
function classCounts(runs: QuarticRun[], params: QuarticParams): Record<string, number> {
  const at = landmarksOf(params);
  const count = (c: EndClass): number => runs.filter((r) => r.endClass === c).length;
  const left = runs.filter((r) => r.start[0] < -Math.SQRT2);
  const elsewhere = runs.filter((r) => r.endClass !== 'critical' && r.endClass !== 'flat');
  const notCritical = runs.filter((r) => r.endClass !== 'critical');
  return {
    runs: runs.length,
    flatEnds: count('flat'),
    flatEndsWithHighR: runs.filter((r) => r.endClass === 'flat' && r.r > params.flatR).length,
    flatRegionStalls: count('flat-region'),
    diverged: count('diverged'),
    criticalEnds: count('critical'),
    leftStarts: left.length,
    leftToCriticalFraction: left.length ? left.filter((r) => r.endClass === 'critical').length / left.length : NaN,
    elsewhere: elsewhere.length,
    elsewhereInTransit: count('in-transit'),
    elsewhereMaxDistance: Math.max(0, ...elsewhere.map((r) => Math.min(distanceTo(r.end, FLAT_POINT), distanceTo(r.end, at.critical)))),
    notCriticalMaxDistanceFromFlat: Math.max(0, ...notCritical.map((r) => distanceTo(r.end, FLAT_POINT))),
  };
}

const CLASS_METRICS = ['runs', 'flatEnds', 'flatEndsWithHighR', 'flatRegionStalls', 'diverged', 'criticalEnds', 'leftStarts', 'leftToCriticalFraction', 'elsewhere', 'elsewhereInTransit', 'elsewhereMaxDistance', 'notCriticalMaxDistanceFromFlat'];

export const quarticNewtonMr: ExperimentKind<QuarticParams> = {
  name: 'quartic-newton-mr',
  precisions: ['float64'],
  description: "Newton-MR from a grid of starts on the thesis' quartic with strict gradient-flat points (±√2, 0).",
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['protocol', 'distance', 'gradNormTolerance', 'flatR', 'criticalGradNormSq', 'checkpoints'],
    properties: {
      linearTerm: { type: 'number' },
      protocol: protocolSchema,
      figureProtocol: {
        ...protocolSchema,
        required: [...protocolSchema.required, 'source'],
        properties: { ...protocolSchema.properties, source: { type: 'string', minLength: 1 } },
      },
      distance: { type: 'number', exclusiveMinimum: 0 },
      gradNormTolerance: { type: 'number', exclusiveMinimum: 0 },
      flatR: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
      criticalGradNormSq: { type: 'number', exclusiveMinimum: 0 },
      checkpoints: { type: 'array', items: { type: 'integer', minimum: 0 } },
    },
  },
  metrics: (params) => [
    ...CLASS_METRICS,
    ...params.checkpoints.map((k) => `settledAt${k}`),
    ...(params.figureProtocol ? CLASS_METRICS.map((m) => `figure.${m}`) : []),
  ],
  check: (params) => {
    const b = params.linearTerm ?? QUARTIC_LINEAR_TERM;
    return Math.abs(b) > 4 * Math.SQRT2 ? [] : [{ path: '/linearTerm', message: `f needs |b| > 4√2 ≈ 5.66 to keep a single critical point, got ${b}` }];
  },
  cost(p) {
    // A two-parameter Newton-MR iteration (MR-QLP solve, line search, the recorded path and step) takes
    // ≈ 10 µs; every run is charged its whole budget, although most stall and stop well before it (the
    // full tier's 2 × 561 runs of ≤ 500 iterations took 4 s), plus the contour grids of the plots.
    const protocols = [p.protocol, ...(p.figureProtocol ? [p.figureProtocol] : [])];
    const iterations = protocols.reduce((n, q) => n + q.grid.nx * q.grid.ny * q.iterations, 0);
    return { seconds: 1e-5 * iterations + 0.1, memoryBytes: 8 * 6 * iterations };
  },
  run(params, ctx): ExperimentOutput {
    const at = landmarksOf(params);
    const figure = params.figureProtocol;
    const total = gridStarts(params.protocol.grid).length + (figure ? gridStarts(figure.grid).length : 0);
    const runs = runProtocol(params.protocol, params, (done) => ctx.progress(done, total));
    const figureRuns = figure ? runProtocol(figure, params, (done) => ctx.progress(runs.length + done, total)) : [];
    const objective = quarticObjective(at.b);
    const metrics: Record<string, number> = classCounts(runs, params);
    for (const k of params.checkpoints) {
      // Where each run stood after k iterations (its final point if it stopped earlier).
      metrics[`settledAt${k}`] = runs.filter((r) => {
        const point = r.path[Math.min(k, r.path.length - 1)];
        const g = objective.lossAndGradient(Float64Array.from(point)).gradient;
        const s = g[0] ** 2 + g[1] ** 2;
        return atCritical(point, s, params, at) || atFlatPoint(point, s, params, at);
      }).length;
    }
    if (figure) for (const [name, value] of Object.entries(classCounts(figureRuns, params))) metrics[`figure.${name}`] = value;
    const plots = [trajectoryPlot('quartic-trajectories', 'Newton-MR trajectories over the contours of f (thesis Fig. 3.5)', runs, at)];
    if (figure) plots.push(trajectoryPlot('quartic-figure-protocol', `The same with the thesis' Fig. 3.5 settings (${figure.iterations} iterations)`, figureRuns, at));
    return {
      metrics,
      evidence: {
        description:
          'f = x⁴/4 − 3x² + b·x + 0.9y⁴ + 5y² + 40 with b = `linearTerm`; its critical point `criticalPoint`. Per run: start (x₀, y₀), every iterate (x, y) up to the last that moved (`path`; `iterations` counts them all, the rest repeat the final point), MR-QLP’s Newton step p at each of those iterates (`steps`), the final point, its ‖∇f‖², the last step’s r, why it stopped, whether it stalled, and its class: critical, flat (within the distance of (√2, 0) at its ‖∇f‖²), diverged (a step beyond maxxnorm), flat-region (stalled on the kernel line at the flat ‖∇f‖² with r > flatR, farther from (√2, 0)), in-transit or stalled-elsewhere. `figureRuns`: the same for the thesis’ Fig. 3.5 settings.',
        linearTerm: at.b,
        criticalPoint: [...at.critical],
        runs: runs.map(evidenceOf),
        ...(figure ? { figureSource: figure.source, figureRuns: figureRuns.map(evidenceOf) } : {}),
      },
      plots,
    };
  },
};

/** A run as evidence: its path stops at the last iterate that moved, since every later one repeats it. */
function evidenceOf({ path, steps, ...rest }: QuarticRun): Record<string, JsonValue> {
  let moved = path.length - 1;
  while (moved > 0 && path[moved - 1][0] === path[moved][0] && path[moved - 1][1] === path[moved][1]) moved--;
  // Iterates after `moved` repeat path[moved], and so do their steps.
  return { ...rest, iterations: path.length - 1, path: path.slice(0, moved + 1), steps: steps.slice(0, moved + 1) };
}

/** Traces a plot draws at most; runs that did not end at one of the two points are always drawn. */
const MAX_TRACES = 300;
/** Points of a drawn trace closer than this (in units of x and y) to the last kept one are dropped. */
const TRACE_RESOLUTION = 2e-3;

function drawnRuns(runs: QuarticRun[]): QuarticRun[] {
  const unusual = runs.filter((r) => r.endClass !== 'critical' && r.endClass !== 'flat');
  const usual = runs.filter((r) => r.endClass === 'critical' || r.endClass === 'flat');
  const room = Math.max(0, MAX_TRACES - unusual.length);
  const step = Math.max(1, usual.length / room);
  const sample = room === 0 ? [] : Array.from({ length: Math.min(room, usual.length) }, (_, i) => usual[Math.floor(i * step)]);
  return [...sample, ...unusual];
}

function thinned(path: number[][]): number[][] {
  const kept = [path[0]];
  for (const p of path.slice(1, -1)) {
    const last = kept[kept.length - 1];
    if (Math.hypot(p[0] - last[0], p[1] - last[1]) >= TRACE_RESOLUTION) kept.push(p);
  }
  if (path.length > 1) kept.push(path[path.length - 1]);
  return kept;
}

const CLASS_LABELS: Record<EndClass, string> = {
  critical: 'ends at the critical point',
  flat: 'ends at the gradient-flat point (√2, 0)',
  diverged: 'stopped by a step beyond maxxnorm',
  'flat-region': 'stalls in the gradient-flat region of (√2, 0)',
  'in-transit': 'still moving when the budget ran out',
  'stalled-elsewhere': 'stalls elsewhere',
};

function trajectoryPlot(id: string, title: string, runs: QuarticRun[], at: Landmarks): PlotSpec {
  const objective = quarticObjective(at.b);
  const f = (x: number, y: number): number => objective.loss(Float64Array.of(x, y));
  const yMax = Math.max(2.5, ...runs.map((r) => Math.abs(r.start[1]) + 0.5));
  const grid = sampleGrid(f, [-4.5, 4.5], [-yMax, yMax], 91, Math.round(20 * yMax) + 1);
  const contours: PlotSeries[] = [20, 30, 40, 50, 60, 70, 80].map((level) => {
    const xs: number[] = [];
    const ys: number[] = [];
    for (const [p, q] of contourSegments(grid, level)) xs.push(p[0], q[0], NaN), ys.push(p[1], q[1], NaN);
    return { name: `f = ${level}`, mark: 'line', group: 'contours of f', context: true, x: xs, y: ys };
  });
  const drawn = drawnRuns(runs);
  const tracks: PlotSeries[] = drawn.map((r) => {
    const path = thinned(r.path);
    return { name: `run ${runs.indexOf(r)}`, mark: 'line', group: CLASS_LABELS[r.endClass], x: path.map((p) => p[0]), y: path.map((p) => p[1]) };
  });
  return {
    id,
    title,
    caption: `Each line is one run, coloured by how it ended${drawn.length < runs.length ? ` (${drawn.length} of ${runs.length} runs drawn: every run that did not end at one of the two points, and an even sample of the rest)` : ''}. The only critical point is (${at.critical.map((v) => +v.toFixed(3)).join(', ')}); the Hessian is singular on the lines x = ±√2, and (±√2, 0) are the strict gradient-flat points.`,
    x: { label: 'x' },
    y: { label: 'y' },
    series: [...contours, ...tracks],
  };
}
