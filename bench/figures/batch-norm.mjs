// The batch-norm lesson's work per animation frame while it trains: one step() (a batch's
// statistics from the Dense output, one fit() on the batch, the BN layer's weights read back) and
// the snapshot() the page's worker posts (the probe input in both modes on a copy of the model,
// and the held-out set in inference mode, in training mode as one batch and one point at a time,
// recomputed once per step). Default settings (two moons, 200 points, 2 → 4 → BN → tanh → 1,
// batch 16). The figure is the median over 41 frames after 10 warm-up frames; no peer: the target
// is absolute (< 8 ms per frame).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { core, root } from '../lib/peers.mjs';
import { median } from '../lib/timing.mjs';

async function measure() {
  const pg = await core();
  const L = await import(pathToFileURL(join(root, 'lessons/batch-norm/lesson.mjs')));
  const { defaults } = await import(pathToFileURL(join(root, 'lessons/settings.mjs')));
  const state = { ...defaults(L.settings), epochs: 500 };
  let s = L.session(pg, state);
  const frame = () => {
    if (s.done) { s.dispose(); s = L.session(pg, state); }
    s.step();
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
  return { value: median(samples), min_ms: Math.min(...samples), samples_ms: samples, steps: snap.stepCount, inference_accuracy: snap.modes.inference.accuracy };
}

export default {
  name: 'batch-norm',
  order: 72,
  async cases() {
    return [{
      id: 'batch-norm lesson frame: one step + snapshot (both modes)',
      unit: 'ms',
      measure,
      targets: [{ text: '< 8 ms', max: 8 }],
    }];
  },
};
