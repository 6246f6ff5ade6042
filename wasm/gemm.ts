// AssemblyScript source of the WebAssembly SIMD (f64x2) kernel behind numerics/gemm.ts. Built by
// `npm run build:wasm` into numerics/gemm-wasm.ts (the module's bytes, base64), which is what ships:
// no compiler is needed to use it. All addresses are byte addresses in the imported memory.
//
// C (m×n, row stride ldc) = α·op(A)·op(B) + β·C, where op(A)[i][p] = A[i·rsA + p·csA] (so one routine
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
  pack: usize,
): void {
  scale(m, n, c, ldc, beta);
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

function scale(m: i32, n: i32, c: usize, ldc: i32, beta: f64): void {
  if (beta == 1) return;
  for (let i = 0; i < m; i++) {
    const row = c + (<usize>(i * ldc)) * 8;
    if (beta == 0) {
      memory.fill(row, 0, <usize>n * 8);
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
