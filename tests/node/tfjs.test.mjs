// Values and gradients against a real peer: TensorFlow.js (cpu backend) on the same inputs.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { load } from 'playgrad';

import { assertCloseToTfjs as assertClose } from './compare.mjs';

const pg = await load();
await tf.setBackend('cpu');

// name, input shapes, positive inputs?, playgrad fn, tfjs fn
const CASES = [
  ['add', [[3, 4], [4]], false, (x) => pg.add(x[0], x[1]), (x) => tf.add(x[0], x[1])],
  ['sub', [[3, 1], [1, 4]], false, (x) => pg.sub(x[0], x[1]), (x) => tf.sub(x[0], x[1])],
  ['mul', [[2, 3, 4], [3, 1]], false, (x) => pg.mul(x[0], x[1]), (x) => tf.mul(x[0], x[1])],
  ['div', [[3, 4], [3, 4]], true, (x) => pg.div(x[0], x[1]), (x) => tf.div(x[0], x[1])],
  ['neg', [[5]], false, (x) => pg.neg(x[0]), (x) => tf.neg(x[0])],
  ['pow', [[5]], true, (x) => pg.pow(x[0], 3), (x) => tf.pow(x[0], tf.scalar(3))],
  ['exp', [[2, 5]], false, (x) => pg.exp(x[0]), (x) => tf.exp(x[0])],
  ['log', [[2, 5]], true, (x) => pg.log(x[0]), (x) => tf.log(x[0])],
  ['sqrt', [[2, 5]], true, (x) => pg.sqrt(x[0]), (x) => tf.sqrt(x[0])],
  ['abs', [[2, 5]], false, (x) => pg.abs(x[0]), (x) => tf.abs(x[0])],
  ['sigmoid', [[2, 5]], false, (x) => pg.sigmoid(x[0]), (x) => tf.sigmoid(x[0])],
  ['tanh', [[2, 5]], false, (x) => pg.tanh(x[0]), (x) => tf.tanh(x[0])],
  ['relu', [[2, 5]], false, (x) => pg.relu(x[0]), (x) => tf.relu(x[0])],
  ['leakyRelu', [[2, 5]], false, (x) => pg.leakyRelu(x[0], 0.2), (x) => tf.leakyRelu(x[0], 0.2)],
  ['matmul', [[5, 7], [7, 3]], false, (x) => pg.matmul(x[0], x[1]), (x) => tf.matMul(x[0], x[1])],
  ['matmul batched', [[2, 5, 7], [2, 7, 3]], false, (x) => pg.matmul(x[0], x[1]), (x) => tf.matMul(x[0], x[1])],
  ['transpose', [[3, 4]], false, (x) => pg.transpose(x[0]), (x) => tf.transpose(x[0])],
  ['reshape', [[3, 4]], false, (x) => pg.reshape(x[0], [2, 6]), (x) => tf.reshape(x[0], [2, 6])],
  ['sum', [[3, 4]], false, (x) => pg.sum(x[0]), (x) => tf.sum(x[0])],
  ['sum axis', [[3, 4]], false, (x) => pg.sum(x[0], 0), (x) => tf.sum(x[0], 0)],
  ['mean axis keepdims', [[3, 4]], false, (x) => pg.mean(x[0], 1, true), (x) => tf.mean(x[0], 1, true)],
  ['max axis', [[3, 4]], false, (x) => pg.max(x[0], 1), (x) => tf.max(x[0], 1)],
  ['min axis', [[3, 4]], false, (x) => pg.min(x[0], 1), (x) => tf.min(x[0], 1)],
  ['min all', [[3, 4]], false, (x) => pg.min(x[0]), (x) => tf.min(x[0])],
  ['softmax', [[3, 6]], false, (x) => pg.softmax(x[0]), (x) => tf.softmax(x[0])],
  ['logSoftmax', [[3, 6]], false, (x) => pg.logSoftmax(x[0]), (x) => tf.logSoftmax(x[0])],
];

test('values and gradients match TensorFlow.js', () => {
  let seed = 100;
  for (const [name, shapes, positive, pgFn, tfFn] of CASES) {
    pg.scope(() => {
      const xs = shapes.map((s) => (positive ? pg.rand(s, seed++, 0.5, 2) : pg.randn(s, seed++)));
      xs.forEach((x) => { x.requiresGrad = true; });
      const out = pgFn(xs);
      const w = pg.randn(out.shape, seed++);
      pg.sum(pg.mul(out, w)).backward();

      const txs = xs.map((x) => tf.tensor(x.toArray(), x.shape));
      const tw = tf.tensor(w.toArray(), w.shape);
      const tout = tfFn(txs);
      assert.deepEqual(out.shape, tout.shape, `${name}: shape`);
      assertClose(out.toArray(), tout.dataSync(), `${name} value`);
      const grads = tf.grads((...a) => tf.sum(tf.mul(tfFn(a), tw)))(txs);
      grads.forEach((g, i) => assertClose(xs[i].grad.toArray(), g.dataSync(), `${name} grad ${i}`));
      tf.dispose([txs, tw, tout, grads]);
    });
  }
});
