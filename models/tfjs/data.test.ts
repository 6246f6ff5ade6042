import * as tf from '@tensorflow/tfjs';
import { tfjsDataset } from './data';
import { useCpuBackend } from './testing/fixtures';

useCpuBackend();

it('makes float32 tensors of the right shapes, rounding each entry to nearest', () => {
  const data = tfjsDataset({ n: 2, inputDim: 3, outputDim: 1, x: Float64Array.from([0.1, 0.2, 0.3, 1, 2, 3]), y: Float64Array.from([1 / 3, -1 / 7]) });
  expect([data.x.shape, data.y.shape, data.x.dtype]).toEqual([[2, 3], [2, 1], 'float32']);
  expect(Array.from(data.y.dataSync())).toEqual([Math.fround(1 / 3), Math.fround(-1 / 7)]);
  tf.dispose(data);
});

it('rejects arrays whose length does not match n and the dimensions', () => {
  expect(() => tfjsDataset({ n: 2, inputDim: 3, outputDim: 1, x: new Float64Array(5), y: new Float64Array(2) })).toThrow('data.x has length 5, expected 6');
  expect(() => tfjsDataset({ n: 2, inputDim: 3, outputDim: 1, x: new Float64Array(6), y: new Float64Array(3) })).toThrow('data.y has length 3, expected 2');
});
