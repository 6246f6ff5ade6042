/**
 * What a claim page shows of a claim's controls and protocol: each control beside the claim (its
 * description, what it changes, which expectations must fail, how they scored, whether it discriminated,
 * its plots and raw files), the controls that do not run at this tier, and the reasons given where a
 * claim or an expectation has no control. Everything is read from the run's claim folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatDuration, formatNumber } from '../format';
import type { ClaimResult, ClaimSpec, ControlStatus, PlotSpec } from '../types';
import { renderMarkdown } from './markdown';
import { renderPlot } from './svg';

export interface StatusView {
  label: string;
  symbol: string;
  css: string;
}

const STATUS: Record<ControlStatus, StatusView> = {
  discriminated: { label: 'discriminated', symbol: '✓', css: 'ok' },
  'not discriminated': { label: 'not discriminated', symbol: '?', css: 'inconclusive' },
  error: { label: 'error', symbol: '!', css: 'error' },
};

export interface ControlView {
  id: string;
  anchor: string;
  descriptionHtml: string;
  status: StatusView;
  reason?: string;
  mustFail: string[];
  /** The control's own parameters (what it changes), as JSON. */
  change: string;
  expectations: { id: string; metric: string; tolerance: string; measured: string; exact: string; unmeasured: boolean; pass: boolean; mustFail: boolean; /** failed as it must, or passed as it may */ asRequired: boolean }[];
  plots: { title: string; caption: string; svg: string }[];
  files: { label: string; name: string; href: string }[];
  duration: string;
}

export interface ControlsView {
  controls: ControlView[];
  /** Controls of the spec that do not run at this tier. */
  notRun: { id: string; tiers: string }[];
  noControlReasonHtml: string;
  /** Expectations exempt from controls, with their reasons. */
  exempt: { id: string; reasonHtml: string }[];
  /** Whether there is anything to show. */
  any: boolean;
}

/** A control's raw file copied into the site, as a link from the claim page. */
export interface ControlFileLink {
  control: string;
  label: string;
  name: string;
  href: string;
}

export function controlsView(
  result: ClaimResult,
  spec: Partial<ClaimSpec>,
  claimFolder: string,
  files: ControlFileLink[],
  onProblem: (file: string, err: unknown) => void,
): ControlsView {
  const specControls = Array.isArray(spec.controls) ? spec.controls : [];
  const ran = Array.isArray(result.controls) ? result.controls : [];
  const controls = ran.map((c): ControlView => {
    const mustFail = Array.isArray(c.mustFail) ? c.mustFail : [];
    const own = specControls.find((s) => s.id === c.id);
    return {
      id: c.id,
      anchor: `control-${c.id}`,
      descriptionHtml: renderMarkdown(typeof c.description === 'string' ? c.description : ''),
      status: STATUS[c.status] ?? { label: String(c.status), symbol: '?', css: 'skip' },
      reason: c.reason,
      mustFail,
      change: JSON.stringify(own?.params ?? c.params, null, 2),
      expectations: (c.expectations ?? []).map((e) => ({
        id: e.id,
        metric: e.metric,
        tolerance: e.tolerance,
        measured: formatNumber(e.measured),
        exact: e.measured === null ? '' : String(e.measured),
        unmeasured: e.measured === null,
        pass: e.pass,
        mustFail: mustFail.includes(e.id),
        asRequired: mustFail.includes(e.id) ? e.measured !== null && !e.pass : true,
      })),
      plots: controlPlots(claimFolder, c.files?.plots, onProblem),
      files: files.filter((f) => f.control === c.id).map(({ label, name, href }) => ({ label, name, href })),
      duration: formatDuration(c.durationMs),
    };
  });
  const notRun = specControls
    .filter((s) => !ran.some((c) => c.id === s.id))
    .map((s) => ({ id: s.id, tiers: Array.isArray(s.tiers) ? s.tiers.join(', ') : 'every tier of the claim' }));
  const [uncontrolled] = uncontrolledClaims([{ claimId: '', title: '', href: '', spec }]);
  const noControlReasonHtml = uncontrolled?.reasonHtml ?? '';
  const exempt = uncontrolled?.exempt ?? [];
  return { controls, notRun, noControlReasonHtml, exempt, any: controls.length + notRun.length + exempt.length > 0 || noControlReasonHtml !== '' };
}

function controlPlots(claimFolder: string, rel: string | undefined, onProblem: (file: string, err: unknown) => void): ControlView['plots'] {
  if (typeof rel !== 'string') return [];
  const file = path.resolve(claimFolder, rel);
  const out: ControlView['plots'] = [];
  let plots: unknown;
  try {
    plots = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (!Array.isArray(plots)) throw new Error('expected an array of plots');
  } catch (err) {
    onProblem(file, err);
    return out;
  }
  for (const [i, plot] of (plots as PlotSpec[]).entries()) {
    try {
      out.push({ title: plot.title || plot.id, caption: plot.caption ?? '', svg: renderPlot(plot) });
    } catch (err) {
      onProblem(file, new Error(`plot ${i}: ${err instanceof Error ? err.message : String(err)}`));
    }
  }
  return out;
}

/** The protocol files stored beside a result, rendered; each appears once. */
export function protocolView(result: ClaimResult, claimFolder: string, onProblem: (file: string, err: unknown) => void): { name: string; html: string }[] {
  const names = Array.isArray(result.files?.protocol) ? result.files.protocol : [];
  const out: { name: string; html: string }[] = [];
  for (const name of [...new Set(names)]) {
    const file = path.resolve(claimFolder, name);
    if (path.dirname(file) !== path.resolve(claimFolder)) {
      onProblem(file, new Error('protocol file lies outside the claim folder; not shown'));
      continue;
    }
    try {
      out.push({ name, html: renderMarkdown(fs.readFileSync(file, 'utf8')) });
    } catch (err) {
      onProblem(file, err);
    }
  }
  return out;
}

/** A claim on the index that has no control, or has expectations exempt from controls, with the reasons. */
export interface UncontrolledClaim {
  claimId: string;
  title: string;
  href: string;
  reasonHtml: string;
  exempt: { id: string; reasonHtml: string }[];
}

/** The claims (by their newest spec) that say why no control exists for them or for some expectations. */
export function uncontrolledClaims(claims: { claimId: string; title: string; href: string; spec: Partial<ClaimSpec> | undefined }[]): UncontrolledClaim[] {
  const out: UncontrolledClaim[] = [];
  for (const { claimId, title, href, spec } of claims) {
    if (!spec) continue;
    const reasonHtml = typeof spec.noControlReason === 'string' ? renderMarkdown(spec.noControlReason) : '';
    const exempt = (Array.isArray(spec.expectations) ? spec.expectations : [])
      .filter((e) => typeof e.noControlReason === 'string')
      .map((e) => ({ id: e.id, reasonHtml: renderMarkdown(e.noControlReason as string) }));
    if (reasonHtml || exempt.length > 0) out.push({ claimId, title, href, reasonHtml, exempt });
  }
  return out.sort((a, b) => a.claimId.localeCompare(b.claimId));
}
