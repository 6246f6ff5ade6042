import { CONTEXT_GREY, escapeXml, formatDecade, formatLinearTick, logTicks, niceTicks, PALETTE, renderPlot } from './svg';
import type { PlotSpec } from '../types';
import { checkXml } from './xml-check';

const linePlot = (over: Partial<PlotSpec> = {}): PlotSpec => ({
  id: 'p',
  title: 'Loss along the path',
  x: { label: 'alpha' },
  y: { label: 'loss' },
  series: [
    { name: 'train', mark: 'line', x: [0, 0.5, 1], y: [2, 1, 0.5] },
    { name: 'test', mark: 'points', x: [0, 0.5, 1], y: [2.1, 1.2, 0.7] },
  ],
  ...over,
});

describe('niceTicks', () => {
  it('chooses 1-2-5 steps that cover the range', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.13, 9.7, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(-3.2, 7.9, 5)).toEqual([-4, -2, 0, 2, 4, 6, 8]);
    expect(niceTicks(1000, 1300, 4)).toEqual([1000, 1100, 1200, 1300]);
  });

  it('gives exact decimals and no negative zero', () => {
    const ticks = niceTicks(0.1, 0.7, 6);
    expect(ticks).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
    expect(Object.is(niceTicks(-1, 1, 4).find((t) => t === 0), 0)).toBe(true);
    expect(niceTicks(-0.0003, 0.0004, 7).every((t) => String(t).length < 9)).toBe(true);
  });

  it('widens a zero-width range, swaps a reversed one and rejects non-finite bounds', () => {
    const one = niceTicks(5, 5, 5);
    expect(one[0]).toBeLessThan(5);
    expect(one[one.length - 1]).toBeGreaterThan(5);
    expect(niceTicks(0, 0, 5)).toEqual(niceTicks(-1, 1, 5));
    expect(niceTicks(10, 0, 5)).toEqual(niceTicks(0, 10, 5));
    expect(niceTicks(NaN, 1, 5)).toEqual([]);
    expect(niceTicks(0, Infinity, 5)).toEqual([]);
  });

  it('keeps the tick count near the request', () => {
    for (const [a, b] of [[0, 1], [0.001, 0.0097], [-1234, 98765], [3, 3.0001]] as const) {
      const n = niceTicks(a, b, 5).length;
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(13);
    }
  });
});

describe('logTicks', () => {
  it('gives decades covering the range', () => {
    expect(logTicks(3, 2500)).toEqual([1, 10, 100, 1000, 10000]);
    expect(logTicks(0.001, 1)).toEqual([0.001, 0.01, 0.1, 1]);
    expect(logTicks(100, 100)).toEqual([100, 1000]);
    expect(logTicks(2, 8)).toEqual([1, 10]);
  });

  it('thins to at most about ten ticks over many decades', () => {
    const ticks = logTicks(1e-12, 1e12);
    expect(ticks.length).toBeLessThanOrEqual(13);
    expect(ticks[0]).toBeLessThanOrEqual(1e-12);
    expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(1e12);
    for (let i = 1; i < ticks.length; i++) expect(Math.round(Math.log10(ticks[i]! / ticks[i - 1]!))).toBe(Math.round(Math.log10(ticks[1]! / ticks[0]!)));
  });

  it('refuses non-positive bounds', () => {
    expect(logTicks(0, 10)).toEqual([]);
    expect(logTicks(-1, 10)).toEqual([]);
  });

  it('labels decades with superscripts', () => {
    expect(formatDecade(100)).toBe('10²');
    expect(formatDecade(0.001)).toBe('10⁻³');
    expect(formatDecade(1)).toBe('10⁰');
    expect(formatLinearTick(0.30000000000000004, 0.1)).toBe('0.3');
    expect(formatLinearTick(-2, 1)).toBe('−2');
    expect(formatLinearTick(2_000_000, 1_000_000)).toBe('2×10⁶');
  });
});

describe('renderPlot', () => {
  it('is well-formed, accessible and deterministic', () => {
    const svg = renderPlot(linePlot());
    const names = checkXml(svg);
    expect(names[0]).toBe('svg');
    expect(names[1]).toBe('title');
    expect(names[2]).toBe('desc');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* role="img"/);
    expect(svg).toContain('<title>Loss along the path</title>');
    expect(svg).toMatch(/<desc>[^<]*1 line series and 1 point series, 6 plotted points/);
    expect(svg).toContain('>alpha</text>');
    expect(svg).toContain('>loss</text>');
    expect(renderPlot(linePlot())).toBe(svg);
  });

  it('rounds every coordinate to one decimal', () => {
    const svg = renderPlot(linePlot({ series: [{ name: 's', mark: 'line', x: [0, 1 / 3, 2 / 3, 1], y: [Math.PI, Math.E, 1 / 7, 0] }] }));
    const numbers = [...svg.matchAll(/ d="([^"]*)"/g)].flatMap((m) => m[1]!.match(/-?\d+(\.\d+)?/g) ?? []);
    expect(numbers.length).toBeGreaterThan(10);
    for (const n of numbers) expect(n).toMatch(/^-?\d+(\.\d)?$/);
  });

  it('draws log axes with decade labels and reports skipped non-positive values', () => {
    const svg = renderPlot(
      linePlot({
        y: { label: 'loss', scale: 'log' },
        series: [{ name: 'train', mark: 'points', x: [1, 2, 3, 4, 5], y: [0.02, 0.5, 0, -3, 40] }],
      }),
    );
    checkXml(svg);
    for (const label of ['10⁻²', '10⁻¹', '10⁰', '10¹', '10²']) expect(svg).toContain(`>${label}</text>`);
    expect(svg).toContain('loss (log scale)');
    expect(svg).toMatch(/<desc>[^<]*2 points were skipped because a logarithmic axis cannot show zero or negative values/);
    expect(svg).toMatch(/<desc>[^<]*3 plotted points/);
  });

  it('escapes the title, axis labels, series names and caption', () => {
    const evil = '<script>alert("x")</script> & co';
    const svg = renderPlot({
      id: 'x',
      title: evil,
      caption: evil,
      x: { label: evil },
      y: { label: 'y' },
      series: [
        { name: evil, mark: 'line', x: [0, 1], y: [0, 1] },
        { name: 'other', mark: 'line', x: [0, 1], y: [1, 0] },
      ],
    });
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
    checkXml(svg);
    expect(escapeXml('a\u0000b<')).toBe('ab&lt;');
  });

  it('gives series of one group one colour and one legend entry', () => {
    const series: PlotSpec['series'] = [];
    for (let i = 0; i < 300; i++) {
      series.push({ name: `run ${i}`, group: i % 2 === 0 ? 'even' : 'odd', mark: 'line', x: [0, 1, 2], y: [i, i + 1, i / 2] });
    }
    const svg = renderPlot(linePlot({ series }));
    checkXml(svg);
    expect(svg.match(/>even<\/text>/g)).toHaveLength(1);
    expect(svg.match(/>odd<\/text>/g)).toHaveLength(1);
    expect(svg).not.toContain('run 1');
    // one <path> per line series, inside one <g> per colour
    const data = svg.slice(svg.indexOf('<g class="data">'), svg.indexOf('</g>', svg.lastIndexOf('<g fill="none"')) + 4);
    expect(data.match(/<path /g)).toHaveLength(300);
    expect(data.match(/<g fill="none" stroke="#[0-9A-F]{6}"/g)).toHaveLength(2);
  });

  it('draws context series in grey beneath the data, without taking a palette colour', () => {
    const svg = renderPlot(
      linePlot({
        series: [
          { name: 'run', group: 'runs', mark: 'line', x: [0, 1], y: [0, 1] },
          { name: 'level 1', group: 'contours', context: true, mark: 'line', x: [0, 1], y: [1, 0] },
        ],
      }),
    );
    checkXml(svg);
    const data = svg.slice(svg.indexOf('<g class="data">'));
    expect(data.indexOf(`stroke="${CONTEXT_GREY}"`)).toBeGreaterThan(-1);
    expect(data.indexOf(`stroke="${CONTEXT_GREY}"`)).toBeLessThan(data.indexOf(`stroke="${PALETTE[0]}"`)); // beneath
    expect(svg).toContain('>contours</text>');
  });

  it('stays light with hundreds of series and thousands of points', () => {
    const series: PlotSpec['series'] = [];
    for (let i = 0; i < 200; i++) {
      const x = Array.from({ length: 50 }, (_, j) => j / 49);
      series.push({ name: `s${i}`, group: `class ${i % 5}`, mark: i % 2 ? 'points' : 'line', x, y: x.map((t) => Math.sin(t * 6 + i / 10) + i / 100) });
    }
    const svg = renderPlot(linePlot({ series }));
    checkXml(svg);
    expect(svg.length).toBeLessThan(400_000);
    // points: one path per colour, not one element per point
    expect(svg.match(/<path fill="#/g)!.length).toBeLessThanOrEqual(5);
    expect(svg).not.toContain('<circle cx="0');
  });

  it('copes with empty, mismatched and non-finite data', () => {
    const empty = renderPlot(linePlot({ series: [] }));
    checkXml(empty);
    expect(empty).toContain('no plottable data');
    const odd = renderPlot(linePlot({ series: [{ name: 'a', mark: 'line', x: [0, 1, 2, 3], y: [1, NaN, 3] }] }));
    checkXml(odd);
    expect(odd).toMatch(/1 point was skipped because a value is missing or not finite/);
  });
});

describe('long titles', () => {
  it('wrap onto a second line instead of running off the chart', () => {
    const title = 'newton-mr: squared gradient norm per iteration, coloured by how each run ended, with a long tail of words that goes on';
    const svg = renderPlot({ id: 't', title, x: { label: 'x' }, y: { label: 'y' }, series: [{ name: 's', mark: 'line', x: [1, 2], y: [1, 2] }] });
    const lines = [...svg.matchAll(/<text [^>]*font-weight="600"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(lines).toHaveLength(2);
    expect(lines[0].startsWith('newton-mr: squared gradient norm')).toBe(true);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
    expect(svg).toContain(`<title>${title}</title>`);
  });
});
