import { contourSegments, sampleGrid } from './contours';

describe('contourSegments', () => {
  it('traces a circle for x² + y² = 1', () => {
    const grid = sampleGrid((x, y) => x * x + y * y, [-2, 2], [-2, 2], 41, 41);
    const segments = contourSegments(grid, 1);
    expect(segments.length).toBeGreaterThan(30);
    for (const [p, q] of segments) {
      expect(Math.hypot(...p)).toBeCloseTo(1, 1);
      expect(Math.hypot(...q)).toBeCloseTo(1, 1);
    }
  });

  it('finds nothing for a level outside the range', () => {
    expect(contourSegments(sampleGrid((x) => x, [0, 1], [0, 1], 5, 5), 3)).toEqual([]);
  });
});
