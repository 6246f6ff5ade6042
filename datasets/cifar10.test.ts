import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CIFAR10_ENV, CIFAR10_RECORD_BYTES, cifar10Dir, loadCifar10 } from './cifar10';

describe('CIFAR-10 binary loader', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cifar10-'));
    // Two batches of 3 and 2 records in the release's exact format: label byte, then R, G, B planes.
    const batch = (labels: number[], first: number): Buffer => {
      const b = Buffer.alloc(labels.length * CIFAR10_RECORD_BYTES);
      labels.forEach((label, r) => {
        b[r * CIFAR10_RECORD_BYTES] = label;
        for (let p = 0; p < 3072; p++) b[r * CIFAR10_RECORD_BYTES + 1 + p] = (first + r + p) % 256;
      });
      return b;
    };
    fs.writeFileSync(path.join(dir, 'data_batch_1.bin'), batch([3, 9, 0], 0));
    fs.writeFileSync(path.join(dir, 'data_batch_2.bin'), batch([5, 1], 3));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads labels and channel-major pixels across batches in file order', () => {
    const data = loadCifar10({ count: 4, dir });
    expect(Array.from(data.labels)).toEqual([3, 9, 0, 5]);
    expect(data.images[0]).toBe(0);
    expect(data.images[3072 * 3 + 1024]).toBeCloseTo(((3 + 1024) % 256) / 255, 15);
    expect(data.files.map((f) => path.basename(f))).toEqual(['data_batch_1.bin', 'data_batch_2.bin']);
  });

  it('explains a missing configuration, a missing batch and too few images', () => {
    const saved = process.env[CIFAR10_ENV];
    delete process.env[CIFAR10_ENV];
    expect(() => cifar10Dir()).toThrow(CIFAR10_ENV);
    process.env[CIFAR10_ENV] = dir;
    expect(cifar10Dir()).toBe(dir);
    if (saved === undefined) delete process.env[CIFAR10_ENV];
    else process.env[CIFAR10_ENV] = saved;
    expect(() => loadCifar10({ count: 6, dir })).toThrow('data_batch_3.bin');
    fs.writeFileSync(path.join(dir, 'test_batch.bin'), Buffer.alloc(10));
    expect(() => loadCifar10({ count: 1, dir, split: 'test' })).toThrow('whole number');
  });
});
