// The dropout lesson (lessons/dropout/lesson.mjs) headless: both networks start from the same
// weights; the mask the session shows is the one the training step used (checked by recomputing
// that step's forward pass by hand from the mask); masks hold only 0 and 1/(1 − p); inference is
// the identity; p = 0 and p > 0 side by side; the exercises, bad input and the CLI.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { load } from 'playgrad';

import * as L from '../../lessons/dropout/lesson.mjs';
import { runSession } from '../../lessons/session.mjs';
import { defaults, parseSettings } from '../../lessons/settings.mjs';

const pg = await load();
const cli = fileURLToPath(new URL('../../scripts/cli.mjs', import.meta.url));
const run = promisify(execFile);
const state = (over = {}) => ({ ...defaults(L.settings), ...over });

function weightsOf(model) {
  const out = {};
  for (const [k, t] of Object.entries(model.weights())) { out[k] = Array.from(t.toArray()); t.dispose(); }
  return out;
}

test('p = 0 and p > 0 start from the same weights', () => {
  const s = L.session(pg, state({ rate: 0.5 }));
  try {
    assert.deepEqual(weightsOf(s.plain), weightsOf(s.drop));
  } finally {
    s.dispose();
  }
});

test('the mask shown is the one the step used: the step\'s forward recomputed from it matches', () => {
  const st = state({ rate: 0.4, width: 6, batchSize: 4 });
  const s = L.session(pg, st);
  // A twin of the p-network before the step: same seed, so same weights and the same dropout generators.
  const twin = L.buildModel(pg, st, st.rate);
  try {
    const before = weightsOf(s.drop);
    s.step();
    const step = s.snapshot().step;
    const W = st.width;
    const B = step.rows.length;
    assert.equal(B, 4);
    assert.equal(step.m1.length, B * W);
    const scale = 1 / (1 - st.rate);
    for (const m of [...step.m1, ...step.m2]) assert.ok(m === 0 || Math.abs(m - scale) < 1e-6, `mask value ${m}`);
    // By hand: ŷ = (tanh(tanh(x W1 + b1) ⊙ m1 W2 + b2) ⊙ m2) W3 + b3 with the weights before the step.
    const byHand = pg.scope(() => {
      const t = (k, shape) => pg.tensor(before[k], shape);
      const x = pg.tensor(step.x, [B, 1]);
      const h1 = pg.tanh(pg.add(pg.matmul(x, t('hidden1/kernel', [1, W])), t('hidden1/bias', [W])));
      assert.deepEqual(Array.from(h1.toArray()).map((v) => Math.fround(v)), Array.from(step.h1));
      const d1 = pg.mul(h1, pg.tensor(step.m1, [B, W]));
      assert.deepEqual(Array.from(d1.toArray()), Array.from(step.kept1));
      const h2 = pg.tanh(pg.add(pg.matmul(d1, t('hidden2/kernel', [W, W])), t('hidden2/bias', [W])));
      const d2 = pg.mul(h2, pg.tensor(step.m2, [B, W]));
      return pg.add(pg.matmul(d2, t('output/kernel', [W, 1])), t('output/bias', [1])).toArray();
    });
    // The twin's first training-mode forward draws the same masks the session's first step drew.
    const twinOut = pg.scope(() => twin.call(pg.tensor(step.x, [B, 1]), { training: true }).toArray());
    for (let i = 0; i < B; i++) assert.ok(Math.abs(twinOut[i] - byHand[i]) < 1e-5, `row ${i}: ${twinOut[i]} vs ${byHand[i]}`);
    assert.deepEqual(Array.from(pg.scope(() => twin.dropoutMask('dropout1').toArray())), Array.from(step.m1));
  } finally {
    twin.dispose();
    s.dispose();
  }
});

test('dropoutMask: readable errors for a non-Dropout layer and before any training step', () => {
  const m = L.buildModel(pg, state(), 0.5);
  try {
    assert.throws(() => m.dropoutMask('hidden1'), /dropoutMask: layer 'hidden1' is a Dense, not a Dropout layer/);
    assert.throws(() => m.dropoutMask('dropout1'), /dropoutMask: layer 'dropout1' has not run in training mode yet/);
    assert.throws(() => m.dropoutMask('nope'), /no layer named 'nope'/);
    pg.scope(() => m.predict(pg.ones([3, 1])));
    assert.throws(() => m.dropoutMask('dropout1'), /has not run in training mode yet/, 'inference draws no mask');
  } finally {
    m.dispose();
  }
});

test('inference mode is the identity: predict equals the forward without masks', () => {
  const st = state({ width: 5 });
  const m = L.buildModel(pg, st, 0.5);
  const plain = L.buildModel(pg, st, 0);
  try {
    const x = [-0.7, 0.1, 0.9];
    const a = pg.scope(() => m.predict(pg.tensor(x, [3, 1])).toArray());
    const b = pg.scope(() => plain.predict(pg.tensor(x, [3, 1])).toArray());
    assert.deepEqual(Array.from(a), Array.from(b));
    const t1 = pg.scope(() => m.call(pg.tensor(x, [3, 1]), { training: true }).toArray());
    assert.notDeepEqual(Array.from(t1), Array.from(a), 'training mode drops units');
  } finally {
    m.dispose();
    plain.dispose();
  }
});

test('side by side: the same batches, the same numbers from the same seed', () => {
  const a = L.session(pg, state({ epochs: 5 }));
  const b = L.session(pg, state({ epochs: 5 }));
  try {
    runSession(a);
    runSession(b);
    assert.deepEqual(a.result(), b.result());
    const h = a.result().history;
    for (const k of Object.keys(h)) assert.equal(h[k].length, 5, k);
    assert.equal(a.snapshot().step.rows.length, 4);
  } finally {
    a.dispose();
    b.dispose();
  }
});

test('the defaults (12 noisy points, 32 units, p = 0.2): without dropout the network overfits, with it the test MSE is lower', () => {
  const s = L.session(pg, state());
  try {
    runSession(s);
    const h = s.result().history;
    assert.equal(h.val_loss.length, 300);
    assert.ok(h.plain_train_mse.at(-1) < h.train_mse.at(-1), `train MSE p=0 ${h.plain_train_mse.at(-1)} vs p=0.2 ${h.train_mse.at(-1)}`);
    // p = 0: the test MSE rises from its best as the training MSE falls (noise variance 0.16)
    assert.ok(h.plain_val_loss.at(-1) > 1.3 * Math.min(...h.plain_val_loss), 'p = 0 overfits');
    assert.ok(h.plain_val_loss.at(-1) > h.val_loss.at(-1), `test MSE p=0 ${h.plain_val_loss.at(-1)} vs p=0.2 ${h.val_loss.at(-1)}`);
    // Keras' training loss is measured with the masks on, during the epoch: on average over the
    // last 50 epochs it is above the inference-mode training MSE.
    const mean = (a) => a.slice(-50).reduce((x, y) => x + y, 0) / 50;
    assert.ok(mean(h.loss) > mean(h.train_mse), `${mean(h.loss)} vs ${mean(h.train_mse)}`);
    const snap = s.snapshot();
    assert.equal(snap.curve.samples.length, L.SAMPLES);
    assert.notDeepEqual(Array.from(snap.curve.samples[0]), Array.from(snap.curve.drop));
  } finally {
    s.dispose();
  }
});

test('p = 0 in both: identical training, an all-ones mask', () => {
  const s = L.session(pg, state({ rate: 0, epochs: 5 }));
  try {
    runSession(s);
    const h = s.result().history;
    assert.deepEqual(h.plain_val_loss, h.val_loss);
    assert.ok(s.snapshot().step.m1.every((v) => v === 1));
    assert.equal(s.snapshot().curve.samples.length, 0);
  } finally {
    s.dispose();
  }
});

test('bad input: p = 1 or p < 0 is refused with a readable message', () => {
  assert.throws(() => L.session(pg, state({ rate: 1 })), (e) => e instanceof pg.PlaygradError && /rate p must be a number with 0 ≤ p < 1, got 1/.test(e.message));
  assert.throws(() => L.session(pg, state({ rate: -0.1 })), /0 ≤ p < 1/);
  const { state: st, problems } = parseSettings(L.settings, { rate: '1.5' });
  assert.equal(st.rate, 0.2);
  assert.equal(problems.length, 1);
  assert.throws(() => pg.sequential([pg.layers.dropout(1)], { inputShape: [2] }), /Dropout: rate must be in \[0, 1\), got 1/);
});

test('exercises: 1/(1 − p), the identity at inference, and the count of dropped units', () => {
  const byId = Object.fromEntries(L.exercises.map((e) => [e.id, e]));
  assert.ok(Math.abs(byId.scale.solve(pg, state({ rate: 0.5 })).value - 2) < 1e-6);
  assert.ok(Math.abs(byId.scale.solve(pg, state({ rate: 0.3 })).value - 1 / 0.7) < 1e-6);
  assert.equal(byId.inference.solve(pg, state()).value, 3);
  const n = byId.count.solve(pg, state()).value;
  assert.ok(Number.isInteger(n) && Math.abs(n - 300) < 50, `dropped ${n}`);
});

test('CLI: --json prints history, epochs and stoppedEarly; report() without --json', async () => {
  const { stdout, stderr } = await run(process.execPath, [cli, 'lesson', 'dropout', '--epochs', '6', '--json']);
  assert.equal(stderr, '');
  const out = JSON.parse(stdout);
  assert.equal(out.result.epochs, 6);
  assert.equal(out.result.stoppedEarly, false);
  assert.equal(out.result.history.val_loss.length, 6);
  const same = L.session(pg, { ...defaults(L.settings), ...out.settings });
  runSession(same);
  assert.deepEqual(same.result().history, out.result.history);
  same.dispose();
  const text = await run(process.execPath, [cli, 'lesson', 'dropout', '--epochs', '2', '--rate', '0.5']);
  assert.match(text.stdout, /1\/\(1 − p\) = 2\.0000/);
  assert.match(text.stdout, /units dropped/);
  await assert.rejects(run(process.execPath, [cli, 'lesson', 'dropout', '--rate', '1']), (e) => e.code !== 0 && /rate/.test(e.stderr));
});
