/**
 * A claim split into work units across shards and merged equals the claim run on one machine, field
 * for field but its timing (a critical-point search, a wide-net training grid); a merge is refused when a shard is missing or was merged before; a shard
 * run resumes its share.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readRuns } from '../store';
import { cli } from '../testing/cli';
import { testSpec, writeClaimsFolder } from '../testing/claims';
import type { ClaimResult, Params, RunManifest } from '../types';
import { UNITS_FILE, readUnitShare } from '../units';

// A small deep linear autoencoder search: 7 Newton-MR and 2 BTLS-GNM runs, and a control that asks
// for more than float64 can give (‖∇L‖² < 1e-300), under which no run counts as a success.
const params: Params = {
  problem: { model: 'dlae', data: { source: 'gaussian', d: 4, n: 60 }, hidden: 2 },
  initialPoints: { init: { kind: 'normal', std: 0.1 }, steps: 60, learningRate: 0.2, noiseVariance: 0.01 },
  algorithms: [
    { name: 'newton-mr', runs: 7, iterations: 25, hessianNorm: 'exact' },
    { name: 'btls-gnm', runs: 2, iterations: 40, lineSearch: { alpha: 0.1, beta: 0.5, rho: 1e-4, epsilon: 1e-12 } },
  ],
  successThreshold: 1e-10,
  flatR: 0.9,
  indexThreshold: 1e-5,
  analysis: { analytic: { lossTolerance: 1e-6 } },
};
const spec = testSpec('search', 'critical-point-search', params, {
  expectations: [{ id: 'newton-mr-succeeds', metric: 'newton-mr.successFraction', comparator: 'atLeast', min: 0.5, rationale: 'test' }],
  controls: [{ id: 'unreachable-threshold', description: 'no run can reach ‖∇L‖² < 1e-300', params: { successThreshold: 1e-300 }, mustFail: ['newton-mr-succeeds'] }],
});
const ID = 'test.search';

// A small wide-net-training claim: 4 runs (2 activations × 2 learning rates), and a control whose
// learning rate is too small to move the last layer's features, so that Lemma 9's bound stays positive.
const training = testSpec('training', 'wide-net-training', {
  data: { source: 'mnist', pool: 40 },
  examples: [8],
  network: { depths: [3], width: 16, activations: ['relu', 'tanh'], renormalise: false },
  loss: 'mse',
  learningRates: [0.001, 0.02],
  epochs: 8,
  seeds: 1,
  bound: { lossRange: 1, delta: 0.05 },
}, {
  expectations: [{ id: 'lemma9-vacuous', metric: 'lemma9VacuousFraction', comparator: 'atLeast', min: 0.01, rationale: 'test' }],
  controls: [{ id: 'features-frozen', description: 'a learning rate too small to move the features: the bound cannot collapse', params: { learningRates: [1e-9] }, mustFail: ['lemma9-vacuous'] }],
});

const read = (file: string): unknown => JSON.parse(fs.readFileSync(file, 'utf8'));
const manifestOf = (out: string, id: string): RunManifest => read(path.join(out, 'runs', id, 'manifest.json')) as RunManifest;
const claimFolder = (out: string, runId: string, claimId = ID): string => path.join(out, 'runs', runId, 'claims', claimId);

/** A result without what legitimately differs between two runs: which run, when, and how long. */
function untimed(r: ClaimResult): unknown {
  const { runId: _run, startedAt: _start, durationMs: _d, controls, ...rest } = r;
  return { ...rest, controls: controls.map(({ durationMs: _cd, ...c }) => c) };
}

/** Runs shards 1…count of `args`' run; checks each stores units instead of a verdict; returns their run ids. */
async function runShards(args: string[], out: string, claimId: string, count: number): Promise<string[]> {
  const shards: string[] = [];
  for (let i = 1; i <= count; i++) {
    const res = await cli('run', ...args, '--shard', `${i}/${count}`);
    expect(res.code).toBe(0);
    const summary = JSON.parse(res.out);
    shards.push(summary.run.id);
    // No verdict in a shard: its share of the units instead.
    expect(summary.claims).toEqual([]);
    expect(fs.existsSync(path.join(claimFolder(out, summary.run.id, claimId), 'result.json'))).toBe(false);
    expect(manifestOf(out, summary.run.id)).toMatchObject({ status: 'complete', shard: { index: i, count }, claims: [claimId], unitClaims: [claimId] });
  }
  return shards;
}

/** The merged run's result equals the single run's but its timing; its evidence and plots (and each control's) are the same bytes. */
function expectSameClaim(out: string, claimId: string, mergedId: string, singleId: string, controlIds: string[]): void {
  const { runs, problems } = readRuns(out);
  expect(problems).toEqual([]);
  const resultOf = (id: string): ClaimResult => runs.find((r) => r.manifest.id === id)!.results.find((r) => r.claimId === claimId)!;
  expect(untimed(resultOf(mergedId))).toEqual(untimed(resultOf(singleId)));
  const files = ['evidence.json', 'plots.json', 'spec.json', ...controlIds.flatMap((c) => [`controls/${c}/evidence.json`, `controls/${c}/plots.json`])];
  for (const file of files) {
    expect(fs.readFileSync(path.join(claimFolder(out, mergedId, claimId), file), 'utf8')).toBe(fs.readFileSync(path.join(claimFolder(out, singleId, claimId), file), 'utf8'));
  }
}

describe('a claim split into work units over 3 shards', () => {
  it('merges into the unsharded claim, field for field but its timing', async () => {
    const root = writeClaimsFolder([spec]);
    const claims = path.join(root, 'claims');
    const out = path.join(root, 'out');
    const common = ['--claims', claims, '--out', out, '--seed', '3', '--jobs', '1', '--json'];
    const single = JSON.parse((await cli('run', ...common)).out);
    expect(single.claims[0]).toMatchObject({ id: ID, verdict: 'reproduced', controls: [{ status: 'discriminated' }] });

    const shards = await runShards(common, out, ID, 3);
    // Every unit of the claim (9) and of its control (9) is computed once; every shard computes some
    // (dealt by their estimates, a BTLS-GNM run costing less than a Newton-MR one).
    const shares = shards.map((id) => readUnitShare(path.join(claimFolder(out, id), UNITS_FILE), ID)!);
    const counts = shares.map((s) => [s.claim, s.controls['unreachable-threshold']].reduce((n, scope) => n + scope.calls[0].units.length, 0));
    expect(counts.reduce((a, b) => a + b)).toBe(18);
    expect(Math.min(...counts)).toBeGreaterThan(0);
    expect(new Set(shares.map((s) => s.claim.calls[0].inputSha256.join()))).toEqual(new Set([shares[0].claim.calls[0].inputSha256.join()]));

    expect(await cli('merge', shards[0], shards[1], '--in', out, '--claims', claims)).toMatchObject({ code: 2, err: expect.stringContaining('shard 3 of 3 missing') });
    expect(fs.readdirSync(out).filter((f) => f.startsWith('.merging'))).toEqual([]);
    const merged = await cli('merge', ...shards, '--in', out, '--claims', claims, '--jobs', '1');
    expect(merged.code).toBe(0);
    const mergedId = /into run (\S+)/.exec(merged.out)![1];

    expectSameClaim(out, ID, mergedId, single.run.id, ['unreachable-threshold']);
    const m = manifestOf(out, mergedId);
    expect(m).toMatchObject({ status: 'complete', claims: [ID], mergedFrom: shards });
    expect(m.shard).toBeUndefined();
    expect(m.unitClaims).toBeUndefined();
    expect(await cli('merge', ...shards, '--in', out, '--claims', claims)).toMatchObject({ code: 2, err: expect.stringContaining('already merged into run') });
    // The report reads the merged run like any other.
    expect((await cli('report', '--in', out, '--out', path.join(root, 'site'))).code).toBe(0);
  }, 180_000);

  it('splits a wide-net-training claim run by run, and merges it into the unsharded claim', async () => {
    const id = 'test.training';
    const root = writeClaimsFolder([training]);
    const claims = path.join(root, 'claims');
    const out = path.join(root, 'out');
    const common = ['--claims', claims, '--out', out, '--seed', '2', '--json'];
    // The unsharded run on worker threads, the shards in-process: the outputs must not depend on it.
    const single = JSON.parse((await cli('run', ...common, '--jobs', '2')).out);
    expect(single.claims[0]).toMatchObject({ id, verdict: 'reproduced', controls: [{ status: 'discriminated' }] });
    const shards = await runShards([...common, '--jobs', '1'], out, id, 3);
    const shares = shards.map((s) => readUnitShare(path.join(claimFolder(out, s, id), UNITS_FILE), id)!);
    // 4 runs of the claim and 2 of its control, each computed by exactly one shard.
    expect(shares.map((s) => s.claim.calls[0].units.length).reduce((a, b) => a + b)).toBe(4);
    expect(shares.map((s) => s.controls['features-frozen'].calls[0].units.length).reduce((a, b) => a + b)).toBe(2);
    const merged = await cli('merge', ...shards, '--in', out, '--claims', claims, '--jobs', '1');
    expect(merged.code).toBe(0);
    expectSameClaim(out, id, /into run (\S+)/.exec(merged.out)![1], single.run.id, ['features-frozen']);
  }, 180_000);

  it('resumes a shard run whose share was cut short, and says which shard lacks units', async () => {
    const root = writeClaimsFolder([spec]);
    const claims = path.join(root, 'claims');
    const out = path.join(root, 'out');
    const common = ['--claims', claims, '--out', out, '--seed', '3', '--jobs', '1', '--json'];
    const shards = [1, 2].map(() => '');
    for (const i of [1, 2]) shards[i - 1] = JSON.parse((await cli('run', ...common, '--shard', `${i}/2`)).out).run.id;
    // Shard 2 as if killed before its share was stored.
    const file = path.join(claimFolder(out, shards[1]), UNITS_FILE);
    const kept = fs.readFileSync(file, 'utf8');
    fs.rmSync(file);
    const manifestFile = path.join(out, 'runs', shards[1], 'manifest.json');
    const { endedAt: _e, ...m } = manifestOf(out, shards[1]);
    fs.writeFileSync(manifestFile, JSON.stringify({ ...m, status: 'incomplete' }));
    expect(await cli('merge', ...shards, '--in', out, '--claims', claims)).toMatchObject({ code: 2, err: expect.stringContaining(`shard run ${shards[1]} is incomplete`) });
    fs.writeFileSync(manifestFile, JSON.stringify({ ...m, status: 'complete' }));
    expect(await cli('merge', ...shards, '--in', out, '--claims', claims)).toMatchObject({ code: 2, err: expect.stringContaining(`shard run ${shards[1]} (shard 2/2) has no stored work units of ${ID}`) });
    fs.writeFileSync(manifestFile, JSON.stringify({ ...m, status: 'incomplete' }));
    const resumed = await cli('run', '--resume', shards[1], '--claims', claims, '--out', out, '--jobs', '1', '--json');
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.out).ran).toEqual([ID]);
    // The same share again: the units are a function of the seed alone.
    expect(fs.readFileSync(file, 'utf8').replace(/"computeMs":[^,}]+/g, '')).toBe(kept.replace(/"computeMs":[^,}]+/g, ''));
    expect(await cli('run', '--resume', shards[0], '--claims', claims, '--out', out)).toMatchObject({ code: 2, err: expect.stringContaining('already complete') });

    // The merge checks the stored inputs: against each other, and against the inputs it computes itself.
    const files = shards.map((id) => path.join(claimFolder(out, id), UNITS_FILE));
    const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
    const hash0 = readUnitShare(files[0], ID)!.claim.calls[0].inputSha256[0];
    fs.writeFileSync(files[0], texts[0].split(hash0).join('0'.repeat(64)));
    expect(await cli('merge', ...shards, '--in', out, '--claims', claims)).toMatchObject({ code: 2, err: expect.stringContaining('computed different unit inputs (first at unit 0)') });
    files.forEach((f, k) => fs.writeFileSync(f, texts[k].split(hash0).join('0'.repeat(64))));
    expect(await cli('merge', ...shards, '--in', out, '--claims', claims)).toMatchObject({ code: 2, err: expect.stringContaining('the input of unit 0 differs from the one the shards computed') });
    expect(readRuns(out).runs.filter((r) => r.manifest.mergedFrom)).toEqual([]);
    files.forEach((f, k) => fs.writeFileSync(f, texts[k]));
    expect((await cli('merge', '--in', out, '--claims', claims)).code).toBe(0);
  }, 180_000);
});
