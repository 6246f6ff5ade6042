/**
 * The plain-JavaScript matrix product behind `gemm` (numerics/gemm.ts) where WebAssembly SIMD is not
 * available; same contract, arguments already checked by the caller.
 *
 * Method (Goto's): op(B) is copied block by block (KC rows × NC columns) into panels of NR columns,
 * op(A) into panels of MR rows, both zero-padded to whole panels, so that the micro-kernel reads both
 * operands contiguously whatever the transposes and keeps an MR×NR tile of C in local variables. In V8,
 * which does not vectorise, the register tile is what makes it fast: each loaded operand is reused
 * NR (or MR) times and the MR·NR independent sums hide add latency. Block sizes keep a KC×NR panel of
 * B in L1 and an MC×KC block of A in L2.
 */

import type { GemmOptions } from './gemm';

/** Every option but the bias row, which `gemm` adds itself on this path. */
export type PlainOptions = Required<Omit<GemmOptions, 'bias' | 'biasOffset'>>;

const MR = 4;
const NR = 4;
const KC = 256;
const MC = 96;
const NC = 2048;

// Packing buffers, grown on demand and reused (gemm is synchronous and never re-entered).
let packedA = new Float64Array(MC * KC);
let packedB = new Float64Array(KC * NR);

export function gemmPlain(m: number, n: number, k: number, a: Float64Array, b: Float64Array, c: Float64Array, options: PlainOptions): void {
  const { transA, transB, alpha, beta, aOffset, bOffset, cOffset } = options;
  if (m === 0 || n === 0) return;
  scale(c, cOffset, m * n, beta);
  if (k === 0 || alpha === 0) return;

  const ncMax = Math.min(NC, roundUp(n, NR));
  const kcMax = Math.min(KC, k);
  if (packedB.length < kcMax * ncMax) packedB = new Float64Array(kcMax * ncMax);
  if (packedA.length < kcMax * Math.min(MC, roundUp(m, MR))) packedA = new Float64Array(kcMax * Math.min(MC, roundUp(m, MR)));
  const pa = packedA;
  const pb = packedB;

  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packB(b, bOffset, transB, k, n, pc, kc, jc, nc, pb);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packA(a, aOffset, transA, m, k, ic, mc, pc, kc, pa);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          const bPanel = jr * kc;
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = Math.min(MR, mc - ir);
            microKernel(kc, pa, ir * kc, pb, bPanel, c, cOffset + (ic + ir) * n + jc + jr, n, alpha, mr, nr);
          }
        }
      }
    }
  }
}

/** C[i][j] = β·C[i][j] over `count` entries from `offset`; β = 0 overwrites. */
function scale(c: Float64Array, offset: number, count: number, beta: number): void {
  if (beta === 1) return;
  if (beta === 0) {
    c.fill(0, offset, offset + count);
    return;
  }
  for (let q = offset, end = offset + count; q < end; q++) c[q] *= beta;
}

/**
 * Rows [ic, ic+mc) × columns [pc, pc+kc) of op(A) into panels of MR rows: panel r holds, for each p,
 * the MR entries op(A)[ic+r·MR+t][pc+p] at dst[r·MR·kc + p·MR + t], rows past m as zeros.
 */
function packA(a: Float64Array, offset: number, trans: boolean, m: number, k: number, ic: number, mc: number, pc: number, kc: number, dst: Float64Array): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const base = ir * kc;
    const rows = Math.min(MR, mc - ir);
    for (let t = 0; t < MR; t++) {
      const i = ic + ir + t;
      if (t >= rows) {
        for (let p = 0; p < kc; p++) dst[base + p * MR + t] = 0;
      } else if (trans) {
        // A stored k×m: op(A)[i][q] = A[q][i].
        for (let p = 0; p < kc; p++) dst[base + p * MR + t] = a[offset + (pc + p) * m + i];
      } else {
        const row = offset + i * k + pc;
        for (let p = 0; p < kc; p++) dst[base + p * MR + t] = a[row + p];
      }
    }
  }
}

/**
 * Rows [pc, pc+kc) × columns [jc, jc+nc) of op(B) into panels of NR columns: panel j holds, for each p,
 * the NR entries op(B)[pc+p][jc+j·NR+t] at dst[j·NR·kc + p·NR + t], columns past n as zeros.
 */
function packB(b: Float64Array, offset: number, trans: boolean, k: number, n: number, pc: number, kc: number, jc: number, nc: number, dst: Float64Array): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const base = jr * kc;
    const cols = Math.min(NR, nc - jr);
    for (let p = 0; p < kc; p++) {
      const q = base + p * NR;
      if (trans) {
        // B stored n×k: op(B)[r][j] = B[j][r].
        for (let t = 0; t < NR; t++) dst[q + t] = t < cols ? b[offset + (jc + jr + t) * k + pc + p] : 0;
      } else {
        const row = offset + (pc + p) * n + jc + jr;
        for (let t = 0; t < NR; t++) dst[q + t] = t < cols ? b[row + t] : 0;
      }
    }
  }
}

/** C tile (mr×nr of MR×NR, at `cAt` with row stride `ldc`) += α · (A panel · B panel) over kc. */
function microKernel(
  kc: number,
  pa: Float64Array,
  aAt: number,
  pb: Float64Array,
  bAt: number,
  c: Float64Array,
  cAt: number,
  ldc: number,
  alpha: number,
  mr: number,
  nr: number,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0, ia = aAt, ib = bAt; p < kc; p++, ia += MR, ib += NR) {
    const a0 = pa[ia], a1 = pa[ia + 1], a2 = pa[ia + 2], a3 = pa[ia + 3];
    const b0 = pb[ib], b1 = pb[ib + 1], b2 = pb[ib + 2], b3 = pb[ib + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  if (mr === MR && nr === NR) {
    let q = cAt;
    c[q] += alpha * c00; c[q + 1] += alpha * c01; c[q + 2] += alpha * c02; c[q + 3] += alpha * c03;
    q += ldc;
    c[q] += alpha * c10; c[q + 1] += alpha * c11; c[q + 2] += alpha * c12; c[q + 3] += alpha * c13;
    q += ldc;
    c[q] += alpha * c20; c[q + 1] += alpha * c21; c[q + 2] += alpha * c22; c[q + 3] += alpha * c23;
    q += ldc;
    c[q] += alpha * c30; c[q + 1] += alpha * c31; c[q + 2] += alpha * c32; c[q + 3] += alpha * c33;
    return;
  }
  const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let i = 0; i < mr; i++) for (let j = 0; j < nr; j++) c[cAt + i * ldc + j] += alpha * tile[i * NR + j];
}

function roundUp(x: number, multiple: number): number {
  return Math.ceil(x / multiple) * multiple;
}
