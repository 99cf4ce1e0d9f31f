// What crosses the boundary without a JSON text, or later than it used to (docs/binding.md,
// "Results, and what a call costs"): model.probe() unpacked from typed arrays into the object the
// core's JSON form gives (key order, null for a non-finite number), a layer's config checked when
// it is made but read from the core only when asked for, a model's spec with the defaults the
// core fills in, and the options check that replaced JSON.stringify's replacer.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { load } from 'playgrad';

const pg = await load();

test('probe(): the JSON form\'s keys in its order, shapes as arrays, a non-finite statistic as null', () => {
  const m = pg.sequential([pg.layers.dense({ units: 3, activation: 'tanh', name: 'd' }), pg.layers.activation('relu', { name: 'a' }),
    pg.layers.dense(1, { name: 'out' })], { inputShape: [2], seed: 4 });
  try {
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    pg.scope(() => {
      const x = pg.tensor([[1, 2], [-1, 0.5], [0, 3], [2, -2]]);
      const y = pg.tensor([[1], [0], [1], [0]]);
      const p = m.probe(x, y, { bins: 4 });
      assert.deepEqual(Object.keys(p), ['layers', 'loss', 'rows']);
      assert.equal(p.rows, 4);
      assert.deepEqual(p.layers.map((l) => [l.name, l.kind, l.activation]), [['d', 'Dense', 'tanh'], ['a', 'Activation', 'relu'], ['out', 'Dense', 'linear']]);
      assert.deepEqual(Object.keys(p.layers[0]), ['activation', 'derivative', 'kind', 'name', 'output', 'weights']);
      assert.deepEqual(Object.keys(p.layers[2]), ['activation', 'kind', 'name', 'output', 'weights']);  // linear: no f'
      assert.deepEqual(Object.keys(p.layers[0].output), ['histogram', 'max', 'mean', 'min', 'nonFinite', 'std']);
      assert.deepEqual(Object.keys(p.layers[0].output.histogram), ['above', 'below', 'counts', 'hi', 'lo']);
      assert.deepEqual(Object.keys(p.layers[0].derivative), ['deadShare', 'deadUnits', 'histogram', 'max', 'mean', 'min',
        'nonFinite', 'peak', 'saturatedShare', 'std', 'threshold', 'units', 'zeroShare']);
      assert.deepEqual(p.layers[0].weights.map((w) => [w.name, w.shape]), [['kernel', [2, 3]], ['bias', [3]]]);
      assert.deepEqual(Object.keys(p.layers[0].weights[0]), ['gradNorm', 'gradSpread', 'name', 'norm', 'shape', 'spread']);
      assert.equal(p.layers[0].output.histogram.counts.length, 4);
      assert.ok(Array.isArray(p.layers[0].output.histogram.counts));
      // The numbers against the tensors themselves: ‖W‖ and the loss.
      const w = m.weights()['d/kernel'].toArray();
      assert.equal(p.layers[0].weights[0].norm, Math.sqrt(Array.from(w).reduce((s, v) => s + v * v, 0)));
      assert.ok(Math.abs(p.loss - m.evaluate(x, y).loss) <= 1e-6 * p.loss, 'the loss');
    });
  } finally {
    m.dispose();
  }
  // Every value non-finite: mean, std, min and max are null (as JSON writes them), the count says why.
  const lin = pg.sequential([pg.layers.dense(3, { name: 'd' })], { inputShape: [2], seed: 4 });
  try {
    lin.compile({ optimizer: 'sgd', loss: 'mse' });
    pg.scope(() => {
      const bad = lin.probe(pg.tensor([[Infinity, 0], [NaN, 1]]), pg.tensor([[1, 1, 1], [0, 0, 0]]));
      assert.equal(bad.loss, null);
      for (const k of ['mean', 'std', 'min', 'max']) assert.equal(bad.layers[0].output[k], null, k);
      assert.equal(bad.layers[0].output.nonFinite, 6);
    });
  } finally {
    lin.dispose();
  }
});

test('a layer: its options checked when it is made, copied, its full config read when asked for', () => {
  assert.throws(() => pg.layers.dense({ units: 0 }), /Dense: units must be >= 1/);
  assert.throws(() => pg.layers.dense({ units: 3, activation: 'nope' }), /Dense/);
  assert.throws(() => pg.layers.dense({ units: 3, alpha: NaN }), /Dense: alpha must be a finite number, got NaN/);
  const o = { units: 3, kernelInitializer: { name: 'normal', std: 0.5 } };
  const d = pg.layers.dense(o);
  o.units = 7;
  o.kernelInitializer.std = 9;  // later changes to the options object do not reach the layer
  assert.equal(d.config.units, 3);
  assert.equal(d.config.activation, 'linear');  // a default, from the core
  assert.equal(d.config.useBias, true);
  const m = pg.sequential([d], { inputShape: [2], seed: 1 });
  try {
    assert.deepEqual(m.spec.layers[0].config, d.config);  // the spec shows the full config
    assert.deepEqual(m.outputShapes, [[3]]);
    const k = pg.scope(() => Array.from(m.weights()['dense/kernel'].toArray()));
    assert.ok(Math.max(...k.map(Math.abs)) < 5 * 0.5, 'drawn with std 0.5, not 9');
    // The same model from the full configs: the same weights.
    const again = pg.model({ spec: m.spec, seed: 1 });
    try {
      assert.deepEqual(pg.scope(() => Array.from(again.weights()['dense/kernel'].toArray())), k);
    } finally {
      again.dispose();
    }
  } finally {
    m.dispose();
  }
});

test('options: NaN or Infinity anywhere is refused, naming the key (nested objects and arrays included)', () => {
  const w = pg.tensor([1, 2], undefined, { requiresGrad: true });
  try {
    assert.throws(() => pg.optim.adam([w], { lr: NaN }), /adam: lr must be a finite number, got NaN/);
    assert.throws(() => pg.optim.adam([w], { lr: 0.1, epsilon: -Infinity }), /adam: epsilon must be a finite number, got -Infinity/);
    assert.throws(() => pg.layers.dense({ units: 2, kernelInitializer: { name: 'normal', std: Infinity } }), /Dense: std must be a finite number, got Infinity/);
    assert.throws(() => pg.model({ spec: { layers: [{ kind: 'Dense', name: 'd', config: { units: 2, alpha: [1, -Infinity] } }] } }),
      /model: 1 must be a finite number, got -Infinity/);  // an array item: its index names it
    const opt = pg.optim.adam([w], { lr: 0.1, beta1: 0.8 });
    assert.ok(Math.abs(opt.config.beta1 - 0.8) < 1e-6, 'finite options pass through unchanged');
    opt.dispose();
  } finally {
    w.dispose();
  }
});
