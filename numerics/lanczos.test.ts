import { createRng, type Rng } from '../harness/rng';
import { eigh } from './eigh';
import { linearGrid, slqDensityProgram } from './density';
import { lanczos, powerIteration, powerIterationProgram, runProgram, runProgramAsync, topEigenpairs, topEigenpairsProgram, topEigenspaceEnergy } from './lanczos';
import { randomSymmetric, randomWithSpectrum } from './testing';
import { denseOperator } from './vector';

function column(m: Float64Array, n: number, j: number): Float64Array {
  return Float64Array.from({ length: n }, (_, k) => m[k * n + j]);
}

function dot(x: Float64Array, y: Float64Array): number {
  return x.reduce((s, xk, k) => s + xk * y[k], 0);
}

function gaussian(n: number, rng: Rng): Float64Array {
  return Float64Array.from({ length: n }, () => rng.normal());
}

describe('lanczos', () => {
  const n = 80;
  const a = randomSymmetric(n, createRng(1), Math.sqrt(n));
  const apply = denseOperator(a, n);

  it('builds an orthonormal basis with T = QᵀAQ', () => {
    const steps = 40;
    const { alpha, beta, basis } = lanczos(apply, n, steps, gaussian(n, createRng(2)));
    expect(alpha).toHaveLength(steps);
    expect(beta).toHaveLength(steps - 1);
    expect(basis).toHaveLength(steps);
    for (let i = 0; i < steps; i++) {
      for (let j = 0; j < steps; j++) expect(Math.abs(dot(basis[i], basis[j]) - (i === j ? 1 : 0))).toBeLessThan(1e-14);
      const aq = apply(basis[i]);
      expect(dot(basis[i], aq)).toBeCloseTo(alpha[i], 14);
      if (i + 1 < steps) expect(dot(basis[i + 1], aq)).toBeCloseTo(beta[i], 14);
      if (i + 2 < steps) expect(Math.abs(dot(basis[i + 2], aq))).toBeLessThan(1e-14);
    }
  });

  it('recovers the whole spectrum after n steps, and caps steps at n', () => {
    const { alpha, beta } = lanczos(apply, n, n + 10, gaussian(n, createRng(3)));
    expect(alpha).toHaveLength(n);
    const fromT = eigh(tridiagonalDense(alpha, beta), n, { vectors: false }).values;
    eigh(a, n, { vectors: false }).values.forEach((x, j) => expect(Math.abs(fromT[j] - x)).toBeLessThan(1e-12));
  });

  it('stops at breakdown when A has only 3 distinct eigenvalues, with those as Ritz values', () => {
    const spectrum = [...Array(9).fill(-1), ...Array(12).fill(2), ...Array(9).fill(5)];
    const { a: threeValued } = randomWithSpectrum(spectrum, createRng(4));
    const { alpha, beta, basis } = lanczos(denseOperator(threeValued, 30), 30, 20, gaussian(30, createRng(5)));
    expect(alpha).toHaveLength(3);
    expect(beta).toHaveLength(2);
    expect(basis).toHaveLength(3);
    const ritz = eigh(tridiagonalDense(alpha, beta), 3, { vectors: false }).values;
    [-1, 2, 5].forEach((x, j) => expect(ritz[j]).toBeCloseTo(x, 12));
  });

  it('stops at breakdown when the start vector lies in a two-dimensional eigenspace sum', () => {
    const { a: b, q } = randomWithSpectrum([1, 2, 3, 4, 5, 6], createRng(6));
    const start = column(q, 6, 1).map((x, k) => x + 0.5 * q[k * 6 + 4]);
    const { alpha } = lanczos(denseOperator(b, 6), 6, 6, start);
    expect(alpha).toHaveLength(2);
  });

  it('rejects a zero or mis-sized start vector, bad step counts and a NaN-producing operator', () => {
    expect(() => lanczos(apply, n, 5, new Float64Array(n))).toThrow(/non-zero/);
    expect(() => lanczos(apply, n, 5, new Float64Array(3).fill(1))).toThrow(/length 3/);
    expect(() => lanczos(apply, n, 0, gaussian(n, createRng(7)))).toThrow(/steps/);
    expect(() => lanczos(() => new Float64Array(n).fill(NaN), n, 5, gaussian(n, createRng(7)))).toThrow(/NaN/);
    expect(() => lanczos(() => new Float64Array(2), n, 5, gaussian(n, createRng(7)))).toThrow(/returned length 2/);
  });
});

describe('topEigenpairs', () => {
  const n = 200;
  const a = randomSymmetric(n, createRng(10), Math.sqrt(n));
  const apply = denseOperator(a, n);
  const exact = eigh(a, n);

  // The edge of a Wigner matrix's spectrum is crowded (gaps ~ n^(−2/3)), so convergence needs many steps.
  it.each(['largest', 'algebraic'] as const)('matches eigh for the top 5 (%s) within 1e-8 with 80 steps', (which) => {
    const k = 5;
    const { values, vectors, residualNorms } = topEigenpairs(apply, n, k, { steps: 80, which, rng: createRng(11) });
    const key = which === 'largest' ? Math.abs : (x: number) => x;
    const order = Array.from(exact.values.keys()).sort((p, q) => key(exact.values[q]) - key(exact.values[p]));
    expect(values).toHaveLength(k);
    for (let i = 0; i < k; i++) {
      const j = order[i];
      expect(Math.abs(values[i] - exact.values[j])).toBeLessThan(1e-8);
      expect(Math.abs(dot(vectors[i], column(exact.vectors!, n, j)))).toBeCloseTo(1, 6);
      expect(dot(vectors[i], vectors[i])).toBeCloseTo(1, 14);
      const r = apply(vectors[i]).map((x, q) => x - values[i] * vectors[i][q]);
      expect(residualNorms[i]).toBeCloseTo(Math.sqrt(dot(r, r)), 14);
      expect(residualNorms[i]).toBeLessThan(1e-6);
    }
  });

  it('needs only 4k steps when the top eigenvalues stand out from a bulk, as in Hessians', () => {
    const rng = createRng(30);
    const outliers = [10, 8, 6, 5, 4];
    const spectrum = [...outliers, ...Array.from({ length: 295 }, () => rng.uniformIn(-1, 1))];
    const { a: spiked } = randomWithSpectrum(spectrum, rng);
    const { values, residualNorms } = topEigenpairs(denseOperator(spiked, 300), 300, 5, { steps: 20, rng: createRng(31) });
    values.forEach((x, i) => expect(Math.abs(x - outliers[i])).toBeLessThan(1e-8));
    residualNorms.forEach((r) => expect(r).toBeLessThan(1e-6));
  });

  it('is reproducible with the default rng and uses min(n, max(3k, 2k + 30)) steps by default', () => {
    const first = topEigenpairs(apply, n, 2);
    expect(topEigenpairs(apply, n, 2).values).toEqual(first.values);
    expect(topEigenpairs(apply, n, 2, { steps: 34 }).values).toEqual(first.values);
    const dominant = Math.abs(exact.values[0]) > Math.abs(exact.values[n - 1]) ? exact.values[0] : exact.values[n - 1];
    expect(Math.abs(first.values[0] - dominant)).toBeLessThan(1e-6);
  });

  it('finds a repeated top eigenvalue with its multiplicity by restarting after breakdown', () => {
    const spectrum = [...Array(16).fill(-1), ...Array(10).fill(2), ...Array(4).fill(5)];
    const { a: threeValued, q } = randomWithSpectrum(spectrum, createRng(12));
    const apply3 = denseOperator(threeValued, 30);
    const { values, vectors, residualNorms } = topEigenpairs(apply3, 30, 5, { steps: 12, which: 'algebraic', rng: createRng(13) });
    values.slice(0, 4).forEach((x) => expect(x).toBeCloseTo(5, 12));
    expect(values[4]).toBeCloseTo(2, 12);
    residualNorms.forEach((r) => expect(r).toBeLessThan(1e-12));
    // The four Ritz vectors span the eigenspace of 5: their energy in it is 4.
    const eigenspace = [26, 27, 28, 29].map((j) => column(q, 30, j));
    const captured = vectors.slice(0, 4).reduce((s, v) => s + topEigenspaceEnergy(eigenspace, v), 0);
    expect(captured).toBeCloseTo(4, 12);
  });

  it('rejects k outside [1, n] and steps below k', () => {
    expect(() => topEigenpairs(apply, n, 0)).toThrow(RangeError);
    expect(() => topEigenpairs(apply, n, n + 1)).toThrow(RangeError);
    expect(() => topEigenpairs(apply, n, 5, { steps: 4 })).toThrow(/steps/);
  });
});

describe('powerIteration', () => {
  it('finds a dominant negative eigenvalue and its vector', () => {
    const spectrum = Array.from({ length: 40 }, (_, i) => -3 + (6 * i) / 39);
    spectrum[7] = -8;
    const { a, q } = randomWithSpectrum(spectrum, createRng(20));
    const result = powerIteration(denseOperator(a, 40), 40, { rng: createRng(21) });
    expect(result.converged).toBe(true);
    expect(result.value).toBeCloseTo(-8, 12);
    expect(result.residualNorm).toBeLessThanOrEqual(1e-8 * 8);
    expect(Math.abs(dot(result.vector, column(q, 40, 7)))).toBeCloseTo(1, 12);
    expect(result.iterations).toBeLessThan(100);
  });

  it('reports non-convergence when +λ and −λ are both dominant', () => {
    const spectrum = [5, -5, 1, 2, -1, 0.5];
    const { a } = randomWithSpectrum(spectrum, createRng(22));
    const result = powerIteration(denseOperator(a, 6), 6, { maxIterations: 200, rng: createRng(23) });
    expect(result.converged).toBe(false);
    expect(result.iterations).toBe(200);
    expect(result.residualNorm).toBeGreaterThan(0.1);
  });

  it('handles the zero operator and rejects a bad iteration limit', () => {
    const zero = powerIteration(() => new Float64Array(3), 3);
    expect(zero).toMatchObject({ value: 0, residualNorm: 0, converged: true, iterations: 1 });
    expect(() => powerIteration(() => new Float64Array(3), 3, { maxIterations: 0 })).toThrow(RangeError);
  });
});

describe('topEigenspaceEnergy', () => {
  const basis = [Float64Array.of(1, 0, 0, 0), Float64Array.of(0, Math.SQRT1_2, Math.SQRT1_2, 0)];

  it('is 1 for a vector in the span and the squared-norm fraction otherwise', () => {
    expect(topEigenspaceEnergy(basis, Float64Array.of(2, -3, -3, 0))).toBeCloseTo(1, 15);
    // g = 3·basis[0] + 4·(unit vector orthogonal to the span): 9 / 25 of its squared norm is captured.
    expect(topEigenspaceEnergy(basis, Float64Array.of(3, 0, 0, 4))).toBeCloseTo(9 / 25, 15);
    expect(topEigenspaceEnergy(basis, Float64Array.of(0, 1, -1, 0))).toBe(0);
    expect(topEigenspaceEnergy([], Float64Array.of(1, 2))).toBe(0);
  });

  it('rejects a zero g and mismatched lengths', () => {
    expect(() => topEigenspaceEnergy(basis, new Float64Array(4))).toThrow(/non-zero/);
    expect(() => topEigenspaceEnergy(basis, Float64Array.of(1, 2))).toThrow(/length/);
  });
});

function tridiagonalDense(alpha: Float64Array, beta: Float64Array): Float64Array {
  const m = alpha.length;
  const t = new Float64Array(m * m);
  for (let i = 0; i < m; i++) t[i * m + i] = alpha[i];
  for (let i = 0; i + 1 < m; i++) t[i * m + i + 1] = t[(i + 1) * m + i] = beta[i];
  return t;
}

describe('operator programs', () => {
  const n = 12;
  const a = randomSymmetric(n, createRng(4_242));
  const apply = denseOperator(a, n);
  const later = (v: Float64Array): Promise<Float64Array> => new Promise((resolve) => setImmediate(() => resolve(apply(v))));

  it('give identical results with a synchronous and an asynchronous operator', async () => {
    const options = () => ({ steps: 8, rng: createRng(5) });
    expect(await runProgramAsync(topEigenpairsProgram(n, 3, options()), later)).toEqual(topEigenpairs(apply, n, 3, options()));
    expect(await runProgramAsync(powerIterationProgram(n, { rng: createRng(6), maxIterations: 20 }), later)).toEqual(powerIteration(apply, n, { rng: createRng(6), maxIterations: 20 }));
    const slq = () => ({ draws: 2, steps: 6, sigma: 0.1, grid: linearGrid(-3, 3, 31), rng: createRng(7) });
    expect(await runProgramAsync(slqDensityProgram(n, slq()), later)).toEqual(runProgram(slqDensityProgram(n, slq()), apply));
  });

  it('check the image length in either driver', async () => {
    const short = (): Float64Array => new Float64Array(n - 1);
    expect(() => runProgram(topEigenpairsProgram(n, 2), short)).toThrow(/length 11, expected 12/);
    await expect(runProgramAsync(topEigenpairsProgram(n, 2), async () => short())).rejects.toThrow(/length 11, expected 12/);
  });

  it('check their arguments when created, before any operator call', () => {
    expect(() => topEigenpairsProgram(n, n + 1)).toThrow(RangeError);
    expect(() => powerIterationProgram(n, { maxIterations: 0 })).toThrow(RangeError);
  });
});
