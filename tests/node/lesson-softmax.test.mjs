// The softmax lesson's pure compute part, headless in Node against the wasm core, with worked
// values (the course's logits [2, 1, 0.1], the [1000, 999] overflow example) and TensorFlow.js.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { load } from 'playgrad';
import * as softmax from '../../lessons/softmax/lesson.mjs';
import { defaults } from '../../lessons/settings.mjs';

const pg = await load();
await tf.setBackend('cpu');

const near = (a, b, tol = 1e-6) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);
const nearAll = (a, b, tol = 1e-6) => { assert.equal(a.length, b.length); a.forEach((v, i) => near(v, b[i], tol)); };

test('the default state is the course example: z = [2, 1, 0.1], T = 1 gives p = [0.659, 0.242, 0.099]', () => {
  const s = defaults(softmax.settings);
  assert.deepEqual(s, { z: [2, 1, 0.1], t: 1, large: false, y: 1 });
  const r = softmax.compute(pg, s);
  // exp(z - 2) = [1, e^-1, e^-1.9]; their sum 1.5174481; p = exp / sum.
  nearAll(r.stable.shifted, [0, -1, -1.9]);
  nearAll(r.stable.exp, [1, 0.36787944, 0.14956862]);
  near(r.stable.sum, 1.5174481);
  near(r.stable.max, 2);
  nearAll(r.p, [0.65900114, 0.24243297, 0.09856589]);
  nearAll(r.naive.exp, [7.3890561, 2.7182818, 1.1051709], 1e-5);
  near(r.naive.sum, 11.2125088, 1e-5);
  nearAll(r.naive.p, r.p);
  nearAll(r.stable.p, r.p);
  assert.equal(r.naiveOverflows, false);
  // Cross-entropy for class 1: -log 0.659 = 0.4170300; gradient p - y.
  near(r.loss, 0.41703001);
  nearAll(r.pMinusY, [0.65900114 - 1, 0.24243297, 0.09856589]);
  nearAll(r.grad, r.pMinusY);
  assert.deepEqual(r.onehot, [1, 0, 0]);
});

test('large logits: naive exp overflows float32 to Infinity (p = NaN), the stable form does not', () => {
  const r = softmax.compute(pg, { z: [0, -1], t: 1, large: true, y: 1 }); // the logits 1000, 999
  assert.deepEqual(r.logits, [1000, 999]);
  assert.deepEqual(r.naive.exp, [Infinity, Infinity]);
  assert.equal(r.naive.sum, Infinity);
  assert.ok(r.naive.p.every(Number.isNaN));
  assert.equal(r.naiveOverflows, true);
  nearAll(r.p, [0.7310586, 0.2689414]); // = softmax([0, -1]): only differences matter
  nearAll(r.stable.p, [0.7310586, 0.2689414]);
  near(r.loss, 0.31326169);
  nearAll(r.grad, [0.7310586 - 1, 0.2689414]);
  // Without the toggle the same logits are harmless.
  assert.equal(softmax.compute(pg, { z: [0, -1], t: 1, large: false, y: 1 }).naiveOverflows, false);
  // A low temperature overflows the naive form too: 10 / 0.1 = 100 > 88.72.
  assert.equal(softmax.compute(pg, { z: [10, 0], t: 0.1, large: false, y: 1 }).naiveOverflows, true);
});

test('temperature divides the logits; the autograd gradient is (p - y) / T', () => {
  const r = softmax.compute(pg, { z: [2, 1, 0.1], t: 2, large: false, y: 3 });
  nearAll(r.scaled, [1, 0.5, 0.05]);
  const e = [1, 0.5, 0.05].map((v) => Math.exp(v - 1));
  const sum = e.reduce((a, b) => a + b);
  nearAll(r.p, e.map((v) => v / sum));
  nearAll(r.grad, r.pMinusY.map((v) => v / 2));
  near(r.loss, -Math.log(e[2] / sum), 1e-6);
});

test('probabilities and gradients match TensorFlow.js for 2 to 10 logits', () => {
  for (let n = 2; n <= 10; n++) {
    const z = Array.from({ length: n }, (_, i) => Math.round(10 * Math.sin(3 * i + n)) / 2);
    const t = 0.5 + n / 10;
    const y = n % 3;
    const r = softmax.compute(pg, { z, t, large: false, y: y + 1 });
    const tz = tf.tensor(z);
    const p = tf.softmax(tf.div(tz, t)).dataSync();
    const lossFn = (v) => tf.neg(tf.sum(tf.mul(tf.oneHot(y, n).toFloat(), tf.logSoftmax(tf.div(v, t)))));
    const g = tf.grad(lossFn)(tz).dataSync();
    nearAll(r.p, Array.from(p), 1e-6);
    nearAll(r.grad, Array.from(g), 1e-6);
    near(r.loss, lossFn(tz).dataSync()[0], 1e-5);
  }
});

test('compute() frees every tensor it makes', () => {
  const s = { z: [1, 2, 3, 4], t: 0.7, large: true, y: 4 };
  softmax.compute(pg, s);
  const before = pg.memoryBytes();
  for (let i = 0; i < 200; i++) softmax.compute(pg, s);
  assert.equal(pg.memoryBytes(), before);
});

test('report() prints the numbers for the terminal', () => {
  const lines = softmax.report(softmax.compute(pg, { z: [0, -1], t: 1, large: true, y: 1 }));
  assert.match(lines[0], /softmax of 2 logits \(\+1000 each\)/);
  assert.ok(lines.some((l) => /^\s+1\s+1000\.0000\s+1000\.0000\s+0\.0000\s+1\.0000\s+0\.7311\s+∞\s+NaN/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => l.includes('cross-entropy L = -log p_y = 0.3133')));
  assert.ok(lines.some((l) => l.includes('overflowed float32')));
});
