import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadClaims } from './claims';
import './testing/kinds';
import { claimSeed, createRunFolder, runClaims } from './runner';
import { validateResult } from './schema';
import { readRuns } from './store';
import { tempFolder, testSpec, writeClaimsFolder } from './testing/claims';
import type { ClaimResult, ClaimSpec } from './types';


const spec = (id: string, kind: string, params: Record<string, number>, overrides: Partial<ClaimSpec> = {}) => testSpec(id, kind, params, overrides);

function setup(specs: ClaimSpec[]) {
  const root = writeClaimsFolder(specs);
  const { claims, problems } = loadClaims(path.join(root, 'claims'));
  expect(problems).toEqual([]);
  return { root, claims, outDir: path.join(root, 'out') };
}

const byId = (results: ClaimResult[]) => Object.fromEntries(results.map((r) => [r.claimId, r]));

describe('runClaims', () => {
  it('scores each claim, survives a crash and a NaN, and stores everything', async () => {
    const { claims, outDir } = setup([
      spec('pass', 'test-constant', { value: 2 }),
      spec('fail', 'test-constant', { value: 0.5 }),
      spec('crash', 'test-crash', {}),
      spec('nan', 'test-nan', {}),
    ]);
    const events: string[] = [];
    const { manifest, results } = await runClaims({ claims, tier: 'quick', seed: 7, outDir, selection: [], onEvent: (e) => events.push(e.type) });
    const r = byId(results);
    expect(r['test.pass'].verdict).toBe('reproduced');
    expect(r['test.fail'].verdict).toBe('not reproduced');
    expect(r['test.fail'].expectations[0]).toMatchObject({ measured: 0.5, pass: false, tolerance: '≥ 1' });
    expect(r['test.crash']).toMatchObject({ verdict: 'error', reason: 'boom: the experiment fell over' });
    expect(r['test.nan'].verdict).toBe('error');
    expect(r['test.nan'].reason).toMatch(/metric 'x'.*NaN/);
    expect(manifest.status).toBe('complete');
    expect(manifest.provenance.node).toBe(process.version);
    expect(events.filter((e) => e === 'claim-end')).toHaveLength(4);

    const folder = path.join(outDir, 'runs', manifest.id);
    const stored = JSON.parse(fs.readFileSync(path.join(folder, 'claims', 'test.pass', 'result.json'), 'utf8'));
    expect(validateResult(stored)).toEqual([]);
    expect(stored.seed).toBe(claimSeed(7, 'test.pass'));
    expect(JSON.parse(fs.readFileSync(path.join(folder, 'claims', 'test.pass', 'evidence.json'), 'utf8'))).toEqual({ value: 2 });
    expect(JSON.parse(fs.readFileSync(path.join(folder, 'claims', 'test.pass', 'spec.json'), 'utf8')).id).toBe('test.pass');
    const leftovers = fs.readdirSync(path.join(folder, 'claims', 'test.pass')).filter((f) => f.includes('tmp'));
    expect(leftovers).toEqual([]);
    const { runs, problems } = readRuns(outDir);
    expect(problems).toEqual([]);
    expect(runs[0].results).toHaveLength(4);
  });

  it('records a tier that cannot run as "not run at this tier", with the reason', async () => {
    const { claims, outDir } = setup([spec('pass', 'test-constant', { value: 2 })]);
    const { results } = await runClaims({ claims, tier: 'paper', seed: 1, outDir, selection: [] });
    expect(results[0]).toMatchObject({ verdict: 'not run at this tier', reason: 'the paper used a GPU cluster', expectations: [] });
  });

  it('gives a claim the same seed whatever else is selected, and new runs never touch old ones', async () => {
    const { claims, outDir } = setup([spec('a', 'test-constant', { value: 2 }), spec('b', 'test-constant', { value: 2 })]);
    const both = await runClaims({ claims, tier: 'quick', seed: 3, outDir, selection: [] });
    const firstResult = path.join(outDir, 'runs', both.manifest.id, 'claims', 'test.b', 'result.json');
    const before = fs.readFileSync(firstResult, 'utf8');
    const alone = await runClaims({ claims: claims.filter((c) => c.spec.id === 'test.b'), tier: 'quick', seed: 3, outDir, selection: ['test.b'] });
    expect(alone.manifest.id).not.toBe(both.manifest.id);
    expect(alone.results[0].metrics.u).toBe(byId(both.results)['test.b'].metrics.u);
    expect(fs.readFileSync(firstResult, 'utf8')).toBe(before);
  });

  it('fails early and clearly when the output folder cannot be written', () => {
    const root = tempFolder('ro');
    fs.writeFileSync(path.join(root, 'a-file'), 'x');
    expect(() => createRunFolder(path.join(root, 'a-file', 'out'), 'r1')).toThrow(/cannot write results to .*a-file\/out: ENOTDIR/);
  });
});
