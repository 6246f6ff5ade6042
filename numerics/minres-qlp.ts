/**
 * MINRES-QLP: the minimum-length least-squares solution of a symmetric, possibly singular and
 * possibly incompatible system (A − σI)x ≈ b, i.e. x → (A − σI)⁺b.
 *
 *   S.-C. T. Choi, C. C. Paige, M. A. Saunders, "MINRES-QLP: a Krylov subspace method for indefinite
 *   or singular symmetric systems", SIAM J. Sci. Comput. 33(4), 1810–1836, 2011.
 *   S.-C. T. Choi, M. A. Saunders, "Algorithm 937: MINRES-QLP for symmetric and Hermitian linear
 *   equations and least-squares problems", ACM TOMS 40(2), 2014.
 *
 * A port of the authors' minresqlp.m (version 2), unpreconditioned. Iteration k runs one Lanczos step
 * (A − σI)V_k = V_{k+1}T̄_k, extends the QR factorisation Q_k T̄_k = [R_k; 0] by one left reflection,
 * and extends the QLP factorisation R_k P_k = L_k by two right reflections: P_{k−2,k}, which finishes
 * column k−2, and P_{k−1,k}. While the estimate of cond(A) is below `trancond` the iterate is updated
 * as in MINRES, x_k = x_{k−1} + τ_k d_k with D_k = V_k R_k⁻¹; from then on it is x_k = W_k μ_k with
 * W_k = V_k P_k and L_k μ_k = τ, which keeps x away from the huge components that MINRES puts along
 * nearly-null directions. Only the last three columns of W and μ change per iteration, so
 * x_k = x⁽²⁾_{k−2} + μ_{k−1}w_{k−1} + μ_k w_k with a settled part x⁽²⁾ (`xSettled`).
 *
 * Where this port departs from minresqlp.m:
 * - MINRES updates are used until the condition estimate reaches `trancond`, as minresqlp.m's help
 *   describes; its code tests `flag ~= flag0` there, which makes every iteration a QLP one.
 * - A pivot of L_k at most ‖A‖/acondlim counts as zero (minresqlp.m: at most realmin), so `acondlim`
 *   is also the numerical-rank threshold. Without this, incompatible systems often go unsolved in
 *   floating point: the pivot that closes them comes out near 1e-12‖A‖ instead of 0, and dividing by
 *   it puts a large null-space component into x.
 * - ‖A‖ is estimated with the norm of column k of T̄_k, ‖(β_k, α_k, β_{k+1})‖ = ‖(A − σI)v_k‖;
 *   minresqlp.m takes β_{k−1} in place of β_k (and drops it for k ≤ 2).
 * - `iterations` counts every Lanczos step; minresqlp.m subtracts one after flags 2, 4, 6 and 7 (and
 *   reports the previous iteration's cond and residual estimates there).
 *
 * Naming: scalars follow the paper; a trailing 1 or 2 means the value of iteration k − 1 or k − 2
 * (gamma2 = γ_{k−2}, mu1 = μ_{k−1}), and vectors likewise (w1 = w_{k−1}). Each iteration costs one
 * product with A and O(n) work, and the final norms two more products. Used by Newton-MR (C. G. Frye's thesis, Algorithm 13) to solve
 * H p = −g, where the incompatible case (g partly in the kernel of H) is the one that matters.
 */

import { dot, norm2 } from './vector';

export interface MinresQlpOptions {
  /** Stop once ‖r‖/(‖A‖‖x‖ + ‖b‖) or ‖Ar‖/(‖A‖‖r‖) is at most rtol. Default 1e-6 (Frye: 5e-4). */
  rtol?: number;
  /** Iteration limit, ≥ 1. Default n = b.length. */
  maxit?: number;
  /** Bound on ‖x‖. Default 1e7 (Frye: 1e4). */
  maxxnorm?: number;
  /**
   * Bound on the estimate of cond(A − σI) over the Krylov subspace, and the numerical-rank threshold:
   * a pivot of L_k at most ‖A‖/acondlim is treated as zero. Default 1e15 (Frye: 1e7); singular
   * incompatible systems need it well below 1/eps (1e7–1e10), see the module comment.
   */
  acondlim?: number;
  /** Switch from MINRES to QLP updates once the condition estimate reaches this. Default 1e7 (Frye: 1e4). */
  trancond?: number;
  /** Solve (A − σI)x = b for σ = shift. Default 0. */
  shift?: number;
}

/**
 * minresqlp.m's exit flags; see {@link MinresQlpStop} for what each means. Its flag 9 (a zero pivot and
 * no other test passed) cannot end this port: a zero pivot also trips the acondlim test.
 */
export type MinresQlpFlag = -1 | 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/**
 * Why the iteration stopped, one per flag of minresqlp.m:
 *
 * - `b is an eigenvector of A` (−1): (A − σI)b = αb with α ≠ 0, so x = b/α exactly.
 * - `x = 0 is exact: b is zero or (A − σI)b = 0` (0): x = 0 is the minimum-length solution.
 * - `x solves Ax=b (rtol)` (1): ‖r‖ ≤ rtol·(‖A‖‖x‖ + ‖b‖).
 * - `x is a least-squares solution (rtol)` (2): ‖Ar‖ ≤ rtol·‖A‖‖r‖, the test for singular
 *   incompatible systems (Frye's r_H, eq. 3.37, with the estimate of ‖A‖₂ for ‖H‖_F). The
 *   recurrences give ‖Ar‖ one iterate late, so the test is passed by x_{k−1}; x is x_k, as in
 *   minresqlp.m.
 * - `x solves Ax=b (eps)` (3) and `x is a least-squares solution (eps)` (4): as 1 and 2 with the
 *   ratio below machine precision (only reachable when rtol < eps).
 * - `x has converged to an eigenvector` (5): ‖A‖‖x‖·eps ≥ ‖b‖, x is so long that b is rounding error
 *   next to Ax: x is essentially a null vector of A − σI.
 * - `xnorm exceeded maxxnorm` (6): the newest iterate x_k would reach maxxnorm. In a QLP step of a
 *   problem that looks incompatible (relres ≥ relAres) x is x_k without its newest component μ_k w_k;
 *   in a MINRES step x is x_{k−1}; otherwise x is x_k, whose norm may exceed maxxnorm.
 * - `A is ill-conditioned (acondlim)` (7): the estimate of cond(A) reached acondlim. When the newest
 *   pivot caused it, x leaves that pivot's direction out: x is the minimum-length least-squares solution
 *   with the direction treated as null.
 * - `maxit reached` (8).
 */
export type MinresQlpStop =
  | 'b is an eigenvector of A'
  | 'x = 0 is exact: b is zero or (A − σI)b = 0'
  | 'x solves Ax=b (rtol)'
  | 'x is a least-squares solution (rtol)'
  | 'x solves Ax=b (eps)'
  | 'x is a least-squares solution (eps)'
  | 'x has converged to an eigenvector'
  | 'xnorm exceeded maxxnorm'
  | 'A is ill-conditioned (acondlim)'
  | 'maxit reached';

const STOP_BY_FLAG: Record<MinresQlpFlag, MinresQlpStop> = {
  [-1]: 'b is an eigenvector of A',
  0: 'x = 0 is exact: b is zero or (A − σI)b = 0',
  1: 'x solves Ax=b (rtol)',
  2: 'x is a least-squares solution (rtol)',
  3: 'x solves Ax=b (eps)',
  4: 'x is a least-squares solution (eps)',
  5: 'x has converged to an eigenvector',
  6: 'xnorm exceeded maxxnorm',
  7: 'A is ill-conditioned (acondlim)',
  8: 'maxit reached',
};

/** A below means A − σI. */
export interface MinresQlpResult {
  x: Float64Array;
  stop: MinresQlpStop;
  flag: MinresQlpFlag;
  /** Lanczos steps taken. Products with A in all: iterations + 2 (the final norms below), or 0 when b = 0. */
  iterations: number;
  /** Of those, steps that used QLP updates (QLPiter); the rest were MINRES updates. */
  qlpIterations: number;
  /** ‖b − Ax‖, computed directly from the returned x. */
  residualNorm: number;
  /** ‖A(b − Ax)‖, computed directly from the returned x. */
  normalResidualNorm: number;
  /** Estimate of ‖A‖₂ from the recurrences (a lower bound, from the entries of T̄_k and L_k). */
  anorm: number;
  /** Estimate of cond(A) on the Krylov subspace from the recurrences: anorm / min |diag(L_k)|. */
  acond: number;
  /** ‖x‖, computed directly. */
  xnorm: number;
}

interface Reflection {
  c: number;
  s: number;
  /** ‖(a, b)‖. */
  r: number;
}

/**
 * The symmetric reflection [c s; s −c] that maps (a, b) to (r, 0) with r = ‖(a, b)‖ ≥ 0 (SymOrtho in
 * minresqlp.m). Dividing by the larger of |a|, |b| avoids overflow; (0, 0) gives c = 1, s = 0.
 */
function symOrtho(a: number, b: number): Reflection {
  if (b === 0) return { c: a === 0 ? 1 : Math.sign(a), s: 0, r: Math.abs(a) };
  if (a === 0) return { c: 0, s: Math.sign(b), r: Math.abs(b) };
  if (Math.abs(b) > Math.abs(a)) {
    const t = a / b;
    const s = Math.sign(b) / Math.sqrt(1 + t * t);
    return { c: s * t, s, r: b / s };
  }
  const t = b / a;
  const c = Math.sign(a) / Math.sqrt(1 + t * t);
  return { c, s: c * t, r: a / c };
}

const RUNNING = -2;
/** minresqlp.m's flag 9: the newest pivot of L_k counts as zero. Always replaced by a final flag. */
const ZERO_PIVOT = 9;
/** Smallest normal double (MATLAB's realmin): below it a pivot of L counts as zero. */
const REALMIN = 2.2250738585072014e-308;

/**
 * Minimum-length least-squares solution of (A − σI)x ≈ b for symmetric A given only through
 * `apply(v) = A·v` (a Hessian-vector product, say). `apply` must not modify its argument.
 */
export function minresQlp(
  apply: (v: Float64Array) => Float64Array,
  b: Float64Array,
  options: MinresQlpOptions = {},
): MinresQlpResult {
  const n = b.length;
  const rtol = options.rtol ?? 1e-6;
  const maxit = options.maxit ?? n;
  const maxxnorm = options.maxxnorm ?? 1e7;
  const acondlim = options.acondlim ?? 1e15;
  const trancond = options.trancond ?? 1e7;
  const shift = options.shift ?? 0;
  if (!(rtol >= 0)) throw new RangeError(`rtol must be ≥ 0, got ${rtol}`);
  if (!Number.isInteger(maxit) || maxit < 1) throw new RangeError(`maxit must be an integer ≥ 1, got ${maxit}`);
  for (const [name, value] of [['maxxnorm', maxxnorm], ['acondlim', acondlim], ['trancond', trancond]] as const) {
    if (!(value > 0)) throw new RangeError(`${name} must be > 0, got ${value}`);
  }
  if (!Number.isFinite(shift)) throw new RangeError(`shift must be finite, got ${shift}`);
  const beta1 = norm2(b);
  if (!Number.isFinite(beta1)) throw new RangeError('b must be finite');
  if (beta1 === 0) {
    return {
      x: new Float64Array(n),
      stop: STOP_BY_FLAG[0],
      flag: 0,
      iterations: 0,
      qlpIterations: 0,
      residualNorm: 0,
      normalResidualNorm: 0,
      anorm: 0,
      acond: 1,
      xnorm: 0,
    };
  }
  const checkedApply = (v: Float64Array): Float64Array => {
    const av = apply(v);
    if (av.length !== n) throw new RangeError(`apply returned length ${av.length}, expected ${n}`);
    return av;
  };

  let flag: MinresQlpFlag | typeof RUNNING | typeof ZERO_PIVOT = RUNNING;
  let iter = 0;
  let qlpIter = 0;
  // Lanczos vectors, unnormalised: r1 = β_{k−1}v_{k−1} and r2 = β_k v_k on entry to iteration k.
  let r1 = new Float64Array(n);
  let r2 = Float64Array.from(b);
  let beta = 0;
  let betaNext = beta1;
  // Left reflection Q_k; right reflections P_{k−1,k} ("adjacent") and P_{k−2,k} ("skip").
  let cQ = -1;
  let sQ = 0;
  let cAdj = -1;
  let sAdj = 0;
  let cSkip = -1;
  let sSkip = 0;
  // Entries of T̄_k under the reflections: δ̄ and ε of the next column, then γ, ϑ, η of L_k.
  let deltaNext = 0;
  let epsilonNext = 0;
  let gamma = 0;
  let gamma1 = 0;
  let gamma2 = 0;
  let theta = 0;
  let theta1 = 0;
  let theta2 = 0;
  let eta = 0;
  let eta1 = 0;
  let eta2 = 0;
  // τ = (Q_k β₁e₁)_{1..k}, the remainder φ_k (the MINRES residual norm), and μ solving L_k μ = τ.
  let tau = 0;
  let tau1 = 0;
  let tau2 = 0;
  let phi = beta1;
  let mu = 0;
  let mu1 = 0;
  let mu2 = 0;
  let mu3 = 0;
  // ‖μ_{1..k−2}‖, the settled part of ‖x‖, and the running ‖x‖, ‖r‖, ‖A‖, cond(A) estimates.
  let xSettledNorm = 0;
  let xnorm = 0;
  let rnorm = beta1;
  let anorm = 0;
  let acond = 1;
  let gmin = 0;
  let gmin1 = 0;
  let relres = 1;
  // relres and ‖Ar‖/(‖A‖‖r‖) one iterate back (minresqlp.m's relresl, relAresl).
  let relresPrev = 0;
  let relAresPrev = 0;
  // What the MINRES → QLP transfer needs of L_{k−1} and μ.
  let gamma1Transfer = 0;
  let thetaTransfer = 0;
  let gammaTransfer = 0;
  let mu1Transfer = 0;
  let muTransfer = 0;

  let x = new Float64Array(n);
  const xSettled = new Float64Array(n);
  // Columns of D_k (MINRES) or of W_k (QLP), newest in w.
  let w = new Float64Array(n);
  let w1 = new Float64Array(n);
  let w2 = new Float64Array(n);

  while (flag === RUNNING && iter < maxit) {
    // Lanczos: β_{k+1}v_{k+1} = (A − σI)v_k − α_k v_k − β_k v_{k−1}, built in r1's buffer.
    iter++;
    const betaPrev = beta;
    beta = betaNext;
    const v = Float64Array.from(r2, (ri) => ri / beta);
    const av = checkedApply(v);
    const back = iter > 1 ? beta / betaPrev : 0;
    const r3 = r1;
    for (let i = 0; i < n; i++) r3[i] = av[i] - shift * v[i] - back * r1[i];
    const alpha = dot(r3, v);
    const along = alpha / beta;
    for (let i = 0; i < n; i++) r3[i] -= along * r2[i];
    r1 = r2;
    r2 = r3;
    betaNext = norm2(r3);
    if (!Number.isFinite(alpha) || !Number.isFinite(betaNext)) throw new RangeError('apply returned non-finite values');
    if (iter === 1 && betaNext === 0) {
      // K_1 is invariant: (A − σI)b = αb, so x = b/α, or x = 0 when α = 0.
      flag = alpha === 0 ? 0 : -1;
      if (alpha !== 0) x = Float64Array.from(b, (bi) => bi / alpha);
      anorm = Math.abs(alpha);
      break;
    }
    // ‖T̄_k e_k‖ = ‖(A − σI)v_k‖, a lower bound on ‖A − σI‖ (minresqlp.m's pnorm uses β_{k−1}).
    const columnNorm = Math.sqrt((iter > 1 ? beta * beta : 0) + alpha * alpha + betaNext * betaNext);

    // Apply Q_{k−1} to column k of T̄_k and to the top of column k+1.
    const deltaBar = deltaNext;
    let delta = cQ * deltaBar + sQ * alpha;
    const epsilon = epsilonNext;
    const gammaBar = sQ * deltaBar - cQ * alpha;
    epsilonNext = sQ * betaNext;
    deltaNext = -cQ * betaNext;
    // Column k of R_k, which the MINRES update divides through.
    const rDelta = delta;

    // Q_k annihilates β_{k+1}.
    gamma2 = gamma1;
    gamma1 = gamma;
    const left = symOrtho(gammaBar, betaNext);
    cQ = left.c;
    sQ = left.s;
    gamma = left.r;
    const rGamma = gamma;
    tau2 = tau1;
    tau1 = tau;
    tau = cQ * phi;
    phi = sQ * phi;

    // P_{k−2,k}, computed last iteration, finishes column k−2 of L.
    if (iter > 2) {
      theta2 = theta1;
      eta2 = eta1;
      eta1 = eta;
      const deltaRotated = sSkip * theta - cSkip * delta;
      theta1 = cSkip * theta + sSkip * delta;
      delta = deltaRotated;
      eta = sSkip * gamma;
      gamma = -cSkip * gamma;
    }
    // P_{k−1,k} annihilates the (k−1, k) entry.
    if (iter > 1) {
      const right = symOrtho(gamma1, delta);
      cAdj = right.c;
      sAdj = right.s;
      gamma1 = right.r;
      theta = sAdj * gamma;
      gamma = -cAdj * gamma;
    }

    // Forward substitution in L_k μ = τ: μ_{k−2} is now final, μ_{k−1} and μ_k provisional.
    const mu4 = mu3;
    mu3 = mu2;
    if (iter > 2) mu2 = (tau2 - eta2 * mu4 - theta2 * mu3) / gamma2;
    if (iter > 1) mu1 = (tau1 - eta1 * mu3 - theta1 * mu2) / gamma1;
    const xnormWithoutMu = Math.hypot(xSettledNorm, mu2, mu1);
    // Version 2's rule: μ_k is cut at maxxnorm only while the problem looks incompatible.
    const likeLeastSquares = relresPrev >= relAresPrev;
    // The pivot γ_k counts as zero at or below ‖A‖/acondlim (minresqlp.m: at or below realmin): the
    // pivot that closes an incompatible singular system comes out near 1e-12‖A‖, not 0, and dividing
    // by it would put a large null-space component into x.
    const absGamma = Math.abs(gamma);
    const anormSoFar = Math.max(anorm, columnNorm, gamma1, absGamma);
    const pivotIsZero = absGamma <= REALMIN || absGamma * acondlim <= anormSoFar;
    if (!pivotIsZero && xnormWithoutMu < maxxnorm) {
      mu = (tau - eta * mu2 - theta * mu1) / gamma;
      if (likeLeastSquares && Math.hypot(xnormWithoutMu, mu) > maxxnorm) {
        // Dropping w_k is what leaves out the (near-)null direction: x_k stays minimum-length.
        mu = 0;
        flag = 6;
      }
    } else {
      mu = 0;
      flag = ZERO_PIVOT;
    }
    xSettledNorm = Math.hypot(xSettledNorm, mu2);
    xnorm = Math.hypot(xSettledNorm, mu1, mu);

    // minresqlp.m has `flag ~= flag0` here; see the module comment.
    if (acond < trancond && flag === RUNNING && qlpIter === 0) {
      // MINRES: d_k = (v_k − ε_k d_{k−2} − δ_k d_{k−1}) / γ_k and x_k = x_{k−1} + τ_k d_k.
      const oldest = w2;
      w2 = w1;
      w1 = w;
      w = oldest;
      for (let i = 0; i < n; i++) w[i] = (v[i] - epsilon * w2[i] - rDelta * w1[i]) / rGamma;
      if (xnorm < maxxnorm) {
        for (let i = 0; i < n; i++) x[i] += tau * w[i];
      } else {
        flag = 6;
      }
    } else {
      qlpIter++;
      if (qlpIter === 1) {
        // Transfer: the last two columns of W_{k−1} = D_{k−1}L_{k−1}, and x⁽²⁾_{k−3} = x_{k−1} less them.
        // (minresqlp.m also rebuilds w_{k−3}, which the update below overwrites unread.)
        xSettled.fill(0);
        if (iter > 1) {
          if (iter > 2) for (let i = 0; i < n; i++) w1[i] = gamma1Transfer * w1[i] + thetaTransfer * w[i];
          for (let i = 0; i < n; i++) {
            w[i] *= gammaTransfer;
            xSettled[i] = x[i] - w1[i] * mu1Transfer - w[i] * muTransfer;
          }
        }
      }
      // [w_{k−2} w_{k−1} w_k] = [w_{k−2} w_{k−1} v_k] P_{k−2,k} P_{k−1,k}; w_{k−2} is then final.
      if (iter === 1) {
        for (let i = 0; i < n; i++) {
          w2[i] = w1[i];
          w1[i] = v[i] * sAdj;
          w[i] = -v[i] * cAdj;
        }
      } else if (iter === 2) {
        for (let i = 0; i < n; i++) {
          const newer = w[i];
          w2[i] = w1[i];
          w1[i] = newer * cAdj + v[i] * sAdj;
          w[i] = newer * sAdj - v[i] * cAdj;
        }
      } else {
        for (let i = 0; i < n; i++) {
          const older = w1[i];
          const newer = w[i];
          const skipped = older * sSkip - v[i] * cSkip;
          w2[i] = older * cSkip + v[i] * sSkip;
          w1[i] = newer * cAdj + skipped * sAdj;
          w[i] = newer * sAdj - skipped * cAdj;
        }
      }
      for (let i = 0; i < n; i++) {
        xSettled[i] += w2[i] * mu2;
        x[i] = xSettled[i] + w1[i] * mu1 + w[i] * mu;
      }
    }

    // P_{k−1,k+1}, used next iteration, annihilates ε_{k+1}; L_k's γ_{k−1} is kept for a transfer.
    gamma1Transfer = gamma1;
    const skip = symOrtho(gamma1, epsilonNext);
    cSkip = skip.c;
    sSkip = skip.s;
    gamma1 = skip.r;
    thetaTransfer = theta;
    gammaTransfer = gamma;
    mu1Transfer = mu1;
    muTransfer = mu;

    // Estimates. ‖A r_{k−1}‖ = φ_{k−1}‖(γ̄_k, δ̄_{k+1})‖ is known one iterate late.
    anorm = Math.max(anorm, columnNorm, gamma1, absGamma);
    if (iter === 1) {
      gmin = gamma;
      gmin1 = gmin;
    } else {
      const gmin2 = gmin1;
      gmin1 = gmin;
      gmin = Math.min(gmin2, gamma1, absGamma);
    }
    acond = anorm / gmin;
    relresPrev = relres;
    // With μ_k dropped for a singular L_k, x_k's residual stays that of x_{k−1}.
    if (flag !== ZERO_PIVOT) rnorm = phi;
    relres = rnorm / (anorm * xnorm + beta1);
    relAresPrev = Math.hypot(gammaBar, deltaNext) / anorm;

    // Later tests take precedence, as in minresqlp.m.
    if (flag === RUNNING || flag === ZERO_PIVOT) {
      if (iter >= maxit) flag = 8;
      if (flag === ZERO_PIVOT || acond >= acondlim) flag = 7;
      if (xnorm >= maxxnorm) flag = 6;
      if (anorm * xnorm * Number.EPSILON >= beta1) flag = 5;
      if (1 + relAresPrev <= 1) flag = 4;
      if (1 + relres <= 1) flag = 3;
      if (relAresPrev <= rtol) flag = 2;
      if (relres <= rtol) flag = 1;
    }
  }

  // Like minresqlp.m, report norms recomputed from x: in several exits the recurrences describe
  // x_{k−1}, or x_k before its last component was dropped, and rounding makes them drift when A is
  // ill-conditioned. Two more products with A.
  const ax = checkedApply(x);
  const r = Float64Array.from(b, (bi, i) => bi - ax[i] + shift * x[i]);
  const ar = checkedApply(r);
  let normalResidualSquared = 0;
  for (let i = 0; i < n; i++) normalResidualSquared += (ar[i] - shift * r[i]) ** 2;
  const stopFlag = flag as MinresQlpFlag;
  return {
    x,
    stop: STOP_BY_FLAG[stopFlag],
    flag: stopFlag,
    iterations: iter,
    qlpIterations: qlpIter,
    residualNorm: norm2(r),
    normalResidualNorm: Math.sqrt(normalResidualSquared),
    anorm,
    acond,
    xnorm: norm2(x),
  };
}
