import { createRng } from '../harness/rng';
import { WIDE_ACTIVATIONS, arcCosine1, gaussHermite, hermiteCoefficientsSquared, normalisedActivation } from './normalised-activations';

describe('normalised activations', () => {
  const { nodes, weights } = gaussHermite(200);
  const expectation = (f: (z: number) => number): number => nodes.reduce((s, z, j) => s + weights[j] * f(z), 0);

  it('Gauss–Hermite integrates polynomials against N(0, 1) exactly', () => {
    expect(expectation(() => 1)).toBeCloseTo(1, 13);
    expect(expectation((z) => z ** 4)).toBeCloseTo(3, 10);
    expect(expectation((z) => z ** 6)).toBeCloseTo(15, 9);
  });

  it.each(WIDE_ACTIVATIONS)('%s has E σ² = 1, the stated mean, dual(1) = 1 and dual(0) = (E σ)²', (name) => {
    const act = normalisedActivation(name);
    // A kink limits Gauss–Hermite to about 2e-3 for the ReLUs; their closed-form duals are exact.
    const digits = name.startsWith('relu') ? 2 : 9;
    expect(expectation((z) => act.value(z) ** 2)).toBeCloseTo(1, digits);
    const mean = name === 'relu-uncentred' ? 1 / Math.sqrt(Math.PI) : 0;
    expect(expectation(act.value)).toBeCloseTo(mean, digits);
    expect(act.dual(1)).toBeCloseTo(1, 10);
    expect(act.dual(0)).toBeCloseTo(mean * mean, 10);
  });

  it.each(WIDE_ACTIVATIONS)('%s: dual matches a 2-d Gauss–Hermite evaluation of E[σ(X)σ(Y)]', (name) => {
    const act = normalisedActivation(name);
    const rule = gaussHermite(96);
    for (const rho of [-0.9, -0.3, 0.2, 0.6, 0.95]) {
      let s = 0;
      const c = Math.sqrt(1 - rho * rho);
      for (let a = 0; a < 96; a++) for (let b = 0; b < 96; b++) s += rule.weights[a] * rule.weights[b] * act.value(rule.nodes[a]) * act.value(rho * rule.nodes[a] + c * rule.nodes[b]);
      expect(act.dual(rho)).toBeCloseTo(s, name.startsWith('relu') ? 2 : 9);
    }
  });

  it('ReLU duals agree with a Monte Carlo estimate, and contract correlations only when centred', () => {
    const rng = createRng(3);
    const relu = normalisedActivation('relu');
    const rho = 0.5;
    let s = 0;
    const samples = 200_000;
    for (let i = 0; i < samples; i++) {
      const x = rng.normal();
      const y = rho * x + Math.sqrt(1 - rho * rho) * rng.normal();
      s += relu.value(x) * relu.value(y);
    }
    expect(relu.dual(rho)).toBeCloseTo(s / samples, 2);
    expect(relu.dual(rho)).toBeLessThan(rho);
    expect(normalisedActivation('relu-uncentred').dual(rho)).toBeGreaterThan(rho);
    expect(arcCosine1(-1)).toBeCloseTo(0, 12);
  });

  it('Hermite coefficients of tanh are odd-only and their neglected mass is below the tolerance', () => {
    const act = normalisedActivation('tanh');
    const { c2, tail } = hermiteCoefficientsSquared(act.value);
    expect(tail).toBeLessThan(1e-12);
    for (let k = 0; k < c2.length; k += 2) expect(c2[k]).toBeLessThan(1e-20);
  });
});
