import { testContext } from '../testing/context';
import { xorLocalMinima } from './xor-local-minima';

describe('xor-local-minima', () => {
  it('trains and polishes runs, solving XOR in some, and checks each stall for a flat direction', () => {
    const out = xorLocalMinima.run(
      { runs: 12, initStd: 1, descentSteps: 3000, learningRate: 2, polishIterations: 20, solvedLoss: 0.01, flatEigenvalue: 1e-8 },
      testContext(3),
    ) as Awaited<ReturnType<typeof xorLocalMinima.run>>;
    expect(out.metrics.runs).toBe(12);
    expect(out.metrics.solvedFraction).toBeGreaterThan(0);
    expect(out.metrics.stalls).toBe(12 - Math.round(out.metrics.solvedFraction * 12));
    const runs = (out.evidence as { runs: { eigenvalues: number[]; loss: number; final: number[] }[] }).runs;
    expect(runs[0].eigenvalues).toHaveLength(9);
    expect(runs[0].final).toHaveLength(9);
    for (const r of runs) expect([...r.eigenvalues].sort((a, b) => a - b)).toEqual(r.eigenvalues);
  });
});
