import { testContext } from '../testing/context';
import type { ExperimentOutput } from '../types';
import { xorLocalMinima, type XorParams } from './xor-local-minima';

const small: XorParams = {
  runs: 12,
  initStd: 2,
  descentSteps: 3000,
  learningRate: 2,
  polishIterations: 20,
  solvedLoss: 0.01,
  classification: { gradientTolerance: 1e-6, curvatureTolerance: 1e-6, descentSteps: 2000, rayDirections: 3, rayStart: 1e-3, raySteps: 30, escapeDrop: 1e-12 },
};
const run = (params: XorParams, seed = 3): ExperimentOutput => xorLocalMinima.run(params, testContext(seed)) as ExperimentOutput;

interface Stall {
  class: string;
  loss: number;
  gradientNorm: number;
  eigenvalues: number[];
  curvatureNoise: number;
  descentLoss: number;
  ray: { direction: number[]; s: number; loss: number };
}
interface Evidence {
  l2: number;
  solvedLoss: number;
  classification: XorParams['classification'];
  runs: { final: number[]; loss: number; stall: Stall | null }[];
}

// Independent plain code: the 2-2-1 sigmoid network on XOR, θ = (W1 row-major, b1, W2, b2).
const sig = (z: number): number => 1 / (1 + Math.exp(-z));
function objective(t: number[], l2: number): number {
  const patterns = [[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]];
  const error = patterns.reduce((sum, [a, b, y]) => {
    const h1 = sig(t[0] * a + t[1] * b + t[4]);
    const h2 = sig(t[2] * a + t[3] * b + t[5]);
    return sum + (sig(t[6] * h1 + t[7] * h2 + t[8]) - y) ** 2;
  }, 0);
  return error + l2 * t.reduce((s, v) => s + v * v, 0);
}

function recompute(ev: Evidence): Record<string, number> {
  const c = ev.classification;
  const lowest = Math.min(...ev.runs.map((r) => r.loss));
  const counts: Record<string, number> = { 'strict-minimum': 0, saddle: 0, plateau: 0, unresolved: 0 };
  let stalls = 0;
  let unescaped = 0;
  for (const r of ev.runs) {
    expect(Math.abs(objective(r.final, ev.l2) - r.loss)).toBeLessThan(1e-12);
    const isStall = r.loss > lowest + ev.solvedLoss;
    expect(r.stall !== null).toBe(isStall);
    if (!r.stall) continue;
    stalls++;
    const s = r.stall;
    const ray = objective(r.final.map((v, j) => v + s.ray.s * s.ray.direction[j]), ev.l2);
    expect(Math.abs(ray - s.ray.loss)).toBeLessThan(1e-12);
    const lmin = s.eigenvalues[0];
    const noise = c.curvatureTolerance * Math.max(1, s.eigenvalues[s.eigenvalues.length - 1]);
    const escaped = s.loss - Math.min(s.descentLoss, s.ray.loss) > c.escapeDrop;
    const cls = lmin < -noise ? 'saddle' : escaped ? 'plateau' : s.gradientNorm <= c.gradientTolerance && lmin > noise ? 'strict-minimum' : 'unresolved';
    expect(cls).toBe(s.class);
    counts[cls]++;
    if (!escaped) unescaped++;
  }
  return { stalls, strictLocalMinima: counts['strict-minimum'], saddles: counts.saddle, plateaus: counts.plateau, unresolved: counts.unresolved, unescapedStalls: unescaped, lowestLoss: lowest };
}

describe('xor-local-minima', () => {
  it('classifies every stall, and the metrics follow from the evidence alone', () => {
    const out = run(small);
    expect(out.metrics.runs).toBe(12);
    expect(out.metrics.solvedFraction).toBeGreaterThan(0);
    expect(out.metrics.stalls).toBeGreaterThan(0);
    expect(out.metrics.strictLocalMinima).toBe(0);
    const again = recompute(JSON.parse(JSON.stringify(out.evidence)) as Evidence);
    for (const [name, value] of Object.entries(again)) expect(value).toBe(out.metrics[name]);
  });

  it('finds strict local minima with error when weight decay closes the escapes to infinity', () => {
    const out = run({ ...small, l2: 1e-3 });
    expect(out.metrics.strictLocalMinima).toBeGreaterThan(0);
    const again = recompute(JSON.parse(JSON.stringify(out.evidence)) as Evidence);
    expect(again.strictLocalMinima).toBe(out.metrics.strictLocalMinima);
  });
});
