import { testContext } from '../testing/context';
import { type FitnessDistanceParams, fitnessDistance } from './fitness-distance';

const params: FitnessDistanceParams = { hiddenWidths: [2, 3], inputDim: 2, outputDim: 1, inputs: 30, teacherScale: 1, samples: 40, radius: { min: 0, max: 2 } };

interface Stored {
  hidden: number;
  teacher: number[];
  samples: { theta: number[]; radius: number; distance: number; error: number }[];
}

/** Outputs σ(W2 tanh(W1 x + b1) + b2) of a d-M-1 network in the flat order W1, b1, W2, b2. */
function outputs(theta: number[], x: number[], d: number, m: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < x.length / d; s++) {
    let z = theta[m * d + m + m];
    for (let i = 0; i < m; i++) {
      let a = theta[m * d + i];
      for (let c = 0; c < d; c++) a += theta[i * d + c] * x[s * d + c];
      z += theta[m * d + m + i] * Math.tanh(a);
    }
    out.push(1 / (1 + Math.exp(-z)));
  }
  return out;
}

/** Distance to the nearest image of the teacher, by enumerating every permutation and sign pattern. */
function bruteDistance(theta: number[], teacher: number[], d: number, m: number): number {
  const unit = (w: number[], i: number): number[] => [...w.slice(i * d, (i + 1) * d), w[m * d + i], w[m * d + m + i]];
  const perms = (k: number): number[][] => (k === 0 ? [[]] : perms(k - 1).flatMap((p) => Array.from({ length: k }, (_, at) => [...p.slice(0, at), k - 1, ...p.slice(at)])));
  let best = Infinity;
  for (const p of perms(m)) {
    for (let mask = 0; mask < 2 ** m; mask++) {
      let sq = (theta[theta.length - 1] - teacher[teacher.length - 1]) ** 2;
      for (let i = 0; i < m; i++) {
        const s = (mask >> i) & 1 ? -1 : 1;
        const a = unit(theta, i);
        const b = unit(teacher, p[i]);
        a.forEach((v, k) => (sq += (v - s * b[k]) ** 2));
      }
      best = Math.min(best, Math.sqrt(sq));
    }
  }
  return best;
}

function correlation(a: number[], b: number[]): number {
  const ma = a.reduce((s, v) => s + v, 0) / a.length;
  const mb = b.reduce((s, v) => s + v, 0) / b.length;
  const cov = a.reduce((s, v, i) => s + (v - ma) * (b[i] - mb), 0);
  return cov / Math.sqrt(a.reduce((s, v) => s + (v - ma) ** 2, 0) * b.reduce((s, v) => s + (v - mb) ** 2, 0));
}

describe('fitness-distance', () => {
  it('recomputes distances, errors and every FDC from the stored points alone', () => {
    const out = fitnessDistance.run(params, testContext(2)) as Awaited<ReturnType<typeof fitnessDistance.run>>;
    const evidence = out.evidence as unknown as { inputs: { x: number[] }; architectures: Stored[] };
    const x = evidence.inputs.x;
    for (const { hidden, teacher, samples } of evidence.architectures) {
      const target = outputs(teacher, x, 2, hidden);
      for (const s of samples) {
        expect(Math.hypot(...s.theta.map((v, k) => v - teacher[k]))).toBeCloseTo(s.radius, 10);
        expect(s.distance).toBeCloseTo(bruteDistance(s.theta, teacher, 2, hidden), 10);
        expect(s.distance).toBeLessThanOrEqual(s.radius + 1e-12);
        const f = outputs(s.theta, x, 2, hidden);
        expect(s.error).toBeCloseTo(f.reduce((sum, v, k) => sum + (v - target[k]) ** 2, 0) / f.length, 12);
      }
      expect(out.metrics[`fdc.hidden${hidden}`]).toBeCloseTo(correlation(samples.map((s) => s.distance), samples.map((s) => s.error)), 12);
      expect(out.metrics[`rawFdc.hidden${hidden}`]).toBeCloseTo(correlation(samples.map((s) => s.radius), samples.map((s) => s.error)), 12);
    }
    expect(out.metrics.minFdc).toBe(Math.min(out.metrics['fdc.hidden2'], out.metrics['fdc.hidden3']));
    expect(out.plots?.map((p) => p.id)).toEqual(['scatter-hidden2', 'scatter-hidden3', 'fdc-by-width']);
  });

  it('estimates a cost that grows with the samples', () => {
    expect(fitnessDistance.cost!({ ...params, samples: 400 }).seconds).toBeGreaterThan(fitnessDistance.cost!(params).seconds);
  });

  it('rejects an empty radius range', () => {
    expect(fitnessDistance.check?.({ ...params, radius: { min: 2, max: 1 } })).toEqual([{ path: '/radius', message: 'min must be below max' }]);
  });
});
