import { parameterCount, parameterLayout } from '../mlp';
import { appendBatchNormParameters, tfjsParameterCount, tfjsParameterLayout } from './layout';

describe('tfjsParameterLayout', () => {
  it('is the float64 engine layout for plain networks', () => {
    const spec = { widths: [3, 5, 4, 2], activation: 'tanh' as const };
    const layout = tfjsParameterLayout(spec);
    expect(layout.map(({ inDim, outDim, weightOffset, biasOffset }) => ({ inDim, outDim, weightOffset, biasOffset }))).toEqual(parameterLayout(spec));
    expect(layout.map((layer) => [layer.hidden, layer.gammaOffset, layer.betaOffset, layer.residual])).toEqual([
      [true, null, null, false],
      [true, null, null, false],
      [false, null, null, false],
    ]);
    expect(tfjsParameterCount(spec)).toBe(parameterCount(spec));
  });

  it('appends γ then β of each hidden layer after all dense parameters', () => {
    const spec = { widths: [3, 5, 4, 2], activation: 'relu' as const, batchNorm: true };
    // dense: 3·5+5 = 20, 5·4+4 = 24, 4·2+2 = 10 → 54
    expect(tfjsParameterLayout(spec).map((layer) => [layer.weightOffset, layer.biasOffset, layer.gammaOffset, layer.betaOffset])).toEqual([
      [0, 15, 54, 59],
      [20, 40, 64, 68],
      [44, 52, null, null],
    ]);
    expect(tfjsParameterCount(spec)).toBe(54 + 2 * (5 + 4));
  });

  it('works without biases', () => {
    const spec = { widths: [2, 3, 1], activation: 'tanh' as const, bias: false, batchNorm: true };
    expect(tfjsParameterLayout(spec).map((layer) => [layer.biasOffset, layer.gammaOffset, layer.betaOffset])).toEqual([
      [null, 9, 12],
      [null, null, null],
    ]);
    expect(tfjsParameterCount(spec)).toBe(15);
  });

  it('puts residual connections on hidden layers whose widths match, never on the output layer', () => {
    const layout = tfjsParameterLayout({ widths: [3, 4, 4, 4, 4], activation: 'tanh', residual: true });
    expect(layout.map((layer) => layer.residual)).toEqual([false, true, true, false]);
  });

  it('rejects invalid widths like the float64 engine', () => {
    expect(() => tfjsParameterLayout({ widths: [3], activation: 'tanh' })).toThrow(RangeError);
  });
});

describe('appendBatchNormParameters', () => {
  const spec = { widths: [2, 3, 1], activation: 'tanh' as const, batchNorm: true };

  it('keeps the dense parameters and appends γ = 1, β = 0', () => {
    const dense = Float64Array.from({ length: 13 }, (_, k) => k + 0.5);
    expect(Array.from(appendBatchNormParameters(spec, dense))).toEqual([...dense, 1, 1, 1, 0, 0, 0]);
  });

  it('copies when there is no batch norm', () => {
    const plain = { widths: [2, 3, 1], activation: 'tanh' as const };
    const dense = new Float64Array(13).fill(2);
    const theta = appendBatchNormParameters(plain, dense);
    expect(theta).toEqual(dense);
    expect(theta).not.toBe(dense);
  });

  it('rejects a θ of the wrong length', () => {
    expect(() => appendBatchNormParameters(spec, new Float64Array(12))).toThrow('dense θ has length 12, expected 13');
  });
});
