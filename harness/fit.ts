/**
 * Fits and shape statistics as pure functions returning plain records (in the manner of tinybench's
 * statistics). Every function validates its input and throws on NaN/Inf, so a bad measurement can never
 * turn silently into a verdict.
 */

export interface PolynomialFit {
  /** Coefficients c0, c1, …, c_degree of c0 + c1·x + … . */
  coefficients: number[];
  /** Coefficient of determination on the fitted data. */
  r2: number;
  /** Standard errors of the coefficients (ordinary least squares, homoscedastic residuals). */
  standardErrors: number[];
  n: number;
}

/** Least-squares polynomial fit of y on x, solved by Householder QR on a centred, scaled design. */
export function polyfit(x: readonly number[], y: readonly number[], degree: number): PolynomialFit {
  assertPairs(x, y, degree + 1, 'polyfit');
  const n = x.length;
  const m = degree + 1;
  // Centre and scale x so the Vandermonde columns are well conditioned, then map coefficients back.
  const { mean: shift, sd } = meanAndSd(x);
  const scale = sd > 0 ? sd : 1;
  const design = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const u = (x[i] - shift) / scale;
    let p = 1;
    for (let j = 0; j < m; j++) {
      design[i * m + j] = p;
      p *= u;
    }
  }
  const { solution, residualSumSquares, rInverse } = leastSquaresQR(design, Float64Array.from(y), n, m);
  const t = basisChange(m, shift, scale);
  const coefficients = applyBasisChange(t, Array.from(solution));
  const totalSumSquares = sumSquaredDeviations(y);
  const r2 = totalSumSquares > 0 ? 1 - residualSumSquares / totalSumSquares : residualSumSquares === 0 ? 1 : 0;
  const sigma2 = n > m ? residualSumSquares / (n - m) : NaN;
  // Cov(c_u) = σ² R⁻¹R⁻ᵀ; Cov(c_x) = T Cov(c_u) Tᵀ. Only the diagonal is needed.
  const standardErrors: number[] = [];
  for (let k = 0; k < m; k++) {
    let v = 0;
    for (let l = 0; l < m; l++) {
      let row = 0; // (T R⁻¹)[k, l]
      for (let a = 0; a < m; a++) row += t[k * m + a] * rInverse[a * m + l];
      v += row * row;
    }
    standardErrors.push(Math.sqrt(v * sigma2));
  }
  return { coefficients, r2, standardErrors, n };
}

/** Evaluates c0 + c1·x + … at x. */
export function polyval(coefficients: readonly number[], x: number): number {
  let y = 0;
  for (let j = coefficients.length - 1; j >= 0; j--) y = y * x + coefficients[j];
  return y;
}

export interface LogLogFit {
  /** Slope of log y against log x: the power p in y ∝ x^p. */
  slope: number;
  intercept: number;
  r2: number;
  n: number;
}

/** Straight-line fit of ln y on ln x; requires x, y > 0. */
export function loglogFit(x: readonly number[], y: readonly number[]): LogLogFit {
  assertPairs(x, y, 2, 'loglogFit');
  for (let i = 0; i < x.length; i++) {
    if (!(x[i] > 0) || !(y[i] > 0)) {
      throw new RangeError(`loglogFit: values must be positive, got (${x[i]}, ${y[i]}) at index ${i}`);
    }
  }
  const fit = polyfit(x.map(Math.log), y.map(Math.log), 1);
  return { slope: fit.coefficients[1], intercept: fit.coefficients[0], r2: fit.r2, n: fit.n };
}

export type Direction = 'increasing' | 'decreasing' | 'none';

/**
 * Whether a sequence moves in one direction. Steps smaller than `relativeTolerance` times the
 * sequence's range count as flat, so rounding noise does not break monotonicity.
 */
export function monotoneDirection(values: readonly number[], relativeTolerance = 1e-9): Direction {
  assertFinite(values, 'monotoneDirection');
  if (values.length < 2) return 'none';
  const { min, max } = extent(values);
  const range = max - min;
  const slack = relativeTolerance * range;
  let up = true;
  let down = true;
  for (let i = 1; i < values.length; i++) {
    const step = values[i] - values[i - 1];
    if (step < -slack) up = false;
    if (step > slack) down = false;
  }
  if (up && !down) return 'increasing';
  if (down && !up) return 'decreasing';
  return 'none';
}

/** Smallest and largest value by a loop: `Math.min(...values)` overflows the call stack for long arrays. */
export function extent(values: ArrayLike<number>): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < min) min = values[i];
    if (values[i] > max) max = values[i];
  }
  return { min, max };
}

/** Pearson correlation coefficient. */
export function pearson(x: readonly number[], y: readonly number[]): number {
  assertPairs(x, y, 2, 'pearson');
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}

export function mean(values: readonly number[]): number {
  assertFinite(values, 'mean');
  if (values.length === 0) throw new RangeError('mean: empty input');
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/**
 * Mean that, like `median`, asks nothing of its input: NaN for no values, and NaN or ±∞ pass through.
 * For metrics, where a diverged run's non-finite value must reach the scorer (which reports it) rather
 * than throw as `mean` does.
 */
export function meanOrNaN(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Median (mean of the middle two for an even count); NaN for no values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Ratio last/first of a positive sequence. */
export function growthRatio(values: readonly number[]): number {
  assertFinite(values, 'growthRatio');
  if (values.length < 2) throw new RangeError('growthRatio: need at least two values');
  const first = values[0];
  if (first === 0) throw new RangeError('growthRatio: first value is zero');
  return values[values.length - 1] / first;
}

// ---------------------------------------------------------------------------------------------------

function assertFinite(values: readonly number[], where: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new RangeError(`${where}: non-finite value ${values[i]} at index ${i}`);
  }
}

function assertPairs(x: readonly number[], y: readonly number[], minimum: number, where: string): void {
  if (x.length !== y.length) throw new RangeError(`${where}: x has ${x.length} values, y has ${y.length}`);
  if (x.length < minimum) throw new RangeError(`${where}: need at least ${minimum} points, got ${x.length}`);
  assertFinite(x, `${where} (x)`);
  assertFinite(y, `${where} (y)`);
}

function meanAndSd(values: readonly number[]): { mean: number; sd: number } {
  const m = mean(values);
  return { mean: m, sd: Math.sqrt(sumSquaredDeviations(values) / values.length) };
}

function sumSquaredDeviations(values: readonly number[]): number {
  const m = mean(values);
  let s = 0;
  for (const v of values) s += (v - m) * (v - m);
  return s;
}

/** Householder QR least squares for a full-column-rank n×m design (row-major). */
function leastSquaresQR(
  a: Float64Array,
  b: Float64Array,
  n: number,
  m: number,
): { solution: Float64Array; residualSumSquares: number; rInverse: Float64Array } {
  const r = Float64Array.from(a);
  const qtb = Float64Array.from(b);
  for (let k = 0; k < m; k++) {
    let norm = 0;
    for (let i = k; i < n; i++) norm += r[i * m + k] ** 2;
    norm = Math.sqrt(norm);
    if (norm === 0) throw new RangeError('polyfit: design matrix is rank deficient (too few distinct x values)');
    const alpha = r[k * m + k] > 0 ? -norm : norm;
    const v = new Float64Array(n - k);
    for (let i = k; i < n; i++) v[i - k] = r[i * m + k];
    v[0] -= alpha;
    let vnorm2 = 0;
    for (const vi of v) vnorm2 += vi * vi;
    if (vnorm2 === 0) continue;
    for (let j = k; j < m; j++) {
      let dot = 0;
      for (let i = k; i < n; i++) dot += v[i - k] * r[i * m + j];
      const f = (2 * dot) / vnorm2;
      for (let i = k; i < n; i++) r[i * m + j] -= f * v[i - k];
    }
    let dot = 0;
    for (let i = k; i < n; i++) dot += v[i - k] * qtb[i];
    const f = (2 * dot) / vnorm2;
    for (let i = k; i < n; i++) qtb[i] -= f * v[i - k];
  }
  const solution = new Float64Array(m);
  for (let k = m - 1; k >= 0; k--) {
    let s = qtb[k];
    for (let j = k + 1; j < m; j++) s -= r[k * m + j] * solution[j];
    solution[k] = s / r[k * m + k];
  }
  let residualSumSquares = 0;
  for (let i = m; i < n; i++) residualSumSquares += qtb[i] * qtb[i];
  return { solution, residualSumSquares, rInverse: invertUpper(r, m) };
}

function invertUpper(r: Float64Array, m: number): Float64Array {
  const inv = new Float64Array(m * m);
  for (let j = 0; j < m; j++) {
    inv[j * m + j] = 1 / r[j * m + j];
    for (let i = j - 1; i >= 0; i--) {
      let s = 0;
      for (let k = i + 1; k <= j; k++) s += r[i * m + k] * inv[k * m + j];
      inv[i * m + j] = -s / r[i * m + i];
    }
  }
  return inv;
}

/**
 * The m×m change of basis T with c_x = T c_u, for coefficients in u = (x − shift)/scale.
 */
function basisChange(m: number, shift: number, scale: number): Float64Array {
  // u^j = ((x − shift)/scale)^j = Σ_k C(j,k) x^k (−shift)^{j−k} / scale^j
  const t = new Float64Array(m * m);
  for (let j = 0; j < m; j++) {
    for (let k = 0; k <= j; k++) t[k * m + j] = (binomial(j, k) * (-shift) ** (j - k)) / scale ** j;
  }
  return t;
}

function applyBasisChange(t: Float64Array, scaled: number[]): number[] {
  const m = scaled.length;
  const out = new Array<number>(m).fill(0);
  for (let k = 0; k < m; k++) for (let j = 0; j < m; j++) out[k] += t[k * m + j] * scaled[j];
  return out;
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/**
 * Vertex of the parabola through (x[i−1], y[i−1]), (x[i], y[i]), (x[i+1], y[i+1]) — the grid minimum
 * refined by a local quadratic (successive parabolic interpolation, one step). x need not be evenly
 * spaced; i must have a neighbour on each side and y[i] must not exceed them.
 */
export function parabolicVertex(x: readonly number[], y: readonly number[], i: number): number {
  if (!(i >= 1 && i < x.length - 1)) throw new RangeError(`parabolicVertex: index ${i} needs a neighbour on each side`);
  const [a, b, c] = [x[i - 1], x[i], x[i + 1]];
  const [fa, fb, fc] = [y[i - 1], y[i], y[i + 1]];
  if (fb > fa || fb > fc) throw new RangeError('parabolicVertex: the middle point is not the lowest of the three');
  const numerator = (b - a) ** 2 * (fb - fc) - (b - c) ** 2 * (fb - fa);
  const denominator = (b - a) * (fb - fc) - (b - c) * (fb - fa);
  // Three collinear (flat) points: the grid point itself is the best estimate.
  return denominator === 0 ? b : b - numerator / (2 * denominator);
}

/** Spearman's rank correlation: Pearson's r of the ranks (ties share their mean rank). */
export function spearman(x: readonly number[], y: readonly number[]): number {
  const ranks = (v: readonly number[]): number[] => {
    const order = v.map((value, i) => ({ value, i })).sort((a, b) => a.value - b.value);
    const r = new Array<number>(v.length);
    for (let s = 0; s < order.length; ) {
      let e = s;
      while (e + 1 < order.length && order[e + 1].value === order[s].value) e++;
      for (let t = s; t <= e; t++) r[order[t].i] = (s + e) / 2 + 1;
      s = e + 1;
    }
    return r;
  };
  return pearson(ranks(x), ranks(y));
}
