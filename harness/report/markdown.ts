/**
 * Markdown of claim specs (statements, resolutions, control descriptions, protocol files) to HTML.
 * Raw HTML in the source is escaped, never passed through.
 *
 * Spec text is mathematical: `‖H‖_F`, `r_H`, `λ_min`, `x_ν`, `w_swa` write subscripts with `_`. CommonMark
 * lets such an underscore open or close emphasis when a neighbour is punctuation (`‖H‖_F … ‖H‖²_F` turns
 * into italics). So an underscore written *inside* a token — after a character that is neither
 * whitespace nor an opening bracket or quote, and before a letter, digit, `{` or `\` — is literal text.
 * Emphasis by underscores at word boundaries (`_not measured_`) still works. Likewise an asterisk
 * written as a star on a symbol and followed by a super- or subscript (`g*²`, `θ*_k`, `x*^T`) is literal;
 * every other `*` is CommonMark's.
 */
import MarkdownIt from 'markdown-it';

/** Characters after which an underscore may still open emphasis: `(_a_)`, `"_a_"`, `*_a_*`. */
const OPENERS = new Set([...'([{"\'“‘«*_~']);

function isSubscriptUnderscore(src: string, pos: number): boolean {
  if (src.charCodeAt(pos) !== 0x5f /* _ */ || pos === 0) return false;
  const prev = src[pos - 1]!;
  const next = src[pos + 1];
  if (next === undefined || /\s/.test(prev) || OPENERS.has(prev)) return false;
  return /[\p{L}\p{N}{\\]/u.test(next);
}

/** A star on a symbol: `g*²`, `θ*_k`, `x*^T`, `w*₁`. */
function isStarSuperscript(src: string, pos: number): boolean {
  if (src.charCodeAt(pos) !== 0x2a /* * */ || pos === 0) return false;
  const next = src[pos + 1];
  return /[\p{L}\p{N}\p{M}]/u.test(src[pos - 1]!) && next !== undefined && /[_^⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿ₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ᵢⱼₖₗₘₙₜ]/u.test(next);
}

const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });
markdown.inline.ruler.before('emphasis', 'math_literal', (state, silent) => {
  if (!isSubscriptUnderscore(state.src, state.pos) && !isStarSuperscript(state.src, state.pos)) return false;
  if (!silent) state.pending += state.src[state.pos];
  state.pos++;
  return true;
});

export function renderMarkdown(source: string): string {
  return markdown.render(source);
}
