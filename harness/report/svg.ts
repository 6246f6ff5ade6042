/**
 * Declarative plots (`PlotSpec`) rendered as standalone inline SVG: no scripts, no external fonts, no
 * ids (so any number of plots can share a page). A pure function of its input: the same plot always
 * gives the same bytes.
 *
 * Size is kept small for plots with hundreds of series and thousands of points: coordinates are rounded
 * to one decimal, every line series is one `<path>`, every colour's points are one `<path>` of tiny
 * arcs, points that land on the same rounded spot are drawn once, and series sharing a `group` share
 * one colour and one legend entry.
 */
import type { AxisSpec, PlotSeries, PlotSpec } from '../types';

/** Okabe–Ito, reordered so that neighbours differ in lightness too; yellow is left out (too faint on white). */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#000000'] as const;
/** Colour of context series (contours, reference points), which stay out of the palette. */
export const CONTEXT_GREY = '#a0a0a0';
/** Used, with the palette, once there are more legend entries than colours. */
const DASHES = ['', '6 3', '2 2', '8 3 2 3'] as const;

const WIDTH = 640;
const PLOT_HEIGHT = 300;
const MARGIN_TOP = 36;
const MARGIN_RIGHT = 20;
const MARGIN_BOTTOM = 48;
const CHAR_WIDTH = 6.4; // rough advance of an 11–12px system-ui glyph; used only for layout
const TITLE_CHAR_WIDTH = 7.4; // the same for the 13px bold title
const TITLE_LINE_HEIGHT = 17;
const POINT_RADIUS = 2.2;
/** More markers than this are thinned evenly (and the description says so). */
export const MAX_POINTS = 20_000;
const MAX_LEGEND_ENTRIES = 24;
const MAX_LEGEND_LABEL = 48;

// ---------------------------------------------------------------------------------------------------
// Ticks

function niceStep(raw: number): { step: number; exponent: number; mantissa: number } {
  const exponent = Math.floor(Math.log10(raw));
  const fraction = raw / 10 ** exponent;
  const mantissa = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
  return mantissa === 10 ? { step: 10 ** (exponent + 1), exponent: exponent + 1, mantissa: 1 } : { step: mantissa * 10 ** exponent, exponent, mantissa };
}

/** k · mantissa · 10^exponent without the binary noise of a plain product (0.30000000000000004). */
function tickValue(k: number, mantissa: number, exponent: number): number {
  const v = exponent >= 0 ? k * mantissa * 10 ** exponent : (k * mantissa) / 10 ** -exponent;
  return v === 0 ? 0 : v; // no -0
}

/**
 * About `count` evenly spaced round ticks (steps of 1, 2 or 5 × 10^k) that cover [min, max]; the first
 * tick is ≤ min and the last ≥ max, so they double as a "nice" axis domain. A zero-width range is widened.
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min > max) [min, max] = [max, min];
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= pad;
    max += pad;
  }
  const { mantissa, exponent, step } = niceStep((max - min) / Math.max(1, Math.round(count)));
  const first = Math.floor(min / step + 1e-9);
  const last = Math.ceil(max / step - 1e-9);
  const ticks: number[] = [];
  for (let k = first; k <= last; k++) ticks.push(tickValue(k, mantissa, exponent));
  return ticks;
}

/** Exactly 10^e (Math.pow(10, -3) is 0.0010000000000000002). */
function decade(e: number): number {
  return Number(`1e${e}`);
}

/**
 * Decade ticks (powers of ten) covering [min, max] for a log10 axis: the first is ≤ min, the last ≥ max,
 * at least two. Over many decades only every 2nd, 3rd, … decade is kept, so there are at most about ten.
 * Non-positive or non-finite bounds give no ticks.
 */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0) || !(max > 0) || !Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min > max) [min, max] = [max, min];
  let lo = Math.floor(Math.log10(min) + 1e-9);
  let hi = Math.ceil(Math.log10(max) - 1e-9);
  if (hi <= lo) hi = lo + 1;
  const every = Math.max(1, Math.ceil((hi - lo) / 10));
  lo = Math.floor(lo / every) * every;
  const ticks: number[] = [];
  let e = lo;
  for (; e < hi; e += every) ticks.push(decade(e));
  ticks.push(decade(e));
  return ticks;
}

const SUPERSCRIPT: Record<string, string> = {
  '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹',
};

function superscript(n: number): string {
  return String(n).replace(/[-0-9]/g, (c) => SUPERSCRIPT[c] ?? c);
}

/** `10²`, `10⁻³` for a power of ten. */
export function formatDecade(value: number): string {
  return `10${superscript(Math.round(Math.log10(value)))}`;
}

/** Label for a linear tick, with as many decimals as the tick step needs; huge or tiny values as m×10ⁿ. */
export function formatLinearTick(value: number, step: number): string {
  if (value === 0) return '0';
  const stepExp = Math.floor(Math.log10(step) + 1e-9);
  const largest = Math.abs(value);
  if (largest >= 1e6 || largest < 1e-4) {
    const exp = Math.floor(Math.log10(largest) + 1e-9);
    const digits = Math.min(6, Math.max(0, exp - stepExp));
    const mantissa = (value / 10 ** exp).toFixed(digits).replace(/\.?0+$/, '');
    return mantissa === '1' ? `10${superscript(exp)}` : mantissa === '-1' ? `−10${superscript(exp)}` : `${mantissa.replace('-', '−')}×10${superscript(exp)}`;
  }
  return value.toFixed(Math.max(0, -stepExp)).replace('-', '−');
}

/** Compact number for descriptions: 4 significant digits, no trailing zeros. */
function formatValue(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e6 || abs < 1e-4) return value.toExponential(3).replace(/\.?0+e/, 'e');
  return String(Number(value.toPrecision(4)));
}

// ---------------------------------------------------------------------------------------------------
// Axes

interface Axis {
  log: boolean;
  lo: number;
  hi: number;
  ticks: { value: number; label: string }[];
  minor: number[];
}

function buildAxis(spec: AxisSpec, values: { min: number; max: number } | undefined, count: number): Axis {
  const log = spec.scale === 'log';
  if (log) {
    const decades = values ? logTicks(values.min, values.max) : logTicks(1, 10);
    const lo = decades[0]!;
    const hi = decades[decades.length - 1]!;
    const minor: number[] = [];
    const span = Math.round(Math.log10(hi / lo));
    if (span <= 4 && decades.length === span + 1) {
      for (let e = Math.round(Math.log10(lo)); e < Math.round(Math.log10(hi)); e++) {
        for (let m = 2; m <= 9; m++) minor.push(m * decade(e));
      }
    }
    return { log, lo, hi, minor, ticks: decades.map((value) => ({ value, label: formatDecade(value) })) };
  }
  const ticks = values ? niceTicks(values.min, values.max, count) : niceTicks(0, 1, count);
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : 1;
  return {
    log,
    lo: ticks[0]!,
    hi: ticks[ticks.length - 1]!,
    minor: [],
    ticks: ticks.map((value) => ({ value, label: formatLinearTick(value, step) })),
  };
}

/** Position in [0, 1] along an axis. */
function fraction(axis: Axis, v: number): number {
  if (axis.log) return (Math.log10(v) - Math.log10(axis.lo)) / (Math.log10(axis.hi) - Math.log10(axis.lo));
  return (v - axis.lo) / (axis.hi - axis.lo);
}

// ---------------------------------------------------------------------------------------------------
// Text

const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Escapes text for XML/HTML element content and attribute values. */
export function escapeXml(text: string): string {
  return String(text)
    .replace(INVALID_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Splits a title at spaces into at most two lines of `max` characters; the second is truncated if need be. */
function wrapTitle(title: string, max: number): string[] {
  if ([...title].length <= max) return [title];
  const words = title.split(' ');
  let first = '';
  while (words.length > 0 && [...`${first} ${words[0]}`.trim()].length <= max) first = `${first} ${words.shift()}`.trim();
  if (first === '') return [truncate(title, max)];
  return [first, truncate(words.join(' '), max)];
}

function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** One decimal, no trailing `.0`, no `-0`. */
function r1(v: number): string {
  const s = (Math.round(v * 10) / 10).toFixed(1);
  const t = s.endsWith('.0') ? s.slice(0, -2) : s;
  return t === '-0' ? '0' : t;
}

// ---------------------------------------------------------------------------------------------------
// Rendering

interface LegendEntry {
  key: string;
  /** Drawn in grey beneath the data, see `PlotSeries.context`. */
  context: boolean;
  color: string;
  dash: string;
  hasLine: boolean;
  hasPoints: boolean;
  series: number;
}

interface Cleaned {
  series: PlotSeries;
  entry: LegendEntry;
  /** Points in order; `null` marks a dropped point (a gap in a line). */
  points: ([number, number] | null)[];
}

function isSeries(s: unknown): s is PlotSeries {
  if (typeof s !== 'object' || s === null) return false;
  const o = s as Record<string, unknown>;
  return Array.isArray(o['x']) && Array.isArray(o['y']);
}

export function renderPlot(plot: PlotSpec): string {
  const title = typeof plot.title === 'string' && plot.title !== '' ? plot.title : String(plot.id ?? 'plot');
  const xSpec: AxisSpec = plot.x ?? { label: 'x' };
  const ySpec: AxisSpec = plot.y ?? { label: 'y' };
  const xLog = xSpec.scale === 'log';
  const yLog = ySpec.scale === 'log';
  const allSeries = (Array.isArray(plot.series) ? plot.series : []).filter(isSeries);

  // Clean the data and collect ranges and legend entries.
  const entries = new Map<string, LegendEntry>();
  // Palette slots taken so far: context entries are grey and take none.
  let coloured = 0;
  const cleaned: Cleaned[] = [];
  let skippedLog = 0;
  let skippedNonFinite = 0;
  let xr: { min: number; max: number } | undefined;
  let yr: { min: number; max: number } | undefined;
  for (const series of allSeries) {
    const name = typeof series.name === 'string' ? series.name : '';
    const key = typeof series.group === 'string' && series.group !== '' ? series.group : name;
    let entry = entries.get(key);
    if (!entry) {
      const context = series.context === true;
      const i = context ? 0 : coloured++;
      entry = {
        key,
        context,
        color: context ? CONTEXT_GREY : PALETTE[i % PALETTE.length]!,
        dash: context ? '' : DASHES[Math.floor(i / PALETTE.length) % DASHES.length]!,
        hasLine: false,
        hasPoints: false,
        series: 0,
      };
      entries.set(key, entry);
    }
    entry.series++;
    if (series.mark === 'line') entry.hasLine = true;
    else entry.hasPoints = true;
    const n = Math.min(series.x.length, series.y.length);
    const points: ([number, number] | null)[] = [];
    for (let i = 0; i < n; i++) {
      const x = series.x[i];
      const y = series.y[i];
      if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) {
        skippedNonFinite++;
        points.push(null);
        continue;
      }
      if ((xLog && x <= 0) || (yLog && y <= 0)) {
        skippedLog++;
        points.push(null);
        continue;
      }
      points.push([x, y]);
      xr = xr ? { min: Math.min(xr.min, x), max: Math.max(xr.max, x) } : { min: x, max: x };
      yr = yr ? { min: Math.min(yr.min, y), max: Math.max(yr.max, y) } : { min: y, max: y };
    }
    cleaned.push({ series, entry, points });
  }
  const totalPoints = cleaned.reduce((sum, c) => sum + c.points.filter((p) => p !== null).length, 0);

  const xAxis = buildAxis(xSpec, xr, 6);
  const yAxis = buildAxis(ySpec, yr, 5);

  // Layout.
  const yLabelWidth = Math.max(...yAxis.ticks.map((t) => [...t.label].length)) * CHAR_WIDTH;
  const left = Math.round(Math.max(52, yLabelWidth + 32));
  // Long titles wrap onto a second (and last) line rather than run off the chart.
  const titleLines = wrapTitle(title, Math.floor((WIDTH - left - MARGIN_RIGHT) / TITLE_CHAR_WIDTH));
  const top = MARGIN_TOP + (titleLines.length - 1) * TITLE_LINE_HEIGHT;
  const plotW = WIDTH - left - MARGIN_RIGHT;
  const plotH = PLOT_HEIGHT;
  const bottom = top + plotH;
  const px = (v: number): number => left + fraction(xAxis, v) * plotW;
  const py = (v: number): number => bottom - fraction(yAxis, v) * plotH;

  // Context first, so that it is drawn beneath the data.
  const legendList = [...entries.values()].sort((a, b) => Number(b.context) - Number(a.context));
  const shown = legendList.length > 1 ? legendList.slice(0, MAX_LEGEND_ENTRIES) : [];
  const hidden = legendList.length > 1 ? legendList.length - shown.length : 0;
  const legendItems: { entry?: LegendEntry; label: string; x: number; row: number }[] = [];
  {
    let x = left;
    let row = 0;
    const items: { entry?: LegendEntry; label: string }[] = shown.map((entry) => ({
      entry,
      label: truncate(entry.key || '(unnamed)', MAX_LEGEND_LABEL),
    }));
    if (hidden > 0) items.push({ label: `and ${hidden} more` });
    for (const item of items) {
      const w = (item.entry ? 26 : 0) + [...item.label].length * CHAR_WIDTH + 18;
      if (x + w > WIDTH - MARGIN_RIGHT && x > left) {
        row++;
        x = left;
      }
      legendItems.push({ ...item, x, row });
      x += w;
    }
  }
  const legendRows = legendItems.length > 0 ? legendItems[legendItems.length - 1]!.row + 1 : 0;
  const legendTop = bottom + MARGIN_BOTTOM + 4;
  const height = legendTop + legendRows * 20 + (legendRows > 0 ? 6 : -4);

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="plot" role="img" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}"` +
      ` font-family="system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif" font-size="11">`,
  );
  out.push(`<title>${escapeXml(title)}</title>`);
  out.push(`<desc>${escapeXml(describe(plot, title, xSpec, ySpec, xAxis, yAxis, cleaned, legendList, totalPoints, skippedLog, skippedNonFinite))}</desc>`);
  out.push(`<rect width="${WIDTH}" height="${height}" fill="#fff"/>`);
  titleLines.forEach((line, i) => {
    out.push(`<text x="${left}" y="${20 + i * TITLE_LINE_HEIGHT}" font-size="13" font-weight="600" fill="#1a1a1a">${escapeXml(line)}</text>`);
  });

  // Grid and ticks.
  const grid: string[] = [];
  const marks: string[] = [];
  const labels: string[] = [];
  for (const t of xAxis.ticks) {
    const x = r1(px(t.value));
    grid.push(`M${x} ${top}V${bottom}`);
    marks.push(`M${x} ${bottom}v5`);
    labels.push(`<text x="${x}" y="${bottom + 18}" text-anchor="middle">${escapeXml(t.label)}</text>`);
  }
  for (const t of yAxis.ticks) {
    const y = r1(py(t.value));
    grid.push(`M${left} ${y}H${left + plotW}`);
    marks.push(`M${left} ${y}h-5`);
    labels.push(`<text x="${left - 8}" y="${y}" dy="0.32em" text-anchor="end">${escapeXml(t.label)}</text>`);
  }
  const minor: string[] = [];
  for (const v of xAxis.minor) minor.push(`M${r1(px(v))} ${bottom}v3`);
  for (const v of yAxis.minor) minor.push(`M${left} ${r1(py(v))}h-3`);
  out.push(`<path d="${grid.join('')}" stroke="#e3e3e3" stroke-width="1" fill="none"/>`);
  out.push(`<path d="M${left} ${top}V${bottom}H${left + plotW}" stroke="#555" stroke-width="1" fill="none"/>`);
  out.push(`<path d="${marks.join('')}${minor.join('')}" stroke="#555" stroke-width="1" fill="none"/>`);
  out.push(`<g fill="#333">${labels.join('')}</g>`);
  out.push(
    `<text x="${r1(left + plotW / 2)}" y="${bottom + 38}" text-anchor="middle" font-size="12" fill="#1a1a1a">${escapeXml(axisTitle(xSpec))}</text>`,
  );
  out.push(
    `<text transform="rotate(-90)" x="${r1(-(top + plotH / 2))}" y="14" text-anchor="middle" font-size="12" fill="#1a1a1a">${escapeXml(axisTitle(ySpec))}</text>`,
  );

  // Data: lines first (one path per series, grouped by colour), then points (one path per colour).
  const stride = totalPoints > MAX_POINTS ? Math.ceil(totalPoints / MAX_POINTS) : 1;
  out.push('<g class="data">');
  for (const entry of legendList) {
    const lines = cleaned.filter((c) => c.entry === entry && c.series.mark === 'line');
    if (lines.length === 0) continue;
    const paths: string[] = [];
    for (const c of lines) {
      const d = linePath(c.points, px, py);
      if (d) paths.push(`<path d="${d}"/>`);
    }
    if (paths.length === 0) continue;
    const many = entry.series > 12 || entry.context;
    out.push(
      `<g fill="none" stroke="${entry.color}" stroke-width="${many ? 1 : 1.8}"${many ? ' stroke-opacity="0.55"' : ''}` +
        ` stroke-linejoin="round" stroke-linecap="round"${entry.dash ? ` stroke-dasharray="${entry.dash}"` : ''}>${paths.join('')}</g>`,
    );
  }
  let counter = 0;
  for (const entry of legendList) {
    const seen = new Set<string>();
    const d: string[] = [];
    for (const c of cleaned) {
      if (c.entry !== entry || c.series.mark === 'line') continue;
      for (const p of c.points) {
        if (!p) continue;
        if (counter++ % stride !== 0) continue;
        const x = r1(px(p[0]) - POINT_RADIUS);
        const y = r1(py(p[1]));
        const at = `${x} ${y}`;
        if (seen.has(at)) continue;
        seen.add(at);
        d.push(`M${at}${ARC}`);
      }
    }
    if (d.length > 0) out.push(`<path fill="${entry.color}" fill-opacity="0.85" d="${d.join('')}"/>`);
  }
  out.push('</g>');

  if (totalPoints === 0) {
    out.push(
      `<text x="${r1(left + plotW / 2)}" y="${r1(top + plotH / 2)}" text-anchor="middle" font-size="13" fill="#555">no plottable data</text>`,
    );
  }

  // Legend.
  if (legendItems.length > 0) {
    out.push(`<g class="legend" font-size="12" fill="#1a1a1a">`);
    for (const item of legendItems) {
      const y = legendTop + item.row * 20;
      if (!item.entry) {
        out.push(`<text x="${r1(item.x)}" y="${y}" dy="0.32em" fill="#555">${escapeXml(item.label)}</text>`);
        continue;
      }
      const e = item.entry;
      if (e.hasLine) {
        out.push(
          `<path d="M${r1(item.x)} ${y}h20" stroke="${e.color}" stroke-width="2.5"${e.dash ? ` stroke-dasharray="${e.dash}"` : ''} fill="none"/>`,
        );
      }
      if (e.hasPoints) out.push(`<circle cx="${r1(item.x + 10)}" cy="${y}" r="3.5" fill="${e.color}"/>`);
      out.push(`<text x="${r1(item.x + 26)}" y="${y}" dy="0.32em">${escapeXml(item.label)}</text>`);
    }
    out.push('</g>');
  }
  out.push('</svg>');
  return out.join('');
}

const ARC = (() => {
  const r = POINT_RADIUS;
  return `a${r} ${r} 0 1 0 ${2 * r} 0a${r} ${r} 0 1 0 ${-2 * r} 0`;
})();

function axisTitle(spec: AxisSpec): string {
  const label = typeof spec.label === 'string' ? spec.label : '';
  return spec.scale === 'log' ? `${label} (log scale)` : label;
}

function linePath(points: ([number, number] | null)[], px: (v: number) => number, py: (v: number) => number): string {
  let d = '';
  let pen = false;
  let last = '';
  for (const p of points) {
    if (!p) {
      pen = false;
      continue;
    }
    const at = `${r1(px(p[0]))} ${r1(py(p[1]))}`;
    if (!pen) {
      d += `M${at}`;
      pen = true;
    } else if (at !== last) {
      d += ` ${at}`; // pairs after a moveto are implicit linetos
    }
    last = at;
  }
  // A subpath of a single point draws nothing; that is acceptable for a line series.
  return d;
}

function describe(
  plot: PlotSpec,
  title: string,
  xSpec: AxisSpec,
  ySpec: AxisSpec,
  xAxis: Axis,
  yAxis: Axis,
  cleaned: Cleaned[],
  legend: LegendEntry[],
  totalPoints: number,
  skippedLog: number,
  skippedNonFinite: number,
): string {
  const lines = cleaned.filter((c) => c.series.mark === 'line').length;
  const scatter = cleaned.length - lines;
  const kinds = [lines > 0 ? `${lines} line series` : '', scatter > 0 ? `${scatter} point series` : ''].filter(Boolean).join(' and ');
  const parts: string[] = [];
  parts.push(`${title}. Chart with ${kinds || 'no series'}, ${totalPoints} plotted points.`);
  const axis = (name: string, spec: AxisSpec, a: Axis): string =>
    `${name} axis: ${typeof spec.label === 'string' ? spec.label : ''}, ${a.log ? 'logarithmic' : 'linear'} scale from ${formatValue(a.lo)} to ${formatValue(a.hi)}.`;
  parts.push(axis('Horizontal', xSpec, xAxis));
  parts.push(axis('Vertical', ySpec, yAxis));
  if (legend.length > 1) {
    const names = legend.slice(0, 12).map((e) => `${e.key || '(unnamed)'}${e.series > 1 ? ` (${e.series} series)` : ''}`);
    parts.push(`Legend: ${names.join('; ')}${legend.length > 12 ? `; and ${legend.length - 12} more` : ''}.`);
  }
  if (skippedLog > 0) {
    parts.push(`${skippedLog} point${skippedLog === 1 ? ' was' : 's were'} skipped because a logarithmic axis cannot show zero or negative values.`);
  }
  if (skippedNonFinite > 0) {
    parts.push(`${skippedNonFinite} point${skippedNonFinite === 1 ? ' was' : 's were'} skipped because a value is missing or not finite.`);
  }
  if (totalPoints > MAX_POINTS) parts.push(`Markers are thinned to about ${MAX_POINTS} for display.`);
  if (typeof plot.caption === 'string' && plot.caption !== '') parts.push(plot.caption);
  return parts.join(' ');
}
