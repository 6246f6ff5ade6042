/** Test helper: an ExperimentContext with a seeded generator, no progress output and one job. */
import type { ExperimentContext } from '../registry';
import { createRng } from '../rng';

export function testContext(seed: number, overrides: Partial<ExperimentContext> = {}): ExperimentContext {
  return { tier: 'quick', seed, rng: createRng(seed), progress: () => undefined, jobs: 1, ...overrides };
}
