// The tuning lesson (lessons/tuning): one trial, and the lesson's default race.
//
// Trial: one execution of one trial as the race trains it: 196 → 32 relu → 10 softmax with L2
// 1e-4 on every kernel, SGD lr 0.05 with momentum 0.9, sparse categorical cross-entropy; one epoch
// over 600 14 × 14 MNIST digits (web/lib/mnist-digits.bin) in batches of 32, then the accuracy
// on the 600 held-out digits:
//   core        lessons/tuning's buildModel() and model.fit() on each batch (the divergence
//               guard on every step, as the session), then model.evaluate();
//   tfjs-wasm/-cpu  tf.sequential with the same layers, the core's initial weights (setWeights),
//               tf.regularizers.l2, tf.train.momentum(0.05, 0.9) (accum = 0.9·accum + g,
//               w −= lr·accum: Keras' SGD(momentum) for a constant lr) and
//               sparseCategoricalCrossentropy; model.fit on the same batches in the same order
//               (shuffle: false), then evaluate().
// The checked result is the held-out predictions after the epoch.
//
// Race: lesson.session() with the default settings (grid, random search and successive halving,
// 9 trials × 3 epochs × 2 executions each, 600 digits) run to the end, once; the figure is its
// wall time in seconds (target: under a minute). Its best scores are in latest.json.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { core, root, tfjs } from '../lib/peers.mjs';

const CFG = { lr: 0.05, l2: 1e-4, layers: 1, units: 32, activation: 'relu', batchNorm: false };
const N = 600;
const BATCH = 32;

async function modules() {
  const L = await import(pathToFileURL(join(root, 'lessons/tuning/lesson.mjs')));
  const D = await import(pathToFileURL(join(root, 'lessons/digits-data.mjs')));
  const { defaults } = await import(pathToFileURL(join(root, 'lessons/settings.mjs')));
  return { L, D, state: defaults(L.settings) };
}

let shared = null; // the digits, the batch order and the core's initial weights, for the peers

async function coreTrial() {
  const pg = await core();
  const { L, D, state } = await modules();
  const d = D.digitsNow();
  const px = d.side * d.side;
  const x = Float32Array.from(d.pixels.subarray(0, N * px), (v) => v / 255);
  const y = Float32Array.from(d.labels.subarray(0, N));
  const vx = Float32Array.from(d.pixels.subarray((d.count - N) * px), (v) => v / 255);
  const vy = Float32Array.from(d.labels.subarray(d.count - N));
  const order = pg.data.permutation(N, 1);
  const batches = [];
  for (let s = 0; s < N; s += BATCH) {
    const idx = order.subarray(s, Math.min(N, s + BATCH));
    const xb = new Float32Array(idx.length * px);
    const yb = new Float32Array(idx.length);
    idx.forEach((k, i) => { xb.set(x.subarray(k * px, (k + 1) * px), i * px); yb[i] = y[k]; });
    batches.push({ xb, yb, n: idx.length });
  }
  const xVal = pg.tensor(vx, [N, px]);
  const yVal = pg.tensor(vy, [N]);
  const trial = () => {
    const m = L.buildModel(pg, state, CFG, 7);
    for (const b of batches) pg.scope(() => m.fit(pg.tensor(b.xb, [b.n, px]), pg.tensor(b.yb, [b.n]), { epochs: 1, batchSize: b.n, shuffle: false }));
    const acc = m.evaluate(xVal, yVal, { batchSize: N }).accuracy;
    return { m, acc };
  };
  const first = L.buildModel(pg, state, CFG, 7);
  shared = { px, x, y, vx, vy, order: Int32Array.from(order), weights: pg.scope(() => first.parameters().map((p) => ({ data: p.toArray(), shape: p.shape }))) };
  first.dispose();
  return {
    run: () => { trial().m.dispose(); },
    result: () => {
      const { m } = trial();
      const p = pg.scope(() => m.predict(xVal, { batchSize: N }).toArray());
      m.dispose();
      return p;
    },
    dispose: () => { xVal.dispose(); yVal.dispose(); },
  };
}

async function tfjsTrial(backend) {
  const tf = await tfjs(backend);
  const { px } = shared;
  const reg = () => tf.regularizers.l2({ l2: CFG.l2 });
  const model = tf.sequential({ layers: [
    tf.layers.dense({ units: CFG.units, activation: 'relu', inputShape: [px], kernelRegularizer: reg() }),
    tf.layers.dense({ units: 10, activation: 'softmax', kernelRegularizer: reg() }),
  ] });
  const start = () => {
    model.setWeights(shared.weights.map((w) => tf.tensor(w.data, w.shape)));
    model.compile({ optimizer: tf.train.momentum(CFG.lr, 0.9), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  };
  const order = tf.tensor1d(shared.order, 'int32');
  const x = tf.tensor(shared.x, [N, px]);
  const y = tf.tensor(shared.y, [N]);
  const xs = tf.gather(x, order);
  const ys = tf.gather(y, order);
  const vx = tf.tensor(shared.vx, [N, px]);
  const vy = tf.tensor(shared.vy, [N]);
  const trial = async () => {
    start();
    await model.fit(xs, ys, { batchSize: BATCH, epochs: 1, shuffle: false, verbose: 0 });
    const r = model.evaluate(vx, vy, { batchSize: N });
    (Array.isArray(r) ? r : [r]).forEach((t) => t.dispose());
  };
  return {
    async: true,
    activate: () => tfjs(backend),
    run: trial,
    result: async () => {
      await trial();
      const p = model.predict(vx);
      const out = Float32Array.from(p.dataSync());
      p.dispose();
      return out;
    },
    dispose: () => { [order, x, y, xs, ys, vx, vy].forEach((t) => t.dispose()); model.dispose(); },
  };
}

async function defaultRace() {
  const pg = await core();
  const { L, state } = await modules();
  const t0 = performance.now();
  const s = L.session(pg, state);
  let steps = 0;
  while (!s.done) { s.step(); steps += 1; }
  const seconds = (performance.now() - t0) / 1000;
  const r = s.result();
  s.dispose();
  const best = Object.fromEntries(Object.entries(r.strategies).map(([n, st]) => [n, { best: st.best?.score ?? null, spent: st.spent, configurations: st.trials.length }]));
  return { value: seconds, steps, best };
}

export default {
  name: 'tuning',
  threads: true, // threads on/off rows (bench/run.mjs)
  order: 78,
  async cases() {
    return [{
      id: 'tuning trial: 196→32→10 on 600 MNIST digits, one epoch of batch 32 (SGD momentum, L2) + evaluate 600',
      unit: 'ms',
      tolerance: 1e-3, // the held-out probabilities after one epoch from the same weights
      impls: {
        core: coreTrial,
        'tfjs-wasm': () => tfjsTrial('wasm'),
        'tfjs-cpu': () => tfjsTrial('cpu'),
      },
      targets: [{ text: 'faster than tfjs', vs: ['tfjs-wasm', 'tfjs-cpu'], ratio: 1 }],
    }, {
      id: 'tuning: the default race to the end (3 strategies × 9 trials × 3 epochs × 2 executions)',
      unit: 's',
      measure: defaultRace,
      targets: [{ text: '< 60 s', max: 60 }],
    }];
  },
};
