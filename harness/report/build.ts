/**
 * `claimbench report`: builds a static site from stored runs (asv-style: the JSON under `<in>/runs/` is
 * the only source of truth). The site stands alone: every page links its CSS and evidence relatively,
 * has no scripts, and opens offline from file://.
 *
 *   <out>/index.html                          every claim, grouped by paper
 *   <out>/claims/<claim-id>.html              one page per claim
 *   <out>/data/<run-id>/<claim-id>/*.json     copies of the raw result, spec, evidence and plot data
 *   <out>/site.css
 *
 * For now each claim shows its latest result; `collectClaims` keeps every result of a claim in order
 * (`ClaimHistory.results`), so a history section can be added per claim without touching the rest.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Handlebars from 'handlebars';
import MarkdownIt from 'markdown-it';
import { writeFileAtomic } from '../atomic';
import { formatDuration, formatNumber } from '../format';
import { packageRoot } from '../paths';
import { readPlots, readRuns, readSpec, type StoredRun, type StoreProblem } from '../store';
import type { ClaimResult, ClaimSpec, PaperValue, PlotSpec, Provenance, ScoredExpectation, Verdict } from '../types';
import { renderPlot } from './svg';

export interface BuildReportOptions {
  inDir: string;
  outDir: string;
}

export interface BuildReportSummary {
  /** HTML pages written (the index and one per claim). */
  pages: number;
  /** Claims shown. */
  claims: number;
  /** Runs read from `<inDir>/runs`. */
  runs: number;
  /** Files that could not be read or used; the site was built from everything else. */
  problems: { file: string; message: string }[];
  /** Absolute path of the site's `index.html`. */
  indexFile: string;
}

/** Marks a folder as a claimbench site, so a rebuild may prune pages and data it no longer produces. */
const SITE_MARKER = '.claimbench-report';

export function buildReport(options: BuildReportOptions): BuildReportSummary {
  const inDir = path.resolve(options.inDir);
  const outDir = path.resolve(options.outDir);
  prepareOutDir(outDir);
  const wasSite = fs.existsSync(path.join(outDir, SITE_MARKER));

  const { runs, problems } = readRuns(inDir);
  const templates = loadTemplates();
  const claims = collectClaims(runs);
  const written = new Set<string>();
  const write = (rel: string, data: string): void => {
    writeFileAtomic(path.join(outDir, rel), data);
    written.add(path.join(outDir, rel));
  };

  write('site.css', templates.css);
  const rows: IndexRow[] = [];
  for (const claim of claims) {
    const page = claimPage(claim, problems, write);
    write(page.file, templates.claim(page.view));
    rows.push(page.row);
  }
  write('index.html', templates.index(indexView(rows, runs, claims, problems, inDir)));
  writeFileAtomic(path.join(outDir, SITE_MARKER), 'Built by `claimbench report`; claims/ and data/ are rebuilt on every run.\n');
  if (wasSite) prune(outDir, written);

  return {
    pages: claims.length + 1,
    claims: claims.length,
    runs: runs.length,
    problems,
    indexFile: path.join(outDir, 'index.html'),
  };
}

// ---------------------------------------------------------------------------------------------------
// Collecting results

/** Every stored result of one claim, oldest first. */
export interface ClaimHistory {
  claimId: string;
  results: { run: StoredRun; result: ClaimResult }[];
}

/** Groups results by claim; runs arrive oldest first, so the last result of each claim is its latest. */
export function collectClaims(runs: StoredRun[]): ClaimHistory[] {
  const byId = new Map<string, ClaimHistory>();
  for (const run of runs) {
    for (const result of run.results) {
      let history = byId.get(result.claimId);
      if (!history) byId.set(result.claimId, (history = { claimId: result.claimId, results: [] }));
      history.results.push({ run, result });
    }
  }
  return [...byId.values()].sort((a, b) => a.claimId.localeCompare(b.claimId));
}

// ---------------------------------------------------------------------------------------------------
// Output folder

function prepareOutDir(outDir: string): void {
  if (fs.existsSync(outDir) && !fs.statSync(outDir).isDirectory()) {
    throw new Error(`cannot write the report to ${outDir}: it is not a folder`);
  }
  try {
    fs.mkdirSync(outDir, { recursive: true });
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

/** Removes files under claims/ and data/ that this build did not write (claims that are gone). */
function prune(outDir: string, written: Set<string>): void {
  for (const sub of ['claims', 'data']) {
    const root = path.join(outDir, sub);
    if (fs.existsSync(root)) pruneFolder(root, written);
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
  hb.registerPartial('layout', read('layout.hbs'));
  const partials = path.join(dir, 'partials');
  for (const name of fs.readdirSync(partials).filter((n) => n.endsWith('.hbs')).sort()) {
    hb.registerPartial(name.slice(0, -'.hbs'.length), read(path.join('partials', name)).trimEnd()); // inline partials
  }
  return {
    index: hb.compile<IndexView>(read('index.hbs')),
    claim: hb.compile<ClaimView>(read('claim.hbs')),
    css: read('site.css'),
  };
}

const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });

/** Markdown to HTML; raw HTML in the source is escaped, never passed through. */
export function renderMarkdown(source: string): string {
  return markdown.render(source);
}

// ---------------------------------------------------------------------------------------------------
// View models (everything the templates show, already formatted; templates only escape and lay out)

interface VerdictView {
  label: string;
  symbol: string;
  css: string;
}

const VERDICTS: Record<Verdict, VerdictView> = {
  reproduced: { label: 'reproduced', symbol: '✓', css: 'ok' },
  'not reproduced': { label: 'not reproduced', symbol: '✗', css: 'fail' },
  error: { label: 'error', symbol: '!', css: 'error' },
  'not run at this tier': { label: 'not run', symbol: '–', css: 'skip' },
};

function verdictView(verdict: Verdict): VerdictView {
  return VERDICTS[verdict] ?? { label: String(verdict), symbol: '?', css: 'skip' };
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

interface IndexRow {
  paper: PaperInfo;
  claimId: string;
  title: string;
  href: string;
  verdict: VerdictView;
  tier: string;
  key?: { metric: string; measured: string; tolerance: string; pass: boolean; unmeasured: boolean; paper: PaperView };
  duration: string;
  runId: string;
}

interface RunView {
  id: string;
  status: string;
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

interface IndexView {
  root: string;
  title: string;
  totals: { verdict: VerdictView; count: number }[];
  lede: string;
  papers: { paper: PaperInfo; anchor: string; rows: IndexRow[] }[];
  runs: RunView[];
  problems: { file: string; message: string }[];
}

interface ClaimView {
  root: string;
  title: string;
  claimId: string;
  indexHref: string;
  paper: PaperInfo;
  verdict: VerdictView;
  reason?: string;
  statementHtml: string;
  resolutionsHtml: string;
  expectations: (Omit<ScoredExpectation, 'measured' | 'paper'> & { measured: string; exact: string; paper: PaperView; unmeasured: boolean })[];
  observations: { id: string; metric: string; description: string; measured: string; paper: PaperView }[];
  params: string;
  plots: { title: string; caption: string; svg: string }[];
  provenance: { label: string; value: string; code?: boolean }[];
  files: { label: string; href: string; name: string }[];
}

function claimPage(
  history: ClaimHistory,
  problems: StoreProblem[],
  write: (rel: string, data: string) => void,
): { file: string; view: ClaimView; row: IndexRow } {
  const { run, result } = history.results[history.results.length - 1]!;
  const claimFolder = path.join(run.dir, 'claims', result.claimId);

  let spec: Partial<ClaimSpec> = {};
  try {
    spec = readSpec(run.dir, result.claimId);
    if (typeof spec !== 'object' || spec === null) throw new Error('not a claim spec');
  } catch (err) {
    spec = {};
    problems.push({ file: path.join(claimFolder, 'spec.json'), message: errorMessage(err) });
  }
  const paperRef: Partial<ClaimSpec['paper']> = typeof spec.paper === 'object' && spec.paper !== null ? spec.paper : {};
  const paper: PaperInfo = {
    key: str(paperRef.key) || result.paperKey,
    citation: str(paperRef.citation),
    section: sectionText(str(paperRef.section)),
    figure: str(paperRef.figure),
  };

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

  // Raw evidence, copied beside the pages so the site stands alone.
  const dataRel = ['data', safeSegment(run.manifest.id), safeSegment(result.claimId)];
  const files: ClaimView['files'] = [];
  const sources: [string, string | undefined][] = [
    ['result', 'result.json'],
    ['spec', result.files.spec],
    ['evidence', result.files.evidence],
    ['plots', result.files.plots],
  ];
  for (const [label, rel] of sources) {
    if (!rel) continue;
    const source = path.resolve(claimFolder, rel);
    const inside = path.relative(claimFolder, source);
    if (inside.startsWith('..') || path.isAbsolute(inside)) {
      problems.push({ file: path.join(claimFolder, 'result.json'), message: `${label} file ${rel} lies outside the claim folder; not copied` });
      continue;
    }
    let data: string;
    try {
      data = fs.readFileSync(source, 'utf8');
    } catch (err) {
      problems.push({ file: source, message: `${label} file not copied: ${errorMessage(err)}` });
      continue;
    }
    const name = safeSegment(path.basename(rel));
    write(path.join(...dataRel, name), data);
    files.push({ label, name, href: ['..', ...dataRel, name].map(encodeURIComponent).join('/') });
  }

  const m = run.manifest;
  const prov: Partial<Provenance> = typeof m.provenance === 'object' && m.provenance !== null ? m.provenance : {};
  const packages = typeof prov.packages === 'object' && prov.packages !== null ? prov.packages : {};
  const versions = [
    prov.claimbench ? `claimbench ${prov.claimbench}` : '',
    prov.node ? `node ${prov.node}` : '',
    ...Object.entries(packages)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, version]) => `${name} ${version}`),
  ].filter(Boolean);

  const view: ClaimView = {
    root: '../',
    title: result.title,
    claimId: result.claimId,
    indexHref: `../index.html#${paperAnchor(paper.key)}`,
    paper,
    verdict: verdictView(result.verdict),
    reason: result.reason,
    statementHtml: renderMarkdown(str(spec.statement) || '_The claim spec could not be read._'),
    resolutionsHtml: str(spec.resolutions) ? renderMarkdown(str(spec.resolutions)) : '',
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
      { label: 'Run status', value: str(m.status) },
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
    files,
  };

  const keyId = typeof spec.keyExpectation === 'string' ? spec.keyExpectation : Array.isArray(spec.expectations) ? spec.expectations[0]?.id : undefined;
  const key = result.expectations.find((e) => e.id === keyId) ?? result.expectations[0];
  const file = path.join('claims', `${safeSegment(result.claimId)}.html`);
  const row: IndexRow = {
    paper,
    claimId: result.claimId,
    title: result.title,
    href: `claims/${encodeURIComponent(safeSegment(result.claimId))}.html`,
    verdict: view.verdict,
    tier: result.tier,
    key: key && {
      metric: key.metric,
      measured: formatNumber(key.measured),
      tolerance: key.tolerance,
      pass: key.pass,
      unmeasured: key.measured === null,
      paper: formatPaper(key.paper),
    },
    duration: formatDuration(result.durationMs),
    runId: m.id,
  };
  return { file, view, row };
}

function indexView(rows: IndexRow[], runs: StoredRun[], claims: ClaimHistory[], problems: StoreProblem[], inDir: string): IndexView {
  const papers = new Map<string, IndexView['papers'][number]>();
  for (const row of rows) {
    let group = papers.get(row.paper.key);
    if (!group) papers.set(row.paper.key, (group = { paper: row.paper, anchor: paperAnchor(row.paper.key), rows: [] }));
    if (!group.paper.citation && row.paper.citation) group.paper = row.paper;
    group.rows.push(row);
  }
  const shownRuns = new Set(claims.map((c) => c.results[c.results.length - 1]!.run));
  const runViews = runs
    .filter((run) => shownRuns.has(run))
    .reverse()
    .map((run): RunView => {
      const m = run.manifest;
      const prov: Partial<Provenance> = typeof m.provenance === 'object' && m.provenance !== null ? m.provenance : {};
      return {
        id: m.id,
        status: str(m.status),
        tier: str(m.tier),
        date: formatDate(m.startedAt),
        commit: prov.commit ? prov.commit.slice(0, 12) : 'unknown',
        dirty: prov.dirty === true ? 'dirty: uncommitted changes' : prov.dirty === false ? 'clean' : 'dirty state unknown',
        dirtyCss: prov.dirty === true ? 'dirty' : prov.dirty === false ? 'clean' : 'unknown',
        node: str(prov.node) || 'unknown',
        backend: str(prov.backend) || 'unknown',
        cpu: machineText(prov),
        shown: `${plural(claims.filter((c) => c.results[c.results.length - 1]!.run === run).length, 'claim')} shown`,
      };
    });
  const order: Verdict[] = ['reproduced', 'not reproduced', 'error', 'not run at this tier'];
  return {
    root: '',
    title: 'Reproducibility report',
    totals: order.map((v) => ({ verdict: verdictView(v), count: rows.filter((r) => r.verdict === VERDICTS[v]).length })),
    lede: `${plural(rows.length, 'claim')} from ${plural(papers.size, 'paper')}. Each claim shows its latest stored result.`,
    papers: [...papers.values()].sort((a, b) => a.paper.key.localeCompare(b.paper.key)),
    runs: runViews,
    problems: problems.map((p) => ({ file: displayPath(p.file, inDir), message: p.message })),
  };
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

function paperAnchor(key: string): string {
  return `paper-${safeSegment(key)}`;
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
