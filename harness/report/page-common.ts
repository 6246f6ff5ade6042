/** Shared pieces of the report's pages: grouping histories by claim, page paths and relative links, verdict and paper views, and the formatting every page uses. */
import * as path from 'node:path';
import { formatNumber } from '../format';
import { compareRuns, type ClaimTierHistory, type RunState } from '../history';
import { type StoredRun } from '../store';
import { type ClaimSpec, type PaperValue, type Provenance, type RunManifest, type Verdict } from '../types';

// Grouping and page paths

export interface ClaimGroup {
  claimId: string;
  tiers: ClaimTierHistory[];
  /** The tier whose current result is the newest; it gets `claims/<id>.html`. */
  primary: ClaimTierHistory;
}

export function groupByClaim(histories: ClaimTierHistory[]): ClaimGroup[] {
  const byId = new Map<string, ClaimTierHistory[]>();
  for (const h of histories) {
    let list = byId.get(h.claimId);
    if (!list) byId.set(h.claimId, (list = []));
    list.push(h);
  }
  return [...byId.entries()].map(([claimId, tiers]) => {
    let primary = tiers[0]!;
    for (const h of tiers) if (compareRuns(h.current.run.manifest, primary.current.run.manifest) > 0) primary = h;
    return { claimId, tiers, primary };
  });
}

export interface TierPages {
  /** Site-relative path of the claim page. */
  page: string;
  archive: (k: number) => string;
}

export function tierPages(claimId: string, tier: string, primary: boolean): TierPages {
  const seg = safeSegment(claimId);
  const t = safeSegment(tier);
  return primary
    ? { page: `claims/${seg}.html`, archive: (k) => `claims/${seg}/archive-${k}.html` }
    : { page: `claims/${seg}/tier-${t}.html`, archive: (k) => `claims/${seg}/tier-${t}-archive-${k}.html` };
}

/** `../` once per folder level of a site-relative page path. */
export function rootOf(page: string): string {
  return '../'.repeat(page.split('/').length - 1);
}

/** Relative link from a page to a site-relative path, percent-encoded per segment. */
export function hrefFrom(page: string, target: string): string {
  return path.posix.relative(path.posix.dirname(page), target).split('/').map(encodeURIComponent).join('/');
}

// View models (everything the templates show, already formatted; templates only escape and lay out)

export interface VerdictView {
  label: string;
  symbol: string;
  css: string;
  /** File-name form, for filter pages. */
  slug: string;
}

export const VERDICT_ORDER: Verdict[] = ['reproduced', 'not reproduced', 'inconclusive', 'error', 'not run at this tier'];

export const VERDICTS: Record<Verdict, VerdictView> = {
  reproduced: { label: 'reproduced', symbol: '✓', css: 'ok', slug: 'reproduced' },
  'not reproduced': { label: 'not reproduced', symbol: '✗', css: 'fail', slug: 'not-reproduced' },
  inconclusive: { label: 'inconclusive', symbol: '?', css: 'inconclusive', slug: 'inconclusive' },
  error: { label: 'error', symbol: '!', css: 'error', slug: 'error' },
  'not run at this tier': { label: 'not run', symbol: '–', css: 'skip', slug: 'not-run' },
};

export function verdictView(verdict: Verdict): VerdictView {
  return VERDICTS[verdict] ?? { label: String(verdict), symbol: '·', css: 'skip', slug: 'other' };
}

/** Common to every page: where the site root is and which top-level section is current. */
export interface PageBase {
  root: string;
  title: string;
  section: 'claims' | 'benchmarks';
}

export interface PaperInfo {
  key: string;
  citation: string;
  section: string;
  figure: string;
}

/** The paper's number and/or words; both empty shows as a dash. */
export interface PaperView {
  value: string;
  text: string;
}

/** `incomplete run` / `run in progress` tag for results of runs that are not complete. */
export interface StateTag {
  text: string;
  title: string;
}

export function stateTag(state: RunState): StateTag | undefined {
  if (state === 'incomplete') return { text: 'incomplete run', title: 'The run stopped before every claim finished; this claim did finish.' };
  if (state === 'running') return { text: 'run in progress', title: 'The run is still being written; this claim has finished.' };
  return undefined;
}

// Formatting

export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function errorMessage(err: unknown): string {
  // duck-typed: errors thrown by node's fs may come from another realm (as under jest)
  if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string') return (err as Error).message;
  return String(err);
}

/** A file or folder name made from an id: only [A-Za-z0-9._-], never `.` or `..`. */
export function safeSegment(id: string): string {
  const s = id.replace(/[^A-Za-z0-9._-]/g, '_');
  return s === '' || s.startsWith('.') ? `_${s}` : s;
}

export function firstFailing(result: ClaimTierHistory['current']['result'], keyId: string | undefined): { metric: string; measured: string; tolerance: string } | undefined {
  if (result.verdict !== 'not reproduced') return undefined;
  const failed = result.expectations.find((e) => !e.pass);
  if (!failed || failed.id === keyId) return undefined;
  return { metric: failed.metric, measured: formatNumber(failed.measured), tolerance: failed.tolerance };
}

export function paperAnchor(key: string): string {
  return `paper-${safeSegment(key)}`;
}

export function paperInfo(spec: Partial<ClaimSpec>, fallbackKey: string): PaperInfo {
  const ref: Partial<ClaimSpec['paper']> = typeof spec.paper === 'object' && spec.paper !== null ? spec.paper : {};
  return { key: str(ref.key) || fallbackKey, citation: str(ref.citation), section: sectionText(str(ref.section)), figure: str(ref.figure) };
}

export function provenanceOf(m: RunManifest): Partial<Provenance> {
  return typeof m.provenance === 'object' && m.provenance !== null ? m.provenance : {};
}

/** The state of a run in words: `complete`, `running: …`, `incomplete: …`, with shard/merge/resume notes. */
export function runStatusText(state: RunState, run: StoredRun): string {
  const m = run.manifest;
  // A shard run's claims split into work units get no result there: `merge` scores them.
  const split = Array.isArray(m.unitClaims) ? m.unitClaims.length : 0;
  const total = Array.isArray(m.claims) ? m.claims.length - split : 0;
  const finished = `${run.results.length} of ${plural(total, 'claim')} finished`;
  const extras = [
    m.shard ? `shard ${m.shard.index} of ${m.shard.count}` : '',
    split > 0 ? `its share of the work units of ${plural(split, 'claim')}, scored when the shards are merged` : '',
    Array.isArray(m.mergedFrom) && m.mergedFrom.length > 0 ? `merged from ${plural(m.mergedFrom.length, 'shard run')}` : '',
    Array.isArray(m.resumedAt) && m.resumedAt.length > 0 ? `resumed ${m.resumedAt.length === 1 ? 'once' : `${m.resumedAt.length} times`}` : '',
  ].filter(Boolean);
  const tail = extras.length > 0 ? ` (${extras.join(', ')})` : '';
  if (state === 'complete') return `complete${tail}`;
  if (state === 'running') return `running${m.writer ? ` in process ${m.writer.pid} on ${m.writer.hostname}` : ''}; ${finished} so far${tail}`;
  return m.status === 'running'
    ? `incomplete: its writer is gone, so it was stopped before it finished; ${finished}${tail}`
    : `incomplete: ${finished}${tail}`;
}

export function displayPath(file: string, inDir: string): string {
  const rel = path.relative(inDir, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel.split(path.sep).join('/');
}

/** Four significant digits; exponent form for very large or small magnitudes; `—` when missing. */
export function formatPaper(paper: PaperValue | undefined): PaperView {
  return { value: typeof paper?.value === 'number' ? formatNumber(paper.value) : '', text: str(paper?.text) };
}

export function formatDate(iso: unknown): string {
  if (typeof iso !== 'string') return 'unknown';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function formatDay(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 10);
}

/** `3.1` → `§ 3.1`; `§3.2 and App. B` and `Appendix B` are kept as written. */
export function sectionText(section: string): string {
  return /^\d/.test(section) ? `§ ${section}` : section;
}

export function commitText(prov: Partial<Provenance>): string {
  if (!prov.commit) return 'unknown (not a git checkout)';
  return prov.dirty ? `${prov.commit} (uncommitted changes)` : prov.commit;
}

export function machineText(prov: Partial<Provenance>): string {
  const parts = [
    str(prov.cpu),
    typeof prov.cpus === 'number' ? `${prov.cpus} threads` : '',
    typeof prov.memoryGiB === 'number' ? `${Math.round(prov.memoryGiB)} GiB` : '',
    [str(prov.platform), str(prov.arch)].filter(Boolean).join('/'),
  ].filter(Boolean);
  return parts.join(', ') || 'unknown';
}
