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
import Handlebars from 'handlebars';
import { makeFolder, writeFileAtomic } from '../atomic';
import { acquireLockWaiting } from '../lock';
import { benchHistory, readBenchRuns, type BenchSeries } from '../bench-history';
import { formatDuration, formatNumber } from '../format';
import { buildHistories, compareRuns, keyMetricSeries, runState, stabilityText, type ClaimTierHistory, type HistoryEntry, type RunState } from '../history';
import { packageRoot } from '../paths';
import { readPlots, readRuns, readSpec, type StoredRun, type StoreProblem } from '../store';
import { TIERS, type ClaimSpec, type PaperValue, type PlotSpec, type Provenance, type RunManifest, type ScoredExpectation, type Verdict } from '../types';
import { sparkline, trendChart, verdictGlyph, verdictStrip, type StripCell } from './spark';
import { controlsView, protocolView, uncontrolledClaims, type ControlsView, type UncontrolledClaim } from './controls-view';
import { renderMarkdown } from './markdown';
import { renderPlot } from './svg';

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
/** Change points listed in words on one page; the table shows the rest. */
const MAX_CHANGES_LISTED = 10;

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

// ---------------------------------------------------------------------------------------------------
// Grouping and page paths

interface ClaimGroup {
  claimId: string;
  tiers: ClaimTierHistory[];
  /** The tier whose current result is the newest; it gets `claims/<id>.html`. */
  primary: ClaimTierHistory;
}

function groupByClaim(histories: ClaimTierHistory[]): ClaimGroup[] {
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

interface TierPages {
  /** Site-relative path of the claim page. */
  page: string;
  archive: (k: number) => string;
}

function tierPages(claimId: string, tier: string, primary: boolean): TierPages {
  const seg = safeSegment(claimId);
  const t = safeSegment(tier);
  return primary
    ? { page: `claims/${seg}.html`, archive: (k) => `claims/${seg}/archive-${k}.html` }
    : { page: `claims/${seg}/tier-${t}.html`, archive: (k) => `claims/${seg}/tier-${t}-archive-${k}.html` };
}

/** `../` once per folder level of a site-relative page path. */
function rootOf(page: string): string {
  return '../'.repeat(page.split('/').length - 1);
}

/** Relative link from a page to a site-relative path, percent-encoded per segment. */
function hrefFrom(page: string, target: string): string {
  return path.posix.relative(path.posix.dirname(page), target).split('/').map(encodeURIComponent).join('/');
}

// ---------------------------------------------------------------------------------------------------
// Copying raw data

interface FileLink {
  label: string;
  name: string;
  /** Site-relative path. */
  path: string;
  /** Set for a control's files: the control id. */
  control?: string;
}

/** Copies a result's files into `data/<run>/<claim>/` (skipping unchanged copies) and lists them. */
function copyData(entry: HistoryEntry, problems: StoreProblem[], copy: (source: string, rel: string) => void): FileLink[] {
  const { run, result } = entry;
  const claimFolder = path.join(run.dir, 'claims', result.claimId);
  const dataRel = ['data', safeSegment(run.manifest.id), safeSegment(result.claimId)];
  const files: FileLink[] = [];
  const declared = typeof result.files === 'object' && result.files !== null ? result.files : ({} as Partial<typeof result.files>);
  const sources: [string, string | undefined, string?][] = [
    ['result', 'result.json'],
    ['spec', declared.spec],
    ['evidence', declared.evidence],
    ['plots', declared.plots],
    // Each control's files keep their place under controls/<id>/.
    ...(Array.isArray(result.controls) ? result.controls : []).flatMap((c): [string, string | undefined, string][] => [
      ['evidence', c.files?.evidence, c.id],
      ['plots', c.files?.plots, c.id],
    ]),
  ];
  for (const [label, rel, control] of sources) {
    if (typeof rel !== 'string' || rel === '') continue;
    const source = path.resolve(claimFolder, rel);
    const inside = path.relative(claimFolder, source);
    if (inside.startsWith('..') || path.isAbsolute(inside)) {
      problems.push({ file: path.join(claimFolder, 'result.json'), message: `${label} file ${rel} lies outside the claim folder; not copied` });
      continue;
    }
    const name = safeSegment(path.basename(rel));
    const target = [...dataRel, ...(control ? ['controls', safeSegment(control)] : []), name].join('/');
    try {
      copy(source, target);
    } catch (err) {
      problems.push({ file: source, message: `${label} file not copied: ${errorMessage(err)}` });
      continue;
    }
    files.push({ label, name, path: target, ...(control ? { control } : {}) });
  }
  return files;
}

/**
 * Copies `source` to `dest` unless `dest` already holds a copy (same size, not older). Runs never change
 * once written, so a rebuild over a year of runs copies only the new ones.
 */
function copyIfChanged(source: string, dest: string): void {
  const from = fs.statSync(source);
  if (!from.isFile()) throw new Error('not a file');
  try {
    const to = fs.statSync(dest);
    if (to.isFile() && to.size === from.size && to.mtimeMs >= from.mtimeMs) return;
  } catch {
    // no copy yet
  }
  makeFolder(path.dirname(dest));
  const tmp = path.join(path.dirname(dest), `.claimbench-tmp-${process.pid}-${Math.random().toString(36).slice(2)}-${path.basename(dest)}`);
  try {
    fs.copyFileSync(source, tmp);
    fs.renameSync(tmp, dest);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------
// Output folder

function prepareOutDir(outDir: string): void {
  if (fs.existsSync(outDir) && !fs.statSync(outDir).isDirectory()) {
    throw new Error(`cannot write the report to ${outDir}: it is not a folder`);
  }
  try {
    makeFolder(outDir);
  } catch (err) {
    throw new Error(`cannot create the report folder ${outDir}: ${errorMessage(err)}`);
  }
  if (!fs.statSync(outDir).isDirectory()) throw new Error(`cannot write the report to ${outDir}: it is not a folder`);
  try {
    fs.accessSync(outDir, fs.constants.W_OK);
  } catch (err) {
    throw new Error(`cannot write the report to ${outDir}: ${errorMessage(err)}`);
  }
}

/** Removes what this build did not write: under claims/ and data/, and stale `index-*.html` filter pages. */
function prune(outDir: string, written: Set<string>): void {
  for (const sub of ['claims', 'data']) {
    const root = path.join(outDir, sub);
    if (fs.existsSync(root)) pruneFolder(root, written);
  }
  for (const name of fs.readdirSync(outDir)) {
    const file = path.join(outDir, name);
    if (/^index-.+\.html$/.test(name) && !written.has(file)) fs.rmSync(file, { force: true });
  }
}

function pruneFolder(folder: string, written: Set<string>): void {
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue; // temporary files of a concurrent writer
    const where = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      pruneFolder(where, written);
      if (fs.readdirSync(where).length === 0) fs.rmdirSync(where);
    } else if (!written.has(where)) {
      fs.rmSync(where, { force: true });
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Templates

interface Templates {
  index: Handlebars.TemplateDelegate<IndexView>;
  claim: Handlebars.TemplateDelegate<ClaimView>;
  archive: Handlebars.TemplateDelegate<ArchiveView>;
  benchmarks: Handlebars.TemplateDelegate<BenchView>;
  css: string;
}

/** The folder holding claimbench's package.json, found by walking up from this file (src or dist). */
export function templatesDir(): string {
  return path.join(packageRoot(), 'harness', 'report', 'templates');
}

function loadTemplates(): Templates {
  const dir = templatesDir();
  const read = (name: string): string => {
    try {
      return fs.readFileSync(path.join(dir, name), 'utf8');
    } catch (err) {
      throw new Error(`cannot read report template ${name}: ${errorMessage(err)}`);
    }
  };
  const hb = Handlebars.create();
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerPartial('layout', read('layout.hbs'));
  const partials = path.join(dir, 'partials');
  for (const name of fs.readdirSync(partials).filter((n) => n.endsWith('.hbs')).sort()) {
    hb.registerPartial(name.slice(0, -'.hbs'.length), read(path.join('partials', name)).trimEnd()); // inline partials
  }
  return {
    index: hb.compile<IndexView>(read('index.hbs')),
    claim: hb.compile<ClaimView>(read('claim.hbs')),
    archive: hb.compile<ArchiveView>(read('archive.hbs')),
    benchmarks: hb.compile<BenchView>(read('benchmarks.hbs')),
    css: read('site.css'),
  };
}


// ---------------------------------------------------------------------------------------------------
// View models (everything the templates show, already formatted; templates only escape and lay out)

interface VerdictView {
  label: string;
  symbol: string;
  css: string;
  /** File-name form, for filter pages. */
  slug: string;
}

const VERDICT_ORDER: Verdict[] = ['reproduced', 'not reproduced', 'inconclusive', 'error', 'not run at this tier'];

const VERDICTS: Record<Verdict, VerdictView> = {
  reproduced: { label: 'reproduced', symbol: '✓', css: 'ok', slug: 'reproduced' },
  'not reproduced': { label: 'not reproduced', symbol: '✗', css: 'fail', slug: 'not-reproduced' },
  inconclusive: { label: 'inconclusive', symbol: '?', css: 'inconclusive', slug: 'inconclusive' },
  error: { label: 'error', symbol: '!', css: 'error', slug: 'error' },
  'not run at this tier': { label: 'not run', symbol: '–', css: 'skip', slug: 'not-run' },
};

function verdictView(verdict: Verdict): VerdictView {
  return VERDICTS[verdict] ?? { label: String(verdict), symbol: '·', css: 'skip', slug: 'other' };
}

/** Common to every page: where the site root is and which top-level section is current. */
interface PageBase {
  root: string;
  title: string;
  section: 'claims' | 'benchmarks';
}

interface PaperInfo {
  key: string;
  citation: string;
  section: string;
  figure: string;
}

/** The paper's number and/or words; both empty shows as a dash. */
interface PaperView {
  value: string;
  text: string;
}

/** `incomplete run` / `run in progress` tag for results of runs that are not complete. */
interface StateTag {
  text: string;
  title: string;
}

function stateTag(state: RunState): StateTag | undefined {
  if (state === 'incomplete') return { text: 'incomplete run', title: 'The run stopped before every claim finished; this claim did finish.' };
  if (state === 'running') return { text: 'run in progress', title: 'The run is still being written; this claim has finished.' };
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Claim and archive pages

interface HistoryRowView {
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

interface ArchiveLink {
  href: string;
  label: string;
  dates: string;
  current: boolean;
}

interface HistoryView {
  total: number;
  shown: number;
  stability: string;
  strip: string;
  chart: string;
  changes: string[];
  moreChanges: number;
  rows: HistoryRowView[];
  archives: ArchiveLink[];
  metric: string;
}

interface ClaimView extends PageBase {
  claimId: string;
  indexHref: string;
  paper: PaperInfo;
  tier: string;
  tiers: { tier: string; href: string; current: boolean; verdict: VerdictView }[];
  verdict: VerdictView;
  state?: StateTag;
  reason?: string;
  statementHtml: string;
  resolutionsHtml: string;
  /** The paper's shared protocol files the spec references, each rendered once. */
  protocol: { name: string; html: string }[];
  controls: ControlsView;
  expectations: (Omit<ScoredExpectation, 'measured' | 'paper'> & { measured: string; exact: string; paper: PaperView; unmeasured: boolean })[];
  observations: { id: string; metric: string; description: string; measured: string; paper: PaperView }[];
  params: string;
  plots: { title: string; caption: string; svg: string }[];
  provenance: { label: string; value: string; code?: boolean }[];
  files: { label: string; href: string; name: string }[];
  history: HistoryView;
}

interface ArchiveView extends PageBase {
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

function claimPage(
  history: ClaimTierHistory,
  paths: TierPages,
  tierLinks: { tier: string; page: string; verdict: VerdictView }[],
  files: Map<HistoryEntry, FileLink[]>,
  limit: number,
  problems: StoreProblem[],
): { view: ClaimView; archives: { file: string; view: ArchiveView }[]; paper: PaperInfo } {
  const current = history.current;
  const { run, result } = current;
  const claimFolder = path.join(run.dir, 'claims', result.claimId);
  const page = paths.page;
  const root = rootOf(page);

  let spec: Partial<ClaimSpec> = {};
  try {
    spec = readSpec(run.dir, result.claimId);
    if (typeof spec !== 'object' || spec === null) throw new Error('not a claim spec');
  } catch (err) {
    spec = {};
    problems.push({ file: path.join(claimFolder, 'spec.json'), message: errorMessage(err) });
  }
  const paper = paperInfo(spec, result.paperKey);
  const onProblem = (file: string, err: unknown): void => void problems.push({ file, message: errorMessage(err) });

  let plotSpecs: PlotSpec[] = [];
  try {
    const loaded: unknown = readPlots(run.dir, result.claimId);
    if (!Array.isArray(loaded)) throw new Error('expected an array of plots');
    plotSpecs = loaded as PlotSpec[];
  } catch (err) {
    problems.push({ file: path.join(claimFolder, 'plots.json'), message: errorMessage(err) });
  }
  const plots: ClaimView['plots'] = [];
  for (const [i, plot] of plotSpecs.entries()) {
    try {
      if (typeof plot !== 'object' || plot === null) throw new Error('not a plot');
      plots.push({ title: str(plot.title) || str(plot.id), caption: str(plot.caption), svg: renderPlot(plot) });
    } catch (err) {
      problems.push({ file: path.join(claimFolder, 'plots.json'), message: `plot ${i}: ${errorMessage(err)}` });
    }
  }

  const m = run.manifest;
  const prov = provenanceOf(m);
  const packages = typeof prov.packages === 'object' && prov.packages !== null ? prov.packages : {};
  const versions = [
    prov.claimbench ? `claimbench ${prov.claimbench}` : '',
    prov.node ? `node ${prov.node}` : '',
    ...Object.entries(packages)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, version]) => `${name} ${version}`),
  ].filter(Boolean);

  // History: the newest `limit` results here, older ones on archive pages of `limit` each (oldest first).
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

  const recentChanges = changesIn(olderCount, n);
  const series = keyMetricSeries(history);
  const historyView: HistoryView = {
    total: n,
    shown: n - olderCount,
    stability: stabilityText(history),
    strip: stripSvg(history.entries.slice(olderCount), history, n - olderCount === 1 ? 'only run' : olderCount > 0 ? `${n - olderCount} most recent runs` : `${n} runs`),
    chart: series ? historyChart(history, series) : '',
    changes: recentChanges.slice(0, MAX_CHANGES_LISTED),
    moreChanges: Math.max(0, recentChanges.length - MAX_CHANGES_LISTED),
    rows: rowsFor(page, olderCount, n),
    archives: archiveLinks(page, 0),
    metric: current.key ? current.key.metric : '',
  };

  const view: ClaimView = {
    root,
    section: 'claims',
    title: result.title,
    claimId: result.claimId,
    indexHref: `${root}index.html#${paperAnchor(paper.key)}`,
    paper,
    tier: history.tier,
    tiers:
      tierLinks.length > 1
        ? tierLinks.map((t) => ({ tier: t.tier, href: hrefFrom(page, t.page), current: t.tier === history.tier, verdict: t.verdict }))
        : [],
    verdict: verdictView(result.verdict),
    state: stateTag(current.runState),
    reason: result.reason,
    statementHtml: renderMarkdown(str(spec.statement) || '_The claim spec could not be read._'),
    resolutionsHtml: str(spec.resolutions) ? renderMarkdown(str(spec.resolutions)) : '',
    protocol: protocolView(result, claimFolder, onProblem),
    controls: controlsView(
      result,
      spec,
      claimFolder,
      (files.get(current) ?? []).flatMap((f) => (f.control ? [{ control: f.control, label: f.label, name: f.name, href: hrefFrom(page, f.path) }] : [])),
      onProblem,
    ),
    expectations: result.expectations.map((e) => ({
      ...e,
      measured: formatNumber(e.measured),
      exact: e.measured === null ? '' : String(e.measured),
      unmeasured: e.measured === null,
      paper: formatPaper(e.paper),
    })),
    observations: result.observations.map((o) => ({
      id: o.id,
      metric: o.metric,
      description: o.description,
      measured: typeof o.measured === 'number' ? formatNumber(o.measured) : o.measured === null ? '—' : String(o.measured),
      paper: formatPaper(o.paper),
    })),
    params: JSON.stringify(result.params, null, 2),
    plots,
    provenance: [
      { label: 'Run', value: m.id, code: true },
      { label: 'Run status', value: runStatusText(current.runState, run) },
      { label: 'Tier', value: result.tier },
      { label: 'Seed', value: String(result.seed), code: true },
      { label: 'Experiment kind', value: result.kind, code: true },
      { label: 'Started', value: formatDate(result.startedAt) },
      { label: 'Duration', value: formatDuration(result.durationMs) },
      { label: 'Commit', value: commitText(prov), code: true },
      { label: 'Versions', value: versions.join(', ') || 'unknown' },
      { label: 'Backend', value: str(prov.backend) || 'unknown' },
      { label: 'Machine', value: machineText(prov) },
      { label: 'Spec sha256', value: result.specSha256, code: true },
    ],
    files: (files.get(current) ?? []).filter((f) => !f.control).map((f) => ({ label: f.label, name: f.name, href: hrefFrom(page, f.path) })),
    history: historyView,
  };

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
  return { view, archives, paper };
}

function historyRow(entry: HistoryEntry, number: number, from: string, files: FileLink[], current: boolean): HistoryRowView {
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
function stripSvg(entries: HistoryEntry[], history: ClaimTierHistory, what: string, size?: number): string {
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

/** Key metric over every run of this tier, with the accepted region shaded and failures crossed. */
function historyChart(history: ClaimTierHistory, series: NonNullable<ReturnType<typeof keyMetricSeries>>): string {
  const points = series.points;
  const measured = points.filter((p) => p.measured !== null);
  if (measured.length < 2) return '';
  const values = measured.map((p) => p.measured as number);
  const failed = measured.filter((p) => !p.pass).length;
  // all runs on one day: label the axis with times instead of the same date repeated
  const sameDay = formatDay(points[0]!.startedAt) === formatDay(points[points.length - 1]!.startedAt);
  return trendChart(
    points.map((p) => ({
      value: p.measured,
      date: sameDay ? formatDate(p.startedAt).slice(11, 16) : formatDay(p.startedAt),
      flagged: p.measured !== null && !p.pass,
      hollow: p.incomplete,
      tooltip: `${formatNumber(p.measured)} · ${p.verdict} · run ${p.runId}${p.incomplete ? ' (incomplete run)' : ''}`,
    })),
    {
      title: `${series.metric} over ${plural(points.length, 'run')} at tier ${history.tier}`,
      desc:
        `Key expectation ${series.expectationId}: ${series.metric} in each run, oldest first, from ${formatDay(points[0]!.startedAt)} to ${formatDay(points[points.length - 1]!.startedAt)}. ` +
        `Lowest ${formatNumber(Math.min(...values))}, highest ${formatNumber(Math.max(...values))}, newest ${formatNumber(points[points.length - 1]!.measured)}. ` +
        `Accepted ${series.tolerance}; ${failed === 0 ? 'every measured value is inside it' : `${plural(failed, 'value')} outside it`}` +
        (points.length > measured.length ? `; ${plural(points.length - measured.length, 'run')} without a measured value` : '') +
        '. The history table lists every value.',
      yLabel: series.metric,
      ...(sameDay ? { xLabel: 'run time, UTC (oldest left, one step per run)' } : {}),
      band: series.accepted,
      bandLabel: `accepted ${series.tolerance}`,
    },
  );
}

function dateRange(a: HistoryEntry, b: HistoryEntry): string {
  const da = formatDay(a.startedAt);
  const db = formatDay(b.startedAt);
  return da === db ? da : `${da} to ${db}`;
}

// ---------------------------------------------------------------------------------------------------
// Index pages

interface IndexRow {
  paper: PaperInfo;
  claimId: string;
  title: string;
  href: string;
  verdict: VerdictView;
  verdictName: Verdict;
  state?: StateTag;
  tier: string;
  key?: { metric: string; measured: string; tolerance: string; pass: boolean; unmeasured: boolean; paper: PaperView };
  failing?: { metric: string; measured: string; tolerance: string };
  duration: string;
  runId: string;
  history: { strip: string; spark: string; runs: string; href: string };
}

function indexRow(history: ClaimTierHistory, page: string, paper: PaperInfo, recent: number): IndexRow {
  const { result } = history.current;
  const key = result.expectations.find((e) => e.id === history.current.key?.expectationId) ?? result.expectations[0];
  const latest = history.entries.slice(-recent);
  const series = keyMetricSeries(history);
  const sparkPoints = series ? series.points.slice(-recent) : [];
  let spark = '';
  if (series && sparkPoints.filter((p) => p.measured !== null).length >= 2) {
    const values = sparkPoints.map((p) => p.measured);
    const finite = values.filter((v): v is number => v !== null);
    const failed = sparkPoints.filter((p) => p.measured !== null && !p.pass).length;
    spark = sparkline(values, {
      title: `${series.metric} over the last ${plural(sparkPoints.length, 'run')}`,
      desc:
        `${series.metric}, oldest to newest: ${values.map((v) => formatNumber(v)).join(', ')}. ` +
        `Lowest ${formatNumber(Math.min(...finite))}, highest ${formatNumber(Math.max(...finite))}, newest ${formatNumber(values[values.length - 1])}. ` +
        `Accepted ${series.tolerance}` +
        (failed > 0 ? `; ${plural(failed, 'value')} outside it (marked with crosses).` : '; every value inside it.'),
      band: series.accepted,
      flagged: sparkPoints.map((p) => p.measured !== null && !p.pass),
      width: Math.min(180, Math.max(120, recent * 12 - 2)),
    });
  }
  return {
    paper,
    claimId: result.claimId,
    title: result.title,
    href: page.split('/').map(encodeURIComponent).join('/'),
    verdict: verdictView(result.verdict),
    verdictName: result.verdict,
    state: stateTag(history.current.runState),
    tier: history.tier,
    key: key && {
      metric: key.metric,
      measured: formatNumber(key.measured),
      tolerance: key.tolerance,
      pass: key.pass,
      unmeasured: key.measured === null,
      paper: formatPaper(key.paper),
    },
    // A claim that did not reproduce names the first expectation it failed when that is not the key one.
    failing: firstFailing(result, key?.id),
    duration: formatDuration(result.durationMs),
    runId: history.current.runId,
    history: {
      strip: stripSvg(latest, history, `last ${plural(latest.length, 'run')}`, 10),
      spark,
      runs: history.entries.length > latest.length ? `last ${latest.length} of ${history.entries.length} runs` : plural(history.entries.length, 'run'),
      href: `${page.split('/').map(encodeURIComponent).join('/')}#history`,
    },
  };
}

interface RunView {
  id: string;
  status: string;
  statusCss: string;
  tier: string;
  date: string;
  commit: string;
  /** `clean`, `dirty: uncommitted changes` or `dirty state unknown`. */
  dirty: string;
  dirtyCss: string;
  node: string;
  backend: string;
  cpu: string;
  shown: string;
}

interface FacetValue {
  label: string;
  file: string;
  count: number;
  matches: (row: IndexRow) => boolean;
}

interface Facet {
  name: string;
  values: FacetValue[];
}

/** Everything the index pages share. */
interface IndexBase {
  facets: Facet[];
  lede: string;
  runs: RunView[];
  notices: string[];
  problems: { file: string; message: string }[];
  totalRuns: number;
  /** Claims that state why they (or some of their expectations) have no control. */
  uncontrolled: UncontrolledClaim[];
}

interface IndexView extends PageBase {
  totals: { verdict: VerdictView; count: number }[];
  lede: string;
  /** `current`: the option in force for its facet; `here`: the link to this very page. */
  filters: { name: string; options: { label: string; count: number; href: string; current: boolean; here: boolean }[] }[];
  legend: { svg: string; label: string }[];
  filtered?: { text: string; shown: number; total: number };
  papers: { paper: PaperInfo; anchor: string; rows: IndexRow[] }[];
  runs: RunView[];
  notices: string[];
  problems: { file: string; message: string }[];
  uncontrolled: UncontrolledClaim[];
  hasClaims: boolean;
}

function indexBase(
  rows: IndexRow[],
  runs: StoredRun[],
  histories: ClaimTierHistory[],
  states: Map<StoredRun, RunState>,
  problems: StoreProblem[],
  inDir: string,
): IndexBase {
  const count = (f: (r: IndexRow) => boolean): number => rows.filter(f).length;
  const paperKeys = [...new Set(rows.map((r) => r.paper.key))].sort();
  const known: readonly string[] = TIERS;
  const tiers: string[] = [
    ...TIERS.filter((t) => rows.some((r) => r.tier === t)),
    ...[...new Set(rows.map((r) => r.tier))].filter((t) => !known.includes(t)).sort(),
  ];
  const facets: Facet[] = [
    {
      name: 'Paper',
      values: paperKeys.map((key) => ({ label: key, file: `index-paper-${safeSegment(key)}.html`, count: count((r) => r.paper.key === key), matches: (r) => r.paper.key === key })),
    },
    {
      name: 'Tier',
      values: tiers.map((tier) => ({ label: tier, file: `index-tier-${safeSegment(tier)}.html`, count: count((r) => r.tier === tier), matches: (r) => r.tier === tier })),
    },
    {
      name: 'Verdict',
      values: VERDICT_ORDER.map((v) => ({ label: v, file: `index-verdict-${VERDICTS[v].slug}.html`, count: count((r) => r.verdictName === v), matches: (r) => r.verdictName === v })),
    },
  ];

  const shownRuns = new Set(histories.map((h) => h.current.run));
  const runViews = runs
    .filter((run) => shownRuns.has(run))
    .reverse()
    .map((run): RunView => {
      const m = run.manifest;
      const prov = provenanceOf(m);
      const state = states.get(run) ?? 'complete';
      return {
        id: m.id,
        status: runStatusText(state, run),
        statusCss: state,
        tier: str(m.tier),
        date: formatDate(m.startedAt),
        commit: prov.commit ? prov.commit.slice(0, 12) : 'unknown',
        dirty: prov.dirty === true ? 'dirty: uncommitted changes' : prov.dirty === false ? 'clean' : 'dirty state unknown',
        dirtyCss: prov.dirty === true ? 'dirty' : prov.dirty === false ? 'clean' : 'unknown',
        node: str(prov.node) || 'unknown',
        backend: str(prov.backend) || 'unknown',
        cpu: machineText(prov),
        shown: `${plural(histories.filter((h) => h.current.run === run).length, 'result')} shown`,
      };
    });

  const notices: string[] = [];
  const newest = runs[runs.length - 1];
  if (newest) {
    const state = states.get(newest) ?? 'complete';
    if (state !== 'complete') notices.push(`The newest run, ${newest.manifest.id}, is ${runStatusText(state, newest)}. Its finished claims are shown and marked as such.`);
  }

  const claimIds = new Set(rows.map((r) => r.claimId));
  const dated = runs.map((r) => r.manifest.startedAt).filter((d): d is string => typeof d === 'string' && !Number.isNaN(Date.parse(d)));
  const span = dated.length > 0 ? ` between ${formatDay(dated[0]!)} and ${formatDay(dated[dated.length - 1]!)}` : '';
  const lede =
    rows.length === 0
      ? 'No stored results yet.'
      : `${plural(claimIds.size, 'claim')} from ${plural(paperKeys.length, 'paper')}, at ${plural(tiers.length, 'tier')}; history from ${plural(runs.length, 'run')}${span}. ` +
        'Each row shows the newest result of a claim at one tier and its recent runs.';
  return {
    facets,
    lede,
    runs: runViews,
    notices,
    problems: problems.map((p) => ({ file: displayPath(p.file, inDir), message: p.message })),
    totalRuns: runs.length,
    uncontrolled: [],
  };
}

function indexView(base: IndexBase, allRows: IndexRow[], filter: { facet: Facet; value: FacetValue } | null): IndexView {
  const rows = filter ? allRows.filter(filter.value.matches) : allRows;
  const papers = new Map<string, IndexView['papers'][number]>();
  for (const row of rows) {
    let group = papers.get(row.paper.key);
    if (!group) papers.set(row.paper.key, (group = { paper: row.paper, anchor: paperAnchor(row.paper.key), rows: [] }));
    if (!group.paper.citation && row.paper.citation) group.paper = row.paper;
    group.rows.push(row);
  }
  return {
    root: '',
    section: 'claims',
    title: filter ? `Claims: ${filter.facet.name.toLowerCase()} ${filter.value.label}` : 'Reproducibility report',
    totals: VERDICT_ORDER.map((v) => ({ verdict: verdictView(v), count: rows.filter((r) => r.verdictName === v).length })),
    lede: base.lede,
    filters: base.facets.map((facet) => ({
      name: facet.name,
      options: [
        { label: 'all', count: allRows.length, href: 'index.html', current: !filter || filter.facet !== facet, here: !filter },
        ...facet.values.map((value) => ({ label: value.label, count: value.count, href: value.file, current: filter?.value === value, here: filter?.value === value })),
      ],
    })),
    filtered: filter ? { text: `${filter.facet.name.toLowerCase()} is ${filter.value.label}`, shown: rows.length, total: allRows.length } : undefined,
    papers: [...papers.values()].sort((a, b) => a.paper.key.localeCompare(b.paper.key)),
    runs: filter ? [] : base.runs,
    notices: base.notices,
    problems: filter ? [] : base.problems,
    uncontrolled: filter ? [] : base.uncontrolled,
    hasClaims: allRows.length > 0,
    legend: VERDICT_ORDER.map((v) => ({ svg: verdictGlyph(v), label: v })),
  };
}

// ---------------------------------------------------------------------------------------------------
// Benchmarks page

interface BenchRowView {
  task: string;
  machine: string;
  runs: number;
  latest: string;
  rme: string;
  date: string;
  previous: string;
  /** `of 3 runs`: how many earlier runs the median is taken over. */
  previousRuns: string;
  change: string;
  changeCss: string;
  slowdown: boolean;
  slowdowns: number;
  trend: string;
}

interface BenchView extends PageBase {
  lede: string;
  rule: string;
  suites: { name: string; anchor: string; rows: BenchRowView[] }[];
  flagged: string[];
  problems: { file: string; message: string }[];
  empty: boolean;
}

function benchView(series: BenchSeries[], runCount: number, problems: StoreProblem[], inDir: string): BenchView {
  const suites = new Map<string, BenchView['suites'][number]>();
  const flagged: string[] = [];
  const machines = new Set(series.map((s) => s.machine));
  for (const s of series) {
    let suite = suites.get(s.suite);
    if (!suite) suites.set(s.suite, (suite = { name: s.suite, anchor: `suite-${safeSegment(s.suite)}`, rows: [] }));
    const l = s.latest;
    if (l.slowdown) flagged.push(`${s.suite} / ${s.task} on ${s.machine}: ${formatMs(l.meanMs)}, ${formatPercent(l.changePercent)} against ${formatMs(l.baseline)}`);
    const means = s.points.map((p) => p.meanMs);
    const shownPoints = s.points.slice(-30);
    suite.rows.push({
      task: s.task,
      machine: s.machine,
      runs: s.points.length,
      latest: formatMs(l.meanMs),
      rme: `± ${l.rmePercent.toFixed(1)} %`,
      date: formatDate(l.startedAt),
      previous: l.baseline === null ? '—' : formatMs(l.baseline),
      previousRuns: l.baseline === null ? '' : `of ${plural(l.previousRuns, 'run')}`,
      change: l.changePercent === null ? '—' : formatPercent(l.changePercent),
      changeCss: l.changePercent === null ? '' : l.slowdown ? 'change-slower' : l.changePercent < -5 ? 'change-faster' : '',
      slowdown: l.slowdown,
      slowdowns: s.slowdowns,
      trend: sparkline(
        shownPoints.map((p) => p.meanMs),
        {
          title: `Mean time of ${s.task} over the last ${plural(shownPoints.length, 'run')}`,
          desc:
            `Mean time per run on ${s.machine}, oldest to newest: ${shownPoints.map((p) => formatMs(p.meanMs)).join(', ')}. ` +
            `Fastest ${formatMs(Math.min(...means))}, slowest ${formatMs(Math.max(...means))} over all ${plural(means.length, 'run')}. ` +
            (shownPoints.some((p) => p.slowdown) ? `${plural(shownPoints.filter((p) => p.slowdown).length, 'slowdown')} flagged (crosses).` : 'No slowdown flagged.'),
          flagged: shownPoints.map((p) => p.slowdown),
          width: 140,
        },
      ),
    });
  }
  return {
    root: '',
    section: 'benchmarks',
    title: 'Benchmarks',
    lede:
      runCount === 0
        ? 'Timings of the numeric kernels, as stored by npm run bench.'
        : `${plural(runCount, 'benchmark run')} on ${plural(machines.size, 'machine')}. Timings are only compared between runs on the same machine (CPU model, thread count and host).`,
    rule: 'A run is flagged as a slowdown when its mean time is more than 5 % above the median of the means of up to 10 earlier runs of the same task on the same machine.',
    suites: [...suites.values()],
    flagged,
    problems: problems.map((p) => ({ file: displayPath(p.file, inDir), message: p.message })),
    empty: series.length === 0,
  };
}

function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  if (ms < 1) return `${Number((ms * 1000).toPrecision(3))} µs`;
  if (ms < 1000) return `${Number(ms.toPrecision(3))} ms`;
  return `${Number((ms / 1000).toPrecision(3))} s`;
}

function formatPercent(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return '—';
  return `${p > 0 ? '+' : p < 0 ? '−' : ''}${Math.abs(p).toFixed(1)} %`;
}

// ---------------------------------------------------------------------------------------------------
// Formatting

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function errorMessage(err: unknown): string {
  // duck-typed: errors thrown by node's fs may come from another realm (as under jest)
  if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string') return (err as Error).message;
  return String(err);
}

/** A file or folder name made from an id: only [A-Za-z0-9._-], never `.` or `..`. */
function safeSegment(id: string): string {
  const s = id.replace(/[^A-Za-z0-9._-]/g, '_');
  return s === '' || s.startsWith('.') ? `_${s}` : s;
}

function firstFailing(result: ClaimTierHistory['current']['result'], keyId: string | undefined): { metric: string; measured: string; tolerance: string } | undefined {
  if (result.verdict !== 'not reproduced') return undefined;
  const failed = result.expectations.find((e) => !e.pass);
  if (!failed || failed.id === keyId) return undefined;
  return { metric: failed.metric, measured: formatNumber(failed.measured), tolerance: failed.tolerance };
}

function paperAnchor(key: string): string {
  return `paper-${safeSegment(key)}`;
}

function paperInfo(spec: Partial<ClaimSpec>, fallbackKey: string): PaperInfo {
  const ref: Partial<ClaimSpec['paper']> = typeof spec.paper === 'object' && spec.paper !== null ? spec.paper : {};
  return { key: str(ref.key) || fallbackKey, citation: str(ref.citation), section: sectionText(str(ref.section)), figure: str(ref.figure) };
}

function provenanceOf(m: RunManifest): Partial<Provenance> {
  return typeof m.provenance === 'object' && m.provenance !== null ? m.provenance : {};
}

/** The state of a run in words: `complete`, `running: …`, `incomplete: …`, with shard/merge/resume notes. */
function runStatusText(state: RunState, run: StoredRun): string {
  const m = run.manifest;
  const total = Array.isArray(m.claims) ? m.claims.length : 0;
  const finished = `${run.results.length} of ${plural(total, 'claim')} finished`;
  const extras = [
    m.shard ? `shard ${m.shard.index} of ${m.shard.count}` : '',
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

function displayPath(file: string, inDir: string): string {
  const rel = path.relative(inDir, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel.split(path.sep).join('/');
}

/** Four significant digits; exponent form for very large or small magnitudes; `—` when missing. */
function formatPaper(paper: PaperValue | undefined): PaperView {
  return { value: typeof paper?.value === 'number' ? formatNumber(paper.value) : '', text: str(paper?.text) };
}

function formatDate(iso: unknown): string {
  if (typeof iso !== 'string') return 'unknown';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function formatDay(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 10);
}

/** `3.1` → `§ 3.1`; `§3.2 and App. B` and `Appendix B` are kept as written. */
function sectionText(section: string): string {
  return /^\d/.test(section) ? `§ ${section}` : section;
}

function commitText(prov: Partial<Provenance>): string {
  if (!prov.commit) return 'unknown (not a git checkout)';
  return prov.dirty ? `${prov.commit} (uncommitted changes)` : prov.commit;
}

function machineText(prov: Partial<Provenance>): string {
  const parts = [
    str(prov.cpu),
    typeof prov.cpus === 'number' ? `${prov.cpus} threads` : '',
    typeof prov.memoryGiB === 'number' ? `${Math.round(prov.memoryGiB)} GiB` : '',
    [str(prov.platform), str(prov.arch)].filter(Boolean).join('/'),
  ].filter(Boolean);
  return parts.join(', ') || 'unknown';
}
