import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatProblem, loadClaims, mergeParams, selectClaims, tierParams, UsageError } from './claims';
import { claimsRoot } from './paths';
import { claimSpecSchema } from './schema';
import { tempFolder } from './testing/claims';
import './experiments';

const validSpec = JSON.parse(fs.readFileSync(path.join(claimsRoot(), 'l0l1', 'fixed-line-l2.json'), 'utf8'));

/** Writes specs into a fresh claims folder: `{ 'l0l1/a.json': spec-or-text }`. */
function claimsFolder(files: Record<string, unknown>): string {
  const root = tempFolder('claims');
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return root;
}

function variant(edit: (spec: any) => void): unknown { // eslint-disable-line @typescript-eslint/no-explicit-any
  const copy = structuredClone(validSpec);
  edit(copy);
  return copy;
}

function problemsOf(files: Record<string, unknown>) {
  return loadClaims(claimsFolder(files)).problems;
}

describe('the shipped claim specs', () => {
  it('are all valid', () => {
    const { claims, problems } = loadClaims(claimsRoot());
    expect(problems.map((p) => formatProblem(p))).toEqual([]);
    expect(claims.map((c) => c.spec.id)).toEqual(expect.arrayContaining(['l0l1.fixed-line-l2', 'l0l1.fixed-line-ce', 'l0l1.radial-segments']));
  });

  it('ship a claim.schema.json in step with the schema in code (regenerate with `npm run schema`)', () => {
    const onDisk = JSON.parse(fs.readFileSync(path.join(claimsRoot(), 'claim.schema.json'), 'utf8'));
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(claimSpecSchema)));
  });
});

describe('loadClaims reports bad specs with file, pointer and hint', () => {
  it('malformed JSON: line and column', () => {
    const [p] = problemsOf({ 'l0l1/bad.json': '{\n  "id": "l0l1.x",\n  "title": "t",,\n}' });
    expect(p.file).toMatch(/bad\.json$/);
    expect(p.message).toMatch(/malformed JSON.*line 3/);
    expect(p.hint).toMatch(/trailing commas/);
  });

  it('a missing required property', () => {
    const problems = problemsOf({ 'l0l1/a.json': variant((s) => delete s.title) });
    expect(problems).toContainEqual(expect.objectContaining({ pointer: '', message: "missing required property 'title'", hint: "add 'title'" }));
  });

  it('an unknown comparator lists the allowed ones', () => {
    const problems = problemsOf({ 'l0l1/a.json': variant((s) => (s.expectations[0].comparator = 'roughly')) });
    expect(problems).toContainEqual(expect.objectContaining({ pointer: '/expectations/0/comparator', hint: expect.stringContaining('"between", "atLeast", "atMost", "approximately"') }));
  });

  it('a comparator without its bounds', () => {
    const problems = problemsOf({ 'l0l1/a.json': variant((s) => delete s.expectations[0].max) });
    expect(problems).toContainEqual(expect.objectContaining({ pointer: '/expectations/0', message: "missing required property 'max'" }));
  });

  it('bounds that a comparator does not use, and min above max', () => {
    const problems = problemsOf({
      'l0l1/a.json': variant((s) => {
        s.expectations[0].min = 3;
        s.expectations[1].max = 1;
      }),
    });
    expect(problems).toContainEqual(expect.objectContaining({ pointer: '/expectations/0', message: 'min 3 is above max 2.2' }));
    expect(problems).toContainEqual(expect.objectContaining({ pointer: '/expectations/1/max', message: "'max' is not used by comparator 'atLeast'" }));
  });

  it('duplicate claim ids across files', () => {
    const problems = problemsOf({ 'l0l1/a.json': validSpec, 'l0l1/b.json': validSpec });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ pointer: '/id', message: expect.stringMatching(/duplicate claim id 'l0l1.fixed-line-l2', also in .*a\.json/) });
  });

  it('an unknown experiment kind lists the known kinds', () => {
    const problems = problemsOf({ 'l0l1/a.json': variant((s) => (s.experiment.kind = 'line-scna')) });
    expect(problems).toContainEqual(expect.objectContaining({ pointer: '/experiment/kind', message: "unknown experiment kind 'line-scna'", hint: expect.stringMatching(/known kinds: .*line-scan.*segment-scan/) }));
  });

  it('an unknown parameter names its path and the allowed ones, once for all tiers', () => {
    const problems = problemsOf({ 'l0l1/a.json': variant((s) => (s.experiment.params.network.widht = [1, 2])) });
    expect(problems).toEqual([
      expect.objectContaining({
        pointer: '/experiment/params/network/widht',
        message: "unknown property 'widht' (tiers quick, full, paper)",
        hint: expect.stringContaining('allowed here: widths, activation, bias'),
      }),
    ]);
  });

  it('a bad value in a tier override points into that tier', () => {
    const problems = problemsOf({ 'l0l1/a.json': variant((s) => (s.tiers.full = { params: { t: { step: -3 } } })) });
    expect(problems).toEqual([expect.objectContaining({ pointer: '/tiers/full/params/t/step', message: expect.stringMatching(/must be > 0 \(tier full\)/) })]);
  });

  it('an unknown activation and a kind-specific check', () => {
    const problems = problemsOf({
      'l0l1/a.json': variant((s) => (s.experiment.params.network.activation = 'gelu')),
      'l0l1/b.json': variant((s) => {
        s.id = 'l0l1.b';
        s.experiment.params.line.lastLayerDirection = [[1, -1]];
      }),
    });
    expect(problems).toContainEqual(expect.objectContaining({ pointer: '/experiment/params/network/activation', hint: expect.stringContaining('"swish"') }));
    expect(problems).toContainEqual(expect.objectContaining({ pointer: '/experiment/params/line/lastLayerDirection', message: expect.stringContaining('must be 1×7') }));
  });

  it('an unknown algorithm or data source names the valid ones, and out-of-range hyperparameters are errors', () => {
    const frye = JSON.parse(fs.readFileSync(path.join(claimsRoot(), 'frye2020', 'newton-mr-outperforms.json'), 'utf8'));
    frye.experiment.params.algorithms[0].name = 'newton';
    frye.experiment.params.algorithms[1].damping = [-1];
    frye.experiment.params.problem.data.source = 'cifar10';
    const problems = problemsOf({ 'frye2020/a.json': frye });
    expect(problems).toContainEqual(expect.objectContaining({ pointer: '/experiment/params/algorithms/0/name', message: 'unknown name "newton" (tier quick)', hint: 'use one of: "newton-mr", "damped-newton", "btls-gnm"' }));
    expect(problems).toContainEqual(expect.objectContaining({ pointer: '/experiment/params/algorithms/1/damping/0', message: 'must be >= 0 (tier quick)' }));
    // The DLAE takes Gaussian data only; full and paper tiers replace the algorithm list, so only quick has the typo.
    expect(problems).toContainEqual(expect.objectContaining({ pointer: '/experiment/params/problem/data/source', hint: 'use "gaussian"' }));
  });

  it('Wolfe constants in the wrong order', () => {
    const frye = JSON.parse(fs.readFileSync(path.join(claimsRoot(), 'frye2020', 'newton-mr-outperforms.json'), 'utf8'));
    frye.experiment.params.algorithms[2].lineSearch.curvature = 1e-5;
    const problems = problemsOf({ 'frye2020/a.json': frye });
    expect(problems).toContainEqual(expect.objectContaining({ pointer: '/experiment/params/algorithms/2/lineSearch/curvature', message: expect.stringMatching(/Wolfe conditions need ρ < γ/) }));
  });

  it('an unknown tier', () => {
    const problems = problemsOf({ 'l0l1/a.json': variant((s) => (s.tiers.nightly = {})) });
    expect(problems).toContainEqual(expect.objectContaining({ pointer: '/tiers/nightly', hint: "unknown tier 'nightly'; tiers are quick, full, paper" }));
  });

  it('an expectation on a metric the kind does not produce', () => {
    const problems = problemsOf({ 'l0l1/a.json': variant((s) => (s.expectations[0].metric = 'slope')) });
    expect(problems).toContainEqual(expect.objectContaining({ pointer: '/expectations/0/metric', message: "kind 'line-scan' produces no metric 'slope' (tiers quick, full, paper)", hint: expect.stringContaining('loglogSlope') }));
  });

  it('a key expectation that does not exist, an id without its paper key, a file in the wrong folder', () => {
    const problems = problemsOf({
      'l0l1/a.json': variant((s) => (s.keyExpectation = 'nope')),
      'l0l1/b.json': variant((s) => (s.id = 'other.thing')),
      'wrong/c.json': variant((s) => (s.id = 'l0l1.c')),
    });
    expect(problems).toContainEqual(expect.objectContaining({ pointer: '/keyExpectation', hint: expect.stringContaining('loglog-slope') }));
    expect(problems).toContainEqual(expect.objectContaining({ pointer: '/id', message: expect.stringContaining("does not start with its paper key 'l0l1.'") }));
    expect(problems).toContainEqual(expect.objectContaining({ pointer: '/paper/key', hint: 'move the file to claims/l0l1/' }));
  });

  it('an empty folder', () => {
    expect(problemsOf({})).toEqual([expect.objectContaining({ message: 'no claim specs (*.json) found' })]);
  });

  it('formats a problem as file: pointer: message with the hint below', () => {
    expect(formatProblem({ file: '/x/claims/a.json', pointer: '/id', message: 'bad', hint: 'fix it' }, '/x')).toBe('claims/a.json: /id: bad\n    hint: fix it');
  });
});

describe('tiers and selection', () => {
  it('merges tier overrides deeply, replacing arrays', () => {
    expect(mergeParams({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] } })).toEqual({ a: { b: 1, c: [3] }, d: 1 });
    const spec = structuredClone(validSpec);
    spec.tiers.full = { params: { t: { step: 30 } } };
    spec.tiers.paper = { unavailable: 'needs a GPU' };
    expect(tierParams(spec, 'full')).toMatchObject({ params: { t: { start: 100, stop: 700, step: 30 } } });
    expect(tierParams(spec, 'paper')).toEqual({ unavailable: 'needs a GPU' });
    expect(spec.experiment.params.t.step).toBe(3); // the base is not mutated
  });

  it('selects by id and glob, and rejects a pattern that matches nothing', () => {
    const { claims } = loadClaims(claimsRoot());
    expect(selectClaims(claims, []).length).toBe(claims.length);
    expect(selectClaims(claims, ['l0l1.fixed-*']).map((c) => c.spec.id).sort()).toEqual(['l0l1.fixed-line-ce', 'l0l1.fixed-line-l2']);
    expect(selectClaims(claims, ['l0l1.radial-segments']).length).toBe(1);
    expect(() => selectClaims(claims, ['l0l1.nope'])).toThrow(UsageError);
    expect(() => selectClaims(claims, ['l0l1.nope'])).toThrow(/no claim matches 'l0l1.nope'; known claims: /);
  });
});
