import { createRng } from '../harness/rng';
import { minibatchSgd } from './minibatch-sgd';
import type { MlpSpec } from './mlp';
import { mlpObjective } from './objective';

describe('minibatchSgd', () => {
  const net: MlpSpec = { widths: [2, 3, 1], activation: 'tanh' };
  const rng = createRng(1);
  const n = 12;
  const data = { n, inputDim: 2, outputDim: 1, x: Float64Array.from({ length: 2 * n }, () => rng.normal()), y: Float64Array.from({ length: n }, () => rng.normal()) };
  const theta0 = Float64Array.from({ length: 13 }, () => 0.5 * rng.normal());

  it('with the whole data set as one batch is heavy-ball gradient descent with the dropped rate from the drop step on', () => {
    const [eta, mu, factor, dropAt] = [0.1, 0.9, 0.1, 3];
    const checkpoints = minibatchSgd(net, { kind: 'mse' }, data, theta0, [0, 2, 5], { learningRate: eta, momentum: mu, batchSize: n, drop: { step: dropAt, factor }, rng: createRng(2) });
    expect(checkpoints.map((c) => c.step)).toEqual([0, 2, 5]);
    expect(Array.from(checkpoints[0].theta)).toEqual(Array.from(theta0));
    const objective = mlpObjective(net, { kind: 'mse' }, data);
    const theta = Float64Array.from(theta0);
    const v = new Float64Array(theta.length);
    for (let t = 0; t < 5; t++) {
      const g = objective.lossAndGradient(theta).gradient;
      for (let k = 0; k < theta.length; k++) {
        v[k] = mu * v[k] + g[k];
        theta[k] -= (t >= dropAt ? eta * factor : eta) * v[k];
      }
      if (t === 1) checkpoints[1].theta.forEach((x, k) => expect(x).toBeCloseTo(theta[k], 12));
    }
    checkpoints[2].theta.forEach((x, k) => expect(x).toBeCloseTo(theta[k], 12));
    expect(checkpoints[0].recentLoss).toBeNaN();
    expect(checkpoints[2].recentLoss).toBeGreaterThan(0);
  });

  it('is deterministic given the rng, and reduces the loss with small batches', () => {
    const options = () => ({ learningRate: 0.05, momentum: 0.5, batchSize: 4, drop: { step: 1000, factor: 1 }, rng: createRng(3) });
    const a = minibatchSgd(net, { kind: 'mse' }, data, theta0, [0, 300], options());
    const b = minibatchSgd(net, { kind: 'mse' }, data, theta0, [0, 300], options());
    expect(Array.from(a[1].theta)).toEqual(Array.from(b[1].theta));
    const objective = mlpObjective(net, { kind: 'mse' }, data);
    expect(objective.loss(a[1].theta)).toBeLessThan(objective.loss(theta0));
    expect(() => minibatchSgd(net, { kind: 'mse' }, data, theta0, [3, 3], options())).toThrow(/increasing/);
  });
});
