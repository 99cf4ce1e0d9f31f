// The siamese lesson headless: the core's contrastive loss and its gradient against the formula
// and central finite differences (both branches of the max, D just inside and just outside the
// margin), ROC/AUC and the threshold counts on a hand-computed case, the twins' one weight set,
// the distance as each convention writes it, a short training run (the same numbers twice, the
// held-out AUC rising), the exercises, bad input (an empty drawing, margin <= 0 or NaN) and the CLI.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { load } from 'playgrad';

import * as L from '../../lessons/siamese/lesson.mjs';
import { checkAnswer } from '../../lessons/exercises.mjs';
import { runSession } from '../../lessons/session.mjs';
import { defaults, parseSettings } from '../../lessons/settings.mjs';

const pg = await load();
const cli = fileURLToPath(new URL('../../scripts/cli.mjs', import.meta.url));
const run = promisify(execFile);
const state = (over = {}) => ({ ...defaults(L.settings), ...over });
const close = (a, b, tol, what) => assert.ok(Math.abs(a - b) <= tol * (1 + Math.abs(b)), `${what}: ${a} vs ${b}`);
const SHORT = { digits: 300, epochs: 2, batch: 32 };

// The course's formula in double, at the float32 value the core sees.
const formula = (d, y, m) => {
  const D = Math.fround(d);
  return y * D * D + (1 - y) * Math.max(0, m - D) ** 2;
};
const slope = (d, y, m) => {
  const D = Math.fround(d);
  return y === 1 ? 2 * D : (D < m ? -2 * (m - D) : 0);
};

test('contrastive loss and its gradient: the formula, both branches of the max, D near the margin, finite differences', () => {
  for (const m of [1, 0.5, 2.5]) {
    // same pairs anywhere; different pairs well inside, well outside, and just either side of m
    const cases = [[0, 1], [0.3, 1], [1.7, 1], [m * 0.2, 0], [m * 0.9, 0], [m * 1.6, 0], [m - 0.005, 0], [m + 0.005, 0], [m - 0.005, 1]];
    const d = cases.map((c) => c[0]);
    const y = cases.map((c) => c[1]);
    const { per, mean, grad } = pg.scope(() => {
      const D = pg.tensor(d, undefined, { requiresGrad: true });
      const Y = pg.tensor(y);
      const per = pg.losses.contrastive(D, Y, { margin: m, reduction: 'none' }).toArray();
      const loss = pg.losses.contrastive(D, Y, { margin: m });
      loss.backward();
      return { per, mean: loss.item(), grad: D.grad.toArray() };
    });
    let sum = 0;
    cases.forEach(([di, yi], i) => {
      close(per[i], formula(di, yi, m), 1e-6, `m ${m}: L(D ${di}, y ${yi})`);
      sum += per[i];
      // The mean's gradient is the slope over the number of pairs.
      close(grad[i] * cases.length, slope(di, yi, m), 1e-5, `m ${m}: ∂L/∂D at D ${di}, y ${yi}`);
      // Central differences of the core's own loss (h small enough not to cross the kink at m).
      const h = 1e-3;
      const at = (v) => pg.scope(() => pg.losses.contrastive(pg.tensor([v]), pg.tensor([yi]), { margin: m, reduction: 'sum' }).item());
      const fd = (at(di + h) - at(di - h)) / (2 * h);
      close(fd, slope(di, yi, m), 2e-3, `m ${m}: finite difference at D ${di}, y ${yi}`);
    });
    close(mean, sum / cases.length, 1e-6, `m ${m}: the mean over the pairs`);
    // The two branches really differ at the margin: just inside pays, just outside does not.
    assert.ok(per[6] > 0 && per[7] === 0, `m ${m}: inside ${per[6]}, outside ${per[7]}`);
    assert.ok(grad[6] < 0 && grad[7] === 0, `m ${m}: a different pair inside the margin is pushed out, outside it is left alone`);
  }
});

test('ROC, AUC and the threshold counts against a hand-computed case', () => {
  // Same at 0.2 and 0.5; different at 0.3, 0.5, 0.9: (0,0) (0,½) (⅓,½) (⅔,1) (1,1), AUC 3/4.
  const r = pg.similarity.roc([0.2, 0.5, 0.3, 0.5, 0.9], [1, 1, 0, 0, 0]);
  assert.deepEqual(Array.from(r.fpr).map((v) => Number(v.toFixed(6))), [0, 0, 0.333333, 0.666667, 1]);
  assert.deepEqual(Array.from(r.tpr), [0, 0.5, 0.5, 1, 1]);
  close(r.auc, 0.75, 1e-12, 'AUC');
  const c = pg.similarity.thresholdCounts([0.2, 0.5, 0.3, 0.5, 0.9], [1, 1, 0, 0, 0], 0.5);
  assert.deepEqual({ ...c }, { tp: 2, fp: 2, tn: 1, fn: 0, accuracy: 0.6 });
  const nb = pg.similarity.nearest([[0, 0], [3, 4], [1, 0]], [[0.1, 0]], 2);
  assert.deepEqual(nb.index, [0, 2]);
  assert.throws(() => pg.similarity.roc([0.1, 0.2], [1, 1]), /roc: needs at least one same and one different pair/);
  assert.throws(() => pg.similarity.nearest([[0, 0]], [[0, 0, 0]], 1), /nearest: queries have dimension 3, the points 2/);
});

test('the twins hold one weight set: one tower\'s parameters, the same embedding for the same input', () => {
  const s = state({ hidden: 8 });
  const m = L.buildTwins(pg, s);
  try {
    assert.equal(m.countParams(), L.towerParams(s));
    assert.equal(L.towerParams(s), 196 * 8 + 8 + 8 * 2 + 2);
    const [a, b] = pg.scope(() => {
      const x = pg.rand([3, 196], 5);
      const [ea, eb] = m.call([x, x]);
      return [ea.toArray(), eb.toArray()];
    });
    assert.deepEqual(Array.from(a), Array.from(b));
  } finally {
    m.dispose();
  }
});

test('the distance as each convention writes it', () => {
  const a = [[0, 0], [3, 4], [1e-5, 0]];
  const b = [[0, 0], [0, 0], [0, 0]];
  const get = (convention) => pg.scope(() => L.pairDistances(pg, pg.tensor(a), pg.tensor(b), { convention }).toArray());
  const k = get('keras');
  const p = get('pytorch');
  close(k[0], Math.sqrt(1e-7), 1e-5, 'Keras at a = b: √ε');
  close(k[1], 5, 1e-6, 'Keras 3-4-5');
  close(p[0], Math.sqrt(2) * 1e-6, 1e-4, 'PyTorch at a = b: ‖ε·1‖');
  close(p[1], Math.hypot(3 + 1e-6, 4 + 1e-6), 1e-6, 'PyTorch 3-4-5');
});

test('training: the same numbers twice, the held-out AUC rises, the view commands work', () => {
  const s1 = runSession(L.session(pg, state(SHORT)));
  const s2 = runSession(L.session(pg, state(SHORT)));
  try {
    const r1 = s1.result();
    const r2 = s2.result();
    assert.equal(r1.epochs, 2);
    assert.equal(r1.stoppedEarly, false);
    assert.equal(r1.history.loss.length, 2);
    assert.deepEqual(r1.history, r2.history);
    assert.equal(r1.auc, r2.auc);
    assert.ok(r1.auc > r1.aucBefore + 0.1, `AUC ${r1.aucBefore} before, ${r1.auc} after`);
    assert.ok(r1.history.loss[1] < r1.history.loss[0], `training loss ${r1.history.loss}`);
    // The snapshot's judged numbers are the core's on the snapshot's distances.
    const snap = s1.snapshot();
    const roc = pg.similarity.roc(snap.evalD, snap.evalSame);
    assert.equal(snap.judged.auc, roc.auc);
    assert.deepEqual(snap.judged.counts, { ...pg.similarity.thresholdCounts(snap.evalD, snap.evalSame, 0.5) });
    // The current batch's pairs on the curves: the core's loss at the margin now.
    snap.batchPairs.d.forEach((d, i) => close(snap.batchPairs.loss[i], formula(d, snap.batchPairs.same[i], 1), 1e-5, `pair ${i}`));
    // Threshold and margin in place.
    assert.equal(s1.setState(state({ ...SHORT, threshold: 0.2, margin: 2 })), true);
    const moved = s1.snapshot();
    assert.deepEqual(moved.judged.counts, { ...pg.similarity.thresholdCounts(moved.evalD, moved.evalSame, 0.2) });
    moved.batchPairs.d.forEach((d, i) => close(moved.batchPairs.loss[i], formula(d, moved.batchPairs.same[i], 2), 1e-5, `pair ${i} at m 2`));
    // Scrub back to before training: that epoch's embedding and AUC.
    s1.command('scrub', { epoch: 0 });
    const back = s1.snapshot();
    assert.equal(back.shown, 0);
    assert.equal(back.judged.auc, r1.aucBefore);
    assert.throws(() => s1.command('scrub', { epoch: 9 }), /siamese: no epoch 9 to show \(0 to 2\)/);
    // Find similar: neighbours from the core, nearest first, the query itself left out.
    s1.command('scrub', { epoch: 2 });
    const nb = s1.snapshot().neighbours;
    assert.equal(nb.list.length, L.NEIGHBOURS);
    assert.ok(nb.list.every((n, i) => n.index !== 0 && (i === 0 || n.distance >= nb.list[i - 1].distance)));
    // A drawing: embedded by the tower, its neighbours listed.
    const drawn = new Array(196).fill(0);
    for (let r = 3; r < 11; r++) drawn[r * 14 + 7] = 1;  // a "1"
    s1.command('draw', { pixels: drawn });
    const dn = s1.snapshot().neighbours;
    // The pad's ink (any size) goes through the core's MNIST-style preparation first.
    const ink = new Array(56 * 56).fill(0);
    for (let r = 10; r < 46; r++) for (let c = 26; c < 30; c++) ink[r * 56 + c] = 1;
    s1.command('draw', { image: ink, height: 56, width: 56 });
    const prepared = pg.vision.prepareDigit(ink, { height: 56, width: 56, size: 14 }).image;
    assert.deepEqual(s1.snapshot().drawing, Array.from(prepared));
    assert.equal(dn.drawn, true);
    assert.equal(dn.list.length, L.NEIGHBOURS);
  } finally {
    s1.dispose();
    s2.dispose();
  }
});

test('the exercises: the course\'s numbers from the core', () => {
  const s = state();
  const byId = Object.fromEntries(L.exercises.map((e) => [e.id, e]));
  close(byId['different-inside-margin'].solve(pg, s).value, 0.36, 1e-6, '(1 − 0.4)²');
  close(byId['different-inside-margin'].solve(pg, state({ margin: 0.3 })).value, 0, 0, 'beyond the margin');
  close(byId['same-gradient'].solve(pg, s).value, 1.6, 1e-6, '2D');
  close(byId['auc-by-hand'].solve(pg, s).value, 0.75, 1e-9, 'AUC');
  assert.equal(checkAnswer(pg, byId['auc-by-hand'], s, '0.75').correct, true);
  assert.equal(checkAnswer(pg, byId['same-gradient'], s, '0.8').correct, false);
});

test('bad input: an empty drawing, margin <= 0 or NaN, a malformed URL field', () => {
  assert.throws(() => L.checkDrawing(pg, new Array(196).fill(0)), /find similar: the drawing is empty/);
  assert.throws(() => L.checkDrawing(pg, new Array(10).fill(1)), /find similar: the drawing must be 14 × 14 = 196 grey levels, got 10/);
  assert.throws(() => L.checkDrawing(pg, [NaN, ...new Array(195).fill(0)]), /a grey level must be in \[0, 1\], got NaN/);
  for (const m of [0, -1, NaN]) {
    assert.throws(() => L.lossCurves(pg, m, 2), /contrastive: margin must be > 0/);
    assert.throws(() => pg.losses.contrastive(pg.tensor([0.5]), pg.tensor([0]), { margin: m }), /contrastive: margin must be > 0/);
  }
  const { state: s, problems } = parseSettings(L.settings, { margin: '0', threshold: 'NaN', query: '9999' });
  assert.equal(s.margin, 1);
  assert.equal(s.threshold, 0.5);
  assert.equal(s.query, 1);
  assert.equal(problems.length, 3);
  assert.ok(problems.some((p) => p.name === 'margin' && /Margin/.test(p.message)), problems.map((p) => p.message).join('; '));
  const sess = L.session(pg, state({ digits: 100, epochs: 1 }));
  try {
    assert.throws(() => sess.command('draw', { pixels: new Array(196).fill(0) }), /the drawing is empty/);
    assert.throws(() => sess.command('draw', { image: new Array(112 * 112).fill(0), height: 112, width: 112 }), /find similar: prepareDigit: the drawing is empty/);
    assert.throws(() => sess.command('fly'), /siamese: unknown command 'fly'/);
  } finally {
    sess.dispose();
  }
});

test('the CLI runs the session to the end, with --json and without', async () => {
  const { stdout } = await run(process.execPath, [cli, 'lesson', 'siamese', '--epochs', '1', '--digits', '200', '--json']);
  const j = JSON.parse(stdout);
  assert.equal(j.lesson, 'siamese');
  assert.equal(j.result.epochs, 1);
  assert.equal(j.result.stoppedEarly, false);
  assert.equal(j.result.history.loss.length, 1);
  const plain = await run(process.execPath, [cli, 'lesson', 'siamese', '--epochs', '1', '--digits', '200']);
  assert.match(plain.stdout, /one shared weight set/);
  assert.match(plain.stdout, /AUC \d\.\d{4}/);
});
