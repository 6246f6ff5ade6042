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
