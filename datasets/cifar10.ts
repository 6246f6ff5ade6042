/**
 * CIFAR-10 from a local copy of the standard binary release ("CIFAR-10 binary version"):
 * data_batch_1.bin … data_batch_5.bin (training) and test_batch.bin, each 10 000 records of 3073 bytes —
 * a label byte (0–9) followed by 3072 pixel bytes, the 1024 red, then 1024 green, then 1024 blue values
 * of a 32×32 image in row-major order. Never downloaded: the folder comes from the caller (`claimbench
 * run --data-dir DIR`, carried to each claim's process) or else from the environment variable
 * CLAIMBENCH_CIFAR10_DIR.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const CIFAR10_RECORD_BYTES = 3073;
export const CIFAR10_PIXELS = 3072;
export const CIFAR10_ENV = 'CLAIMBENCH_CIFAR10_DIR';
export const CIFAR10_TRAIN_FILES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
export const CIFAR10_TEST_FILE = 'test_batch.bin';

/** The folder holding the binary batches: `dir`, else $CLAIMBENCH_CIFAR10_DIR; throws with the fix when neither is set. */
export function cifar10Dir(dir?: string): string {
  const chosen = dir ?? process.env[CIFAR10_ENV];
  if (!chosen) throw new Error(`CIFAR-10 is not configured: pass --data-dir DIR or set ${CIFAR10_ENV} to the folder holding data_batch_1.bin … (the binary release); it is never downloaded`);
  return chosen;
}

/**
 * Why `dir` cannot serve as the CIFAR-10 folder (not a folder, or without data_batch_1.bin, which every
 * training pool starts with), or null when it can. Names the batches present and missing.
 */
export function cifar10DirProblem(dir: string): string | null {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    return `${dir} does not exist`;
  }
  if (!stat.isDirectory()) return `${dir} is not a folder`;
  const names = [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE];
  const present = names.filter((name) => fs.existsSync(path.join(dir, name)));
  if (present.includes(CIFAR10_TRAIN_FILES[0])) return null;
  const missing = names.filter((name) => !present.includes(name));
  return `${dir} is not the CIFAR-10 binary release: it lacks ${missing.join(', ')}${present.length > 0 ? ` (has ${present.join(', ')})` : ''}`;
}

export interface Cifar10Subset {
  /** n×3072, channel-major per image as in the file, scaled to [0, 1] (byte / 255). */
  images: Float64Array;
  labels: Uint8Array;
  n: number;
  /** Files read, the sha256 of each whole file, and the record index of each image across them (file order). */
  files: string[];
  fileSha256: string[];
  indices: Uint32Array;
}

/** The first `count` records of the training batches (or the test batch), in file order. */
export function loadCifar10(options: { count: number; split?: 'train' | 'test'; dir?: string }): Cifar10Subset {
  const dir = cifar10Dir(options.dir);
  const names = (options.split ?? 'train') === 'train' ? CIFAR10_TRAIN_FILES : [CIFAR10_TEST_FILE];
  const { count } = options;
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  const images = new Float64Array(count * CIFAR10_PIXELS);
  const labels = new Uint8Array(count);
  const files: string[] = [];
  const fileSha256: string[] = [];
  let taken = 0;
  for (const name of names) {
    if (taken === count) break;
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) throw new Error(`CIFAR-10 batch not found: ${file} (the folder must hold the binary release: ${names.join(', ')})`);
    const bytes = fs.readFileSync(file);
    if (bytes.length % CIFAR10_RECORD_BYTES !== 0) throw new Error(`${file}: ${bytes.length} bytes is not a whole number of ${CIFAR10_RECORD_BYTES}-byte records`);
    files.push(file);
    fileSha256.push(createHash('sha256').update(bytes).digest('hex'));
    const records = bytes.length / CIFAR10_RECORD_BYTES;
    for (let r = 0; r < records && taken < count; r++, taken++) {
      const at = r * CIFAR10_RECORD_BYTES;
      const label = bytes[at];
      if (label > 9) throw new Error(`${file}: record ${r} has label ${label}, expected 0–9`);
      labels[taken] = label;
      for (let p = 0; p < CIFAR10_PIXELS; p++) images[taken * CIFAR10_PIXELS + p] = bytes[at + 1 + p] / 255;
    }
  }
  if (taken < count) throw new RangeError(`the CIFAR-10 batches in ${dir} hold ${taken} images, ${count} requested`);
  return { images, labels, n: count, files, fileSha256, indices: Uint32Array.from({ length: count }, (_, i) => i) };
}
