/** What every CLI command provides; commands live one per file (asv style) and register in main.ts. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError, formatProblem, loadClaims } from '../claims';
import { claimsRoot } from '../paths';
import type { LoadedClaim } from '../types';

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Returns the process exit code. */
  run(args: string[]): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** `util.parseArgs` with unknown options and bad values turned into UsageErrors. */
export function parseCommandArgs<O extends Options>(args: string[], options: O, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    const message = (err as Error).message;
    // `--seed -1`: parseArgs takes `-1` for an option; say what to write instead.
    const dashed = /^Option '(--[a-z-]+)[^']*' argument is ambiguous/.exec(message);
    if (dashed) throw new UsageError(`${dashed[1]} needs a value; a value that starts with a dash is written ${dashed[1]}=-VALUE\nusage: ${usage}`);
    throw new UsageError(`${message}\nusage: ${usage}`);
  }
}

/** Commands that take no claim ids or other positional arguments refuse them rather than ignore them. */
export function noPositionals(positionals: string[], command: string, usage: string): void {
  if (positionals.length > 0) throw new UsageError(`${command} takes no positional arguments, got '${positionals.join(' ')}'\nusage: ${usage}`);
}

export const claimsOption = { claims: { type: 'string' as const } };

/** Loads every spec, or throws a SpecError listing each problem. */
export function loadValidClaims(claimsDir: string | undefined): LoadedClaim[] {
  const root = claimsDir ?? claimsRoot();
  const { claims, problems } = loadClaims(root);
  if (problems.length > 0) throw new SpecError(problems.map((p) => formatProblem(p)).join('\n'), problems.length);
  return claims;
}

/** Invalid claim specs (exit code 2). */
export class SpecError extends Error {
  constructor(message: string, readonly count: number) {
    super(message);
  }
}

/**
 * Text from specs and results as printed on a terminal: control characters (escape sequences that
 * could move the cursor, recolour or retitle the terminal) are removed; newlines and tabs stay.
 */
export function plainText(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}

/** Renders rows as an aligned text table (control characters removed, see `plainText`). */
export function table(header: string[], cells: string[][]): string {
  const rows = cells.map((r) => r.map((c) => plainText(c).replace(/[\n\t]/g, ' ')));
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const line = (cells: string[]): string => cells.map((c, i) => c + ' '.repeat(widths[i] - displayWidth(c))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function displayWidth(text: string): number {
  return [...text].length;
}
