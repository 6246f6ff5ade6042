/**
 * JSON Schema of a stored run manifest (`RunManifest` in types.ts), checked whenever a manifest is read:
 * a manifest with a missing start time, a number where a string belongs or claim ids that are not ids
 * (`../x` would name a folder outside the run) is reported by name and skipped, never half-read.
 */
import type { ValidateFunction } from 'ajv';
import { ajv } from './schema';
import { TIERS } from './types';

const isoTime = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$' };
const claimId = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*(\\.[a-z0-9][a-z0-9-]*)*$' };
/** The shard (from 1) of each work unit of one run. */
const unitShards = { type: 'array', items: { type: 'integer', minimum: 1 } };
/** Run ids are folder names: no separators, no leading dot. */
export const RUN_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]*$';

export const runManifestSchema = {
  $id: 'https://claimbench.dev/schemas/manifest.json',
  title: 'claimbench run manifest',
  type: 'object',
  additionalProperties: false,
  required: ['schemaVersion', 'id', 'status', 'tier', 'seed', 'selection', 'claims', 'provenance', 'startedAt'],
  properties: {
    schemaVersion: { const: 1 },
    id: { type: 'string', pattern: RUN_ID_PATTERN },
    status: { enum: ['running', 'complete', 'incomplete'] },
    writer: { type: 'object', required: ['pid', 'hostname'], properties: { pid: { type: 'integer' }, hostname: { type: 'string' } } },
    tier: { enum: [...TIERS] },
    seed: { type: 'integer', minimum: 0 },
    selection: { type: 'array', items: { type: 'string' } },
    claims: { type: 'array', items: claimId, uniqueItems: true },
    shard: { type: 'object', required: ['index', 'count'], properties: { index: { type: 'integer', minimum: 1 }, count: { type: 'integer', minimum: 1 } } },
    unitClaims: { type: 'array', items: claimId, uniqueItems: true },
    unitPlans: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['claim', 'controls'],
        properties: { claim: unitShards, controls: { type: 'object', additionalProperties: unitShards } },
      },
    },
    mergedFrom: { type: 'array', items: { type: 'string', pattern: RUN_ID_PATTERN } },
    resumedAt: { type: 'array', items: isoTime },
    provenance: {
      type: 'object',
      required: ['commit', 'node', 'backend'],
      properties: {
        commit: { type: ['string', 'null'] },
        node: { type: 'string' },
        backend: { type: 'string' },
        cifar10Dir: { type: 'object', additionalProperties: false, required: ['path', 'from'], properties: { path: { type: 'string' }, from: { enum: ['--data-dir', 'CLAIMBENCH_CIFAR10_DIR'] } } },
      },
    },
    startedAt: isoTime,
    endedAt: isoTime,
    durationMs: { type: 'number', minimum: 0 },
  },
} as const;

let validator: ValidateFunction | undefined;

/** Problems with a stored manifest, as `pointer: message` strings (empty when valid). */
export function validateManifest(value: unknown): string[] {
  validator ??= ajv.compile(runManifestSchema);
  if (validator(value)) return [];
  return (validator.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? 'invalid'}`);
}
