/**
 * Loading and validating claim specs. Every problem names the file, the JSON pointer inside it and a
 * hint for the fix; validation collects all problems instead of stopping at the first.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ErrorObject } from 'ajv';
import { describeJsonError, scanJson } from './json-scan';
import { ajv, specValidatorFn } from './schema';
import { REFERENCE_MEMORY_BYTES, addCosts, describeCost, estimateCost, formatBytes, formatSeconds } from './cost';
import { claimBudgetSeconds } from './isolation';
import { PRECISION_ENGINES, experimentKinds, type AnyExperimentKind, type CostEstimate } from './registry';
import { TIERS, type ClaimSpec, type Control, type LoadedClaim, type Params, type Tier } from './types';
import type { ValidateFunction } from 'ajv';

export interface SpecProblem {
  file: string;
  /** JSON pointer into the file ('' for the whole document). */
  pointer: string;
  message: string;
  hint?: string;
}

export function formatProblem(p: SpecProblem, relativeTo = process.cwd()): string {
  const where = `${path.relative(relativeTo, p.file) || p.file}: ${p.pointer || '/'}`;
  return `${where}: ${p.message}${p.hint ? `\n    hint: ${p.hint}` : ''}`;
}

/**
 * All claim files (`*.json` in any letter case, except `*.schema.json`) under a folder, sorted.
 * Symbolic links are followed, each folder visited once (a link back up cannot loop); a dangling link
 * is listed, so reading it reports it.
 */
export function findSpecFiles(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  if (fs.statSync(root).isFile()) return [root];
  const out: string[] = [];
  const visited = new Set<string>();
  const walk = (dir: string): void => {
    const real = fs.realpathSync(dir);
    if (visited.has(real)) return;
    visited.add(real);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      let stat: fs.Stats | undefined = entry.isSymbolicLink() ? undefined : (entry as unknown as fs.Stats);
      if (entry.isSymbolicLink()) {
        try {
          stat = fs.statSync(full);
        } catch {
          stat = undefined;
        }
      }
      if (stat?.isDirectory()) walk(full);
      else if ((stat === undefined || stat.isFile()) && /\.json$/i.test(entry.name) && !/\.schema\.json$/i.test(entry.name)) out.push(full);
    }
  };
  walk(root);
  return out.sort();
}

/** Deep merge of tier overrides into base parameters: objects merge key by key, anything else replaces. */
export function mergeParams(base: Params, override: Params | undefined): Params {
  if (!override) return structuredClone(base);
  const out: Params = structuredClone(base);
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    out[key] =
      isPlainObject(current) && isPlainObject(value) ? mergeParams(current as Params, value as Params) : structuredClone(value);
  }
  return out;
}

/** The merged parameters of a tier, or the reason it cannot run. */
export function tierParams(spec: ClaimSpec, tier: Tier): { params: Params } | { unavailable: string } {
  const t = spec.tiers[tier];
  if ('unavailable' in t) return { unavailable: t.unavailable };
  return { params: mergeParams(spec.experiment.params, t.params) };
}

/** The merged parameters of a control at a tier: the claim's tier parameters ⊕ the control's. */
export function controlParams(spec: ClaimSpec, control: Control, tier: Tier): Params | undefined {
  const merged = tierParams(spec, tier);
  return 'unavailable' in merged ? undefined : mergeParams(merged.params, control.params);
}

/** The tiers a control runs at: its own list, or every tier at which the claim runs. */
export function controlTiers(spec: ClaimSpec, control: Control): Tier[] {
  return control.tiers ?? TIERS.filter((t) => !('unavailable' in spec.tiers[t]));
}

export interface LoadResult {
  claims: LoadedClaim[];
  problems: SpecProblem[];
}

/** Reads and validates every spec under `root` (or the given files). */
export function loadClaims(root: string, files = findSpecFiles(root)): LoadResult {
  const claims: LoadedClaim[] = [];
  const problems: SpecProblem[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const fileProblems: SpecProblem[] = [];
    const spec = parseSpecFile(file, fileProblems);
    if (spec) {
      checkSpec(spec, file, root, fileProblems);
      checkProtocol(spec, file, fileProblems);
      fileProblems.push(...controlCoverage(spec, file));
      const previous = seen.get(spec.id);
      if (previous) {
        fileProblems.push({ file, pointer: '/id', message: `duplicate claim id '${spec.id}', also in ${previous}`, hint: 'claim ids must be unique across claims/' });
      } else {
        seen.set(spec.id, file);
      }
    }
    if (fileProblems.length === 0 && spec) claims.push({ spec, file });
    problems.push(...fileProblems);
  }
  if (files.length === 0) problems.push({ file: root, pointer: '', message: 'no claim specs (*.json) found', hint: 'specs live at <claims folder>/<paper-key>/<slug>.json; --claims DIR names another claims folder' });
  return { claims, problems };
}

/** The protocol files a spec references, as absolute paths beside the spec. */
export function protocolFiles(spec: ClaimSpec, specFile: string): string[] {
  const names = spec.protocol === undefined ? [] : typeof spec.protocol === 'string' ? [spec.protocol] : spec.protocol;
  return names.map((name) => path.join(path.dirname(specFile), name));
}

function checkProtocol(spec: ClaimSpec, file: string, problems: SpecProblem[]): void {
  protocolFiles(spec, file).forEach((full, i) => {
    if (!fs.existsSync(full) || !fs.statSync(full).isFile()) {
      const pointer = typeof spec.protocol === 'string' ? '/protocol' : `/protocol/${i}`;
      problems.push({ file, pointer, message: `protocol file '${path.basename(full)}' not found beside the spec`, hint: `create ${path.relative(process.cwd(), full) || full}, or fix the name` });
    }
  });
}

/**
 * Every claim has controls or says why none can exist, and every expectation is in some control's
 * `mustFail` or carries its own `noControlReason`.
 */
function controlCoverage(spec: ClaimSpec, file: string): SpecProblem[] {
  const out: SpecProblem[] = [];
  const controls = spec.controls;
  if (controls === undefined) {
    out.push({ file, pointer: '', message: 'no controls', hint: 'add "controls": [...] with a counterfactual under which the claim should fail, or "controls": [] with "noControlReason"' });
    return out;
  }
  if (controls.length === 0) {
    if (spec.noControlReason === undefined) out.push({ file, pointer: '/controls', message: 'empty controls without a noControlReason', hint: 'add a control, or say in "noControlReason" why no counterfactual can exist' });
    return out;
  }
  const covered = new Set(controls.flatMap((c) => c.mustFail));
  spec.expectations.forEach((e, i) => {
    if (!covered.has(e.id) && e.noControlReason === undefined) {
      out.push({ file, pointer: `/expectations/${i}`, message: `expectation '${e.id}' is in no control's mustFail`, hint: 'list it in the mustFail of a control under which it should fail, or give the expectation a "noControlReason"' });
    }
  });
  return out;
}

function parseSpecFile(file: string, problems: SpecProblem[]): ClaimSpec | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    problems.push({ file, pointer: '', message: `cannot read: ${(err as Error).message}`, hint: 'check that the file exists and is readable (a symbolic link must point at a file)' });
    return undefined;
  }
  let value: unknown;
  try {
    if (text.charCodeAt(0) === 0xfeff) throw new Error('BOM');
    value = JSON.parse(text);
  } catch (err) {
    problems.push({ file, pointer: '', ...describeJsonError(text, err as Error) });
    return undefined;
  }
  const findings = scanJson(text);
  if (findings.length > 0) {
    problems.push(...findings.map((f) => ({ file, pointer: f.pointer, message: `${f.message} (line ${f.line}, column ${f.column})`, hint: f.hint })));
    return undefined;
  }
  const validate = specValidatorFn();
  if (!validate(value)) {
    // A tier that names `unavailable` meant the second shape of its oneOf: ajv's complaints about the first
    // ("unknown property 'unavailable'") would mislead, so such a tier gets its own words instead.
    const tiers = unavailableTierProblems(value, file);
    const own = new Set(tiers.map((p) => p.pointer.split('/').slice(0, 3).join('/')));
    const rest = (validate.errors ?? []).filter((e) => !own.has(e.instancePath.split('/').slice(0, 3).join('/')));
    problems.push(...tiers, ...ajvProblems(file, rest));
    return undefined;
  }
  return value as unknown as ClaimSpec;
}

/**
 * The mistakes a tier with `unavailable` can hold: other settings beside it (a tier either runs or says
 * why it cannot), or a reason that is empty or not text.
 */
function unavailableTierProblems(value: unknown, file: string): SpecProblem[] {
  const tiers = isPlainObject(value) && isPlainObject(value.tiers) ? value.tiers : {};
  const out: SpecProblem[] = [];
  for (const tier of TIERS) {
    const t = tiers[tier];
    if (!isPlainObject(t) || !('unavailable' in t)) continue;
    const others = Object.keys(t).filter((k) => k !== 'unavailable');
    if (others.length > 0) {
      out.push({
        file,
        pointer: `/tiers/${tier}`,
        message: `tier ${tier} is marked unavailable but also has ${others.map((k) => `'${k}'`).join(', ')}`,
        hint: `a tier either runs ({"params": {...}, "note": "..."}) or says why it cannot ({"unavailable": "reason"}): remove 'unavailable' to run the claim at ${tier}, or remove ${others.map((k) => `'${k}'`).join(', ')}`,
      });
    } else if (typeof t.unavailable !== 'string' || t.unavailable === '') {
      out.push({
        file,
        pointer: `/tiers/${tier}/unavailable`,
        message: typeof t.unavailable === 'string' ? `the reason the claim cannot run at tier ${tier} is empty` : `the reason the claim cannot run at tier ${tier} must be text, not ${JSON.stringify(t.unavailable)}`,
        hint: 'say in words why this tier cannot run, e.g. "the paper trained for 2 weeks on 8 GPUs"',
      });
    }
  }
  return out;
}

/** Checks that need more than the schema: kinds, per-kind parameters, metric names, ids. */
function checkSpec(spec: ClaimSpec, file: string, root: string, problems: SpecProblem[]): void {
  if (!spec.id.startsWith(`${spec.paper.key}.`)) {
    problems.push({ file, pointer: '/id', message: `id '${spec.id}' does not start with its paper key '${spec.paper.key}.'`, hint: `rename it to '${spec.paper.key}.<slug>'` });
  }
  if (!file.endsWith('.json')) {
    problems.push({ file, pointer: '', message: `spec file name '${path.basename(file)}' does not end in lower-case '.json'`, hint: `rename it to '${path.basename(file).replace(/\.json$/i, '.json')}'` });
  }
  const depth = path.relative(root, file).split(path.sep).length;
  if (!path.relative(root, file).startsWith('..') && path.relative(root, file) !== '' && depth !== 2) {
    problems.push({ file, pointer: '', message: `spec is ${depth - 1} folder${depth === 2 ? '' : 's'} below the claims folder; specs live at claims/<paper-key>/<slug>.json`, hint: `move it to claims/${spec.paper.key}/` });
  }
  const folder = path.basename(path.dirname(file));
  if (path.resolve(path.dirname(path.dirname(file))) === path.resolve(root) && folder !== spec.paper.key) {
    problems.push({ file, pointer: '/paper/key', message: `spec is in claims/${folder}/ but its paper key is '${spec.paper.key}'`, hint: `move the file to claims/${spec.paper.key}/` });
  }
  duplicates(spec.expectations.map((e) => e.id)).forEach((id) =>
    problems.push({ file, pointer: '/expectations', message: `duplicate expectation id '${id}'`, hint: 'give each expectation its own id' }),
  );
  checkExpectationBounds(spec, file, problems);
  if (spec.keyExpectation !== undefined && !spec.expectations.some((e) => e.id === spec.keyExpectation)) {
    problems.push({ file, pointer: '/keyExpectation', message: `no expectation with id '${spec.keyExpectation}'`, hint: `one of: ${spec.expectations.map((e) => e.id).join(', ')}` });
  }
  checkControlStructure(spec, file, problems);
  if (!experimentKinds.has(spec.experiment.kind)) {
    problems.push({ file, pointer: '/experiment/kind', message: `unknown experiment kind '${spec.experiment.kind}'`, hint: `known kinds: ${experimentKinds.names().join(', ')}` });
    return;
  }
  const kind = experimentKinds.get(spec.experiment.kind);
  if (!kind.precisions.includes(spec.precision)) {
    const supported = kind.precisions.map((p) => `${p}, on ${PRECISION_ENGINES[p]}`).join('; or in ');
    problems.push({
      file,
      pointer: '/precision',
      message: `kind '${kind.name}' has no ${spec.precision} implementation: it computes in ${supported}`,
      hint: `set "precision": ${kind.precisions.map((p) => `"${p}"`).join(' or ')}${kind.precisions.length === 1 ? ', the only precision this kind computes in' : ''}`,
    });
  }
  // The same mistake usually shows in every tier: report it once, naming the tiers it affects.
  const byKey = new Map<string, { problem: SpecProblem; tiers: Tier[] }>();
  const add = (problem: SpecProblem, tier: Tier): void => {
    const key = `${problem.pointer}|${problem.message}`;
    const entry = byKey.get(key);
    if (entry) entry.tiers.push(tier);
    else byKey.set(key, { problem, tiers: [tier] });
  };
  const observable = new Set<string>();
  let checkedTiers = 0;
  for (const tier of TIERS) {
    const merged = tierParams(spec, tier);
    if ('unavailable' in merged) continue;
    const tierSpec = spec.tiers[tier];
    const override = 'params' in tierSpec ? tierSpec.params : undefined;
    const paramProblems = checkParams(kind, merged.params);
    for (const p of paramProblems) {
      const inOverride = override !== undefined && pointerExists(override, p.pointer);
      add({ file, pointer: `${inOverride ? `/tiers/${tier}/params` : '/experiment/params'}${p.pointer}`, message: p.message, hint: p.hint }, tier);
    }
    if (paramProblems.length > 0) continue;
    checkCost(spec, kind, tier, file, problems);
    const known = new Set(kind.metrics(merged.params));
    const check = (metric: string, where: string): void => {
      if (!known.has(metric)) {
        add({ file, pointer: where, message: `kind '${kind.name}' produces no metric '${metric}'`, hint: `metrics: ${[...known].join(', ')}` }, tier);
      }
    };
    spec.expectations.forEach((e, i) => check(e.metric, `/expectations/${i}/metric`));
    (spec.drift ?? []).forEach((d, i) => check(d.metric, `/drift/${i}/metric`));
    known.forEach((m) => observable.add(m));
    checkedTiers++;
  }
  // Observations are shown, not scored: one may be measured only at some tiers (shown as — elsewhere).
  if (checkedTiers > 0) {
    (spec.observations ?? []).forEach((o, i) => {
      if (!observable.has(o.metric)) {
        problems.push({ file, pointer: `/observations/${i}/metric`, message: `kind '${kind.name}' produces no metric '${o.metric}' at any tier`, hint: `metrics: ${[...observable].join(', ')}` });
      }
    });
  }
  (spec.controls ?? []).forEach((control, c) => {
    for (const tier of controlTiers(spec, control)) {
      const claimParams = tierParams(spec, tier);
      // Unavailable tiers are reported by checkControlStructure; a claim whose own parameters fail is reported above.
      if ('unavailable' in claimParams || checkParams(kind, claimParams.params).length > 0) continue;
      const merged = mergeParams(claimParams.params, control.params);
      const paramProblems = checkParams(kind, merged);
      for (const p of paramProblems) {
        // A problem the control's own value causes points at it; one its change causes elsewhere names the place.
        const inControl = pointerExists(control.params, p.pointer);
        const message = inControl ? p.message : `${p.message} (at ${p.pointer} of the merged parameters)`;
        add({ file, pointer: `/controls/${c}/params${inControl ? p.pointer : ''}`, message, hint: p.hint }, tier);
      }
      if (paramProblems.length > 0) continue;
      if (JSON.stringify(merged) === JSON.stringify(claimParams.params)) {
        add({ file, pointer: `/controls/${c}/params`, message: `control '${control.id}' runs with the claim's own parameters`, hint: 'a control must change a setting of the claim at every tier it runs' }, tier);
      }
      const known = new Set(kind.metrics(merged));
      spec.expectations.forEach((e) => {
        if (!known.has(e.metric)) add({ file, pointer: `/controls/${c}/params`, message: `under control '${control.id}' kind '${kind.name}' produces no metric '${e.metric}' (expectation '${e.id}')`, hint: `metrics: ${[...known].join(', ')}` }, tier);
      });
    }
  });
  for (const { problem, tiers } of byKey.values()) {
    problems.push({ ...problem, message: `${problem.message} (tier${tiers.length > 1 ? 's' : ''} ${tiers.join(', ')})` });
  }
}

/** Control checks that need no experiment kind: ids, mustFail ids, tiers, noControlReason placement. */
function checkControlStructure(spec: ClaimSpec, file: string, problems: SpecProblem[]): void {
  const controls = spec.controls ?? [];
  const expectationIds = spec.expectations.map((e) => e.id);
  if (spec.noControlReason !== undefined && (spec.controls === undefined || controls.length > 0)) {
    problems.push({ file, pointer: '/noControlReason', message: spec.controls === undefined ? 'noControlReason without "controls": []' : 'noControlReason beside controls', hint: 'a claim either has controls, or "controls": [] and a noControlReason' });
  }
  duplicates(controls.map((c) => c.id)).forEach((id) => problems.push({ file, pointer: '/controls', message: `duplicate control id '${id}'`, hint: 'give each control its own id' }));
  const claimTiers = TIERS.filter((t) => !('unavailable' in spec.tiers[t]));
  controls.forEach((control, c) => {
    control.mustFail.forEach((id, j) => {
      if (!expectationIds.includes(id)) problems.push({ file, pointer: `/controls/${c}/mustFail/${j}`, message: `no expectation with id '${id}'`, hint: `one of: ${expectationIds.join(', ')}` });
      const exempt = spec.expectations.find((e) => e.id === id && e.noControlReason !== undefined);
      if (exempt) problems.push({ file, pointer: `/controls/${c}/mustFail/${j}`, message: `expectation '${id}' has a noControlReason, yet control '${control.id}' must fail it`, hint: 'remove one of the two' });
    });
    (control.tiers ?? []).forEach((tier, j) => {
      if (!claimTiers.includes(tier)) problems.push({ file, pointer: `/controls/${c}/tiers/${j}`, message: `the claim does not run at tier '${tier}'`, hint: `the claim runs at: ${claimTiers.join(', ') || 'no tier'}` });
    });
    if (control.tiers && claimTiers.includes('quick') && !control.tiers.includes('quick')) {
      problems.push({ file, pointer: `/controls/${c}/tiers`, message: `control '${control.id}' does not run at quick, where the claim runs`, hint: 'every control runs at quick when its claim does; add "quick" (at smaller settings in the quick tier if needed)' });
    }
  });
}

/** sha256 of a spec file's bytes: which version of a claim ran (results store it, merge checks it). */
export function specFileSha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/**
 * What a claim costs at a tier: its run and its controls', one after the other in one process (and so
 * within one budget). Undefined when the claim does not run at that tier.
 */
export function claimCost(spec: ClaimSpec, tier: Tier, kind: AnyExperimentKind = experimentKinds.get(spec.experiment.kind)): CostEstimate | undefined {
  const runs = tierRuns(spec, tier);
  return runs && addCosts(runs.map((r) => estimateCost(kind, r.params)));
}

/**
 * The runs a claim makes at a tier: its own (`controlId` undefined), then each control's that runs there,
 * with their merged parameters; undefined when the tier is unavailable.
 */
export function tierRuns(spec: ClaimSpec, tier: Tier): { controlId?: string; params: Params }[] | undefined {
  const merged = tierParams(spec, tier);
  if ('unavailable' in merged) return undefined;
  const controls = (spec.controls ?? []).filter((c) => controlTiers(spec, c).includes(tier));
  return [{ params: merged.params }, ...controls.map((c) => ({ controlId: c.id, params: mergeParams(merged.params, c.params) }))];
}

/** A tier whose estimate exceeds its wall-clock budget or the reference machine's memory cannot finish. */
function checkCost(spec: ClaimSpec, kind: AnyExperimentKind, tier: Tier, file: string, problems: SpecProblem[]): void {
  const cost = claimCost(spec, tier, kind);
  if (!cost) return;
  const budget = claimBudgetSeconds({ spec, file }, tier);
  const what = (spec.controls ?? []).some((c) => controlTiers(spec, c).includes(tier)) ? 'the claim and its controls are' : 'the claim is';
  if (cost.seconds > budget) {
    problems.push({
      file,
      pointer: `/tiers/${tier}`,
      message: `at tier ${tier} ${what} estimated to take ${describeCost({ ...cost, memoryBytes: 0 })}, beyond the tier's budget of ${formatSeconds(budget)}`,
      hint: `make the experiment smaller at this tier (its parameters set the work), or, if it really needs that long, set tiers.${tier}.budgetSeconds`,
    });
  }
  if (cost.memoryBytes > REFERENCE_MEMORY_BYTES) {
    problems.push({
      file,
      pointer: `/tiers/${tier}`,
      message: `at tier ${tier} ${what} estimated to need ${formatBytes(cost.memoryBytes)} of memory, beyond the reference machine's ${formatBytes(REFERENCE_MEMORY_BYTES)}`,
      hint: 'make the experiment smaller at this tier: fewer points, samples or parameters',
    });
  }
}

/** Whether a JSON pointer (or its parent, for an unknown property) names something in `value`. */
function pointerExists(value: unknown, pointer: string): boolean {
  const parts = pointer.split('/').slice(1);
  let current: unknown = value;
  for (const part of parts) {
    if (typeof current !== 'object' || current === null || !(part in current)) return false;
    current = (current as Record<string, unknown>)[part];
  }
  return true;
}

const paramValidators = new WeakMap<AnyExperimentKind, ValidateFunction>();

function checkParams(kind: AnyExperimentKind, params: Params): Omit<SpecProblem, 'file'>[] {
  let validate = paramValidators.get(kind);
  if (!validate) {
    validate = ajv.compile(kind.paramsSchema);
    paramValidators.set(kind, validate);
  }
  if (!validate(params)) return ajvProblems('', validate.errors ?? []);
  return (kind.check?.(params) ?? []).map((p) => ({ pointer: p.path, message: p.message, hint: `see the '${kind.name}' parameters in 'claimbench show' of a claim of this kind` }));
}

function checkExpectationBounds(spec: ClaimSpec, file: string, problems: SpecProblem[]): void {
  spec.expectations.forEach((e, i) => {
    if (e.comparator === 'between' && (e.min as number) > (e.max as number)) {
      problems.push({ file, pointer: `/expectations/${i}`, message: `min ${e.min} is above max ${e.max}`, hint: 'swap them' });
    }
    const stray = (['min', 'max', 'value', 'tolerance'] as const).filter((k) => e[k] !== undefined && !usedBy(e.comparator).includes(k));
    for (const k of stray) {
      problems.push({ file, pointer: `/expectations/${i}/${k}`, message: `'${k}' is not used by comparator '${e.comparator}'`, hint: `remove it; '${e.comparator}' uses ${usedBy(e.comparator).join(' and ')}` });
    }
  });
}

function usedBy(comparator: string): string[] {
  return comparator === 'between' ? ['min', 'max'] : comparator === 'atLeast' ? ['min'] : comparator === 'atMost' ? ['max'] : ['value', 'tolerance'];
}

/** Turns ajv errors into problems with hints, dropping the noise of `oneOf`/`if` wrappers. */
function ajvProblems(file: string, errors: ErrorObject[]): SpecProblem[] {
  const out: SpecProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'if' || e.keyword === 'oneOf' || e.keyword === 'anyOf') continue;
    let pointer = e.instancePath;
    let message = e.message ?? 'invalid';
    let hint: string | undefined;
    switch (e.keyword) {
      case 'additionalProperties': {
        const extra = (e.params as { additionalProperty: string }).additionalProperty;
        pointer = `${pointer}/${extra}`;
        message = `unknown property '${extra}'`;
        const allowed = allowedProperties(e.parentSchema);
        hint = tierHint(e.instancePath, extra) ?? `remove it or fix its spelling${allowed.length ? `; allowed here: ${allowed.join(', ')}` : ''}`;
        break;
      }
      case 'required': {
        const missing = (e.params as { missingProperty: string }).missingProperty;
        message = `missing required property '${missing}'`;
        hint = `add '${missing}'`;
        break;
      }
      case 'discriminator': {
        const { tag, tagValue } = e.params as { tag: string; tagValue: unknown };
        pointer = `${pointer}/${tag}`;
        message = `unknown ${tag} ${JSON.stringify(tagValue)}`;
        const branches = ((e.parentSchema as { oneOf?: { properties?: Record<string, { const?: unknown }> }[] })?.oneOf ?? []).map((b) => b.properties?.[tag]?.const);
        hint = `use one of: ${branches.map((v) => JSON.stringify(v)).join(', ')}`;
        break;
      }
      case 'enum':
        hint = `use one of: ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
        break;
      case 'const':
        hint = `use ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
        break;
      case 'type':
        hint = `expected a value of type ${(e.params as { type: string }).type}`;
        break;
      case 'pattern':
        hint = /^\/protocol/.test(pointer)
          ? 'a markdown file name beside the spec, e.g. protocol.md'
          : /^\/controls\/\d+\/id$/.test(pointer)
            ? 'control ids are kebab-case: lower-case letters, digits and dashes, e.g. nonzero-sum-m'
            : 'ids are lower-case words of letters, digits and dashes joined by dots, e.g. l0l1.fixed-line-l2';
        break;
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum': {
        const { comparison, limit } = e.params as { comparison: string; limit: number };
        hint = `use a number ${comparison} ${limit}`;
        break;
      }
      case 'minLength':
        hint = 'it must not be empty';
        break;
      case 'minItems':
        hint = `give at least ${(e.params as { limit: number }).limit}`;
        break;
      case 'minProperties':
      case 'maxProperties':
        hint = /tolerance$/.test(e.instancePath) ? 'a tolerance is {"absolute": a} or {"relative": r}, exactly one of them' : 'see claimbench schema for this object';
        break;
      case 'uniqueItems':
        hint = 'remove the repeated entry';
        break;
      default:
        hint = "see 'claimbench schema' for what is allowed here";
        break;
    }
    const key = `${pointer}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ file, pointer, message, ...(hint ? { hint } : {}) });
  }
  return out;
}

function tierHint(instancePath: string, extra: string): string | undefined {
  if (instancePath === '/tiers') return `unknown tier '${extra}'; tiers are ${TIERS.join(', ')}`;
  if (/^\/tiers\/[a-z]+$/.test(instancePath)) return 'a tier is either {"params": {...}, "note": "..."} or {"unavailable": "reason"}';
  return undefined;
}

function allowedProperties(schema: unknown): string[] {
  const props = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return props ? Object.keys(props) : [];
}

function duplicates(values: string[]): string[] {
  return [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Selects claims by ids or globs (`*` matches any run of characters, `?` one). Each pattern must match
 * at least one claim; no patterns selects all.
 */
export function selectClaims(claims: LoadedClaim[], patterns: string[]): LoadedClaim[] {
  if (patterns.length === 0) return claims;
  const chosen = new Set<string>();
  for (const pattern of patterns) {
    const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    const hits = claims.filter((c) => re.test(c.spec.id));
    if (hits.length === 0) {
      throw new UsageError(`no claim matches '${pattern}'; known claims: ${claims.map((c) => c.spec.id).join(', ')}`);
    }
    hits.forEach((c) => chosen.add(c.spec.id));
  }
  return claims.filter((c) => chosen.has(c.spec.id));
}

/** A mistake in how the tool was called (exit code 2). */
export class UsageError extends Error {}
