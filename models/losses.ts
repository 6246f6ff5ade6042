/**
 * Data losses of network outputs f (n×d row-major) against targets y (n×d), with their gradient and
 * Hessian-vector product with respect to f. The l2 penalty of `LossSpec` acts on parameters, so the
 * objective adds it, not this module.
 *
 *   sse             = Σ_s Σ_j (f_sj − y_sj)²
 *   mse             = sse / (n·d)                       (mean over all entries)
 *   softmax-ce-sum  = −Σ_s Σ_j y_sj · log softmax(f_s)_j
 *   softmax-ce-mean = softmax-ce-sum / n
 *   sigmoid-sse     = Σ_s Σ_j (σ(f_sj) − y_sj)²           (sigmoid output units, e.g. Hamey's XOR net)
 *
 * Cross-entropy targets need not be one-hot or sum to one: with m_s = Σ_j y_sj the per-row gradient is
 * m_s·p − y and the Hessian m_s·(diag p − p pᵀ). log-softmax is computed as f_j − logsumexp(f) with the
 * row maximum subtracted, so finite logits never overflow. Non-finite outputs give NaN/Inf, not throws.
 */

export const LOSS_KINDS = ['sse', 'mse', 'softmax-ce-sum', 'softmax-ce-mean', 'sigmoid-sse'] as const;
export type LossKind = (typeof LOSS_KINDS)[number];

export interface LossSpec {
  kind: LossKind;
  /** Coefficient of the penalty l2·‖θ‖² added to the data loss; default 0. */
  l2?: number;
}

/** Data loss of outputs f against targets y, both n×d. */
export function lossValue(kind: LossKind, f: Float64Array, y: Float64Array, n: number, d: number): number {
  if (kind === 'sigmoid-sse') {
    let sum = 0;
    for (let k = 0, m = n * d; k < m; k++) {
      const r = sigmoid(f[k]) - y[k];
      sum += r * r;
    }
    return sum;
  }
  if (kind === 'sse' || kind === 'mse') {
    let sum = 0;
    for (let k = 0, m = n * d; k < m; k++) {
      const r = f[k] - y[k];
      sum += r * r;
    }
    return sum * squaredErrorScale(kind, n, d);
  }
  let sum = 0;
  for (let s = 0; s < n; s++) {
    const row = s * d;
    const lse = logSumExp(f, row, d);
    for (let j = 0; j < d; j++) sum += y[row + j] * (lse - f[row + j]);
  }
  return sum * crossEntropyScale(kind, n);
}

/**
 * Returns the data loss and writes ∂loss/∂f (n×d) into `gradient`. For the cross-entropies it also
 * writes the row softmax p = softmax(f_s) into `probabilities` when given, for `lossHvp` to reuse.
 */
export function lossGradient(
  kind: LossKind,
  f: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  gradient: Float64Array,
  probabilities?: Float64Array,
): number {
  if (kind === 'sigmoid-sse') {
    let sum = 0;
    for (let k = 0, m = n * d; k < m; k++) {
      const p = sigmoid(f[k]);
      const r = p - y[k];
      sum += r * r;
      gradient[k] = 2 * r * p * (1 - p);
    }
    return sum;
  }
  if (kind === 'sse' || kind === 'mse') {
    const scale = squaredErrorScale(kind, n, d);
    let sum = 0;
    for (let k = 0, m = n * d; k < m; k++) {
      const r = f[k] - y[k];
      sum += r * r;
      gradient[k] = 2 * scale * r;
    }
    return sum * scale;
  }
  const scale = crossEntropyScale(kind, n);
  const p = probabilities ?? gradient;
  let sum = 0;
  for (let s = 0; s < n; s++) {
    const row = s * d;
    const lse = softmaxRow(f, row, d, p);
    let mass = 0;
    for (let j = 0; j < d; j++) {
      sum += y[row + j] * (lse - f[row + j]);
      mass += y[row + j];
    }
    for (let j = 0; j < d; j++) gradient[row + j] = scale * (mass * p[row + j] - y[row + j]);
  }
  return sum * scale;
}

/**
 * Writes (∂²loss/∂f²)·u into `result` (all n×d). `probabilities`, the row softmax of f that
 * `lossGradient` wrote, saves recomputing it (cross-entropies only; same values either way).
 */
export function lossHvp(
  kind: LossKind,
  f: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  u: Float64Array,
  result: Float64Array,
  probabilities?: Float64Array,
): void {
  if (kind === 'sigmoid-sse') {
    // d²/df² (σ − y)² = 2σ'² + 2(σ − y)σ'', with σ' = σ(1 − σ) and σ'' = σ'(1 − 2σ); diagonal in f.
    for (let k = 0, m = n * d; k < m; k++) {
      const p = sigmoid(f[k]);
      const dp = p * (1 - p);
      result[k] = (2 * dp * dp + 2 * (p - y[k]) * dp * (1 - 2 * p)) * u[k];
    }
    return;
  }
  if (kind === 'sse' || kind === 'mse') {
    const c = 2 * squaredErrorScale(kind, n, d);
    for (let k = 0, m = n * d; k < m; k++) result[k] = c * u[k];
    return;
  }
  const scale = crossEntropyScale(kind, n);
  // Per row: m·(p ⊙ u − p·(pᵀu)). Without `probabilities`, p is staged in `result`.
  const p = probabilities ?? result;
  for (let s = 0; s < n; s++) {
    const row = s * d;
    if (!probabilities) softmaxRow(f, row, d, result);
    let mass = 0;
    let pu = 0;
    for (let j = 0; j < d; j++) {
      pu += p[row + j] * u[row + j];
      mass += y[row + j];
    }
    const c = scale * mass;
    for (let j = 0; j < d; j++) result[row + j] = c * p[row + j] * (u[row + j] - pu);
  }
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

// Means are taken as products with a reciprocal so that every function here scales identically.
function squaredErrorScale(kind: 'sse' | 'mse', n: number, d: number): number {
  return kind === 'mse' ? 1 / (n * d) : 1;
}

function crossEntropyScale(kind: 'softmax-ce-sum' | 'softmax-ce-mean', n: number): number {
  return kind === 'softmax-ce-mean' ? 1 / n : 1;
}

/**
 * Writes softmax(v[offset … offset+d)) into p at the same offsets, as e_j·(1/Σe), e_j = exp(v_j − max)
 * (one exp per entry), and returns log Σ_j exp(v_j) = max + log Σe. The maximum is subtracted so finite
 * inputs never overflow; NaN if any entry is NaN or +Inf.
 */
function softmaxRow(v: Float64Array, offset: number, d: number, p: Float64Array): number {
  let max = -Infinity;
  for (let j = 0; j < d; j++) if (v[offset + j] > max) max = v[offset + j];
  let sum = 0;
  for (let j = 0; j < d; j++) {
    const e = Math.exp(v[offset + j] - max);
    p[offset + j] = e;
    sum += e;
  }
  const inverse = 1 / sum;
  for (let j = 0; j < d; j++) p[offset + j] *= inverse;
  return max + Math.log(sum);
}

/**
 * log Σ_j exp(v[offset + j]) over d entries, shifted by the maximum so finite inputs never overflow;
 * NaN if any entry is NaN or +Inf.
 */
function logSumExp(v: Float64Array, offset: number, d: number): number {
  let max = -Infinity;
  for (let j = 0; j < d; j++) if (v[offset + j] > max) max = v[offset + j];
  let sum = 0;
  for (let j = 0; j < d; j++) sum += Math.exp(v[offset + j] - max);
  return max + Math.log(sum);
}
