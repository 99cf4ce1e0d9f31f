// Every loss against TensorFlow.js (cpu backend), values and gradients, plus the worked examples
// and the errors, on the wasm build.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { load } from 'playgrad';

import { assertCloseToTfjs as assertClose } from './compare.mjs';

const pg = await load();
await tf.setBackend('cpu');

// Compares value and the gradient with respect to the first input.
function compare(name, inputs, pgFn, tfFn) {
  pg.scope(() => {
    const x = pg.tensor(inputs[0].data, inputs[0].shape, { requiresGrad: true });
    const rest = inputs.slice(1).map((i) => pg.tensor(i.data, i.shape));
    const out = pgFn(x, ...rest);
    out.backward();
    const tx = tf.tensor(inputs[0].data, inputs[0].shape);
    const trest = inputs.slice(1).map((i) => tf.tensor(i.data, i.shape));
    const tout = tfFn(tx, ...trest);
    assertClose([out.item()], tout.dataSync(), `${name} value`);
    const g = tf.grad((a) => tfFn(a, ...trest))(tx);
    assertClose(x.grad.toArray(), g.dataSync(), `${name} gradient`);
    tf.dispose([tx, trest, tout, g]);
  });
}

const rnd = (n, seed, lo = -2, hi = 2) => {
  let s = seed;
  return Array.from({ length: n }, () => { s = (s * 1103515245 + 12345) % 2147483648; return lo + (hi - lo) * (s / 2147483648); });
};
const N = 5;
const C = 4;
const logits = { data: rnd(N * C, 1, -3, 3), shape: [N, C] };
const probs = { data: rnd(N * C, 2, 0.02, 0.98), shape: [N, C] };
const soft = { data: rnd(N * C, 3, 0, 1), shape: [N, C] };
// Target distributions (rows summing to 1).
const dist = { data: soft.data.map((v, i) => v / soft.data.slice(i - (i % C), i - (i % C) + C).reduce((a, b) => a + b)), shape: [N, C] };
const labels = [0, 3, 1, 2, 3];
const oneHot = { data: labels.flatMap((l) => Array.from({ length: C }, (_, c) => (c === l ? 1 : 0))), shape: [N, C] };

test('mse against tf.losses.meanSquaredError', () => {
  compare('mse', [logits, soft], (p, y) => pg.losses.mse(p, y), (p, y) => tf.losses.meanSquaredError(y, p));
  compare('mse sum', [logits, soft], (p, y) => pg.losses.mse(p, y, { reduction: 'sum' }),
    (p, y) => tf.sum(tf.mean(tf.squaredDifference(p, y), -1)));
});

test('binary cross-entropy (probabilities and logits) against TensorFlow.js', () => {
  compare('bce', [probs, soft], (p, y) => pg.losses.binaryCrossEntropy(p, y),
    (p, y) => tf.mean(tf.metrics.binaryCrossentropy(y, p)));
  compare('bce logits', [logits, soft], (z, y) => pg.losses.binaryCrossEntropyWithLogits(z, y),
    (z, y) => tf.losses.sigmoidCrossEntropy(y, z));
  compare('bce fromLogits', [logits, soft], (z, y) => pg.losses.binaryCrossEntropy(z, y, { fromLogits: true, reduction: 'sum' }),
    (z, y) => tf.mul(tf.losses.sigmoidCrossEntropy(y, z), N * C / C));
});

test('categorical and sparse categorical cross-entropy against TensorFlow.js', () => {
  // Through softmax (tfjs renormalises probabilities, which changes d/dp but not d/dz).
  compare('softmax + cce', [logits, oneHot], (z, y) => pg.losses.categoricalCrossEntropy(pg.softmax(z), y),
    (z, y) => tf.mean(tf.metrics.categoricalCrossentropy(y, tf.softmax(z))));
  compare('cce fromLogits', [logits, dist], (z, y) => pg.losses.categoricalCrossEntropy(z, y, { fromLogits: true }),
    (z, y) => tf.losses.softmaxCrossEntropy(y, z));
  compare('softmax + scce', [logits], (z) => pg.losses.sparseCategoricalCrossEntropy(pg.softmax(z), labels),
    (z) => tf.mean(tf.metrics.categoricalCrossentropy(tf.oneHot(tf.tensor1d(labels, 'int32'), C), tf.softmax(z))));
  compare('scce fromLogits Int32Array', [logits], (z) => pg.losses.sparseCategoricalCrossEntropy(z, Int32Array.from(labels), { fromLogits: true }),
    (z) => tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels, 'int32'), C), z));
  // Probabilities directly, with their gradient -y/p (no renormalisation: tfjs' values only).
  pg.scope(() => {
    const p = pg.softmax(pg.tensor(logits.data, logits.shape));
    const v = pg.losses.sparseCategoricalCrossEntropy(p, labels, { reduction: 'none' }).toArray();
    // (tfjs-layers' sparse loss is this one-hot form; tf.metrics has no sparse cross-entropy)
    const t = tf.metrics.categoricalCrossentropy(tf.oneHot(tf.tensor1d(labels, 'int32'), C), tf.tensor(p.toArray(), p.shape));
    assertClose(v, t.dataSync(), 'scce none');
  });
});

test('contrastive loss against the formula in TensorFlow.js ops', () => {
  const d = { data: rnd(8, 4, 0, 2), shape: [8] };
  const same = { data: [1, 0, 1, 0, 0, 1, 0, 1], shape: [8] };
  compare('contrastive', [d, same], (x, y) => pg.losses.contrastive(x, y, 1.5),
    (x, y) => tf.mean(tf.add(tf.mul(y, tf.square(x)), tf.mul(tf.sub(1, y), tf.square(tf.relu(tf.sub(1.5, x)))))));
});

test('worked examples: y = 1, ŷ = [0.1, 0.3, 0.6] gives -log 0.3; saturated inputs stay finite', () => {
  pg.scope(() => {
    const p = pg.tensor([[0.1, 0.3, 0.6]]);
    assert.ok(Math.abs(pg.losses.sparseCategoricalCrossEntropy(p, [1]).item() + Math.log(0.3)) < 1e-6);
    assert.ok(Math.abs(pg.losses.categoricalCrossEntropy(p, pg.tensor([[0, 1, 0]])).item() + Math.log(0.3)) < 1e-6);
    const big = pg.losses.binaryCrossEntropy(pg.tensor([0, 1]), pg.tensor([1, 0]), { reduction: 'none' }).toArray();
    assert.ok(Math.abs(big[0] + Math.log(1e-7)) < 1e-3, `saturated bce ${big[0]}`);  // p clipped to 1e-7
    assert.ok(Number.isFinite(big[1]) && big[1] > 15, `saturated bce ${big[1]}`);  // 1 - p clipped to 1 - (1 - 1e-7)
    const z = pg.losses.categoricalCrossEntropy(pg.tensor([[1000, -1000]]), pg.tensor([[0, 1]]), { fromLogits: true }).item();
    assert.ok(Math.abs(z - 2000) < 0.01);
    const none = pg.losses.mse(pg.tensor([[1, 2], [3, 4]]), pg.tensor([[1, 0], [3, 0]]), { reduction: 'none' });
    assert.deepEqual(Array.from(none.toArray()), [2, 8]);
  });
});

test('bad input: readable PlaygradErrors', () => {
  pg.scope(() => {
    const p = pg.tensor([[0.1, 0.3, 0.6], [0.2, 0.2, 0.6]]);
    assert.throws(() => pg.losses.sparseCategoricalCrossEntropy(p, [1]),
      { name: 'PlaygradError', message: 'sparseCategoricalCrossEntropy: 1 labels for 2 predictions (one label per row)' });
    assert.throws(() => pg.losses.sparseCategoricalCrossEntropy(p, [1, 5]),
      { message: 'sparseCategoricalCrossEntropy: label 5 at position 1 is out of range for 3 classes (labels are 0..2)' });
    assert.throws(() => pg.losses.sparseCategoricalCrossEntropy(p, [1, 0.5]), /not an integer/);
    assert.throws(() => pg.losses.sparseCategoricalCrossEntropy(p, 'ab'), /labels must be/);
    assert.throws(() => pg.losses.mse(p, pg.tensor([1, 2])), { message: 'mse: prediction shape [2,3] and target shape [2] differ' });
    assert.throws(() => pg.losses.mse(p, p, { reduction: 'avg' }), /reduction must be/);
    assert.throws(() => pg.losses.mse(p, [1, 2]), /must be a Tensor/);
    assert.ok(Math.abs(pg.losses.mse(p, p).item()) < 1e-9, 'the module keeps working');
  });
});
