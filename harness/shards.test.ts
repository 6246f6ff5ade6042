/** Dealing whole claims to shards by estimated cost (longest processing time first). */
import { dealWholeClaims, shardClaims } from './shards';
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

describe('dealing whole claims to shards', () => {
  it('gives each claim, longest first, to the least-loaded shard, so that the shards finish together', () => {
    // b (60) → 1; c (30) → 2; d (25) → 2 (55 < 60); e (20) → 2 (55 < 60); a (10) → 1 (60 < 75); f (5) → 1.
    const dealt = dealWholeClaims(claims, 2, 'full');
    expect(Object.fromEntries(dealt)).toEqual({ 'test.b': 1, 'test.c': 2, 'test.d': 2, 'test.e': 2, 'test.a': 1, 'test.f': 1 });
    const load = (i: number): number => [...dealt].filter(([, s]) => s === i).reduce((sum, [id]) => sum + seconds.get(id)!, 0);
    // Dealt k mod 2 in id order, the busier shard would get b, d, f = 90.
    expect([load(1), load(2)]).toEqual([75, 75]);
  });

  it('depends only on the claims, tier and shard count, not on their order', () => {
    expect(dealWholeClaims([...claims].reverse(), 3, 'full')).toEqual(dealWholeClaims(claims, 3, 'full'));
  });

  it('deals claims of equal estimates round-robin in id order', () => {
    const equal = ['c', 'a', 'e', 'b', 'd'].map((slug) => claim(slug, 1));
    expect(Object.fromEntries(dealWholeClaims(equal, 3, 'full'))).toEqual({ 'test.a': 1, 'test.b': 2, 'test.c': 3, 'test.d': 1, 'test.e': 2 });
  });

  it('puts every claim in exactly one shard', () => {
    const perShard = [1, 2, 3, 4].map((index) => shardClaims(claims, { index, count: 4 }, 'full').claims.map((c) => c.spec.id));
    expect(perShard.flat().sort()).toEqual(claims.map((c) => c.spec.id).sort());
  });
});
