import { createRng } from '../harness/rng';
import { cosineMatrix, dualKernelLayers } from './dual-kernel';
import { gramMatrix } from './gram-spectrum';
import { normalisedActivation } from './normalised-activations';
import { forwardLayers, kaimingWeights, scaledInputs } from './wide-net';

describe('dual-activation recursion', () => {
  it.each(['relu', 'tanh'] as const)('%s: a very wide renormalised network has the predicted normalised Gram, within the bounds of Lemma 7 and Gershgorin', (name) => {
    const rng = createRng(11);
    const n = 5;
    const d = 30;
    const x = scaledInputs(Float64Array.from({ length: n * d }, () => rng.normal() + 0.7), n, d);
    const activation = normalisedActivation(name);
    const k0 = cosineMatrix(x, n, d);
    const layers = dualKernelLayers(k0, n, activation, 2);
    const width = 1000;
    const widths = [width, width];
    const grams: Float64Array[] = [];
    forwardLayers({ inputDim: d, widths, activation, renormalise: true }, kaimingWeights(d, widths, rng.fork('w')), x, n, ({ features }) => grams.push(gramMatrix(features, n, width)));
    // Reference recursion by hand for every entry; a normalised Gram entry fluctuates by about
    // 1/√width per layer and the fluctuations propagate, so allow 5/√width.
    let k = Float64Array.from(k0);
    grams.forEach((g, l) => {
      k = k.map(activation.dual);
      for (let i = 0; i < n * n; i++) expect(Math.abs(g[i] / width - k[i])).toBeLessThan(5 / Math.sqrt(width));
      expect(layers[l].lemma7LowerBound).toBeLessThanOrEqual(layers[l].lambdaMin + 1e-12);
      expect(layers[l].gershgorinUpperBound).toBeGreaterThanOrEqual(layers[l].lambdaMax - 1e-12);
    });
    // Centred activations contract correlations: K approaches the identity.
    expect(layers[1].lambdaMax / layers[1].lambdaMin).toBeLessThan(layers[0].lambdaMax / layers[0].lambdaMin);
  });
});
