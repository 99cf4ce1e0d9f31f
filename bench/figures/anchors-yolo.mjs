// The anchors-yolo lesson's figures (lessons/anchors-yolo/lesson.mjs):
//   detector step:   one training step of its default detector (conv 3×3×1×8 'same' relu, max-pool
//                    2, conv 3×3×8×16 'same' relu, max-pool 2, conv 3×3×16×16 'same' relu, max-pool
//                    2, 1×1 conv to 2 anchors × (5 + 3): a 4 × 4 grid) on 8 synthetic 32 × 32
//                    scenes (pg.vision.syntheticScenes, seed 1), the YOLO loss's four terms
//                    (pg.vision.yoloLoss, λcoord 5, λnoobj 0.5), backward and one Adam step (lr 0.005,
//                    ε 1e-8 on √v̂: the PyTorch convention, which TensorFlow.js's Adam shares). The
//                    peer: tfjs-cpu from the same initial weights with the same loss written in its
//                    ops (sigmoid, logSoftmax, masks from the target); the checked result is the
//                    loss and every weight after one step.
//   frame:           what the page's training worker does per animation frame with the default
//                    settings: steps for 12 ms (web/session-loop.mjs's slice; at least one step)
//                    and one snapshot(). Target: < 33.3 ms, i.e. at least 30 frames per second.
//   control change:  a setting that does not retrain (the grid S) taken in place: setState() (the
//                    target tensor, the anchors' IoUs, the decoding) and snapshot(). Target: < 8 ms.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { core, root, tfjs } from '../lib/peers.mjs';
import { median } from '../lib/timing.mjs';

const B = 8, LR = 0.005, B1 = 0.9, B2 = 0.999, EPS = 1e-8;

function cat(arrays) {
  const out = new Float32Array(arrays.reduce((s, a) => s + a.length, 0));
  let o = 0;
  for (const a of arrays) { out.set(a, o); o += a.length; }
  return out;
}

async function lessonModules() {
  const L = await import(pathToFileURL(join(root, 'lessons/anchors-yolo/lesson.mjs')));
  const { defaults } = await import(pathToFileURL(join(root, 'lessons/settings.mjs')));
  return { L, state: { ...defaults(L.settings), convention: 'pytorch' } };
}

// The batch: 16 scenes, their targets on the k-means anchors (k = 2) of those scenes' boxes.
async function batchData() {
  const pg = await core();
  const { L, state } = await lessonModules();
  const d = pg.vision.syntheticScenes({ count: B, size: L.DET.size, numClasses: L.DET.classes, maxObjects: L.DET.maxObjects, seed: 1 });
  const anchors = pg.vision.kmeansAnchors(d.boxes.map(([x1, y1, x2, y2]) => [x2 - x1, y2 - y1]), { k: 2, seed: 1 }).centroids;
  const g = { grid: L.DET.grid, numClasses: L.DET.classes, anchors };
  const targets = [];
  let at = 0;
  for (const c of d.counts) {
    targets.push(pg.vision.yoloEncode(d.boxes.slice(at, at + c), d.classes.slice(at, at + c), g).target);
    at += c;
  }
  return { L, state, anchors, g, x: d.images, t: cat(targets) };
}

async function coreStep(data) {
  const pg = await core();
  const { L, state, anchors, g } = data;
  const x = pg.tensor(data.x, [B, 32, 32, 1]);
  const t = pg.tensor(data.t, [B, 4, 4, anchors.length, 8]);
  const make = () => {
    const m = L.buildDetector(pg, state, anchors);
    const params = m.parameters();
    return { m, params, opt: pg.optim.adam(params, { lr: LR, epsilon: EPS, epsilonOn: 'vhat' }) };
  };
  const step = (s) => pg.scope(() => {
    const total = pg.sum(pg.vision.yoloLoss(s.m.call(x, { training: true }), t, { ...g, lambdaCoord: 5, lambdaNoobj: 0.5 }));
    s.opt.zeroGrad();
    total.backward();
    s.opt.step();
    return total;
  });
  const weightsOf = (s) => s.params.map((p) => ({ data: p.toArray(), shape: p.shape }));
  const free = (s) => { s.opt.dispose(); s.params.forEach((p) => p.dispose()); s.m.dispose(); };
  const cur = make();
  const init = weightsOf(cur);
  return {
    run: () => { step(cur); },
    result: () => {
      const s = make();
      const loss = pg.scope(() => step(s).item());
      const r = cat([[loss], ...weightsOf(s).map((w) => w.data)]);
      free(s);
      return r;
    },
    init,
    dispose: () => { free(cur); x.dispose(); t.dispose(); },
  };
}

// init: [conv1 kernel, bias, conv2 kernel, bias, conv3 kernel, bias, head kernel, bias]
async function tfjsStep(data, init) {
  const tf = await tfjs('cpu');
  const A = data.anchors.length, G = 4, K = 3;
  const x = tf.tensor(data.x, [B, 32, 32, 1]);
  const t = tf.tensor(data.t, [B, G, G, A, 5 + K]);
  // The size terms' targets ln(bh / ph), ln(bw / pw) where an object is (0 elsewhere: masked).
  const lt = new Float32Array(B * G * G * A * 2);
  for (let r = 0; r < B * G * G * A; r++) {
    const y = data.t.subarray(r * 8, r * 8 + 8);
    if (!y[0]) continue;
    const [aw, ah] = data.anchors[r % A];
    lt[2 * r] = Math.log(y[3] / (ah * G));
    lt[2 * r + 1] = Math.log(y[4] / (aw * G));
  }
  const logT = tf.tensor(lt, [B, G, G, A, 2]);
  const obj = tf.slice(t, [0, 0, 0, 0, 0], [-1, -1, -1, -1, 1]);
  const noobj = tf.sub(1, obj);
  const txy = tf.slice(t, [0, 0, 0, 0, 1], [-1, -1, -1, -1, 2]);
  const cls = tf.slice(t, [0, 0, 0, 0, 5], [-1, -1, -1, -1, K]);
  const make = () => ({ v: init.map(({ data: w, shape }) => tf.variable(tf.tensor(w, shape))), opt: tf.train.adam(LR, B1, B2, EPS) });
  const forward = (p) => () => {
    let h = tf.maxPool(tf.relu(tf.add(tf.conv2d(x, p[0], 1, 'same'), p[1])), 2, 2, 'valid');
    h = tf.maxPool(tf.relu(tf.add(tf.conv2d(h, p[2], 1, 'same'), p[3])), 2, 2, 'valid');
    h = tf.maxPool(tf.relu(tf.add(tf.conv2d(h, p[4], 1, 'same'), p[5])), 2, 2, 'valid');
    const raw = tf.reshape(tf.add(tf.conv2d(h, p[6], 1, 'same'), p[7]), [B, G, G, A, 5 + K]);
    const pc = tf.sigmoid(tf.slice(raw, [0, 0, 0, 0, 0], [-1, -1, -1, -1, 1]));
    const xy = tf.sigmoid(tf.slice(raw, [0, 0, 0, 0, 1], [-1, -1, -1, -1, 2]));
    const hw = tf.slice(raw, [0, 0, 0, 0, 3], [-1, -1, -1, -1, 2]);
    const z = tf.slice(raw, [0, 0, 0, 0, 5], [-1, -1, -1, -1, K]);
    const coord = tf.mul(5, tf.sum(tf.mul(obj, tf.add(tf.sum(tf.square(tf.sub(xy, txy)), -1, true), tf.sum(tf.square(tf.sub(hw, logT)), -1, true)))));
    const objT = tf.sum(tf.mul(obj, tf.square(tf.sub(pc, 1))));
    const noobjT = tf.mul(0.5, tf.sum(tf.mul(noobj, tf.square(pc))));
    const clsT = tf.neg(tf.sum(tf.mul(obj, tf.sum(tf.mul(cls, tf.logSoftmax(z)), -1, true))));
    return tf.div(tf.addN([coord, objT, noobjT, clsT]), B);
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
      const r = cat([c.dataSync(), ...s.v.map((v) => v.dataSync())]);
      c.dispose();
      free(s);
      return r;
    },
    dispose: () => { free(cur); tf.dispose([x, t, logT, obj, noobj, txy, cls]); },
  };
}

// The worker's loop with the default settings: steps for 12 ms, then one snapshot.
async function measureFrame() {
  const pg = await core();
  const { L, state } = await lessonModules();
  const st = { ...state, convention: 'keras', epochs: 60 };
  let s = L.session(pg, st);
  let steps = 0;
  const frame = () => {
    if (s.done) { s.dispose(); s = L.session(pg, st); }
    const t0 = performance.now();
    do { s.step(); steps++; } while (!s.done && performance.now() - t0 < 12);
    return s.snapshot();
  };
  for (let i = 0; i < 5; i++) frame();
  const samples = [];
  steps = 0;
  for (let i = 0; i < 31; i++) {
    const t0 = performance.now();
    frame();
    samples.push(performance.now() - t0);
  }
  s.dispose();
  const ms = median(samples);
  return { value: ms, fps: 1000 / ms, steps_per_frame: steps / 31, min_ms: Math.min(...samples), samples_ms: samples };
}

async function measureControl() {
  const pg = await core();
  const { L, state } = await lessonModules();
  const st = { ...state, convention: 'keras' };
  const s = L.session(pg, st);
  s.step();
  let k = 0;
  const frame = () => {
    k++;
    s.setState({ ...st, S: 3 + (k % 5), boxes: `${10 + (k % 7)},18,36,92,1;44,50,94,86,2` });
    return s.snapshot();
  };
  for (let i = 0; i < 10; i++) frame();
  const samples = [];
  for (let i = 0; i < 41; i++) {
    const t0 = performance.now();
    frame();
    samples.push(performance.now() - t0);
  }
  s.dispose();
  return { value: median(samples), min_ms: Math.min(...samples), samples_ms: samples };
}

export default {
  name: 'anchors-yolo',
  threads: true, // threads on/off rows (bench/run.mjs)
  order: 82,
  async cases() {
    let data, c;
    return [
      {
        id: 'anchors-yolo: one detector training step (8 scenes 32×32, YOLO loss, Adam)',
        unit: 'ms',
        tolerance: 1e-4,
        impls: {
          core: async () => { data = await batchData(); c = await coreStep(data); return c; },
          'tfjs-cpu': () => tfjsStep(data, c.init),
        },
        targets: [{ text: 'faster than tfjs-cpu', vs: ['tfjs-cpu'], ratio: 1 }],
      },
      {
        id: 'anchors-yolo lesson frame in the worker: 12 ms of training steps + snapshot (≥ 30 fps)',
        unit: 'ms',
        measure: measureFrame,
        targets: [{ text: '< 33.3 ms (≥ 30 fps)', max: 33.3 }],
      },
      {
        id: 'anchors-yolo control change (grid S, a dragged box): setState + snapshot',
        unit: 'ms',
        measure: measureControl,
        targets: [{ text: '< 8 ms', max: 8 }],
      },
    ];
  },
};
