// The siamese lesson's work per animation frame while it trains: one step() (a batch of 32 pairs
// through the twin towers 196 → 64 → 2, the distance, the contrastive loss, backward and Adam) and
// the snapshot() the page's worker posts (the loss curves and the batch's pair losses at the
// margin, ROC/AUC and the threshold counts of the shown epoch's held-out pairs, the nearest
// neighbours of the query; at an epoch's end also the 600 held-out digits embedded). Default
// settings. The figure is the median over 41 frames after 10 warm-up frames; no peer: the target
// is absolute (< 8 ms per frame).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { core, root } from '../lib/peers.mjs';
import { median } from '../lib/timing.mjs';

async function measure() {
  const pg = await core();
  const L = await import(pathToFileURL(join(root, 'lessons/siamese/lesson.mjs')));
  const { defaults } = await import(pathToFileURL(join(root, 'lessons/settings.mjs')));
  const state = { ...defaults(L.settings), epochs: 100 };
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
  return { value: median(samples), min_ms: Math.min(...samples), max_ms: Math.max(...samples), samples_ms: samples, epoch: snap.epoch, auc: snap.judged.auc };
}

export default {
  name: 'siamese',
  order: 79,
  async cases() {
    return [{
      id: 'siamese lesson frame: one batch of 32 pairs + snapshot (ROC, neighbours)',
      unit: 'ms',
      measure,
      targets: [{ text: '< 8 ms', max: 8 }],
    }];
  },
};
