/**
 * Test fixture: an experiment kind that blocks for `ms` milliseconds and returns `value` as metric x.
 * Tests preload it into a CLI child process (`node -r`) to have a run slow enough to kill mid-way.
 */
import { registerExternalKind, type ExperimentKind } from '../registry';

export const sleepKind: ExperimentKind<{ ms: number; value: number }> = {
  name: 'test-sleep',
  precisions: ['float64'],
  description: 'blocks for `ms` milliseconds, then reports `value` as metric x',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['ms', 'value'],
    properties: { ms: { type: 'integer', minimum: 0 }, value: { type: 'number' } },
  },
  metrics: () => ['x'],
  run(params) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, params.ms);
    return { metrics: { x: params.value }, evidence: { ms: params.ms } };
  },
};

registerExternalKind(sleepKind, __filename);
