// The gan lesson (lessons/gan): one GAN step, and the default training's frame in the worker.
//
// Step: one iteration of the lesson's default game on a 2-D mixture of 8 Gaussians, a batch of 64
// real and 64 generated samples: G 2 → 32 → 32 → 2 and D 2 → 32 → 32 → 1 (leaky ReLU 0.2), one D
// step on BCE(a(x), 1) + BCE(a(G(z)), 0), then one G step on the non-saturating −log D(G(z)),
// Adam (lr 0.002, β₁ 0.5, ε 1e-8 on √v̂) on each network:
//   core       lessons/gan's buildGan() and ganIteration() on fixed batches (the session's step)
//   tfjs-cpu   tf.sequential with the same layers and the core's initial weights (setWeights),
//              tf.train.adam(0.002, 0.5, 0.999, 1e-8) per network, tf.losses.sigmoidCrossEntropy,
//              optimizer.minimize over D's, then G's, variables on the same batches.
// Each run starts from the same weights and optimizer state. The checked result is G on 64 fixed
// noise points after the step.
//
// Frame: lesson.session() with the default settings, stepped for 12 ms as the page's worker loop
// does (web/session-loop.mjs), then snapshot() (the heatmap, manifold, arrows, coverage); the
// figure is the median frame in ms over 41 frames after 10 warm-up frames; target < 33.3 ms,
// i.e. at least 30 frames per second.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { core, root, tfjs } from '../lib/peers.mjs';
import { median } from '../lib/timing.mjs';

const BATCH = 64;

async function modules() {
  const L = await import(pathToFileURL(join(root, 'lessons/gan/lesson.mjs')));
  const { defaults } = await import(pathToFileURL(join(root, 'lessons/settings.mjs')));
  const { withConvention } = await import(pathToFileURL(join(root, 'lessons/convention.mjs')));
  // PyTorch's Adam (ε on √v̂) is tf.train.adam's formula.
  return { L, state: withConvention(defaults(L.settings), 'pytorch') };
}

let shared = null;  // the batches and the initial weights, for the peer

async function coreStep() {
  const pg = await core();
  const { L, state } = await modules();
  const real = pg.gan.target({ kind: 'mixture', n: BATCH, seed: 5, modes: 8, radius: 2, spread: 0.1 }).samples;
  const zD = pg.scope(() => pg.randn([BATCH, 2], 6).toArray());
  const zG = pg.scope(() => pg.randn([BATCH, 2], 7).toArray());
  const zOut = pg.scope(() => pg.randn([BATCH, 2], 8).toArray());
  const first = L.buildGan(pg, state, 2);
  const weights = (m) => pg.scope(() => m.parameters().map((p) => ({ data: p.toArray(), shape: p.shape })));
  shared = { real, zD, zG, zOut, g: weights(first.G), d: weights(first.D) };
  L.disposeGan(first);
  const step = () => {
    const nets = L.buildGan(pg, state, 2);  // the same seed: the same initial weights every run
    pg.scope(() => L.ganIteration(pg, nets, state, {
      reals: [pg.tensor(real, [BATCH, 2])], zD: [pg.tensor(zD, [BATCH, 2])], zG: [pg.tensor(zG, [BATCH, 2])] }));
    return nets;
  };
  const done = (nets) => { L.disposeGan(nets); };
  return {
    run: () => done(step()),
    result: () => {
      const nets = step();
      const out = pg.scope(() => pg.noGrad(() => nets.G.call(pg.tensor(zOut, [BATCH, 2])).toArray()));
      done(nets);
      return out;
    },
  };
}

async function tfjsStep(backend) {
  const tf = await tfjs(backend);
  const mlp = (inDim, outDim) => tf.sequential({ layers: [
    tf.layers.dense({ units: 32, inputShape: [inDim] }), tf.layers.leakyReLU({ alpha: 0.2 }),
    tf.layers.dense({ units: 32 }), tf.layers.leakyReLU({ alpha: 0.2 }),
    tf.layers.dense({ units: outDim }),
  ] });
  const G = mlp(2, 2);
  const D = mlp(2, 1);
  const real = tf.tensor(shared.real, [BATCH, 2]);
  const zD = tf.tensor(shared.zD, [BATCH, 2]);
  const zG = tf.tensor(shared.zG, [BATCH, 2]);
  const zOut = tf.tensor(shared.zOut, [BATCH, 2]);
  const ones = tf.ones([BATCH, 1]);
  const zeros = tf.zeros([BATCH, 1]);
  const step = () => {
    G.setWeights(shared.g.map((w) => tf.tensor(w.data, w.shape)));
    D.setWeights(shared.d.map((w) => tf.tensor(w.data, w.shape)));
    const dOpt = tf.train.adam(0.002, 0.5, 0.999, 1e-8);
    const gOpt = tf.train.adam(0.002, 0.5, 0.999, 1e-8);
    const dVars = D.trainableWeights.map((w) => w.val);
    const gVars = G.trainableWeights.map((w) => w.val);
    tf.tidy(() => {
      dOpt.minimize(() => tf.add(tf.losses.sigmoidCrossEntropy(ones, D.apply(real)), tf.losses.sigmoidCrossEntropy(zeros, D.apply(G.apply(zD)))), false, dVars);
      gOpt.minimize(() => tf.losses.sigmoidCrossEntropy(ones, D.apply(G.apply(zG))), false, gVars);
    });
    dOpt.dispose();
    gOpt.dispose();
  };
  return {
    activate: () => tfjs(backend),
    run: step,
    result: () => {
      step();
      return tf.tidy(() => Float32Array.from(G.apply(zOut).dataSync()));
    },
    dispose: () => { [real, zD, zG, zOut, ones, zeros].forEach((t) => t.dispose()); G.dispose(); D.dispose(); },
  };
}

async function frame() {
  const pg = await core();
  const { L } = await modules();
  const { defaults } = await import(pathToFileURL(join(root, 'lessons/settings.mjs')));
  const state = { ...defaults(L.settings), iterations: 20000 };
  let s = L.session(pg, state);
  let steps = 0;
  const one = () => {
    if (s.done) { s.dispose(); s = L.session(pg, state); }
    const t0 = performance.now();
    do { s.step(); steps += 1; } while (performance.now() - t0 < 12 && !s.done);
    return s.snapshot();
  };
  for (let i = 0; i < 10; i++) one();
  const samples = [];
  steps = 0;
  let snap;
  for (let i = 0; i < 41; i++) {
    const t0 = performance.now();
    snap = one();
    samples.push(performance.now() - t0);
  }
  s.dispose();
  const ms = median(samples);
  return { value: ms, fps: 1000 / ms, iterations_per_frame: steps / 41, min_ms: Math.min(...samples), max_ms: Math.max(...samples), samples_ms: samples, covered: snap.coverage?.covered };
}

export default {
  name: 'gan',
  threads: true, // threads on/off rows (bench/run.mjs)
  order: 81,
  async cases() {
    return [{
      id: 'gan step: D + G on a batch of 64 (2 → 32 → 32 → 2 and 2 → 32 → 32 → 1, Adam)',
      unit: 'ms',
      tolerance: 1e-3,  // G on 64 fixed noise points after the step
      impls: {
        core: coreStep,
        'tfjs-cpu': () => tfjsStep('cpu'),
      },
      targets: [{ text: 'faster than tfjs-cpu', vs: ['tfjs-cpu'], ratio: 1 }],
    }, {
      id: 'gan lesson frame in the worker: 12 ms of iterations + snapshot (heatmap, manifold, arrows, coverage)',
      unit: 'ms',
      measure: frame,
      targets: [{ text: '< 33.3 ms (≥ 30 fps)', max: 33.3 }],
    }];
  },
};
