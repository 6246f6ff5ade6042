import { createRng, type Rng } from '../harness/rng';
import { ACTIVATIONS, type Activation } from './activations';
import { kaimingNormal } from './init';
import { LOSS_KINDS, type LossKind, type LossSpec } from './losses';
import { type MlpSpec, forward, parameterCount } from './mlp';
import { frobeniusNorm, l2Norm } from './norms';
import { type Dataset64, mlpObjective } from './objective';

/** ‖a − b‖ / ‖b‖. */
function relativeError(a: Float64Array, b: Float64Array): number {
  const diff = new Float64Array(a.length);
  for (let k = 0; k < a.length; k++) diff[k] = a[k] - b[k];
  return l2Norm(diff) / l2Norm(b);
}

function randomVector(rng: Rng, length: number): Float64Array {
  return Float64Array.from({ length }, () => rng.normal());
}

function unitVector(rng: Rng, length: number): Float64Array {
  const v = randomVector(rng, length);
  const norm = l2Norm(v);
  return v.map((e) => e / norm);
}

function isCrossEntropy(kind: LossKind): boolean {
  return kind === 'softmax-ce-sum' || kind === 'softmax-ce-mean';
}

/** Cross-entropy targets are random probability vectors (soft labels); regression targets are N(0, 1). */
function randomDataset(rng: Rng, n: number, inputDim: number, outputDim: number, kind: LossKind): Dataset64 {
  const x = randomVector(rng, n * inputDim);
  const y = randomVector(rng, n * outputDim);
  if (isCrossEntropy(kind)) {
    for (let s = 0; s < n; s++) {
      const row = y.subarray(s * outputDim, (s + 1) * outputDim);
      row.forEach((_, j) => (row[j] = rng.uniform()));
      const total = row.reduce((t, e) => t + e, 0);
      row.forEach((e, j) => (row[j] = e / total));
    }
  }
  return { n, inputDim, outputDim, x, y };
}

/** Smallest |pre-activation| of any hidden unit on any sample: the distance to a relu kink. */
function hiddenMargin(net: MlpSpec, theta: Float64Array, data: Dataset64): number {
  let margin = Infinity;
  for (let l = 1; l < net.widths.length - 1; l++) {
    const prefix: MlpSpec = { ...net, widths: net.widths.slice(0, l + 1) };
    const z = forward(prefix, theta.subarray(0, parameterCount(prefix)), data.x, data.n);
    for (const e of z) margin = Math.min(margin, Math.abs(e));
  }
  return margin;
}

/** A random problem whose pre-activations stay ≥ 1e-2 from relu kinks, so finite differences are valid. */
function wellConditionedProblem(net: MlpSpec, kind: LossKind, seed: number) {
  const rng = createRng(seed);
  const widths = net.widths;
  for (;;) {
    const data = randomDataset(rng, 6, widths[0], widths[widths.length - 1], kind);
    const theta = kaimingNormal(net, () => rng.normal());
    for (let k = 0; k < theta.length; k++) theta[k] += 0.1 * rng.normal(); // non-zero biases too
    if (hiddenMargin(net, theta, data) > 1e-2) return { data, theta, rng };
  }
}

/** Central differences of the loss, step 1e-5·max(1, |θ_k|). */
function finiteDifferenceGradient(loss: (theta: Float64Array) => number, theta: Float64Array): Float64Array {
  const g = new Float64Array(theta.length);
  const t = Float64Array.from(theta);
  for (let k = 0; k < theta.length; k++) {
    const h = 1e-5 * Math.max(1, Math.abs(theta[k]));
    t[k] = theta[k] + h;
    const plus = loss(t);
    t[k] = theta[k] - h;
    const minus = loss(t);
    t[k] = theta[k];
    g[k] = (plus - minus) / (2 * h);
  }
  return g;
}

/** Central differences of the gradient along v: (∇L(θ + hv) − ∇L(θ − hv)) / 2h. */
function finiteDifferenceHvp(
  gradient: (theta: Float64Array) => Float64Array,
  theta: Float64Array,
  v: Float64Array,
  h: number,
): Float64Array {
  const plus = gradient(theta.map((e, k) => e + h * v[k]));
  const minus = gradient(theta.map((e, k) => e - h * v[k]));
  return plus.map((e, k) => (e - minus[k]) / (2 * h));
}

function transposeAsymmetry(h: Float64Array, dim: number): number {
  const diff = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) diff[i * dim + j] = h[i * dim + j] - h[j * dim + i];
  return frobeniusNorm(diff) / frobeniusNorm(h);
}

describe('mlpObjective derivatives against finite differences', () => {
  const cases: [Activation, LossKind, boolean, number][] = [];
  for (const activation of ACTIVATIONS) {
    for (const kind of LOSS_KINDS) {
      for (const bias of [true, false]) for (const l2 of [0, 0.03]) cases.push([activation, kind, bias, l2]);
    }
  }

  it.each(cases)('%s, %s, bias=%s, l2=%s', (activation, kind, bias, l2) => {
    const net: MlpSpec = { widths: [3, 4, 3, 2], activation, bias };
    const seed = 1000 + cases.findIndex((c) => c[0] === activation && c[1] === kind && c[2] === bias && c[3] === l2);
    const { data, theta, rng } = wellConditionedProblem(net, kind, seed);
    const spec: LossSpec = { kind, l2 };
    const objective = mlpObjective(net, spec, data);
    const dim = objective.dim;
    expect(dim).toBe(bias ? 39 : 30);
    const grad = (t: Float64Array): Float64Array => objective.lossAndGradient(t).gradient;

    const { loss, gradient } = objective.lossAndGradient(theta);
    expect(loss).toBe(objective.loss(theta));
    expect(Math.abs(loss - mlpObjective(net, spec, data).loss(theta))).toBeLessThanOrEqual(1e-14 * Math.abs(loss));
    expect(relativeError(gradient, finiteDifferenceGradient((t) => objective.loss(t), theta))).toBeLessThan(1e-6);

    for (let trial = 0; trial < 2; trial++) {
      const v = unitVector(rng, dim);
      const hv = objective.hvp(theta, v);
      expect(relativeError(hv, finiteDifferenceHvp(grad, theta, v, 1e-5 * Math.max(1, l2Norm(theta))))).toBeLessThan(1e-6);
    }

    // Raw H·e_j columns are symmetric to rounding; hessian() returns their symmetrisation.
    const raw = new Float64Array(dim * dim);
    for (let j = 0; j < dim; j++) {
      const e = new Float64Array(dim);
      e[j] = 1;
      raw.set(objective.hvp(theta, e), j * dim);
    }
    expect(transposeAsymmetry(raw, dim)).toBeLessThan(1e-12);
    const hessian = objective.hessian(theta);
    expect(transposeAsymmetry(hessian, dim)).toBe(0);
    const symmetrised = raw.map((e, k) => 0.5 * (e + raw[(k % dim) * dim + Math.floor(k / dim)]));
    expect(relativeError(hessian, symmetrised)).toBeLessThan(1e-15);

    // The full Hessian against a finite-difference Hessian, column by column.
    const fdHessian = new Float64Array(dim * dim);
    for (let j = 0; j < dim; j++) {
      const e = new Float64Array(dim);
      e[j] = 1;
      fdHessian.set(finiteDifferenceHvp(grad, theta, e, 1e-5 * Math.max(1, Math.abs(theta[j]))), j * dim);
    }
    expect(relativeError(hessian, fdHessian)).toBeLessThan(1e-6);
  });
});

describe('mlpObjective closed forms', () => {
  const rng = createRng(7);
  const n = 7;
  const d = 4;

  /** Gram matrix Σ_s x_s x_sᵀ (d×d) of the rows of x (n×d). */
  function gram(x: Float64Array, rows: number, cols: number): Float64Array {
    const g = new Float64Array(cols * cols);
    for (let s = 0; s < rows; s++) {
      for (let i = 0; i < cols; i++) for (let j = 0; j < cols; j++) g[i * cols + j] += x[s * cols + i] * x[s * cols + j];
    }
    return g;
  }

  function withOnesColumn(x: Float64Array, rows: number, cols: number): Float64Array {
    const out = new Float64Array(rows * (cols + 1));
    for (let s = 0; s < rows; s++) {
      out.set(x.subarray(s * cols, (s + 1) * cols), s * (cols + 1));
      out[s * (cols + 1) + cols] = 1;
    }
    return out;
  }

  it.each([
    ['sse', 2],
    ['mse', 2 / n],
  ] as const)('linear least squares (%s, no bias): Hessian = c·XᵀX with c = %d, gradient = c·Xᵀ(Xw − y)', (kind, c) => {
    const data = randomDataset(rng, n, d, 1, kind);
    const net: MlpSpec = { widths: [d, 1], activation: 'tanh', bias: false }; // no hidden layer: activation unused
    const objective = mlpObjective(net, { kind }, data);
    const w = randomVector(rng, d);
    const expected = gram(data.x, n, d).map((e) => c * e);
    expect(relativeError(objective.hessian(w), expected)).toBeLessThan(1e-14);
    expect(relativeError(objective.hvp(w, Float64Array.of(1, 0, 0, 0)), expected.subarray(0, d))).toBeLessThan(1e-14);

    const residual = forward(net, w, data.x, n).map((f, s) => f - data.y[s]);
    const expectedGradient = new Float64Array(d);
    for (let s = 0; s < n; s++) for (let i = 0; i < d; i++) expectedGradient[i] += c * data.x[s * d + i] * residual[s];
    const { loss, gradient } = objective.lossAndGradient(w);
    expect(relativeError(gradient, expectedGradient)).toBeLessThan(1e-13);
    expect(loss).toBeCloseTo((c / 2) * residual.reduce((t, r) => t + r * r, 0), 12);
  });

  it('linear least squares with bias: Hessian = 2·[X 1]ᵀ[X 1], bias last in θ', () => {
    const data = randomDataset(rng, n, d, 1, 'sse');
    const objective = mlpObjective({ widths: [d, 1], activation: 'identity' }, { kind: 'sse' }, data);
    const expected = gram(withOnesColumn(data.x, n, d), n, d + 1).map((e) => 2 * e);
    expect(relativeError(objective.hessian(randomVector(rng, d + 1)), expected)).toBeLessThan(1e-14);
  });

  it.each([
    ['sse', 2],
    ['mse', 2 / (n * 3)],
  ] as const)('vector-valued linear regression (%s): Hessian = c·I₃ ⊗ XᵀX, c = %d', (kind, c) => {
    const k = 3;
    const data = randomDataset(rng, n, d, k, kind);
    const objective = mlpObjective({ widths: [d, k], activation: 'relu', bias: false }, { kind }, data);
    const g = gram(data.x, n, d);
    const dim = k * d;
    const expected = new Float64Array(dim * dim);
    for (let o = 0; o < k; o++) {
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) expected[(o * d + i) * dim + o * d + j] = c * g[i * d + j];
    }
    expect(relativeError(objective.hessian(randomVector(rng, dim)), expected)).toBeLessThan(1e-14);
  });

  it.each([
    ['softmax-ce-sum', 1],
    ['softmax-ce-mean', 1 / n],
  ] as const)('softmax cross-entropy of one linear layer (%s): H = c·Σ_s (diag p − ppᵀ) ⊗ x xᵀ', (kind, c) => {
    const k = 3;
    const data = randomDataset(rng, n, d, k, kind);
    const net: MlpSpec = { widths: [d, k], activation: 'swish', bias: false };
    const objective = mlpObjective(net, { kind }, data);
    const dim = k * d;
    const w = randomVector(rng, dim);
    const logits = forward(net, w, data.x, n);
    const expected = new Float64Array(dim * dim);
    for (let s = 0; s < n; s++) {
      const row = logits.subarray(s * k, (s + 1) * k);
      const max = Math.max(...row);
      const total = row.reduce((t, f) => t + Math.exp(f - max), 0);
      const p = row.map((f) => Math.exp(f - max) / total);
      const x = data.x.subarray(s * d, (s + 1) * d);
      for (let o = 0; o < k; o++) {
        for (let q = 0; q < k; q++) {
          const a = (o === q ? p[o] : 0) - p[o] * p[q];
          for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) expected[(o * d + i) * dim + q * d + j] += c * a * x[i] * x[j];
        }
      }
    }
    expect(relativeError(objective.hessian(w), expected)).toBeLessThan(1e-13);
  });

  it.each(LOSS_KINDS)('l2 adds l2·‖θ‖² to the loss, 2·l2·θ to the gradient and 2·l2·I to the Hessian (%s)', (kind) => {
    const l2 = 0.25;
    const net: MlpSpec = { widths: [2, 3, 2], activation: 'sigmoid' };
    const data = randomDataset(rng, 5, 2, 2, kind);
    const plain = mlpObjective(net, { kind }, data);
    const penalised = mlpObjective(net, { kind, l2 }, data);
    const theta = randomVector(rng, plain.dim);
    const squaredNorm = theta.reduce((t, e) => t + e * e, 0);
    expect(penalised.loss(theta) - plain.loss(theta)).toBeCloseTo(l2 * squaredNorm, 12);
    const g0 = plain.lossAndGradient(theta).gradient;
    const g1 = penalised.lossAndGradient(theta).gradient;
    expect(relativeError(g1.map((e, k) => e - g0[k]), theta.map((e) => 2 * l2 * e))).toBeLessThan(1e-12);
    const h0 = plain.hessian(theta);
    const h1 = penalised.hessian(theta);
    const identity = new Float64Array(plain.dim ** 2);
    for (let i = 0; i < plain.dim; i++) identity[i * plain.dim + i] = 2 * l2;
    expect(relativeError(h1.map((e, k) => e - h0[k]), identity)).toBeLessThan(1e-12);
  });
});

describe('mlpObjective state and inputs', () => {
  const net: MlpSpec = { widths: [2, 5, 3], activation: 'tanh' };
  const kind: LossKind = 'mse';

  it('gives the same results whatever the call history, including θ mutated in place', () => {
    const rng = createRng(11);
    const data = randomDataset(rng, 8, 2, 3, kind);
    const objective = mlpObjective(net, { kind, l2: 0.01 }, data);
    const fresh = () => mlpObjective(net, { kind, l2: 0.01 }, data);
    const a = randomVector(rng, objective.dim);
    const b = randomVector(rng, objective.dim);
    const v = randomVector(rng, objective.dim);
    const hvA = objective.hvp(a, v);
    expect(objective.loss(b)).toBe(fresh().loss(b)); // a loss elsewhere leaves the cache at a intact
    expect(objective.hvp(a, v)).toEqual(hvA);
    expect(objective.hvp(b, v)).toEqual(fresh().hvp(b, v));
    const theta = Float64Array.from(a);
    objective.lossAndGradient(theta);
    theta.set(b);
    expect(objective.lossAndGradient(theta)).toEqual(fresh().lossAndGradient(b));
    expect(objective.hessian(theta)).toEqual(fresh().hessian(b));
    expect(objective.loss(theta)).toBe(fresh().loss(b));
    expect(objective.hvp(theta, new Float64Array(objective.dim))).toEqual(new Float64Array(objective.dim));
  });

  it('copies the data set', () => {
    const rng = createRng(12);
    const data = randomDataset(rng, 4, 2, 3, kind);
    const objective = mlpObjective(net, { kind }, data);
    const theta = randomVector(rng, objective.dim);
    const before = objective.loss(theta);
    data.y.fill(100);
    expect(objective.loss(theta)).toBe(before);
  });

  it('propagates NaN and Inf instead of throwing', () => {
    const rng = createRng(13);
    const data = randomDataset(rng, 4, 2, 3, kind);
    const objective = mlpObjective(net, { kind }, data);
    const theta = randomVector(rng, objective.dim);
    theta[0] = NaN;
    expect(objective.loss(theta)).toBeNaN();
    const { loss, gradient } = objective.lossAndGradient(theta);
    expect(loss).toBeNaN();
    expect(gradient.some(Number.isNaN)).toBe(true);
    expect(objective.hvp(theta, theta.map(() => 1)).some(Number.isNaN)).toBe(true);
    data.y[0] = Infinity;
    expect(mlpObjective(net, { kind }, data).loss(theta.fill(0.5))).toBe(Infinity);
  });

  it('rejects mismatched shapes', () => {
    const data = randomDataset(createRng(14), 4, 2, 3, kind);
    const objective = mlpObjective(net, { kind }, data);
    expect(() => objective.loss(new Float64Array(objective.dim + 1))).toThrow(/theta has length/);
    expect(() => objective.hvp(new Float64Array(objective.dim), new Float64Array(1))).toThrow(/v has length/);
    expect(() => mlpObjective({ ...net, widths: [3, 5, 3] }, { kind }, data)).toThrow(/data is 2→3/);
    expect(() => mlpObjective(net, { kind }, { ...data, n: 5 })).toThrow(/data.x has length 8, expected 10/);
    expect(() => mlpObjective(net, { kind, l2: NaN }, data)).toThrow(/l2 must be finite/);
  });
});
