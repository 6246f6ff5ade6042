import { ACTIVATIONS, activate, activateWithDerivatives } from './activations';
import { createRng } from '../harness/rng';
import { exp } from '../numerics/exp';
import { float64Workspace, workspaceOf } from '../numerics/wasm';

// Points away from 0 so that relu's kink is never straddled by a finite-difference step.
const points = Float64Array.from([-6, -2.5, -1, -0.3, -0.01, 0.02, 0.4, 1, 2.7, 7]);
const h = 1e-5;

function evaluate(kind: (typeof ACTIVATIONS)[number], z: Float64Array) {
  const value = new Float64Array(z.length);
  const first = new Float64Array(z.length);
  const second = new Float64Array(z.length);
  activateWithDerivatives(kind, z, value, first, second);
  return { value, first, second };
}

describe.each(ACTIVATIONS)('%s', (kind) => {
  it("σ' and σ'' match central differences of σ and σ'", () => {
    const { first, second } = evaluate(kind, points);
    const plus = evaluate(kind, points.map((x) => x + h));
    const minus = evaluate(kind, points.map((x) => x - h));
    for (let k = 0; k < points.length; k++) {
      expect(first[k]).toBeCloseTo((plus.value[k] - minus.value[k]) / (2 * h), 9);
      expect(second[k]).toBeCloseTo((plus.first[k] - minus.first[k]) / (2 * h), 9);
    }
  });

  it('activate agrees with activateWithDerivatives, in place or not, with or without σ″', () => {
    const { value, first } = evaluate(kind, points);
    const out = new Float64Array(points.length);
    activate(kind, points, out);
    expect(out).toEqual(value);
    const inPlace = Float64Array.from(points);
    activate(kind, inPlace, inPlace);
    expect(inPlace).toEqual(value);
    const value2 = new Float64Array(points.length);
    const first2 = new Float64Array(points.length);
    activateWithDerivatives(kind, points, value2, first2, null);
    expect(value2).toEqual(value);
    expect(first2).toEqual(first);
  });

  it('stays finite for large finite inputs and propagates NaN', () => {
    const { value, first, second } = evaluate(kind, Float64Array.of(-1000, 1000, NaN));
    for (const buffer of [value, first, second]) {
      expect(Number.isFinite(buffer[0]) && Number.isFinite(buffer[1])).toBe(true);
    }
    expect(value[2]).toBeNaN();
  });
});

it('matches reference values', () => {
  const z = Float64Array.of(-2, 0, 1.5);
  const value = (kind: (typeof ACTIVATIONS)[number]) => evaluate(kind, z).value;
  const s = (x: number) => 1 / (1 + exp(-x)); // the engine's exp, within 2 ulp of Math.exp (numerics/exp.test.ts)
  expect(value('identity')).toEqual(z);
  expect(value('tanh')).toEqual(z.map(Math.tanh));
  expect(value('relu')).toEqual(Float64Array.of(0, 0, 1.5));
  expect(value('sigmoid')).toEqual(z.map(s));
  expect(value('swish')).toEqual(z.map((x) => x * s(x)));
  expect(value('swish')[1]).toBe(0);
});

it("relu uses σ'(0) = 0 and σ'' = 0", () => {
  const { first, second } = evaluate('relu', Float64Array.of(-1, 0, 1));
  expect(first).toEqual(Float64Array.of(0, 0, 1));
  expect(second).toEqual(new Float64Array(3));
});

describe.each(['sigmoid', 'swish'] as const)('%s on the WebAssembly kernel', (kind) => {
  it('gives bit-identical values and derivatives to the plain-JS path, in place too', () => {
    const rng = createRng(31);
    for (const length of [1, 2, 7, 64, 301]) {
      const z = Float64Array.from({ length }, (_, q) => (q === 3 ? NaN : q === 5 ? -Infinity : rng.normal() * 8));
      const plain = evaluate(kind, z);
      const [wz, value, first, second] = float64Workspace([length, length, length, length]);
      wz.set(z);
      activateWithDerivatives(kind, wz, value, first, second);
      expect(workspaceOf(wz, value, first, second)).not.toBeNull();
      for (let q = 0; q < length; q++) {
        expect([value[q], first[q], second[q]].map((x, i) => Object.is(x, [plain.value[q], plain.first[q], plain.second[q]][i]))).toEqual([true, true, true]);
      }
      activate(kind, wz, wz);
      wz.forEach((x, q) => expect(Object.is(x, plain.value[q])).toBe(true));
    }
  });
});
