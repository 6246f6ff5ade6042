import {
  APPENDIX_B_END5_AS_PRINTED,
  APPENDIX_B_RADIAL_FACTOR_BOUNDS,
  APPENDIX_B_RANDOM_VECTORS,
  APPENDIX_B_SEGMENTS,
  APPENDIX_B_SOURCE,
  APPENDIX_B_X,
  APPENDIX_B_Y,
} from './l0l1-appendix-b';

/** Half a unit in the 2nd significant digit: the paper prints (at most) 2 significant figures. */
function printHalfUnit(v: number): number {
  return 0.5 * 10 ** (Math.floor(Math.log10(Math.abs(v))) - 1);
}

/**
 * Interval of factors c such that end[k] = c * start[k] is consistent with every printed pair
 * (each value known to +- printHalfUnit). Returns [lo, hi]; lo > hi means "not radial".
 */
function radialFactorInterval(start: readonly number[], end: readonly number[]): [number, number] {
  let lo = -Infinity;
  let hi = Infinity;
  for (let k = 0; k < Math.min(start.length, end.length); k++) {
    const s = start[k]!;
    const e = end[k]!;
    const ds = printHalfUnit(s);
    const de = printHalfUnit(e);
    const c = [(e - de) / (s - ds), (e - de) / (s + ds), (e + de) / (s - ds), (e + de) / (s + ds)];
    lo = Math.max(lo, Math.min(...c));
    hi = Math.min(hi, Math.max(...c));
  }
  return [lo, hi];
}

const TOL = 1e-9;
const isRadial = ([lo, hi]: [number, number]): boolean => lo <= hi * (1 + TOL);
const admits = ([lo, hi]: [number, number], c: number): boolean => lo <= c * (1 + TOL) && c <= hi * (1 + TOL);

describe('Appendix B transcription: counts and ranges', () => {
  it('has 20 x and 20 y values, all finite and within [-1, 1]', () => {
    expect(APPENDIX_B_X).toHaveLength(20);
    expect(APPENDIX_B_Y).toHaveLength(20);
    for (const v of [...APPENDIX_B_X, ...APPENDIX_B_Y]) {
      expect(Number.isFinite(v)).toBe(true);
      expect(Math.abs(v)).toBeLessThanOrEqual(1);
    }
  });

  it('has 7 segments S1..S7, each with 51 start and 51 end values, all finite and nonzero', () => {
    expect(APPENDIX_B_SEGMENTS.map((s) => s.name)).toEqual(['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7']);
    for (const seg of APPENDIX_B_SEGMENTS) {
      expect(seg.start).toHaveLength(51);
      expect(seg.end).toHaveLength(51);
      expect(seg.paperDescription.length).toBeGreaterThan(0);
      for (const v of [...seg.start, ...seg.end]) {
        expect(Number.isFinite(v)).toBe(true);
        expect(v).not.toBe(0);
      }
    }
  });

  it('has three random vectors w2, w4, w6 of 51 finite values each', () => {
    expect(Object.keys(APPENDIX_B_RANDOM_VECTORS).sort()).toEqual(['w2', 'w4', 'w6']);
    for (const w of Object.values(APPENDIX_B_RANDOM_VECTORS)) {
      expect(w).toHaveLength(51);
      for (const v of w) expect(Number.isFinite(v)).toBe(true);
    }
  });

  it('records its source in one line', () => {
    expect(APPENDIX_B_SOURCE).toContain('000_2f1bcafc3c2d6332.txt');
    expect(APPENDIX_B_SOURCE).toContain('001_c32825e67da1c7e6.txt');
    expect(APPENDIX_B_SOURCE).not.toContain('\n');
  });
});

describe('Appendix B transcription: spot checks against the printed text', () => {
  const seg = (name: string) => APPENDIX_B_SEGMENTS.find((s) => s.name === name)!;
  const firstLast = (a: readonly number[]) => [a[0], a[a.length - 1]];

  it('x and y', () => {
    expect(firstLast(APPENDIX_B_X)).toEqual([-0.51, 0.41]);
    expect(APPENDIX_B_X[10]).toBe(0.4); // row 2 starts "& 0.40" in extraction 000 (empty cell dropped)
    expect(firstLast(APPENDIX_B_Y)).toEqual([-0.7, 0.9]);
    expect(APPENDIX_B_Y[10]).toBe(-0.35);
  });

  it('start_i / end_i first and last entries', () => {
    const expected: Record<string, [number, number, number, number]> = {
      S1: [0.048, -0.0077, 9.6, -1.6],
      S2: [0.068, 0.015, 14, 3],
      S3: [0.085, -0.024, 17, -4.8],
      S4: [-16, 13, -35, 28],
      S5: [0.37, 0.14, 42 /* reconstructed */, 16],
      S6: [0.27, -0.053, 30, -5.9],
      S7: [0.34, 0.082, 33, 8.1],
    };
    for (const [name, [s0, s50, e0, e50]] of Object.entries(expected)) {
      const s = seg(name);
      expect([...firstLast(s.start), ...firstLast(s.end)]).toEqual([s0, s50, e0, e50]);
    }
  });

  it('keeps the printed precision of a few awkward entries', () => {
    expect(seg('S1').start[22]).toBe(0.00088); // 000: 0.00088, 001: 0.0008
    expect(seg('S1').end[6]).toBe(-12);
    expect(seg('S1').end[15]).toBe(1);
    expect(seg('S4').start[3]).toBe(0.032);
    expect(seg('S6').start[11]).toBe(-0.00026);
  });

  it('random vectors first and last entries', () => {
    expect(firstLast(APPENDIX_B_RANDOM_VECTORS.w2)).toEqual([-0.87, 0.36]);
    expect(firstLast(APPENDIX_B_RANDOM_VECTORS.w4)).toEqual([-0.72, 0.34]);
    expect(firstLast(APPENDIX_B_RANDOM_VECTORS.w6)).toEqual([0.64, 0.12]);
    expect(APPENDIX_B_RANDOM_VECTORS.w2[6]).toBe(-0.004);
  });

  it('end_5 is printed with only 50 entries; only index 0 of S5.end is reconstructed', () => {
    expect(APPENDIX_B_END5_AS_PRINTED).toHaveLength(50);
    expect(firstLast(APPENDIX_B_END5_AS_PRINTED)).toEqual([-33, 16]);
    expect(seg('S5').end.slice(1)).toEqual([...APPENDIX_B_END5_AS_PRINTED]);
    expect(seg('S5').reconstructedEndIndices).toEqual([0]);
    for (const s of APPENDIX_B_SEGMENTS) if (s.name !== 'S5') expect(s.reconstructedEndIndices).toBeUndefined();
  });
});

describe('Appendix B: relation between start_i and end_i', () => {
  it('every segment is radial (end = c * start within 2-significant-figure print rounding)', () => {
    const radial = APPENDIX_B_SEGMENTS.filter((s) => isRadial(radialFactorInterval(s.start, s.end))).map(
      (s) => s.name,
    );
    expect(radial).toEqual(['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7']);
  });

  it('S5 is radial only with end_5 shifted by one: the printed 50 values are components 2..51', () => {
    const s5 = APPENDIX_B_SEGMENTS[4]!;
    expect(isRadial(radialFactorInterval(s5.start.slice(0, 50), APPENDIX_B_END5_AS_PRINTED))).toBe(false);
    const shifted = radialFactorInterval(s5.start.slice(1), APPENDIX_B_END5_AS_PRINTED);
    expect(isRadial(shifted)).toBe(true);
    // the reconstructed first entry is consistent with that factor
    expect(admits(shifted, 42 / 0.37)).toBe(true);
  });

  it('the feasible factor intervals match the exported bounds', () => {
    for (const s of APPENDIX_B_SEGMENTS) {
      const [lo, hi] = radialFactorInterval(s.start, s.end);
      const [blo, bhi] = APPENDIX_B_RADIAL_FACTOR_BOUNDS[s.name]!;
      expect(lo).toBeGreaterThanOrEqual(blo - TOL);
      expect(hi).toBeLessThanOrEqual(bhi + TOL);
      expect(lo - blo).toBeLessThan(0.011);
      expect(bhi - hi).toBeLessThan(0.011);
    }
  });

  it('end = 200 * start holds for S1, S2, S3 only; S7 is not 100 * start', () => {
    const with200 = APPENDIX_B_SEGMENTS.filter((s) => admits(radialFactorInterval(s.start, s.end), 200)).map(
      (s) => s.name,
    );
    expect(with200).toEqual(['S1', 'S2', 'S3']);
    const s7 = APPENDIX_B_SEGMENTS[6]!;
    expect(admits(radialFactorInterval(s7.start, s7.end), 100)).toBe(false);
  });
});
