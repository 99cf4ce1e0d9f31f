// Every op's gradient in the wasm build against central differences. The forward passes run in
// the core (float32); the weighted sums and differences are taken here in double.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { load } from 'playgrad';

import { gradcheck as check } from './gradcheck-helper.mjs';

const pg = await load();
const gradcheck = (...args) => check(pg, ...args);

// Inputs away from kinks (relu/abs/max/min at 0) and with distinct values (one argmax/argmin).
function input(shape, seed, positive = false) {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = pg.scope(() => Array.from((positive ? pg.rand([n], seed, 0.5, 2) : pg.rand([n], seed, -2, 2)).toArray()));
  return { data: data.map((v, i) => (Math.abs(v) < 0.05 ? 0.05 : v) + 0.001 * i), shape };
}

test('every op passes its gradient check in wasm', () => {
  const s = [2, 3];
  const cases = [
    ['add', (x) => pg.add(x[0], x[1]), [input(s, 1), input([3], 2)]],
    ['sub', (x) => pg.sub(x[0], x[1]), [input([2, 1], 3), input(s, 4)]],
    ['mul', (x) => pg.mul(x[0], x[1]), [input(s, 5), input([1, 3], 6)]],
    ['div', (x) => pg.div(x[0], x[1]), [input(s, 7), input(s, 8, true)]],
    ['neg', (x) => pg.neg(x[0]), [input(s, 9)]],
    ['pow', (x) => pg.pow(x[0], 2.5), [input(s, 10, true)]],
    ['exp', (x) => pg.exp(x[0]), [input(s, 11)]],
    ['log', (x) => pg.log(x[0]), [input(s, 12, true)]],
    ['sqrt', (x) => pg.sqrt(x[0]), [input(s, 13, true)]],
    ['abs', (x) => pg.abs(x[0]), [input(s, 14)]],
    ['sigmoid', (x) => pg.sigmoid(x[0]), [input(s, 15)]],
    ['tanh', (x) => pg.tanh(x[0]), [input(s, 16)]],
    ['relu', (x) => pg.relu(x[0]), [input(s, 17)]],
    ['leakyRelu', (x) => pg.leakyRelu(x[0], 0.2), [input(s, 18)]],
    ['matmul', (x) => pg.matmul(x[0], x[1]), [input([3, 4], 19), input([4, 2], 20)]],
    ['matmul batched', (x) => pg.matmul(x[0], x[1]), [input([2, 2, 3], 21), input([3, 2], 22)]],
    ['transpose', (x) => pg.transpose(x[0]), [input(s, 23)]],
    ['reshape', (x) => pg.exp(pg.reshape(x[0], [3, 2])), [input(s, 24)]],
    ['sum', (x) => pg.sum(x[0]), [input(s, 25)]],
    ['sum axis', (x) => pg.sum(x[0], 0, true), [input(s, 26)]],
    ['mean', (x) => pg.mean(x[0], -1), [input(s, 27)]],
    ['max', (x) => pg.max(x[0], 1), [input(s, 28)]],
    ['min', (x) => pg.min(x[0], 1), [input(s, 35)]],
    ['min all', (x) => pg.min(x[0]), [input(s, 36)]],
    ['softmax', (x) => pg.softmax(x[0], -1), [input(s, 29)]],
    ['softmax axis 0', (x) => pg.softmax(x[0], 0), [input(s, 30)]],
    ['logSoftmax', (x) => pg.logSoftmax(x[0], -1), [input(s, 31)]],
  ];
  for (const [name, f, inputs] of cases) gradcheck(name, f, inputs);
});

test('the check fails on a wrong gradient', () => {
  // pg.detach cuts the gradient of one factor: d(x*x)/dx seen as x, not 2x.
  assert.throws(() => gradcheck('x * detach(x)', (x) => pg.mul(x[0], x[0].detach()), [input([3], 40)]),
    /analytic .* vs numeric/);
});
