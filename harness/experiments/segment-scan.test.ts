import { testContext } from '../testing/context';
import { classifyShape, segmentScan, type SegmentScanParams } from './segment-scan';

const thresholds = { linearMaxSlope: 1.3, linearMinR2: 0.95 };
const grid = Array.from({ length: 50 }, (_, i) => 1 + i / 5);

describe('classifyShape', () => {
  it('calls a straight line linear', () => {
    expect(classifyShape(grid, grid.map((g) => 3 + 2 * g), thresholds)).toMatchObject({ shape: 'linear', monotone: true });
  });
  it('calls monotone quadratic growth superlinear', () => {
    const s = classifyShape(grid, grid.map((g) => g * g * g), thresholds);
    expect(s.shape).toBe('superlinear');
    expect(s.loglogSlope).toBeCloseTo(3, 10);
  });
  it('calls a U shape other', () => {
    const down = Array.from({ length: 50 }, (_, i) => 10 - i / 10);
    const u = down.map((_, i) => (i - 25) ** 2 + 1);
    expect(classifyShape(down, u, thresholds)).toMatchObject({ shape: 'other', monotone: false });
  });
});

describe('segment-scan', () => {
  it('scans the printed App. B segments and fresh Kaiming segments, with evidence for each point', () => {
    const params: SegmentScanParams = {
      network: { widths: [1, 4, 7, 1], activation: 'tanh' },
      loss: { kind: 'sse' },
      data: { source: 'l0l1-appendix-b' },
      segments: [{ source: 'l0l1-appendix-b' }, { source: 'kaiming-radial', count: 3, startScale: 0.005, endScale: 1 }],
      points: 8,
      shape: thresholds,
    };
    const out = segmentScan.run(params, testContext(1)) as Awaited<ReturnType<typeof segmentScan.run>>;
    expect(out.metrics['kaiming.count']).toBe(3);
    expect(out.metrics['kaiming.linear'] + out.metrics['kaiming.superlinear'] + out.metrics['kaiming.other']).toBe(3);
    expect(out.metrics['appendixB.linear'] + out.metrics['appendixB.superlinear'] + out.metrics['appendixB.other']).toBe(7);
    expect(Object.keys(out.observations ?? {})).toEqual(['S1.shape', 'S2.shape', 'S3.shape', 'S4.shape', 'S5.shape', 'S6.shape', 'S7.shape']);
    const segments = (out.evidence as { segments: { gradientNorm: number[]; start: number[] }[] }).segments;
    expect(segments).toHaveLength(10);
    expect(segments[0].gradientNorm).toHaveLength(8);
    expect(segments[0].start).toHaveLength(51);
    for (const m of segmentScan.metrics(params)) expect(out.metrics[m] ?? out.observations?.[m]).toBeDefined();
  });
});

describe('segment-scan evidence', () => {
  it('recomputes every class count and the split p-value from the stored norms alone', () => {
    const params: SegmentScanParams = {
      network: { widths: [1, 4, 7, 1], activation: 'tanh' },
      loss: { kind: 'sse' },
      data: { source: 'l0l1-appendix-b' },
      segments: [{ source: 'kaiming-radial', count: 7, init: 'uniform-fan-in', norms: 'l0l1-appendix-b' }],
      points: 12,
      shape: thresholds,
      compareWith: { linear: 6, superlinear: 5, other: 4 },
    };
    const out = segmentScan.run(params, testContext(2)) as Awaited<ReturnType<typeof segmentScan.run>>;
    const ev = JSON.parse(JSON.stringify(out.evidence)) as {
      shapeThresholds: typeof thresholds;
      compareWith: { linear: number; superlinear: number; other: number };
      segments: { start: number[]; end: number[]; gradientNorm: number[]; hessianFrobeniusNorm: number[] }[];
    };
    // Independent plain code: least-squares lines, monotonicity and the rules of the module comment.
    const line = (x: number[], y: number[]): { slope: number; r2: number } => {
      const n = x.length;
      const mx = x.reduce((a, b) => a + b, 0) / n;
      const my = y.reduce((a, b) => a + b, 0) / n;
      const sxy = x.reduce((a, v, i) => a + (v - mx) * (y[i] - my), 0);
      const sxx = x.reduce((a, v) => a + (v - mx) ** 2, 0);
      const syy = y.reduce((a, v) => a + (v - my) ** 2, 0);
      return { slope: sxy / sxx, r2: (sxy * sxy) / (sxx * syy) };
    };
    const direction = (v: number[]): number => {
      const slack = 1e-9 * (Math.max(...v) - Math.min(...v));
      const steps = v.slice(1).map((x, i) => x - v[i]);
      const up = steps.every((s) => s >= -slack);
      const down = steps.every((s) => s <= slack);
      return up && !down ? 1 : down && !up ? -1 : 0;
    };
    const counts = { linear: 0, superlinear: 0, other: 0 };
    for (const s of ev.segments) {
      const g = s.gradientNorm;
      const h = s.hessianFrobeniusNorm;
      const slope = line(g.map(Math.log), h.map(Math.log)).slope;
      const r2 = line(g, h).r2;
      const monotone = direction(g) !== 0 && direction(g) === direction(h);
      const cls = slope <= ev.shapeThresholds.linearMaxSlope && r2 >= ev.shapeThresholds.linearMinR2 ? 'linear' : monotone && slope > ev.shapeThresholds.linearMaxSlope ? 'superlinear' : 'other';
      counts[cls]++;
      // Radial: end is a multiple of start.
      const ratio = s.end[0] / s.start[0];
      s.end.forEach((v, j) => expect(v).toBeCloseTo(ratio * s.start[j], 10));
    }
    expect(counts).toEqual({ linear: out.metrics['kaiming.linear'], superlinear: out.metrics['kaiming.superlinear'], other: out.metrics['kaiming.other'] });
    // Freeman–Halton p-value by enumerating every 2×3 table with the observed margins.
    const a = [counts.linear, counts.superlinear, counts.other];
    const b = [ev.compareWith.linear, ev.compareWith.superlinear, ev.compareWith.other];
    const cols = a.map((v, j) => v + b[j]);
    const rowA = a[0] + a[1] + a[2];
    const total = rowA + b[0] + b[1] + b[2];
    const choose = (m: number, k: number): number => Array.from({ length: k }, (_, i) => (m - i) / (i + 1)).reduce((s, v) => s * v, 1);
    const prob = (x: number[]): number => (choose(cols[0], x[0]) * choose(cols[1], x[1]) * choose(cols[2], x[2])) / choose(total, rowA);
    let p = 0;
    for (let x0 = 0; x0 <= Math.min(cols[0], rowA); x0++) {
      for (let x1 = 0; x1 <= Math.min(cols[1], rowA - x0); x1++) {
        const x2 = rowA - x0 - x1;
        if (x2 <= cols[2] && prob([x0, x1, x2]) <= prob(a) * (1 + 1e-7)) p += prob([x0, x1, x2]);
      }
    }
    expect(p).toBeCloseTo(out.metrics['kaiming.splitPValue'], 10);
  });
});
