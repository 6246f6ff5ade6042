/**
 * Small inline SVGs for history at a glance: a verdict strip (one square per run, oldest to newest) and
 * a sparkline (a value over runs, with the accepted region shaded and flagged points marked).
 *
 * Both are pure functions of their input, carry a `<title>` and `<desc>` (the caller writes the
 * summary), use no ids and no scripts, and read in greyscale: each verdict has its own glyph and fill
 * style, and flagged points are crosses, not just red.
 */
import type { Verdict } from '../types';
import { escapeXml } from './svg';

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

/** One square per result, oldest left. `title` names the chart; `desc` summarises it in words. */
export function verdictStrip(cells: StripCell[], title: string, desc: string): string {
  const anyIncomplete = cells.some((c) => c.incomplete);
  const width = Math.max(1, cells.length * (CELL + GAP) - GAP);
  const height = CELL + (anyIncomplete ? 4 : 0);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" class="strip" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">`);
  out.push(`<title>${escapeXml(title)}</title><desc>${escapeXml(desc)}</desc>`);
  cells.forEach((cell, i) => {
    const glyph = GLYPHS[cell.verdict] ?? GLYPHS['not run at this tier'];
    const bar = cell.incomplete ? `<path d="M1 ${CELL + 2.5}h10" stroke="#1a1a1a" stroke-width="1.5" stroke-dasharray="2 1"/>` : '';
    out.push(`<g transform="translate(${i * (CELL + GAP)} 0)"><title>${escapeXml(cell.label)}</title>${glyph}${bar}</g>`);
  });
  out.push('</svg>');
  return out.join('');
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
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  const dataSpan = hi - lo || Math.abs(hi) * 0.1 || 1;
  const band = options.band;
  for (const b of [band?.min, band?.max]) {
    if (typeof b !== 'number' || !Number.isFinite(b)) continue;
    const nlo = Math.min(lo, b);
    const nhi = Math.max(hi, b);
    if (nhi - nlo <= 3 * dataSpan) [lo, hi] = [nlo, nhi];
  }
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
