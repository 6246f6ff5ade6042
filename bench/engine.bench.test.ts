import type { Bench } from 'tinybench';
import { registerEngineBenchmarks } from './engine.bench';

it('registers loss, gradient, HVP and (tiny net only) Hessian tasks that run', () => {
  const tasks = new Map<string, () => unknown>();
  const bench = { add: (name: string, fn: () => unknown) => tasks.set(name, fn) } as unknown as Bench;
  registerEngineBenchmarks(bench);
  expect([...tasks.keys()]).toEqual([
    'mlp 1-4-7-1 tanh, sse, n=20: loss',
    'mlp 1-4-7-1 tanh, sse, n=20: lossAndGradient',
    'mlp 1-4-7-1 tanh, sse, n=20: hvp',
    'mlp 1-4-7-1 tanh, sse, n=20: hvp at a fixed θ',
    'mlp 1-4-7-1 tanh, sse, n=20: hessian (51²)',
    'autoencoder 16-8-16-16 swish, mse, n=10000: loss',
    'autoencoder 16-8-16-16 swish, mse, n=10000: lossAndGradient',
    'autoencoder 16-8-16-16 swish, mse, n=10000: hvp',
    'autoencoder 16-8-16-16 swish, mse, n=10000: hvp at a fixed θ',
  ]);
  for (const fn of tasks.values()) expect(fn()).toBeDefined();
});
