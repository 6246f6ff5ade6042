import { gaussianData, linearVariances } from '../datasets/gaussian';
import { createRng, type Rng } from '../harness/rng';
import { type DlaeCriticalPoint, type DlaeCriticalPointsResult, dlaeCriticalPoints, dlaeObjective, scatterMatrix } from './dlae';
import { l2Norm } from './norms';
import { mlpObjective } from './objective';

/** ‖a − b‖ / ‖b‖. */
function relativeError(a: Float64Array, b: Float64Array): number {
  const diff = a.map((e, k) => e - b[k]);
  return l2Norm(diff) / l2Norm(b);
}

function randomVector(rng: Rng, length: number, scale = 1): Float64Array {
  return Float64Array.from({ length }, () => scale * rng.normal());
}

/** Xᵀ: the engine wants one sample per row, the DLAE one feature per row. */
function transpose(x: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = x[r * cols + c];
  return out;
}

function binomial(n: number, r: number): number {
  let out = 1;
  for (let i = 1; i <= r; i++) out = (out * (n - r + i)) / i;
  return out;
}

function pearson(x: number[], y: number[]): number {
  const mx = x.reduce((s, e) => s + e, 0) / x.length;
  const my = y.reduce((s, e) => s + e, 0) / y.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  x.forEach((e, i) => {
    sxy += (e - mx) * (y[i] - my);
    sxx += (e - mx) ** 2;
    syy += (y[i] - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}

/** diag(variances)·n: the scatter matrix XXᵀ of the population the thesis samples from. */
function populationScatter(variances: Float64Array, n: number): Float64Array {
  const d = variances.length;
  const c = new Float64Array(d * d);
  variances.forEach((v, i) => (c[i * d + i] = v * n));
  return c;
}

describe('dlaeObjective against the float64 engine (widths [d, k, d], identity, no bias, mse)', () => {
  const d = 6;
  const k = 3;
  const n = 40;
  const rng = createRng(31);
  const x = gaussianData(d, n, linearVariances(d), rng.fork('data')); // d×n
  const samples = transpose(x, d, n); // n×d
  const dlae = dlaeObjective(scatterMatrix(x, d, n), n, d, k);
  const engine = mlpObjective({ widths: [d, k, d], activation: 'identity', bias: false }, { kind: 'mse' }, {
    n,
    inputDim: d,
    outputDim: d,
    x: samples,
    y: samples,
  });
  const thetas = [0, 1, 2].map((i) => randomVector(rng.fork(`theta${i}`), 2 * d * k, 0.7));

  it('has the same parameter count and order (θ passes unchanged)', () => {
    expect(dlae.dim).toBe(engine.dim);
    expect(dlae.dim).toBe(2 * d * k);
  });

  it('matches loss and gradient', () => {
    for (const theta of thetas) {
      const ours = dlae.lossAndGradient(theta);
      const theirs = engine.lossAndGradient(theta);
      expect(Math.abs(ours.loss - theirs.loss) / theirs.loss).toBeLessThan(1e-13);
      expect(Math.abs(dlae.loss(theta) - theirs.loss) / theirs.loss).toBeLessThan(1e-13);
      expect(relativeError(ours.gradient, theirs.gradient)).toBeLessThan(1e-12);
    }
  });

  it('matches Hessian-vector products and the full Hessian', () => {
    for (const theta of thetas) {
      for (let r = 0; r < 3; r++) {
        const v = randomVector(rng, dlae.dim);
        expect(relativeError(dlae.hvp(theta, v), engine.hvp(theta, v))).toBeLessThan(1e-12);
      }
      expect(relativeError(dlae.hessian(theta), engine.hessian(theta))).toBeLessThan(1e-12);
    }
  });

  it('HVP agrees with central differences of the gradient', () => {
    const h = 1e-5;
    for (const theta of thetas) {
      const v = randomVector(rng, dlae.dim);
      const plus = dlae.lossAndGradient(theta.map((t, i) => t + h * v[i])).gradient;
      const minus = dlae.lossAndGradient(theta.map((t, i) => t - h * v[i])).gradient;
      const difference = plus.map((g, i) => (g - minus[i]) / (2 * h));
      expect(relativeError(dlae.hvp(theta, v), difference)).toBeLessThan(1e-8);
    }
  });

  it('full Hessian is symmetric and its rows are HVPs with unit vectors', () => {
    const theta = thetas[0];
    const hessian = dlae.hessian(theta);
    const dim = dlae.dim;
    for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) expect(hessian[i * dim + j]).toBe(hessian[j * dim + i]);
    for (const j of [0, 5, d * k, dim - 1]) {
      const unit = new Float64Array(dim);
      unit[j] = 1;
      expect(relativeError(hessian.subarray(j * dim, (j + 1) * dim), dlae.hvp(theta, unit))).toBeLessThan(1e-13);
    }
  });

  it('answers correctly when θ is changed in place between calls (cache keyed on entries)', () => {
    const theta = Float64Array.from(thetas[0]);
    dlae.lossAndGradient(theta);
    theta[3] += 0.25;
    expect(dlae.loss(theta)).toBeCloseTo(engine.loss(theta), 12);
  });

  it('rejects bad shapes and an asymmetric covariance', () => {
    expect(() => dlaeObjective(new Float64Array(5), n, d, k)).toThrow(/length/);
    const asymmetric = new Float64Array(4);
    asymmetric.set([1, 0.5, 0, 1]);
    expect(() => dlaeObjective(asymmetric, 1, 2, 1)).toThrow(/symmetric/);
    expect(() => dlae.loss(new Float64Array(3))).toThrow(/length/);
    expect(() => dlaeObjective(scatterMatrix(x, d, n), n, d, 0)).toThrow(/positive integer/);
  });
});

describe('the thesis DLAE (d = 16, k = 4, variances 1…16, n = 1e4)', () => {
  const d = 16;
  const k = 4;
  const n = 10_000;
  const variances = linearVariances(d);
  const population = populationScatter(variances, n);
  const sampled = scatterMatrix(gaussianData(d, n, variances, createRng(2020)), d, n);

  it('L(0) = tr(C)/(d·n): 8.5 for the population covariance, ≈ 8.5 sampled', () => {
    const zero = new Float64Array(2 * d * k);
    expect(dlaeObjective(population, n, d, k).loss(zero)).toBeCloseTo(8.5, 14);
    let trace = 0;
    for (let i = 0; i < d; i++) trace += sampled[i * d + i];
    const sampledLoss = dlaeObjective(sampled, n, d, k).loss(zero);
    expect(sampledLoss).toBeCloseTo(trace / (d * n), 13);
    expect(Math.abs(sampledLoss - 8.5)).toBeLessThan(0.1);
  });

  it('HVP at d = 16 agrees with central differences on the sampled covariance', () => {
    const objective = dlaeObjective(sampled, n, d, k);
    const rng = createRng(7);
    const theta = randomVector(rng, objective.dim, 0.3);
    const v = randomVector(rng, objective.dim);
    const h = 1e-5;
    const plus = objective.lossAndGradient(theta.map((t, i) => t + h * v[i])).gradient;
    const minus = objective.lossAndGradient(theta.map((t, i) => t - h * v[i])).gradient;
    expect(relativeError(objective.hvp(theta, v), plus.map((g, i) => (g - minus[i]) / (2 * h)))).toBeLessThan(1e-8);
  });

  describe('analytic critical points', () => {
    // Indices are computed once (2517 eigendecompositions of 128×128, ≈ 20 s) and shared by the tests below.
    let eigenvalues: Float64Array;
    let points: DlaeCriticalPoint[];
    let sampledPoints: DlaeCriticalPointsResult;
    beforeAll(() => {
      ({ eigenvalues, points } = dlaeCriticalPoints(population, n, d, k, { index: true }));
      sampledPoints = dlaeCriticalPoints(sampled, n, d, k);
    }, 180_000);

    it('number Σ_{i≤4} C(16, i) = 2517, each subset once, by size', () => {
      expect(points).toHaveLength(2517);
      expect(sampledPoints.points).toHaveLength(2517);
      for (let size = 0; size <= k; size++) {
        expect(points.filter((p) => p.subset.length === size)).toHaveLength(binomial(d, size));
      }
      expect(new Set(points.map((p) => p.subset.join(','))).size).toBe(2517);
      expect(points[0].subset).toEqual([]);
      expect(points[1].subset).toEqual([0]);
      expect(points[2516].subset).toEqual([12, 13, 14, 15]);
    });

    it('eigenvalues are listed descending (population: 16·n, 15·n, …, n)', () => {
      expect(Array.from(eigenvalues)).toEqual(Array.from({ length: d }, (_, r) => (d - r) * n));
    });

    it('have squared gradient norm < 1e-20 (population and sampled covariance)', () => {
      for (const { gradientNormSquared } of [...points, ...sampledPoints.points]) expect(gradientNormSquared).toBeLessThan(1e-20);
      expect(points[0].gradientNormSquared).toBe(0); // θ = 0 is exactly critical
    });

    it('have W₂ = W₁ᵀ with orthonormal W₁ rows, so W₂W₁ is a projection', () => {
      for (const { subset, theta } of sampledPoints.points.filter((_, i) => i % 97 === 0)) {
        for (let a = 0; a < k; a++) {
          for (let b = 0; b < k; b++) {
            let dot = 0;
            for (let i = 0; i < d; i++) dot += theta[a * d + i] * theta[b * d + i];
            expect(dot).toBeCloseTo(a === b && a < subset.length ? 1 : 0, 12);
          }
          for (let i = 0; i < d; i++) expect(theta[d * k + i * k + a]).toBe(theta[a * d + i]);
        }
      }
    });

    it('loss = (tr C − Σ_{i∈S} λ_i)/(d·n), the variance left out of the projection', () => {
      let trace = 0;
      for (let i = 0; i < d; i++) trace += sampled[i * d + i];
      for (const { subset, loss } of sampledPoints.points) {
        const kept = subset.reduce((sum, e) => sum + sampledPoints.eigenvalues[e], 0);
        expect(Math.abs(loss - (trace - kept) / (d * n))).toBeLessThan(1e-12);
      }
    });

    it('exactly one point has index 0: the PCA solution (top 4 eigenvectors), loss (1+…+12)/16 = 4.875', () => {
      const minima = points.filter((p) => p.index === 0);
      expect(minima).toHaveLength(1);
      expect(minima[0].subset).toEqual([0, 1, 2, 3]);
      expect(minima[0].loss).toBeCloseTo(4.875, 13);
      expect(Math.min(...points.map((p) => p.loss))).toBe(minima[0].loss);
    });

    it('index equals the closed form for diagonal C: #{(a ∈ S, i ∉ S): λ_i > λ_a} + (k − |S|)(d − |S|), over 2dk', () => {
      // In C's eigenbasis the Hessian splits into 2×2 blocks: (W₁[a][i], W₂[i][a]) for a used slot and
      // i ∉ S is [[λ_i, −λ_i], [−λ_i, λ_a]]·2s (negative iff λ_i > λ_a); for an unused slot it is
      // [[0, −λ_i], [−λ_i, 0]]·2s (one negative eigenvalue for each i ∉ S); all other blocks are ≥ 0.
      for (const { subset, index } of points) {
        const outside = Array.from({ length: d }, (_, e) => e).filter((e) => !subset.includes(e));
        let negative = (k - subset.length) * outside.length;
        for (const a of subset) negative += outside.filter((i) => eigenvalues[i] > eigenvalues[a]).length;
        expect(index).toBe(negative / (2 * d * k));
      }
    });

    it('loss against index is linear (Pearson r ≥ 0.99)', () => {
      const r = pearson(
        points.map((p) => p.index!),
        points.map((p) => p.loss),
      );
      expect(r).toBeGreaterThanOrEqual(0.99);
      expect(r).toBeCloseTo(0.99946, 4); // the closed form above gives 0.999463
    });

    it('leaves the index out unless asked', () => {
      expect(sampledPoints.points.every((p) => p.index === undefined)).toBe(true);
    });
  });
});
