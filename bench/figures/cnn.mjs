// A small CNN training step, built from the core's ops and pg.optim directly:
//   x [32, 28, 28, 1] -> conv 3×3×1×8 'same' + b, relu -> maxPool 2 -> conv 3×3×8×16 'same' + b,
//   relu -> maxPool 2 -> reshape [32, 784] -> matmul [784, 10] + b -> logits
//   loss = mean over the batch of the softmax cross-entropy with integer labels
// Inputs: x = rand([32, 28, 28, 1], seed 71, 0..1), labels (7i + 3) mod 10, weights
// rand(shape, seed 72.., ±√(6 / (fan_in + fan_out))), biases 0; Adam lr 1e-3, ε 1e-8.
//   The fused rows run the same net with each convolution, its bias, its ReLU and the max pool
//   after it as one op: pg.conv2d(x, w, { bias, activation: 'relu', maxPool: true }) (one pass,
//   one graph node; what a Conv2D layer followed by a MaxPooling2D layer runs), against
//   tf.fused.conv2d, TensorFlow.js's own fused op (what tf.layers.conv2d runs), and tf.maxPool.
//   forward row:   the loss (tfjs-wasm has the forward ops)
//   step row:      forward, backward, one Adam step; the checked result is [loss, every weight
//                  after one step from the initial weights]; against tfjs-cpu only, since
//                  tfjs-wasm 4.22 has no conv2d backward kernels (Conv2DBackpropFilter/Input).
//
// The cnn lesson's figures (lessons/cnn/lesson.mjs):
//   lesson step:   its default network (conv 3×3×8 'same' relu, max-pool 2, conv 3×3×16 'same'
//                  relu, max-pool 2, flatten, dense 64 relu, dense 10 softmax), one Adam step
//                  (lr 0.002, ε 1e-8 on √v̂: the PyTorch convention, which TensorFlow.js's Adam
//                  and the ConvNetJS update below share) on a batch of 32 real 14 × 14 digits,
//                  as the lesson trains (model.fit on one batch); images/s = 32 / the time. Peers
//                  on the same net from the same initial weights: tfjs-cpu (its ops, minimize) and
//                  ConvNetJS 0.3 (its Net forward/backward per image, the Adam update written over
//                  getParamsAndGrads() as in figures/mlp.mjs). The checked result is the loss and
//                  every weight after one step. Target: >= 5× ConvNetJS.
//   draw update:   what the training worker does when a digit is drawn: the core prepares the
//                  112 × 112 drawing (pg.vision.prepareDigit) and the snapshot runs it through every
//                  layer (feature maps, filters, the pooling gradient). Target: < 16 ms (one frame).
import { createRequire } from 'node:module';

import { core, tfjs } from '../lib/peers.mjs';
import { median } from '../lib/timing.mjs';
import * as lesson from '../../lessons/cnn/lesson.mjs';
import { digitsNow } from '../../lessons/digits-data.mjs';
import { defaults } from '../../lessons/settings.mjs';

const require = createRequire(import.meta.url);

const B = 32;
const SHAPES = [[3, 3, 1, 8], [8], [3, 3, 8, 16], [16], [784, 10], [10]];
const LABELS = Array.from({ length: B }, (_, i) => (7 * i + 3) % 10);

function cat(arrays) {
  const out = new Float32Array(arrays.reduce((s, a) => s + a.length, 0));
  let o = 0;
  for (const a of arrays) { out.set(a, o); o += a.length; }
  return out;
}

async function coreCnn(train, fused = false) {
  const pg = await core();
  const x = pg.rand([B, 28, 28, 1], 71, 0, 1);
  const makeParams = () => SHAPES.map((s, k) => {
    let t;
    if (s.length === 1) t = pg.zeros(s);
    else {
      const fanIn = s.slice(0, -1).reduce((a, b) => a * b, 1), fanOut = s.length === 4 ? s[0] * s[1] * s[3] : s[1];
      const a = Math.sqrt(6 / (fanIn + fanOut));
      t = pg.rand(s, 72 + k, -a, a);
    }
    t.requiresGrad = true;
    return t;
  });
  const block = fused
    ? (h, w, b) => pg.conv2d(h, w, { padding: 'same', bias: b, activation: 'relu', maxPool: true })
    : (h, w, b) => pg.maxPool2d(pg.relu(pg.add(pg.conv2d(h, w, { padding: 'same' }), b)));
  const forward = (p) => {
    let h = block(x, p[0], p[1]);
    h = block(h, p[2], p[3]);
    const logits = pg.add(pg.matmul(pg.reshape(h, [B, 784]), p[4]), p[5]);
    return pg.losses.sparseCategoricalCrossEntropy(logits, LABELS, { fromLogits: true });
  };
  const make = () => {
    const p = makeParams();
    return { p, opt: pg.optim.adam(p, { lr: 1e-3, epsilon: 1e-8 }) };
  };
  const step = (s) => {
    s.opt.zeroGrad();
    const loss = pg.scope(() => {
      const l = forward(s.p);
      l.backward();
      return 0;  // no read-back while timing (tfjs's minimize(f, false) does not read either)
    });
    s.opt.step();
    return loss;
  };
  const free = (s) => { s.opt.dispose(); s.p.forEach((t) => t.dispose()); };
  const cur = make();
  const init = cur.p.map((t) => ({ data: t.toArray(), shape: t.shape }));
  return {
    run: train ? () => step(cur) : () => pg.scope(() => { forward(cur.p); }),
    result: train
      ? () => {
        const s = make();
        s.opt.zeroGrad();
        const loss = pg.scope(() => { const l = forward(s.p); l.backward(); return l.item(); });
        s.opt.step();
        const r = cat([[loss], ...s.p.map((t) => t.toArray())]);
        free(s);
        return r;
      }
      : () => pg.scope(() => Float32Array.of(forward(cur.p).item())),
    init,
    x: { data: x.toArray(), shape: x.shape },
    dispose: () => { free(cur); x.dispose(); },
  };
}

async function tfjsCnn(backend, train, init, xin, fused = false) {
  const tf = await tfjs(backend);
  const x = tf.tensor(xin.data, xin.shape);
  const y = tf.oneHot(tf.tensor1d(LABELS, 'int32'), 10);
  const make = () => ({ v: init.map(({ data, shape }) => tf.variable(tf.tensor(data, shape))), opt: tf.train.adam(1e-3, 0.9, 0.999, 1e-8) });
  const conv = fused
    ? (h, w, b) => tf.fused.conv2d({ x: h, filter: w, strides: 1, pad: 'same', bias: b, activation: 'relu' })
    : (h, w, b) => tf.relu(tf.add(tf.conv2d(h, w, 1, 'same'), b));
  const forward = (p) => () => {
    let h = tf.maxPool(conv(x, p[0], p[1]), 2, 2, 'valid');
    h = tf.maxPool(conv(h, p[2], p[3]), 2, 2, 'valid');
    const logits = tf.add(tf.matMul(tf.reshape(h, [B, 784]), p[4]), p[5]);
    return tf.losses.softmaxCrossEntropy(y, logits);
  };
  const free = (s) => { s.opt.dispose(); tf.dispose(s.v); };
  const cur = make();
  const f = forward(cur.v);
  return {
    activate: () => tfjs(backend),
    run: train ? () => cur.opt.minimize(f, false, cur.v) : () => tf.tidy(f).dispose(),
    result: train
      ? () => {
        const s = make();
        const c = s.opt.minimize(forward(s.v), true, s.v);
        const r = cat([c.dataSync(), ...s.v.map((t) => t.dataSync())]);
        c.dispose();
        free(s);
        return r;
      }
      : () => {
        const l = tf.tidy(f);
        const r = Float32Array.from(l.dataSync());
        l.dispose();
        return r;
      },
    dispose: () => { free(cur); tf.dispose([x, y]); },
  };
}

// ---- the cnn lesson's default net ---------------------------------------------------------------

const LR = 0.002, B1 = 0.9, B2 = 0.999, EPS = 1e-8;
const lessonState = () => ({ ...defaults(lesson.settings), convention: 'pytorch' });

function lessonBatch() {
  const d = digitsNow({ more: true });
  const x = new Float32Array(B * 196);
  for (let i = 0; i < B * 196; i++) x[i] = d.pixels[i] / 255;
  return { x, y: Array.from(d.labels.subarray(0, B)) };
}

async function coreLesson() {
  const pg = await core();
  const data = lessonBatch();
  const make = () => lesson.buildModel(pg, lessonState());
  const x = pg.tensor(data.x, [B, 14, 14, 1]), y = pg.tensor(data.y, [B]);
  const step = (m) => m.fit(x, y, { epochs: 1, batchSize: B, shuffle: false }).history.loss[0];
  const weightsOf = (m) => Object.values(m.weights()).map((t) => { const r = { data: t.toArray(), shape: t.shape }; t.dispose(); return r; });
  const cur = make();
  const init = weightsOf(cur);
  return {
    run: () => step(cur),
    result: () => {
      const m = make();
      const loss = step(m);
      const r = cat([[loss], ...weightsOf(m).map((w) => w.data)]);
      m.dispose();
      return r;
    },
    init,
    data,
    dispose: () => { cur.dispose(); x.dispose(); y.dispose(); },
  };
}

// init: [conv1 kernel, bias, conv2 kernel, bias, dense kernel, bias, output kernel, bias]
async function tfjsLesson(init, data) {
  const tf = await tfjs('cpu');
  const x = tf.tensor(data.x, [B, 14, 14, 1]);
  const y = tf.oneHot(tf.tensor1d(data.y, 'int32'), 10);
  const make = () => ({ v: init.map(({ data: w, shape }) => tf.variable(tf.tensor(w, shape))), opt: tf.train.adam(LR, B1, B2, EPS) });
  const forward = (p) => () => {
    let h = tf.maxPool(tf.relu(tf.add(tf.conv2d(x, p[0], 1, 'same'), p[1])), 2, 2, 'valid');
    h = tf.maxPool(tf.relu(tf.add(tf.conv2d(h, p[2], 1, 'same'), p[3])), 2, 2, 'valid');
    h = tf.relu(tf.add(tf.matMul(tf.reshape(h, [B, 144]), p[4]), p[5]));
    return tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(h, p[6]), p[7]));
  };
  const free = (s) => { s.opt.dispose(); tf.dispose(s.v); };
  const cur = make();
  const f = forward(cur.v);
  return {
    activate: () => tfjs('cpu'),
    run: () => cur.opt.minimize(f, false, cur.v),
    result: () => {
      const s = make();
      const c = s.opt.minimize(forward(s.v), true, s.v);
      const r = cat([c.dataSync(), ...s.v.map((t) => t.dataSync())]);
      c.dispose();
      free(s);
      return r;
    },
    dispose: () => { free(cur); tf.dispose([x, y]); },
  };
}

function convnetLesson(init, data) {
  const convnetjs = require('convnetjs');
  const xs = [];
  for (let i = 0; i < B; i++) {
    const v = new convnetjs.Vol(14, 14, 1, 0);
    for (let k = 0; k < 196; k++) v.w[k] = data.x[i * 196 + k];
    xs.push(v);
  }
  const make = () => {
    const net = new convnetjs.Net();
    net.makeLayers([
      { type: 'input', out_sx: 14, out_sy: 14, out_depth: 1 },
      { type: 'conv', sx: 3, filters: 8, stride: 1, pad: 1, activation: 'relu' },
      { type: 'pool', sx: 2, stride: 2 },
      { type: 'conv', sx: 3, filters: 16, stride: 1, pad: 1, activation: 'relu' },
      { type: 'pool', sx: 2, stride: 2 },
      { type: 'fc', num_neurons: 64, activation: 'relu' },
      { type: 'softmax', num_classes: 10 },
    ]);
    // Core kernels: conv [kh, kw, cin, cout] -> filters[cout].w[(kh·sx + kw)·cin + cin] (the same
    // row-major order); dense [in, out] -> filters[out].w[in]; the flatten order (y, x, c) is ConvNetJS's Vol order too.
    const layers = net.layers.filter((l) => l.layer_type === 'conv' || l.layer_type === 'fc');
    layers.forEach((l, k) => {
      const W = init[2 * k], b = init[2 * k + 1];
      const nout = W.shape.at(-1), nin = W.data.length / nout;
      for (let j = 0; j < nout; j++) {
        for (let i = 0; i < nin; i++) l.filters[j].w[i] = W.data[i * nout + j];
        l.biases.w[j] = b.data[j];
      }
    });
    const pgs = net.getParamsAndGrads();
    return { net, layers, pgs, m: pgs.map((p) => new Float64Array(p.params.length)), v: pgs.map((p) => new Float64Array(p.params.length)), t: 0 };
  };
  const step = (s) => {
    let loss = 0;
    for (let i = 0; i < B; i++) {
      s.net.forward(xs[i], true);
      loss += s.net.backward(data.y[i]);
    }
    s.t += 1;
    const bc1 = 1 - B1 ** s.t, bc2 = Math.sqrt(1 - B2 ** s.t);
    s.pgs.forEach((pgr, k) => {
      const p = pgr.params, g = pgr.grads, m = s.m[k], v = s.v[k];
      for (let j = 0; j < p.length; j++) {
        const gj = g[j] / B; // the mean loss over the batch
        m[j] = B1 * m[j] + (1 - B1) * gj;
        v[j] = B2 * v[j] + (1 - B2) * gj * gj;
        p[j] -= (LR / bc1) * m[j] / (Math.sqrt(v[j]) / bc2 + EPS);
        g[j] = 0;
      }
    });
    return loss / B;
  };
  const cur = make();
  return {
    run: () => step(cur),
    result: () => {
      const s = make();
      const loss = step(s);
      const parts = [[loss]];
      for (const l of s.layers) {
        const nout = l.filters.length, nin = l.filters[0].w.length;
        const W = new Float32Array(nin * nout);
        for (let j = 0; j < nout; j++) for (let i = 0; i < nin; i++) W[i * nout + j] = l.filters[j].w[i];
        parts.push(W, Float32Array.from(l.biases.w));
      }
      return cat(parts);
    },
  };
}

// The worker's work after a drawing: prepare it and take the snapshot the view draws.
async function measureDraw() {
  const pg = await core();
  const s = lesson.session(pg, { ...defaults(lesson.settings) });
  s.step(); // the data loaded and one batch trained
  const side = 112;
  const drawing = new Float32Array(side * side);
  for (let y = 14; y < 98; y++) for (let x = 50; x < 62; x++) drawing[y * side + x] = 1; // a '1'
  for (let x = 40; x < 62; x++) for (let y = 14; y < 22; y++) drawing[y * side + x] = 1;
  const frame = () => {
    s.command('draw', { data: drawing, height: side, width: side });
    return s.snapshot();
  };
  for (let i = 0; i < 5; i++) frame();
  const samples = [];
  let snap;
  for (let i = 0; i < 31; i++) {
    const t0 = performance.now();
    snap = frame();
    samples.push(performance.now() - t0);
  }
  s.dispose();
  return { value: median(samples), min_ms: Math.min(...samples), samples_ms: samples, maps: snap.maps.map((m) => m.name), probs: snap.probs };
}

export default {
  name: 'cnn',
  threads: true, // threads on/off rows (bench/run.mjs)
  order: 65,
  async cases() {
    let c, d, e, cf, df;
    return [
      {
        id: 'small CNN forward (loss), batch 32 of 28×28×1',
        unit: 'ms',
        tolerance: 1e-5,
        impls: {
          core: async () => { c = await coreCnn(false); return c; },
          'tfjs-wasm': () => tfjsCnn('wasm', false, c.init, c.x),
          'tfjs-cpu': () => tfjsCnn('cpu', false, c.init, c.x),
        },
        targets: [],  // no target is set for the CNN: the ratios are the figure
      },
      {
        id: 'small CNN training step (forward, backward, Adam)',
        threadsTarget: 1.7,
        unit: 'ms',
        tolerance: 1e-5,
        impls: {
          core: async () => { d = await coreCnn(true); return d; },
          'tfjs-cpu': () => tfjsCnn('cpu', true, d.init, d.x),
        },
        targets: [],
      },
      {
        id: 'small CNN forward (loss), conv + bias + ReLU + max pool fused',
        unit: 'ms',
        tolerance: 1e-5,
        impls: {
          core: async () => { cf = await coreCnn(false, true); return cf; },
          'tfjs-wasm': () => tfjsCnn('wasm', false, cf.init, cf.x, true),
          'tfjs-cpu': () => tfjsCnn('cpu', false, cf.init, cf.x, true),
        },
        targets: [],
      },
      {
        id: 'small CNN training step, conv + bias + ReLU + max pool fused (forward, backward, Adam)',
        threadsTarget: 1.7,
        unit: 'ms',
        tolerance: 1e-5,
        impls: {
          core: async () => { df = await coreCnn(true, true); return df; },
          'tfjs-cpu': () => tfjsCnn('cpu', true, df.init, df.x, true),
        },
        targets: [],
      },
      {
        id: 'cnn lesson: one Adam step of its default net on 32 digits (images/s = 32 000 / ms)',
        unit: 'ms',
        tolerance: 1e-4,
        impls: {
          core: async () => { e = await coreLesson(); return e; },
          'tfjs-cpu': () => tfjsLesson(e.init, e.data),
          convnetjs: () => convnetLesson(e.init, e.data),
        },
        targets: [{ text: '≥ 5× ConvNetJS', vs: ['convnetjs'], ratio: 5 }],
      },
      {
        id: 'cnn lesson: every feature map after a drawing (prepareDigit + snapshot)',
        unit: 'ms',
        measure: measureDraw,
        targets: [{ text: '< 16 ms', max: 16 }],
      },
    ];
  },
};
