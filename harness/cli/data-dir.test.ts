/**
 * `--data-dir`: the CIFAR-10 folder reaches each claim's own process, wins over $CLAIMBENCH_CIFAR10_DIR,
 * is checked before any claim starts, and is recorded in the manifest's provenance and in the evidence.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CIFAR10_ENV } from '../../datasets/cifar10';
import { writeCifar10Batch } from '../testing/cifar10-files';
import { tempFolder, testSpec, writeClaimsFolder } from '../testing/claims';
import { cli } from '../testing/cli';
import type { RunManifest } from '../types';

// The smallest wide-net-training run on CIFAR-10: 2 of a pool of 3 images, one hidden layer of width 4.
const spec = testSpec(
  'cifar',
  'wide-net-training',
  {
    data: { source: 'cifar10', pool: 3 },
    examples: [2],
    network: { depths: [2], width: 4, activations: ['relu'], renormalise: false },
    loss: 'mse',
    learningRates: [0.01],
    epochs: 2,
    seeds: 1,
    bound: { lossRange: 1, delta: 0.05 },
  },
  { expectations: [{ id: 'runs', metric: 'lambdaMinStableFraction', comparator: 'atLeast', min: 0, rationale: 'test' }] },
);

describe('--data-dir', () => {
  const saved = process.env[CIFAR10_ENV];
  let root: string;
  let good: string;
  beforeAll(() => {
    root = writeClaimsFolder([spec]);
    good = tempFolder('cifar10');
    writeCifar10Batch(path.join(good, 'data_batch_1.bin'), [3, 9, 0], 0);
  });
  afterEach(() => {
    if (saved === undefined) delete process.env[CIFAR10_ENV];
    else process.env[CIFAR10_ENV] = saved;
  });

  it('reaches the claim process over the environment variable and is recorded in provenance and evidence', async () => {
    process.env[CIFAR10_ENV] = path.join(root, 'no-such-folder');
    const out = path.join(root, 'out-good');
    const { code, out: stdout } = await cli('run', 'test.cifar', '--claims', path.join(root, 'claims'), '--out', out, '--data-dir', good, '--json');
    const run = JSON.parse(stdout) as { run: { id: string; dir: string }; claims: { verdict: string; reason?: string }[] };
    expect(run.claims[0]).toMatchObject({ verdict: 'reproduced' });
    expect(code).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(run.run.dir, 'manifest.json'), 'utf8')) as RunManifest;
    expect(manifest.provenance.cifar10Dir).toEqual({ path: good, from: '--data-dir' });
    const evidence = JSON.parse(fs.readFileSync(path.join(run.run.dir, 'claims', 'test.cifar', 'evidence.json'), 'utf8')) as { dataFiles: { file: string; sha256: string }[] };
    const file = path.join(good, 'data_batch_1.bin');
    expect(evidence.dataFiles).toEqual([{ file, sha256: createHash('sha256').update(fs.readFileSync(file)).digest('hex') }]);
  });

  it('without it, the environment variable is read, and a folder without the batch is the claim’s error', async () => {
    const bogus = path.join(root, 'no-such-folder');
    process.env[CIFAR10_ENV] = bogus;
    const { code, out: stdout } = await cli('run', 'test.cifar', '--claims', path.join(root, 'claims'), '--out', path.join(root, 'out-env'), '--json');
    const run = JSON.parse(stdout) as { run: { dir: string }; claims: { verdict: string; reason?: string }[] };
    expect(code).toBe(2);
    expect(run.claims[0].verdict).toBe('error');
    expect(run.claims[0].reason).toContain(`CIFAR-10 batch not found: ${path.join(bogus, 'data_batch_1.bin')}`);
    const manifest = JSON.parse(fs.readFileSync(path.join(run.run.dir, 'manifest.json'), 'utf8')) as RunManifest;
    expect(manifest.provenance.cifar10Dir).toEqual({ path: bogus, from: CIFAR10_ENV });
  });

  it('stops the run before any claim when the folder lacks the release', async () => {
    const empty = tempFolder('cifar10-empty');
    const out = path.join(root, 'out-bad');
    const { code, err } = await cli('run', 'test.cifar', '--claims', path.join(root, 'claims'), '--out', out, '--data-dir', empty);
    expect(code).toBe(2);
    expect(err).toContain(`--data-dir: ${empty} is not the CIFAR-10 binary release: it lacks data_batch_1.bin`);
    expect(fs.existsSync(path.join(out, 'runs'))).toBe(false);
  });
});
