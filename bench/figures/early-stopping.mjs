// The early-stopping lesson's work per animation frame while it trains: one epoch of the default
// session (two moons, 200 points with 20% of the training labels flipped, 2 → 32 → 32 → 1 relu,
// Adam, batch 10: 10 × step(), then evaluate() on the held-out points, save() for the timeline,
// the core's EarlyStopping and ReduceLROnPlateau monitors) and its snapshot() (the 64 × 64
// surface, the neuron thumbnails and the weights, as the page's worker posts). The figure is the
// median over 41 frames after 10 warm-up frames; no peer: the target is absolute (< 8 ms).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { core, root } from '../lib/peers.mjs';
import { median } from '../lib/timing.mjs';

async function measure() {
  const pg = await core();
  const L = await import(pathToFileURL(join(root, 'lessons/early-stopping/lesson.mjs')));
  const { defaults } = await import(pathToFileURL(join(root, 'lessons/settings.mjs')));
  // No stopping, so every frame is a full epoch.
  const state = { ...defaults(L.settings), epochs: 2000, earlyStopping: false };
  let s = L.session(pg, state);
  const frame = () => {
    if (s.done) { s.dispose(); s = L.session(pg, state); }
    const e = s.epoch;
    while (s.epoch === e && !s.done) s.step();
    return s.snapshot();
  };
  for (let i = 0; i < 10; i++) frame();
  const samples = [];
  let snap;
  for (let i = 0; i < 41; i++) {
    const t0 = performance.now();
    snap = frame();
    samples.push(performance.now() - t0);
  }
  s.dispose();
  return { value: median(samples), min_ms: Math.min(...samples), samples_ms: samples, epochs: snap.epoch, val_loss: snap.history.val_loss.at(-1) };
}

export default {
  name: 'early-stopping',
  order: 73,
  async cases() {
    return [{
      id: 'early-stopping lesson frame: one epoch + snapshot',
      unit: 'ms',
      measure,
      targets: [{ text: '< 8 ms', max: 8 }],
    }];
  },
};
