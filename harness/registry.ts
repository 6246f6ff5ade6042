/**
 * Typed registries keyed by name, in the manner of tfjs-core's kernel registry: registering a name twice
 * throws, looking up an unknown name lists the known ones. Experiment kinds register themselves here, so
 * adding a claim of a new kind never edits the harness core.
 */
import type { ExperimentOutput, Params, Precision, Tier } from './types';
import type { Rng } from './rng';
import type { MapUnits } from './units';

export class Registry<T extends { name: string }> {
  private readonly entries = new Map<string, T>();

  /** `check` returns why an entry cannot be registered (undefined when it can). */
  constructor(
    private readonly what: string,
    private readonly check?: (entry: T) => string | undefined,
  ) {}

  register(entry: T): void {
    if (this.entries.has(entry.name)) {
      throw new Error(`${this.what} '${entry.name}' is already registered`);
    }
    const problem = this.check?.(entry);
    if (problem !== undefined) throw new Error(`${this.what} '${entry.name}' cannot be registered: ${problem}`);
    this.entries.set(entry.name, entry);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  get(name: string): T {
    const entry = this.entries.get(name);
    if (!entry) {
      throw new Error(`unknown ${this.what} '${name}'; known: ${this.names().join(', ') || '(none)'}`);
    }
    return entry;
  }

  names(): string[] {
    return [...this.entries.keys()].sort();
  }
}

/** What an experiment may use while it runs. */
export interface ExperimentContext {
  tier: Tier;
  seed: number;
  /** Seeded generator for this claim; the only source of randomness an experiment may use. */
  rng: Rng;
  /** Reports progress, e.g. `progress(37, 201)`. */
  progress(done: number, total: number): void;
  /** Worker threads the experiment may use for independent runs (see `mapParallel`); results must not depend on it. */
  jobs: number;
  /**
   * The folder of the CIFAR-10 binary release chosen for the run (`--data-dir`, else
   * $CLAIMBENCH_CIFAR10_DIR), when one is configured; kinds that read CIFAR-10 pass it to the loader.
   */
  dataDir?: string;
  /**
   * Runs independent work units (`mapParallel`'s contract: a named export of a module, one input each,
   * outcomes in input order). Kinds with `units` hand their runs to it in one call: a sharded run then
   * splits them over machines and `merge` serves them back (see `units.ts`).
   */
  mapUnits: MapUnits;
}

/** A JSON Schema object (kept loose: ajv checks it when it is compiled). */
export type JsonSchema = Record<string, unknown>;

/** The engine each precision runs on, in words (the result's `engine` names the backend too). */
export const PRECISION_ENGINES: Readonly<Record<Precision, string>> = {
  float64: "claimbench's float64-js engine",
  float32: 'tfjs (its wasm, webgpu or cpu backend)',
};

export interface ExperimentKind<P = Params> {
  name: string;
  description: string;
  /**
   * The precisions (and so the engines, see `PRECISION_ENGINES`) this kind has an implementation for.
   * `validate` rejects a spec whose `precision` is not among them: a float64 kind given `float32` would
   * otherwise run its float64 code while its result names a tfjs engine.
   */
  precisions: readonly [Precision, ...Precision[]];
  /** JSON Schema for the merged parameters; must set `additionalProperties: false` at every level. */
  paramsSchema: JsonSchema;
  /** Names of the metrics this kind can produce, for validating expectations. */
  metrics(params: P): string[];
  /** Extra checks beyond the schema; returns problems as `{ path, message }`. */
  check?(params: P): { path: string; message: string }[];
  run(params: P, ctx: ExperimentContext): Promise<ExperimentOutput> | ExperimentOutput;
  /**
   * What a run with these parameters costs, estimated from the parameters alone (no work done):
   * `validate` reports a tier whose estimate exceeds its budget, and `run` prints it before the claim.
   * Kinds without one get `defaultCost`.
   */
  cost?(params: P): CostEstimate;
  /**
   * How many work units `run` hands to `ctx.mapUnits` with these parameters (its one unit call). A kind
   * with `units` is split unit by unit across the shards of a sharded run; one without is run whole by
   * one shard.
   */
  units?(params: P): number;
  /**
   * The estimated seconds of each of those units, in unit order, where they differ (runs of different
   * sizes): a sharded run deals the units by them. Without it a run's estimate is shared equally.
   */
  unitCosts?(params: P): number[];
}

/** A run's estimated cost on the reference machine (one core of a 2-core laptop). */
export interface CostEstimate {
  /** Wall-clock seconds. */
  seconds: number;
  /** Peak memory in bytes: the largest arrays the run holds at once. */
  memoryBytes: number;
}

// eslint-style `any`-free widening: kinds are stored with their params erased.
export type AnyExperimentKind = ExperimentKind<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Why a kind cannot be registered, for kinds written in plain JavaScript (the type already says it). */
export function kindProblem(kind: AnyExperimentKind): string | undefined {
  const precisions: unknown = kind.precisions;
  if (!Array.isArray(precisions) || precisions.length === 0 || precisions.some((p) => !(p in PRECISION_ENGINES))) {
    return `'precisions' must list the precisions it supports, among ${Object.keys(PRECISION_ENGINES).join(', ')}`;
  }
  return undefined;
}

export const experimentKinds = new Registry<AnyExperimentKind>('experiment kind', kindProblem);

/**
 * Modules outside `harness/experiments/` that register kinds (test fixtures, a user's own kinds). Every
 * claim runs in a child process of its own, which loads the built-in kinds and then these modules.
 */
export const externalKindModules = new Set<string>();

/** Registers a kind defined in module `modulePath` (pass `__filename`); registering again is a no-op. */
export function registerExternalKind(kind: AnyExperimentKind, modulePath: string): void {
  if (!experimentKinds.has(kind.name)) experimentKinds.register(kind);
  externalKindModules.add(modulePath);
}
