// The transfer lesson (lessons/transfer): what one frame of the page costs while it trains, and the
// default run to the end.
//
// The lesson's session runs in the training worker in slices of about 12 ms; a "frame" of work is
// one session step(): one batch of 32 digits 0–4 for the base (Conv(8) → pool → Conv(16) → pool
// → Dense(32) → Dense(5), Adam), or one step of one transfer model on its 5k digits (all of them up to 32, else a batch of 32)
// (at the default k = 5: 25 digits; a frozen model's backward stops at the head). The figures are
// the median step time of each phase over lesson.session() with the default settings run to the
// end (the curve over k = 1, 2, 5, 10, 20, 50 included, so the larger k-shot sets count too), and
// that run's wall time. Its accuracies at k = 5 are in latest.json.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { core, root } from '../lib/peers.mjs';
import { median } from '../lib/timing.mjs';

let run = null;

async function defaultRun() {
  if (run) return run;
  const pg = await core();
  const L = await import(pathToFileURL(join(root, 'lessons/transfer/lesson.mjs')));
  const { defaults } = await import(pathToFileURL(join(root, 'lessons/settings.mjs')));
  const s = L.session(pg, { ...defaults(L.settings), convention: 'keras' });
  const times = { base: [], transfer: [] };
  const t0 = performance.now();
  while (!s.done) {
    const phase = s.snapshot().phase;
    const a = performance.now();
    s.step();
    const dt = performance.now() - a;
    if (phase === 'base' || phase === 'transfer') times[phase].push(dt);
  }
  const wall = (performance.now() - t0) / 1000;
  const r = s.result();
  s.dispose();
  run = { times, wall, accuracy: Object.fromEntries(L.STRATEGIES.map((st) => [st, r.current[st].accuracy])) };
  return run;
}

const phase = (name) => async () => {
  const r = await defaultRun();
  const t = r.times[name];
  return { value: median(t), min_ms: Math.min(...t), max_ms: Math.max(...t), steps: t.length, accuracy_k5: r.accuracy };
};

export default {
  name: 'transfer',
  order: 79,
  async cases() {
    return [{
      id: 'transfer lesson step: one base batch (32 digits, Conv8→Conv16→Dense32→Dense5, Adam)',
      unit: 'ms',
      measure: phase('base'),
      targets: [{ text: '< 8 ms', max: 8 }],
    }, {
      id: 'transfer lesson step: one step of a transfer model (k = 1…50 per class, batches of at most 32)',
      unit: 'ms',
      measure: phase('transfer'),
      targets: [{ text: '< 8 ms', max: 8 }],
    }, {
      id: 'transfer: the default run to the end (base 8 epochs on 1,000 digits, 3 ways × 6 k × 40 steps)',
      unit: 's',
      measure: async () => {
        const r = await defaultRun();
        return { value: r.wall, accuracy_k5: r.accuracy };
      },
      targets: [{ text: '< 30 s', max: 30 }],
    }];
  },
};
