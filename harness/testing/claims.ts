/** Test helpers: claim specs of the `test` paper written into a temporary claims folder. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ClaimSpec, Params } from '../types';

export function testSpec(slug: string, kind: string, params: Params, overrides: Partial<ClaimSpec> = {}): ClaimSpec {
  return {
    id: `test.${slug}`,
    title: slug,
    paper: { key: 'test', citation: 'Test paper', section: '§1' },
    statement: 'A test claim.',
    precision: 'float64',
    experiment: { kind, params },
    tiers: { quick: {}, full: {}, paper: { unavailable: 'the paper used a GPU cluster' } },
    expectations: [{ id: 'x-big', metric: 'x', comparator: 'atLeast', min: 1, rationale: 'test' }],
    // Test claims check the harness, not a paper: none has a counterfactual unless a test gives it one.
    ...('controls' in overrides ? {} : { controls: [], noControlReason: 'a harness test claim' }),
    ...overrides,
  };
}

const made: string[] = [];
// Every test file that imports this helper removes the folders it made when its tests are done.
if (typeof afterAll === 'function') afterAll(() => made.splice(0).forEach((root) => fs.rmSync(root, { recursive: true, force: true })));

/** A fresh folder `<tmp>/claimbench-<label>-XXXXXX`, removed when the test file's tests are done. */
export function tempFolder(label: string): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `claimbench-${label}-`));
  made.push(root);
  return root;
}

/** Writes specs to `<tmp>/claims/test/<slug>.json`; returns the tmp root (removed after the test file). */
export function writeClaimsFolder(specs: ClaimSpec[]): string {
  const root = tempFolder('test');
  fs.mkdirSync(path.join(root, 'claims', 'test'), { recursive: true });
  for (const s of specs) fs.writeFileSync(path.join(root, 'claims', 'test', `${s.id.slice('test.'.length)}.json`), JSON.stringify(s));
  return root;
}
