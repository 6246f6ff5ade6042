/** The benchmarks page: latest timing per task and machine against the median of earlier runs, slowdowns flagged. */
import { type BenchSeries } from '../bench-history';
import { type StoreProblem } from '../store';
import { sparkline } from './spark';
import { type PageBase, plural, safeSegment, displayPath, formatDate } from './page-common';

// Benchmarks page

export interface BenchRowView {
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

export interface BenchView extends PageBase {
  lede: string;
  rule: string;
  suites: { name: string; anchor: string; rows: BenchRowView[] }[];
  flagged: string[];
  problems: { file: string; message: string }[];
  empty: boolean;
}

export function benchView(series: BenchSeries[], runCount: number, problems: StoreProblem[], inDir: string): BenchView {
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

export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  if (ms < 1) return `${Number((ms * 1000).toPrecision(3))} µs`;
  if (ms < 1000) return `${Number(ms.toPrecision(3))} ms`;
  return `${Number((ms / 1000).toPrecision(3))} s`;
}

export function formatPercent(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return '—';
  return `${p > 0 ? '+' : p < 0 ? '−' : ''}${Math.abs(p).toFixed(1)} %`;
}
