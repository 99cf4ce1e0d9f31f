// The dropout lesson (lessons/dropout): its work for one animation frame with the default
// settings (p = 0.2 against p = 0, 1 → 32 → 32 → 1 tanh with a Dropout after each hidden layer,
// 12 noisy points, batch 4, Adam). One frame is one epoch (3 session steps: each trains both
// networks on the same batch and reads the step's masks back from the core) plus snapshot() (both
// inference curves, three training-mode passes of a copy of the network, the histories), as the
// page's worker does per frame. The figure is the median over 41 frames after 10 warm-up frames;
// no peer: the target is absolute (< 8 ms per frame).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { core, root } from '../lib/peers.mjs';
import { median } from '../lib/timing.mjs';

async function frame() {
  const pg = await core();
  const L = await import(pathToFileURL(join(root, 'lessons/dropout/lesson.mjs')));
  const { defaults } = await import(pathToFileURL(join(root, 'lessons/settings.mjs')));
  const state = { ...defaults(L.settings), epochs: 5000 };
  const steps = Math.ceil(state.points / state.batchSize);
  let s = L.session(pg, state);
  const one = () => {
    if (s.done) { s.dispose(); s = L.session(pg, state); }
    for (let i = 0; i < steps; i++) s.step();
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
  return { value: median(samples), min_ms: Math.min(...samples), samples_ms: samples, epoch: snap.epoch, test: snap.last };
}

export default {
  name: 'dropout',
  order: 77,
  async cases() {
    return [{
      id: 'dropout frame: one epoch of p = 0 and p = 0.2 side by side (3 batches, masks read back) + snapshot',
      unit: 'ms',
      measure: frame,
      targets: [{ text: '< 8 ms', max: 8 }],
    }];
  },
};
