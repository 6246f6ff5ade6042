/**
 * Comparing a fresh run of claims with the latest stored run of the same tier: verdict flips, control
 * flips and metric deltas, as pure functions. A regression is a claim that was reproduced and no longer
 * is (also when it is now `inconclusive`: a control stopped telling it from its negation), or a metric
 * that moved beyond the spec's `drift` limit.
 */
import type { ClaimResult, ClaimSpec, ControlStatus, DriftLimit, Tier } from './types';
import type { StoredRun } from './store';
import { withMinusSign } from './format';

export interface MetricChange {
  metric: string;
  before: number | null;
  after: number | null;
  delta: number | null;
  /** The spec's drift limit for this metric, if any, as text. */
  limit?: string;
  beyondLimit: boolean;
}

/** A control whose status differs between the baseline and now (absent on one side: null). */
export interface ControlFlip {
  id: string;
  before: ControlStatus | null;
  after: ControlStatus | null;
}

export interface ClaimComparison {
  claimId: string;
  baselineRunId: string | null;
  before: ClaimResult['verdict'] | null;
  after: ClaimResult['verdict'];
  changes: MetricChange[];
  controlFlips: ControlFlip[];
  regression: boolean;
  reasons: string[];
}

/** The newest stored result of a claim at a tier, from complete or incomplete runs alike. */
export function latestResult(runs: StoredRun[], claimId: string, tier: Tier, excludeRunId?: string): ClaimResult | null {
  for (let i = runs.length - 1; i >= 0; i--) {
    const run = runs[i];
    if (run.manifest.tier !== tier || run.manifest.id === excludeRunId) continue;
    const hit = run.results.find((r) => r.claimId === claimId && r.verdict !== 'not run at this tier');
    if (hit) return hit;
  }
  return null;
}

export function exceedsDrift(limit: DriftLimit, before: number, after: number): boolean {
  const delta = Math.abs(after - before);
  return 'absolute' in limit ? delta > limit.absolute : delta > limit.relative * Math.abs(before);
}

export function compareResults(spec: ClaimSpec, baseline: ClaimResult | null, current: ClaimResult): ClaimComparison {
  const reasons: string[] = [];
  const names = [...new Set([...Object.keys(baseline?.metrics ?? {}), ...Object.keys(current.metrics)])].sort();
  const changes = names.map((metric): MetricChange => {
    const before = baseline?.metrics[metric] ?? null;
    const after = current.metrics[metric] ?? null;
    const limit = spec.drift?.find((d) => d.metric === metric);
    const beyondLimit = limit !== undefined && before !== null && after !== null && exceedsDrift(limit, before, after);
    if (beyondLimit) reasons.push(`${metric} moved from ${withMinusSign(String(before))} to ${withMinusSign(String(after))}, beyond its drift limit ${describeLimit(limit)}`);
    if (limit && before !== null && after === null) reasons.push(`${metric} is no longer produced`);
    return { metric, before, after, delta: before !== null && after !== null ? after - before : null, ...(limit ? { limit: describeLimit(limit) } : {}), beyondLimit };
  });
  if (baseline?.verdict === 'reproduced' && current.verdict !== 'reproduced') {
    reasons.unshift(`was reproduced in run ${baseline.runId}, now ${current.verdict}${current.reason ? ` (${current.reason})` : ''}`);
  }
  const statusOf = (r: ClaimResult | null, id: string): ControlStatus | null => r?.controls.find((c) => c.id === id)?.status ?? null;
  const controlIds = [...new Set([...(baseline?.controls ?? []).map((c) => c.id), ...current.controls.map((c) => c.id)])];
  const controlFlips = baseline ? controlIds.map((id) => ({ id, before: statusOf(baseline, id), after: statusOf(current, id) })).filter((f) => f.before !== f.after) : [];
  return {
    claimId: current.claimId,
    baselineRunId: baseline?.runId ?? null,
    before: baseline?.verdict ?? null,
    after: current.verdict,
    changes,
    controlFlips,
    regression: reasons.length > 0,
    reasons,
  };
}

function describeLimit(limit: DriftLimit): string {
  return 'absolute' in limit ? `± ${limit.absolute}` : `± ${limit.relative * 100}%`;
}
