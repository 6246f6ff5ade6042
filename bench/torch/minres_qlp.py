"""MINRES-QLP on torch tensors: a line-by-line mirror of numerics/minres-qlp.ts (itself a port of Choi and
Saunders' minresqlp.m, version 2, with the departures listed there), so that the torch side of the
Newton-MR workload runs the same algorithm as ours: the same Lanczos recurrence, reflections, MINRES and
QLP updates, stopping tests and final norms. Scalars are Python floats, vectors float64 tensors; `apply`
is the Hessian-vector product. Names follow the TypeScript (a trailing 1 or 2 is the value of iteration
k − 1 or k − 2). Unpreconditioned; the solve of Hp = −g in Newton-MR (Frye's thesis, Alg. 13).
"""

import math
import sys

import torch

EPS = sys.float_info.epsilon
REALMIN = 2.2250738585072014e-308
RUNNING = -2
ZERO_PIVOT = 9


def sign(x):
    return (x > 0) - (x < 0)


def sym_ortho(a, b):
    """The reflection [c s; s −c] mapping (a, b) to (r, 0), r ≥ 0, as symOrtho."""
    if b == 0:
        return (1 if a == 0 else sign(a)), 0.0, abs(a)
    if a == 0:
        return 0.0, sign(b), abs(b)
    if abs(b) > abs(a):
        t = a / b
        s = sign(b) / math.sqrt(1 + t * t)
        return s * t, s, b / s
    t = b / a
    c = sign(a) / math.sqrt(1 + t * t)
    return c, c * t, a / c


def minres_qlp(apply, b, rtol, maxit, maxxnorm, acondlim, trancond, shift=0.0):
    n = b.numel()
    beta1 = torch.linalg.vector_norm(b).item()
    zero = torch.zeros(n, dtype=b.dtype)
    if beta1 == 0:
        return {"x": zero, "flag": 0, "iterations": 0, "qlpIterations": 0, "residualNorm": 0.0, "normalResidualNorm": 0.0, "anorm": 0.0, "acond": 1.0, "xnorm": 0.0}

    flag = RUNNING
    it = 0
    qlp_it = 0
    r1 = zero.clone()
    r2 = b.clone()
    beta = 0.0
    beta_next = beta1
    cq, sq, cadj, sadj, cskip, sskip = -1.0, 0.0, -1.0, 0.0, -1.0, 0.0
    delta_next = epsilon_next = 0.0
    gamma = gamma1 = gamma2 = 0.0
    theta = theta1 = theta2 = 0.0
    eta = eta1 = eta2 = 0.0
    tau = tau1 = tau2 = 0.0
    phi = beta1
    mu = mu1 = mu2 = mu3 = 0.0
    xsettled_norm = xnorm = 0.0
    rnorm = beta1
    anorm = 0.0
    acond = 1.0
    gmin = gmin1 = 0.0
    relres = 1.0
    relres_prev = relares_prev = 0.0
    gamma1_transfer = theta_transfer = gamma_transfer = mu1_transfer = mu_transfer = 0.0

    x = zero.clone()
    xsettled = zero.clone()
    w = zero.clone()
    w1 = zero.clone()
    w2 = zero.clone()

    while flag == RUNNING and it < maxit:
        it += 1
        beta_prev = beta
        beta = beta_next
        v = r2 / beta
        av = apply(v)
        back = beta / beta_prev if it > 1 else 0.0
        r3 = av - shift * v - back * r1
        alpha = torch.dot(r3, v).item()
        r3 = r3 - (alpha / beta) * r2
        r1 = r2
        r2 = r3
        beta_next = torch.linalg.vector_norm(r3).item()
        if not (math.isfinite(alpha) and math.isfinite(beta_next)):
            raise ValueError("apply returned non-finite values")
        if it == 1 and beta_next == 0:
            flag = 0 if alpha == 0 else -1
            if alpha != 0:
                x = b / alpha
            anorm = abs(alpha)
            break
        column_norm = math.sqrt((beta * beta if it > 1 else 0.0) + alpha * alpha + beta_next * beta_next)

        delta_bar = delta_next
        delta = cq * delta_bar + sq * alpha
        epsilon = epsilon_next
        gamma_bar = sq * delta_bar - cq * alpha
        epsilon_next = sq * beta_next
        delta_next = -cq * beta_next
        r_delta = delta

        gamma2 = gamma1
        gamma1 = gamma
        cq, sq, gamma = sym_ortho(gamma_bar, beta_next)
        r_gamma = gamma
        tau2 = tau1
        tau1 = tau
        tau = cq * phi
        phi = sq * phi

        if it > 2:
            theta2 = theta1
            eta2 = eta1
            eta1 = eta
            delta_rotated = sskip * theta - cskip * delta
            theta1 = cskip * theta + sskip * delta
            delta = delta_rotated
            eta = sskip * gamma
            gamma = -cskip * gamma
        if it > 1:
            cadj, sadj, gamma1 = sym_ortho(gamma1, delta)
            theta = sadj * gamma
            gamma = -cadj * gamma

        mu4 = mu3
        mu3 = mu2
        if it > 2:
            mu2 = (tau2 - eta2 * mu4 - theta2 * mu3) / gamma2
        if it > 1:
            mu1 = (tau1 - eta1 * mu3 - theta1 * mu2) / gamma1
        xnorm_without_mu = math.hypot(xsettled_norm, mu2, mu1)
        like_least_squares = relres_prev >= relares_prev
        abs_gamma = abs(gamma)
        anorm_so_far = max(anorm, column_norm, gamma1, abs_gamma)
        pivot_is_zero = abs_gamma <= REALMIN or abs_gamma * acondlim <= anorm_so_far
        if not pivot_is_zero and xnorm_without_mu < maxxnorm:
            mu = (tau - eta * mu2 - theta * mu1) / gamma
            if like_least_squares and math.hypot(xnorm_without_mu, mu) > maxxnorm:
                mu = 0.0
                flag = 6
        else:
            mu = 0.0
            flag = ZERO_PIVOT
        xsettled_norm = math.hypot(xsettled_norm, mu2)
        xnorm = math.hypot(xsettled_norm, mu1, mu)

        if acond < trancond and flag == RUNNING and qlp_it == 0:
            # MINRES: d_k = (v_k − ε_k d_{k−2} − δ_k d_{k−1}) / γ_k and x_k = x_{k−1} + τ_k d_k.
            w2, w1 = w1, w
            w = (v - epsilon * w2 - r_delta * w1) / r_gamma
            if xnorm < maxxnorm:
                x = x + tau * w
            else:
                flag = 6
        else:
            qlp_it += 1
            if qlp_it == 1:
                xsettled = zero.clone()
                if it > 1:
                    if it > 2:
                        w1 = gamma1_transfer * w1 + theta_transfer * w
                    w = w * gamma_transfer
                    xsettled = x - w1 * mu1_transfer - w * mu_transfer
            if it == 1:
                w2 = w1
                w1 = v * sadj
                w = -v * cadj
            elif it == 2:
                newer = w
                w2 = w1
                w1 = newer * cadj + v * sadj
                w = newer * sadj - v * cadj
            else:
                older = w1
                newer = w
                skipped = older * sskip - v * cskip
                w2 = older * cskip + v * sskip
                w1 = newer * cadj + skipped * sadj
                w = newer * sadj - skipped * cadj
            xsettled = xsettled + w2 * mu2
            x = xsettled + w1 * mu1 + w * mu

        gamma1_transfer = gamma1
        cskip, sskip, gamma1 = sym_ortho(gamma1, epsilon_next)
        theta_transfer = theta
        gamma_transfer = gamma
        mu1_transfer = mu1
        mu_transfer = mu

        anorm = max(anorm, column_norm, gamma1, abs_gamma)
        if it == 1:
            gmin = gamma
            gmin1 = gmin
        else:
            gmin2 = gmin1
            gmin1 = gmin
            gmin = min(gmin2, gamma1, abs_gamma)
        acond = anorm / gmin
        relres_prev = relres
        if flag != ZERO_PIVOT:
            rnorm = phi
        relres = rnorm / (anorm * xnorm + beta1)
        relares_prev = math.hypot(gamma_bar, delta_next) / anorm

        if flag in (RUNNING, ZERO_PIVOT):
            if it >= maxit:
                flag = 8
            if flag == ZERO_PIVOT or acond >= acondlim:
                flag = 7
            if xnorm >= maxxnorm:
                flag = 6
            if anorm * xnorm * EPS >= beta1:
                flag = 5
            if 1 + relares_prev <= 1:
                flag = 4
            if 1 + relres <= 1:
                flag = 3
            if relares_prev <= rtol:
                flag = 2
            if relres <= rtol:
                flag = 1

    ax = apply(x)
    r = b - ax + shift * x
    ar = apply(r)
    return {
        "x": x,
        "flag": flag,
        "iterations": it,
        "qlpIterations": qlp_it,
        "residualNorm": torch.linalg.vector_norm(r).item(),
        "normalResidualNorm": torch.linalg.vector_norm(ar - shift * r).item(),
        "anorm": anorm,
        "acond": acond,
        "xnorm": torch.linalg.vector_norm(x).item(),
    }
