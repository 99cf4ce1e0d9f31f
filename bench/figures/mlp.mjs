// One training step (forward, backward, Adam) of a 2-16-16-1 tanh MLP on a batch of 256 with the
// mean squared error, called from JavaScript. Every implementation starts from the same weights
// (the core's seeded Glorot init, copied to the peers) and the same data (x = rand([256, 2], seed
// 61, -1..1), y = rand([256, 1], seed 62, -1..1)), Adam lr 0.01, β 0.9/0.999, ε 1e-8. The checked
// result is [loss before the step, every weight after one step from the initial weights]
// (kernel [in, out] row-major, then bias, layer by layer).
//   core             pg.denseChainTrainer(model).step(x, y): the fused step in C++ (core/src/nn/dense_chain_trainer.cpp)
//   second row core  model.trainOnBatch(x, y): the unfused path (autograd graph + pg.optim's Adam)
//   third row core   the step written with the public ops, one JS call per op, as a custom loop
//                    would: pg.scope(() => { opt.zeroGrad(); h1 = tanh(add(matmul(x, W1), b1));
//                    ...; loss = pg.losses.mse(p, y); loss.backward(); opt.step(); }) with
//                    opt = pg.optim.adam(weights): the per-op cost (a JS call, a Tensor, a graph
//                    node) against tfjs-wasm's (a kernel dispatch per op), both from JavaScript
//   tfjs-wasm/-cpu   tf.train.adam(...).minimize(() => mean((mlp(x) - y)²), false, vars)
//   ConvNetJS 0.3    its Net (fc-tanh-fc-tanh-fc-regression) for forward/backward, one sample at a
//                    time as its Trainer does; npm's convnetjs 0.3 Trainer has no Adam (sgd,
//                    adagrad, adadelta, windowgrad), so the Adam update is written here over
//                    net.getParamsAndGrads(), with the gradient of the mean squared error,
//                    2/N · Σ dw (its regression layer's dw is p - y, the gradient of ½(p - y)²).
import { createRequire } from 'node:module';

import { core, tfjs } from '../lib/peers.mjs';

const require = createRequire(import.meta.url);
const N = 256, LR = 0.01, B1 = 0.9, B2 = 0.999, EPS = 1e-8;

function cat(arrays) {
  const out = new Float32Array(arrays.reduce((s, a) => s + a.length, 0));
  let o = 0;
  for (const a of arrays) { out.set(a, o); o += a.length; }
  return out;
}

async function coreMlp(fused) {
  const pg = await core();
  const x = pg.rand([N, 2], 61, -1, 1), y = pg.rand([N, 1], 62, -1, 1);
  const make = () => {
    const m = pg.sequential([pg.layers.dense(16, { activation: 'tanh' }), pg.layers.dense(16, { activation: 'tanh' }),
      pg.layers.dense(1)], { inputShape: [2], seed: 5 });
    m.compile({ optimizer: { kind: 'adam', lr: LR, beta1: B1, beta2: B2, epsilon: EPS }, loss: 'mse' });
    return { m, t: fused ? pg.denseChainTrainer(m) : null };
  };
  const step = ({ m, t }) => (fused ? t.step(x, y) : m.trainOnBatch(x, y));
  const weights = (m) => pg.scope(() => m.parameters().map((p) => ({ data: p.toArray(), shape: p.shape })));
  let cur = make();
  const init = weights(cur.m);
  return {
    run: () => step(cur),
    result: () => {
      const fresh = make();
      const loss = step(fresh);
      const r = cat([[loss], ...weights(fresh.m).map((w) => w.data)]);
      fresh.t?.dispose();
      fresh.m.dispose();
      return r;
    },
    init,
    data: { x: x.toArray(), y: y.toArray() },
    dispose: () => { cur.t?.dispose(); cur.m.dispose(); x.dispose(); y.dispose(); },
  };
}

// The same step with the public ops on weights made from the model's initial ones.
async function coreOpsMlp() {
  const pg = await core();
  const x = pg.rand([N, 2], 61, -1, 1), y = pg.rand([N, 1], 62, -1, 1);
  const m = pg.sequential([pg.layers.dense(16, { activation: 'tanh' }), pg.layers.dense(16, { activation: 'tanh' }),
    pg.layers.dense(1)], { inputShape: [2], seed: 5 });
  const init = pg.scope(() => m.parameters().map((p) => ({ data: p.toArray(), shape: p.shape })));
  m.dispose();
  const make = () => {
    const w = init.map(({ data, shape }) => pg.tensor(data, shape, { requiresGrad: true }));
    return { w, opt: pg.optim.adam(w, { lr: LR, beta1: B1, beta2: B2, epsilon: EPS }) };
  };
  const step = ({ w: [W1, b1, W2, b2, W3, b3], opt }) => pg.scope(() => {
    opt.zeroGrad();
    const h1 = pg.tanh(pg.add(pg.matmul(x, W1), b1));
    const h2 = pg.tanh(pg.add(pg.matmul(h1, W2), b2));
    const loss = pg.losses.mse(pg.add(pg.matmul(h2, W3), b3), y);
    loss.backward();
    opt.step();
    return loss;
  });
  const free = (s) => { s.opt.dispose(); s.w.forEach((t) => t.dispose()); };
  const cur = make();
  return {
    run: () => step(cur).dispose(),
    result: () => {
      const s = make();
      const loss = step(s);
      const r = cat([[loss.item()], ...s.w.map((t) => t.toArray())]);
      loss.dispose();
      free(s);
      return r;
    },
    init,
    data: { x: x.toArray(), y: y.toArray() },
    dispose: () => { free(cur); x.dispose(); y.dispose(); },
  };
}

async function tfjsMlp(backend, init, data) {
  const tf = await tfjs(backend);
  const x = tf.tensor(data.x, [N, 2]), y = tf.tensor(data.y, [N, 1]);
  const make = () => ({
    vars: init.map(({ data: d, shape }) => tf.variable(tf.tensor(d, shape))),
    opt: tf.train.adam(LR, B1, B2, EPS),
  });
  const lossOf = (v) => () => {
    const h1 = tf.tanh(tf.add(tf.matMul(x, v[0]), v[1]));
    const h2 = tf.tanh(tf.add(tf.matMul(h1, v[2]), v[3]));
    const p = tf.add(tf.matMul(h2, v[4]), v[5]);
    return tf.mean(tf.square(tf.sub(p, y)));
  };
  const free = (s) => { s.opt.dispose(); tf.dispose(s.vars); };
  const cur = make();
  const f = lossOf(cur.vars);
  return {
    activate: () => tfjs(backend),
    run: () => cur.opt.minimize(f, false, cur.vars),
    result: () => {
      const s = make();
      const c = s.opt.minimize(lossOf(s.vars), true, s.vars);
      const r = cat([c.dataSync(), ...s.vars.map((v) => v.dataSync())]);
      c.dispose();
      free(s);
      return r;
    },
    dispose: () => { free(cur); tf.dispose([x, y]); },
  };
}

function convnetMlp(init, data) {
  const convnetjs = require('convnetjs');
  const xs = [], ys = [];
  for (let i = 0; i < N; i++) {
    const v = new convnetjs.Vol(1, 1, 2, 0);
    v.w[0] = data.x[2 * i];
    v.w[1] = data.x[2 * i + 1];
    xs.push(v);
    ys.push([data.y[i]]);
  }
  const make = () => {
    const net = new convnetjs.Net();
    net.makeLayers([
      { type: 'input', out_sx: 1, out_sy: 1, out_depth: 2 },
      { type: 'fc', num_neurons: 16, activation: 'tanh' },
      { type: 'fc', num_neurons: 16, activation: 'tanh' },
      { type: 'regression', num_neurons: 1 },
    ]);
    const fcs = net.layers.filter((l) => l.layer_type === 'fc');
    fcs.forEach((l, k) => {  // core kernel [in, out] -> ConvNetJS filters[out].w[in]
      const W = init[2 * k], b = init[2 * k + 1];
      const [nin, nout] = W.shape;
      for (let j = 0; j < nout; j++) {
        for (let i = 0; i < nin; i++) l.filters[j].w[i] = W.data[i * nout + j];
        l.biases.w[j] = b.data[j];
      }
    });
    const pgs = net.getParamsAndGrads();
    return { net, fcs, pgs, m: pgs.map((p) => new Float64Array(p.params.length)), v: pgs.map((p) => new Float64Array(p.params.length)), t: 0 };
  };
  const step = (s) => {
    let loss = 0;
    for (let i = 0; i < N; i++) {
      const out = s.net.forward(xs[i], true);
      const d = out.w[0] - ys[i][0];
      loss += d * d;
      s.net.backward(ys[i]);
    }
    s.t += 1;
    const bc1 = 1 - B1 ** s.t, bc2 = Math.sqrt(1 - B2 ** s.t), g2 = 2 / N;
    s.pgs.forEach((pgr, k) => {
      const p = pgr.params, g = pgr.grads, m = s.m[k], v = s.v[k];
      for (let j = 0; j < p.length; j++) {
        const gj = g2 * g[j];
        m[j] = B1 * m[j] + (1 - B1) * gj;
        v[j] = B2 * v[j] + (1 - B2) * gj * gj;
        p[j] -= (LR / bc1) * m[j] / (Math.sqrt(v[j]) / bc2 + EPS);
        g[j] = 0;
      }
    });
    return loss / N;
  };
  const cur = make();
  return {
    run: () => step(cur),
    result: () => {
      const s = make();
      const loss = step(s);
      const parts = [[loss]];
      for (const l of s.fcs) {
        const nout = l.filters.length, nin = l.filters[0].w.length;
        const W = new Float32Array(nin * nout);
        for (let j = 0; j < nout; j++) for (let i = 0; i < nin; i++) W[i * nout + j] = l.filters[j].w[i];
        parts.push(W, Float32Array.from(l.biases.w));
      }
      return cat(parts);
    },
  };
}

function mlpCase(id, kind, targets) {
  let c;
  return {
    id,
    unit: 'ms',
    // Adam's first step is lr·m̂/(√v̂ + ε) ≈ ±lr per weight: a gradient off in its last bits (float
    // sums in another order; ConvNetJS in double) moves a weight by far less than 1e-5.
    tolerance: 1e-5,
    impls: {
      core: async () => { c = kind === 'ops' ? await coreOpsMlp() : await coreMlp(kind === 'fused'); return c; },
      'tfjs-wasm': () => tfjsMlp('wasm', c.init, c.data),
      'tfjs-cpu': () => tfjsMlp('cpu', c.init, c.data),
      convnetjs: () => convnetMlp(c.init, c.data),
    },
    targets,
  };
}

export default {
  name: 'mlp',
  order: 60,
  async cases() {
    return [
      mlpCase('MLP 2-16-16-1 tanh, batch 256, Adam step (pg.denseChainTrainer)', 'fused',
        [{ text: '≥ 10× tfjs-wasm', vs: ['tfjs-wasm'], ratio: 10 }]),
      mlpCase('MLP step, the same through model.trainOnBatch (unfused)', 'model', []),
      mlpCase('MLP step, the same written with the public ops (matmul, add, tanh, losses.mse, backward, optim.adam)', 'ops',
        [{ text: '≥ 10× tfjs-wasm', vs: ['tfjs-wasm'], ratio: 10 }]),
    ];
  },
};
