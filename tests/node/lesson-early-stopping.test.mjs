// The early-stopping lesson and the core's callback monitors: Keras' EarlyStopping and
// ReduceLROnPlateau rules on fixed and random sequences (against a transcription of Keras' source
// as the reference), fit() and the sessions using them (the playground included), restore best
// weights, the lr schedule, scrubbing, bad settings and the CLI.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { load } from 'playgrad';

import * as L from '../../lessons/early-stopping/lesson.mjs';
import * as P from '../../lessons/playground/lesson.mjs';
import { runSession } from '../../lessons/session.mjs';
import { defaults, parseSettings } from '../../lessons/settings.mjs';

const pg = await load();
const cli = fileURLToPath(new URL('../../scripts/cli.mjs', import.meta.url));
const run = promisify(execFile);
const state = (over = {}) => ({ ...defaults(L.settings), ...over });

// Keras 3's EarlyStopping.on_epoch_end (keras/src/callbacks/early_stopping.py), transcribed as the
// reference: returns {stoppedAt (0-based epoch, -1: never), bestEpoch}.
function kerasEarlyStopping(values, { patience = 0, minDelta = 0, mode = 'min', baseline = null } = {}) {
  const delta = mode === 'min' ? -Math.abs(minDelta) : Math.abs(minDelta);
  const op = mode === 'min' ? (a, b) => a < b : (a, b) => a > b;
  const isImprovement = (v, ref) => (ref === null ? true : op(v - delta, ref));
  let wait = 0;
  let best = null;
  let bestEpoch = 0;
  for (let epoch = 0; epoch < values.length; epoch++) {
    const current = values[epoch];
    wait += 1;
    if (isImprovement(current, best)) {
      best = current;
      bestEpoch = epoch;
      if (baseline === null || isImprovement(current, baseline)) wait = 0;
      continue;
    }
    if (wait >= patience && epoch > 0) return { stoppedAt: epoch, bestEpoch };
  }
  return { stoppedAt: -1, bestEpoch };
}

// Keras' ReduceLROnPlateau.on_epoch_end (keras/src/callbacks/reduce_lr_on_plateau.py): the lr after each epoch.
function kerasPlateau(values, lr, { factor = 0.1, patience = 10, minDelta = 1e-4, cooldown = 0, minLr = 0 } = {}) {
  let best = Infinity;
  let wait = 0;
  let cool = 0;
  const f32 = Math.fround;
  const out = [];
  for (const v of values) {
    if (cool > 0) { cool -= 1; wait = 0; }
    if (v < best - minDelta) { best = v; wait = 0; } else if (!(cool > 0)) {
      wait += 1;
      if (wait >= patience && f32(lr) > f32(minLr)) { lr = Math.max(lr * factor, minLr); cool = cooldown; wait = 0; }
    }
    out.push(lr);
  }
  return out;
}

const monitorRun = (values, o) => {
  const m = pg.callbacks.earlyStoppingMonitor({ monitor: 'val_loss', ...o });
  for (let e = 0; e < values.length; e++) if (m.update(e, values[e]).stop) return { stoppedAt: e, bestEpoch: m.state.bestEpoch };
  return { stoppedAt: -1, bestEpoch: Math.max(0, m.state.bestEpoch) };
};

test('EarlyStopping: the core monitor stops where Keras does on a fixed loss sequence', () => {
  const v = [1.0, 0.8, 0.7, 0.69, 0.695, 0.7, 0.68, 0.75, 0.8, 0.9];
  const cases = [
    [{ patience: 2 }, { stoppedAt: 5, bestEpoch: 3 }],
    [{ patience: 3 }, { stoppedAt: 9, bestEpoch: 6 }],
    [{ patience: 4, minDelta: 0.05 }, { stoppedAt: 6, bestEpoch: 2 }],
    [{ patience: 0 }, { stoppedAt: 4, bestEpoch: 3 }],
    [{ patience: 2, baseline: 0.5 }, { stoppedAt: 4, bestEpoch: 3 }],
    [{ patience: 20 }, { stoppedAt: -1, bestEpoch: 6 }],
  ];
  for (const [o, want] of cases) {
    assert.deepEqual(kerasEarlyStopping(v, o), want, `reference ${JSON.stringify(o)}`);
    assert.deepEqual(monitorRun(v, o), want, `core ${JSON.stringify(o)}`);
  }
});

test('EarlyStopping and ReduceLROnPlateau agree with Keas\' rules on 300 random sequences', () => {
  const values = pg.scope(() => pg.rand([300, 30], 7).toArray());
  const params = pg.scope(() => pg.rand([300, 4], 8).toArray());
  for (let k = 0; k < 300; k++) {
    // A noisy decreasing-then-rising curve, rounded so ties happen.
    const seq = Array.from({ length: 30 }, (_, i) => Math.round((Math.abs(i - 12) / 12 + values[k * 30 + i] * 0.6) * 20) / 20);
    const o = { patience: Math.floor(params[4 * k] * 6), minDelta: params[4 * k + 1] < 0.5 ? 0 : Math.round(params[4 * k + 1] * 10) / 100 };
    if (params[4 * k + 2] < 0.2) o.baseline = 0.6;
    assert.deepEqual(monitorRun(seq, o), kerasEarlyStopping(seq, o), `sequence ${k} ${JSON.stringify(o)}: ${seq}`);
    const p = { factor: 0.5, patience: Math.floor(params[4 * k + 3] * 5), minDelta: 1e-4, cooldown: k % 3, minLr: 0.001 };
    const m = pg.callbacks.reduceLrOnPlateauMonitor(p);
    let lr = 0.1;
    const ours = seq.map((x, e) => { const ev = m.update(e, x, lr); if (ev.reduced) lr = ev.lr; return lr; });
    assert.deepEqual(ours, kerasPlateau(seq, 0.1, p), `plateau ${k} ${JSON.stringify(p)}`);
  }
});

test('monitors: state rewinds, bad options name the option', () => {
  const m = pg.callbacks.earlyStoppingMonitor({ patience: 2 });
  m.update(0, 1);
  const saved = m.state;
  m.update(1, 2);
  assert.equal(m.state.wait, 1);
  m.setState(saved);
  assert.equal(m.state.wait, 0);
  assert.equal(m.update(1, 2).stop, false);
  assert.equal(m.update(2, 2).stop, true);
  assert.throws(() => m.update(3, 0.5), /earlyStopping: training stopped at epoch 2/);
  assert.throws(() => pg.callbacks.earlyStoppingMonitor({ patience: -1 }), /earlyStopping: patience must be >= 0, got -1/);
  assert.throws(() => pg.callbacks.earlyStoppingMonitor({ patience: 1.5 }), /patience/);
  assert.throws(() => pg.callbacks.earlyStoppingMonitor({ pateince: 3 }), /pateince/);
  assert.throws(() => pg.callbacks.reduceLrOnPlateauMonitor({ factor: 2 }), /factor must be in \(0, 1\)/);
  assert.throws(() => m.update(-1, 0), /epoch must be an integer >= 0/);
});

test('fit() runs the same monitors: restore_best_weights gives the best epoch\'s weights', () => {
  const { x, y } = pg.data.toy('moons', { points: 80, classes: 2, seed: 3 });
  const make = () => {
    const model = pg.sequential([pg.layers.dense(16, { activation: 'relu' }), pg.layers.dense(1, { activation: 'sigmoid' })], { inputShape: [2], seed: 1 });
    model.compile({ optimizer: { kind: 'adam', lr: 0.3 }, loss: 'binaryCrossEntropy' });
    return model;
  };
  const weights = [];
  const model = make();
  const h = model.fit(x, pg.reshape(y, [80, 1]), { epochs: 40, batchSize: 8, seed: 1, validationSplit: 0.5, callbacks: [
    pg.callbacks.earlyStopping({ monitor: 'val_loss', patience: 3, restoreBestWeights: true }),
    pg.callbacks.progress({ onEpochEnd: () => { weights.push(JSON.parse(model.save({ includeOptimizer: false })).weights); } })] });
  const vl = h.history.val_loss;
  const ref = kerasEarlyStopping(vl, { patience: 3 });
  assert.equal(h.stoppedEarly, ref.stoppedAt >= 0);
  assert.equal(h.bestEpoch, ref.bestEpoch);
  assert.ok(h.stoppedEarly, 'lr 0.3 overfits 40 points: it stops (so the restore is checked)');
  assert.deepEqual(JSON.parse(model.save({ includeOptimizer: false })).weights, weights[h.bestEpoch]);
  // ReduceLROnPlateau in fit: the logged lr follows Keras' rule on the logged values.
  const m2 = make();
  const h2 = m2.fit(x, pg.reshape(y, [80, 1]), { epochs: 25, batchSize: 8, seed: 1, validationSplit: 0.5,
    callbacks: [pg.callbacks.reduceLrOnPlateau({ monitor: 'val_loss', patience: 2, factor: 0.5 })] });
  const want = kerasPlateau(h2.history.val_loss, 0.3, { patience: 2, factor: 0.5 });
  assert.deepEqual(h2.history.lr.slice(1), want.slice(0, -1), 'lr of epoch e+1 = the rule after epoch e');
  assert.ok(want.at(-1) < 0.3, 'the lr was reduced (so the check can fail)');
  for (const t of [x, y]) t.dispose();
  model.dispose();
  m2.dispose();
});

test('the lesson: overfits noisy labels, stops where Keras would on its own history, restores the best epoch', () => {
  const s = L.session(pg, state({ epochs: 150, plateau: false }));
  try {
    runSession(s);
    const r = s.result();
    const ref = kerasEarlyStopping(r.history.val_loss, { patience: 20 });
    assert.ok(r.stoppedEarly, 'it stops early');
    assert.equal(r.epochs, ref.stoppedAt + 1);
    assert.equal(r.bestEpoch, ref.bestEpoch + 1);
    assert.equal(r.restoredFrom, r.bestEpoch);
    assert.equal(r.flipped, 20);
    assert.ok(r.history.loss.at(-1) < r.history.loss[r.bestEpoch - 1], 'training loss kept falling after the best epoch');
    const ev = r.events.find((e) => e.callback === 'EarlyStopping');
    assert.equal(ev.epoch, r.epochs);
    assert.match(ev.text, new RegExp(`weights of epoch ${r.bestEpoch} restored`));
    // The restored model gives the best epoch's val_loss again.
    const v = s.model.evaluate(s.xTest, s.yTest, { batchSize: 256 });
    assert.ok(Math.abs(v.loss - r.history.val_loss[r.bestEpoch - 1]) < 1e-6, `${v.loss} vs ${r.history.val_loss[r.bestEpoch - 1]}`);
  } finally {
    s.dispose();
  }
});

test('the lesson: reduce-on-plateau and the schedule set the lr each epoch as the core says', () => {
  const s = L.session(pg, state({ epochs: 60, earlyStopping: false, plateauPatience: 4, factor: 0.5, schedule: 'exponential' }));
  try {
    runSession(s);
    const r = s.result();
    assert.equal(r.epochs, 60);
    // Rebuild the lr from the logged val_loss with the core's monitor and schedule.
    const m = pg.callbacks.reduceLrOnPlateauMonitor({ monitor: 'val_loss', factor: 0.5, patience: 4, minDelta: 1e-4, minLr: 0.0001 });
    let base = 0.01;
    const reduced = [];
    for (let e = 0; e < 60; e++) {
      assert.equal(r.history.lr[e], pg.optim.scheduledLr({ kind: 'exponential', gamma: 0.99 }, base, e), `lr of epoch ${e + 1}`);
      const ev = m.update(e, r.history.val_loss[e], base);
      if (ev.reduced) { base = ev.lr; reduced.push(e + 1); }
    }
    assert.ok(reduced.length > 0, 'the plateau fired');
    assert.deepEqual(r.events.filter((e) => e.callback === 'ReduceLROnPlateau').map((e) => e.epoch), reduced);
    assert.ok(r.events.some((e) => e.callback === 'LearningRateScheduler'));
  } finally {
    s.dispose();
  }
});

test('scrub back to an epoch and resume: the same run as without the scrub, callbacks included', () => {
  const over = { epochs: 40, patience: 6, plateauPatience: 3 };
  const a = L.session(pg, state(over));
  const b = L.session(pg, state(over));
  try {
    runSession(a);
    runSession(b);
    const events = b.result().events.length;
    const back = Math.max(1, b.epoch - 4);
    b.command('scrub', { epoch: back });
    assert.equal(b.epoch, back);
    assert.equal(b.stoppedEarly, false);
    assert.ok(b.result().events.length <= events);
    runSession(b);
    assert.deepEqual(b.result().history, a.result().history);
    assert.deepEqual(b.result().events, a.result().events);
    assert.equal(b.result().bestEpoch, a.result().bestEpoch);
  } finally {
    a.dispose();
    b.dispose();
  }
});

test('the playground stops with the same core monitor', () => {
  const s = P.session(pg, { ...defaults(P.settings), epochs: 200, patience: 3, lr: 0.3, optimizer: 'adam', noise: 0.5, points: 100 });
  try {
    runSession(s);
    const r = s.result();
    const ref = kerasEarlyStopping(r.history.val_loss, { patience: 3 });
    assert.ok(r.stoppedEarly);
    assert.equal(r.epochs, ref.stoppedAt + 1);
    assert.equal(r.bestEpoch, ref.bestEpoch + 1);
  } finally {
    s.dispose();
  }
});

test('exercises: Keras\' rules on the fixed sequence', () => {
  const ex = Object.fromEntries(L.exercises.map((e) => [e.id, e]));
  const s = state(); // patience 20: never stops on 12 epochs
  assert.equal(ex['stop-epoch'].solve(pg, s).value, 0);
  assert.equal(ex['restored-epoch'].solve(pg, s).value, 12);
  const p2 = state({ patience: 2 });
  // best 0.549 at epoch 6; waits 1, 2 at epochs 7, 8 -> stops after epoch 8, restores epoch 6.
  assert.equal(ex['stop-epoch'].solve(pg, p2).value, 8);
  assert.equal(ex['restored-epoch'].solve(pg, p2).value, 6);
  // min_delta 0.01: 0.549 is not below 0.55 - 0.01, so the best stays epoch 4 (0.55); waits to 2 at epoch 6.
  assert.equal(ex['stop-epoch'].solve(pg, state({ patience: 2, minDelta: 0.01 })).value, 6);
  const ref = kerasEarlyStopping(L.SEQUENCE, { patience: 2, minDelta: 0.01 });
  assert.equal(ref.stoppedAt + 1, 6);
  // Plateau: factor 0.5, patience 8 on a flat loss from lr 0.01: reduced after epochs 9, 17, 25.
  assert.ok(Math.abs(ex['plateau-lr'].solve(pg, state()).value - 0.01 / 8) < 1e-12);
  assert.deepEqual(kerasPlateau(Array(30).fill(0.5), 0.01, { factor: 0.5, patience: 8, minLr: 0.0001 }).at(-1), 0.01 / 8);
});

test('bad settings: patience 1e9 and the like give a readable message and the default', () => {
  const { state: s, problems } = parseSettings(L.settings, { patience: '1e9', factor: '1', labelNoise: '-0.1' });
  assert.equal(s.patience, 20);
  assert.equal(problems.length, 3);
  assert.match(problems.find((q) => q.name === 'patience').message, /patience \(patience=1e9\) is not valid: expected a whole number from 0 to 1000/);
});

test('CLI: --json runs to the end with history, epochs and stoppedEarly; a bad flag is an error', async () => {
  const { stdout, stderr } = await run(process.execPath, [cli, 'lesson', 'early-stopping', '--epochs', '60', '--patience', '5', '--json']);
  assert.equal(stderr, '');
  const out = JSON.parse(stdout);
  assert.equal(typeof out.result.stoppedEarly, 'boolean');
  assert.equal(out.result.history.val_loss.length, out.result.epochs);
  assert.ok(Array.isArray(out.result.events));
  const same = L.session(pg, { ...defaults(L.settings), ...out.settings });
  runSession(same);
  assert.deepEqual(same.result().history, out.result.history);
  same.dispose();
  const plain = await run(process.execPath, [cli, 'lesson', 'early-stopping', '--epochs', '5']);
  assert.match(plain.stdout, /callbacks: EarlyStopping\(monitor='val_loss', patience=20/);
  await assert.rejects(run(process.execPath, [cli, 'lesson', 'early-stopping', '--patience', '1e9']),
    (e) => e.code === 2 && /patience/.test(e.stderr) && /0 to 1000/.test(e.stderr));
});
