// The segmentation lesson (lessons/segmentation): its U-Net's training step against TensorFlow.js,
// and what one frame of the page costs while it trains.
//
//   U-Net step:  the lesson's default U-Net (f = 8, skips on, 3 classes: Conv 8 → pool → Conv 16 →
//                pool → Conv 32 → ConvT 16 (2×2, S = 2) ⊕ enc2 → Conv 16 → ConvT 8 ⊕ enc1 → Conv 8
//                → Conv 3 1×1 softmax, 'same' padding) on one batch of 8 (the lesson's) of its 16 × 16
//                scenes, one Adam step (lr 0.01, ε 1e-8 on √v̂: the PyTorch convention, which
//                TensorFlow.js's Adam shares), as the lesson trains (model.trainOnBatch). The peer
//                is tfjs-cpu on the same net from the same initial weights (its ops, minimize), the
//                loss the mean over pixels of −log clip(p_label, 1e-7, 1 − 1e-7) as the core's
//                sparse categorical cross-entropy. The checked result is the loss and every weight
//                after one step. (tfjs-wasm 4.22 has no conv2d backward kernels.)
//   frame:       the worker's work for one frame of the default training (two networks, skips on
//                and off): one session step() (a batch of 8 for each) plus the snapshot() it posts
//                (the shown scene through both networks, the scores); the figure is that time's
//                median; frames per second = 1000 / it. Target < 33 ms (30 fps or more).
import { core, tfjs } from '../lib/peers.mjs';
import { median } from '../lib/timing.mjs';
import * as lesson from '../../lessons/segmentation/lesson.mjs';
import { defaults } from '../../lessons/settings.mjs';

const B = lesson.BATCH, SIDE = lesson.SIDE, C = 3;
const LR = 0.01, B1 = 0.9, B2 = 0.999, EPS = 1e-8;
const lessonState = () => ({ ...defaults(lesson.settings), convention: 'pytorch' });
// The weights in the order the tfjs forward below reads them.
const ORDER = ['enc1', 'enc2', 'bottleneck', 'up2', 'dec2', 'up1', 'dec1', 'head'];

function cat(arrays) {
  const out = new Float32Array(arrays.reduce((s, a) => s + a.length, 0));
  let o = 0;
  for (const a of arrays) { out.set(a, o); o += a.length; }
  return out;
}

async function batch() {
  const pg = await core();
  const d = pg.data.scenes({ count: B, size: SIDE, classes: C, seed: 1 });
  const r = { x: d.x.toArray(), y: d.y.toArray() };
  d.x.dispose(); d.y.dispose();
  return r;
}

async function coreUnet() {
  const pg = await core();
  const data = await batch();
  const make = () => lesson.buildUnet(pg, lessonState(), true);
  const x = pg.tensor(data.x, [B, SIDE, SIDE, 1]), y = pg.tensor(data.y, [B, SIDE, SIDE]);
  const weightsOf = (m) => {
    const w = m.weights();
    const out = ORDER.flatMap((n) => [`${n}/kernel`, `${n}/bias`]).map((k) => ({ data: w[k].toArray(), shape: w[k].shape }));
    Object.values(w).forEach((t) => t.dispose());
    return out;
  };
  const cur = make();
  const init = weightsOf(cur);
  return {
    run: () => cur.trainOnBatch(x, y),
    result: () => {
      const m = make();
      const loss = m.trainOnBatch(x, y);
      const r = cat([[loss], ...weightsOf(m).map((w) => w.data)]);
      m.dispose();
      return r;
    },
    init, data,
    dispose: () => { cur.dispose(); x.dispose(); y.dispose(); },
  };
}

async function tfjsUnet(init, data) {
  const tf = await tfjs('cpu');
  const x = tf.tensor(data.x, [B, SIDE, SIDE, 1]);
  const onehot = tf.oneHot(tf.tensor1d(data.y, 'int32'), C);
  const make = () => ({ v: init.map(({ data: w, shape }) => tf.variable(tf.tensor(w, shape))), opt: tf.train.adam(LR, B1, B2, EPS) });
  const forward = (p) => () => {
    const conv = (h, k) => tf.relu(tf.add(tf.conv2d(h, p[2 * k], 1, 'same'), p[2 * k + 1]));
    const up = (h, k) => {
      const [n, hh, ww] = h.shape;
      return tf.relu(tf.add(tf.conv2dTranspose(h, p[2 * k], [n, 2 * hh, 2 * ww, p[2 * k].shape[2]], 2, 'valid'), p[2 * k + 1]));
    };
    const c1 = conv(x, 0);
    const c2 = conv(tf.maxPool(c1, 2, 2, 'valid'), 1);
    const b = conv(tf.maxPool(c2, 2, 2, 'valid'), 2);
    const d2 = conv(tf.concat([up(b, 3), c2], -1), 4);
    const d1 = conv(tf.concat([up(d2, 5), c1], -1), 6);
    const probs = tf.softmax(tf.add(tf.conv2d(d1, p[14], 1, 'same'), p[15]));
    const pl = tf.sum(tf.mul(onehot.reshape([B, SIDE, SIDE, C]), tf.clipByValue(probs, 1e-7, 1 - 1e-7)), -1);
    return tf.neg(tf.mean(tf.log(pl)));
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
    dispose: () => { free(cur); tf.dispose([x, onehot]); },
  };
}

// One frame of the worker while the default training plays: a step and the snapshot it posts.
async function measureFrame() {
  const pg = await core();
  const s = lesson.session(pg, { ...defaults(lesson.settings), convention: 'keras' });
  const frame = () => { s.step(); return s.snapshot(); };
  for (let i = 0; i < 5; i++) frame();
  const samples = [];
  for (let i = 0; i < 31 && !s.done; i++) {
    const t0 = performance.now();
    frame();
    samples.push(performance.now() - t0);
  }
  s.dispose();
  const ms = median(samples);
  return { value: ms, fps: 1000 / ms, min_ms: Math.min(...samples), samples_ms: samples };
}

export default {
  name: 'segmentation',
  threads: true, // threads on/off rows (bench/run.mjs)
  order: 82,
  async cases() {
    let c;
    return [
      {
        id: 'segmentation lesson: one Adam step of its U-Net on a batch of 8 scenes of 16 × 16 (trainOnBatch)',
        unit: 'ms',
        tolerance: 1e-4,
        impls: {
          core: async () => { c = await coreUnet(); return c; },
          'tfjs-cpu': () => tfjsUnet(c.init, c.data),
        },
        targets: [{ text: '< 8 ms', max: 8 }],
      },
      {
        id: 'segmentation lesson: one worker frame of the default training (step of both U-Nets + snapshot; fps = 1000 / ms)',
        unit: 'ms',
        measure: measureFrame,
        targets: [{ text: '< 33 ms (≥ 30 fps)', max: 33 }],
      },
    ];
  },
};
