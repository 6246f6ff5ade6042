/**
 * What `JSON.parse` accepts silently but a spec must not contain, found by one pass over valid JSON
 * text: a key given twice in one object (the parser keeps the last), a number beyond float64 (`1e400`
 * reads as Infinity), and nesting so deep that recursive code (parameter merging, validation) would
 * overflow the stack. Each finding carries its JSON pointer and its line and column.
 */
export interface JsonFinding {
  pointer: string;
  line: number;
  column: number;
  message: string;
  hint: string;
}

/** Deeper nesting than any experiment needs; far below what overflows the stack. */
export const MAX_JSON_DEPTH = 64;

type Frame = { kind: 'object'; keys: Set<string>; key: string | null } | { kind: 'array'; index: number };

export function scanJson(text: string): JsonFinding[] {
  const findings: JsonFinding[] = [];
  const stack: Frame[] = [];
  const at = (pos: number) => lineOf(text, pos);
  const pointer = (): string =>
    stack.map((f) => (f.kind === 'array' ? `/${f.index}` : f.key === null ? '' : `/${f.key.replace(/~/g, '~0').replace(/\//g, '~1')}`)).join('');
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (expectKey && top?.kind === 'object') {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) {
          top.key = key;
          findings.push({ pointer: pointer(), ...at(i), message: `key '${key}' appears twice in one object (JSON keeps only the last)`, hint: 'remove one of them' });
        }
        top.keys.add(key);
        top.key = key;
        expectKey = false;
      }
      i = j;
    } else if (ch === '{' || ch === '[') {
      stack.push(ch === '{' ? { kind: 'object', keys: new Set(), key: null } : { kind: 'array', index: 0 });
      expectKey = ch === '{';
      if (stack.length === MAX_JSON_DEPTH + 1) {
        findings.push({ pointer: pointer(), ...at(i), message: `nested more than ${MAX_JSON_DEPTH} levels deep`, hint: 'no experiment takes parameters this deep; flatten the structure' });
        return findings;
      }
    } else if (ch === '}' || ch === ']') {
      stack.pop();
    } else if (ch === ',') {
      const top = stack[stack.length - 1];
      if (top?.kind === 'array') top.index++;
      else expectKey = true;
    } else if (ch === '-' || (ch >= '0' && ch <= '9')) {
      const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400))!;
      if (!Number.isFinite(Number(m[0]))) {
        findings.push({ pointer: pointer(), ...at(i), message: `number ${m[0]} is beyond the float64 range (it would read as ${Number(m[0])})`, hint: 'write a number below 1.8e308 in magnitude' });
      }
      i += m[0].length - 1;
    }
  }
  return findings;
}

/** Why a text is not JSON, with its line and column and a hint that fits the mistake. */
export function describeJsonError(text: string, err: Error): { message: string; hint: string } {
  if (text.charCodeAt(0) === 0xfeff) return { message: 'the file starts with a UTF-8 byte-order mark (BOM)', hint: 'save the file as UTF-8 without a BOM' };
  if (text.trim() === '') return { message: 'the file is empty', hint: 'a claim spec is one JSON object; copy an existing spec to start from' };
  const positioned = /position (\d+)/.exec(err.message);
  const token = /^Unexpected token '(.)'/.exec(err.message);
  const pos = positioned ? Number(positioned[1]) : token ? firstOutsideStrings(text, token[1]) : /end of JSON input/.test(err.message) ? text.length : -1;
  const what = err.message.replace(/ in JSON at position \d+.*$/s, '').replace(/, (\.\.\.)?".*$/s, '');
  const where = pos >= 0 ? ` at line ${lineOf(text, pos).line}, column ${lineOf(text, pos).column}` : '';
  const rest = pos >= 0 ? text.slice(pos) : '';
  const hint = /^-?(NaN|Infinity)/.test(rest)
    ? 'JSON has no NaN or Infinity: write a finite number'
    : rest.startsWith('/')
      ? 'JSON allows no comments: remove them'
      : pos >= text.length
        ? 'the file ends before the JSON does: is it cut off, or a bracket missing?'
        : 'check for trailing commas, unquoted keys or comments (JSON allows none of them)';
  return { message: `malformed JSON: ${what}${where}`, hint };
}

function lineOf(text: string, pos: number): { line: number; column: number } {
  const before = text.slice(0, pos);
  return { line: before.split('\n').length, column: pos - before.lastIndexOf('\n') };
}

/** Index of the first `ch` outside string literals (where the parser met an unexpected token). */
function firstOutsideStrings(text: string, ch: string): number {
  for (let i = 0, inString = false; i < text.length; i++) {
    if (inString) {
      if (text[i] === '\\') i++;
      else if (text[i] === '"') inString = false;
    } else if (text[i] === '"') inString = true;
    else if (text[i] === ch) return i;
  }
  return -1;
}
