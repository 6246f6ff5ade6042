/** Validation of controls, control coverage and protocol files in claim specs. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { controlParams, controlTiers, loadClaims, type SpecProblem } from './claims';
import { experimentKinds, type ExperimentKind } from './registry';
import { testSpec } from './testing/claims';
import type { ClaimSpec, Control } from './types';

// A kind whose metric set depends on its parameters and with a check beyond its schema.
const kind: ExperimentKind<{ value: number; mode: 'a' | 'b'; nested: { k: number } }> = {
  name: 'test-validate-controls',
  precisions: ['float64'],
  description: 'metrics x and (in mode a) y',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['value', 'mode', 'nested'],
    properties: {
      value: { type: 'number' },
      mode: { enum: ['a', 'b'] },
      nested: { type: 'object', additionalProperties: false, required: ['k'], properties: { k: { type: 'number', exclusiveMinimum: 0 } } },
    },
  },
  metrics: (p) => (p.mode === 'a' ? ['x', 'y'] : ['x']),
  check: (p) => (p.value === 13 && p.nested.k === 2 ? [{ path: '/value', message: 'value 13 needs k ≠ 2' }] : []),
  run: (p) => ({ metrics: { x: p.value, y: p.nested.k }, evidence: {} }),
};
if (!experimentKinds.has(kind.name)) experimentKinds.register(kind);

const flip: Control = { id: 'small-value', description: 'x small', params: { value: 0.1 }, mustFail: ['x-big'] };

function spec(overrides: Partial<ClaimSpec> = {}): ClaimSpec {
  return testSpec('a', kind.name, { value: 2, mode: 'a', nested: { k: 1 } }, {
    expectations: [
      { id: 'x-big', metric: 'x', comparator: 'atLeast', min: 1, rationale: 'r' },
      { id: 'y-small', metric: 'y', comparator: 'atMost', max: 5, rationale: 'r', noControlReason: 'y is a fixed input' },
    ],
    controls: [flip],
    ...overrides,
  });
}

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

/** Writes the spec (and extra files beside it) to claims/test/ and loads it. */
function load(s: ClaimSpec, extra: Record<string, string> = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'claimbench-controls-'));
  roots.push(root);
  fs.mkdirSync(path.join(root, 'test'));
  fs.writeFileSync(path.join(root, 'test', 'a.json'), JSON.stringify(s));
  for (const [name, text] of Object.entries(extra)) fs.writeFileSync(path.join(root, 'test', name), text);
  return loadClaims(root);
}

const strip = (ps: SpecProblem[]) => ps.map(({ pointer, message }) => ({ pointer, message }));

describe('a spec with well-formed controls', () => {
  it('is valid', () => {
    const { claims, problems } = load(spec());
    expect(problems).toEqual([]);
    expect(claims).toHaveLength(1);
  });

  it('runs a control at every tier of the claim by default, with the claim tier parameters ⊕ the control', () => {
    const s = spec({ tiers: { quick: { params: { nested: { k: 3 } } }, full: {}, paper: { unavailable: 'no' } } });
    expect(controlTiers(s, flip)).toEqual(['quick', 'full']);
    expect(controlParams(s, flip, 'quick')).toEqual({ value: 0.1, mode: 'a', nested: { k: 3 } });
    expect(controlParams(s, flip, 'paper')).toBeUndefined();
    expect(controlTiers(s, { ...flip, tiers: ['quick'] })).toEqual(['quick']);
  });

  it('may have no controls when it says why none can exist', () => {
    expect(load(spec({ controls: [], noControlReason: 'an identity' })).problems).toEqual([]);
  });
});

describe('structural control problems are errors', () => {
  it('an unknown mustFail id, a duplicate control id, and a mustFail of an exempted expectation', () => {
    const { problems } = load(spec({ controls: [flip, { ...flip, mustFail: ['x-big', 'x-bgi', 'y-small'] }] }));
    expect(strip(problems)).toEqual([
      { pointer: '/controls', message: "duplicate control id 'small-value'" },
      { pointer: '/controls/1/mustFail/1', message: "no expectation with id 'x-bgi'" },
      { pointer: '/controls/1/mustFail/2', message: "expectation 'y-small' has a noControlReason, yet control 'small-value' must fail it" },
    ]);
    expect(problems[1].hint).toBe('one of: x-big, y-small');
  });

  it('a tier where the claim is unavailable, and a control that skips quick', () => {
    const { problems } = load(spec({ controls: [{ ...flip, tiers: ['full', 'paper'] }] }));
    expect(strip(problems)).toEqual([
      { pointer: '/controls/0/tiers/1', message: "the claim does not run at tier 'paper'" },
      { pointer: '/controls/0/tiers', message: "control 'small-value' does not run at quick, where the claim runs" },
    ]);
  });

  it('control params that fail the kind schema point into the control, once for all tiers', () => {
    const { problems } = load(spec({ controls: [{ ...flip, params: { nested: { k: -1, kk: 1 } } }] }));
    expect(strip(problems)).toEqual([
      { pointer: '/controls/0/params/nested/kk', message: "unknown property 'kk' (tiers quick, full)" },
      { pointer: '/controls/0/params/nested/k', message: 'must be > 0 (tiers quick, full)' },
    ]);
  });

  it("a kind check that fails only after the merge, at the one tier where it does", () => {
    const s = spec({ tiers: { quick: { params: { nested: { k: 2 } } }, full: {}, paper: { unavailable: 'no' } }, controls: [{ ...flip, params: { value: 13 } }] });
    expect(strip(load(s).problems)).toEqual([{ pointer: '/controls/0/params/value', message: 'value 13 needs k ≠ 2 (tier quick)' }]);
  });

  it('a control that changes nothing, and one under which an expectation metric is not produced', () => {
    const { problems } = load(spec({ controls: [{ ...flip, params: { value: 2 } }, { id: 'mode-b', description: 'd', params: { mode: 'b' }, mustFail: ['x-big'] }] }));
    expect(strip(problems)).toEqual([
      { pointer: '/controls/0/params', message: "control 'small-value' runs with the claim's own parameters (tiers quick, full)" },
      { pointer: '/controls/1/params', message: "under control 'mode-b' kind 'test-validate-controls' produces no metric 'y' (expectation 'y-small') (tiers quick, full)" },
    ]);
  });

  it('schema errors: a bad control id, empty mustFail, a missing description, an unknown tier', () => {
    const { problems } = load(spec({ controls: [{ id: 'Small_Value', params: { value: 0 }, mustFail: [], tiers: ['nightly'] } as unknown as Control] }));
    expect(strip(problems)).toEqual(
      expect.arrayContaining([
        { pointer: '/controls/0', message: "missing required property 'description'" },
        { pointer: '/controls/0/id', message: 'must match pattern "^[a-z0-9][a-z0-9-]*$"' },
        { pointer: '/controls/0/tiers/0', message: 'must be equal to one of the allowed values' },
        { pointer: '/controls/0/mustFail', message: 'must NOT have fewer than 1 items' },
      ]),
    );
    expect(problems.find((p) => p.pointer === '/controls/0/id')?.hint).toMatch(/kebab-case/);
  });

  it('noControlReason beside controls, or without "controls": []', () => {
    expect(strip(load(spec({ noControlReason: 'why' })).problems)).toEqual([{ pointer: '/noControlReason', message: 'noControlReason beside controls' }]);
    expect(strip(load(spec({ controls: undefined, noControlReason: 'why' })).problems)).toEqual([
      { pointer: '/noControlReason', message: 'noControlReason without "controls": []' },
      { pointer: '', message: 'no controls' },
    ]);
  });
});

describe('control coverage is required', () => {
  const coverage = (s: ClaimSpec) => strip(load(s).problems);

  it('a claim with no controls at all', () => {
    expect(coverage(spec({ controls: undefined }))).toEqual([{ pointer: '', message: 'no controls' }]);
  });

  it('empty controls without a reason', () => {
    expect(coverage(spec({ controls: [] }))).toEqual([{ pointer: '/controls', message: 'empty controls without a noControlReason' }]);
  });

  it('an expectation in no mustFail and without its own reason', () => {
    const s = spec();
    delete s.expectations[1].noControlReason;
    expect(coverage(s)).toEqual([{ pointer: '/expectations/1', message: "expectation 'y-small' is in no control's mustFail" }]);
  });

  it('keeps a spec without it from loading', () => {
    const { claims, problems } = load(spec({ controls: undefined }));
    expect(problems).toHaveLength(1);
    expect(claims).toHaveLength(0);
  });
});

describe('protocol files', () => {
  it('are found beside the spec, as one name or a list', () => {
    expect(load(spec({ protocol: 'protocol.md' }), { 'protocol.md': '# Protocol' }).problems).toEqual([]);
    expect(load(spec({ protocol: ['protocol.md', 'data.md'] }), { 'protocol.md': 'p', 'data.md': 'd' }).problems).toEqual([]);
  });

  it('a missing file names its pointer; a path outside the paper folder is rejected by the schema', () => {
    expect(strip(load(spec({ protocol: ['protocol.md', 'data.md'] }), { 'protocol.md': 'p' }).problems)).toEqual([{ pointer: '/protocol/1', message: "protocol file 'data.md' not found beside the spec" }]);
    expect(strip(load(spec({ protocol: 'protocl.md' })).problems)).toEqual([{ pointer: '/protocol', message: "protocol file 'protocl.md' not found beside the spec" }]);
    const outside = load(spec({ protocol: '../other/protocol.md' })).problems;
    expect(outside).toContainEqual(expect.objectContaining({ pointer: '/protocol', hint: 'a markdown file name beside the spec, e.g. protocol.md' }));
  });
});
