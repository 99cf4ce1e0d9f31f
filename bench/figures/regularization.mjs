// The regularization lesson (lessons/regularization): its work for one animation frame with the
// default settings (λ = 0.003 Ridge, 1 → 32 → 32 → 1 tanh, 20 noisy points, Adam, full batch).
// One frame is one session step() (one epoch: model.fit on the 20 points, then the training MSE,
// the penalty (model.regularizationLoss), Keras' loss (evaluate) and the test MSE on 200 points)
// plus snapshot() (the 121-point curve, the kernels for the histogram, the two-weight geometry
// as computed at the start), as the page's worker does per frame. A second case times one step of
// the regularization path (10 epochs of a retraining run). The figures are medians over 41 frames
// after 10 warm-up frames; no peer: the target is absolute (< 8 ms per frame).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { core, root } from '../lib/peers.mjs';
import { median } from '../lib/timing.mjs';

async function setup() {
  const pg = await core();
  const L = await import(pathToFileURL(join(root, 'lessons/regularization/lesson.mjs')));
  const { defaults } = await import(pathToFileURL(join(root, 'lessons/settings.mjs')));
  return { pg, L, state: { ...defaults(L.settings), epochs: 5000 } };
}

async function frame() {
  const { pg, L, state } = await setup();
  let s = L.session(pg, { ...state, pathPoints: 0 });
  const one = () => {
    if (s.done) { s.dispose(); s = L.session(pg, { ...state, pathPoints: 0 }); }
    s.step();
    return s.snapshot();
  };
  for (let i = 0; i < 10; i++) one();
  const samples = [];
  let snap;
  for (let i = 0; i < 41; i++) {
    const t0 = performance.now();
    snap = one();
    samples.push(performance.now() - t0);
  }
  s.dispose();
  return { value: median(samples), min_ms: Math.min(...samples), samples_ms: samples, epoch: snap.epoch, tl: snap.last.loss };
}

async function pathStep() {
  const { pg, L, state } = await setup();
  // The main run's 1000 one-epoch steps first; the steps after them are path steps (10 epochs each).
  const s = L.session(pg, { ...state, epochs: 1000, pathPoints: 12 });
  for (let i = 0; i < 1000; i++) s.step();
  for (let i = 0; i < 5; i++) s.step();
  const samples = [];
  for (let i = 0; i < 21; i++) {
    const t0 = performance.now();
    s.step();
    samples.push(performance.now() - t0);
  }
  s.dispose();
  return { value: median(samples), min_ms: Math.min(...samples), samples_ms: samples };
}

export default {
  name: 'regularization',
  order: 76,
  async cases() {
    return [{
      id: 'regularization frame: one epoch of 1→32→32→1 with the penalty + snapshot',
      unit: 'ms',
      measure: frame,
      targets: [{ text: '< 8 ms', max: 8 }],
    }, {
      id: 'regularization path step: 10 epochs of a retraining run',
      unit: 'ms',
      measure: pathStep,
      targets: [{ text: '< 8 ms', max: 8 }],
    }];
  },
};
