/**
 * Summaries of a symmetric matrix's spectrum that the landscape claims score: how the L1 spectral
 * energy Σ|λᵢ| is shared between a ball around 0 and the rest (Ghorbani et al. 2019 §5: "a small ball
 * around 0 accounts for almost 50% of the total L1 energy"), the share of negative eigenvalues, and
 * the spread of magnitudes (Gallagher 2000: ill-conditioning, flat directions).
 *
 * Each summary is given for an exact spectrum (all n eigenvalues, equal weight) and, where the claims
 * need it at sizes beyond a dense eigendecomposition, for stochastic Lanczos quadrature (numerics/
 * density.ts): probe p gives nodes θ and weights τ with Σ τ = 1, and E[Σ τ f(θ)] ≈ (1/n) Σᵢ f(λᵢ) for
 * smooth f. A ratio of two such traces is estimated as the ratio of the probe means, and its standard
 * error by the jackknife over probes (leave one probe out), which is what "the SLQ error" means here:
 * the probe-to-probe sampling error. The quadrature's own bias for the discontinuous indicator
 * 1[|λ| ≤ r] is not in it — it is measured separately against an exact spectrum where one exists.
 */

/** One SLQ draw: Ritz values and their Gauss weights (summing to 1). */
export interface Quadrature {
  nodes: number[];
  weights: number[];
}

/** An estimate with its jackknife standard error over probes (0 for an exact spectrum). */
export interface Estimate {
  value: number;
  standardError: number;
}

/** Σ_{|λ| ≤ radius} |λ| / Σ |λ|: the L1 spectral energy in the closed ball of `radius` around 0. */
export function nearZeroL1Share(values: ArrayLike<number>, radius: number): number {
  return ratioOfSums(values, (v) => (Math.abs(v) <= radius ? Math.abs(v) : 0));
}

/** Σ_{λ < 0} |λ| / Σ |λ|: the L1 spectral energy of the negative eigenvalues. */
export function negativeL1Share(values: ArrayLike<number>): number {
  return ratioOfSums(values, (v) => (v < 0 ? -v : 0));
}

/** The same two shares from SLQ draws, with their jackknife standard errors. */
export function slqNearZeroL1Share(draws: Quadrature[], radius: number): Estimate {
  return jackknifeRatio(draws, (v) => (Math.abs(v) <= radius ? Math.abs(v) : 0));
}

export function slqNegativeL1Share(draws: Quadrature[]): Estimate {
  return jackknifeRatio(draws, (v) => (v < 0 ? -v : 0));
}

/** Median of |λᵢ| (mean of the two middle values for even n). */
export function medianMagnitude(values: ArrayLike<number>): number {
  const sorted = Array.from(values, Math.abs).sort((a, b) => a - b);
  if (sorted.length === 0) throw new RangeError('an empty spectrum has no median');
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Fraction of eigenvalues with |λ| ≤ tolerance · max|λ|: the flat directions, by count. */
export function flatFraction(values: ArrayLike<number>, tolerance: number): number {
  const magnitudes = Array.from(values, Math.abs);
  if (magnitudes.length === 0) throw new RangeError('an empty spectrum has no flat fraction');
  const largest = Math.max(...magnitudes);
  return magnitudes.filter((m) => m <= tolerance * largest).length / magnitudes.length;
}

/** Σ part(λ) / Σ |λ|. */
/** The SLQ draws as one weighted point set: every node with weight τ / draws (total weight 1). */
function pooled(draws: Quadrature[]): { value: number; weight: number }[] {
  if (draws.length === 0) throw new RangeError('no SLQ draws');
  return draws.flatMap(({ nodes, weights }) => nodes.map((value, i) => ({ value, weight: weights[i] / draws.length })));
}

/** The weighted median of |θ| over the pooled SLQ nodes: the smallest |θ| with at least half the weight at or below it. */
export function slqMedianMagnitude(draws: Quadrature[]): number {
  const points = pooled(draws).map((p) => ({ magnitude: Math.abs(p.value), weight: p.weight })).sort((a, b) => a.magnitude - b.magnitude);
  let cumulative = 0;
  for (const p of points) {
    cumulative += p.weight;
    if (cumulative >= 0.5) return p.magnitude;
  }
  return points[points.length - 1].magnitude;
}

/** The pooled SLQ weight of nodes with |θ| ≤ tolerance · max|θ|: the flat fraction as a quadrature estimate. */
export function slqFlatFraction(draws: Quadrature[], tolerance: number): number {
  const points = pooled(draws);
  const largest = Math.max(...points.map((p) => Math.abs(p.value)));
  return points.reduce((s, p) => s + (Math.abs(p.value) <= tolerance * largest ? p.weight : 0), 0);
}

function ratioOfSums(values: ArrayLike<number>, part: (v: number) => number): number {
  let top = 0;
  let bottom = 0;
  for (let i = 0; i < values.length; i++) {
    top += part(values[i]);
    bottom += Math.abs(values[i]);
  }
  if (!(bottom > 0)) throw new RangeError('the spectrum has no L1 energy');
  return top / bottom;
}

/** Ratio of probe means of Σ τ part(θ) and Σ τ |θ|, and its jackknife standard error over probes. */
function jackknifeRatio(draws: Quadrature[], part: (v: number) => number): Estimate {
  if (draws.length === 0) throw new RangeError('no SLQ draws');
  const per = draws.map(({ nodes, weights }) => {
    if (nodes.length !== weights.length) throw new RangeError(`${nodes.length} nodes against ${weights.length} weights`);
    let top = 0;
    let bottom = 0;
    for (let i = 0; i < nodes.length; i++) {
      top += weights[i] * part(nodes[i]);
      bottom += weights[i] * Math.abs(nodes[i]);
    }
    return { top, bottom };
  });
  const sumTop = per.reduce((s, p) => s + p.top, 0);
  const sumBottom = per.reduce((s, p) => s + p.bottom, 0);
  if (!(sumBottom > 0)) throw new RangeError('the spectrum has no L1 energy');
  const value = sumTop / sumBottom;
  const k = draws.length;
  if (k === 1) return { value, standardError: Number.NaN };
  const leaveOneOut = per.map((p) => (sumTop - p.top) / (sumBottom - p.bottom));
  const mean = leaveOneOut.reduce((s, v) => s + v, 0) / k;
  const variance = ((k - 1) / k) * leaveOneOut.reduce((s, v) => s + (v - mean) ** 2, 0);
  return { value, standardError: Math.sqrt(variance) };
}
