// Models on the wasm build: the spiral trains to >= 95% with the same loss curve as the native
// build (build/native/learn.json, written by tests/native/test_model.cpp), a model saved natively
// predicts identically here, the functional API (two inputs, two outputs; two heads), callbacks,
// and bad input that changes nothing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { load } from 'playgrad';

const pg = await load();
const dir = new URL('../../build/native/', import.meta.url);
function readNative(name) {
  try {
    return JSON.parse(readFileSync(new URL(name, dir), 'utf8'));
  } catch (e) {
    throw new Error(`${name}: run the native tests first (npm test does): ${e.message}`);
  }
}

const spiralModel = (seed) => pg.sequential([
  pg.layers.dense({ units: 64, activation: 'relu' }),
  pg.layers.dense({ units: 64, activation: 'relu' }),
  pg.layers.dense(3),
], { inputShape: [2], seed });

test('the spiral (3 classes) reaches >= 95% training accuracy with the native loss curve', () => {
  const native = readNative('learn.json');
  pg.scope(() => {
    const { x, y } = pg.data.spiral(100, 3, 0);
    assert.deepEqual(Array.from(x.toArray()), native.x.map(Math.fround), 'same spiral data');
    assert.deepEqual(Array.from(y.toArray()), native.y);
    const m = spiralModel(42);
    assert.deepEqual(m.spec, native.spec, 'the JS API builds the same graph as the native test');
    m.compile({ optimizer: { kind: 'adam', lr: 0.01 }, loss: { kind: 'sparseCategoricalCrossEntropy', fromLogits: true }, metrics: ['accuracy'] });
    let rows = 0;
    const h = m.fit(x, y, { epochs: 150, batchSize: 32, seed: 7, callbacks: [{ onBatchEnd: (b, logs) => { rows += logs.size; } }] });
    assert.equal(rows, 150 * 300);
    assert.deepEqual(h.history.loss, native.loss, 'identical loss curves natively and in wasm');
    const acc = m.evaluate(x, y).accuracy;
    assert.ok(acc >= 0.95, `training accuracy ${acc}`);
    assert.equal(acc, native.accuracy);
    m.dispose();
  });
});

test('a model saved natively loads in wasm and predicts identically', () => {
  const native = readNative('learn.json.model');
  pg.scope(() => {
    const m = pg.loadModel(native.model);
    const [p0, p1] = m.predict([pg.tensor(native.x1, [7, 4]), pg.tensor(native.x2, [7, 4])]);
    assert.deepEqual(Array.from(p0.toArray()), native.pred0.map(Math.fround));
    assert.deepEqual(Array.from(p1.toArray()), native.pred1.map(Math.fround));
    // The optimizer state came along: the file written back is the file read.
    assert.equal(m.save(), native.model);
    m.dispose();
  });
});

test('the course\'s functional model: two inputs, Concatenate, two outputs; trains and its loss falls', () => {
  pg.scope(() => {
    const inp1 = pg.layers.input([4]);
    const inp2 = pg.layers.input([4]);
    const h1 = pg.layers.dense(30)(inp1);
    const h2 = pg.layers.dense(40)(h1);
    const h3 = pg.layers.dense(20)(inp2);
    const h4 = pg.layers.dense(50)(h3);
    const out = pg.layers.concatenate()([h2, h4]);
    const joined = pg.model({ inputs: [inp1, inp2], outputs: out });
    assert.equal(joined.countParams(), 2540);
    assert.deepEqual(joined.outputShapes, [[90]]);
    assert.match(joined.summary(), /concatenate \(Concatenate\)\s+\(None, 90\)\s+0\s+dense_1, dense_3/);
    const reg = pg.layers.dense({ units: 1, name: 'regression' })(out);
    const cls = pg.layers.dense({ units: 3, activation: 'softmax', name: 'classes' })(out);
    const m = pg.model({ inputs: [inp1, inp2], outputs: [reg, cls], seed: 3 });
    m.compile({ optimizer: { kind: 'adam', lr: 0.01 }, loss: ['mse', 'sparseCategoricalCrossEntropy'], lossWeights: [1, 0.5], metrics: ['accuracy'] });
    const n = 256;
    const x1 = pg.randn([n, 4], 1);
    const x2 = pg.randn([n, 4], 2);
    const a1 = x1.toArray();
    const a2 = x2.toArray();
    const yr = new Float32Array(n);
    const yc = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      let t = 0;
      for (let j = 0; j < 4; j++) { s += a1[i * 4 + j] * 0.5; t += a2[i * 4 + j]; }
      yr[i] = s - 0.3 * t;
      yc[i] = t > 1 ? 2 : t > -1 ? 1 : 0;
    }
    const h = m.fit([x1, x2], [pg.tensor(yr, [n, 1]), pg.tensor(yc)], { epochs: 15, batchSize: 32, validationSplit: 0.25 });
    assert.ok(h.history.loss.at(-1) < 0.5 * h.history.loss[0], `loss ${h.history.loss}`);
    for (const k of ['regression_loss', 'classes_loss', 'classes_accuracy', 'val_loss', 'val_classes_accuracy', 'lr']) assert.ok(k in h.history, k);
    const [pr, pc] = m.predict([x1, x2]);
    assert.deepEqual(pr.shape, [n, 1]);
    assert.deepEqual(pc.shape, [n, 3]);
    m.dispose();
    joined.dispose();
  });
});

test('one input, two heads: the total loss is the weighted sum', () => {
  pg.scope(() => {
    const inp = pg.layers.input([3]);
    const h = pg.layers.dense({ units: 8, activation: 'tanh' })(inp);
    const a = pg.layers.dense(1)(h);
    const b = pg.layers.dense({ units: 1, activation: 'sigmoid' })(h);
    const m = pg.model({ inputs: inp, outputs: [a, b] });
    m.compile({ optimizer: 'sgd', loss: ['mse', 'binaryCrossEntropy'], lossWeights: [2, 0.25] });
    const x = pg.randn([6, 3], 1);
    const ya = pg.randn([6, 1], 2);
    const yb = pg.tensor([1, 0, 1, 1, 0, 0], [6, 1]);
    const [oa, ob] = m.call(x);
    const want = 2 * pg.losses.mse(oa, ya).item() + 0.25 * pg.losses.binaryCrossEntropy(ob, yb).item();
    assert.ok(Math.abs(m.loss([oa, ob], [ya, yb]).item() - want) < 1e-5);
    // A custom loop through the same API: call, loss, backward, an optimizer on the parameters.
    const opt = pg.optim.sgd(m.parameters(), { lr: 0.1 });
    const before = m.loss(m.call(x), [ya, yb]).item();
    for (let i = 0; i < 20; i++) {
      opt.zeroGrad();
      m.loss(m.call(x, { training: true }), [ya, yb]).backward();
      opt.step();
    }
    assert.ok(m.loss(m.call(x), [ya, yb]).item() < before);
    opt.dispose();
    m.dispose();
  });
});

test('callbacks: early stopping, lr scheduler, progress; an error in a callback surfaces', () => {
  pg.scope(() => {
    const x = pg.randn([64, 4], 5);
    const y = pg.randn([64, 1], 6);
    const m = pg.sequential([pg.layers.dense({ units: 1, kernelRegularizer: { l2: 0.01 } })], { inputShape: [4] });
    m.compile({ optimizer: { kind: 'sgd', lr: 0 }, loss: 'mse' });
    const h = m.fit(x, y, { epochs: 20, callbacks: [pg.callbacks.earlyStopping({ monitor: 'loss', patience: 2, minDelta: 1e-6 })] });
    assert.equal(h.stoppedEarly, true);
    assert.equal(h.epochs.length, 3);
    m.compile({ optimizer: { kind: 'sgd', lr: 0.1 }, loss: 'mse' });
    const epochs = [];
    const h2 = m.fit(x, y, {
      epochs: 4,
      callbacks: [pg.callbacks.learningRateScheduler((e, lr) => (e === 0 ? lr : lr / 2)), pg.callbacks.progress({ onEpochEnd: (e, logs) => { epochs.push([e, logs.lr]); } })],
    });
    assert.deepEqual(h2.history.lr, [0.1, 0.05, 0.025, 0.0125]);
    assert.deepEqual(epochs, [[0, 0.1], [1, 0.05], [2, 0.025], [3, 0.0125]]);
    const h3 = m.fit(x, y, { epochs: 3, lrSchedule: { kind: 'step', stepSize: 1, gamma: 0.5 }, validationData: [x, y] });
    assert.deepEqual(h3.history.lr, [0.0125, 0.00625, 0.003125]);
    assert.equal(h3.history.val_loss.length, 3);
    const stop = m.fit(x, y, { epochs: 10, callbacks: [{ onEpochEnd: (e) => e === 1 }] });
    assert.equal(stop.epochs.length, 2);
    assert.throws(() => m.fit(x, y, { epochs: 5, callbacks: [{ onBatchEnd: () => { throw new Error('boom'); } }] }), /boom/);
    assert.throws(() => m.fit(x, y, { epochs: 5, callbacks: [pg.callbacks.learningRateScheduler(() => NaN)] }), /returned NaN/);
    assert.ok(Number.isFinite(m.evaluate(x, y).loss), 'the model keeps working');
    m.dispose();
  });
});

test('bad input: readable Errors, nothing changed in the model', () => {
  pg.scope(() => {
    const m = spiralModel(1);
    m.compile({ optimizer: { kind: 'adam', lr: 0.01 }, loss: 'sparseCategoricalCrossEntropy' });
    const { x, y } = pg.data.spiral(10, 3, 0);
    m.trainOnBatch(x, y);
    const before = m.save();
    assert.throws(() => m.fit(x, [0, 1, 2]), { name: 'PlaygradError', message: 'fit: y 0 has shape [3], it needs 30 rows like x (a wrong label count?)' });
    const labels = Array.from(y.toArray());
    labels[29] = 3;
    assert.throws(() => m.fit(x, labels), { message: 'sparseCategoricalCrossEntropy: label 3 at position 29 is out of range for 3 classes (labels are 0..2)' });
    assert.throws(() => m.trainOnBatch(x, labels), /out of range/);
    assert.throws(() => m.compile({ optimizer: { kind: 'adam', lr: -1 }, loss: 'mse' }), /learning rate must be finite and >= 0, got -1/);
    assert.throws(() => { m.lr = -0.5; }, /learning rate/);
    assert.throws(() => pg.layers.dense({ units: 3, activation: 'gelu' }), { message: "Dense: unknown activation 'gelu' (known: linear, sigmoid, tanh, relu, leaky_relu, prelu, softmax)" });
    assert.throws(() => m.fit(pg.ones([30, 3]), y), { message: "fit: input 0 ('input_1') must have shape [N,2], got [30,3]" });
    assert.throws(() => m.predict(pg.ones([30, 3])), /must have shape \[N,2\]/);
    assert.throws(() => m.call(pg.ones([30, 3]), { training: true }), /must have shape \[N,2\]/);
    assert.throws(() => m.fit(x, y, { epoch: 3 }), /unknown option 'epoch'/);
    assert.throws(() => m.fit(x, y, { callbacks: [pg.callbacks.earlyStopping()] }), /not logged/);
    assert.throws(() => m.loadWeights('{"weights": {}}'), /missing/);
    assert.throws(() => pg.loadModel('{nope'), /invalid JSON/);
    assert.throws(() => pg.layers.dense(3)(x), /call a layer on the result of pg.layers.input/);
    assert.equal(m.save(), before, 'weights, moving statistics and optimizer state unchanged');
    m.dispose();
  });
});

test('training and prediction do not leak tensor memory', () => {
  const { x, y } = pg.data.spiral(20, 3, 1);
  const m = pg.sequential([pg.layers.dense({ units: 8, activation: 'relu' }), pg.layers.batchNormalization(), pg.layers.dropout({ rate: 0.2 }), pg.layers.dense(3, { activation: 'softmax' })], { inputShape: [2] });
  m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossEntropy', metrics: ['accuracy'] });
  m.fit(x, y, { epochs: 2 });
  pg.scope(() => m.predict(x));
  const bytes = pg.tensorBytes();
  for (let i = 0; i < 20; i++) {
    m.fit(x, y, { epochs: 1, validationSplit: 0.2 });
    pg.scope(() => { m.predict(x); m.evaluate(x, y); m.parameters(); });
    assert.throws(() => m.fit(x, [1, 2]));
  }
  assert.equal(pg.tensorBytes(), bytes);
  m.dispose();
  x.dispose();
  y.dispose();
});

test('layers by registry name; initializers are seeded', () => {
  assert.deepEqual(pg.layers.kinds().sort(), ['Activation', 'AveragePooling2D', 'BatchNormalization', 'Concatenate', 'Conv2D', 'Conv2DTranspose', 'Dense',
    'DepthwiseConv2D', 'Dropout', 'Flatten', 'GlobalAveragePooling2D', 'MaxPooling2D', 'UpSampling2D']);
  const d = pg.layers.create('Dense', { units: 2, activation: 'leakyRelu' });
  assert.equal(d.kind, 'Dense');
  assert.equal(d.config.activation, 'leaky_relu');
  assert.equal(d.config.alpha, Math.fround(0.2));
  assert.throws(() => pg.layers.create('Conv9D', {}), /unknown layer kind 'Conv9D'/);
  pg.scope(() => {
    const a = pg.init.glorotUniform([20, 30], 5).toArray();
    assert.deepEqual(a, pg.init.glorotUniform([20, 30], 5).toArray());
    const lim = Math.sqrt(6 / 50);
    assert.ok(a.every((v) => Math.abs(v) <= lim));
    assert.deepEqual(Array.from(pg.init.constant([3], 0.5).toArray()), [0.5, 0.5, 0.5]);
    assert.throws(() => pg.init.heNormal([0, 3], 1), /zero fan/);
  });
});

test('no heap growth over 2,000 failed learning calls', () => {
  const m = pg.sequential([pg.layers.dense(3)], { inputShape: [2] });
  m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossEntropy' });
  const x = pg.ones([4, 2]);
  const p = pg.tensor([[0.1, 0.3, 0.6]]);
  const w = pg.tensor([1, 2], [2], { requiresGrad: true });
  const fails = [
    () => m.compile({ optimizer: { kind: 'adam', lr: -1, beta1: 0.9, beta2: 0.999 }, loss: 'sparseCategoricalCrossEntropy' }),
    () => m.fit(x, [0, 1, 2, 7], { epochs: 1, batchSize: 2, validationSplit: 0.25 }),
    () => m.fit(x, [0, 1], { epochs: 1 }),
    () => m.loadWeights('{"weights": {"dense/kernel": {"shape": [2, 3], "data": [1, 2]}}}'),
    () => pg.loadModel('{"format": "playgrad-model", "version": 1, "spec": {"layers": []}}'),
    () => pg.optim.adam([w], { lr: 0.1, unknownOption: 'a long-ish string value that will not fit SSO' }),
    () => pg.layers.dense({ units: 3, activation: 'an activation name that does not exist' }),
    () => pg.losses.sparseCategoricalCrossEntropy(p, [9]),
    () => pg.optim.scheduledLr({ kind: 'step', stepSize: 0 }, 1, 0),
    () => pg.init.heNormal([0, 3], 1),
  ];
  const round = () => fails.forEach((f) => assert.throws(f));
  for (let i = 0; i < 50; i++) round();
  const before = pg.memoryBytes();
  for (let i = 0; i < 200; i++) round();
  assert.ok(pg.memoryBytes() - before < 4096, `heap grew by ${pg.memoryBytes() - before} bytes`);
  [m, x, p, w].forEach((t) => t.dispose());
});
