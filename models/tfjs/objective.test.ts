import * as tf from '@tensorflow/tfjs';
import { createRng } from '../../harness/rng';
import { ACTIVATIONS } from '../activations';
import { LOSS_KINDS, type LossSpec } from '../losses';
import type { MlpSpec } from '../mlp';
import { mlpObjective } from '../objective';
import { selectBackend } from './backends';
import type { BatchNormMode } from './batch-norm';
import { type TfjsDataset, tfjsDataset } from './data';
import { type TfjsMlpSpec, appendBatchNormParameters, tfjsParameterLayout } from './layout';
import { batchStatistics } from './mlp';
import { type TfjsMlpObjective, tfjsMlpObjective } from './objective';
import { centralGradient, centralHvp, valueOnlyHvp } from './testing/finite-differences';
import { float32Rounded, randomDataset, randomDenseTheta, randomVector, relativeError, useCpuBackend } from './testing/fixtures';
import { type Statistics64, referenceLoss } from './testing/reference64';

useCpuBackend();

const WIDTHS = [3, 5, 4, 2];
const N = 16;

describe.each(ACTIVATIONS.flatMap((activation) => LOSS_KINDS.flatMap((kind) => [0, 0.01].map((l2) => ({ activation, kind, l2 })))))(
  'on identical float32 weights and data, matches the float64 engine: $activation, $kind, l2 = $l2',
  ({ activation, kind, l2 }) => {
    const net: MlpSpec = { widths: WIDTHS, activation };
    const loss: LossSpec = { kind, l2 };
    const rng = createRng(7_001);
    const data64 = randomDataset(rng, net, kind, N);
    const theta64 = randomDenseTheta(rng, net);
    const v64 = randomVector(rng, theta64.length);
    const reference = mlpObjective(net, loss, data64);
    const objective = tfjsMlpObjective(net, loss);

    const evaluate = (f: (theta: tf.Tensor1D, v: tf.Tensor1D, data: ReturnType<typeof tfjsDataset>) => tf.Tensor): Float32Array =>
      tf.tidy(() => {
        const out = f(tf.tensor1d(Float32Array.from(theta64)), tf.tensor1d(Float32Array.from(v64)), tfjsDataset(data64));
        return out.dataSync() as Float32Array;
      });

    it('loss', () => {
      const got = evaluate((theta, _v, data) => objective.loss(theta, data));
      expect(relativeError(got, [reference.loss(theta64)])).toBeLessThan(1e-5);
    });

    it('gradient (and lossAndGradient)', () => {
      const expected = reference.lossAndGradient(theta64).gradient;
      expect(relativeError(evaluate((theta, _v, data) => objective.gradient(theta, data)), expected)).toBeLessThan(1e-4);
      expect(relativeError(evaluate((theta, _v, data) => objective.lossAndGradient(theta, data).gradient), expected)).toBeLessThan(1e-4);
    });

    it('Hessian-vector product', () => {
      const got = evaluate((theta, v, data) => objective.hvp(theta, v, data));
      expect(relativeError(got, reference.hvp(theta64, v64))).toBeLessThan(1e-4);
    });
  },
);

/** Runs `f` on float32 tensors of θ (and v, data) and returns its result as float64 numbers. */
function run(f: (theta: tf.Tensor1D, data: TfjsDataset) => tf.Tensor, theta: Float64Array, data64: Parameters<typeof tfjsDataset>[0]): Float64Array {
  const out = tf.tidy(() => f(tf.tensor1d(Float32Array.from(theta)), tfjsDataset(data64)));
  const values = Float64Array.from(out.dataSync());
  out.dispose();
  return values;
}

/** A float32-representable θ whose batch-norm scales and shifts are away from their initial 1 and 0. */
function randomTheta(rng: ReturnType<typeof createRng>, spec: TfjsMlpSpec): Float64Array {
  const theta = appendBatchNormParameters(spec, randomDenseTheta(rng, spec));
  for (const { gammaOffset, betaOffset, outDim } of tfjsParameterLayout(spec)) {
    for (let o = 0; o < outDim; o++) {
      if (gammaOffset !== null) theta[gammaOffset + o] = 1 + 0.3 * rng.normal();
      if (betaOffset !== null) theta[betaOffset + o] = 0.3 * rng.normal();
    }
  }
  return float32Rounded(theta);
}

describe('the float64 reference used below', () => {
  it('agrees with the float64 engine on plain networks', () => {
    const net: MlpSpec = { widths: WIDTHS, activation: 'swish' };
    const loss: LossSpec = { kind: 'softmax-ce-mean', l2: 0.01 };
    const rng = createRng(7_002);
    const data = randomDataset(rng, net, loss.kind, N);
    const theta = randomDenseTheta(rng, net);
    const v = randomVector(rng, theta.length);
    const engine = mlpObjective(net, loss, data);
    expect(referenceLoss(net, loss, data, theta)).toBeCloseTo(engine.loss(theta), 12);
    expect(relativeError(valueOnlyHvp((t) => referenceLoss(net, loss, data, t), theta, v), engine.hvp(theta, v))).toBeLessThan(1e-6);
  });
});

interface NetCase {
  label: string;
  spec: TfjsMlpSpec;
  loss: LossSpec;
}

const NORMALIZED_AND_RESIDUAL: NetCase[] = [
  ...ACTIVATIONS.map((activation) => ({
    label: `batch norm, ${activation}, mse`,
    spec: { widths: [3, 4, 4, 2], activation, batchNorm: true },
    loss: { kind: 'mse' as const },
  })),
  { label: 'batch norm, tanh, softmax-ce-mean, l2', spec: { widths: [3, 4, 4, 2], activation: 'tanh', batchNorm: true }, loss: { kind: 'softmax-ce-mean', l2: 0.01 } },
  { label: 'batch norm, relu, sse, ε = 1e-3', spec: { widths: [3, 5, 4, 2], activation: 'relu', batchNorm: true, batchNormEpsilon: 1e-3 }, loss: { kind: 'sse' } },
  { label: 'residual, tanh, sse', spec: { widths: [3, 4, 4, 4, 2], activation: 'tanh', residual: true }, loss: { kind: 'sse' } },
  { label: 'residual, swish, softmax-ce-sum', spec: { widths: [4, 4, 4, 3], activation: 'swish', residual: true }, loss: { kind: 'softmax-ce-sum' } },
  { label: 'residual + batch norm, sigmoid, mse', spec: { widths: [3, 4, 4, 4, 2], activation: 'sigmoid', residual: true, batchNorm: true }, loss: { kind: 'mse' } },
];

describe.each(NORMALIZED_AND_RESIDUAL)('$label: training-mode derivatives', ({ spec, loss }) => {
  const rng = createRng(7_003);
  const data64 = randomDataset(rng, spec, loss.kind, 8);
  const theta = randomTheta(rng, spec);
  const v = randomVector(rng, theta.length);
  const objective = tfjsMlpObjective(spec, loss);
  const reference = (t: Float64Array): number => referenceLoss(spec, loss, data64, t);
  const tfjsGradient = (t: Float64Array): Float64Array => run((th, data) => objective.gradient(th, data), t, data64);
  let hvp: Float64Array;
  beforeAll(() => {
    hvp = run((th, data) => objective.hvp(th, tf.tensor1d(Float32Array.from(v)), data), theta, data64);
  });

  it('loss and gradient match the float64 reference', () => {
    expect(run((th, data) => objective.loss(th, data), theta, data64)[0]).toBeCloseTo(reference(theta), 4);
    expect(relativeError(tfjsGradient(theta), centralGradient(reference, theta))).toBeLessThan(1e-4);
  });

  it('HVP matches float64 finite differences of the reference (step 1e-4) to 1e-3', () => {
    expect(relativeError(hvp, valueOnlyHvp(reference, theta, v, 1e-4))).toBeLessThan(1e-3);
  });

  it('HVP matches float32 central differences of its own gradient to 2e-2', () => {
    // ‖v‖ ≈ 8, so the step moves θ by about 1e-2: small truncation error, float32 rounding still far below.
    expect(relativeError(hvp, centralHvp(tfjsGradient, theta, v, 1e-3))).toBeLessThan(2e-2);
  });
});

describe('batch norm modes', () => {
  const spec: TfjsMlpSpec = { widths: [3, 4, 4, 2], activation: 'tanh', batchNorm: true };
  const loss: LossSpec = { kind: 'mse' };
  const rng = createRng(7_004);
  const data64 = randomDataset(rng, spec, loss.kind, 8);
  const theta = randomTheta(rng, spec);
  const v = randomVector(rng, theta.length);
  const objective = tfjsMlpObjective(spec, loss);

  /** Runs f in evaluation mode with fixed statistics (float32-rounded), returning them as float64 too. */
  function inEvalMode(
    statistics64: Statistics64[],
    f: (o: TfjsMlpObjective, th: tf.Tensor1D, data: TfjsDataset, mode: BatchNormMode) => tf.Tensor,
  ): Float64Array {
    return run((th, data) => {
      const statistics = statistics64.map(({ mean, variance }) => ({ mean: tf.tensor1d(Float32Array.from(mean)), variance: tf.tensor1d(Float32Array.from(variance)) }));
      return f(objective, th, data, { kind: 'eval', statistics });
    }, theta, data64);
  }

  it("evaluation with the batch's own statistics reproduces training mode", () => {
    const statistics = tf.tidy(() => batchStatistics(spec, tf.tensor1d(Float32Array.from(theta)), tfjsDataset(data64).x));
    const statistics64 = statistics.map(({ mean, variance }) => ({ mean: Float64Array.from(mean.dataSync()), variance: Float64Array.from(variance.dataSync()) }));
    tf.dispose(statistics);
    const evalLoss = inEvalMode(statistics64, (o, th, data, mode) => o.loss(th, data, mode))[0];
    expect(evalLoss).toBeCloseTo(run((th, data) => objective.loss(th, data), theta, data64)[0], 5);
  });

  it('evaluation-mode HVP matches the float64 reference with the same fixed statistics', () => {
    const statistics64: Statistics64[] = [0, 1].map(() => ({
      mean: float32Rounded(Array.from({ length: 4 }, () => 0.2 * rng.normal())),
      variance: float32Rounded(Array.from({ length: 4 }, () => 0.5 + rng.uniform())),
    }));
    const reference = (t: Float64Array): number => referenceLoss(spec, loss, data64, t, statistics64);
    const hvp = inEvalMode(statistics64, (o, th, data, mode) => o.hvp(th, tf.tensor1d(Float32Array.from(v)), data, mode));
    expect(relativeError(hvp, valueOnlyHvp(reference, theta, v, 1e-4))).toBeLessThan(1e-3);
    // Fixed statistics make the Hessian differ from the training-mode one.
    const trainHvp = run((th, data) => objective.hvp(th, tf.tensor1d(Float32Array.from(v)), data), theta, data64);
    expect(relativeError(hvp, trainHvp)).toBeGreaterThan(1e-2);
  });

  it('in training mode the dense bias before batch norm cancels: zero gradient', () => {
    const gradient = run((th, data) => objective.gradient(th, data), theta, data64);
    const { biasOffset, outDim } = tfjsParameterLayout(spec)[0];
    const scale = Math.max(...Array.from(gradient, Math.abs));
    for (let o = 0; o < outDim; o++) expect(Math.abs(gradient[biasOffset! + o])).toBeLessThan(1e-5 * scale);
  });
});

describe('on the wasm backend', () => {
  afterAll(async () => {
    await selectBackend('cpu');
  });

  it('a batch-norm + residual swish network gives the same HVP as on cpu, and a plain one the float64 engine’s', async () => {
    const spec: TfjsMlpSpec = { widths: [3, 4, 4, 2], activation: 'swish', batchNorm: true, residual: true };
    const loss: LossSpec = { kind: 'softmax-ce-mean', l2: 0.01 };
    const rng = createRng(7_006);
    const data64 = randomDataset(rng, spec, loss.kind, N);
    const theta = randomTheta(rng, spec);
    const v = randomVector(rng, theta.length);
    const objective = tfjsMlpObjective(spec, loss);
    const hvpOf = (): Float64Array => run((th, data) => objective.hvp(th, tf.tensor1d(Float32Array.from(v)), data), theta, data64);
    const onCpu = hvpOf();
    await selectBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(relativeError(hvpOf(), onCpu)).toBeLessThan(1e-5);

    const net: MlpSpec = { widths: WIDTHS, activation: 'tanh' };
    const denseTheta = randomDenseTheta(rng, net);
    const direction = randomVector(rng, denseTheta.length);
    const plain = tfjsMlpObjective(net, loss);
    const got = run((th, data) => plain.hvp(th, tf.tensor1d(Float32Array.from(direction)), data), denseTheta, data64);
    expect(relativeError(got, mlpObjective(net, loss, data64).hvp(denseTheta, direction))).toBeLessThan(1e-4);
  });
});

describe('memory', () => {
  it('50 HVPs (batch norm + residual) leave the number of tensors unchanged', () => {
    const spec: TfjsMlpSpec = { widths: [3, 4, 4, 2], activation: 'swish', batchNorm: true, residual: true };
    const objective = tfjsMlpObjective(spec, { kind: 'softmax-ce-mean', l2: 0.01 });
    const rng = createRng(7_005);
    const data = tfjsDataset(randomDataset(rng, spec, 'softmax-ce-mean', 16));
    const theta = tf.tensor1d(Float32Array.from(randomTheta(rng, spec)));
    const v = tf.tensor1d(Float32Array.from(randomVector(rng, objective.dim)));
    objective.hvp(theta, v, data).dispose(); // first call may create lasting state (ops per ε)
    const before = tf.memory().numTensors;
    for (let k = 0; k < 50; k++) objective.hvp(theta, v, data).dispose();
    const { loss, gradient } = objective.lossAndGradient(theta, data);
    tf.dispose([loss, gradient]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([data, theta, v]);
  });
});

describe('refuses what it cannot do', () => {
  it('an activation without a second-order-correct implementation', () => {
    expect(() => tfjsMlpObjective({ widths: [2, 2], activation: 'elu' as 'tanh' }, { kind: 'sse' })).toThrow(/activation 'elu'/);
  });

  it('vectors and data of the wrong shape', () => {
    const objective = tfjsMlpObjective({ widths: [2, 3, 1], activation: 'tanh' }, { kind: 'sse' });
    tf.tidy(() => {
      const data = { x: tf.zeros([4, 2]) as tf.Tensor2D, y: tf.zeros([4, 1]) as tf.Tensor2D };
      expect(() => objective.hvp(tf.zeros([13]), tf.zeros([12]), data)).toThrow('v has shape [12], expected [13]');
      expect(() => objective.loss(tf.zeros([12]), data)).toThrow('theta has shape [12], expected [13]');
      expect(() => objective.loss(tf.zeros([13]), { x: data.x, y: tf.zeros([4, 2]) })).toThrow('y has shape [4,2], expected [4, 1]');
    });
  });
});
