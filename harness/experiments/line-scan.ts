/**
 * `line-scan`: sample points in a tube around a line θ(t) in parameter space and measure ‖∇L‖₂ and
 * ‖∇²L‖_F at each (the (L0,L1) paper's §3.1 and App. B). The line R sets every hidden layer's weights to 0
 * and biases to c, the last layer's weights to t·M and its bias to 0. Each coordinate of θ(t) gets
 * independent uniform noise on [−ε/2, ε/2] with ε(t) = noise.scale / t^noise.power.
 *
 * Recomputing the metrics from `evidence.json` alone (pairs (g_i, h_i) = (gradientNorm[i],
 * hessianFrobeniusNorm[i]), one per sampled point, in t order):
 * - `loglogSlope`, `loglogR2`: least-squares line of ln h on ln g.
 * - `quadraticShare`: fit h ≈ c0 + c1·g + c2·g² by least squares; at g* = max g it is
 *   c2·g*² / (c0 + c1·g* + c2·g*²), the part of the fitted ‖H‖ carried by the g² term (≈ 1 for quadratic
 *   growth, ≈ 0 for a linear relation). `quadraticR2`, `quadraticCoefficient` (= c2) and `linearR2` come
 *   from the same fits (degree 2 and 1).
 * - `ratioGrowth`: (h/g at the last t) / (h/g at the first t).
 * - `points`: the number of pairs.
 * The norms themselves are recomputable from `theta[i]` (flat order of models/mlp.ts) and `data` (whose
 * `sha256` is over the float64 bytes of x then y); `data.recipe` says how the data were drawn.
 */
import { frobeniusNorm, l2Norm, parameterCount, parameterLayout, type LossSpec, type MlpSpec } from '../../models';
import { dataSpecSchema, datasetToJson, type DataSpec } from '../../datasets/synthetic';
import { extent, growthRatio, loglogFit, polyfit, polyval } from '../fit';
import type { ExperimentKind } from '../registry';
import { dataSize, fromOps, mlpOps } from '../cost';
import type { ExperimentOutput, PlotSpec } from '../types';
import { lossSchema, matrixSchema, mlpProblem, networkSchema } from './schemas';

export interface LineScanParams {
  network: MlpSpec;
  loss: LossSpec;
  data: DataSpec;
  line: { hiddenBias: number; lastLayerDirection: number[][] };
  t: { start: number; stop: number; step: number };
  noise: { scale: number; power: number };
}

const METRICS = ['loglogSlope', 'loglogR2', 'quadraticShare', 'quadraticR2', 'quadraticCoefficient', 'linearR2', 'ratioGrowth', 'points'];

/** θ(t) on the line R, in the engine's flat parameter order. */
export function pointOnLine(net: MlpSpec, line: LineScanParams['line'], t: number): Float64Array {
  const layout = parameterLayout(net);
  const theta = new Float64Array(parameterCount(net));
  layout.forEach((layer, index) => {
    const last = index === layout.length - 1;
    if (last) {
      for (let o = 0; o < layer.outDim; o++) {
        for (let i = 0; i < layer.inDim; i++) theta[layer.weightOffset + o * layer.inDim + i] = t * line.lastLayerDirection[o][i];
      }
    } else if (layer.biasOffset !== null) {
      theta.fill(line.hiddenBias, layer.biasOffset, layer.biasOffset + layer.outDim);
    }
  });
  return theta;
}

export const lineScan: ExperimentKind<LineScanParams> = {
  name: 'line-scan',
  precisions: ['float64'],
  description: 'Gradient and Hessian norms at noisy points along the line R of the (L0,L1) paper (App. B).',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['network', 'loss', 'data', 'line', 't', 'noise'],
    properties: {
      network: networkSchema,
      loss: lossSchema,
      data: dataSpecSchema,
      line: {
        type: 'object',
        additionalProperties: false,
        required: ['hiddenBias', 'lastLayerDirection'],
        properties: { hiddenBias: { type: 'number' }, lastLayerDirection: matrixSchema },
      },
      t: {
        type: 'object',
        additionalProperties: false,
        required: ['start', 'stop', 'step'],
        properties: { start: { type: 'number', exclusiveMinimum: 0 }, stop: { type: 'number', exclusiveMinimum: 0 }, step: { type: 'number', exclusiveMinimum: 0 } },
      },
      noise: {
        type: 'object',
        additionalProperties: false,
        required: ['scale', 'power'],
        properties: { scale: { type: 'number', minimum: 0 }, power: { type: 'number' } },
      },
    },
  },
  cost(p) {
    // Every point: a gradient and the full Hessian; its θ and norms stay in the evidence.
    const points = Math.floor((p.t.stop - p.t.start) / p.t.step) + 1;
    const ops = mlpOps(p.network, dataSize(p.data));
    return fromOps(points * (ops.gradient + ops.hessian), 8 * (3 * points * (ops.parameters + 4) + ops.parameters ** 2));
  },
  metrics: () => METRICS,
  check(params) {
    const problems: { path: string; message: string }[] = [];
    const widths = params.network.widths;
    const m = params.line.lastLayerDirection;
    const outDim = widths[widths.length - 1];
    const lastHidden = widths[widths.length - 2];
    if (m.length !== outDim || m.some((row) => row.length !== lastHidden)) {
      problems.push({ path: '/line/lastLayerDirection', message: `must be ${outDim}×${lastHidden} (output width × last hidden width)` });
    }
    if (params.network.bias === false) problems.push({ path: '/network/bias', message: 'the line R needs biases (hidden biases are set to c)' });
    if (params.t.stop < params.t.start) problems.push({ path: '/t/stop', message: 'must not be below t.start' });
    return problems;
  },
  run(params, ctx): ExperimentOutput {
    const net = params.network;
    const { data, objective } = mlpProblem(params, ctx.rng.fork('data'));
    const noiseRng = ctx.rng.fork('noise');
    const ts: number[] = [];
    // Integer stepping avoids accumulating rounding in t.
    const count = Math.floor((params.t.stop - params.t.start) / params.t.step + 1e-9) + 1;
    for (let i = 0; i < count; i++) ts.push(params.t.start + i * params.t.step);

    const thetas: number[][] = [];
    const losses: number[] = [];
    const gradNorms: number[] = [];
    const hessNorms: number[] = [];
    const widthsOfNoise: number[] = [];
    ts.forEach((t, i) => {
      const theta = pointOnLine(net, params.line, t);
      const eps = params.noise.scale / t ** params.noise.power;
      for (let j = 0; j < theta.length; j++) theta[j] += eps * (noiseRng.uniform() - 0.5);
      const { loss, gradient } = objective.lossAndGradient(theta);
      thetas.push(Array.from(theta));
      losses.push(loss);
      gradNorms.push(l2Norm(gradient));
      hessNorms.push(frobeniusNorm(objective.hessian(theta)));
      widthsOfNoise.push(eps);
      ctx.progress(i + 1, ts.length);
    });

    const loglog = loglogFit(gradNorms, hessNorms);
    const quadratic = polyfit(gradNorms, hessNorms, 2);
    const linear = polyfit(gradNorms, hessNorms, 1);
    const ratios = hessNorms.map((h, i) => h / gradNorms[i]);
    const largest = extent(gradNorms).max;
    return {
      metrics: {
        loglogSlope: loglog.slope,
        loglogR2: loglog.r2,
        quadraticShare: (quadratic.coefficients[2] * largest ** 2) / polyval(quadratic.coefficients, largest),
        quadraticR2: quadratic.r2,
        quadraticCoefficient: quadratic.coefficients[2],
        linearR2: linear.r2,
        ratioGrowth: growthRatio(ratios),
        points: ts.length,
      },
      evidence: {
        description: 'Per sampled point: t, noise width ε(t), the full parameter vector θ (flat order of models/mlp.ts), L(θ), ‖∇L(θ)‖₂ and ‖∇²L(θ)‖_F.',
        parameterCount: objective.dim,
        data: datasetToJson(data, params.data),
        t: ts,
        noiseWidth: widthsOfNoise,
        theta: thetas,
        loss: losses,
        gradientNorm: gradNorms,
        hessianFrobeniusNorm: hessNorms,
        fits: {
          quadratic: { coefficients: quadratic.coefficients, r2: quadratic.r2, standardErrors: quadratic.standardErrors },
          linear: { coefficients: linear.coefficients, r2: linear.r2 },
          loglog: { slope: loglog.slope, intercept: loglog.intercept, r2: loglog.r2 },
        },
      },
      plots: linePlots(gradNorms, hessNorms, quadratic.coefficients, loglog),
    };
  },
};

function linePlots(g: number[], h: number[], quadratic: number[], loglog: { slope: number; intercept: number }): PlotSpec[] {
  const lo = Math.min(...g);
  const hi = Math.max(...g);
  const grid = Array.from({ length: 60 }, (_, i) => lo + ((hi - lo) * i) / 59);
  const xLabel = '‖∇L‖₂';
  const yLabel = '‖∇²L‖_F';
  return [
    {
      id: 'scatter-quadratic',
      title: 'Hessian norm against gradient norm, with the degree-2 fit (paper Fig. 1)',
      x: { label: xLabel },
      y: { label: yLabel },
      series: [
        { name: 'sampled points', mark: 'points', x: g, y: h },
        { name: 'degree-2 least-squares fit', mark: 'line', x: grid, y: grid.map((v) => polyval(quadratic, v)) },
      ],
    },
    {
      id: 'loglog',
      title: 'The same on log–log axes (paper Fig. 2)',
      caption: `Fitted power: ‖∇²L‖ ∝ ‖∇L‖^${loglog.slope.toFixed(3)}`,
      x: { label: xLabel, scale: 'log' },
      y: { label: yLabel, scale: 'log' },
      series: [
        { name: 'sampled points', mark: 'points', x: g, y: h },
        { name: `power-law fit (slope ${loglog.slope.toFixed(2)})`, mark: 'line', x: grid, y: grid.map((v) => Math.exp(loglog.intercept) * v ** loglog.slope) },
      ],
    },
  ];
}
