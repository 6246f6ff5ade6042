/** Test helpers for the tfjs engine: float32-representable random data and error measures. */
import type { Rng } from '../../../harness/rng';
import { kaimingNormal } from '../../init';
import type { LossKind } from '../../losses';
import type { MlpSpec } from '../../mlp';
import type { Dataset64 } from '../../objective';
import { selectBackend } from '../backends';

/** ‖a − b‖ / ‖b‖ (Euclidean); a and b of equal length. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`lengths differ: ${a.length} vs ${b.length}`);
  let difference = 0;
  let reference = 0;
  for (let k = 0; k < a.length; k++) {
    difference += (a[k] - b[k]) ** 2;
    reference += b[k] ** 2;
  }
  return Math.sqrt(difference / reference);
}

/** Every entry rounded to the nearest float32, so both engines start from identical numbers. */
export function float32Rounded(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values, Math.fround);
}

/** n random inputs in [−1, 1) and targets suited to `loss`: normal for squared errors, non-negative weights (not one-hot, rows not summing to one) for cross-entropy. */
export function randomDataset(rng: Rng, net: MlpSpec, loss: LossKind, n: number): Dataset64 {
  const inputDim = net.widths[0];
  const outputDim = net.widths[net.widths.length - 1];
  const x = float32Rounded(Array.from({ length: n * inputDim }, () => rng.uniformIn(-1, 1)));
  const crossEntropy = loss === 'softmax-ce-sum' || loss === 'softmax-ce-mean';
  const y = float32Rounded(Array.from({ length: n * outputDim }, () => (crossEntropy ? rng.uniform() : rng.normal())));
  return { n, inputDim, outputDim, x, y };
}

/** A float32-representable Kaiming-normal θ of the dense network. */
export function randomDenseTheta(rng: Rng, net: MlpSpec): Float64Array {
  return float32Rounded(kaimingNormal(net, () => rng.normal()));
}

/** A float32-representable standard normal vector. */
export function randomVector(rng: Rng, length: number): Float64Array {
  return float32Rounded(Array.from({ length }, () => rng.normal()));
}

/**
 * Runs a test file on the cpu backend: exact-enough float32 kernels and no initialisation cost. The
 * wasm backend is exercised by backends.test.ts and the benchmarks.
 */
export function useCpuBackend(): void {
  beforeAll(async () => {
    await selectBackend('cpu');
  });
}
