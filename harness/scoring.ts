/**
 * Scoring: expectations against measured metrics, as pure functions. A claim's own run passes only when
 * every expectation passes; a metric that is missing or not finite is an `error`, never a pass or a fail.
 * Its controls are scored with the same expectations, and the verdict combines both (`claimVerdict`):
 * error (the claim's or a control's) → `error`; a failing expectation → `not reproduced`; a control under
 * which an expectation of its `mustFail` still passes → `inconclusive`; otherwise `reproduced`.
 */
import type {
  ClaimSpec,
  Control,
  ControlResult,
  Expectation,
  ExperimentOutput,
  ScoredExpectation,
  ScoredObservation,
  Verdict,
} from './types';
import { withMinusSign } from './format';

/** The acceptance region in words, e.g. `∈ [1.8, 2.2]`, `≥ 0.98`, `≈ 11.18 ± 1%`. */
export function describeTolerance(e: Expectation): string {
  switch (e.comparator) {
    case 'between':
      return `∈ [${fmt(e.min)}, ${fmt(e.max)}]`;
    case 'atLeast':
      return `≥ ${fmt(e.min)}`;
    case 'atMost':
      return `≤ ${fmt(e.max)}`;
    case 'approximately': {
      const tol = e.tolerance;
      if (tol && 'relative' in tol) return `≈ ${fmt(e.value)} ± ${fmt(tol.relative * 100)}%`;
      return `≈ ${fmt(e.value)} ± ${fmt(tol?.absolute)}`;
    }
  }
}

/** Whether a finite measured value satisfies an expectation. */
export function satisfies(e: Expectation, measured: number): boolean {
  switch (e.comparator) {
    case 'between':
      return measured >= (e.min as number) && measured <= (e.max as number);
    case 'atLeast':
      return measured >= (e.min as number);
    case 'atMost':
      return measured <= (e.max as number);
    case 'approximately': {
      const value = e.value as number;
      const tol = e.tolerance;
      const allowed = tol && 'relative' in tol ? tol.relative * Math.abs(value) : (tol?.absolute ?? 0);
      return Math.abs(measured - value) <= allowed;
    }
  }
}

export interface Score {
  verdict: Exclude<Verdict, 'not run at this tier'>;
  reason?: string;
  expectations: ScoredExpectation[];
  observations: ScoredObservation[];
}

export function scoreClaim(spec: ClaimSpec, output: ExperimentOutput): Score {
  const problems: string[] = [];
  const expectations = spec.expectations.map((e): ScoredExpectation => {
    const measured = output.metrics[e.metric];
    const base = { id: e.id, metric: e.metric, comparator: e.comparator, tolerance: describeTolerance(e), rationale: e.rationale, ...(e.paper ? { paper: e.paper } : {}) };
    if (measured === undefined) {
      problems.push(`metric '${e.metric}' (expectation '${e.id}') was not produced`);
      return { ...base, measured: null, pass: false };
    }
    if (!Number.isFinite(measured)) {
      problems.push(`metric '${e.metric}' (expectation '${e.id}') is ${measured}`);
      return { ...base, measured: null, pass: false };
    }
    return { ...base, measured, pass: satisfies(e, measured) };
  });
  const observations = (spec.observations ?? []).map((o): ScoredObservation => {
    const value = output.observations?.[o.metric] ?? output.metrics[o.metric];
    const measured = value === undefined || (typeof value === 'number' && !Number.isFinite(value)) ? null : value;
    return { id: o.id, metric: o.metric, description: o.description, measured, ...(o.paper ? { paper: o.paper } : {}) };
  });
  if (problems.length > 0) return { verdict: 'error', reason: problems.join('; '), expectations, observations };
  const verdict = expectations.every((e) => e.pass) ? 'reproduced' : 'not reproduced';
  return { verdict, expectations, observations };
}

/** What a control's run says: whether each expectation of its `mustFail` failed, as it must. */
export function scoreControl(spec: ClaimSpec, control: Control, output: ExperimentOutput): Pick<ControlResult, 'status' | 'discriminates' | 'reason' | 'expectations' | 'observations'> {
  const score = scoreClaim(spec, output);
  if (score.verdict === 'error') return { status: 'error', discriminates: false, reason: score.reason, expectations: score.expectations, observations: score.observations };
  const passed = control.mustFail.filter((id) => score.expectations.find((e) => e.id === id)?.pass);
  return {
    status: passed.length === 0 ? 'discriminated' : 'not discriminated',
    discriminates: passed.length === 0,
    ...(passed.length > 0 ? { reason: `${passed.map((id) => `'${id}'`).join(', ')} still passes under the control` } : {}),
    expectations: score.expectations,
    observations: score.observations,
  };
}

/** The verdict of a claim from its own score and its controls' results (see the module comment). */
export function claimVerdict(own: Pick<Score, 'verdict' | 'reason'>, controls: Pick<ControlResult, 'id' | 'status' | 'reason'>[]): { verdict: Score['verdict']; reason?: string } {
  if (own.verdict === 'error') return own;
  const broken = controls.filter((c) => c.status === 'error');
  if (broken.length > 0) return { verdict: 'error', reason: broken.map((c) => `control '${c.id}' failed: ${c.reason}`).join('; ') };
  if (own.verdict === 'not reproduced') return own;
  const blind = controls.filter((c) => c.status === 'not discriminated');
  if (blind.length > 0) {
    return { verdict: 'inconclusive', reason: `${blind.map((c) => `control '${c.id}': ${c.reason}`).join('; ')}, so the suite cannot tell the claim from its negation` };
  }
  return { verdict: own.verdict };
}

function fmt(v: number | undefined): string {
  if (v === undefined) return '?';
  if (v !== 0 && (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3)) return withMinusSign(v.toExponential(2).replace('e+', 'e'));
  return withMinusSign(String(Number(v.toPrecision(6))));
}
