/**
 * A generated corpus of malformed claim specs, one mistake each, for the test that checks the first
 * problem `validate` reports for each (`expected.json`: case name → first line). The cases start from
 * a valid spec and break one thing: the JSON text, the schema, the cross-field rules, a kind's
 * parameters, the file's place, or the cost. `UPDATE_MALFORMED_SPECS=1 npx jest malformed-specs`
 * rewrites expected.json after a deliberate change of wording.
 */
import type { ClaimSpec } from '../../types';

export interface MalformedCase {
  name: string;
  /** Path under the claims folder. */
  file: string;
  text: string;
}

/** A valid line-scan spec of the `test` paper (the (L0,L1) fixed line, L2 loss, at a small scale). */
export function validSpec(): ClaimSpec {
  return {
    id: 'test.line',
    title: 'Hessian norm grows quadratically in the gradient norm along a line',
    paper: { key: 'test', citation: 'Test paper', section: '§1' },
    statement: 'A test claim.',
    precision: 'float64',
    experiment: {
      kind: 'line-scan',
      params: {
        network: { widths: [1, 4, 7, 1], activation: 'tanh' },
        loss: { kind: 'sse' },
        data: { source: 'uniform-regression', n: 20, inputRange: [-1, 1], outputRange: [-1, 1] },
        line: { hiddenBias: 1, lastLayerDirection: [[1, -1, 1, -1, 1, -1, 0]] },
        t: { start: 100, stop: 700, step: 30 },
        noise: { scale: 1, power: 2 },
      },
    },
    tiers: { quick: {}, full: {}, paper: { unavailable: 'test' } },
    expectations: [{ id: 'slope', metric: 'loglogSlope', comparator: 'between', min: 1.8, max: 2.2, rationale: 'test' }],
    controls: [],
    noControlReason: 'a test spec',
  } as ClaimSpec;
}

type Edit = (spec: Record<string, any>) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

const edits: [string, Edit][] = [
  // Schema: missing, wrong-typed and unknown fields.
  ...['id', 'title', 'paper', 'statement', 'precision', 'experiment', 'tiers', 'expectations'].map((k): [string, Edit] => [`missing-${k}`, (s) => delete s[k]]),
  ['missing-paper-key', (s) => delete s.paper.key],
  ['missing-paper-citation', (s) => delete s.paper.citation],
  ['missing-tier-full', (s) => delete s.tiers.full],
  ['missing-expectation-rationale', (s) => delete s.expectations[0].rationale],
  ['missing-between-max', (s) => delete s.expectations[0].max],
  ['id-not-a-string', (s) => (s.id = 5)],
  ['id-upper-case', (s) => (s.id = 'test.Line')],
  ['id-with-slash', (s) => (s.id = 'test/../line')],
  ['title-empty', (s) => (s.title = '')],
  ['precision-unknown', (s) => (s.precision = 'float16')],
  ['precision-unsupported-by-kind', (s) => (s.precision = 'float32')],
  ['unknown-top-level-property', (s) => (s.colour = 'red')],
  ['unknown-tier', (s) => (s.tiers.nightly = {})],
  ['tier-params-and-unavailable', (s) => (s.tiers.paper = { unavailable: 'x', params: {} })],
  ['tier-unavailable-empty', (s) => (s.tiers.paper = { unavailable: '' })],
  ['tier-unavailable-not-text', (s) => (s.tiers.paper = { unavailable: true })],
  ['tier-note-budget-and-unavailable', (s) => (s.tiers.full = { unavailable: 'x', note: 'n', budgetSeconds: 60 })],
  ['tier-budget-negative', (s) => (s.tiers.quick = { budgetSeconds: -1 })],
  ['expectations-empty', (s) => (s.expectations = [])],
  ['comparator-unknown', (s) => (s.expectations[0].comparator = 'near')],
  ['tolerance-both', (s) => Object.assign(s.expectations[0], { comparator: 'approximately', min: undefined, max: undefined, value: 2, tolerance: { absolute: 0.1, relative: 0.1 } })],
  ['tolerance-negative', (s) => Object.assign(s.expectations[0], { comparator: 'approximately', min: undefined, max: undefined, value: 2, tolerance: { absolute: -0.1 } })],
  ['tolerance-empty', (s) => Object.assign(s.expectations[0], { comparator: 'approximately', min: undefined, max: undefined, value: 2, tolerance: {} })],
  ['min-a-string', (s) => (s.expectations[0].min = '1.8')],
  ['paper-value-empty', (s) => (s.expectations[0].paper = {})],
  ['key-expectation-empty', (s) => (s.keyExpectation = '')],
  ['key-expectation-unknown', (s) => (s.keyExpectation = 'nope')],
  ['drift-both-limits', (s) => (s.drift = [{ metric: 'loglogSlope', absolute: 1, relative: 1 }])],
  // Cross-field rules.
  ['id-without-paper-prefix', (s) => (s.id = 'other.line')],
  ['min-above-max', (s) => Object.assign(s.expectations[0], { min: 3, max: 2 })],
  ['stray-bound', (s) => (s.expectations[0].value = 2)],
  ['duplicate-expectation-id', (s) => s.expectations.push({ ...s.expectations[0] })],
  ['unknown-metric', (s) => (s.expectations[0].metric = 'slope')],
  ['unknown-drift-metric', (s) => (s.drift = [{ metric: 'nope', absolute: 1 }])],
  ['unknown-observation-metric', (s) => (s.observations = [{ id: 'o', metric: 'nope', description: 'd' }])],
  ['unknown-kind', (s) => (s.experiment.kind = 'line-scna')],
  // A kind's parameters.
  ['param-unknown', (s) => (s.experiment.params.colour = 1)],
  ['param-missing', (s) => delete s.experiment.params.noise],
  ['param-wrong-type', (s) => (s.experiment.params.t.step = 'small')],
  ['param-step-zero', (s) => (s.experiment.params.t.step = 0)],
  ['param-activation-unknown', (s) => (s.experiment.params.network.activation = 'gelu2')],
  ['param-direction-shape', (s) => (s.experiment.params.line.lastLayerDirection = [[1, -1]])],
  ['param-tier-override-unknown', (s) => (s.tiers.quick = { params: { t: { stepp: 1 } } })],
  ['param-data-source-unknown', (s) => (s.experiment.params.data = { source: 'mnist-9' })],
  // Cost: parameters no run can finish.
  ['cost-step-tiny', (s) => (s.experiment.params.t.step = 1e-7)],
  ['cost-stop-huge', (s) => (s.experiment.params.t.stop = 1e300)],
  ['cost-wide-layer', (s) => Object.assign(s.experiment.params, { network: { widths: [1, 4, 3000, 1], activation: 'tanh' }, line: { hiddenBias: 1, lastLayerDirection: [Array(3000).fill(0)] } })],
  // Controls.
  ['control-must-fail-unknown', (s) => Object.assign(s, { controls: [{ id: 'c', description: 'd', params: {}, mustFail: ['nope'] }], noControlReason: undefined })],
];

/** Broken JSON text, by name. */
const texts: [string, (valid: string) => string][] = [
  ['json-trailing-comma', (t) => t.replace(/\n}$/, ',\n}')],
  ['json-comment', (t) => `// a comment\n${t}`],
  ['json-unquoted-key', (t) => t.replace('"title"', 'title')],
  ['json-nan', (t) => t.replace('"step": 30', '"step": NaN')],
  ['json-infinity', (t) => t.replace('"step": 30', '"step": Infinity')],
  ['json-number-overflow', (t) => t.replace('"step": 30', '"step": 1e400')],
  ['json-bom', (t) => `\uFEFF${t}`],
  ['json-empty', () => ''],
  ['json-truncated', (t) => t.slice(0, Math.floor(t.length / 2))],
  ['json-duplicate-key', (t) => t.replace('"title":', '"title": "first",\n "title":')],
  ['json-deep-nesting', (t) => t.replace('"noise": {', `"deep": ${'['.repeat(2000)}${']'.repeat(2000)},\n  "noise": {`)],
  ['json-array', () => '[]'],
  ['json-string', () => '"a spec"'],
];

export function malformedCases(): MalformedCase[] {
  const valid = validSpec();
  const validText = JSON.stringify(valid, null, 1);
  const cases: MalformedCase[] = edits.map(([name, edit]) => {
    const spec = structuredClone(valid) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    edit(spec);
    return { name, file: 'test/line.json', text: JSON.stringify(spec, null, 1) };
  });
  for (const [name, make] of texts) cases.push({ name, file: 'test/line.json', text: make(validText) });
  // The file's place and name.
  cases.push({ name: 'file-too-deep', file: 'test/extra/line.json', text: validText });
  cases.push({ name: 'file-upper-case-extension', file: 'test/line.JSON', text: validText });
  cases.push({ name: 'file-wrong-paper-folder', file: 'other/line.json', text: validText });
  return cases;
}
