/**
 * The float32 engine on WebGPU (the software device: Mesa through Dawn), checked against the float64
 * engine and the float64 reference exactly as on wasm and cpu: every activation and loss, batch norm,
 * residual connections, and a short training run, which must match wasm's.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../../harness/rng';
import { ACTIVATIONS } from '../activations';
import { LOSS_KINDS, type LossSpec } from '../losses';
import type { MlpSpec } from '../mlp';
import { mlpObjective } from '../objective';
import { selectBackend } from './backends';
import { tfjsDataset } from './data';
import type { TfjsMlpSpec } from './layout';
import { tfjsMlpObjective } from './objective';
import { readFloat32 } from './read';
import { valueOnlyHvp } from './testing/finite-differences';
import { float32Rounded, randomDataset, randomDenseTheta, randomVector, relativeError } from './testing/fixtures';
import { referenceLoss } from './testing/reference64';
import { describeOnSoftwareWebgpu } from './testing/webgpu';
import { type TrainResult, trainMlp } from './train';
import { takeDeviceErrors } from './webgpu';

/** Evaluates f on float32 copies of θ, v and the data, reading the result back asynchronously. */
async function evaluate(
  f: (theta: tf.Tensor1D, v: tf.Tensor1D, data: ReturnType<typeof tfjsDataset>) => tf.Tensor,
  theta: Float64Array,
  v: Float64Array,
  data64: Parameters<typeof tfjsDataset>[0],
): Promise<Float64Array> {
  const out = tf.tidy(() => f(tf.tensor1d(Float32Array.from(theta)), tf.tensor1d(Float32Array.from(v)), tfjsDataset(data64)));
  try {
    return Float64Array.from(await readFloat32(out));
  } finally {
    out.dispose();
  }
}

describeOnSoftwareWebgpu('the float32 engine', () => {
  it('runs its kernels on the GPU device, not on the CPU fallback', () => {
    expect(tf.getBackend()).toBe('webgpu');
    expect(tf.env().getBool('WEBGPU_CPU_FORWARD')).toBe(false);
  });

  describe.each(ACTIVATIONS.flatMap((activation, a) => LOSS_KINDS.map((kind, k) => ({ activation, kind, l2: (a + k) % 2 === 0 ? 0 : 0.01 }))))(
    'matches the float64 engine: $activation, $kind, l2 = $l2',
    ({ activation, kind, l2 }) => {
      const net: MlpSpec = { widths: [3, 5, 4, 2], activation };
      const loss: LossSpec = { kind, l2 };
      const rng = createRng(9_101);
      const data64 = randomDataset(rng, net, kind, 16);
      const theta = randomDenseTheta(rng, net);
      const v = randomVector(rng, theta.length);
      const reference = mlpObjective(net, loss, data64);
      const objective = tfjsMlpObjective(net, loss);

      it('loss, gradient and Hessian-vector product (relative error ≤ 1e-4, as on wasm and cpu)', async () => {
        expect(relativeError(await evaluate((t, _v, d) => objective.loss(t, d), theta, v, data64), [reference.loss(theta)])).toBeLessThan(1e-5);
        expect(relativeError(await evaluate((t, _v, d) => objective.gradient(t, d), theta, v, data64), reference.lossAndGradient(theta).gradient)).toBeLessThan(1e-4);
        expect(relativeError(await evaluate((t, w, d) => objective.hvp(t, w, d), theta, v, data64), reference.hvp(theta, v))).toBeLessThan(1e-4);
      });
    },
  );

  describe.each<{ label: string; spec: TfjsMlpSpec; loss: LossSpec }>([
    { label: 'batch norm, tanh, softmax-ce-mean, l2', spec: { widths: [3, 4, 4, 2], activation: 'tanh', batchNorm: true }, loss: { kind: 'softmax-ce-mean', l2: 0.01 } },
    { label: 'residual, swish, sse', spec: { widths: [3, 4, 4, 4, 2], activation: 'swish', residual: true }, loss: { kind: 'sse' } },
    { label: 'residual + batch norm, sigmoid, mse', spec: { widths: [3, 4, 4, 4, 2], activation: 'sigmoid', residual: true, batchNorm: true }, loss: { kind: 'mse' } },
  ])('$label', ({ spec, loss }) => {
    const rng = createRng(9_102);
    const data64 = randomDataset(rng, spec, loss.kind, 8);
    const objective = tfjsMlpObjective(spec, loss);
    const theta = float32Rounded(Array.from({ length: objective.dim }, () => 0.5 * rng.normal()));
    const v = randomVector(rng, theta.length);

    it('HVP matches float64 finite differences of the float64 reference to 1e-3, and wasm to 1e-4', async () => {
      const hvp = await evaluate((t, w, d) => objective.hvp(t, w, d), theta, v, data64);
      expect(relativeError(hvp, valueOnlyHvp((t) => referenceLoss(spec, loss, data64, t), theta, v, 1e-4))).toBeLessThan(1e-3);
      await selectBackend('wasm');
      const onWasm = await evaluate((t, w, d) => objective.hvp(t, w, d), theta, v, data64);
      await selectBackend('webgpu-software');
      expect(relativeError(hvp, onWasm)).toBeLessThan(1e-4);
    });
  });

  it('a short training run (Adam, batch norm, 3 epochs) follows wasm: final θ within 1e-4, epoch losses within 1e-5 relative', async () => {
    const spec: TfjsMlpSpec = { widths: [4, 8, 3], activation: 'relu', batchNorm: true };
    const rng = createRng(9_103);
    const data64 = randomDataset(rng, spec, 'softmax-ce-mean', 64);
    const objective = tfjsMlpObjective(spec, { kind: 'softmax-ce-mean' });
    const theta0 = Float32Array.from(randomDenseTheta(rng, { widths: spec.widths, activation: 'relu' }));
    const withBatchNorm = Float32Array.from({ length: objective.dim }, (_, k) => (k < theta0.length ? theta0[k] : 0));
    const train = async (): Promise<TrainResult> => {
      const data = tfjsDataset(data64);
      try {
        const result = await trainMlp(objective, data, withBatchNorm, { optimizer: { kind: 'adam', learningRate: 0.01 }, epochs: 3, batchSize: 16, rng: createRng(5) });
        tf.dispose(result.runningStatistics ?? []);
        return result;
      } finally {
        tf.dispose([data.x, data.y]);
      }
    };
    const onGpu = await train();
    await selectBackend('wasm');
    const onWasm = await train();
    await selectBackend('webgpu-software');
    expect(onGpu.diverged).toBeUndefined();
    expect(relativeError(onGpu.theta, onWasm.theta)).toBeLessThan(1e-4);
    onGpu.trace.forEach(({ loss }, e) => expect(Math.abs(loss - onWasm.trace[e].loss)).toBeLessThan(1e-5 * Math.abs(onWasm.trace[e].loss)));
  });

  it('a validation error on the device makes the next read fail instead of returning garbage', async () => {
    const device = (tf.backend() as unknown as { device: { createBuffer(d: { size: number; usage: number }): unknown } }).device;
    device.createBuffer({ size: 4, usage: 0 }); // usage 0 is invalid: WebGPU reports it as an uncaptured error, it does not throw
    const x = tf.tensor1d([1, 2, 3]);
    let read: Promise<Float32Array> = readFloat32(x);
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        await read;
        await new Promise((resolve) => setTimeout(resolve, 10)); // the error event arrives asynchronously
        read = readFloat32(x);
      } catch {
        break;
      }
    }
    await expect(read).rejects.toThrow(/^WebGPU device error: /);
    expect(takeDeviceErrors().length).toBeGreaterThan(0);
    x.dispose();
  });
});
