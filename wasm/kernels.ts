// AssemblyScript source of the WebAssembly SIMD (f64x2) kernels behind numerics/gemm.ts and the
// sigmoid/swish activations of models/activations.ts. Built by `npm run build:wasm` into
// numerics/kernels-wasm.ts (the module's bytes, base64), which is what ships: no compiler is needed to
// use it. All addresses are byte addresses in the imported memory.
//
// C (m×n, row stride ldc) = α·op(A)·op(B) + β·C (+ a bias row), where op(A)[i][p] = A[i·rsA + p·csA] (so one routine
// serves A and Aᵀ without copying) and op(B) is row-major with row stride ldb. Bᵀ is first copied into
// that form block by block (`pack`, a KC×NC region supplied by the caller). The micro-kernel keeps a
// 4×4 tile of C in eight f64x2 registers: per step of p it loads four A entries as splats and one row
// of four B entries, 16 multiply-adds from 6 loads. Edges use 4×2, 4×1 and single-row kernels.

const KC: i32 = 256;
const NC: i32 = 256;
const MC: i32 = 128;

export function gemm(
  m: i32, n: i32, k: i32,
  a: usize, rsA: i32, csA: i32,
  b: usize, transB: i32,
  c: usize, ldc: i32,
  alpha: f64, beta: f64,
  bias: usize, hasBias: i32,
  pack: usize,
): void {
  scale(m, n, c, ldc, beta, bias, hasBias != 0);
  if (k == 0 || alpha == 0) return;
  const av = f64x2.splat(alpha);
  // Copies pay off when each copied entry is reused often: A's across n/4 column tiles, B's across
  // m/4 row tiles. Bᵀ is always copied (the kernel needs op(B)'s rows contiguous).
  const packA = n >= 32;
  const packB = transB != 0 || m >= 32;
  const pa = pack;
  const pb = pack + <usize>(MC * KC) * 8;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      if (packB) packPanelsB(b, transB != 0, k, n, pc, kc, jc, nc, pb);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        const aBlock = a + (<usize>(ic * rsA + pc * csA)) * 8;
        if (packA) packPanelsA(aBlock, rsA, csA, mc, kc, pa);
        block(
          mc, nc, kc,
          packA ? pa : aBlock, packA, <usize>rsA * 8, <usize>csA * 8,
          packB ? pb : b + (<usize>(pc * n + jc)) * 8, packB, <usize>n * 8,
          c + (<usize>(ic * ldc + jc)) * 8, <usize>ldc * 8, av,
        );
      }
    }
  }
}

/** C = β·C (β = 0: C is not read) + 1·biasᵀ when `hasBias` (bias: n entries added to every row). */
function scale(m: i32, n: i32, c: usize, ldc: i32, beta: f64, bias: usize, hasBias: bool): void {
  if (beta == 1 && !hasBias) return;
  for (let i = 0; i < m; i++) {
    const row = c + (<usize>(i * ldc)) * 8;
    if (beta == 0) {
      if (hasBias) memory.copy(row, bias, <usize>n * 8);
      else memory.fill(row, 0, <usize>n * 8);
    } else if (hasBias) {
      for (let j = 0; j < n; j++) store<f64>(row + <usize>j * 8, load<f64>(row + <usize>j * 8) * beta + load<f64>(bias + <usize>j * 8));
    } else {
      for (let j = 0; j < n; j++) store<f64>(row + <usize>j * 8, load<f64>(row + <usize>j * 8) * beta);
    }
  }
}

// Packed layouts: rows (of op(A)) or columns (of op(B)) in panels of 4, the last panel holding the
// w < 4 left over; within a panel of width w, entry (t, p) sits at panel + (p·w + t)·8, and panel q
// starts at 4q·kc·8. So a packed panel is read by the same kernels with unit stride w·8 per step of p.
function packPanelsA(a: usize, rsA: i32, csA: i32, mc: i32, kc: i32, dst: usize): void {
  for (let i0 = 0; i0 < mc; i0 += 4) {
    const w = min(4, mc - i0);
    const panel = dst + <usize>(i0 * kc) * 8;
    for (let t = 0; t < w; t++) {
      const src = a + <usize>((i0 + t) * rsA) * 8;
      for (let p = 0; p < kc; p++) store<f64>(panel + <usize>(p * w + t) * 8, load<f64>(src + <usize>(p * csA) * 8));
    }
  }
}

function packPanelsB(b: usize, trans: bool, k: i32, n: i32, pc: i32, kc: i32, jc: i32, nc: i32, dst: usize): void {
  for (let j0 = 0; j0 < nc; j0 += 4) {
    const w = min(4, nc - j0);
    const panel = dst + <usize>(j0 * kc) * 8;
    for (let p = 0; p < kc; p++) {
      const row = panel + <usize>(p * w) * 8;
      if (trans) {
        // B stored n×k: op(B)[r][j] = B[j·k + r].
        for (let t = 0; t < w; t++) store<f64>(row + <usize>t * 8, load<f64>(b + <usize>((jc + j0 + t) * k + pc + p) * 8));
      } else {
        const src = b + <usize>((pc + p) * n + jc + j0) * 8;
        for (let t = 0; t < w; t++) store<f64>(row + <usize>t * 8, load<f64>(src + <usize>t * 8));
      }
    }
  }
}

function block(
  mc: i32, nc: i32, kc: i32,
  a: usize, aPacked: bool, ra: usize, ca: usize,
  b: usize, bPacked: bool, lb: usize,
  c: usize, lc: usize, av: v128,
): void {
  const lastRows = mc & 3;
  const lastCols = nc & 3;
  for (let j = 0; j < nc; ) {
    const width = nc - j >= 4 ? 4 : nc - j >= 2 ? 2 : 1;
    // Start and step of op(B)[·][j] in a panel or in place.
    const j0 = j & ~3;
    const bj = bPacked ? b + <usize>(j0 * kc + (j - j0)) * 8 : b + <usize>j * 8;
    const sb = bPacked ? <usize>(j0 + 4 <= nc ? 32 : lastCols * 8) : lb;
    const cj = c + <usize>j * 8;
    for (let i = 0; i < mc; ) {
      const ci = cj + <usize>i * lc;
      if (mc - i >= 4) {
        const ai = aPacked ? a + <usize>(i * kc) * 8 : a + <usize>i * ra;
        const rowStep: usize = aPacked ? 8 : ra;
        const colStep: usize = aPacked ? 32 : ca;
        if (width == 4) kernel4x4(kc, ai, rowStep, colStep, bj, sb, ci, lc, av);
        else if (width == 2) kernel4x2(kc, ai, rowStep, colStep, bj, sb, ci, lc, av);
        else for (let t = 0; t < 4; t++) kernel1x1(kc, ai + <usize>t * rowStep, colStep, bj, sb, ci + <usize>t * lc, av);
        i += 4;
      } else {
        const i0 = i & ~3;
        const ai = aPacked ? a + <usize>(i0 * kc + (i - i0)) * 8 : a + <usize>i * ra;
        const colStep = aPacked ? <usize>lastRows * 8 : ca;
        if (width == 4) kernel1x4(kc, ai, colStep, bj, sb, ci, av);
        else if (width == 2) kernel1x2(kc, ai, colStep, bj, sb, ci, av);
        else kernel1x1(kc, ai, colStep, bj, sb, ci, av);
        i += 1;
      }
    }
    j += width;
  }
}

@inline function addScaled(at: usize, acc: v128, av: v128): void {
  v128.store(at, f64x2.add(v128.load(at), f64x2.mul(acc, av)));
}

function kernel4x4(kc: i32, a: usize, ra: usize, ca: usize, b: usize, lb: usize, c: usize, lc: usize, av: v128): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
  let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
  let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  const r2 = ra * 2;
  const r3 = ra * 3;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let x = v128.load64_splat(a);
    c00 = f64x2.add(c00, f64x2.mul(x, b0));
    c01 = f64x2.add(c01, f64x2.mul(x, b1));
    x = v128.load64_splat(a + ra);
    c10 = f64x2.add(c10, f64x2.mul(x, b0));
    c11 = f64x2.add(c11, f64x2.mul(x, b1));
    x = v128.load64_splat(a + r2);
    c20 = f64x2.add(c20, f64x2.mul(x, b0));
    c21 = f64x2.add(c21, f64x2.mul(x, b1));
    x = v128.load64_splat(a + r3);
    c30 = f64x2.add(c30, f64x2.mul(x, b0));
    c31 = f64x2.add(c31, f64x2.mul(x, b1));
    a += ca;
    b += lb;
  }
  addScaled(c, c00, av);
  addScaled(c + 16, c01, av);
  c += lc;
  addScaled(c, c10, av);
  addScaled(c + 16, c11, av);
  c += lc;
  addScaled(c, c20, av);
  addScaled(c + 16, c21, av);
  c += lc;
  addScaled(c, c30, av);
  addScaled(c + 16, c31, av);
}

function kernel4x2(kc: i32, a: usize, ra: usize, ca: usize, b: usize, lb: usize, c: usize, lc: usize, av: v128): void {
  let c0 = f64x2.splat(0), c1 = f64x2.splat(0), c2 = f64x2.splat(0), c3 = f64x2.splat(0);
  const r2 = ra * 2;
  const r3 = ra * 3;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(b);
    c0 = f64x2.add(c0, f64x2.mul(v128.load64_splat(a), b0));
    c1 = f64x2.add(c1, f64x2.mul(v128.load64_splat(a + ra), b0));
    c2 = f64x2.add(c2, f64x2.mul(v128.load64_splat(a + r2), b0));
    c3 = f64x2.add(c3, f64x2.mul(v128.load64_splat(a + r3), b0));
    a += ca;
    b += lb;
  }
  addScaled(c, c0, av);
  addScaled(c + lc, c1, av);
  addScaled(c + lc * 2, c2, av);
  addScaled(c + lc * 3, c3, av);
}

function kernel1x4(kc: i32, a: usize, ca: usize, b: usize, lb: usize, c: usize, av: v128): void {
  let c0 = f64x2.splat(0), c1 = f64x2.splat(0);
  for (let p = 0; p < kc; p++) {
    const x = v128.load64_splat(a);
    c0 = f64x2.add(c0, f64x2.mul(x, v128.load(b)));
    c1 = f64x2.add(c1, f64x2.mul(x, v128.load(b, 16)));
    a += ca;
    b += lb;
  }
  addScaled(c, c0, av);
  addScaled(c + 16, c1, av);
}

function kernel1x2(kc: i32, a: usize, ca: usize, b: usize, lb: usize, c: usize, av: v128): void {
  let c0 = f64x2.splat(0);
  for (let p = 0; p < kc; p++) {
    c0 = f64x2.add(c0, f64x2.mul(v128.load64_splat(a), v128.load(b)));
    a += ca;
    b += lb;
  }
  addScaled(c, c0, av);
}

function kernel1x1(kc: i32, a: usize, ca: usize, b: usize, lb: usize, c: usize, av: v128): void {
  let sum: f64 = 0;
  for (let p = 0; p < kc; p++) {
    sum += load<f64>(a) * load<f64>(b);
    a += ca;
    b += lb;
  }
  store<f64>(c, load<f64>(c) + sum * f64x2.extract_lane(av, 0));
}

// ---------------------------------------------------------------------------------------------------
// Elementwise activations. exp is computed as in numerics/exp.ts, operation for operation, so these
// kernels and the plain-JS fallback give bit-identical results: x clamped to [−746, 710] (NaN stays
// NaN), k = ⌊x·log₂e + ½⌋, r = (x − k·ln2_hi) − k·ln2_lo, exp(r) by its Taylor polynomial of degree 13
// (Estrin's scheme), times 2^⌊k/2⌋ · 2^(k−⌊k/2⌋) so that every factor is a normal double.

const LOG2E = 1.4426950408889634;
const LN2_HI = 6.93147180369123816490e-01;
const LN2_LO = 1.90821492927058770002e-10;

// 2^k for integer-valued k in [−1022, 1023]: k + 1.5·2^52 holds k in the low bits of its pattern, and
// the shift by 52 keeps just the 11 exponent bits of k + 1023.
@inline function pow2(k: v128): v128 {
  const bits = f64x2.add(k, f64x2.splat(6755399441055744.0));
  return i64x2.shl(i64x2.add(bits, i64x2.splat(1023)), 52);
}

@inline function pair(c0: f64, c1: f64, r: v128): v128 {
  return f64x2.add(f64x2.splat(c0), f64x2.mul(f64x2.splat(c1), r));
}

@inline function expv(x: v128): v128 {
  // pmax/pmin return x when x is NaN, as Math.max/min do.
  x = f64x2.pmin(f64x2.pmax(x, f64x2.splat(-746.0)), f64x2.splat(710.0));
  const k = f64x2.floor(f64x2.add(f64x2.mul(x, f64x2.splat(LOG2E)), f64x2.splat(0.5)));
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(k, f64x2.splat(LN2_HI))), f64x2.mul(k, f64x2.splat(LN2_LO)));
  // Σ_{i≤13} rⁱ/i! by Estrin's scheme: pairs c_i + c_{i+1}·r, then combined with r², r⁴, r⁸, which
  // keeps the dependency chain short (a Horner chain of 13 would bound the loop by its latency).
  const r2 = f64x2.mul(r, r);
  const r4 = f64x2.mul(r2, r2);
  const r8 = f64x2.mul(r4, r4);
  const q01 = pair(1.0, 1.0, r);
  const q23 = pair(0.5, 1.0 / 6.0, r);
  const q45 = pair(1.0 / 24.0, 1.0 / 120.0, r);
  const q67 = pair(1.0 / 720.0, 1.0 / 5040.0, r);
  const q89 = pair(1.0 / 40320.0, 1.0 / 362880.0, r);
  const q1011 = pair(1.0 / 3628800.0, 1.0 / 39916800.0, r);
  const q1213 = pair(1.0 / 479001600.0, 1.0 / 6227020800.0, r);
  const q03 = f64x2.add(q01, f64x2.mul(r2, q23));
  const q47 = f64x2.add(q45, f64x2.mul(r2, q67));
  const q811 = f64x2.add(q89, f64x2.mul(r2, q1011));
  const q07 = f64x2.add(q03, f64x2.mul(r4, q47));
  const q813 = f64x2.add(q811, f64x2.mul(r4, q1213));
  const p = f64x2.add(q07, f64x2.mul(r8, q813));
  const k1 = f64x2.floor(f64x2.mul(k, f64x2.splat(0.5)));
  return f64x2.mul(f64x2.mul(p, pow2(k1)), pow2(f64x2.sub(k, k1)));
}

/** Writes exp(x) for `count` doubles from `x` to `out` (which may be x). */
export function exp(x: usize, out: usize, count: i32): void {
  let q = 0;
  for (; q + 2 <= count; q += 2) {
    const at = <usize>q * 8;
    v128.store(out + at, expv(v128.load(x + at)));
  }
  if (q < count) store<f64>(out + <usize>q * 8, f64x2.extract_lane(expv(f64x2.splat(load<f64>(x + <usize>q * 8))), 0));
}

// sigmoid(x) = 1/(1 + exp(−x)); swish(x) = x·sigmoid(x). Formulas as in models/activations.ts.
// kind: 0 = sigmoid, 1 = swish. `first`/`second` 0: not wanted (value only). value may be z.
@inline function activation(kind: i32, x: v128, value: usize, first: usize, second: usize, at: usize): void {
  const one = f64x2.splat(1.0);
  const s = f64x2.div(one, f64x2.add(one, expv(f64x2.neg(x))));
  const oneMinusS = f64x2.sub(one, s);
  if (kind == 0) {
    v128.store(value + at, s);
    if (first == 0) return;
    const d = f64x2.mul(s, oneMinusS);
    v128.store(first + at, d);
    if (second != 0) v128.store(second + at, f64x2.mul(d, f64x2.sub(one, f64x2.mul(f64x2.splat(2.0), s))));
  } else {
    v128.store(value + at, f64x2.mul(x, s));
    if (first == 0) return;
    const d = f64x2.mul(s, oneMinusS);
    v128.store(first + at, f64x2.add(s, f64x2.mul(x, d)));
    if (second != 0) {
      const t = f64x2.add(f64x2.splat(2.0), f64x2.mul(x, f64x2.sub(one, f64x2.mul(f64x2.splat(2.0), s))));
      v128.store(second + at, f64x2.mul(d, t));
    }
  }
}

/** value = σ(z), and σ'(z), σ''(z) into `first`, `second` where those are non-zero addresses. */
export function activate(kind: i32, z: usize, value: usize, first: usize, second: usize, count: i32, scratch: usize): void {
  let q = 0;
  for (; q + 2 <= count; q += 2) {
    const at = <usize>q * 8;
    activation(kind, v128.load(z + at), value, first, second, at);
  }
  if (q < count) {
    // The odd last entry goes through lane 0 of 48 bytes of scratch.
    const at = <usize>q * 8;
    const tmp = scratch;
    activation(kind, f64x2.splat(load<f64>(z + at)), tmp, first == 0 ? 0 : tmp + 16, second == 0 ? 0 : tmp + 32, 0);
    store<f64>(value + at, load<f64>(tmp));
    if (first != 0) store<f64>(first + at, load<f64>(tmp + 16));
    if (second != 0) store<f64>(second + at, load<f64>(tmp + 32));
  }
}

// ---------------------------------------------------------------------------------------------------
// Elementwise products of the engine's backward and tangent passes (numerics/elementwise.ts), in the
// same operation order as its plain-JS loops.

/** out = a ⊙ b over `count` doubles (out may alias a or b). */
export function hadamard(a: usize, b: usize, out: usize, count: i32): void {
  let q = 0;
  for (; q + 2 <= count; q += 2) {
    const at = <usize>q * 8;
    v128.store(out + at, f64x2.mul(v128.load(a + at), v128.load(b + at)));
  }
  if (q < count) {
    const at = <usize>q * 8;
    store<f64>(out + at, load<f64>(a + at) * load<f64>(b + at));
  }
}

/** r = r ⊙ s1 + (g ⊙ s2) ⊙ t over `count` doubles. */
export function tangentUpdate(r: usize, s1: usize, g: usize, s2: usize, t: usize, count: i32): void {
  let q = 0;
  for (; q + 2 <= count; q += 2) {
    const at = <usize>q * 8;
    const first = f64x2.mul(v128.load(r + at), v128.load(s1 + at));
    const second = f64x2.mul(f64x2.mul(v128.load(g + at), v128.load(s2 + at)), v128.load(t + at));
    v128.store(r + at, f64x2.add(first, second));
  }
  if (q < count) {
    const at = <usize>q * 8;
    store<f64>(r + at, load<f64>(r + at) * load<f64>(s1 + at) + load<f64>(g + at) * load<f64>(s2 + at) * load<f64>(t + at));
  }
}

/** out[j] += Σ_i a[i·cols + j], the sum over rows in row order, for j < cols. */
export function addColumnSums(a: usize, rows: i32, cols: i32, out: usize): void {
  const stride = <usize>cols * 8;
  for (let i = 0; i < rows; i++) {
    const row = a + <usize>i * stride;
    let j = 0;
    for (; j + 2 <= cols; j += 2) {
      const at = <usize>j * 8;
      v128.store(out + at, f64x2.add(v128.load(out + at), v128.load(row + at)));
    }
    if (j < cols) store<f64>(out + <usize>j * 8, load<f64>(out + <usize>j * 8) + load<f64>(row + <usize>j * 8));
  }
}
