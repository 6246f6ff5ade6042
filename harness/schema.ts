/**
 * JSON Schemas for claim specs and stored results, compiled once with ajv. They mirror `types.ts`.
 * Per-kind parameter schemas are checked separately (see `claims.ts`), because the parameter set
 * depends on the experiment kind.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { RESULT_SCHEMA_VERSION, TIERS } from './types';

const paperValue = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { value: { type: 'number' }, text: { type: 'string', minLength: 1 } },
};

// Exactly one of absolute and relative, said without oneOf: its branch errors contradict each other.
const tolerance = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
  properties: { absolute: { type: 'number', minimum: 0 }, relative: { type: 'number', minimum: 0 } },
};

const identifier = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*(\\.[a-z0-9][a-z0-9-]*)*$' };
const kebabCase = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$' };
/** A markdown file beside the spec: a bare file name, no folders. */
const protocolFile = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*\\.md$' };

const control = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'description', 'params', 'mustFail'],
  properties: {
    id: { ...kebabCase, description: 'Unique within the spec, kebab-case' },
    description: { type: 'string', minLength: 1, description: 'The counterfactual and why, by the paper\'s reasoning, the claim should not hold under it (markdown)' },
    params: { type: 'object', minProperties: 1, description: 'Deep-merged over the claim\'s effective parameters at each tier' },
    tiers: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...TIERS] }, description: 'Default: every tier at which the claim runs' },
    mustFail: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', minLength: 1 }, description: 'Expectation ids that must fail under the control' },
  },
};

export const claimSpecSchema = {
  $id: 'https://claimbench.dev/schemas/claim.json',
  title: 'claimbench claim spec',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'title', 'paper', 'statement', 'precision', 'experiment', 'tiers', 'expectations'],
  properties: {
    $schema: { type: 'string' },
    id: { ...identifier, description: 'Unique claim id: `<paper key>.<slug>`' },
    title: { type: 'string', minLength: 1 },
    paper: {
      type: 'object',
      additionalProperties: false,
      required: ['key', 'citation', 'section'],
      properties: {
        key: { type: 'string', pattern: '^[a-z0-9]+$' },
        citation: { type: 'string', minLength: 1 },
        section: { type: 'string', minLength: 1 },
        figure: { type: 'string', minLength: 1 },
      },
    },
    statement: { type: 'string', minLength: 1 },
    resolutions: { type: 'string', minLength: 1 },
    protocol: {
      description: 'Markdown file(s) beside the spec with protocol text shared by claims of the paper',
      anyOf: [protocolFile, { type: 'array', minItems: 1, uniqueItems: true, items: protocolFile }],
    },
    precision: { enum: ['float64', 'float32'] },
    experiment: {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'params'],
      properties: { kind: { type: 'string', minLength: 1 }, params: { type: 'object' } },
    },
    tiers: {
      type: 'object',
      additionalProperties: false,
      required: [...TIERS],
      properties: Object.fromEntries(
        TIERS.map((tier) => [
          tier,
          {
            oneOf: [
              {
                type: 'object',
                additionalProperties: false,
                properties: {
                  params: { type: 'object' },
                  note: { type: 'string' },
                  budgetSeconds: { type: 'number', exclusiveMinimum: 0, description: 'Wall-clock budget of the claim at this tier; past it the claim is stopped and gets an error verdict' },
                },
              },
              {
                type: 'object',
                additionalProperties: false,
                required: ['unavailable'],
                properties: { unavailable: { type: 'string', minLength: 1 } },
              },
            ],
          },
        ]),
      ),
    },
    expectations: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'metric', 'comparator', 'rationale'],
        properties: {
          id: identifier,
          metric: { type: 'string', minLength: 1 },
          comparator: { enum: ['between', 'atLeast', 'atMost', 'approximately'] },
          min: { type: 'number' },
          max: { type: 'number' },
          value: { type: 'number' },
          tolerance,
          paper: paperValue,
          rationale: { type: 'string', minLength: 1 },
          noControlReason: { type: 'string', minLength: 1, description: 'Why no change of parameters can make this expectation fail' },
        },
        allOf: [
          { if: { properties: { comparator: { const: 'between' } } }, then: { required: ['min', 'max'] } },
          { if: { properties: { comparator: { const: 'atLeast' } } }, then: { required: ['min'] } },
          { if: { properties: { comparator: { const: 'atMost' } } }, then: { required: ['max'] } },
          { if: { properties: { comparator: { const: 'approximately' } } }, then: { required: ['value', 'tolerance'] } },
        ],
      },
    },
    observations: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'metric', 'description'],
        properties: {
          id: identifier,
          metric: { type: 'string', minLength: 1 },
          description: { type: 'string', minLength: 1 },
          paper: paperValue,
        },
      },
    },
    controls: { type: 'array', items: control },
    noControlReason: { type: 'string', minLength: 1, description: 'Only with "controls": []: why no counterfactual of this claim can exist' },
    keyExpectation: { type: 'string', minLength: 1 },
    drift: {
      type: 'array',
      items: {
        oneOf: [
          { type: 'object', additionalProperties: false, required: ['metric', 'absolute'], properties: { metric: { type: 'string', minLength: 1 }, absolute: { type: 'number', minimum: 0 }, rationale: { type: 'string' } } },
          { type: 'object', additionalProperties: false, required: ['metric', 'relative'], properties: { metric: { type: 'string', minLength: 1 }, relative: { type: 'number', minimum: 0 }, rationale: { type: 'string' } } },
        ],
      },
    },
  },
} as const;

const scoredValue = { anyOf: [{ type: 'number' }, { type: 'null' }] };

const scoredExpectations = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'metric', 'comparator', 'tolerance', 'measured', 'pass', 'rationale'],
    properties: {
      id: { type: 'string' },
      metric: { type: 'string' },
      comparator: { type: 'string' },
      tolerance: { type: 'string' },
      measured: scoredValue,
      pass: { type: 'boolean' },
      paper: paperValue,
      rationale: { type: 'string' },
    },
  },
};

const scoredObservations = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'metric', 'description', 'measured'],
    properties: {
      id: { type: 'string' },
      metric: { type: 'string' },
      description: { type: 'string' },
      measured: { anyOf: [{ type: 'number' }, { type: 'string' }, { type: 'boolean' }, { type: 'null' }] },
      paper: paperValue,
    },
  },
};

const controlResult = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'description', 'params', 'mustFail', 'status', 'discriminates', 'metrics', 'expectations', 'observations', 'durationMs', 'files'],
  properties: {
    id: { type: 'string' },
    description: { type: 'string' },
    params: { type: 'object' },
    mustFail: { type: 'array', items: { type: 'string' } },
    status: { enum: ['discriminated', 'not discriminated', 'error'] },
    discriminates: { type: 'boolean' },
    reason: { type: 'string' },
    metrics: { type: 'object', additionalProperties: { type: 'number' } },
    expectations: scoredExpectations,
    observations: scoredObservations,
    durationMs: { type: 'number', minimum: 0 },
    files: { type: 'object', additionalProperties: false, properties: { evidence: { type: 'string' }, plots: { type: 'string' } } },
  },
};

export const claimResultSchema = {
  $id: 'https://claimbench.dev/schemas/result.json',
  title: 'claimbench claim result',
  type: 'object',
  additionalProperties: false,
  required: [
    'schemaVersion', 'claimId', 'title', 'paperKey', 'runId', 'tier', 'seed', 'verdict', 'kind', 'params',
    'metrics', 'expectations', 'observations', 'startedAt', 'durationMs', 'files', 'specSha256',
  ],
  properties: {
    schemaVersion: { enum: [1, RESULT_SCHEMA_VERSION] },
    claimId: { type: 'string' },
    title: { type: 'string' },
    paperKey: { type: 'string' },
    runId: { type: 'string' },
    tier: { enum: [...TIERS] },
    seed: { type: 'integer', minimum: 0 },
    verdict: { enum: ['reproduced', 'not reproduced', 'inconclusive', 'error', 'not run at this tier'] },
    reason: { type: 'string' },
    engine: { type: 'string' },
    kind: { type: 'string' },
    params: { type: 'object' },
    metrics: { type: 'object', additionalProperties: { type: 'number' } },
    expectations: scoredExpectations,
    observations: scoredObservations,
    controls: { type: 'array', items: controlResult },
    startedAt: { type: 'string' },
    durationMs: { type: 'number', minimum: 0 },
    files: {
      type: 'object',
      additionalProperties: false,
      required: ['spec'],
      properties: { spec: { type: 'string' }, protocol: { type: 'array', items: { type: 'string' } }, evidence: { type: 'string' }, plots: { type: 'string' } },
    },
    specSha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
  },
  // Version 1 predates controls; from version 2 every result lists the controls that ran.
  if: { properties: { schemaVersion: { const: RESULT_SCHEMA_VERSION } } },
  then: { required: ['controls'] },
} as const;

// verbose: errors carry their parent schema, from which hints list the allowed properties.
// discriminator: a oneOf tagged by a property (`name`, `source`, `model`, `kind`) reports only the branch
// its tag selects, or one error listing the valid tags.
export const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true, verbose: true, discriminator: true });

let specValidator: ValidateFunction | undefined;
let resultValidator: ValidateFunction | undefined;

export function specValidatorFn(): ValidateFunction {
  specValidator ??= ajv.compile(claimSpecSchema);
  return specValidator;
}

/** Problems with a stored result, as `pointer: message` strings (empty when valid). */
export function validateResult(value: unknown): string[] {
  resultValidator ??= ajv.compile(claimResultSchema);
  if (resultValidator(value)) return [];
  return (resultValidator.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? 'invalid'}`);
}

export type { ErrorObject };
