/** The view model of a claim page: the newest result of a claim at one tier (verdict, expectations, controls, plots, provenance, files) and its recent history. */
import * as path from 'node:path';
import { formatDuration, formatNumber } from '../format';
import { keyMetricSeries, stabilityText, type ClaimTierHistory, type HistoryEntry } from '../history';
import { readPlots, readSpec, type StoreProblem } from '../store';
import { type ClaimSpec, type PlotSpec, type ScoredExpectation } from '../types';
import { trendChart } from './spark';
import { controlsView, protocolView, type ControlsView } from './controls-view';
import { renderMarkdown } from './markdown';
import { renderPlot } from './svg';
import { type TierPages, rootOf, hrefFrom, type VerdictView, verdictView, type PageBase, type PaperInfo, type PaperView, type StateTag, stateTag, plural, str, errorMessage, paperAnchor, paperInfo, provenanceOf, runStatusText, formatPaper, formatDate, formatDay, commitText, machineText } from './page-common';
import { type FileLink } from './site-files';
import { type HistoryRowView, type ArchiveLink, type ArchiveView, historyPaging, archivePages, stripSvg } from './archive-page';

/** Change points listed in words on one page; the table shows the rest. */
const MAX_CHANGES_LISTED = 10;

export interface HistoryView {
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

export interface ClaimView extends PageBase {
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

export function claimPage(
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
  const paging = historyPaging(history, paths, files, limit);
  const { n, olderCount, rowsFor, changesIn, archiveLinks } = paging;
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

  const archives = archivePages(history, paths, paging, paper);
  return { view, archives, paper };
}

/** Key metric over every run of this tier, with the accepted region shaded and failures crossed. */
export function historyChart(history: ClaimTierHistory, series: NonNullable<ReturnType<typeof keyMetricSeries>>): string {
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
