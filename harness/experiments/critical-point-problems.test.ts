import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { mnistFiles } from '../../datasets/mnist';
import { buildProblem, type ProblemSpec } from './critical-point-problems';

/** The raw bytes of an IDX file, decompressed if it is gzip. */
const bytesOf = (file: string): Buffer => {
  const raw = fs.readFileSync(file);
  return raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
};

describe('critical-point problems as evidence', () => {
  it("stores an MNIST data set's sha256 and a recipe that rebuilds exactly those arrays", () => {
    const spec: ProblemSpec = { model: 'mlp', network: { widths: [16, 4, 3], activation: 'swish' }, loss: { kind: 'softmax-ce-mean' }, data: { source: 'mnist', images: 40, classes: [1, 4, 7], features: { kind: 'crop-average' }, targets: 'labels' } };
    const data = buildProblem(spec, 1).data as { sha256: string; recipe: { fileIndices: number[]; labels: number[]; classes: number[] } };
    // Independent rebuild from the IDX files: 16-byte image header, 8-byte label header.
    const files = mnistFiles().train;
    const images = bytesOf(files.images);
    const labels = bytesOf(files.labels);
    const { fileIndices, classes } = data.recipe;
    expect(fileIndices).toHaveLength(40);
    for (const i of fileIndices) expect(classes).toContain(labels[8 + i]);
    expect(data.recipe.labels).toEqual(fileIndices.map((i) => labels[8 + i]));
    const features = fileIndices.map((i) =>
      Array.from({ length: 16 }, (_, f) => {
        const [br, bc] = [Math.floor(f / 4), f % 4];
        let sum = 0;
        for (let r = 0; r < 5; r++) for (let c = 0; c < 5; c++) sum += images[16 + i * 784 + (4 + br * 5 + r) * 28 + 4 + bc * 5 + c] / 255;
        return sum / 25;
      }),
    );
    const n = features.length;
    const x = features.map((row) => row.slice());
    for (let f = 0; f < 16; f++) {
      const mean = features.reduce((s, row) => s + row[f], 0) / n;
      const sd = Math.sqrt(features.reduce((s, row) => s + (row[f] - mean) ** 2, 0) / n);
      for (const row of x) row[f] = sd === 0 ? 0 : (row[f] - mean) / sd;
    }
    const y = data.recipe.labels.map((label) => classes.map((c) => (c === label ? 1 : 0)));
    const bytes = (rows: number[][]): Buffer => {
      const flat = rows.flat();
      const out = Buffer.alloc(flat.length * 8);
      flat.forEach((v, k) => out.writeDoubleLE(v, k * 8));
      return out;
    };
    // Bit-for-bit equality needs the same summation order; the means and deviations above follow it.
    const rebuilt = createHash('sha256').update(bytes(x)).update(bytes(y)).digest('hex');
    expect(rebuilt).toBe(data.sha256);
  });
});
