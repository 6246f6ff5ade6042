import { createRng } from '../harness/rng';
import { eigh } from './eigh';
import { normalisedActivation } from './normalised-activations';
import { forwardLayers, inputGramExtremes, kaimingWeights, type LayerState, scaledInputs } from './wide-net';

describe('wide-net forward pass', () => {
  const rng = createRng(7);
  const n = 6;
  const d = 20;
  const x = scaledInputs(Float64Array.from({ length: n * d }, () => rng.normal() + 0.5), n, d);

  it('scales inputs to ‖x‖ = √d, keeps pre-activations at unit variance and renormalises rows to √width', () => {
    for (let s = 0; s < n; s++) expect(Math.hypot(...x.subarray(s * d, (s + 1) * d))).toBeCloseTo(Math.sqrt(d), 12);
    const widths = [1000, 1000];
    const weights = kaimingWeights(d, widths, rng.fork('w'));
    const states: LayerState[] = [];
    forwardLayers({ inputDim: d, widths, activation: normalisedActivation('relu'), renormalise: true }, weights, x, n, (s) => states.push(s));
    expect(states.map((s) => s.layer)).toEqual([1, 2]);
    for (const state of states) {
      let sq = 0;
      for (const h of state.preActivations) sq += h * h;
      expect(sq / (n * 1000)).toBeCloseTo(1, 1);
      for (let s = 0; s < n; s++) expect(Math.hypot(...state.features.subarray(s * 1000, (s + 1) * 1000))).toBeCloseTo(Math.sqrt(1000), 9);
    }
  });

  it('computes h = zWᵀ and z = σ(h) exactly', () => {
    const weights = kaimingWeights(d, [5], rng.fork('small'));
    const tanh = normalisedActivation('tanh');
    forwardLayers({ inputDim: d, widths: [5], activation: tanh, renormalise: false }, weights, x, n, ({ preActivations, features }) => {
      for (let s = 0; s < n; s++) for (let i = 0; i < 5; i++) {
        let h = 0;
        for (let j = 0; j < d; j++) h += weights[0][i * d + j] * x[s * d + j];
        expect(preActivations[s * 5 + i]).toBeCloseTo(h, 12);
        expect(features[s * 5 + i]).toBeCloseTo(tanh.value(h), 12);
      }
    });
  });

  it('input Gram: W·diag(σ′(h)) per example; a square ReLU layer is rank-deficient', () => {
    const k = 40;
    const w = kaimingWeights(k, [k], rng.fork('square'))[0];
    const h = Float64Array.from({ length: 2 * k }, () => rng.normal());
    const relu = normalisedActivation('relu');
    const { lambdaMin, lambdaMax } = inputGramExtremes(w, k, k, h, relu, [0, 1]);
    expect(Math.abs(lambdaMin) / lambdaMax).toBeLessThan(1e-12);
    // Direct construction for one example with tanh (full rank).
    const tanh = normalisedActivation('tanh');
    const a = new Float64Array(k * k);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) a[i * k + j] = w[i * k + j] * tanh.derivative(h[j]);
    const g = new Float64Array(k * k);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) for (let t = 0; t < k; t++) g[i * k + j] += a[i * k + t] * a[j * k + t];
    const values = eigh(g, k, { vectors: false }).values;
    const extremes = inputGramExtremes(w, k, k, h, tanh, [0]);
    expect(extremes.lambdaMax).toBeCloseTo(values[k - 1], 10);
    expect(extremes.lambdaMin).toBeCloseTo(values[0], 10);
  });
});
