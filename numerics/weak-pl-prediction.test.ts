import { lemma17CrossEntropy } from './weak-pl-prediction';

describe('Lemma 17 for the cross-entropy loss of the last layer', () => {
  it('matches a case worked by hand', () => {
    // gap 2, λmin 1, λmax 4, n 2: μ = 1/4, L = 2·4/2 = 4, G = 2·√(4/2) = 2√2, ‖x − x*‖ ≈ 2/(2√2) = 1/√2,
    // γ = 1 − (1/4)·2/(2·4·(1/2)) = 1 − 1/8 = 0.875, predicted gap 1.75 = 2 − λmin/λmax.
    const p = lemma17CrossEntropy({ gap: 2, lambdaMin: 1, lambdaMax: 4, n: 2 });
    expect(p.mu).toBe(0.25);
    expect(p.smoothness).toBe(4);
    expect(p.lipschitz).toBeCloseTo(2 * Math.SQRT2, 15);
    expect(p.distance).toBeCloseTo(Math.SQRT1_2, 15);
    expect(p.gamma).toBeCloseTo(0.875, 15);
    expect(p.predictedGap).toBeCloseTo(1.75, 15);
  });

  it('predicts a decrease of λmin/λmax per epoch, whatever n, and γ ≤ 0 once the gap is below it', () => {
    for (const n of [3, 50, 500]) {
      const p = lemma17CrossEntropy({ gap: 1.3, lambdaMin: 0.02, lambdaMax: 5, n });
      expect(p.predictedGap).toBeCloseTo(1.3 - 0.02 / 5, 14);
    }
    const small = lemma17CrossEntropy({ gap: 0.2, lambdaMin: 1, lambdaMax: 4, n: 2 });
    expect(small.gamma).toBeCloseTo(-0.25, 15);
    expect(small.predictedGap).toBeLessThan(0);
  });
});
