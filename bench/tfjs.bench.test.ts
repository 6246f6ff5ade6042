import { ratiosToWasm } from './tfjs.bench';

describe('ratiosToWasm', () => {
  it('divides each backend task by the wasm task of the same workload and batch, and skips tasks without one', () => {
    const records = [
      { task: 'wasm: mlp, n=1000: hvp', meanMs: 50 },
      { task: 'wasm: mlp, n=100: hvp', meanMs: 10 },
      { task: 'webgpu-software: mlp, n=100: hvp', meanMs: 150 },
      { task: 'cpu: mlp, n=100: hvp', meanMs: 250 },
      { task: 'webgpu: mlp, n=1000: hvp', meanMs: 5 },
      { task: 'webgpu: mlp, n=5000: hvp', meanMs: 9 },
    ];
    expect(ratiosToWasm(records)).toEqual([
      { task: 'mlp, n=100: hvp', backend: 'webgpu-software', ratio: 15 },
      { task: 'mlp, n=100: hvp', backend: 'cpu', ratio: 25 },
      { task: 'mlp, n=1000: hvp', backend: 'webgpu', ratio: 0.1 },
    ]);
  });
});
