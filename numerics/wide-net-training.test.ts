import { createRng } from '../harness/rng';
import { normalisedActivation } from './normalised-activations';
import { kaimingWeights, scaledInputs } from './wide-net';
import { eigh } from './eigh';
import { type TrainingSpec, lossAndGradient, spectralNorm, trainWideNet } from './wide-net-training';

const n = 5;
const d = 6;
const rng = createRng(21);
const x = scaledInputs(Float64Array.from({ length: n * d }, () => rng.normal()), n, d);
const labels = Uint8Array.from([0, 1, 2, 1, 0]);
const base: TrainingSpec = {
  inputDim: d,
  hidden: [12, 9],
  classes: 3,
  activation: normalisedActivation('tanh'),
  renormalise: false,
  loss: 'mse',
  learningRate: 0.05,
  epochs: 6,
  lossRange: 1,
  delta: 0.05,
};

describe('wide-net training', () => {
  it.each([
    ['mse', false],
    ['mse', true],
    ['cross-entropy', false],
    ['cross-entropy', true],
  ] as const)('%s (renormalise %s): back-propagated gradients match central differences', (loss, renormalise) => {
    const spec = { ...base, loss, renormalise };
    const weights = kaimingWeights(d, [...spec.hidden, spec.classes], createRng(3));
    const { gradients } = lossAndGradient(spec, weights, x, labels, n);
    const eps = 1e-6;
    for (let l = 0; l < weights.length; l++) {
      for (const i of [0, 7, weights[l].length - 1]) {
        const saved = weights[l][i];
        weights[l][i] = saved + eps;
        const up = lossAndGradient(spec, weights, x, labels, n).loss;
        weights[l][i] = saved - eps;
        const down = lossAndGradient(spec, weights, x, labels, n).loss;
        weights[l][i] = saved;
        expect(gradients[l][i]).toBeCloseTo((up - down) / (2 * eps), 7);
      }
    }
  });

  it('records the last layer spectrum, Lemma 1 ratios and the Lemma 3+4 bound consistently', () => {
    const trace = trainWideNet(base, x, labels, n, createRng(5));
    expect(trace.epochs).toHaveLength(base.epochs + 1);
    expect(trace.epochs[1].loss).toBeLessThan(trace.epochs[0].loss);
    const first = trace.epochs[0];
    expect(first.inputDistance).toBe(0);
    expect(first.lemma9).toBeCloseTo(Math.sqrt(first.lambdaMin), 12);
    let product = 1;
    trace.ratios.forEach((ratio, k) => {
      const e = trace.epochs[k];
      expect(e.mu).toBeCloseTo((2 * e.lambdaMin) / (n * 3), 12);
      expect(e.smoothness).toBeCloseTo((2 * e.lambdaMax) / n, 12);
      expect(ratio).toBeCloseTo(trace.epochs[k + 1].loss / ((1 - e.mu! / e.smoothness!) * e.loss), 12);
      product *= ratio;
      expect(trace.cumulativeRatios[k]).toBeCloseTo(product, 12);
      const twoG2OverMu = (2 * e.lipschitz! ** 2) / e.mu!;
      const beta = 2 * Math.sqrt(e.loss) * Math.sqrt(twoG2OverMu) + twoG2OverMu / (n - 1);
      expect(e.generalisationBound).toBeCloseTo(Math.sqrt((1 + 12 * n * beta) / (2 * n * 0.05)), 9);
      if (k > 0) expect(e.lipschitz!).toBeGreaterThanOrEqual(trace.epochs[k - 1].lipschitz!);
    });
    // The initial Gram is that of the last hidden layer's features at initialisation.
    expect(first.logCondition).toBeCloseTo(Math.log(first.lambdaMax / first.lambdaMin), 12);
  });

  it('records Lemma 17 for cross-entropy: γ_k = 1 − λmin/(λmax·f_k) and the ratios from it', () => {
    const trace = trainWideNet({ ...base, loss: 'cross-entropy', learningRate: 0.5 }, x, labels, n, createRng(5));
    let product = 1;
    trace.ratios.forEach((ratio, k) => {
      const e = trace.epochs[k];
      expect(e.mu).toBeCloseTo(e.lambdaMin / e.lambdaMax, 12);
      expect(e.smoothness).toBeCloseTo((2 * e.lambdaMax) / n, 12);
      expect(e.weakPlLipschitz).toBeCloseTo(2 * Math.sqrt(e.lambdaMax / n), 12);
      expect(e.distanceEstimate).toBeCloseTo(e.loss / e.weakPlLipschitz!, 12);
      expect(e.gamma).toBeCloseTo(1 - e.lambdaMin / (e.lambdaMax * e.loss), 12);
      expect(e.lipschitz).toBeNull();
      expect(ratio).toBeCloseTo(trace.epochs[k + 1].loss / (e.gamma! * e.loss), 12);
      product *= ratio;
      expect(trace.cumulativeRatios[k]).toBeCloseTo(product, 12);
    });
  });

  it('spectral norms by Lanczos agree with the exact eigendecomposition', () => {
    const r = 90;
    const c = 70;
    const w = kaimingWeights(c, [r], createRng(8))[0];
    const g = new Float64Array(c * c);
    for (let i = 0; i < c; i++) for (let j = 0; j < c; j++) for (let t = 0; t < r; t++) g[i * c + j] += w[t * c + i] * w[t * c + j];
    const exact = Math.sqrt(eigh(g, c, { vectors: false }).values[c - 1]);
    expect(spectralNorm(w, r, c)).toBeCloseTo(exact, 8);
  });
});
