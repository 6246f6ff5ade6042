/** Controls in a run: paired with their claim, scored, stored, and combined into the claim's verdict. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadClaims } from './claims';
import { runClaims } from './runner';
import { validateResult } from './schema';
import { readRuns } from './store';
import { testSpec, writeClaimsFolder } from './testing/claims';
import { switchable } from './testing/switchable-kind';
import type { ClaimResult, ClaimSpec, Control } from './types';


const control = (id: string, params: Control['params'], extra: Partial<Control> = {}): Control => ({ id, description: `**${id}**`, params, mustFail: ['x-big'], ...extra });
const claim = (slug: string, value: number, controls: Control[], overrides: Partial<ClaimSpec> = {}) => testSpec(slug, switchable.name, { value }, { controls, ...overrides });

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

async function run(specs: ClaimSpec[], tier: 'quick' | 'full' = 'quick') {
  const root = writeClaimsFolder(specs);
  roots.push(root);
  const { claims, problems } = loadClaims(path.join(root, 'claims'));
  expect(problems).toEqual([]);
  const outDir = path.join(root, 'out');
  const { manifest, results } = await runClaims({ claims, tier, seed: 5, outDir, selection: [] });
  const byId = Object.fromEntries(results.map((r) => [r.claimId, r])) as Record<string, ClaimResult>;
  return { byId, folder: (id: string) => path.join(outDir, 'runs', manifest.id, 'claims', id), outDir };
}

describe('a claim with controls', () => {
  it('is reproduced when its control fails the mustFail expectations, and inconclusive when the control passes them', async () => {
    const { byId, folder } = await run([claim('sharp', 2, [control('small', { value: 0.5 })]), claim('blind', 2, [control('still-big', { value: 3 })])]);
    const sharp = byId['test.sharp'];
    expect(sharp.verdict).toBe('reproduced');
    expect(sharp.reason).toBeUndefined();
    expect(sharp.controls).toEqual([
      expect.objectContaining({
        id: 'small',
        description: '**small**',
        params: { value: 0.5 },
        mustFail: ['x-big'],
        status: 'discriminated',
        discriminates: true,
        expectations: [expect.objectContaining({ id: 'x-big', measured: 0.5, pass: false })],
        files: { evidence: 'controls/small/evidence.json', plots: 'controls/small/plots.json' },
      }),
    ]);
    // Paired: the control draws from a fresh generator with the claim's own seed.
    expect(sharp.controls[0].metrics.u).toBe(sharp.metrics.u);

    const blind = byId['test.blind'];
    expect(blind.verdict).toBe('inconclusive');
    expect(blind.reason).toBe("control 'still-big': 'x-big' still passes under the control, so the suite cannot tell the claim from its negation");
    expect(blind.controls[0]).toMatchObject({ status: 'not discriminated', discriminates: false });

    // Evidence and plots of each control beside the claim's, and a result valid under its schema.
    const dir = folder('test.sharp');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'controls', 'small', 'evidence.json'), 'utf8'))).toEqual({ value: 0.5, u: sharp.metrics.u });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'controls', 'small', 'plots.json'), 'utf8'))[0].series[0].y).toEqual([0.5]);
    const stored = JSON.parse(fs.readFileSync(path.join(dir, 'result.json'), 'utf8'));
    expect(validateResult(stored)).toEqual([]);
    expect(stored).toMatchObject({ schemaVersion: 2, verdict: 'reproduced' });
    expect(fs.readdirSync(path.join(dir, 'controls', 'small')).filter((f) => f.includes('tmp'))).toEqual([]);
  });

  it('is an error naming the control when the control crashes or yields a non-finite metric', async () => {
    const { byId } = await run([claim('crash', 2, [control('small', { value: 0.5 }), control('broken', { crash: true })]), claim('nan', 2, [control('nan', { nan: true })])]);
    expect(byId['test.crash']).toMatchObject({ verdict: 'error', reason: "control 'broken' failed: the control fell over" });
    expect(byId['test.crash'].controls.map((c) => [c.id, c.status])).toEqual([['small', 'discriminated'], ['broken', 'error']]);
    expect(byId['test.crash'].controls[1].files).toEqual({});
    expect(byId['test.nan'].verdict).toBe('error');
    expect(byId['test.nan'].reason).toMatch(/^control 'nan' failed: metric 'x' \(expectation 'x-big'\) is NaN/);
  });

  it('is not reproduced when the claim fails, with its controls still run and stored', async () => {
    const { byId, folder } = await run([claim('fails', 0.5, [control('still-big', { value: 3 })])]);
    expect(byId['test.fails']).toMatchObject({ verdict: 'not reproduced', controls: [expect.objectContaining({ status: 'not discriminated' })] });
    expect(fs.existsSync(path.join(folder('test.fails'), 'controls', 'still-big', 'evidence.json'))).toBe(true);
  });

  it('runs a control only at its tiers, and never after a claim that crashed', async () => {
    const { byId } = await run([claim('quick-only', 2, [control('still-big', { value: 3 }, { tiers: ['quick'] }), control('small', { value: 0.5 })]), claim('crash', 2, [control('small', { value: 0.5 })], { experiment: { kind: switchable.name, params: { value: 2, crash: true } } })], 'full');
    expect(byId['test.quick-only']).toMatchObject({ verdict: 'reproduced' });
    expect(byId['test.quick-only'].controls.map((c) => c.id)).toEqual(['small']);
    expect(byId['test.crash']).toMatchObject({ verdict: 'error', reason: 'the control fell over', controls: [] });
  });

  it('copies its protocol files beside the spec as run', async () => {
    const spec = claim('proto', 2, [control('small', { value: 0.5 })], { protocol: 'protocol.md' });
    const root = writeClaimsFolder([spec]);
    roots.push(root);
    fs.writeFileSync(path.join(root, 'claims', 'test', 'protocol.md'), 'Each run starts from **distinct** points.');
    const { claims } = loadClaims(path.join(root, 'claims'));
    const { manifest, results } = await runClaims({ claims, tier: 'quick', seed: 1, outDir: path.join(root, 'out'), selection: [] });
    expect(results[0].files.protocol).toEqual(['protocol.md']);
    expect(fs.readFileSync(path.join(root, 'out', 'runs', manifest.id, 'claims', 'test.proto', 'protocol.md'), 'utf8')).toBe('Each run starts from **distinct** points.');
  });
});

describe('stored results from before controls', () => {
  it('still read, as results with no controls', async () => {
    const { folder, outDir } = await run([claim('old', 2, [], { noControlReason: 'a result from before controls' })]);
    const file = path.join(folder('test.old'), 'result.json');
    const { controls: _none, ...rest } = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ ...rest, schemaVersion: 1 }));
    expect(validateResult({ ...rest, schemaVersion: 2 })).toContain("/: must have required property 'controls'");
    const { runs, problems } = readRuns(outDir);
    expect(problems).toEqual([]);
    expect(runs[0].results[0]).toMatchObject({ schemaVersion: 1, verdict: 'reproduced', controls: [] });
  });
});
