// The training playground (lessons/playground): its work for one animation frame, and how long
// the page's main thread is ever busy while it trains.
//
// Frame: the default playground (circle, 500 points, half of them training; features x1, x2;
// 2 → 8 → 8 → 1 tanh, sigmoid output, binary cross-entropy, SGD lr 0.03, batch 10, Glorot
// uniform from seed 1). One frame is one epoch (25 batches) and the picture:
//   core        lesson.session(): 25 × step() (one batch each, model.fit on it with the
//               divergence guard; at the epoch's end evaluate() on the held-out points and save()
//               for the timeline), then snapshot(): the 64 × 64 surface (predict), the 16 × 16
//               thumbnail of every hidden neuron (model.activations) and the weights, as the
//               page's worker does each frame.
//   tfjs-wasm/-cpu  tf.sequential with the same layers, the core's initial weights (setWeights),
//               tf.train.sgd(0.03) and binaryCrossentropy; model.fit(x, y, {batchSize: 10,
//               epochs: 1, shuffle: false}) on the training points in the core's order for that
//               epoch (the same batches), then predict() on the 64 × 64 grid (no validation and
//               no neuron thumbnails: less work than the core's frame).
// The checked result is the surface after one epoch from the initial weights.
//
// Main thread: headless Chromium (tests/browser/harness.mjs) opens #/playground, a
// PerformanceObserver records 'longtask' entries (tasks of 50 ms or more) from before the page's
// scripts run; Play trains for `SECONDS` s in the worker; the figure is the longest main-thread
// task seen while training (0 when none reached 50 ms). The longest few tasks, how many came in the
// first second after Play, the longest gap between animation frames and the epochs trained are
// in latest.json (and printed while it runs).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { core, root, tfjs } from '../lib/peers.mjs';

const SECONDS = 15;

async function lessonModules() {
  const L = await import(pathToFileURL(join(root, 'lessons/playground/lesson.mjs')));
  const { defaults } = await import(pathToFileURL(join(root, 'lessons/settings.mjs')));
  return { L, state: { ...defaults(L.settings), epochs: 10000 } };
}

let shared = null; // the core's initial weights, data and batch orders, for the peers

async function coreFrame() {
  const pg = await core();
  const { L, state } = await lessonModules();
  let s = L.session(pg, state);
  const steps = Math.ceil(s.nTrain / state.batchSize);
  const frame = (sess) => {
    for (let i = 0; i < steps; i++) sess.step();
    return sess.snapshot();
  };
  // What the peers need: the initial weights, the training points and the first epochs' orders.
  const weights = pg.scope(() => s.model.parameters().map((p) => ({ data: p.toArray(), shape: p.shape })));
  shared = {
    weights,
    x: s.xTrain.toArray(), y: s.yTrain.toArray(), nTrain: s.nTrain,
    grid: Array.from(s.gridX.toArray()),
    order: (e) => pg.data.permutation(s.nTrain, state.seed * 1000003 + e),
  };
  return {
    run: () => {
      if (s.done) { s.dispose(); s = L.session(pg, state); }
      frame(s);
    },
    result: () => {
      const fresh = L.session(pg, state);
      const snap = frame(fresh);
      fresh.dispose();
      return Float32Array.from(snap.surface.values);
    },
    dispose: () => s.dispose(),
  };
}

async function tfjsFrame(backend) {
  const tf = await tfjs(backend);
  const { nTrain } = shared;
  const model = tf.sequential({ layers: [
    tf.layers.dense({ units: 8, activation: 'tanh', inputShape: [2] }),
    tf.layers.dense({ units: 8, activation: 'tanh' }),
    tf.layers.dense({ units: 1, activation: 'sigmoid' }),
  ] });
  const reset = () => model.setWeights(shared.weights.map((w) => tf.tensor(w.data, w.shape)));
  const compile = () => model.compile({ optimizer: tf.train.sgd(0.03), loss: 'binaryCrossentropy' });
  reset();
  compile();
  const x = tf.tensor(shared.x, [nTrain, 2]);
  const y = tf.tensor(shared.y, [nTrain, 1]);
  const grid = tf.tensor(shared.grid, [shared.grid.length / 2, 2]);
  const orders = Array.from({ length: 64 }, (_, e) => tf.tensor1d(Int32Array.from(shared.order(e)), 'int32'));
  let epoch = 0;
  const frame = async (e) => {
    const xb = tf.gather(x, orders[e % orders.length]);
    const yb = tf.gather(y, orders[e % orders.length]);
    await model.fit(xb, yb, { batchSize: 10, epochs: 1, shuffle: false, verbose: 0 });
    xb.dispose();
    yb.dispose();
    const p = model.predict(grid);
    const out = p.dataSync().slice();
    p.dispose();
    return out;
  };
  return {
    async: true,
    activate: () => tfjs(backend),
    run: async () => { await frame(epoch); epoch += 1; },
    result: async () => {
      reset();
      compile(); // a fresh optimizer: plain SGD has no state, but start clean
      const r = Float32Array.from(await frame(0));
      epoch = 0;
      return r;
    },
    dispose: () => { [x, y, grid, ...orders].forEach((t) => t.dispose()); model.dispose(); },
  };
}

async function mainThread() {
  if (!existsSync(join(root, 'web/lib/lessons'))) throw new Error('web/lib is missing: run scripts/build.sh first');
  const { startSite, launch } = await import(pathToFileURL(join(root, 'tests/browser/harness.mjs')));
  const site = await startSite();
  const browser = await launch();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.addInitScript(() => {
      window.__long = [];
      new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__long.push({ start: e.startTime, duration: e.duration }); })
        .observe({ type: 'longtask', buffered: true });
      window.__gap = 0;
      let prev = 0;
      const tick = (t) => { if (window.__measure && prev) window.__gap = Math.max(window.__gap, t - prev); prev = t; requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
    });
    await page.goto(`${site.url}#/playground?epochs=10000`);
    await page.waitForSelector('[data-lesson="playground"][data-state="ready"]', { timeout: 60000 });
    await page.waitForTimeout(500);
    const t0 = await page.evaluate(() => { window.__measure = true; return performance.now(); });
    await page.click('[data-name="play"]');
    await page.waitForTimeout(SECONDS * 1000);
    const r = await page.evaluate((from) => ({
      tasks: window.__long.filter((e) => e.start >= from),
      gap: window.__gap,
      epoch: Number(document.querySelector('[data-name="status"]').dataset.epoch),
      mode: document.querySelector('[data-name="status"]').dataset.mode,
    }), t0);
    await context.close();
    if (r.mode !== 'worker') throw new Error(`training ran on the ${r.mode} thread, not in a worker`);
    const longest = Math.max(0, ...r.tasks.map((e) => e.duration));
    // Attribution: the longest few, and how many fell in the first second after Play (the page's
    // and the worker's code still warming up) against the rest of the run (steady drawing).
    const top = r.tasks.map((e) => e.duration).sort((a, b) => b - a).slice(0, 5);
    const early = r.tasks.filter((e) => e.start - t0 < 1000).length;
    process.stderr.write(`  playground main thread: ${r.tasks.length} tasks of 50 ms or more while training (${early} in the first second after Play); longest ${top.join(', ') || 'none'} ms; longest frame gap ${r.gap.toFixed(0)} ms; ${r.epoch} epochs\n`);
    return {
      value: longest, longest_tasks_ms: top, long_tasks_first_second: early, long_tasks: r.tasks,
      longest_frame_gap_ms: r.gap, epochs_trained: r.epoch, seconds: SECONDS,
    };
  } finally {
    await browser.close();
    await site.close();
  }
}

export default {
  name: 'playground',
  threads: true, // threads on/off rows (bench/run.mjs)
  order: 75,
  async cases() {
    return [{
      id: 'playground frame: 2→8→8→1, one epoch of batch 10 (500 points) + 64×64 surface + neuron thumbnails',
      unit: 'ms',
      tolerance: 1e-3, // the surface's probabilities after one epoch from the same weights
      impls: {
        core: coreFrame,
        'tfjs-wasm': () => tfjsFrame('wasm'),
        'tfjs-cpu': () => tfjsFrame('cpu'),
      },
      targets: [{ text: '< 8 ms', max: 8 }],
    }, {
      id: 'playground: longest main-thread task while training (Chromium long tasks)',
      threads: false, // measured in Chromium, not on the bench's core
      unit: 'ms',
      measure: mainThread,
      targets: [{ text: '< 50 ms', max: 50 }],
    }];
  },
};
