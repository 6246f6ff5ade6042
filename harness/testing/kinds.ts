/**
 * Test-only experiment kinds: well-behaved ones for runner tests and faulty ones for the fault-injection
 * tests (a claim that throws, aborts its process, overruns its budget, allocates without bound, or
 * stores a large evidence file). Registered as external kinds, so a claim's child process loads them.
 */
import { registerExternalKind, type ExperimentKind } from '../registry';

const noParams = { type: 'object', additionalProperties: false };

const constant: ExperimentKind<{ value: number; padBytes?: number }> = {
  name: 'test-constant',
  precisions: ['float64'],
  description: 'returns its parameter as metric x, and a random draw as metric u; padBytes pads the evidence',
  paramsSchema: { type: 'object', additionalProperties: false, required: ['value'], properties: { value: { type: 'number' }, padBytes: { type: 'integer', minimum: 0 } } },
  metrics: () => ['x', 'u'],
  run: (p, ctx) => ({ metrics: { x: p.value, u: ctx.rng.uniform() }, evidence: { value: p.value, ...(p.padBytes ? { pad: 'x'.repeat(p.padBytes) } : {}) }, plots: [] }),
};

const crash: ExperimentKind<Record<string, never>> = {
  name: 'test-crash',
  precisions: ['float64'],
  description: 'throws',
  paramsSchema: noParams,
  metrics: () => ['x'],
  run: () => {
    throw new Error('boom: the experiment fell over');
  },
};

const nan: ExperimentKind<Record<string, never>> = {
  name: 'test-nan',
  precisions: ['float64'],
  description: 'produces a NaN metric',
  paramsSchema: noParams,
  metrics: () => ['x'],
  run: () => ({ metrics: { x: NaN }, evidence: {} }),
};

const abort: ExperimentKind<Record<string, never>> = {
  name: 'test-abort',
  precisions: ['float64'],
  description: 'aborts its process (SIGABRT), as a fatal native error does',
  paramsSchema: noParams,
  metrics: () => ['x'],
  run: () => process.abort(),
};

const exit: ExperimentKind<{ code: number }> = {
  name: 'test-exit',
  precisions: ['float64'],
  description: 'calls process.exit with the given code halfway through',
  paramsSchema: { type: 'object', additionalProperties: false, required: ['code'], properties: { code: { type: 'integer' } } },
  metrics: () => ['x'],
  run: (p) => process.exit(p.code),
};

const hang: ExperimentKind<Record<string, never>> = {
  name: 'test-hang',
  precisions: ['float64'],
  description: 'never returns (a busy loop that reports no progress)',
  paramsSchema: noParams,
  metrics: () => ['x'],
  run: () => {
    for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
  },
};

const allocate: ExperimentKind<{ oneArray: boolean }> = {
  name: 'test-allocate',
  precisions: ['float64'],
  description: 'allocates without bound: many arrays, or one array that grows past what V8 allows',
  paramsSchema: { type: 'object', additionalProperties: false, required: ['oneArray'], properties: { oneArray: { type: 'boolean' } } },
  metrics: () => ['x'],
  run: (p) => {
    const held: unknown[] = [];
    for (let i = 0; ; i++) held.push(p.oneArray ? i : new Array(100_000).fill(i + 0.5));
  },
};

for (const kind of [constant, crash, nan, abort, exit, hang, allocate]) registerExternalKind(kind, __filename);
