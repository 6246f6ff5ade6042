/** Test helper: an ExperimentContext with a seeded generator, no progress output, one job, units computed in place. */
import type { ExperimentContext } from '../registry';
import { createRng } from '../rng';
import { localUnits } from '../units';

export function testContext(seed: number, overrides: Partial<ExperimentContext> = {}): ExperimentContext {
  const jobs = overrides.jobs ?? 1;
  return { tier: 'quick', seed, rng: createRng(seed), progress: () => undefined, jobs, mapUnits: localUnits(jobs), ...overrides };
}
