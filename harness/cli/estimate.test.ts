import * as path from 'node:path';
import { cli } from '../testing/cli';
import { testSpec, writeClaimsFolder } from '../testing/claims';
import '../testing/sleep-kind';
import type { Params } from '../types';

const search: Params = {
  problem: { model: 'dlae', data: { source: 'gaussian', d: 4, n: 60 }, hidden: 2 },
  initialPoints: { init: { kind: 'normal', std: 0.1 }, steps: 60, learningRate: 0.2, noiseVariance: 0.01 },
  algorithms: [{ name: 'newton-mr', runs: 7, iterations: 25, hessianNorm: 'exact' }],
  successThreshold: 1e-10,
  flatR: 0.9,
  indexThreshold: 1e-5,
  analysis: {},
};

describe('claimbench estimate', () => {
  it('prints CPU-hours per claim and tier and the work units a split claim makes, running nothing', async () => {
    const specs = [
      testSpec('search', 'critical-point-search', search, {
        expectations: [{ id: 'succeeds', metric: 'newton-mr.successFraction', comparator: 'atLeast', min: 0.5, rationale: 'test' }],
        tiers: { quick: {}, full: { params: { algorithms: [{ name: 'newton-mr', runs: 12, iterations: 25, hessianNorm: 'exact' }] } }, paper: { unavailable: 'test' } },
        controls: [{ id: 'strict', description: 'unreachable threshold', params: { successThreshold: 1e-300 }, mustFail: ['succeeds'] }],
      }),
      testSpec('sleep', 'test-sleep', { ms: 0, value: 2 }),
    ];
    const claims = path.join(writeClaimsFolder(specs), 'claims');
    const res = await cli('estimate', '--claims', claims, '--json', '--shards', '2');
    expect(res.code).toBe(0);
    const out = JSON.parse(res.out);
    const row = (claim: string, tier: string) => out.claims.find((r: { claim: string; tier: string }) => r.claim === claim && r.tier === tier);
    expect(row('test.search', 'quick').units).toEqual({ claim: 7, controls: { strict: 7 } });
    expect(row('test.search', 'full').units).toEqual({ claim: 12, controls: { strict: 12 } });
    expect(row('test.search', 'paper')).toMatchObject({ cpuHours: null, units: null });
    expect(row('test.search', 'full')).toMatchObject({ lowerBound: false });
    expect(row('test.sleep', 'quick')).toMatchObject({ units: null, lowerBound: true });
    expect(out.totals.map((t: { tier: string }) => t.tier)).toEqual(['quick', 'full', 'paper']);
    expect(out.totals[0].perShard).toHaveLength(2);

    const text = await cli('estimate', 'test.search', '--tier', 'full', '--claims', claims);
    expect(text.out).toMatch(/test\.search\s+full\s+[^≥\s][^\n]*\s+12 \+ 12 \(controls\)/);
    expect(await cli('estimate', '--shards', '0', '--claims', claims)).toMatchObject({ code: 2, err: expect.stringContaining('--shards must be a positive integer') });
  });
});
