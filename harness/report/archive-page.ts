/** Archive pages: a claim's older runs, a fixed number per page numbered from the oldest, and the history rows and verdict strips they share with the claim page. */
import { formatDuration, formatNumber } from '../format';
import { type ClaimTierHistory, type HistoryEntry } from '../history';
import { verdictStrip, type StripCell } from './spark';
import { type TierPages, rootOf, hrefFrom, type VerdictView, VERDICT_ORDER, verdictView, type PageBase, type PaperInfo, type StateTag, stateTag, plural, paperAnchor, formatDate, formatDay } from './page-common';
import { type FileLink } from './site-files';

export interface HistoryRowView {
  number: number;
  runId: string;
  date: string;
  commit: string;
  commitFull: string;
  dirty: boolean;
  tier: string;
  verdict: VerdictView;
  state?: StateTag;
  key?: { measured: string; exact: string; pass: boolean; unmeasured: boolean };
  duration: string;
  files: { label: string; href: string }[];
  current: boolean;
}

export interface ArchiveLink {
  href: string;
  label: string;
  dates: string;
  current: boolean;
}

export interface ArchiveView extends PageBase {
  claimId: string;
  claimTitle: string;
  claimHref: string;
  indexHref: string;
  paper: PaperInfo;
  tier: string;
  verdict: VerdictView;
  range: string;
  total: number;
  strip: string;
  rows: HistoryRowView[];
  changes: string[];
  archives: ArchiveLink[];
  newer?: { href: string; label: string };
  older?: { href: string; label: string };
}

/** The paging of a claim's history: the newest `limit` runs on its page, older ones `limit` per archive page. */
export interface HistoryPaging {
  n: number;
  olderCount: number;
  archiveCount: number;
  /** Entry indices [a, b) of archive page k (1 = the oldest). */
  chunk(k: number): [number, number];
  archiveLinks(from: string, currentK: number): ArchiveLink[];
  rowsFor(from: string, a: number, b: number): HistoryRowView[];
  changesIn(a: number, b: number): string[];
}

export function historyPaging(history: ClaimTierHistory, paths: TierPages, files: Map<HistoryEntry, FileLink[]>, limit: number): HistoryPaging {
  const n = history.entries.length;
  const olderCount = Math.max(0, n - limit);
  const archiveCount = Math.ceil(olderCount / limit);
  const chunk = (k: number): [number, number] => [(k - 1) * limit, Math.min(k * limit, olderCount)];
  const archiveLinks = (from: string, currentK: number): ArchiveLink[] => {
    const links: ArchiveLink[] = [];
    for (let k = archiveCount; k >= 1; k--) {
      const [a, b] = chunk(k);
      links.push({
        href: hrefFrom(from, paths.archive(k)),
        label: `runs ${a + 1}–${b}`,
        dates: dateRange(history.entries[a]!, history.entries[b - 1]!),
        current: k === currentK,
      });
    }
    return links;
  };
  const rowsFor = (from: string, a: number, b: number): HistoryRowView[] => {
    const out: HistoryRowView[] = [];
    for (let i = b - 1; i >= a; i--) out.push(historyRow(history.entries[i]!, i + 1, from, files.get(history.entries[i]!) ?? [], i === n - 1));
    return out;
  };
  const changesIn = (a: number, b: number): string[] =>
    history.changePoints
      .filter((cp) => cp.index >= a && cp.index < b)
      .reverse()
      .map((cp) => cp.text);

  return { n, olderCount, archiveCount, chunk, archiveLinks, rowsFor, changesIn };
}

/** The archive pages of a claim's history at one tier. */
export function archivePages(history: ClaimTierHistory, paths: TierPages, paging: HistoryPaging, paper: PaperInfo): { file: string; view: ArchiveView }[] {
  const { n, olderCount, archiveCount, chunk, archiveLinks, rowsFor, changesIn } = paging;
  const { result } = history.current;
  const page = paths.page;
  const archives: { file: string; view: ArchiveView }[] = [];
  for (let k = 1; k <= archiveCount; k++) {
    const file = paths.archive(k);
    const [a, b] = chunk(k);
    archives.push({
      file,
      view: {
        root: rootOf(file),
        section: 'claims',
        title: `${result.title}: runs ${a + 1}–${b}`,
        claimId: result.claimId,
        claimTitle: result.title,
        claimHref: hrefFrom(file, page),
        indexHref: `${rootOf(file)}index.html#${paperAnchor(paper.key)}`,
        paper,
        tier: history.tier,
        verdict: verdictView(result.verdict),
        range: `runs ${a + 1}–${b} of ${n} (${dateRange(history.entries[a]!, history.entries[b - 1]!)})`,
        total: n,
        strip: stripSvg(history.entries.slice(a, b), history, `runs ${a + 1}–${b}`),
        rows: rowsFor(file, a, b),
        changes: changesIn(a, b),
        archives: archiveLinks(file, k),
        newer: k < archiveCount ? { href: hrefFrom(file, paths.archive(k + 1)), label: `runs ${chunk(k + 1)[0] + 1}–${chunk(k + 1)[1]}` } : { href: hrefFrom(file, page), label: `the ${n - olderCount} newest runs` },
        older: k > 1 ? { href: hrefFrom(file, paths.archive(k - 1)), label: `runs ${chunk(k - 1)[0] + 1}–${chunk(k - 1)[1]}` } : undefined,
      },
    });
  }
  return archives;
}

export function historyRow(entry: HistoryEntry, number: number, from: string, files: FileLink[], current: boolean): HistoryRowView {
  const key = entry.key;
  return {
    number,
    runId: entry.runId,
    date: formatDate(entry.startedAt),
    commit: entry.commit ? entry.commit.slice(0, 12) : 'unknown',
    commitFull: entry.commit ?? 'not a git checkout',
    dirty: entry.dirty === true,
    tier: entry.tier,
    verdict: verdictView(entry.verdict),
    state: stateTag(entry.runState),
    key: key ? { measured: formatNumber(key.measured), exact: key.measured === null ? '' : String(key.measured), pass: key.pass, unmeasured: key.measured === null } : undefined,
    duration: formatDuration(entry.result.durationMs),
    files: files.filter((f) => !f.control && (f.label === 'evidence' || f.label === 'result')).map((f) => ({ label: f.label, href: hrefFrom(from, f.path) })),
    current,
  };
}

/** The verdict strip of some entries, with a summary in words. */
export function stripSvg(entries: HistoryEntry[], history: ClaimTierHistory, what: string, size?: number): string {
  const cells: StripCell[] = entries.map((e) => ({
    verdict: e.verdict,
    incomplete: e.incomplete,
    label: `${e.verdict} · run ${e.runId} · ${formatDate(e.startedAt)}${e.incomplete ? ' · from an incomplete run' : ''}`,
  }));
  const counts = VERDICT_ORDER.map((v) => [v, entries.filter((e) => e.verdict === v).length] as const)
    .filter(([, c]) => c > 0)
    .map(([v, c]) => `${c} ${v}`);
  const incomplete = entries.filter((e) => e.incomplete).length;
  const newest = entries[entries.length - 1];
  const desc =
    `Verdicts of the ${what} at tier ${history.tier}, oldest first: ${counts.join(', ')}.` +
    (incomplete > 0 ? ` ${plural(incomplete, 'result')} from incomplete runs.` : '') +
    (newest ? ` Newest: ${newest.verdict} (run ${newest.runId}).` : '');
  return verdictStrip(cells, `Verdict history, ${what}`, desc, size);
}

export function dateRange(a: HistoryEntry, b: HistoryEntry): string {
  const da = formatDay(a.startedAt);
  const db = formatDay(b.startedAt);
  return da === db ? da : `${da} to ${db}`;
}
