/**
 * `fitness-distance` (Gallagher 2000 after Jones 1995; survey §5.6.6): the fitness–distance correlation of
 * an MLP error surface in the student–teacher paradigm, where the global minimum is known a priori. A
 * random teacher network (one hidden tanh layer, sigmoid output units) labels random N(0, 1) inputs with
 * its outputs; a student of the same architecture is evaluated at random points around the teacher,
 * θ = θ* + r·u with u uniform on the unit sphere and r uniform on [rMin, rMax]·‖θ*‖. The distance D of a
 * point is to the nearest equioutput image of the teacher (Chen et al. 1993: hidden-unit permutations and
 * sign flips, models/equioutput.ts) — every image is an equally global minimum — and its error E is the
 * mean squared difference between student and teacher sigmoid outputs. FDC r = cov(D, E)/(σ_D σ_E) is
 * reported per hidden-layer width.
 *
 * Evidence → metrics, per architecture (hidden width M): `teacher` (θ*), `inputs` (row-major N×d, with
 * their sha256 and the recipe), and per sample `theta`, `radius` r, `distance` D and `error` E.
 * `fdc.hidden<M>` = Pearson(D, E); `rawFdc.hidden<M>` = Pearson(r, E) (distance to the teacher itself);
 * `imageNearer.hidden<M>` = fraction of samples whose nearest image is not θ* itself (D < r);
 * `minFdc` = min over widths of fdc; `meanFdc` their mean.
 */
import { createHash } from 'node:crypto';
import { type MlpSpec, forward, kaimingNormal, parameterCount } from '../../models';
import { nearestEquioutputImage } from '../../models/equioutput';
import { pearson } from '../fit';
import type { ExperimentKind } from '../registry';
import type { ExperimentOutput, JsonValue, PlotSpec } from '../types';

export interface FitnessDistanceParams {
  /** Hidden widths M, one architecture each (one hidden layer, tanh). */
  hiddenWidths: number[];
  inputDim: number;
  outputDim: number;
  /** Random N(0, 1) inputs the error is measured on. */
  inputs: number;
  /** Teacher weights: Kaiming-normal times `scale`. */
  teacherScale: number;
  /** Sample points per architecture. */
  samples: number;
  /** r is uniform on [rMin, rMax] in units of ‖θ*‖. */
  radius: { min: number; max: number };
}

interface Sample {
  theta: Float64Array;
  radius: number;
  distance: number;
  error: number;
}

interface Architecture {
  hidden: number;
  net: MlpSpec;
  teacher: Float64Array;
  samples: Sample[];
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

export const fitnessDistance: ExperimentKind<FitnessDistanceParams> = {
  name: 'fitness-distance',
  precisions: ['float64'],
  description: 'Fitness–distance correlation of student–teacher MLP error surfaces, distances taken to the nearest equioutput image of the teacher.',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['hiddenWidths', 'inputDim', 'outputDim', 'inputs', 'teacherScale', 'samples', 'radius'],
    properties: {
      hiddenWidths: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 64 }, minItems: 1, uniqueItems: true },
      inputDim: { type: 'integer', minimum: 1 },
      outputDim: { type: 'integer', minimum: 1 },
      inputs: { type: 'integer', minimum: 2 },
      teacherScale: { type: 'number', exclusiveMinimum: 0 },
      samples: { type: 'integer', minimum: 3 },
      radius: {
        type: 'object',
        additionalProperties: false,
        required: ['min', 'max'],
        properties: { min: { type: 'number', minimum: 0 }, max: { type: 'number', exclusiveMinimum: 0 } },
      },
    },
  },
  metrics: (p) => [...p.hiddenWidths.flatMap((m) => [`fdc.hidden${m}`, `rawFdc.hidden${m}`, `imageNearer.hidden${m}`]), 'minFdc', 'meanFdc'],
  check: (p) => (p.radius.min < p.radius.max ? [] : [{ path: '/radius', message: 'min must be below max' }]),
  cost(p) {
    // Per sample a forward pass over the inputs (≈ 1e-8 s per input and parameter) and an M×M assignment.
    const dims = p.hiddenWidths.map((m) => m * (p.inputDim + 1) + p.outputDim * (m + 1));
    return {
      seconds: p.hiddenWidths.reduce((s, m, i) => s + p.samples * (1e-8 * p.inputs * dims[i] + 1e-8 * m ** 3 + 1e-8 * m * m * dims[i]), 0),
      memoryBytes: 8 * p.samples * Math.max(...dims) * 2 + 8 * p.inputs * p.inputDim,
    };
  },
  run(params, ctx): ExperimentOutput {
    const { inputDim, outputDim, inputs: n } = params;
    const inputRng = ctx.rng.fork('inputs');
    const x = Float64Array.from({ length: n * inputDim }, () => inputRng.normal());
    const architectures = params.hiddenWidths.map((hidden, a): Architecture => {
      const net: MlpSpec = { widths: [inputDim, hidden, outputDim], activation: 'tanh' };
      const rng = ctx.rng.fork(`architecture ${hidden}`);
      const teacher = kaimingNormal(net, () => rng.normal()).map((w) => params.teacherScale * w);
      const target = forward(net, teacher, x, n).map(sigmoid);
      const scale = Math.hypot(...teacher);
      const dim = parameterCount(net);
      const samples = Array.from({ length: params.samples }, (): Sample => {
        const u = Float64Array.from({ length: dim }, () => rng.normal());
        const size = Math.hypot(...u);
        const radius = scale * (params.radius.min + (params.radius.max - params.radius.min) * rng.uniform());
        const theta = teacher.map((w, k) => w + (radius * u[k]) / size);
        const output = forward(net, theta, x, n);
        const error = output.reduce((s, f, k) => s + (sigmoid(f) - target[k]) ** 2, 0) / output.length;
        return { theta, radius, distance: nearestEquioutputImage(net, theta, teacher).distance, error };
      });
      ctx.progress(a + 1, params.hiddenWidths.length);
      return { hidden, net, teacher, samples };
    });
    return report(params, x, architectures);
  },
};

function report(params: FitnessDistanceParams, x: Float64Array, architectures: Architecture[]): ExperimentOutput {
  const metrics: Record<string, number> = {};
  for (const { hidden, samples } of architectures) {
    const errors = samples.map((s) => s.error);
    metrics[`fdc.hidden${hidden}`] = pearson(samples.map((s) => s.distance), errors);
    metrics[`rawFdc.hidden${hidden}`] = pearson(samples.map((s) => s.radius), errors);
    metrics[`imageNearer.hidden${hidden}`] = samples.filter((s) => s.distance < s.radius * (1 - 1e-12)).length / samples.length;
  }
  const fdcs = architectures.map(({ hidden }) => metrics[`fdc.hidden${hidden}`]);
  metrics.minFdc = Math.min(...fdcs);
  metrics.meanFdc = fdcs.reduce((s, v) => s + v, 0) / fdcs.length;
  const bytes = Buffer.alloc(x.length * 8);
  x.forEach((v, i) => bytes.writeDoubleLE(v, i * 8));
  const evidence: Record<string, JsonValue> = {
    description:
      'inputs: the N×d inputs (row-major), their sha256 over little-endian float64 bytes and the recipe. Per architecture: the teacher θ* (flat order of models/mlp.ts, widths [d, M, outputs], tanh hidden layer, linear pre-sigmoid outputs) and every sample point: θ, r = ‖θ − θ*‖, D = distance to the nearest equioutput image of θ*, E = mean over inputs and outputs of (σ(f_θ(x)) − σ(f_θ*(x)))².',
    inputs: { n: params.inputs, d: params.inputDim, x: Array.from(x), sha256: createHash('sha256').update(bytes).digest('hex'), recipe: 'x[i] ~ N(0, 1) from the claim rng fork "inputs", drawn row by row' },
    architectures: architectures.map(({ hidden, net, teacher, samples }) => ({
      hidden,
      widths: net.widths,
      teacher: Array.from(teacher),
      samples: samples.map((s) => ({ theta: Array.from(s.theta), radius: s.radius, distance: s.distance, error: s.error })),
    })),
  };
  const scatter: PlotSpec[] = architectures.map(({ hidden, samples }) => ({
    id: `scatter-hidden${hidden}`,
    title: `Error against distance to the nearest image of the teacher, ${params.inputDim}-${hidden}-${params.outputDim} network (survey §5.6.6)`,
    caption: `FDC r = ${metrics[`fdc.hidden${hidden}`].toFixed(3)}. Each point is one random θ = θ* + r·u; distances to the nearest of the M!·2^M equioutput images of θ*. A bowl shows as error rising with distance, plateaus as flat bands.`,
    x: { label: 'distance to the nearest teacher image' },
    y: { label: 'mean squared output error' },
    series: [{ name: `${hidden} hidden units`, mark: 'points', x: samples.map((s) => s.distance), y: samples.map((s) => s.error) }],
  }));
  const byWidth: PlotSpec = {
    id: 'fdc-by-width',
    title: 'Fitness–distance correlation by hidden-layer width',
    x: { label: 'hidden units M' },
    y: { label: 'FDC r' },
    series: [
      { name: 'distance to the nearest image', mark: 'line', x: architectures.map((a) => a.hidden), y: fdcs },
      { name: 'distance to θ* itself', mark: 'line', x: architectures.map((a) => a.hidden), y: architectures.map((a) => metrics[`rawFdc.hidden${a.hidden}`]) },
    ],
  };
  return { metrics, evidence, plots: [...scatter, byWidth] };
}
