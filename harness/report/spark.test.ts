import { sparkline, trendChart, valueDomain, verdictGlyph, verdictStrip } from './spark';
import type { Verdict } from '../types';
import { checkXml } from './xml-check';

const VERDICTS: Verdict[] = ['reproduced', 'not reproduced', 'error', 'not run at this tier'];

describe('verdictStrip', () => {
  it('draws one titled square per result, with title and description, as valid XML', () => {
    const svg = verdictStrip(
      VERDICTS.map((verdict, i) => ({ verdict, label: `run ${i} <${verdict}>`, incomplete: i === 3 })),
      'Verdict history',
      'Four runs & their verdicts',
    );
    checkXml(svg);
    expect(svg).toMatch(/^<svg [^>]*class="strip" role="img"[^>]*><title>Verdict history<\/title><desc>Four runs &amp; their verdicts<\/desc>/);
    expect(svg.match(/<g transform=/g)).toHaveLength(4);
    expect(svg).toContain('<title>run 0 &lt;reproduced&gt;</title>');
    expect(svg).toContain('width="54"'); // 4 × 12 + 3 × 2
    expect(svg).toContain('stroke-dasharray="2 1"'); // the incomplete-run bar
  });

  it('gives every verdict its own shape, not only its own colour', () => {
    const glyphs = VERDICTS.map((v) => verdictGlyph(v).replace(/#[0-9a-fA-F]{3,6}/g, '#000'));
    expect(new Set(glyphs).size).toBe(4); // still distinct with every colour replaced by black
    for (const g of glyphs) {
      checkXml(g);
      expect(g).toContain('aria-hidden="true"');
    }
  });

  it('scales the squares', () => {
    const svg = verdictStrip([{ verdict: 'reproduced', label: 'a' }, { verdict: 'error', label: 'b' }], 't', 'd', 10);
    expect(svg).toContain('width="22"');
    expect(svg).toContain('scale(0.833)');
    checkXml(svg);
  });
});

describe('sparkline', () => {
  it('draws the line with gaps, the accepted band, crosses for flagged points and the newest point', () => {
    const svg = sparkline([1, 2, null, 3, 2.5], { title: 'slope', desc: 'five runs', band: { min: 1.5, max: 2.8 }, flagged: [true, false, false, true, false] });
    checkXml(svg);
    expect(svg).toMatch(/<title>slope<\/title><desc>five runs<\/desc>/);
    expect(svg).toContain('fill="#e4efe6"'); // band
    const line = svg.match(/<path d="([^"]+)" fill="none" stroke="#3b3b3b"/)![1]!;
    expect(line.match(/M/g)).toHaveLength(2); // broken at the null
    expect(svg.match(/l5 5/g)).toHaveLength(2); // two crosses
    expect(svg).toContain('<circle cx="116.5"'); // newest point at the right edge
    expect(sparkline([1, 2, null, 3, 2.5], { title: 'slope', desc: 'five runs', band: { min: 1.5, max: 2.8 }, flagged: [true, false, false, true, false] })).toBe(svg);
  });

  it('copes with no data, one value and a constant', () => {
    for (const values of [[], [null], [2], [2, 2, 2]]) checkXml(sparkline(values, { title: 't', desc: 'd' }));
    expect(sparkline([], { title: 't', desc: 'd' })).toContain('stroke-dasharray="2 2"');
  });

  it('keeps the data readable when the band is far away', () => {
    const svg = sparkline([1.0, 1.01, 1.02], { title: 't', desc: 'd', band: { max: 1000 } });
    const ys = [...svg.matchAll(/[M ]([\d.]+) ([\d.]+)/g)].map((m) => Number(m[2]));
    expect(Math.max(...ys) - Math.min(...ys)).toBeGreaterThan(15); // not squashed into a pixel
  });
});

describe('trendChart', () => {
  it('draws a titled chart with dates, band, crosses, hollow incomplete points and a legend', () => {
    const points = [0.05, 0.06, null, 0.2, 0.052].map((value, i) => ({
      value,
      date: `2025-03-0${i + 1}`,
      flagged: value === 0.2,
      hollow: i === 4,
      tooltip: `run ${i}`,
    }));
    const svg = trendChart(points, { title: 'loss over 5 runs', desc: 'values in the table', yLabel: 'loss', band: { min: 0.025, max: 0.075 }, bandLabel: 'accepted 0.05 ± 50%' });
    checkXml(svg);
    expect(svg).toMatch(/^<svg [^>]*role="img"[^>]*><title>loss over 5 runs<\/title><desc>values in the table<\/desc>/);
    expect(svg).toContain('>2025-03-01</text>');
    expect(svg).toContain('>2025-03-05</text>');
    expect(svg).toContain('<title>run 3</title><path');
    expect(svg).toContain('fill="#fff" stroke="#0b5cad"'); // hollow: incomplete run
    expect(svg).toContain('outside the accepted region');
    expect(svg).toContain('incomplete run');
    expect(svg).toContain('accepted 0.05 ± 50%');
  });

  it('drops per-point tooltips for long histories and says so when nothing was measured', () => {
    const many = Array.from({ length: 400 }, (_, i) => ({ value: Math.sin(i), date: `d${i}`, tooltip: `run ${i}` }));
    const svg = trendChart(many, { title: 't', desc: 'd', yLabel: 'y' });
    checkXml(svg);
    expect(svg).not.toContain('<title>run 5</title>');
    expect(svg.length).toBeLessThan(20_000);
    expect(trendChart([{ value: null, date: 'd', tooltip: 'x' }], { title: 't', desc: 'd', yLabel: 'y' })).toContain('no measured values');
  });
});

describe('valueDomain', () => {
  it('takes in a band bound only when the data keeps enough of the height', () => {
    const near = (d: [number, number]): number[] => d.map((v) => Number(v.toFixed(9)));
    expect(near(valueDomain([1, 2], { min: 0.5, max: 2.5 }, 3))).toEqual([0.34, 2.66]); // with 8 % room beyond the bounds
    expect(valueDomain([1, 2], { max: 100 }, 3)).toEqual([1, 2]);
    expect(near(valueDomain([1, 2], { min: -0.5 }, 3))).toEqual([-0.7, 2.2]);
  });

  it('always shows the bound beside constant data, unless it is absurdly far', () => {
    const [lo, hi] = valueDomain([0.1, 0.1], { min: 0.6 }, 4);
    expect(lo).toBeCloseTo(0.06);
    expect(hi).toBeCloseTo(0.64);
    expect(valueDomain([1, 1], { max: 1e6 }, 4)).toEqual([1, 1]);
    expect(valueDomain([0], { min: 5 }, 4).map((v) => Number(v.toFixed(9)))).toEqual([-0.4, 5.4]);
    expect(valueDomain([], { min: 5 }, 4)).toEqual([0, 1]);
  });

  it('says in the legend when the band lies outside the chart', () => {
    const points = [1, 1.01, 1.02].map((value, i) => ({ value, date: `d${i}`, tooltip: 't' }));
    expect(trendChart(points, { title: 't', desc: 'd', yLabel: 'y', band: { min: 5 }, bandLabel: 'accepted ≥ 5' })).toContain('accepted ≥ 5 (outside the range shown)');
    expect(trendChart(points, { title: 't', desc: 'd', yLabel: 'y', band: { max: 1000 }, bandLabel: 'accepted ≤ 1000' })).toContain('>accepted ≤ 1000</text>'); // covers it all
    expect(trendChart(points, { title: 't', desc: 'd', yLabel: 'y', band: { max: 1.05 }, bandLabel: 'accepted ≤ 1.05' })).toContain('>accepted ≤ 1.05</text>');
  });
});
