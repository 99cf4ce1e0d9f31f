// The functional-api lesson's work for one control change and for one training frame, default
// settings (one input, two heads: 2,721 parameters; 256 examples, batches of 32):
// - an edit (units, a loss weight, a connection): a new session (the core orders and checks the
//   graph, builds the model and its teacher, the summary rows, the code laid out, the first
//   evaluation and the heads' gradient split) and its snapshot;
// - a training frame: one step (an epoch: 8 batches, then the evaluation and the gradient split
//   on all the examples) and the snapshot.
// Each figure is the median over 41 samples after 10 warm-up ones; no peer: the target is
// absolute (< 8 ms per frame).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { core, root } from '../lib/peers.mjs';
import { median } from '../lib/timing.mjs';

async function lesson() {
  const pg = await core();
  const L = await import(pathToFileURL(join(root, 'lessons/functional-api/lesson.mjs')));
  const { defaults } = await import(pathToFileURL(join(root, 'lessons/settings.mjs')));
  return { pg, L, state: { ...defaults(L.settings), epochs: 500 } };
}

function sample(frame) {
  for (let i = 0; i < 10; i++) frame();
  const samples = [];
  for (let i = 0; i < 41; i++) {
    const t0 = performance.now();
    frame();
    samples.push(performance.now() - t0);
  }
  return { value: median(samples), min_ms: Math.min(...samples), samples_ms: samples };
}

async function measureEdit() {
  const { pg, L, state } = await lesson();
  let k = 0;
  return sample(() => {
    // A different loss weight each time, as a dragged slider sends.
    const s = L.session(pg, { ...state, lossWeights: [1, 0.25 + 0.01 * (k++ % 50)] });
    s.snapshot();
    s.dispose();
  });
}

async function measureStep() {
  const { pg, L, state } = await lesson();
  let s = L.session(pg, state);
  const r = sample(() => {
    if (s.done) { s.dispose(); s = L.session(pg, state); }
    s.step();
    s.snapshot();
  });
  r.epochs = s.epoch;
  s.dispose();
  return r;
}

export default {
  name: 'functional-api',
  order: 71,
  async cases() {
    return [{
      id: 'functional-api lesson: an edit (new session: graph, summary, code, gradient split) + snapshot',
      unit: 'ms',
      measure: measureEdit,
      targets: [{ text: '< 8 ms', max: 8 }],
    }, {
      id: 'functional-api lesson frame: one epoch step + snapshot',
      unit: 'ms',
      measure: measureStep,
      targets: [{ text: '< 8 ms', max: 8 }],
    }];
  },
};
