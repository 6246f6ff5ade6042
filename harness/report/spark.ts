/**
 * Small inline SVGs for history at a glance: a verdict strip (one square per run, oldest to newest) and
 * a sparkline (a value over runs, with the accepted region shaded and flagged points marked).
 *
 * Both are pure functions of their input, carry a `<title>` and `<desc>` (the caller writes the
 * summary), use no ids and no scripts, and read in greyscale: each verdict has its own glyph and fill
 * style, and flagged points are crosses, not just red.
 */
import type { Verdict } from '../types';
import { escapeXml, formatLinearTick, niceTicks } from './svg';

export interface StripCell {
  verdict: Verdict;
  /** Tooltip for this square, e.g. `run 2025-… · 14 Mar 2025 · reproduced`. */
  label: string;
  /** From an incomplete run: a small bar is drawn under the square. */
  incomplete?: boolean;
}

const CELL = 12;
const GAP = 2;

/** Shapes of a 12×12 cell per verdict: colour, fill style and glyph all differ. */
const GLYPHS: Record<Verdict, string> = {
  reproduced:
    '<rect x="0.5" y="0.5" width="11" height="11" rx="1.5" fill="#1f7a3d"/>' +
    '<path d="M3 6.3l2.1 2.2 3.9-4.6" fill="none" stroke="#fff" stroke-width="1.7" stroke-linecap="round" stroke-linejoin="round"/>',
  'not reproduced':
    '<rect x="0.5" y="0.5" width="11" height="11" rx="1.5" fill="#b42318"/>' +
    '<path d="M3.5 3.5l5 5M8.5 3.5l-5 5" fill="none" stroke="#fff" stroke-width="1.7" stroke-linecap="round"/>',
  // A disc, not a square: reads apart from reproduced and not reproduced in greyscale too.
  inconclusive:
    '<circle cx="6" cy="6" r="5.5" fill="#6b3fa0"/>' +
    '<path d="M4.2 4.7a1.85 1.85 0 1 1 2.7 1.65c-.6.3-.9.7-.9 1.3v.35" fill="none" stroke="#fff" stroke-width="1.5" stroke-linecap="round"/><circle cx="6" cy="9.3" r="0.9" fill="#fff"/>',
  error:
    '<rect x="1" y="1" width="10" height="10" rx="1.5" fill="#fff1d6" stroke="#b25e00" stroke-width="1.5"/>' +
    '<path d="M6 3.2v3.9" stroke="#7a4100" stroke-width="1.7" stroke-linecap="round"/><circle cx="6" cy="9" r="0.95" fill="#7a4100"/>',
  'not run at this tier':
    '<rect x="1" y="1" width="10" height="10" rx="1.5" fill="#fff" stroke="#767676" stroke-width="1.2" stroke-dasharray="2 1.5"/>' +
    '<path d="M4 6h4" stroke="#595959" stroke-width="1.4" stroke-linecap="round"/>',
};

/** One verdict square alone, decorative (hidden from screen readers), for legends beside the word. */
export function verdictGlyph(verdict: Verdict): string {
  const glyph = GLYPHS[verdict] ?? GLYPHS['not run at this tier'];
  return `<svg xmlns="http://www.w3.org/2000/svg" class="glyph" aria-hidden="true" viewBox="0 0 ${CELL} ${CELL}" width="${CELL}" height="${CELL}">${glyph}</svg>`;
}

/**
 * One square per result, oldest left. `title` names the chart; `desc` summarises it in words. `size` is
 * the side of a square in pixels (default 12).
 */
export function verdictStrip(cells: StripCell[], title: string, desc: string, size = CELL): string {
  const scale = size / CELL;
  const step = size + GAP;
  const anyIncomplete = cells.some((c) => c.incomplete);
  const width = Math.max(1, cells.length * step - GAP);
  const height = r1(size + (anyIncomplete ? 4 * scale : 0));
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" class="strip" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">`);
  out.push(`<title>${escapeXml(title)}</title><desc>${escapeXml(desc)}</desc>`);
  cells.forEach((cell, i) => {
    const glyph = GLYPHS[cell.verdict] ?? GLYPHS['not run at this tier'];
    const bar = cell.incomplete ? `<path d="M1 ${CELL + 2.5}h10" stroke="#1a1a1a" stroke-width="1.5" stroke-dasharray="2 1"/>` : '';
    const transform = scale === 1 ? `translate(${i * step} 0)` : `translate(${i * step} 0) scale(${Number(scale.toFixed(3))})`;
    out.push(`<g transform="${transform}"><title>${escapeXml(cell.label)}</title>${glyph}${bar}</g>`);
  });
  out.push('</svg>');
  return out.join('');
}

/**
 * Vertical range for values and an accepted band: the data's range, widened to a band bound when that
 * keeps the data over at least 1/`factor` of the height. Constant data has no spread to lose, so a bound
 * is then always taken in (unless it is more than 1000 times the value's magnitude away).
 */
export function valueDomain(finite: number[], band: { min?: number; max?: number } | undefined, factor: number): [number, number] {
  let lo = finite.length > 0 ? Math.min(...finite) : 0;
  let hi = finite.length > 0 ? Math.max(...finite) : 1;
  const constant = hi === lo;
  const dataSpan = hi - lo || Math.abs(hi) * 0.1 || 1;
  let taken = false;
  for (const b of [band?.min, band?.max]) {
    if (typeof b !== 'number' || !Number.isFinite(b) || finite.length === 0) continue;
    const nlo = Math.min(lo, b);
    const nhi = Math.max(hi, b);
    const ok = constant ? lo === 0 || Math.abs(b - lo) <= 1000 * Math.abs(lo) : nhi - nlo <= factor * dataSpan;
    if (ok) {
      [lo, hi] = [nlo, nhi];
      taken = true;
    }
  }
  if (taken) {
    // a little room beyond the bounds, so a one-sided band at the edge still shows
    const pad = (hi - lo) * 0.08;
    return [lo - pad, hi + pad];
  }
  return [lo, hi];
}

export interface SparkOptions {
  title: string;
  desc: string;
  /** Accepted region, shaded. */
  band?: { min?: number; max?: number };
  /** Points to mark with a cross (failed expectation, slowdown). */
  flagged?: boolean[];
  width?: number;
  height?: number;
}

/** One decimal, no trailing `.0`. */
function r1(v: number): string {
  const s = (Math.round(v * 10) / 10).toFixed(1);
  const t = s.endsWith('.0') ? s.slice(0, -2) : s;
  return t === '-0' ? '0' : t;
}

/**
 * A value over runs (oldest left), evenly spaced; `null` or non-finite values leave a gap. The vertical
 * range covers the data, and the accepted region when that does not squash the data to under a third.
 */
export function sparkline(values: (number | null)[], options: SparkOptions): string {
  const width = options.width ?? 120;
  const height = options.height ?? 28;
  const pad = 3.5;
  const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" class="spark" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">`);
  out.push(`<title>${escapeXml(options.title)}</title><desc>${escapeXml(options.desc)}</desc>`);
  if (finite.length === 0) {
    out.push(`<path d="M${pad} ${r1(height / 2)}H${width - pad}" stroke="#767676" stroke-width="1" stroke-dasharray="2 2"/>`);
    out.push('</svg>');
    return out.join('');
  }
  const band = options.band;
  let [lo, hi] = valueDomain(finite, band, 3);
  const dataSpan = hi - lo || Math.abs(hi) * 0.1 || 1;
  if (hi === lo) {
    lo -= dataSpan / 2;
    hi += dataSpan / 2;
  }
  const n = values.length;
  const x = (i: number): number => (n === 1 ? width / 2 : pad + (i * (width - 2 * pad)) / (n - 1));
  const y = (v: number): number => height - pad - ((v - lo) / (hi - lo)) * (height - 2 * pad);
  const clampY = (v: number): number => Math.min(height, Math.max(0, y(v)));

  if (band && (typeof band.min === 'number' || typeof band.max === 'number')) {
    const top = typeof band.max === 'number' && Number.isFinite(band.max) ? clampY(band.max) : 0;
    const bottom = typeof band.min === 'number' && Number.isFinite(band.min) ? clampY(band.min) : height;
    if (bottom - top > 0.05) out.push(`<rect x="0" y="${r1(top)}" width="${width}" height="${r1(bottom - top)}" fill="#e4efe6"/>`);
  }
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      pen = false;
      return;
    }
    d += `${pen ? ' ' : 'M'}${r1(x(i))} ${r1(y(v))}`;
    pen = true;
  });
  if (finite.length > 1) {
    out.push(`<path d="${d}" fill="none" stroke="#3b3b3b" stroke-width="1.3" stroke-linejoin="round" stroke-linecap="round"/>`);
  }
  const crosses: string[] = [];
  (options.flagged ?? []).forEach((flag, i) => {
    const v = values[i];
    if (!flag || typeof v !== 'number' || !Number.isFinite(v)) return;
    const cx = x(i);
    const cy = y(v);
    crosses.push(`M${r1(cx - 2.5)} ${r1(cy - 2.5)}l5 5M${r1(cx + 2.5)} ${r1(cy - 2.5)}l-5 5`);
  });
  if (crosses.length > 0) out.push(`<path d="${crosses.join('')}" stroke="#b42318" stroke-width="1.6" stroke-linecap="round"/>`);
  const lastIndex = values.length - 1;
  const last = values[lastIndex];
  if (typeof last === 'number' && Number.isFinite(last)) {
    out.push(`<circle cx="${r1(x(lastIndex))}" cy="${r1(y(last))}" r="2.4" fill="#0b5cad" stroke="#fff" stroke-width="0.8"/>`);
  }
  out.push('</svg>');
  return out.join('');
}

// ---------------------------------------------------------------------------------------------------
// Trend chart: a value over runs at full width, dates on the horizontal axis.

export interface TrendPoint {
  value: number | null;
  /** Short date of the run, used for axis labels. */
  date: string;
  /** Outside the accepted region (drawn as a cross). */
  flagged?: boolean;
  /** From an incomplete run (drawn hollow). */
  hollow?: boolean;
  /** Tooltip for the marker. */
  tooltip: string;
}

export interface TrendOptions {
  title: string;
  desc: string;
  yLabel: string;
  /** Default: `run date (oldest left, one step per run)`. */
  xLabel?: string;
  band?: { min?: number; max?: number };
  /** Legend text for the band, e.g. `accepted 0.05 ± 50%`. */
  bandLabel?: string;
}

const TREND_WIDTH = 640;
const TREND_PLOT_HEIGHT = 170;
/** Markers with their own tooltip up to this many points; beyond, one path. */
const TREND_TOOLTIPS = 120;

/** A value over runs (oldest left, evenly spaced), with the accepted band, as a standalone SVG. */
export function trendChart(points: TrendPoint[], options: TrendOptions): string {
  const finite = points.map((p) => p.value).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const band = options.band;
  const [lo, hi] = valueDomain(finite, band, 4);
  const ticks = niceTicks(lo, hi, 4);
  const yLo = ticks[0] ?? lo;
  const yHi = ticks[ticks.length - 1] ?? hi;
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : 1;
  const labels = ticks.map((t) => formatLinearTick(t, step));
  const left = Math.round(Math.max(48, Math.max(...labels.map((l) => [...l].length)) * 6.4 + 30));
  const right = 16;
  const top = 34;
  const plotW = TREND_WIDTH - left - right;
  const bottom = top + TREND_PLOT_HEIGHT;
  const height = bottom + 62;
  const n = points.length;
  const px = (i: number): number => (n === 1 ? left + plotW / 2 : left + 6 + (i * (plotW - 12)) / (n - 1));
  const py = (v: number): number => bottom - ((v - yLo) / (yHi - yLo || 1)) * TREND_PLOT_HEIGHT;
  const clampY = (v: number): number => Math.min(bottom, Math.max(top, py(v)));

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="plot trend" role="img" viewBox="0 0 ${TREND_WIDTH} ${height}" width="${TREND_WIDTH}" height="${height}"` +
      ` font-family="system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif" font-size="11">`,
  );
  out.push(`<title>${escapeXml(options.title)}</title><desc>${escapeXml(options.desc)}</desc>`);
  out.push(`<rect width="${TREND_WIDTH}" height="${height}" fill="#fff"/>`);
  out.push(`<text x="${left}" y="20" font-size="13" font-weight="600" fill="#1a1a1a">${escapeXml(options.title)}</text>`);

  const hasBand = band && ((typeof band.min === 'number' && Number.isFinite(band.min)) || (typeof band.max === 'number' && Number.isFinite(band.max)));
  let bandShown = false;
  if (hasBand) {
    const y1 = typeof band!.max === 'number' && Number.isFinite(band!.max) ? clampY(band!.max) : top;
    const y2 = typeof band!.min === 'number' && Number.isFinite(band!.min) ? clampY(band!.min) : bottom;
    bandShown = y2 - y1 > 0.05;
    if (bandShown) out.push(`<rect x="${left}" y="${r1(y1)}" width="${plotW}" height="${r1(y2 - y1)}" fill="#e4efe6"/>`);
  }
  const grid = ticks.map((t) => `M${left} ${r1(py(t))}H${left + plotW}`).join('');
  out.push(`<path d="${grid}" stroke="#dcdcdc" stroke-width="1" fill="none"/>`);
  out.push(`<path d="M${left} ${top}V${bottom}H${left + plotW}" stroke="#555" stroke-width="1" fill="none"/>`);
  const tickText: string[] = ticks.map((t, i) => `<text x="${left - 8}" y="${r1(py(t))}" dy="0.32em" text-anchor="end">${escapeXml(labels[i]!)}</text>`);
  // Up to six dates along the bottom, first and last always.
  const dateIdx = [...new Set(Array.from({ length: Math.min(6, n) }, (_, k) => (n === 1 ? 0 : Math.round((k * (n - 1)) / (Math.min(6, n) - 1)))))];
  const dateMarks: string[] = [];
  dateIdx.forEach((i, k) => {
    const x = r1(px(i));
    const anchor = dateIdx.length > 1 && k === 0 ? 'start' : dateIdx.length > 1 && k === dateIdx.length - 1 ? 'end' : 'middle';
    dateMarks.push(`M${x} ${bottom}v5`);
    tickText.push(`<text x="${x}" y="${bottom + 18}" text-anchor="${anchor}">${escapeXml(points[i]!.date)}</text>`);
  });
  out.push(`<path d="${dateMarks.join('')}" stroke="#555" stroke-width="1" fill="none"/>`);
  out.push(`<g fill="#333">${tickText.join('')}</g>`);
  out.push(`<text x="${r1(left + plotW / 2)}" y="${bottom + 36}" text-anchor="middle" font-size="12" fill="#1a1a1a">${escapeXml(options.xLabel ?? 'run date (oldest left, one step per run)')}</text>`);
  out.push(`<text transform="rotate(-90)" x="${r1(-(top + TREND_PLOT_HEIGHT / 2))}" y="14" text-anchor="middle" font-size="12" fill="#1a1a1a">${escapeXml(options.yLabel)}</text>`);

  // The line, with gaps for missing values.
  let d = '';
  let pen = false;
  points.forEach((p, i) => {
    if (typeof p.value !== 'number' || !Number.isFinite(p.value)) {
      pen = false;
      return;
    }
    d += `${pen ? ' ' : 'M'}${r1(px(i))} ${r1(py(p.value))}`;
    pen = true;
  });
  if (finite.length > 1) out.push(`<path d="${d}" fill="none" stroke="#0b5cad" stroke-width="1.6" stroke-linejoin="round"/>`);
  const marker = (p: TrendPoint, i: number): string => {
    const x = px(i);
    const y = py(p.value as number);
    if (p.flagged) return `<path d="M${r1(x - 3.5)} ${r1(y - 3.5)}l7 7M${r1(x + 3.5)} ${r1(y - 3.5)}l-7 7" stroke="#b42318" stroke-width="2" stroke-linecap="round"/>`;
    return p.hollow
      ? `<circle cx="${r1(x)}" cy="${r1(y)}" r="3" fill="#fff" stroke="#0b5cad" stroke-width="1.5"/>`
      : `<circle cx="${r1(x)}" cy="${r1(y)}" r="${n > TREND_TOOLTIPS ? 1.6 : 2.8}" fill="#0b5cad"/>`;
  };
  const markers: string[] = [];
  points.forEach((p, i) => {
    if (typeof p.value !== 'number' || !Number.isFinite(p.value)) return;
    if (n <= TREND_TOOLTIPS) markers.push(`<g><title>${escapeXml(p.tooltip)}</title>${marker(p, i)}</g>`);
    else if (p.flagged || p.hollow || i === n - 1) markers.push(marker(p, i));
  });
  out.push(`<g class="data">${markers.join('')}</g>`);
  if (finite.length === 0) {
    out.push(`<text x="${r1(left + plotW / 2)}" y="${r1(top + TREND_PLOT_HEIGHT / 2)}" text-anchor="middle" font-size="13" fill="#555">no measured values</text>`);
  }

  // Legend.
  const ly = bottom + 52;
  const legend: string[] = [`<path d="M${left} ${ly}h20" stroke="#0b5cad" stroke-width="2"/><circle cx="${left + 10}" cy="${ly}" r="2.8" fill="#0b5cad"/><text x="${left + 26}" y="${ly}" dy="0.32em">measured</text>`];
  let x = left + 100;
  if (points.some((p) => p.flagged && p.value !== null)) {
    legend.push(`<path d="M${x + 6.5} ${ly - 3.5}l7 7M${x + 13.5} ${ly - 3.5}l-7 7" stroke="#b42318" stroke-width="2" stroke-linecap="round"/><text x="${x + 22}" y="${ly}" dy="0.32em">outside the accepted region</text>`);
    x += 200;
  }
  if (points.some((p) => p.hollow && p.value !== null)) {
    legend.push(`<circle cx="${x + 10}" cy="${ly}" r="3" fill="#fff" stroke="#0b5cad" stroke-width="1.5"/><text x="${x + 20}" y="${ly}" dy="0.32em">incomplete run</text>`);
    x += 120;
  }
  if (hasBand) {
    const label = `${options.bandLabel ?? 'accepted region'}${bandShown ? '' : ' (outside the range shown)'}`;
    legend.push(`<rect x="${x}" y="${ly - 6}" width="20" height="12" fill="#e4efe6" stroke="#9cc3a6"/><text x="${x + 26}" y="${ly}" dy="0.32em">${escapeXml(label)}</text>`);
  }
  out.push(`<g font-size="12" fill="#1a1a1a">${legend.join('')}</g>`);
  out.push('</svg>');
  return out.join('');
}
