/** Test helper: CIFAR-10 batch files in the binary release's exact format, small enough for a test. */
import * as fs from 'node:fs';
import { CIFAR10_PIXELS, CIFAR10_RECORD_BYTES } from '../../datasets/cifar10';

/** Writes one record per label: the label byte, then 3072 pixel bytes (R, G, B planes), pixel p of record r = (first + r + p) mod 256. */
export function writeCifar10Batch(file: string, labels: number[], first: number): void {
  const b = Buffer.alloc(labels.length * CIFAR10_RECORD_BYTES);
  labels.forEach((label, r) => {
    b[r * CIFAR10_RECORD_BYTES] = label;
    for (let p = 0; p < CIFAR10_PIXELS; p++) b[r * CIFAR10_RECORD_BYTES + 1 + p] = (first + r + p) % 256;
  });
  fs.writeFileSync(file, b);
}
