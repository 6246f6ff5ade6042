/**
 * `claimbench report`: builds a static site from stored runs (asv-style: the JSON under `<in>/runs/` and
 * `<in>/bench/` is the only source of truth). The site stands alone: every page links its CSS and
 * evidence relatively, has no scripts, and opens offline from file://.
 *
 *   <out>/index.html                             every claim and tier: current verdict, key metric, recent history
 *   <out>/index-<facet>-<value>.html             the same, filtered by paper, tier or verdict (no JS needed)
 *   <out>/claims/<claim-id>.html                 one page per claim: its newest result and the newest N runs
 *   <out>/claims/<claim-id>/archive-<k>.html     older runs of that claim, N per page, archive-1 the oldest
 *   <out>/claims/<claim-id>/tier-<tier>.html     when a claim ran at several tiers: the other tiers' pages
 *   <out>/claims/<claim-id>/tier-<tier>-archive-<k>.html
 *   <out>/benchmarks.html                        benchmark timings per task and machine, slowdowns flagged
 *   <out>/data/<run-id>/<claim-id>/*.json        copies of the raw result, spec, evidence and plot data
 *   <out>/site.css
 *
 * `claims/<claim-id>.html` shows the tier of the claim's newest result. Archive pages are numbered from
 * the oldest run, so a full archive page keeps its URL and content as new runs arrive.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { removeTempFiles, writeFileAtomic } from '../atomic';
import { acquireLockWaiting } from '../lock';
import { benchHistory, readBenchRuns } from '../bench-history';
import { buildHistories, runState, type HistoryEntry, type RunState } from '../history';
import { readRuns, type StoredRun } from '../store';
import { type RunManifest } from '../types';
import { uncontrolledClaims } from './controls-view';
import { groupByClaim, tierPages, verdictView } from './page-common';
import { type FileLink, copyData, copyIfChanged, prepareOutDir, prune } from './site-files';
import { loadTemplates } from './templates';
import { claimPage } from './claim-page';
import { type IndexRow, indexRow, indexBase, indexView } from './index-page';
import { benchView } from './bench-page';

export interface BuildReportOptions {
  inDir: string;
  outDir: string;
  /** Benchmark records (`npm run bench`); default `<inDir>/bench`. */
  benchDir?: string;
  /** Runs listed on a claim page; older runs go to archive pages of this many runs each. Default 50. */
  historyLimit?: number;
  /** Runs in each index row's verdict strip and sparkline. Default 15. */
  recentRuns?: number;
  /** Whether a `running` run's writer is alive; default `isRunLive` (see `history.ts`). */
  isLive?: (manifest: Pick<RunManifest, 'status' | 'writer'>) => boolean;
}

export interface BuildReportSummary {
  /** HTML pages written (index, filtered indexes, claim, archive and benchmark pages). */
  pages: number;
  /** Claims shown (distinct claim ids). */
  claims: number;
  /** Runs read from `<inDir>/runs`. */
  runs: number;
  /** Benchmark records read from the bench folder. */
  benchRuns: number;
  /** Files that could not be read or used; the site was built from everything else. */
  problems: { file: string; message: string }[];
  /** Absolute path of the site's `index.html`. */
  indexFile: string;
}

/** Marks a folder as a claimbench site, so a rebuild may prune pages and data it no longer produces. */
const SITE_MARKER = '.claimbench-report';
/** Held while a build writes the site (see `acquireLockWaiting`). */
const BUILD_LOCK = '.claimbench-build.lock';
const BUILD_LOCK_WAIT_MS = 10 * 60_000;
export const DEFAULT_HISTORY_LIMIT = 50;
export const DEFAULT_RECENT_RUNS = 15;

export function buildReport(options: BuildReportOptions): BuildReportSummary {
  const inDir = path.resolve(options.inDir);
  const outDir = path.resolve(options.outDir);
  prepareOutDir(outDir);
  // Builds into one folder take turns: a concurrent build would prune the files this one links to.
  const release = acquireLockWaiting(path.join(outDir, BUILD_LOCK), BUILD_LOCK_WAIT_MS, `the site ${outDir}`);
  try {
    return buildLocked(options, inDir, outDir);
  } finally {
    release();
  }
}

function buildLocked(options: BuildReportOptions, inDir: string, outDir: string): BuildReportSummary {
  const benchDir = path.resolve(options.benchDir ?? path.join(inDir, 'bench'));
  const limit = Math.max(1, Math.floor(options.historyLimit ?? DEFAULT_HISTORY_LIMIT));
  const recent = Math.max(1, Math.floor(options.recentRuns ?? DEFAULT_RECENT_RUNS));
  const wasSite = fs.existsSync(path.join(outDir, SITE_MARKER));
  // Under the lock no other build writes here: temporary files are what a killed build left.
  removeTempFiles(outDir);

  const { runs, problems } = readRuns(inDir);
  const isLive = options.isLive;
  const histories = buildHistories(runs, isLive ? { isLive } : {});
  const templates = loadTemplates();
  const written = new Set<string>();
  let pages = 0;
  const write = (rel: string, data: string): void => {
    const file = path.join(outDir, rel);
    writeFileAtomic(file, data);
    written.add(file);
    if (rel.endsWith('.html')) pages++;
  };
  const copy = (source: string, rel: string): void => {
    const dest = path.join(outDir, rel);
    copyIfChanged(source, dest);
    written.add(dest);
  };
  const states = new Map<StoredRun, RunState>(runs.map((run) => [run, runState(run.manifest, isLive)]));

  write('site.css', templates.css);

  // Claim pages, one per claim and tier.
  const groups = groupByClaim(histories);
  const rows: IndexRow[] = [];
  for (const group of groups) {
    const pagesOf = new Map(group.tiers.map((h) => [h.tier, tierPages(h.claimId, h.tier, h === group.primary)]));
    const tierLinks = group.tiers.map((h) => ({ tier: h.tier, page: pagesOf.get(h.tier)!.page, verdict: verdictView(h.current.verdict) }));
    for (const history of group.tiers) {
      const paths = pagesOf.get(history.tier)!;
      const files = new Map<HistoryEntry, FileLink[]>();
      for (const entry of history.entries) files.set(entry, copyData(entry, problems, copy));
      const claim = claimPage(history, paths, tierLinks, files, limit, problems);
      write(paths.page, templates.claim(claim.view));
      for (const archive of claim.archives) write(archive.file, templates.archive(archive.view));
      rows.push(indexRow(history, paths.page, claim.paper, recent));
    }
  }

  // Benchmarks.
  const bench = readBenchRuns(benchDir);
  for (const p of bench.problems) problems.push(p);
  write('benchmarks.html', templates.benchmarks(benchView(benchHistory(bench.runs), bench.runs.length, bench.problems, inDir)));

  // Indexes: all claims, then one page per facet value.
  const base = indexBase(rows, runs, histories, states, problems, inDir);
  base.uncontrolled = uncontrolledClaims(
    groups.map((g) => ({ claimId: g.claimId, title: g.primary.current.result.title, href: tierPages(g.claimId, g.primary.tier, true).page.split('/').map(encodeURIComponent).join('/'), spec: g.primary.current.spec })),
  );
  write('index.html', templates.index(indexView(base, rows, null)));
  for (const facet of rows.length > 0 ? base.facets : []) {
    for (const value of facet.values) write(value.file, templates.index(indexView(base, rows, { facet, value })));
  }

  writeFileAtomic(path.join(outDir, SITE_MARKER), 'Built by `claimbench report`; claims/, data/ and the index pages are rebuilt on every run.\n');
  if (wasSite) prune(outDir, written);

  return {
    pages,
    claims: groups.length,
    runs: runs.length,
    benchRuns: bench.runs.length,
    problems,
    indexFile: path.join(outDir, 'index.html'),
  };
}
