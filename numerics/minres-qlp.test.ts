import { createRng } from '../harness/rng';
import { type MinresQlpOptions, minresQlp } from './minres-qlp';
import { denseOperator, dot, norm2 } from './vector';

/** Frye's settings for Newton-MR (thesis §2.6, §3.4). */
const FRYE: MinresQlpOptions = { rtol: 5e-4, maxxnorm: 1e4, acondlim: 1e7, trancond: 1e4 };

/**
 * A = Q·diag(λ)·Qᵀ with Q a product of Householder reflections of seeded normal vectors, so the
 * eigendecomposition, and with it A⁺ and the null space, is known exactly (up to rounding in Q).
 */
function spectralProblem(lambda: readonly number[], seed: number, reflections = lambda.length) {
  const n = lambda.length;
  const rng = createRng(seed);
  const normals = Array.from({ length: reflections }, () => {
    const u = Float64Array.from({ length: n }, () => rng.normal());
    const length = norm2(u);
    return u.map((ui) => ui / length);
  });
  const reflect = (u: Float64Array, x: Float64Array): void => {
    const along = 2 * dot(u, x);
    for (let i = 0; i < n; i++) x[i] -= along * u[i];
  };
  /** Q·c: the vector with eigen-coordinates c. */
  const fromEigen = (c: Float64Array): Float64Array => {
    const x = Float64Array.from(c);
    for (let j = normals.length - 1; j >= 0; j--) reflect(normals[j], x);
    return x;
  };
  /** Qᵀ·x: the eigen-coordinates of x. */
  const toEigen = (x: Float64Array): Float64Array => {
    const c = Float64Array.from(x);
    for (const u of normals) reflect(u, c);
    return c;
  };
  const matrix = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const c = toEigen(Float64Array.from({ length: n }, (_, i) => (i === j ? 1 : 0)));
    const column = fromEigen(c.map((ci, i) => ci * lambda[i]));
    for (let i = 0; i < n; i++) matrix[i * n + j] = column[i];
  }
  // Exactly symmetric, as a Hessian would be.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) matrix[i * n + j] = matrix[j * n + i] = (matrix[i * n + j] + matrix[j * n + i]) / 2;
  }
  return {
    n,
    apply: denseOperator(matrix, n),
    fromEigen,
    /** (A − σI)⁺b from the eigendecomposition, zero eigenvalues dropped. */
    pseudoInverseTimes(b: Float64Array, shift = 0): Float64Array {
      return fromEigen(toEigen(b).map((ci, i) => (lambda[i] === shift ? 0 : ci / (lambda[i] - shift))));
    },
    /** ‖P_null x‖ for the null space of A − σI. */
    nullComponentNorm(x: Float64Array, shift = 0): number {
      const c = toEigen(x);
      return Math.sqrt(lambda.reduce((sum, l, i) => (l === shift ? sum + c[i] * c[i] : sum), 0));
    },
  };
}

function diagonalProduct(diagonal: readonly number[]): (v: Float64Array) => Float64Array {
  return (v) => v.map((vi, i) => diagonal[i] * vi);
}

function normalVector(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => rng.normal());
}

function relativeError(x: Float64Array, reference: Float64Array): number {
  return norm2(x.map((xi, i) => xi - reference[i])) / norm2(reference);
}

/** ‖b − (A − σI)x‖ and ‖(A − σI)(b − (A − σI)x)‖, recomputed. */
function residuals(apply: (v: Float64Array) => Float64Array, b: Float64Array, x: Float64Array, shift = 0) {
  const shifted = (v: Float64Array) => apply(v).map((avi, i) => avi - shift * v[i]);
  const ax = shifted(x);
  const r = b.map((bi, i) => bi - ax[i]);
  return { residualNorm: norm2(r), normalResidualNorm: norm2(shifted(r)) };
}

/** n eigenvalues cycling through `levels`, after `zeros` exact zeros and the given `tiny` ones. */
function clusteredSpectrum(n: number, levels: readonly number[], zeros: number, tiny: readonly number[] = []): number[] {
  return Array.from({ length: n }, (_, i) =>
    i < zeros ? 0 : i < zeros + tiny.length ? tiny[i - zeros] : levels[i % levels.length],
  );
}

const LEVELS = [-3, -1, -0.5, 0.7, 1, 2, 4];

describe('minresQlp on nonsingular systems', () => {
  it('solves a well-conditioned SPD system to ~1e-10', () => {
    const lambda = Array.from({ length: 40 }, (_, i) => 1 + (9 * i) / 39);
    const problem = spectralProblem(lambda, 1);
    const b = normalVector(40, 2);
    const result = minresQlp(problem.apply, b, { rtol: 1e-13 });
    expect(result.stop).toBe('x solves Ax=b (rtol)');
    expect(result.flag).toBe(1);
    expect(result.qlpIterations).toBe(0);
    expect(relativeError(result.x, problem.pseudoInverseTimes(b))).toBeLessThan(1e-10);
  });

  it('solves an indefinite system to ~1e-10', () => {
    const lambda = Array.from({ length: 40 }, (_, i) => (i % 2 ? -1 : 1) * (0.5 + (4.5 * i) / 39));
    const problem = spectralProblem(lambda, 3);
    const b = normalVector(40, 4);
    // Lost orthogonality in Lanczos costs extra iterations on a spread spectrum.
    const result = minresQlp(problem.apply, b, { rtol: 1e-13, maxit: 200 });
    expect(result.stop).toBe('x solves Ax=b (rtol)');
    expect(relativeError(result.x, problem.pseudoInverseTimes(b))).toBeLessThan(1e-10);
  });

  it('gives the same iterates with QLP updates from the start, and after a mid-run transfer', () => {
    const lambda = Array.from({ length: 30 }, (_, i) => (i % 3 ? 1 : -1) * (0.2 + i / 10));
    const problem = spectralProblem(lambda, 5);
    const b = normalVector(30, 6);
    for (const maxit of [1, 2, 3, 7, 20]) {
      const minres = minresQlp(problem.apply, b, { rtol: 0, maxit });
      expect(minres.qlpIterations).toBe(0);
      for (const trancond of [1, 2, 5]) {
        const qlp = minresQlp(problem.apply, b, { rtol: 0, maxit, trancond });
        expect(qlp.iterations).toBe(maxit);
        if (trancond === 1) expect(qlp.qlpIterations).toBe(maxit);
        expect(relativeError(qlp.x, minres.x)).toBeLessThan(1e-12);
      }
    }
    // The condition estimate passes 2 a few iterations in: MINRES iterations, the transfer, then QLP ones.
    const mixed = minresQlp(problem.apply, b, { rtol: 0, maxit: 20, trancond: 2 });
    expect(mixed.qlpIterations).toBeGreaterThan(0);
    expect(mixed.qlpIterations).toBeLessThan(20);
  });
});

describe('minresQlp on singular systems', () => {
  it('returns A⁺b for a compatible system (b in range(A)), orthogonal to null(A)', () => {
    const lambda = Array.from({ length: 50 }, (_, i) => (i < 5 ? 0 : (i % 2 ? -1 : 1) * (0.5 + i / 10)));
    const problem = spectralProblem(lambda, 7);
    const b = problem.apply(normalVector(50, 8));
    const result = minresQlp(problem.apply, b, { rtol: 1e-13, maxit: 200 });
    expect(result.stop).toBe('x solves Ax=b (rtol)');
    const expected = problem.pseudoInverseTimes(b);
    expect(relativeError(result.x, expected)).toBeLessThan(1e-9);
    expect(problem.nullComponentNorm(result.x)).toBeLessThan(1e-10 * norm2(expected));
  });

  describe('incompatible (b has a null-space component)', () => {
    const lambda = clusteredSpectrum(80, LEVELS, 6);

    it.each([
      ['acondlim 1e10', { acondlim: 1e10 }],
      ["Frye's settings", FRYE],
    ])('returns the minimum-length least-squares solution A⁺b (%s)', (_, options) => {
      for (const seed of [10, 11, 12]) {
        const problem = spectralProblem(lambda, seed);
        const b = normalVector(80, seed + 100);
        const result = minresQlp(problem.apply, b, options);
        expect(result.stop).toBe('x is a least-squares solution (rtol)');
        const expected = problem.pseudoInverseTimes(b);
        expect(relativeError(result.x, expected)).toBeLessThan(1e-10);
        expect(problem.nullComponentNorm(result.x)).toBeLessThan(1e-10 * norm2(expected));
        // The residual is b's null-space part, and A annihilates it.
        expect(result.residualNorm).toBeCloseTo(problem.nullComponentNorm(b), 10);
        expect(result.normalResidualNorm).toBeLessThan(1e-10 * result.anorm * result.residualNorm);
      }
    });

    it('removes the null-space drift that the MINRES iterates carry', () => {
      const problem = spectralProblem(lambda, 10);
      const b = normalVector(80, 110);
      const solved = minresQlp(problem.apply, b, { acondlim: 1e10 });
      // One step earlier the iterate is MINRES's, and its null-space component is of the order of b's.
      const before = minresQlp(problem.apply, b, { acondlim: 1e10, maxit: solved.iterations - 1 });
      expect(before.stop).toBe('maxit reached');
      expect(before.qlpIterations).toBe(0);
      expect(problem.nullComponentNorm(before.x)).toBeGreaterThan(1e-2 * problem.nullComponentNorm(b));
      expect(solved.qlpIterations).toBeGreaterThan(0);
      expect(problem.nullComponentNorm(solved.x)).toBeLessThan(1e-12 * norm2(solved.x));
    });

    it('enters the QLP phase and still finds A⁺b with eigenvalues near 1e-8‖A‖ beside the zeros', () => {
      // ‖A‖ = 4, so these are 2.5e-8‖A‖ to 7.5e-8‖A‖, and ‖A⁺b‖ is of order 1e7.
      const withTiny = clusteredSpectrum(80, LEVELS, 6, [1e-7, -2e-7, 3e-7]);
      for (const seed of [20, 21, 22]) {
        const problem = spectralProblem(withTiny, seed);
        const b = normalVector(80, seed + 100);
        // rtol well below ‖P_null b‖/(‖A‖‖A⁺b‖), or the relative-residual test passes on the way.
        const result = minresQlp(problem.apply, b, { rtol: 1e-11, maxxnorm: 1e10, acondlim: 1e10 });
        expect(result.qlpIterations).toBeGreaterThan(0);
        // The pivot that closes the system is below ‖A‖/acondlim: its direction is left out.
        expect(result.stop).toBe('A is ill-conditioned (acondlim)');
        const expected = problem.pseudoInverseTimes(b);
        expect(relativeError(result.x, expected)).toBeLessThan(1e-5);
        expect(problem.nullComponentNorm(result.x)).toBeLessThan(1e-6 * norm2(expected));
        expect(result.residualNorm / problem.nullComponentNorm(b) - 1).toBeLessThan(1e-4);
        expect(result.normalResidualNorm).toBeLessThan(1e-3 * result.anorm * result.residualNorm);
      }
    });
  });
});

describe('minresQlp reports', () => {
  it('residual norms that match recomputed ‖b − Ax‖ and ‖A(b − Ax)‖, and consistent estimates', () => {
    const cases: { lambda: number[]; options: MinresQlpOptions }[] = [
      { lambda: Array.from({ length: 30 }, (_, i) => 1 + i), options: { maxit: 10 } },
      { lambda: clusteredSpectrum(60, LEVELS, 4), options: FRYE },
      { lambda: Array.from({ length: 40 }, (_, i) => (i % 2 ? -2 : 3) + i / 50), options: {} },
    ];
    cases.forEach(({ lambda, options }, index) => {
      const problem = spectralProblem(lambda, 30 + index);
      const b = normalVector(lambda.length, 40 + index);
      const result = minresQlp(problem.apply, b, options);
      const recomputed = residuals(problem.apply, b, result.x);
      expect(result.residualNorm).toBeCloseTo(recomputed.residualNorm, 12);
      expect(result.normalResidualNorm).toBeCloseTo(recomputed.normalResidualNorm, 12);
      expect(result.xnorm).toBe(norm2(result.x));
      // ‖A‖ is estimated from below; cond(A) on the Krylov subspace from below too.
      const spectralNorm = Math.max(...lambda.map(Math.abs));
      expect(result.anorm).toBeLessThanOrEqual(spectralNorm * (1 + 1e-12));
      expect(result.anorm).toBeGreaterThan(0.5 * spectralNorm);
      expect(result.acond).toBeGreaterThanOrEqual(1);
    });
  });

  it('a stop test that agrees with the recomputed residuals', () => {
    const problem = spectralProblem(Array.from({ length: 30 }, (_, i) => 1 + i / 3), 50);
    const b = normalVector(30, 51);
    const rtol = 1e-6;
    const result = minresQlp(problem.apply, b, { rtol });
    expect(result.stop).toBe('x solves Ax=b (rtol)');
    // relres = ‖r‖/(‖A‖‖x‖ + ‖b‖) from the recurrence; the recomputed value must agree closely.
    const relres = result.residualNorm / (result.anorm * result.xnorm + norm2(b));
    expect(relres).toBeLessThanOrEqual(rtol * (1 + 1e-3));
  });
});

describe('minresQlp stops', () => {
  const lambda = Array.from({ length: 30 }, (_, i) => (i % 2 ? -1 : 1) * (1 + i / 4));
  const problem = spectralProblem(lambda, 60);
  const b = normalVector(30, 61);

  it('at maxit', () => {
    const result = minresQlp(problem.apply, b, { maxit: 3 });
    expect(result.stop).toBe('maxit reached');
    expect(result.flag).toBe(8);
    expect(result.iterations).toBe(3);
  });

  it('when ‖x‖ would exceed maxxnorm', () => {
    // A compatible system whose solution is long because of one small eigenvalue.
    const small = spectralProblem(Array.from({ length: 30 }, (_, i) => (i === 0 ? 1e-6 : 1 + i)), 62);
    const long = small.fromEigen(Float64Array.from({ length: 30 }, (_, i) => (i === 0 ? 1e-3 : 1)));
    expect(norm2(small.pseudoInverseTimes(long))).toBeGreaterThan(900);
    const result = minresQlp(small.apply, long, { maxxnorm: 100, rtol: 1e-12 });
    expect(result.stop).toBe('xnorm exceeded maxxnorm');
    expect(result.flag).toBe(6);
    expect(result.xnorm).toBeLessThan(100);
  });

  it('when the condition estimate reaches acondlim', () => {
    const illConditioned = spectralProblem(Array.from({ length: 30 }, (_, i) => (i === 0 ? 1e-9 : 1 + i)), 63);
    const rhs = normalVector(30, 64);
    const result = minresQlp(illConditioned.apply, rhs, { acondlim: 1e4, rtol: 1e-12 });
    expect(result.stop).toBe('A is ill-conditioned (acondlim)');
    expect(result.flag).toBe(7);
    expect(result.acond).toBeGreaterThanOrEqual(1e4);
    // The near-null direction is treated as null: x stays short instead of growing like 1/1e-9.
    expect(result.xnorm).toBeLessThan(100);
  });

  it('at once with x = 0 when b = 0 or Ab = 0', () => {
    const zero = minresQlp(problem.apply, new Float64Array(30));
    expect(zero.stop).toBe('x = 0 is exact: b is zero or (A − σI)b = 0');
    expect(zero.flag).toBe(0);
    expect(zero.iterations).toBe(0);
    expect(Array.from(zero.x)).toEqual(new Array(30).fill(0));

    const inNull = minresQlp(diagonalProduct([0, 2, 3]), Float64Array.of(5, 0, 0));
    expect(inNull.flag).toBe(0);
    expect(Array.from(inNull.x)).toEqual([0, 0, 0]);
    expect(inNull.residualNorm).toBe(5);
  });

  it('at once with x = b/λ when b is an eigenvector', () => {
    const result = minresQlp(diagonalProduct([4, 2, 3]), Float64Array.of(0, 6, 0));
    expect(result.stop).toBe('b is an eigenvector of A');
    expect(result.flag).toBe(-1);
    expect(Array.from(result.x)).toEqual([0, 3, 0]);
    expect(result.residualNorm).toBe(0);
  });
});

describe('minresQlp with a shift', () => {
  const lambda = Array.from({ length: 40 }, (_, i) => 1 + i / 4);

  it('solves (A − σI)x = b for σ inside the spectrum', () => {
    const problem = spectralProblem(lambda, 70);
    const b = normalVector(40, 71);
    const shift = 3.1; // between the eigenvalues 3 and 3.25: indefinite, nonsingular
    const result = minresQlp(problem.apply, b, { shift, rtol: 1e-13, maxit: 200 });
    expect(result.stop).toBe('x solves Ax=b (rtol)');
    expect(relativeError(result.x, problem.pseudoInverseTimes(b, shift))).toBeLessThan(1e-9);
    const recomputed = residuals(problem.apply, b, result.x, shift);
    expect(result.residualNorm).toBeCloseTo(recomputed.residualNorm, 12);
  });

  it('returns the minimum-length solution when σ is an eigenvalue', () => {
    const problem = spectralProblem(clusteredSpectrum(60, LEVELS, 0), 72);
    const b = normalVector(60, 73);
    const shift = 2; // one of the levels: A − 2I is singular and b is not in its range
    const result = minresQlp(problem.apply, b, { shift, acondlim: 1e10 });
    expect(result.stop).toBe('x is a least-squares solution (rtol)');
    const expected = problem.pseudoInverseTimes(b, shift);
    expect(relativeError(result.x, expected)).toBeLessThan(1e-10);
    expect(problem.nullComponentNorm(result.x, shift)).toBeLessThan(1e-10 * norm2(expected));
  });
});

describe('minresQlp at the bench size', () => {
  it('solves a 552×552 dense symmetric indefinite system', () => {
    const n = 552;
    const rng = createRng(552);
    const matrix = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) matrix[i * n + j] = matrix[j * n + i] = rng.normal() / Math.sqrt(n);
    }
    const apply = denseOperator(matrix, n);
    const solution = normalVector(n, 553);
    const b = apply(solution);
    const result = minresQlp(apply, b, { rtol: 1e-7, maxit: 3 * n });
    expect(result.stop).toBe('x solves Ax=b (rtol)');
    expect(relativeError(result.x, solution)).toBeLessThan(1e-4);
  });
});

describe('minresQlp input checks', () => {
  const apply = (v: Float64Array) => v.map((vi) => 2 * vi);

  it('rejects bad options and a product of the wrong length', () => {
    const b = Float64Array.of(1, 2);
    expect(() => minresQlp(apply, b, { maxit: 0 })).toThrow(RangeError);
    expect(() => minresQlp(apply, b, { rtol: -1 })).toThrow(RangeError);
    expect(() => minresQlp(apply, b, { acondlim: 0 })).toThrow(RangeError);
    expect(() => minresQlp(apply, b, { shift: Number.NaN })).toThrow(RangeError);
    expect(() => minresQlp(() => new Float64Array(3), b)).toThrow(/length 3/);
    expect(() => minresQlp(() => Float64Array.of(Number.NaN, 0), b)).toThrow(/non-finite/);
  });
});
