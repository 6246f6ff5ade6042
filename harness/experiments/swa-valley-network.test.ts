import * as tf from '@tensorflow/tfjs';
import { useCpuBackend } from '../../models/tfjs/testing/fixtures';
import { testContext } from '../testing/context';
import { type SwaValleyNetworkParams, lineParameters, swaValleyNetwork, valleyShape } from './swa-valley-network';

useCpuBackend();

const tiny: SwaValleyNetworkParams = {
  data: { trainImages: 120, testImages: 40, features: { kind: 'crop-average' } },
  hiddenWidths: [8],
  l2: 1e-4,
  momentum: 0.9,
  batchSize: 20,
  sgd: [{ learningRate: 0.05, epochs: 2 }],
  swa: { learningRate: 0.05, epochs: 2 },
  // Wide: two epochs leave the network far from converged, and the line's minimum far from w_swa.
  line: { reach: 30, points: 61, asymmetryDistance: 1 },
};

describe('line geometry', () => {
  it('puts w_sgd (t = −1) and w_swa (t = 0) on the line exactly once', () => {
    const ts = lineParameters({ reach: 3, points: 61, asymmetryDistance: 1 });
    expect(ts.filter((t) => t === -1)).toHaveLength(1);
    expect(ts.filter((t) => t === 0)).toHaveLength(1);
    expect(ts.filter((t) => Math.abs(t + 1) < 1e-6)).toHaveLength(1);
    // Grid steps are exact decimals where a double can hold them: −0.1, not −0.09999999999999964.
    expect(lineParameters({ reach: 5, points: 101, asymmetryDistance: 1 })).toContain(-0.1);
    const coarse = lineParameters({ reach: 2, points: 4, asymmetryDistance: 1 });
    [-2, -1, -2 / 3, 0, 2 / 3, 2].forEach((t, i) => expect(coarse[i]).toBeCloseTo(t, 12));
  });

  it('finds the minimum and the rise on either side of it (a valley three times steeper on the −u side)', () => {
    const ts = lineParameters({ reach: 4, points: 81, asymmetryDistance: 1 });
    const losses = ts.map((t) => (t < -1 ? 3 * (-1 - t) : t + 1));
    const shape = valleyShape(ts, losses, 2);
    expect(shape.gridMinimumPosition).toBe(-1);
    // The parabola through the kink and its neighbours puts the vertex within half a grid step of it.
    expect(Math.abs(shape.minimumPosition + 1)).toBeLessThan(0.05);
    expect(shape.risePlus).toBeCloseTo(2, 12);
    expect(shape.riseMinus).toBeCloseTo(6, 12);
    expect(() => valleyShape(ts, losses, 3.5)).toThrow(/widen line.reach/);
  });
});

describe('swa-valley-network', () => {
  it('trains, averages and scans the line, with every metric and no leaked tensors', async () => {
    const before = tf.memory().numTensors;
    const out = await swaValleyNetwork.run(tiny, testContext(4));
    expect(tf.memory().numTensors).toBe(before);
    for (const name of swaValleyNetwork.metrics(tiny)) expect(Number.isFinite(out.metrics[name])).toBe(true);
    const line = out.evidence.line as { t: number; trainCrossEntropy: number; trainObjective: number }[];
    expect(out.metrics.sgdLoss).toBe(line.find((p) => p.t === -1)?.trainCrossEntropy);
    expect(out.metrics.swaLoss).toBe(line.find((p) => p.t === 0)?.trainCrossEntropy);
    expect(out.metrics.swaOffset).toBe(-out.metrics.lineMinimumPosition);
    // The penalty is positive, so the objective exceeds the cross-entropy everywhere.
    line.forEach((p) => expect(p.trainObjective).toBeGreaterThan(p.trainCrossEntropy));
    expect(out.metrics.distance).toBeGreaterThan(0);
    const again = await swaValleyNetwork.run(tiny, testContext(4));
    expect(again.metrics).toEqual(out.metrics);

    // Every scored metric from the evidence alone, by plain code.
    const ev = JSON.parse(JSON.stringify(out.evidence)) as {
      distance: number;
      reach: number;
      points: number;
      asymmetryDistance: number;
      averaged: boolean;
      swaIteratePositions: number[];
      line: { t: number; trainCrossEntropy: number }[];
    };
    const ts = ev.line.map((p) => p.t);
    const f = ev.line.map((p) => p.trainCrossEntropy);
    const i = f.indexOf(Math.min(...f));
    const [a, b, c] = [ts[i - 1], ts[i], ts[i + 1]];
    // Vertex of the interpolating parabola via its Lagrange form: solve f'(t) = 0.
    const [fa, fb, fc] = [f[i - 1], f[i], f[i + 1]];
    const A = fa / ((a - b) * (a - c)) + fb / ((b - a) * (b - c)) + fc / ((c - a) * (c - b));
    const B = -(fa * (b + c)) / ((a - b) * (a - c)) - (fb * (a + c)) / ((b - a) * (b - c)) - (fc * (a + b)) / ((c - a) * (c - b));
    const vertex = -B / (2 * A);
    const at = (t: number): number => {
      const k = ts.findIndex((s) => s >= t);
      return f[k - 1] + ((t - ts[k - 1]) / (ts[k] - ts[k - 1])) * (f[k] - f[k - 1]);
    };
    const rise = (t: number): number => at(t) - f[i];
    const positions = ev.swaIteratePositions;
    const m = positions.reduce((s, v) => s + v, 0) / positions.length;
    const sd = Math.sqrt(positions.reduce((s, v) => s + (v - m) ** 2, 0) / (positions.length - 1));
    const error = ev.averaged ? sd / Math.sqrt(positions.length) : sd;
    const step = (2 * ev.reach) / (ev.points - 1);
    expect(vertex).toBeCloseTo(out.metrics.lineMinimumPosition, 8);
    expect(rise(ts[i] - ev.asymmetryDistance) / rise(ts[i] + ev.asymmetryDistance)).toBeCloseTo(out.metrics.asymmetryRatio, 8);
    expect(error).toBeCloseTo(out.metrics.swaPositionError, 10);
    expect(-vertex / Math.max(step, 2 * error)).toBeCloseTo(out.metrics.swaOffsetMargin, 8);
    expect((out.evidence.data as { trainSha256: string }).trainSha256).toMatch(/^[0-9a-f]{64}$/);
    // The average of the iterates is w_swa itself: their positions relative to it average to 0.
    expect(Math.abs(m)).toBeLessThan(1e-3);
  });
});
