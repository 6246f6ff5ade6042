import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { writeCifar10Batch } from '../harness/testing/cifar10-files';
import { CIFAR10_ENV, cifar10Dir, cifar10DirProblem, loadCifar10 } from './cifar10';

describe('CIFAR-10 binary loader', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cifar10-'));
    // Two batches of 3 and 2 records in the release's exact format: label byte, then R, G, B planes.
    writeCifar10Batch(path.join(dir, 'data_batch_1.bin'), [3, 9, 0], 0);
    writeCifar10Batch(path.join(dir, 'data_batch_2.bin'), [5, 1], 3);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads labels and channel-major pixels across batches in file order', () => {
    const data = loadCifar10({ count: 4, dir });
    expect(Array.from(data.labels)).toEqual([3, 9, 0, 5]);
    expect(data.images[0]).toBe(0);
    expect(data.images[3072 * 3 + 1024]).toBeCloseTo(((3 + 1024) % 256) / 255, 15);
    expect(data.files.map((f) => path.basename(f))).toEqual(['data_batch_1.bin', 'data_batch_2.bin']);
    expect(data.fileSha256).toEqual(data.files.map((f) => createHash('sha256').update(fs.readFileSync(f)).digest('hex')));
  });

  it('says why a folder cannot serve as the release, naming what it lacks', () => {
    expect(cifar10DirProblem(dir)).toBeNull();
    expect(cifar10DirProblem(path.join(dir, 'nowhere'))).toMatch('does not exist');
    expect(cifar10DirProblem(path.join(dir, 'data_batch_1.bin'))).toMatch('is not a folder');
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'cifar10-empty-'));
    try {
      fs.writeFileSync(path.join(other, 'data_batch_2.bin'), '');
      expect(cifar10DirProblem(other)).toMatch(/lacks data_batch_1\.bin, data_batch_3\.bin.*\(has data_batch_2\.bin\)/);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  it('explains a missing configuration, a missing batch and too few images', () => {
    const saved = process.env[CIFAR10_ENV];
    delete process.env[CIFAR10_ENV];
    expect(() => cifar10Dir()).toThrow(`--data-dir DIR or set ${CIFAR10_ENV}`);
    process.env[CIFAR10_ENV] = dir;
    expect(cifar10Dir()).toBe(dir);
    if (saved === undefined) delete process.env[CIFAR10_ENV];
    else process.env[CIFAR10_ENV] = saved;
    expect(() => loadCifar10({ count: 6, dir })).toThrow('data_batch_3.bin');
    fs.writeFileSync(path.join(dir, 'test_batch.bin'), Buffer.alloc(10));
    expect(() => loadCifar10({ count: 1, dir, split: 'test' })).toThrow('whole number');
  });
});
