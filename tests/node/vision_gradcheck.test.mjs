// The vision ops' gradients in the wasm build against central differences (the checker of
// tests/node/gradcheck.test.mjs): forward passes in the core (float32), sums in double.
import { test } from 'node:test';

import { load } from 'playgrad';

import { gradcheck as check } from './gradcheck-helper.mjs';

const pg = await load();
const gradcheck = (...args) => check(pg, ...args);

// Values 0.1 apart in a seeded random order: each pooling window has a unique max that stays
// unique under the +-eps probes.
function distinct(shape, seed) {
  const n = shape.reduce((a, b) => a * b, 1);
  const order = pg.scope(() => Array.from(pg.rand([n], seed).toArray()));
  const idx = order.map((v, i) => [v, i]).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
  const data = new Array(n);
  idx.forEach((i, rank) => { data[i] = rank * 0.1 - n * 0.05; });
  return { data, shape };
}
const input = (shape, seed) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: pg.scope(() => Array.from(pg.randn([n], seed).toArray())), shape };
};

test('every vision op passes its gradient check in wasm', () => {
  const cases = [
    ['conv2d same stride 2 + bias', (x) => pg.conv2d(x[0], x[1], { strides: 2, padding: 'same', bias: x[2] }),
      [input([1, 5, 4, 2], 1), input([3, 3, 2, 3], 2), input([3], 3)]],
    ['conv2d explicit + dilation', (x) => pg.conv2d(x[0], x[1], { padding: [1, 0], dilations: [1, 2] }),
      [input([2, 4, 5, 2], 4), input([2, 2, 2, 2], 5)]],
    ['depthwiseConv2d', (x) => pg.depthwiseConv2d(x[0], x[1], { padding: 'same' }),
      [input([1, 4, 4, 2], 6), input([3, 3, 2, 2], 7)]],
    ['conv2dTranspose', (x) => pg.conv2dTranspose(x[0], x[1], { strides: 2, outputPadding: 1, padding: 1 }),
      [input([1, 3, 3, 2], 8), input([3, 3, 2, 2], 9)]],
    ['maxPool2d same', (x) => pg.maxPool2d(x[0], { poolSize: 3, strides: 2, padding: 'same' }), [distinct([2, 5, 4, 2], 10)]],
    ['avgPool2d same', (x) => pg.avgPool2d(x[0], { poolSize: 3, strides: 2, padding: 'same' }), [input([2, 5, 4, 2], 11)]],
    ['globalAvgPool2d', (x) => pg.globalAvgPool2d(x[0]), [input([2, 3, 3, 2], 12)]],
    ['upsampling2d nearest', (x) => pg.upsampling2d(x[0], { size: [2, 3] }), [input([1, 2, 3, 2], 13)]],
    ['upsampling2d bilinear', (x) => pg.upsampling2d(x[0], { size: 3, interpolation: 'bilinear' }), [input([2, 3, 2, 2], 14)]],
  ];
  for (const [name, f, inputs] of cases) gradcheck(name, f, inputs);
});
