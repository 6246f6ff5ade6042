/** The index pages: one row per claim and tier with its current verdict, key metric and recent history, the runs, and one pre-rendered page per facet value (paper, tier, verdict). */
import { formatDuration, formatNumber } from '../format';
import { keyMetricSeries, type ClaimTierHistory, type RunState } from '../history';
import { type StoredRun, type StoreProblem } from '../store';
import { TIERS, type Verdict } from '../types';
import { sparkline, verdictGlyph } from './spark';
import { type UncontrolledClaim } from './controls-view';
import { type VerdictView, VERDICT_ORDER, VERDICTS, verdictView, type PageBase, type PaperInfo, type PaperView, type StateTag, stateTag, plural, str, safeSegment, firstFailing, paperAnchor, provenanceOf, runStatusText, displayPath, formatPaper, formatDate, formatDay, machineText } from './page-common';
import { stripSvg } from './archive-page';

// Index pages

export interface IndexRow {
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

export function indexRow(history: ClaimTierHistory, page: string, paper: PaperInfo, recent: number): IndexRow {
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

export interface RunView {
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

export interface FacetValue {
  label: string;
  file: string;
  count: number;
  matches: (row: IndexRow) => boolean;
}

export interface Facet {
  name: string;
  values: FacetValue[];
}

/** Everything the index pages share. */
export interface IndexBase {
  facets: Facet[];
  lede: string;
  runs: RunView[];
  notices: string[];
  problems: { file: string; message: string }[];
  totalRuns: number;
  /** Claims that state why they (or some of their expectations) have no control. */
  uncontrolled: UncontrolledClaim[];
}

export interface IndexView extends PageBase {
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

export function indexBase(
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

export function indexView(base: IndexBase, allRows: IndexRow[], filter: { facet: Facet; value: FacetValue } | null): IndexView {
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
