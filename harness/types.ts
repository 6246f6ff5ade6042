/**
 * The data shapes every part of claimbench agrees on: claim specs (what `claims/` holds), experiment
 * outputs, scored results and run manifests (what `reports/runs/` holds). JSON Schemas for specs and
 * results live in `schema.ts` and must stay in step with these types.
 */
import type { UnitPlan } from './units';

export const TIERS = ['quick', 'full', 'paper'] as const;
export type Tier = (typeof TIERS)[number];

/** The arithmetic a claim runs in, and with it the engine: float64 on claimbench's own float64 engine, float32 on tfjs. */
export type Precision = 'float64' | 'float32';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type Params = Record<string, JsonValue>;

/** Where a claim comes from. */
export interface PaperRef {
  /** Short key shared by every claim of one paper, e.g. `l0l1`; also the folder under `claims/`. */
  key: string;
  /** Full citation, as it would appear in a bibliography. */
  citation: string;
  /** Section (or chapter / appendix) that states the claim. */
  section: string;
  /** Figure or table that shows it, if any. */
  figure?: string;
}

/** A tier either overrides some experiment parameters or says why it cannot run. */
export type TierSpec = { params?: Params; note?: string; budgetSeconds?: number } | { unavailable: string };

export type Comparator = 'between' | 'atLeast' | 'atMost' | 'approximately';

/** The paper's own number (or words) for a metric, printed beside ours. */
export interface PaperValue {
  value?: number;
  text?: string;
}

export interface Expectation {
  id: string;
  /** Name of a metric the experiment kind produces. */
  metric: string;
  comparator: Comparator;
  /** `between`: min ≤ x ≤ max; `atLeast`: x ≥ min; `atMost`: x ≤ max. */
  min?: number;
  max?: number;
  /** `approximately`: |x − value| ≤ tolerance (absolute, or relative to |value|). */
  value?: number;
  tolerance?: { absolute: number } | { relative: number };
  paper?: PaperValue;
  /** Why this comparator and tolerance: the scientific reason, in words. */
  rationale: string;
  /**
   * Why no change of parameters can make this expectation fail (markdown). Every expectation is either
   * listed in some control's `mustFail` or carries this reason.
   */
  noControlReason?: string;
}

/**
 * A counterfactual run of a claim: parameters under which, by the paper's own reasoning, the claim
 * should NOT hold (a mechanism switched off, a symmetric case, the other side of the paper's argument).
 * It runs right after its claim with the claim's seed and is scored with the same expectations; each
 * expectation in `mustFail` must then fail, or the claim's verdict is `inconclusive`.
 */
export interface Control {
  /** Unique within the spec, kebab-case. */
  id: string;
  /** The counterfactual and why the claim should not hold under it (markdown). */
  description: string;
  /** Deep-merged over the claim's effective parameters at each tier (experiment.params ⊕ tier params). */
  params: Params;
  /** Tiers the control runs at; default: every tier at which the claim runs. Includes quick when the claim runs at quick. */
  tiers?: Tier[];
  /** Expectation ids that must fail under the control. */
  mustFail: string[];
}

/** Something measured and shown but not scored. */
export interface Observation {
  id: string;
  metric: string;
  description: string;
  paper?: PaperValue;
}

export interface ClaimSpec {
  $schema?: string;
  id: string;
  title: string;
  paper: PaperRef;
  /** The claim in the paper's terms (markdown). */
  statement: string;
  /** How we resolved what the paper leaves open, and other choices a reader must know (markdown). */
  resolutions?: string;
  /**
   * Markdown file(s) beside the spec (in `claims/<paper>/`) with protocol text shared by several claims
   * of the paper, written once and rendered on each claim's page.
   */
  protocol?: string | string[];
  precision: Precision;
  experiment: { kind: string; params: Params };
  tiers: Record<Tier, TierSpec>;
  expectations: Expectation[];
  observations?: Observation[];
  /** Counterfactual runs that show each expectation able to fail. */
  controls?: Control[];
  /** Only with `controls: []`: why no counterfactual of this claim can exist (markdown). */
  noControlReason?: string;
  /** Expectation id summarised on the index page; defaults to the first expectation. */
  keyExpectation?: string;
  /**
   * How far a metric may move between two runs of the same tier before `claimbench check` calls it a
   * regression, even when the verdict stays the same.
   */
  drift?: DriftLimit[];
}

export type DriftLimit = ({ metric: string; absolute: number } | { metric: string; relative: number }) & { rationale?: string };

/** A claim spec together with the file it was read from. */
export interface LoadedClaim {
  spec: ClaimSpec;
  file: string;
}

// ---------------------------------------------------------------------------------------------------
// Experiment outputs

export type ObservationValue = string | number | boolean;

/** A declarative plot: experiments describe data, the report renders it (as inline SVG). */
export interface PlotSpec {
  id: string;
  title: string;
  caption?: string;
  x: AxisSpec;
  y: AxisSpec;
  series: PlotSeries[];
}

export interface AxisSpec {
  label: string;
  scale?: 'linear' | 'log';
}

export interface PlotSeries {
  name: string;
  /** `points`: a scatter; `line`: a polyline in the given order. */
  mark: 'points' | 'line';
  x: number[];
  y: number[];
  /** Series sharing a group share a colour and one legend entry (e.g. hundreds of traces by class). */
  group?: string;
  /** Context drawn in grey beneath the data (contours, reference points): it takes no palette colour. */
  context?: boolean;
}

export interface ExperimentOutput {
  /** Scalar results; expectations and observations refer to these by name. */
  metrics: Record<string, number>;
  /** Non-numeric results (classes, labels) shown as observations. */
  observations?: Record<string, ObservationValue>;
  /** Raw data from which every metric can be recomputed independently. */
  evidence: Record<string, JsonValue>;
  plots?: PlotSpec[];
}

// ---------------------------------------------------------------------------------------------------
// Scored results and runs

/**
 * `inconclusive`: the claim's expectations pass, but so does some expectation under a control that should
 * have made it fail: the suite could not tell the claim from its negation.
 */
export type Verdict = 'reproduced' | 'not reproduced' | 'inconclusive' | 'error' | 'not run at this tier';

export interface ScoredExpectation {
  id: string;
  metric: string;
  comparator: Comparator;
  /** Human-readable acceptance region, e.g. `[1.8, 2.2]` or `≥ 0.98`. */
  tolerance: string;
  measured: number | null;
  pass: boolean;
  paper?: PaperValue;
  rationale: string;
}

export interface ScoredObservation {
  id: string;
  metric: string;
  description: string;
  measured: ObservationValue | null;
  paper?: PaperValue;
}

/**
 * What a control run found. `discriminated`: every `mustFail` expectation failed; `not discriminated`:
 * some passed; `error`: the run crashed or a metric was missing or not finite.
 */
export type ControlStatus = 'discriminated' | 'not discriminated' | 'error';

export interface ControlResult {
  id: string;
  description: string;
  /** The parameters the control ran with (the claim's tier parameters ⊕ the control's). */
  params: Params;
  mustFail: string[];
  status: ControlStatus;
  /** Every `mustFail` expectation failed. */
  discriminates: boolean;
  /** Set when the status is `error`, or names the `mustFail` expectations that passed. */
  reason?: string;
  metrics: Record<string, number>;
  /** The claim's expectations, scored on the control's metrics. */
  expectations: ScoredExpectation[];
  observations: ScoredObservation[];
  durationMs: number;
  /** Relative to the claim's result.json: `controls/<id>/evidence.json` and `controls/<id>/plots.json`. */
  files: { evidence?: string; plots?: string };
}

/** Results of version 1 have no `controls`; readers treat them as having none. */
export const RESULT_SCHEMA_VERSION = 2 as const;

export interface ClaimResult {
  schemaVersion: 1 | 2;
  claimId: string;
  title: string;
  paperKey: string;
  runId: string;
  tier: Tier;
  /** The claim's own seed, derived from the run seed and the claim id. */
  seed: number;
  verdict: Verdict;
  /** Engine the claim ran on: `float64-js`, or `tfjs-<backend>` for float32 claims. */
  engine?: string;
  /** Set when the verdict is `error` or `not run at this tier`. */
  reason?: string;
  kind: string;
  params: Params;
  metrics: Record<string, number>;
  expectations: ScoredExpectation[];
  observations: ScoredObservation[];
  startedAt: string;
  durationMs: number;
  /** The claim's controls, in spec order, that ran at this tier (empty when none ran). */
  controls: ControlResult[];
  /** Files beside result.json, relative to it: the spec as run, its protocol files, raw evidence, plot data. */
  files: { spec: string; protocol?: string[]; evidence?: string; plots?: string };
  /** sha256 of the spec file's bytes: which version of the claim was run. */
  specSha256: string;
}

export interface Provenance {
  commit: string | null;
  dirty: boolean | null;
  node: string;
  claimbench: string;
  packages: Record<string, string>;
  platform: string;
  arch: string;
  cpu: string;
  cpus: number;
  memoryGiB: number;
  hostname: string;
  backend: string;
  /** The CIFAR-10 folder the run's claims read, when one was configured, and where it came from. */
  cifar10Dir?: { path: string; from: '--data-dir' | 'CLAIMBENCH_CIFAR10_DIR' };
}

export interface RunManifest {
  schemaVersion: 1;
  id: string;
  /**
   * `running` while a process writes the run (see `writer`); a reader that finds `running` with no live
   * writer treats the run as `incomplete` (killed). `claimbench run --resume <id>` finishes it.
   */
  status: 'running' | 'complete' | 'incomplete';
  /** The process writing the run, while it runs. */
  writer?: { pid: number; hostname: string };
  tier: Tier;
  seed: number;
  selection: string[];
  /** Claim ids this run covers, in run order. */
  claims: string[];
  /** Set when the run is one slice of a sharded run (`--shard index/count`, index from 1). */
  shard?: { index: number; count: number };
  /**
   * In a shard run: the claims (also listed in `claims`) of which it computed its share of the work
   * units; each has `units.json` instead of a result.json until `claimbench merge` scores it.
   */
  unitClaims?: string[];
  /** In a shard run: the shard of every work unit of each of those claims and of its controls (`planShards`; the same in every shard). */
  unitPlans?: Record<string, UnitPlan>;
  /** Set when the run was made by `claimbench merge` from shard runs. */
  mergedFrom?: string[];
  /** Set when the run was resumed after an interruption. */
  resumedAt?: string[];
  provenance: Provenance;
  startedAt: string;
  endedAt?: string;
  durationMs?: number;
}
