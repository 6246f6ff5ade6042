/**
 * `segment-scan`: ‖∇L‖₂ and ‖∇²L‖_F at equidistributed points along straight segments in parameter
 * space, and a shape class for each segment's curve (the (L0,L1) paper's §3.2, Fig. 3–5). Segments are
 * the ones printed in App. B and/or fresh radial segments through random initialisations p: either
 * Kaiming-normal (weights N(0, 2/fan_in), biases 0) or PyTorch's `nn.Linear` default (weights and biases
 * U(±1/√fan_in)), from startScale·p to endScale·p, or along p/‖p‖ between the norms of the printed
 * segments' endpoints (fresh segment k takes those of printed segment k mod 7). With `compareWith` the
 * fresh segments' class counts are compared with a reference split by an exact test of homogeneity.
 *
 * Recomputing the metrics from `evidence.json` alone: for each segment in `segments`, (g, h) =
 * (gradientNorm, hessianFrobeniusNorm) at its points. `loglogSlope` = least-squares slope of ln h on
 * ln g; `linearR2` = R² of the least-squares line h ≈ a + b·g; `monotone` = g and h both move in one
 * direction (steps below 1e-9 of the range count as flat); the class is `linear` if slope ≤
 * shape.linearMaxSlope and R² ≥ shape.linearMinR2, else `superlinear` if monotone and slope >
 * linearMaxSlope, else `other`. `<group>.<class>` counts classes per group (`kaiming`: the fresh
 * segments, `appendixB`: the printed ones); `kaiming.splitPValue` is the Freeman–Halton exact p-value of
 * the 2×3 table (fresh counts; `compareWith`). The norms are recomputable from each point
 * θ = (1 − s)·start + s·end, s = k/(points − 1), and `data` (sha256 of its float64 bytes).
 */
import { frobeniusNorm, kaimingNormal, l2Norm, parameterCount, uniformFanIn, type LossSpec, type MlpSpec } from '../../models';
import { exactHomogeneityPValue } from '../../numerics/contingency';
import { APPENDIX_B_SEGMENTS } from '../../datasets/l0l1-appendix-b';
import { dataSpecSchema, datasetToJson, type DataSpec } from '../../datasets/synthetic';
import { loglogFit, monotoneDirection, polyfit } from '../fit';
import type { ExperimentKind } from '../registry';
import { dataSize, fromOps, mlpForwardOps, mlpOps } from '../cost';
import type { ExperimentOutput, PlotSeries, PlotSpec } from '../types';
import { lossSchema, mlpProblem, networkSchema } from './schemas';

export type SegmentSource =
  | { source: 'l0l1-appendix-b' }
  | {
      source: 'kaiming-radial';
      count: number;
      /** Default `kaiming-normal`. */
      init?: 'kaiming-normal' | 'uniform-fan-in';
      /** The segment from startScale·p to endScale·p … */
      startScale?: number;
      endScale?: number;
      /** … or along p/‖p‖ between the norms of the printed segments' endpoints. */
      norms?: 'l0l1-appendix-b';
    };

export interface ShapeThresholds {
  /** `linear` needs a log–log slope at most this … */
  linearMaxSlope: number;
  /** … and a straight-line fit with at least this R². */
  linearMinR2: number;
}

export interface SegmentScanParams {
  network: MlpSpec;
  loss: LossSpec;
  data: DataSpec;
  segments: SegmentSource[];
  points: number;
  shape: ShapeThresholds;
  /** A reference split of the fresh segments (the paper's counts) to test ours against. */
  compareWith?: Record<ShapeClass, number>;
}

export type ShapeClass = 'linear' | 'superlinear' | 'other';
export const SHAPE_CLASSES: readonly ShapeClass[] = ['linear', 'superlinear', 'other'];

export interface SegmentShape {
  shape: ShapeClass;
  loglogSlope: number;
  linearR2: number;
  /** Both norms move in one direction along the segment, so ‖H‖ is a monotone function of ‖∇L‖. */
  monotone: boolean;
}

/**
 * Shape class of a (‖∇L‖, ‖∇²L‖) curve: `linear` when the log–log slope is ≤ linearMaxSlope and a
 * straight line fits with R² ≥ linearMinR2; otherwise `superlinear` when the curve is monotone with a
 * larger slope; otherwise `other` (non-monotone, e.g. U-shaped).
 */
export function classifyShape(gradNorms: number[], hessNorms: number[], t: ShapeThresholds): SegmentShape {
  const loglogSlope = loglogFit(gradNorms, hessNorms).slope;
  const linearR2 = polyfit(gradNorms, hessNorms, 1).r2;
  const g = monotoneDirection(gradNorms);
  const h = monotoneDirection(hessNorms);
  const monotone = g !== 'none' && g === h;
  let shape: ShapeClass = 'other';
  if (loglogSlope <= t.linearMaxSlope && linearR2 >= t.linearMinR2) shape = 'linear';
  else if (monotone && loglogSlope > t.linearMaxSlope) shape = 'superlinear';
  return { shape, loglogSlope, linearR2, monotone };
}

interface Segment {
  group: 'appendixB' | 'kaiming';
  name: string;
  start: Float64Array;
  end: Float64Array;
}

export const segmentScan: ExperimentKind<SegmentScanParams> = {
  name: 'segment-scan',
  precisions: ['float64'],
  description: 'Gradient and Hessian norms along straight segments (printed in App. B, or radial through Kaiming draws), with a shape class per segment.',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['network', 'loss', 'data', 'segments', 'points', 'shape'],
    properties: {
      network: networkSchema,
      loss: lossSchema,
      data: dataSpecSchema,
      segments: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          discriminator: { propertyName: 'source' },
          required: ['source'],
          oneOf: [
            { type: 'object', additionalProperties: false, required: ['source'], properties: { source: { const: 'l0l1-appendix-b' } } },
            {
              type: 'object',
              additionalProperties: false,
              required: ['source', 'count'],
              properties: {
                source: { const: 'kaiming-radial' },
                count: { type: 'integer', minimum: 1 },
                init: { enum: ['kaiming-normal', 'uniform-fan-in'] },
                startScale: { type: 'number' },
                endScale: { type: 'number' },
                norms: { const: 'l0l1-appendix-b' },
              },
            },
          ],
        },
      },
      points: { type: 'integer', minimum: 3 },
      shape: {
        type: 'object',
        additionalProperties: false,
        required: ['linearMaxSlope', 'linearMinR2'],
        properties: { linearMaxSlope: { type: 'number' }, linearMinR2: { type: 'number', minimum: 0, maximum: 1 } },
      },
      compareWith: {
        type: 'object',
        additionalProperties: false,
        required: [...SHAPE_CLASSES],
        properties: Object.fromEntries(SHAPE_CLASSES.map((c) => [c, { type: 'integer', minimum: 0 }])),
      },
    },
  },
  cost(p) {
    // Every point of every segment: a gradient and the full Hessian, whose P HVPs share one cached
    // forward pass (models/objective.ts), ≈ two forward passes each (full tier: 2 × 3350 points in 5 s).
    const segments = p.segments.reduce((n, s) => n + (s.source === 'kaiming-radial' ? s.count : APPENDIX_B_SEGMENTS.length), 0);
    const n = dataSize(p.data);
    const ops = mlpOps(p.network, n);
    const hessian = ops.parameters * 2 * mlpForwardOps(p.network, n);
    return fromOps(segments * p.points * (ops.gradient + hessian), 8 * (3 * segments * p.points * 8 + ops.parameters ** 2));
  },
  metrics(params) {
    const names: string[] = [];
    for (const s of params.segments) {
      if (s.source === 'kaiming-radial') {
        names.push(...SHAPE_CLASSES.map((c) => `kaiming.${c}`), 'kaiming.count');
        if (params.compareWith) names.push('kaiming.splitPValue');
      } else {
        names.push(...SHAPE_CLASSES.map((c) => `appendixB.${c}`));
        for (const p of APPENDIX_B_SEGMENTS) names.push(`${p.name}.shape`, `${p.name}.loglogSlope`, `${p.name}.linearR2`);
      }
    }
    return names;
  },
  check(params) {
    const problems: { path: string; message: string }[] = [];
    const sources = params.segments.map((s) => s.source);
    if (new Set(sources).size !== sources.length) problems.push({ path: '/segments', message: 'each segment source may appear once' });
    params.segments.forEach((seg, i) => {
      if (seg.source !== 'kaiming-radial') return;
      const scaled = seg.startScale !== undefined && seg.endScale !== undefined;
      if (scaled === (seg.norms !== undefined)) problems.push({ path: `/segments/${i}`, message: 'give either startScale and endScale, or norms' });
    });
    if (sources.includes('l0l1-appendix-b') && parameterCount(params.network) !== APPENDIX_B_SEGMENTS[0].start.length) {
      problems.push({ path: '/network/widths', message: `App. B segments have ${APPENDIX_B_SEGMENTS[0].start.length} parameters; this network has ${parameterCount(params.network)}` });
    }
    return problems;
  },
  run(params, ctx): ExperimentOutput {
    const { data, objective } = mlpProblem(params, ctx.rng.fork('data'));
    const segments = buildSegments(params, ctx.rng.fork('segments'));
    const metrics: Record<string, number> = {};
    const observations: Record<string, string> = {};
    const perSegment: Record<string, unknown>[] = [];
    const counts: Record<string, Record<ShapeClass, number>> = {};
    const total = segments.length * params.points;
    let done = 0;
    for (const seg of segments) {
      const gradNorms: number[] = [];
      const hessNorms: number[] = [];
      const losses: number[] = [];
      const theta = new Float64Array(objective.dim);
      for (let k = 0; k < params.points; k++) {
        const s = k / (params.points - 1);
        for (let j = 0; j < theta.length; j++) theta[j] = (1 - s) * seg.start[j] + s * seg.end[j];
        const { loss, gradient } = objective.lossAndGradient(theta);
        losses.push(loss);
        gradNorms.push(l2Norm(gradient));
        hessNorms.push(frobeniusNorm(objective.hessian(theta)));
        ctx.progress(++done, total);
      }
      const shape = classifyShape(gradNorms, hessNorms, params.shape);
      counts[seg.group] ??= { linear: 0, superlinear: 0, other: 0 };
      counts[seg.group][shape.shape]++;
      if (seg.group === 'appendixB') {
        observations[`${seg.name}.shape`] = shape.shape;
        metrics[`${seg.name}.loglogSlope`] = shape.loglogSlope;
        metrics[`${seg.name}.linearR2`] = shape.linearR2;
      }
      perSegment.push({ group: seg.group, name: seg.name, start: Array.from(seg.start), end: Array.from(seg.end), loss: losses, gradientNorm: gradNorms, hessianFrobeniusNorm: hessNorms, ...shape });
    }
    for (const [group, byClass] of Object.entries(counts)) {
      for (const c of SHAPE_CLASSES) metrics[`${group}.${c}`] = byClass[c];
    }
    if (counts.kaiming) metrics['kaiming.count'] = segments.filter((s) => s.group === 'kaiming').length;
    if (counts.kaiming && params.compareWith) {
      const reference = params.compareWith;
      metrics['kaiming.splitPValue'] = exactHomogeneityPValue(SHAPE_CLASSES.map((c) => counts.kaiming[c]), SHAPE_CLASSES.map((c) => reference[c]));
    }
    return {
      metrics,
      observations,
      evidence: {
        description: `Per segment: endpoints (flat order of models/mlp.ts), and at ${params.points} equidistributed points θ = (1−s)·start + s·end (s = k/${params.points - 1}): L, ‖∇L‖₂, ‖∇²L‖_F; then the shape statistics.`,
        data: datasetToJson(data, params.data),
        shapeThresholds: { ...params.shape },
        compareWith: params.compareWith ? { ...params.compareWith } : null,
        segments: perSegment as never,
      },
      plots: segmentPlots(perSegment as unknown as (SegmentShape & { group: string; name: string; gradientNorm: number[]; hessianFrobeniusNorm: number[] })[]),
    };
  },
};

function buildSegments(params: SegmentScanParams, rng: import('../rng').Rng): Segment[] {
  const out: Segment[] = [];
  for (const source of params.segments) {
    if (source.source === 'l0l1-appendix-b') {
      for (const p of APPENDIX_B_SEGMENTS) out.push({ group: 'appendixB', name: p.name, start: Float64Array.from(p.start), end: Float64Array.from(p.end) });
    } else {
      for (let i = 0; i < source.count; i++) {
        const draw = rng.fork(i);
        const p = source.init === 'uniform-fan-in' ? uniformFanIn(params.network, () => draw.uniform()) : kaimingNormal(params.network, () => draw.normal());
        let [from, to] = [source.startScale as number, source.endScale as number];
        if (source.norms === 'l0l1-appendix-b') {
          const printed = APPENDIX_B_SEGMENTS[i % APPENDIX_B_SEGMENTS.length];
          const norm = Math.hypot(...p);
          [from, to] = [Math.hypot(...printed.start) / norm, Math.hypot(...printed.end) / norm];
        }
        out.push({ group: 'kaiming', name: `K${i + 1}`, start: p.map((v) => v * from), end: p.map((v) => v * to) });
      }
    }
  }
  return out;
}

function segmentPlots(segments: (SegmentShape & { group: string; name: string; gradientNorm: number[]; hessianFrobeniusNorm: number[] })[]): PlotSpec[] {
  const plots: PlotSpec[] = [];
  const printed = segments.filter((s) => s.group === 'appendixB');
  for (const s of printed) {
    plots.push({
      id: `segment-${s.name}`,
      title: `Segment ${s.name} from App. B: classified ${s.shape}`,
      caption: `log–log slope ${s.loglogSlope.toFixed(2)}, straight-line R² ${s.linearR2.toFixed(3)}, ${s.monotone ? 'monotone' : 'not monotone'}`,
      x: { label: '‖∇L‖₂' },
      y: { label: '‖∇²L‖_F' },
      series: [{ name: s.name, mark: 'line', x: s.gradientNorm, y: s.hessianFrobeniusNorm }],
    });
  }
  const fresh = segments.filter((s) => s.group === 'kaiming');
  if (fresh.length > 0) {
    const series: PlotSeries[] = fresh.map((s) => ({ name: `${s.name} (${s.shape})`, mark: 'line', group: s.shape, x: s.gradientNorm, y: s.hessianFrobeniusNorm }));
    plots.push({
      id: 'kaiming-segments',
      title: `${fresh.length} radial segments through Kaiming initialisations, coloured by shape class`,
      caption: 'Log–log axes: a straight line of slope 1 is a linear relation, a steeper one superlinear.',
      x: { label: '‖∇L‖₂', scale: 'log' },
      y: { label: '‖∇²L‖_F', scale: 'log' },
      series,
    });
  }
  return plots;
}
