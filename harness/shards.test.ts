/** Dealing whole claims and work units to shards by estimated cost (longest processing time first). */
import { planShards, shardClaims, unitScopes } from './shards';
import { testSpec } from './testing/claims';
import type { LoadedClaim } from './types';
import './experiments';

/** A whole-run claim (asymmetric-valley: 50 operations per SGD step at 2·10⁸ a second) estimated at `seconds`. */
function claim(slug: string, seconds: number): LoadedClaim {
  return { spec: testSpec(slug, 'asymmetric-valley', { steps: (seconds * 2e8) / 50, seeds: 1, steepness: [1] }), file: `${slug}.json` };
}

const sizes: [string, number][] = [['a', 10], ['b', 60], ['c', 30], ['d', 25], ['e', 20], ['f', 5]];
const claims = sizes.map(([slug, s]) => claim(slug, s));
const seconds = new Map(sizes.map(([slug, s]) => [`test.${slug}`, s]));

/** A wide-net-training claim whose runs are its work units. */
function trainingGrid(slug: string, params: Record<string, unknown>): LoadedClaim {
  const base = { data: { source: 'mnist', pool: 100 }, examples: [50], network: { depths: [4], width: 200, activations: ['relu'], renormalise: false }, loss: 'mse', learningRates: [0.01], epochs: 40, seeds: 1, bound: { lossRange: 1, delta: 0.05 } };
  return { spec: testSpec(slug, 'wide-net-training', { ...base, ...params }), file: `${slug}.json` };
}

describe('dealing whole claims to shards', () => {
  it('gives each claim, longest first, to the least-loaded shard, so that the shards finish together', () => {
    // b (60) → 1; c (30) → 2; d (25) → 2 (55 < 60); e (20) → 2 (55 < 60); a (10) → 1 (60 < 75); f (5) → 1.
    const dealt = planShards(claims, 2, 'full').whole;
    expect(Object.fromEntries(dealt)).toEqual({ 'test.b': 1, 'test.c': 2, 'test.d': 2, 'test.e': 2, 'test.a': 1, 'test.f': 1 });
    const load = (i: number): number => [...dealt].filter(([, s]) => s === i).reduce((sum, [id]) => sum + seconds.get(id)!, 0);
    // Dealt k mod 2 in id order, the busier shard would get b, d, f = 90.
    expect([load(1), load(2)]).toEqual([75, 75]);
  });

  it('depends only on the claims, tier and shard count, not on their order', () => {
    expect(planShards([...claims].reverse(), 3, 'full')).toEqual(planShards(claims, 3, 'full'));
  });

  it('deals claims of equal estimates round-robin in id order', () => {
    const equal = ['c', 'a', 'e', 'b', 'd'].map((slug) => claim(slug, 1));
    expect(Object.fromEntries(planShards(equal, 3, 'full').whole)).toEqual({ 'test.a': 1, 'test.b': 2, 'test.c': 3, 'test.d': 1, 'test.e': 2 });
  });

  it('puts every claim in exactly one shard', () => {
    const perShard = [1, 2, 3, 4].map((index) => shardClaims(claims, { index, count: 4 }, 'full').claims.map((c) => c.spec.id));
    expect(perShard.flat().sort()).toEqual(claims.map((c) => c.spec.id).sort());
  });

  it('fills the shards around a long whole claim with the units of the split claims', () => {
    // 24 wide-net-training runs (2 activations × 4 learning rates × 3 seeds), each a work unit.
    const split = trainingGrid('grid', { network: { depths: [4], width: 200, activations: ['relu', 'tanh'], renormalise: false }, learningRates: [0.001, 0.002, 0.005, 0.01], seeds: 3 });
    const [scope] = unitScopes(split, 'full');
    expect(scope.units).toBe(24);
    const perUnit = scope.seconds / scope.units;
    // A whole claim worth 12 units: with 3 shards, it fills one and the 24 units the other two.
    const long = claim('long', 12 * perUnit);
    const plan = planShards([split, long], 3, 'full');
    const shardOfLong = plan.whole.get('test.long')!;
    const units = plan.units.get('test.grid')!;
    expect(units.claim).toHaveLength(24);
    expect(units.claim.filter((s) => s === shardOfLong)).toEqual([]);
    for (const s of [1, 2, 3].filter((s) => s !== shardOfLong)) expect(units.claim.filter((u) => u === s)).toHaveLength(12);
    expect(Math.max(...plan.load) - Math.min(...plan.load)).toBeLessThan(perUnit);
    // Every shard holds the split claim, and the plan of its units.
    for (const index of [1, 2, 3]) expect(shardClaims([split, long], { index, count: 3 }, 'full')).toMatchObject({ unitClaims: ['test.grid'], unitPlans: { 'test.grid': units } });
  });

  it('deals units of different sizes by their own estimates', () => {
    // Units in grid order: ReLU with 20 then 80 examples, then tanh with 20 then 80.
    const uneven = trainingGrid('uneven', { examples: [20, 80], network: { depths: [4], width: 200, activations: ['relu', 'tanh'], renormalise: false } });
    const [scope] = unitScopes(uneven, 'full');
    expect(scope.unitSeconds.reduce((a, b) => a + b, 0)).toBeCloseTo(scope.seconds, 9);
    expect(scope.unitSeconds[0]).toBe(scope.unitSeconds[2]);
    expect(scope.unitSeconds[1]).toBeGreaterThan(2 * scope.unitSeconds[0]);
    // Equal shares would deal them 1, 2, 1, 2: both large units on shard 2. By their estimates they part.
    const shards = planShards([uneven], 2, 'full').units.get('test.uneven')!.claim;
    expect(shards[1]).not.toBe(shards[3]);
    expect(shards[0]).not.toBe(shards[2]);
  });
});
