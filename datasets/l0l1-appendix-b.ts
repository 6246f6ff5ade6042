/**
 * Appendix B ("B Supporting material") of the (L0,L1)-smoothness paper, transcribed verbatim.
 *
 * Sources (same paper, two plain-text extractions; both were compared token by token):
 *   A = /work/shared/papers/000_2f1bcafc3c2d6332.txt, lines 528-621 (paper lines 347-373)
 *   B = /work/shared/papers/001_c32825e67da1c7e6.txt, lines 381-496
 * Context: §3.2 "Random segments" (A lines 133-172, paper lines 133-172): network widths (1,4,7,1),
 * tanh, L2 loss, 20 random data points; 15 Kaiming initialisations p_1..p_15, a *radial* line segment
 * S_i through each p_i, |grad L| and |hess L| evaluated at 50 equidistributed points along S_i; 7 of
 * them are shown (Figs 3-5) and "In Appendix B we record the endpoints of the line segments S_i, which
 * we call start_i and end_i". Parameter count: (1*4+4) + (4*7+7) + (7*1+1) = 51. The paper does NOT say
 * in which order the 51 weights/biases are flattened into these vectors (computations were done in
 * Mathematica).
 *
 * Reading decisions / disagreements between the extractions:
 *   - x, y, start_1, end_1 row 1, and everything from start_3 through w_6 agree token-for-token in A and B
 *     (B renders minus signs as U+2212 and flattens start_3..start_5 onto one line without row breaks).
 *   - start_1[22]: A prints 0.00088, B prints 0.0008. Taken 0.00088: every other entry has 2 significant
 *     figures, and end_1[22] = 0.18 = 200 * 0.00088 (rounded) whereas 200 * 0.0008 = 0.16.
 *   - B is garbled from end_1 row 2 to the end of end_2 (it keeps only "0.4 & -5.7 & 2.3 & 2", apparently
 *     a truncation of row 4 "0.34, -5.7, 2.3, 2.9", and drops start_2/end_2 entirely). end_1 rows 2-5,
 *     start_2 and end_2 are therefore single-source (A); they pass the radial consistency check below.
 *   - A's x matrix prints row 2 as "& 0.40 & 0.79 ..." (a spurious empty leading cell); B prints the row
 *     cleanly. Ten values per row in both, read as 20 values.
 *   - end_5 is printed with only 50 entries in BOTH extractions (last row has 10 entries instead of 11).
 *     Aligning against start_5 shows the FIRST component is the missing one: printed end_5[k] is
 *     proportional to start_5[k+1] (cosine 0.99985; with naive alignment the cosine is -0.05). To keep
 *     every segment 51-long, end[0] of S5 is RECONSTRUCTED as 42 (= c * 0.37 with the radial factor
 *     c in [113.02, 114.18] forced by the other 50 entries, i.e. 41.8-42.2, rounded to 2 significant
 *     figures like the rest). It is flagged in `reconstructedEndIndices`; the untouched print is
 *     exported as APPENDIX_B_END5_AS_PRINTED.
 *
 * Relation between start_i and end_i (computed from the printed values, see the test): every segment is
 * radial, end_i = c_i * start_i, once S5 is realigned as above. Treating each printed number as rounded
 * to 2 significant figures (+- half a unit in the 2nd significant digit; trailing zeros dropped, so
 * "1" means 1.0), the set of factors c consistent with ALL 51 components is:
 *   S1 [200.00, 202.04]   S2 [198.99, 201.23]   S3 [200.00, 201.45]   -> end = 200 * start
 *   S4 [2.21, 2.23]       S5 [113.02, 114.18]   S6 [111.68, 112.84]   S7 [97.99, 98.87]
 * Raw component ratios end/start: S1 191.7-210.0 (median 200), S2 192.3-209.1 (200), S3 192.3-209.1
 * (200), S4 2.13-2.30 (2.21), S5 107.7-118.2 (113.5), S6 107.5-117.0 (111.8), S7 91.7-100.0 (median 100,
 * yet c = 100 is excluded by the print, e.g. 0.34 -> 33). So end = 200 * start holds ONLY for S1-S3;
 * S4 is a short radial segment (factor ~2.2) starting far from the origin (|start_4| = 109.4 — not the
 * scale of a Kaiming draw; |start_1..3| = 0.145, 0.257, 0.896; |start_5..7| = 1.099, 1.102, 1.091);
 * S5-S7 have factors ~113.6, ~112.3, ~98.4. Segment endpoint norms: |end_i| = 29.3, 51.7, 179.5, 241.9,
 * 124.3 (incl. reconstructed entry), 123.0, 107.7. Whether p_i itself lies on [start_i, end_i] is
 * not printed; the segment is only known to be radial.
 *
 * The "random vectors" w_2, w_4, w_6: the paper only says "The random vector w_k = (...)" and never
 * refers to them anywhere else, so it does not explain what they are. Observations: 51 entries each,
 * |w| = 2.59, 2.35, 2.23, entries within [-0.93, 0.82], nearly orthogonal to each other (|cos| <= 0.10),
 * and NOT parallel to any start_i/end_i (|cos| <= 0.38); in particular w_2, w_4, w_6 are not the
 * directions of S2, S4, S6 (cos = -0.23, 0.06, -0.09). Their even subscripts might refer to p_2/p_4/p_6
 * (or to perturbation directions), but that is speculation.
 *
 * The line R (§3.1) described at the start of Appendix B is reproduced in APPENDIX_B_LINE_R_DESCRIPTION;
 * note that it leaves the constant c and the matrix M unspecified ("We choose M carefully, depending on
 * the loss"), so R cannot be reconstructed from the paper alone.
 *
 * Segment <-> figure mapping: we ASSUME S_i corresponds to p_i of §3.2 (the paper numbers both "in the
 * order of appearance" but does not state the correspondence explicitly); paperDescription is the §3.2
 * description of the graph for p_i (p1, p2: Fig. 3; p3-p5: Fig. 4; p6, p7: Fig. 5).
 */

export interface PrintedSegment {
  /** 'S1'..'S7' */
  name: string;
  /** start_i, 51 values as printed (rows of 8 in the paper). */
  start: readonly number[];
  /** end_i, 51 values as printed (rows of 10, last row 11); see reconstructedEndIndices. */
  end: readonly number[];
  /** §3.2 description of the |grad| vs |hess| graph for p_i (assumes S_i <-> p_i). */
  paperDescription: string;
  /** Indices of `end` that are NOT printed in the paper but reconstructed (only S5: [0]). */
  reconstructedEndIndices?: readonly number[];
}

/** Data x for §3.2, printed as a 2x10 matrix; row 1 then row 2. */
export const APPENDIX_B_X: readonly number[] = [
  -0.51, -0.32, 0.45, -0.42, -0.51, -0.30, 0.50, -0.98, -0.22, -0.51,
  0.40, 0.79, 0.20, 0.96, 0.90, -0.04, 0.60, -0.27, 0.01, 0.41,
];

/** Data y for §3.2, printed as a 2x10 matrix; row 1 then row 2. */
export const APPENDIX_B_Y: readonly number[] = [
  -0.70, -0.86, -0.20, 0.88, 0.88, -0.33, -0.92, 0.06, 0.89, 0.21,
  -0.35, 0.32, 0.27, 0.97, 0.86, -0.20, 0.49, -0.05, -0.75, 0.90,
];

/** Not printed in the paper: round2sig(c * start_5[0]) with c in [113.02, 114.18] (see header). */
const RECONSTRUCTED_END_5_FIRST = 42;

const START_1: readonly number[] = [
  0.048, 0.026, -0.0063, 0.025, -0.014, -0.0014, -0.059, 0.024,
  -0.026, 0.0021, -0.022, 0.013, -0.012, -0.0093, -0.021, 0.0052,
  -0.026, -0.03, -0.022, -0.014, -0.011, 0.018, 0.00088, -0.024,
  -0.023, -0.021, 0.026, 0.019, -0.019, 0.025, 0.0017, -0.028,
  0.012, 0.014, -0.0012, 0.012, -0.017, -0.019, 0.022, 0.022,
  0.009, 0.015, -0.027, 0.02, -0.01, -0.0078, -0.0032, -0.016,
  -0.0082, -0.0049, -0.0077,
];

const END_1: readonly number[] = [
  9.6, 5.2, -1.3, 4.9, -2.8, -0.29, -12, 4.8, -5.3, 0.43,
  -4.3, 2.7, -2.5, -1.9, -4.2, 1, -5.2, -6, -4.4, -2.8,
  -2.2, 3.6, 0.18, -4.9, -4.6, -4.3, 5.3, 3.8, -3.8, 5.1,
  0.34, -5.7, 2.3, 2.9, -0.25, 2.3, -3.3, -3.8, 4.5, 4.5,
  1.8, 2.9, -5.4, 4, -2.1, -1.6, -0.65, -3.3, -1.7, -0.98, -1.6,
];

const START_2: readonly number[] = [
  0.068, -0.059, -0.035, -0.034, 0.096, -0.055, 0.055, -0.02,
  -0.03, -0.007, 0.036, 0.048, -0.027, -0.04, -0.029, 0.0052,
  -0.041, -0.014, -0.019, 0.025, 0.017, 0.042, 0.017, -0.018,
  -0.044, -0.022, 0.046, 0.041, 0.021, 0.046, 0.049, -0.041,
  0.016, 0.022, 0.024, 0.017, 0.036, -0.0045, 0.0011, 0.048,
  -0.033, -0.05, 0.041, -0.013, -0.026, 0.018, 0.031, 0.013,
  -0.024, 0.019, 0.015,
];

const END_2: readonly number[] = [
  14, -12, -7.1, -6.8, 19, -11, 11, -4, -6, -1.4,
  7.2, 9.6, -5.4, -8, -5.8, 1, -8.2, -2.8, -3.9, 5,
  3.5, 8.4, 3.4, -3.6, -8.9, -4.5, 9.3, 8.2, 4.3, 9.2,
  9.9, -8.1, 3.3, 4.4, 4.9, 3.5, 7.2, -0.91, 0.23, 9.7,
  -6.6, -10, 8.3, -2.7, -5.3, 3.6, 6.2, 2.6, -4.8, 3.9, 3,
];

const START_3: readonly number[] = [
  0.085, 0.052, 0.4, 0.021, 0.24, 0.23, 0.29, -0.064,
  -0.098, 0.024, 0.079, 0.12, -0.14, 0.12, 0.13, 0.042,
  -0.083, -0.076, -0.047, -0.055, 0.13, 0.02, 0.097, -0.0038,
  -0.19, -0.015, 0.088, -0.048, 0.089, -0.16, -0.13, 0.013,
  -0.12, -0.011, 0.2, 0.13, 0.053, -0.2, 0.062, -0.014,
  0.15, -0.013, -0.035, 0.042, -0.0064, -0.14, -0.087, -0.14,
  -0.099, 0.082, -0.024,
];

const END_3: readonly number[] = [
  17, 10, 80, 4.3, 49, 46, 59, -13, -20, 4.7,
  16, 24, -28, 24, 26, 8.5, -17, -15, -9.5, -11,
  25, 4, 20, -0.76, -37, -3, 18, -9.7, 18, -32,
  -27, 2.7, -24, -2.3, 40, 26, 11, -39, 12, -2.9,
  30, -2.6, -6.9, 8.5, -1.3, -28, -17, -28, -20, 17, -4.8,
];

const START_4: readonly number[] = [
  -16, 27, 5.7, 0.032, 15, 42, -35, -22,
  -5.9, 20, 19, 0.22, -13, -13, -5.4, -15,
  21, 3.8, 10, 17, -6, -21, 17, -11,
  11, -15, 4.4, 13, 6.5, -15, -11, 0.92,
  -22, -16, 3.1, -0.93, 16, 0.43, 19, -12,
  -16, -11, 15, 17, -13, 8.3, -0.28, -12,
  11, 12, 13,
];

const END_4: readonly number[] = [
  -35, 60, 13, 0.071, 32, 92, -78, -49, -13, 45,
  42, 0.5, -28, -28, -12, -34, 46, 8.4, 23, 38,
  -13, -48, 37, -24, 25, -32, 9.8, 28, 14, -34,
  -24, 2, -48, -35, 6.8, -2.1, 36, 0.96, 42, -27,
  -36, -25, 32, 38, -29, 18, -0.62, -26, 24, 27, 28,
];

const START_5: readonly number[] = [
  0.37, -0.29, 0.045, 0.35, -0.16, 0.2, 0.16, 0.14,
  -0.047, -0.11, 0.16, -0.15, 0.066, 0.11, -0.22, -0.095,
  0.053, 0.028, 0.068, 0.22, -0.13, -0.22, -0.092, 0.023,
  -0.097, -0.11, -0.22, -0.19, 0.17, 0.014, 0.18, 0.18,
  0.011, 0.015, -0.13, -0.17, 0.22, 0.051, 0.17, 0.14,
  0.13, -0.071, 0.22, 0.054, -0.084, 0.036, 0.037, 0.035,
  -0.1, -0.16, 0.14,
];

/** end_5 exactly as printed: 50 values (its first component is missing in the paper). */
const END_5_AS_PRINTED: readonly number[] = [
  -33, 5.1, 39, -18, 22, 18, 16, -5.3, -12, 18,
  -17, 7.5, 13, -25, -11, 6, 3.1, 7.7, 25, -15,
  -25, -10, 2.6, -11, -12, -25, -21, 19, 1.6, 20,
  21, 1.3, 1.7, -15, -20, 25, 5.8, 19, 16, 14,
  -8, 25, 6.2, -9.6, 4.1, 4.2, 4, -11, -18, 16,
];

/** Printed 50 values with the missing first component restored as 42 (= round2sig(c * 0.37), c in [113.02, 114.18]). */
const END_5: readonly number[] = [RECONSTRUCTED_END_5_FIRST, ...END_5_AS_PRINTED];

const START_6: readonly number[] = [
  0.27, -0.38, 0.37, 0.35, -0.31, -0.055, 0.19, 0.12,
  0.031, 0.16, 0.1, -0.00026, 0.11, 0.18, 0.16, 0.0043,
  0.14, 0.073, -0.13, -0.0036, -0.17, 0.055, -0.14, 0.11,
  -0.13, -0.21, -0.027, 0.0049, -0.14, 0.068, 0.12, -0.12,
  -0.093, -0.083, -0.086, 0.11, -0.2, 0.029, 0.2, 0.22,
  -0.12, -0.2, -0.093, -0.074, 0.0041, -0.094, -0.017, 0.016,
  -0.032, -0.12, -0.053,
];

const END_6: readonly number[] = [
  30, -42, 41, 39, -35, -6.1, 21, 14, 3.5, 18,
  11, -0.029, 12, 20, 18, 0.48, 16, 8.2, -14, -0.4,
  -19, 6.1, -16, 12, -15, -24, -3, 0.55, -16, 7.7,
  14, -13, -10, -9.3, -9.7, 12, -22, 3.3, 22, 25,
  -14, -22, -10, -8.3, 0.46, -11, -1.9, 1.8, -3.6, -13, -5.9,
];

const START_7: readonly number[] = [
  0.34, 0.09, -0.37, -0.33, 0.21, -0.21, 0.17, -0.38,
  0.13, -0.1, -0.021, -0.099, -0.12, -0.16, 0.14, 0.15,
  0.11, -0.0072, 0.073, -0.12, -0.039, 0.18, 0.18, -0.15,
  -0.16, -0.18, 0.12, -0.18, -0.016, -0.049, 0.024, -0.01,
  0.044, 0.13, 0.12, -0.073, -0.12, -0.077, -0.19, -0.11,
  0.15, -0.023, -0.12, -0.12, 0.089, 0.15, 0.038, -0.061,
  -0.096, -0.0099, 0.082,
];

const END_7: readonly number[] = [
  33, 8.9, -37, -32, 21, -21, 17, -38, 13, -10,
  -2, -9.7, -12, -15, 14, 15, 11, -0.71, 7.2, -11,
  -3.9, 18, 18, -15, -16, -18, 12, -18, -1.6, -4.8,
  2.3, -1, 4.4, 12, 11, -7.2, -12, -7.6, -19, -11,
  15, -2.2, -11, -12, 8.7, 14, 3.8, -6, -9.5, -0.98, 8.1,
];

/** The 50 values of end_5 exactly as printed (both extractions); APPENDIX_B_SEGMENTS[4].end = [42, ...these]. */
export const APPENDIX_B_END5_AS_PRINTED: readonly number[] = END_5_AS_PRINTED;

/** start_i / end_i for the seven displayed segments, in the paper's order (S_i assumed to be the segment through p_i). */
export const APPENDIX_B_SEGMENTS: readonly PrintedSegment[] = [
  {
    name: 'S1',
    start: START_1,
    end: END_1,
    paperDescription: 'approximately linear to begin, then like an upward-facing semicircle',
  },
  {
    name: 'S2',
    start: START_2,
    end: END_2,
    paperDescription: 'piecewise linear with rising slope',
  },
  {
    name: 'S3',
    start: START_3,
    end: END_3,
    paperDescription: 'approximately quadratic',
  },
  {
    name: 'S4',
    start: START_4,
    end: END_4,
    paperDescription: 'U-shaped',
  },
  {
    name: 'S5',
    start: START_5,
    end: END_5,
    paperDescription: 'grows quickly at the end',
    reconstructedEndIndices: [0],
  },
  {
    name: 'S6',
    start: START_6,
    end: END_6,
    paperDescription: 'bounded by a linear function of the gradient',
  },
  {
    name: 'S7',
    start: START_7,
    end: END_7,
    paperDescription: 'bounded by a linear function of the gradient',
  },
];

/**
 * Interval of radial factors c with end_i = c * start_i consistent with every printed component under
 * 2-significant-figure rounding, rounded outward to 2 decimals (recomputed and checked in the test).
 */
export const APPENDIX_B_RADIAL_FACTOR_BOUNDS: Readonly<Record<string, readonly [number, number]>> = {
  S1: [200.0, 202.05],
  S2: [198.98, 201.24],
  S3: [200.0, 201.45],
  S4: [2.209, 2.229],
  S5: [113.01, 114.19],
  S6: [111.67, 112.85],
  S7: [97.98, 98.88],
};

/** "The random vector w_2/w_4/w_6" — 51 values each, rows of 8; the paper does not explain them. */
export const APPENDIX_B_RANDOM_VECTORS: Readonly<Record<'w2' | 'w4' | 'w6', readonly number[]>> = {
  w2: [
    -0.87, -0.67, 0.5, -0.29, -0.93, 0.83, -0.004, 0.64,
    0.5, 0.46, -0.46, 0.47, 0.046, -0.29, -0.023, 0.38,
    -0.22, -0.27, 0.41, -0.1, 0.032, -0.14, -0.28, -0.31,
    0.23, 0.18, -0.12, -0.066, 0.2, 0.058, -0.36, 0.37,
    0.31, 0.22, -0.17, -0.27, -0.11, -0.34, 0.095, 0.34,
    -0.31, -0.26, 0.18, 0.24, -0.29, 0.23, 0.022, -0.012,
    -0.28, 0.28, 0.36,
  ],
  w4: [
    -0.72, 0.74, -0.86, -0.19, -0.15, -0.094, -0.23, 0.41,
    -0.32, 0.35, -0.095, 0.46, 0.39, 0.1, 0.037, -0.38,
    -0.3, -0.39, -0.44, 0.1, -0.21, 0.084, -0.5, 0.12,
    0.31, 0.22, -0.41, -0.29, 0.057, -0.39, -0.048, 0.091,
    -0.094, -0.079, -0.44, 0.31, 0.27, 0.16, 0.35, 0.48,
    -0.22, 0.23, -0.12, 0.3, -0.078, -0.31, -0.13, 0.31,
    0.011, -0.2, 0.34,
  ],
  w6: [
    0.64, -0.26, -0.76, 0.37, 0.45, 0.82, 0.6, 0.2,
    -0.34, -0.4, -0.23, -0.2, -0.08, -0.099, 0.017, 0.35,
    -0.36, -0.3, 0.18, -0.13, -0.062, 0.33, 0.37, -0.37,
    0.23, -0.13, -0.16, -0.23, 0.37, 0.31, 0.0082, -0.047,
    0.37, -0.18, -0.32, 0.037, -0.25, 0.44, 0.088, 0.2,
    -0.048, 0.17, 0.44, 0.12, -0.11, 0.23, 0.11, 0.22,
    -0.063, 0.14, 0.12,
  ],
};

/** Appendix B's description of the fixed line R of §3.1 (paper lines 348-354), paraphrasing its equations. */
export const APPENDIX_B_LINE_R_DESCRIPTION =
  'R is the image of the linear map rho: R -> R^d (d = parameter count). For t in R, rho(t) sets, for all but ' +
  'the last layer, weights M^i = 0 and biases b^i = (c ... c)^T (1 <= i <= l) [the prose says "the biases all ' +
  'equal to zero"; the displayed equation shows a constant c]; in the last layer M^(l+1) = t*M for a constant ' +
  'b x k matrix M "chosen carefully, depending on the loss", and b^(l+1) = 0. Neither c nor M is given numerically.';

export const APPENDIX_B_SOURCE =
  'Transcribed from /work/shared/papers/000_2f1bcafc3c2d6332.txt lines 528-621 (paper lines 347-373), cross-checked ' +
  'token-by-token against /work/shared/papers/001_c32825e67da1c7e6.txt lines 381-496; the two agree except: start_1[22] ' +
  '0.00088 (000) vs 0.0008 (001), taken 0.00088 (2 sig. figs; matches end_1[22] = 0.18 = 200*start); 001 is garbled ' +
  'from end_1 row 2 through end_2, so those come from 000 only; end_5 is printed with 50 of 51 entries in both, the ' +
  'missing one is the first (printed end_5[k] ~ 113.6*start_5[k+1]), reconstructed as 42 and flagged.';
