import { testContext } from '../testing/context';
import { type SlqVsExactParams, slqVsExact } from './slq-vs-exact';

const tiny: SlqVsExactParams = {
  problem: {
    model: 'mlp',
    network: { widths: [16, 4, 10], activation: 'relu' },
    loss: { kind: 'softmax-ce-mean' },
    data: { source: 'mnist', images: 60, features: { kind: 'crop-average' }, targets: 'labels' },
  },
  trainingSteps: 5,
  learningRate: 0.5,
  draws: 3,
  comparisonDraws: 2,
  steps: 12,
  sigmaFraction: 0.02,
  gridPoints: 300,
};

/** Eigenvalues and eigenvectors (columns, row-major) of a small symmetric matrix by cyclic Jacobi rotations. */
function jacobi(a: number[][]): { values: number[]; vectors: number[][] } {
  const n = a.length;
  const m = a.map((row) => row.slice());
  const v = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j): number => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p][q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(m[p][q]) < 1e-300) continue;
        const theta = (m[q][q] - m[p][p]) / (2 * m[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k][p];
          const mkq = m[k][q];
          m[k][p] = c * mkp - s * mkq;
          m[k][q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p][k];
          const mqk = m[q][k];
          m[p][k] = c * mpk - s * mqk;
          m[q][k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k][p];
          const vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: m.map((row, i) => row[i]), vectors: v };
}

function gaussianMixture(grid: number[], centres: number[], weights: number[], sigma: number): number[] {
  return grid.map((t) => centres.reduce((sum, c, i) => sum + (weights[i] * Math.exp(-((t - c) ** 2) / (2 * sigma * sigma))) / (sigma * Math.sqrt(2 * Math.PI)), 0));
}

function trapezoidL1(grid: number[], p: number[], q: number[]): number {
  let total = 0;
  for (let i = 0; i + 1 < grid.length; i++) total += 0.5 * (grid[i + 1] - grid[i]) * (Math.abs(p[i] - q[i]) + Math.abs(p[i + 1] - q[i + 1]));
  return total;
}

/** The SLQ estimate from stored tridiagonals alone: Gauss nodes and weights of each T, averaged over probes. */
function estimateFromTridiagonals(grid: number[], tridiagonals: { alpha: number[]; beta: number[] }[], sigma: number): { density: number[]; nodes: number[] } {
  const density = grid.map(() => 0);
  const nodes: number[] = [];
  for (const { alpha, beta } of tridiagonals) {
    const m = alpha.length;
    const t = Array.from({ length: m }, (_, i) => Array.from({ length: m }, (_, j) => (i === j ? alpha[i] : Math.abs(i - j) === 1 ? beta[Math.min(i, j)] : 0)));
    const { values, vectors } = jacobi(t);
    const weights = values.map((_, j) => vectors[0][j] ** 2);
    gaussianMixture(grid, values, weights, sigma).forEach((d, g) => (density[g] += d / tridiagonals.length));
    nodes.push(...values);
  }
  return { density, nodes };
}

describe('slq-vs-exact', () => {
  it('recomputes every scored and observed metric from its evidence alone', async () => {
    const out = await slqVsExact.run(tiny, testContext(4));
    const e = out.evidence as unknown as {
      eigenvalues: number[];
      sigma: number;
      grid: number[];
      tridiagonals: { alpha: number[]; beta: number[] }[];
      comparison: { tridiagonals: { alpha: number[]; beta: number[] }[] };
      data: { sha256: string; n: number };
    };
    const n = e.eigenvalues.length;
    expect(out.metrics.parameters).toBe(n);
    expect(n).toBe(16 * 4 + 4 + 4 * 10 + 10);
    expect(e.tridiagonals).toHaveLength(tiny.draws);
    expect(e.comparison.tridiagonals).toHaveLength(tiny.comparisonDraws);
    expect(e.data.sha256).toMatch(/^[0-9a-f]{64}$/);
    // The grid is λmin − 5σ … λmax + 5σ, σ a fraction of the exact range.
    const lo = Math.min(...e.eigenvalues);
    const hi = Math.max(...e.eigenvalues);
    expect(e.sigma).toBeCloseTo(tiny.sigmaFraction * (hi - lo), 12);
    expect(e.grid[0]).toBeCloseTo(lo - 5 * e.sigma, 10);
    expect(e.grid[e.grid.length - 1]).toBeCloseTo(hi + 5 * e.sigma, 10);

    const exact = gaussianMixture(e.grid, e.eigenvalues, e.eigenvalues.map(() => 1 / n), e.sigma);
    const scored = estimateFromTridiagonals(e.grid, e.tridiagonals, e.sigma);
    const comparison = estimateFromTridiagonals(e.grid, e.comparison.tridiagonals, e.sigma);
    expect(trapezoidL1(e.grid, exact, scored.density)).toBeCloseTo(out.metrics.l1Distance, 9);
    expect(trapezoidL1(e.grid, exact, comparison.density)).toBeCloseTo(out.metrics.l1DistanceComparison, 9);
    expect(Math.abs(Math.max(...scored.nodes) - hi) / Math.abs(hi)).toBeCloseTo(out.metrics.lambdaMaxRelativeError, 9);
    expect(Math.abs(Math.min(...scored.nodes) - lo) / Math.abs(lo)).toBeCloseTo(out.metrics.lambdaMinRelativeError, 9);
  });

  it('misses the density with too few Lanczos steps, the control of the claim', async () => {
    const full = await slqVsExact.run(tiny, testContext(4));
    const few = await slqVsExact.run({ ...tiny, steps: 3 }, testContext(4));
    expect(few.metrics.l1Distance).toBeGreaterThan(3 * full.metrics.l1Distance);
  });
});
