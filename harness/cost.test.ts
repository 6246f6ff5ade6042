/** Cost estimates: runaway parameters are reported by validate; the shipped specs fit their budgets. */
import * as path from 'node:path';
import * as fs from 'node:fs';
import { loadClaims } from './claims';
import { defaultCost } from './cost';
import { claimsRoot } from './paths';
import { writeClaimsFolder } from './testing/claims';
import type { ClaimSpec } from './types';
import './experiments';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

/** A shipped spec with some parameters replaced at every tier. */
function shipped(id: string, edit: (params: Record<string, any>) => void): ClaimSpec {
  const { claims } = loadClaims(claimsRoot());
  const spec = structuredClone(claims.find((c) => c.spec.id === id)!.spec);
  edit(spec.experiment.params);
  for (const t of Object.values(spec.tiers)) if ('params' in t && t.params) edit(t.params);
  return { ...spec, id: `test.${id.split('.')[1]}`, paper: { ...spec.paper, key: 'test' }, controls: [], noControlReason: 'test' } as ClaimSpec;
}

function problemsOf(spec: ClaimSpec): string[] {
  const root = writeClaimsFolder([spec]);
  roots.push(root);
  return loadClaims(path.join(root, 'claims')).problems.map((p) => `${p.pointer}: ${p.message}`);
}

describe('validate with cost estimates', () => {
  it.each([
    ['line-scan with t.step 1e-7', 'l0l1.fixed-line-l2', (p: any) => p.t && (p.t.step = 1e-7)],
    ['line-scan through a 3000-unit layer', 'l0l1.fixed-line-l2', (p: any) => p.network && ((p.network.widths = [1, 4, 3000, 1]), (p.line.lastLayerDirection = [Array(3000).fill(0)]))],
    ['an SGD valley of 1e12 steps', 'he2019.swa-biased-to-flat-side', (p: any) => p.steps !== undefined && (p.steps = 1e12)],
    ['an SGD valley of 1e9 seeds', 'he2019.swa-biased-to-flat-side', (p: any) => p.seeds !== undefined && (p.seeds = 1e9)],
    ['a symmetry group enumerated up to 1e15 elements', 'chen1993.equioutput-symmetries', (p: any) => { if (p.exhaustiveUpTo !== undefined) p.exhaustiveUpTo = 1e15; if (p.network) p.network.widths = [3, 12, 2]; }],
    ['XOR from 1e9 starts', 'hamey1998.xor-no-local-minima', (p: any) => p.runs !== undefined && (p.runs = 1e9)],
  ])('reports %s as beyond the quick budget', (_what, id, edit) => {
    const problems = problemsOf(shipped(id, edit));
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^\/tiers\/quick: at tier quick the claim (and its controls are|is) estimated to (take .* beyond the tier's budget of 10 min|need .* of memory)/)]));
  });

  it('fits every shipped spec within its budgets', () => {
    const { problems } = loadClaims(claimsRoot());
    expect(problems.filter((p) => /estimated to/.test(p.message))).toEqual([]);
  });

  it('falls back to a lower bound from the largest count for a kind without an estimate', () => {
    expect(defaultCost({ steps: 1e12, maxNorm: 1e15 }).seconds).toBe(1e6);
    expect(defaultCost({ tolerance: 1e15, inner: { iterations: 2000 } }).seconds).toBeCloseTo(2e-3);
  });
});
