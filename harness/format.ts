/** Number and duration formatting shared by the CLI and the report. */

/**
 * The one minus sign of every number claimbench prints (U+2212 MINUS SIGN, as in typeset mathematics),
 * in the mantissa and the exponent alike: `−2.5e−7`, never `−2.5e-7` or `-2.5e-7`.
 */
export const MINUS = '\u2212';

/** A number's text (from `String`, `toFixed`, `toExponential` or a tolerance made of them) with every ASCII minus as `MINUS`. */
export function withMinusSign(numberText: string): string {
  return numberText.replace(/-/g, MINUS);
}

/** Compact, human-readable number: 4 significant digits, exponent form for very large or small values. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : `${MINUS}∞`;
  if (value === 0) return '0';
  const abs = Math.abs(value);
  const text =
    abs >= 1e6 || abs < 1e-3 ? value.toExponential(3).replace(/\.?0+e/, 'e') : Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  return withMinusSign(text);
}

/** Duration in ms as `74 ms`, `1.25 s`, `3 min 05 s` or `1 h 02 min`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  const total = Math.round(s);
  const h = Math.floor(total / 3600);
  const min = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  return h > 0 ? `${h} h ${String(min).padStart(2, '0')} min` : `${min} min ${String(sec).padStart(2, '0')} s`;
}
