/**
 * A spec's precision must be one its kind computes in: `float32` on a float64-only kind is rejected by
 * `validate` and by `run` (which would otherwise run the float64 code and record a tfjs engine).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadClaims } from '../claims';
import { Registry, experimentKinds, kindProblem, type AnyExperimentKind } from '../registry';
import { testSpec, writeClaimsFolder } from '../testing/claims';
import { cli } from '../testing/cli';
import { claimsRoot } from '../paths';
import '../testing/kinds';
import '../experiments';

describe('precisions', () => {
  it('are declared by every kind, and every stored spec uses one its kind supports', () => {
    for (const name of experimentKinds.names()) expect(experimentKinds.get(name).precisions.length).toBeGreaterThan(0);
    const { claims } = loadClaims(claimsRoot());
    expect(claims.length).toBeGreaterThan(0);
    for (const { spec } of claims) expect(experimentKinds.get(spec.experiment.kind).precisions).toContain(spec.precision);
  });

  it('must be listed for a kind to register', () => {
    const kinds = new Registry<AnyExperimentKind>('experiment kind', kindProblem);
    const base = { ...experimentKinds.get('test-constant'), name: 'test-no-precision' };
    expect(() => kinds.register({ ...base, precisions: [] as unknown as AnyExperimentKind['precisions'] })).toThrow("experiment kind 'test-no-precision' cannot be registered: 'precisions' must list the precisions it supports, among float64, float32");
    expect(() => kinds.register({ ...base, precisions: ['float16'] as unknown as AnyExperimentKind['precisions'] })).toThrow(/cannot be registered/);
    kinds.register(base);
    expect(kinds.has('test-no-precision')).toBe(true);
  });

  it('float32 on a float64-only kind is refused by validate and run, with a hint, and nothing runs', async () => {
    const root = writeClaimsFolder([testSpec('wide', 'test-constant', { value: 2 }, { precision: 'float32' })]);
    const claims = path.join(root, 'claims');
    const out = path.join(root, 'out');
    const validate = await cli('validate', '--claims', claims);
    expect(validate.code).toBe(2);
    expect(validate.err).toContain("test/wide.json: /precision: kind 'test-constant' has no float32 implementation: it computes in float64, on claimbench's float64-js engine");
    expect(validate.err).toContain('    hint: set "precision": "float64", the only precision this kind computes in');
    const run = await cli('run', '--claims', claims, '--out', out, '--json');
    expect(run.code).toBe(2);
    expect(run.err).toContain("has no float32 implementation");
    expect(fs.existsSync(path.join(out, 'runs'))).toBe(false);
  });
});
