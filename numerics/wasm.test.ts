import { KERNELS_WASM_BASE64 } from './kernels-wasm';
import { float64Workspace, wasmKernels, workspaceOf } from './wasm';

describe('WebAssembly kernels', () => {
  it('are available here, and the shipped bytes are those built from wasm/kernels.ts', () => {
    expect(wasmKernels).toBe(true);
    const { compileKernels } = require('../wasm/build.js') as { compileKernels(): Buffer };
    expect(compileKernels().toString('base64')).toBe(KERNELS_WASM_BASE64);
  });

  it('allocate zeroed, 16-byte-aligned, disjoint workspace views of one memory', () => {
    const views = float64Workspace([3, 0, 5, 2]);
    expect(views.map((v) => v.length)).toEqual([3, 0, 5, 2]);
    for (const v of views) {
      expect(v.byteOffset % 16).toBe(0);
      expect(Array.from(v)).toEqual(new Array(v.length).fill(0));
    }
    views[0].fill(1);
    expect(Array.from(views[2])).toEqual([0, 0, 0, 0, 0]);
    expect(workspaceOf(views[0], views[2])).not.toBeNull();
    expect(workspaceOf(views[0], float64Workspace([1])[0])).toBeNull();
    expect(workspaceOf(new Float64Array(2))).toBeNull();
  });
});
