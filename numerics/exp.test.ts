import { createRng } from '../harness/rng';
import { exp } from './exp';
import { float64Workspace, workspaceOf } from './wasm';

/** exp through the WebAssembly kernel, on a workspace copy of xs. */
function wasmExp(xs: readonly number[]): Float64Array {
  const [x] = float64Workspace([xs.length]);
  x.set(xs);
  const home = workspaceOf(x)!;
  home.exports.exp(x.byteOffset, x.byteOffset, x.length);
  return x;
}

describe('exp', () => {
  const rng = createRng(21);
  const xs = [
    ...Array.from({ length: 2000 }, () => rng.uniformIn(-745, 709)),
    ...Array.from({ length: 2000 }, () => rng.uniformIn(-1, 1)),
    ...Array.from({ length: 200 }, () => rng.normal() * 1e-9),
    709.78, 709.79, 0, -0, 1, -1, 0.5 * Math.LN2, -0.5 * Math.LN2, -708.39, -744, -745.2, -750, 1e-300,
  ];

  it('is within 2 ulp of Math.exp (itself within 1 ulp of exp), subnormal results included', () => {
    const bits = new BigInt64Array(1);
    const value = new Float64Array(bits.buffer);
    const pattern = (x: number): bigint => ((value[0] = x), bits[0]);
    for (const x of xs) expect(Math.abs(Number(pattern(exp(x)) - pattern(Math.exp(x))))).toBeLessThanOrEqual(2);
  });

  it('over- and underflows like exp, and keeps NaN', () => {
    expect(exp(710)).toBe(Infinity);
    expect(exp(Infinity)).toBe(Infinity);
    expect(exp(-746)).toBe(0);
    expect(exp(-Infinity)).toBe(0);
    expect(exp(NaN)).toBeNaN();
    expect(exp(0)).toBe(1);
  });

  it('is bit-identical to the WebAssembly kernel, odd tail included', () => {
    const special = [...xs, Infinity, -Infinity, NaN, 710, -746, 800];
    const wasm = wasmExp(special);
    special.forEach((x, q) => expect(Object.is(wasm[q], exp(x))).toBe(true));
  });
});
