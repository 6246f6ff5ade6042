import { testContext } from '../testing/context';
import type { ExperimentOutput } from '../types';
import { equioutputSymmetries, groupOrder, type EquioutputParams, type HiddenSymmetry, type Transformation } from './equioutput-symmetries';

const small: EquioutputParams = { network: { widths: [2, 3, 2, 1], activation: 'tanh' }, inputs: 16, exhaustiveUpTo: 1000, samples: 50 };
const run = (params: EquioutputParams, seed = 1): ExperimentOutput => equioutputSymmetries.run(params, testContext(seed)) as ExperimentOutput;

interface Evidence {
  widths: number[];
  activation: 'tanh' | 'sigmoid';
  transformation: Transformation;
  exhaustive: boolean;
  elements: string | HiddenSymmetry[];
  theta: number[];
  inputs: number[];
  outputs: number[];
}

// Independent plain code: layers as nested arrays, the network and the group elements written out.
type Layer = { w: number[][]; b: number[] };

function unflatten(widths: number[], theta: number[]): Layer[] {
  let k = 0;
  return widths.slice(1).map((out, l) => {
    const w = Array.from({ length: out }, () => Array.from({ length: widths[l] }, () => theta[k++]));
    return { w, b: Array.from({ length: out }, () => theta[k++]) };
  });
}

function evaluate(layers: Layer[], activation: string, x: number[]): number[] {
  const sigma = activation === 'tanh' ? Math.tanh : (z: number) => 1 / (1 + Math.exp(-z));
  let a = x;
  layers.forEach((layer, l) => {
    const z = layer.w.map((row, o) => row.reduce((s, v, i) => s + v * a[i], layer.b[o]));
    a = l === layers.length - 1 ? z : z.map(sigma);
  });
  return a;
}

function transform(layers: Layer[], g: HiddenSymmetry, how: Transformation): Layer[] {
  const out = layers.map((layer) => ({ w: layer.w.map((r) => [...r]), b: [...layer.b] }));
  for (let l = 0; l < layers.length - 1; l++) {
    const before = out.map((layer) => ({ w: layer.w.map((r) => [...r]), b: [...layer.b] }));
    const [perm, sign] = [g.permutations[l], g.signs[l]];
    perm.forEach((to, i) => {
      out[l].w[to] = before[l].w[i].map((v) => sign[i] * v);
      out[l].b[to] = sign[i] * before[l].b[i];
    });
    for (let r = 0; r < out[l + 1].w.length; r++) {
      perm.forEach((to, i) => {
        const w = before[l + 1].w[r][i];
        out[l + 1].w[r][how.permuteOutgoing ? to : i] = (how.flipOutgoing ? sign[i] : 1) * w;
        if (how.flipRule === 'logistic' && sign[i] < 0) out[l + 1].b[r] += w;
      });
    }
  }
  return out;
}

function allElements(hidden: number[]): HiddenSymmetry[] {
  const perms = (m: number): number[][] => (m === 0 ? [[]] : perms(m - 1).flatMap((p) => Array.from({ length: m }, (_, at) => [...p.slice(0, at), m - 1, ...p.slice(at)])));
  const options = hidden.map((m) => perms(m).flatMap((perm) => Array.from({ length: 2 ** m }, (_, mask) => ({ perm, sign: perm.map((_, i) => ((mask >> i) & 1 ? -1 : 1)) }))));
  return options.reduce<HiddenSymmetry[]>(
    (acc, layerOptions) => acc.flatMap((g) => layerOptions.map((o) => ({ permutations: [...g.permutations, o.perm], signs: [...g.signs, o.sign] }))),
    [{ permutations: [], signs: [] }],
  );
}

function recompute(ev: Evidence): Record<string, number> {
  const layers = unflatten(ev.widths, ev.theta);
  const d = ev.widths[0];
  const xs = Array.from({ length: ev.inputs.length / d }, (_, i) => ev.inputs.slice(i * d, (i + 1) * d));
  const reference = xs.flatMap((x) => evaluate(layers, ev.activation, x));
  const scale = Math.max(...reference.map(Math.abs));
  const norm = Math.hypot(...ev.theta);
  const elements = ev.exhaustive ? allElements(ev.widths.slice(1, -1)) : (ev.elements as HiddenSymmetry[]);
  let output = 0;
  let normDeviation = 0;
  const images = new Set<string>();
  for (const g of elements) {
    const image = transform(layers, g, ev.transformation);
    const flat = image.flatMap((layer) => [...layer.w.flat(), ...layer.b]);
    const y = xs.flatMap((x) => evaluate(image, ev.activation, x));
    y.forEach((v, i) => (output = Math.max(output, Math.abs(v - reference[i]) / scale)));
    normDeviation = Math.max(normDeviation, Math.abs(Math.hypot(...flat) - norm) / norm);
    images.add(flat.join(','));
  }
  expect(reference.map((v, i) => v - ev.outputs[i]).every((v) => Math.abs(v) < 1e-12)).toBe(true);
  return { maxOutputDeviation: output, maxNormDeviation: normDeviation, checked: elements.length, distinctImages: images.size };
}

describe('equioutput-symmetries', () => {
  it('has the group order of Chen et al.', () => {
    expect(groupOrder([3, 4, 3, 2])).toBe(24 * 16 * 6 * 8);
  });

  it('recomputes every metric from its evidence alone (exhaustive and sampled)', () => {
    for (const params of [small, { ...small, exhaustiveUpTo: 10 }]) {
      const out = run(params);
      const ev = JSON.parse(JSON.stringify(out.evidence)) as Evidence;
      const again = recompute(ev);
      // Rounding-level deviations: recomputed with other summation orders they agree in size, not bits.
      expect(again.maxOutputDeviation).toBeLessThan(1e-14);
      expect(out.metrics.maxOutputDeviation).toBeLessThan(1e-14);
      expect(again.maxNormDeviation).toBeLessThan(1e-14);
      expect(again.checked).toBe(out.metrics.checked);
      if (ev.exhaustive) {
        expect(again.distinctImages).toBe(out.metrics.distinctImages);
        expect(out.metrics.distinctImagesPerGroupOrder).toBe(1);
      }
    }
  });

  it.each([
    ['outgoing weights not permuted', { transformation: { permuteOutgoing: false } }, 'maxOutputDeviation'],
    ['outgoing weights not negated', { transformation: { flipOutgoing: false } }, 'maxOutputDeviation'],
    ['logistic units with the odd flip', { network: { widths: [2, 3, 2, 1], activation: 'sigmoid' } }, 'maxOutputDeviation'],
    ['logistic units with their own flip', { network: { widths: [2, 3, 2, 1], activation: 'sigmoid' }, transformation: { flipRule: 'logistic' } }, 'maxNormDeviation'],
  ] as const)('breaks the identity it should when %s, and the evidence recomputes it', (_, change, metric) => {
    const out = run({ ...small, ...change } as EquioutputParams);
    const again = recompute(JSON.parse(JSON.stringify(out.evidence)) as Evidence);
    expect(out.metrics[metric]).toBeGreaterThan(1e-3);
    expect(again[metric]).toBeCloseTo(out.metrics[metric], 10);
  });

  it('keeps the outputs of logistic units under their own flip, which is no isometry', () => {
    const out = run({ ...small, network: { widths: [2, 3, 2, 1], activation: 'sigmoid' }, transformation: { flipRule: 'logistic' } });
    expect(out.metrics.maxOutputDeviation).toBeLessThan(1e-13);
  });
});
