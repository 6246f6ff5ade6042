/**
 * Test fixture for controls: an experiment kind whose metric x is its parameter `value` (NaN when `nan`
 * is set) and whose metric u is one draw from the claim's generator (so a paired control draws the same);
 * it throws when `crash` is set.
 */
import { registerExternalKind, type ExperimentKind } from '../registry';

export const switchable: ExperimentKind<{ value: number; crash?: boolean; nan?: boolean }> = {
  name: 'test-switchable',
  precisions: ['float64'],
  description: 'metric x = value, metric u = one uniform draw; throws when crash is set',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['value'],
    properties: { value: { type: 'number' }, crash: { type: 'boolean' }, nan: { type: 'boolean' } },
  },
  metrics: () => ['x', 'u'],
  run: (p, ctx) => {
    if (p.crash) throw new Error('the control fell over');
    const u = ctx.rng.uniform();
    return {
      metrics: { x: p.nan ? NaN : p.value, u },
      evidence: { value: p.value, u },
      plots: [{ id: 'p', title: 't', x: { label: 'a' }, y: { label: 'b' }, series: [{ name: 's', mark: 'points', x: [0], y: [p.value] }] }],
    };
  },
};
registerExternalKind(switchable, __filename);
