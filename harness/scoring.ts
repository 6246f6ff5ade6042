/**
 * Scoring: expectations against measured metrics, as pure functions. A claim is `reproduced` only when
 * every expectation passes; a metric that is missing or not finite is an `error`, never a pass or a fail.
 */
import type {
  ClaimSpec,
  Expectation,
  ExperimentOutput,
  ScoredExpectation,
  ScoredObservation,
  Verdict,
} from './types';

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

function fmt(v: number | undefined): string {
  if (v === undefined) return '?';
  if (v !== 0 && (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3)) return v.toExponential(2).replace('e+', 'e');
  return String(Number(v.toPrecision(6)));
}
