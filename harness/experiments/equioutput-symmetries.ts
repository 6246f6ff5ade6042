/**
 * `equioutput-symmetries` (Chen, Lu & Hecht-Nielsen 1993): in a tanh MLP, permuting the units of a hidden
 * layer and flipping the sign of a unit (its incoming weights and bias, and its outgoing weights) leave
 * the network function unchanged, since tanh is odd. The group they generate has order
 * #G = Π_l M_l!·2^{M_l} over the hidden widths M_l, and a generic weight vector has #G distinct images.
 *
 * `transformation` switches parts of the compensation off, for counterfactuals: `permuteOutgoing: false`
 * moves a unit's incoming weights but leaves the next layer's columns in place; `flipOutgoing: false`
 * negates a unit's incoming weights and bias but not its outgoing weights; `flipRule: 'logistic'` is the
 * equioutput flip of a logistic unit, σ(−z) = 1 − σ(z): negate the outgoing weights *and* add them to the
 * next layer's bias — it keeps the outputs but, unlike the odd flip, it is not an isometry of w.
 *
 * Recomputing the metrics from `evidence.json` alone: build the network of `widths`/`activation` from
 * `theta` (flat order of models/mlp.ts; hidden layers σ(W·a + b), linear output) and evaluate it on
 * `inputs` (row-major, `inputs.length / widths[0]` rows): that gives `outputs`. `elements` lists the
 * group elements checked — every element when `exhaustive` (the product over hidden layers of all
 * permutations π and sign vectors s), otherwise the sampled ones — each as per-layer `permutations`
 * (unit i moves to π(i)) and `signs`. Apply each with `transformation` and evaluate:
 * - `maxOutputDeviation` = max over elements and outputs of |y(g·w) − y(w)| / max|y(w)|;
 * - `maxNormDeviation` = max over elements of |‖g·w‖ − ‖w‖| / ‖w‖;
 * - `distinctImages` = number of distinct g·w (exact float64 equality), `distinctImagesPerGroupOrder` that
 *   over `groupOrder` = Π M_l!·2^{M_l}; `checked` = number of elements.
 * `worst` records the element with the largest output deviation and its image, as a spot check.
 */
import { forward, parameterLayout, type MlpSpec } from '../../models';
import type { ExperimentKind } from '../registry';
import { EVALUATION_OVERHEAD_OPS, fromOps, mlpForwardOps, mlpOps } from '../cost';
import type { Rng } from '../rng';
import type { ExperimentOutput } from '../types';

export interface Transformation {
  /** Move the unit's outgoing weights with it (default true). */
  permuteOutgoing: boolean;
  /** Negate the unit's outgoing weights when it is flipped (default true). */
  flipOutgoing: boolean;
  /** `odd`: the flip of an odd activation; `logistic`: also add the outgoing weights to the next bias. */
  flipRule: 'odd' | 'logistic';
}

const COMPENSATED: Transformation = { permuteOutgoing: true, flipOutgoing: true, flipRule: 'odd' };

export interface EquioutputParams {
  network: MlpSpec;
  /** Which compensations a group element applies; default: all, with the odd flip. */
  transformation?: Partial<Transformation>;
  /** Inputs on which outputs are compared, drawn from N(0, 1). */
  inputs: number;
  /** Enumerate the whole group when #G is at most this; otherwise draw `samples` random elements. */
  exhaustiveUpTo: number;
  samples: number;
}

/** A group element: per hidden layer, a permutation of its units and a sign per unit. */
export interface HiddenSymmetry {
  permutations: number[][];
  signs: number[][];
}

export function groupOrder(widths: number[]): number {
  let order = 1;
  for (const m of widths.slice(1, -1)) {
    for (let i = 2; i <= m; i++) order *= i;
    order *= 2 ** m;
  }
  return order;
}

/**
 * θ after the symmetry: unit i of hidden layer l moves to position π_l(i) with sign s_l(i) applied to its
 * incoming weights, its bias and its outgoing weights (as far as `how` compensates; see the module comment).
 */
export function applySymmetry(net: MlpSpec, theta: Float64Array, g: HiddenSymmetry, how: Transformation = COMPENSATED): Float64Array {
  const layout = parameterLayout(net);
  const out = Float64Array.from(theta);
  // Rows of layer l (incoming) and columns of layer l+1 (outgoing) move together.
  for (let l = 0; l < layout.length - 1; l++) {
    const perm = g.permutations[l];
    const sign = g.signs[l];
    const inL = layout[l];
    const next = layout[l + 1];
    const source = Float64Array.from(out);
    for (let i = 0; i < inL.outDim; i++) {
      const to = perm[i];
      for (let c = 0; c < inL.inDim; c++) out[inL.weightOffset + to * inL.inDim + c] = sign[i] * source[inL.weightOffset + i * inL.inDim + c];
      if (inL.biasOffset !== null) out[inL.biasOffset + to] = sign[i] * source[inL.biasOffset + i];
      const column = how.permuteOutgoing ? to : i;
      const outgoingSign = how.flipOutgoing ? sign[i] : 1;
      for (let r = 0; r < next.outDim; r++) {
        const w = source[next.weightOffset + r * next.inDim + i];
        out[next.weightOffset + r * next.inDim + column] = outgoingSign * w;
        // σ(−z) = 1 − σ(z): the flipped unit's output enters the next layer as w − w·σ(z).
        if (how.flipRule === 'logistic' && sign[i] < 0 && next.biasOffset !== null) out[next.biasOffset + r] += w;
      }
    }
  }
  return out;
}

function* allSymmetries(hidden: number[]): Generator<HiddenSymmetry> {
  const perLayer = hidden.map((m) => {
    const options: { perm: number[]; sign: number[] }[] = [];
    for (const perm of permutations(m)) {
      for (let mask = 0; mask < 2 ** m; mask++) options.push({ perm, sign: Array.from({ length: m }, (_, i) => ((mask >> i) & 1 ? -1 : 1)) });
    }
    return options;
  });
  const index = new Array(hidden.length).fill(0);
  for (;;) {
    yield { permutations: index.map((k, l) => perLayer[l][k].perm), signs: index.map((k, l) => perLayer[l][k].sign) };
    let l = 0;
    while (l < index.length && ++index[l] === perLayer[l].length) index[l++] = 0;
    if (l === index.length) return;
  }
}

function permutations(m: number): number[][] {
  if (m === 0) return [[]];
  return permutations(m - 1).flatMap((p) => Array.from({ length: m }, (_, at) => [...p.slice(0, at), m - 1, ...p.slice(at)]));
}

function randomSymmetry(hidden: number[], rng: Rng): HiddenSymmetry {
  return {
    permutations: hidden.map((m) => {
      const p = Array.from({ length: m }, (_, i) => i);
      for (let i = m - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [p[i], p[j]] = [p[j], p[i]];
      }
      return p;
    }),
    signs: hidden.map((m) => Array.from({ length: m }, () => (rng.uniform() < 0.5 ? -1 : 1))),
  };
}

export const equioutputSymmetries: ExperimentKind<EquioutputParams> = {
  name: 'equioutput-symmetries',
  precisions: ['float64'],
  description: 'Hidden-unit permutations and sign flips of a tanh MLP: outputs and ‖w‖ unchanged, #G distinct images of a generic w.',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['network', 'inputs', 'exhaustiveUpTo', 'samples'],
    properties: {
      network: {
        type: 'object',
        additionalProperties: false,
        required: ['widths', 'activation'],
        properties: { widths: { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 3 }, activation: { enum: ['tanh', 'sigmoid'] }, bias: { type: 'boolean' } },
      },
      transformation: {
        type: 'object',
        additionalProperties: false,
        properties: { permuteOutgoing: { type: 'boolean' }, flipOutgoing: { type: 'boolean' }, flipRule: { enum: ['odd', 'logistic'] } },
      },
      inputs: { type: 'integer', minimum: 1 },
      exhaustiveUpTo: { type: 'integer', minimum: 1 },
      samples: { type: 'integer', minimum: 1 },
    },
  },
  check(params) {
    const logistic = params.transformation?.flipRule === 'logistic';
    return logistic && params.network.bias === false ? [{ path: '/transformation/flipRule', message: 'the logistic flip shifts the next layer\'s bias: the network needs biases' }] : [];
  },
  cost(p) {
    // Each group element checked: transform θ, then one forward pass over the inputs (and its image kept).
    const order = groupOrder(p.network.widths);
    const elements = order <= p.exhaustiveUpTo ? order : p.samples;
    const parameters = mlpOps(p.network, 0).parameters;
    return fromOps(elements * (mlpForwardOps(p.network, p.inputs) + 10 * parameters + 10 * EVALUATION_OVERHEAD_OPS), 8 * elements * parameters);
  },
  metrics: () => ['groupOrder', 'checked', 'exhaustive', 'maxOutputDeviation', 'maxNormDeviation', 'distinctImages', 'distinctImagesPerGroupOrder'],
  run(params, ctx): ExperimentOutput {
    const net = params.network;
    const how: Transformation = { ...COMPENSATED, ...params.transformation };
    const widths = net.widths;
    const hidden = widths.slice(1, -1);
    const order = groupOrder(widths);
    const rng = ctx.rng;
    const theta = Float64Array.from({ length: parameterLayout(net).reduce((s, l) => s + l.inDim * l.outDim + (l.biasOffset === null ? 0 : l.outDim), 0) }, () => rng.normal());
    const x = Float64Array.from({ length: params.inputs * widths[0] }, () => rng.normal());
    const reference = forward(net, theta, x, params.inputs);
    const scale = Math.max(...reference.map(Math.abs));
    const norm = Math.hypot(...theta);
    const exhaustive = order <= params.exhaustiveUpTo;
    const images = new Set<string>();
    let maxOutputDeviation = 0;
    let maxNormDeviation = 0;
    let checked = 0;
    const sampled: HiddenSymmetry[] = [];
    let worst: { element: HiddenSymmetry; outputDeviation: number; image: number[] } | null = null;
    const elements = exhaustive ? allSymmetries(hidden) : (function* () { for (let i = 0; i < params.samples; i++) yield randomSymmetry(hidden, rng); })();
    const total = exhaustive ? order : params.samples;
    for (const g of elements) {
      const image = applySymmetry(net, theta, g, how);
      const out = forward(net, image, x, params.inputs);
      let deviation = 0;
      for (let i = 0; i < out.length; i++) deviation = Math.max(deviation, Math.abs(out[i] - reference[i]) / scale);
      if (worst === null || deviation > worst.outputDeviation) worst = { element: g, outputDeviation: deviation, image: Array.from(image) };
      maxOutputDeviation = Math.max(maxOutputDeviation, deviation);
      if (!exhaustive) sampled.push(g);
      maxNormDeviation = Math.max(maxNormDeviation, Math.abs(Math.hypot(...image) - norm) / norm);
      // Images are compared exactly: a symmetry only moves and negates entries, so no rounding is involved.
      if (exhaustive) images.add(Array.from(image).join(','));
      if (++checked % 1000 === 0) ctx.progress(checked, total);
    }
    ctx.progress(total, total);
    return {
      metrics: {
        groupOrder: order,
        checked,
        exhaustive: exhaustive ? 1 : 0,
        maxOutputDeviation,
        maxNormDeviation,
        distinctImages: exhaustive ? images.size : NaN,
        distinctImagesPerGroupOrder: exhaustive ? images.size / order : NaN,
      },
      evidence: {
        description: 'The generic weight vector (flat order of models/mlp.ts), the inputs (row-major), its outputs, the transformation rule and the group elements checked (all of them when exhaustive, else the sampled list); the element with the largest output deviation and its image.',
        widths,
        activation: net.activation,
        transformation: { ...how },
        exhaustive,
        elements: exhaustive ? 'every element: all per-layer permutations × all sign vectors' : (sampled as never),
        worst: worst as never,
        theta: Array.from(theta),
        inputs: Array.from(x),
        outputs: Array.from(reference),
        hiddenWidths: hidden,
      },
    };
  },
};
