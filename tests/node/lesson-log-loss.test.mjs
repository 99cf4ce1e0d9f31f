// The log-loss lesson's pure compute part, headless in Node against the wasm core: the course's
// categorical example (-log 0.3 = 1.204, one-hot = sparse), the binary curve, the weather batch,
// nats vs bits, TensorFlow.js's losses, and the CLI.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs';

import { load } from 'playgrad';
import * as lesson from '../../lessons/log-loss/lesson.mjs';
import { defaults, parseSettings } from '../../lessons/settings.mjs';
import { checkAnswer } from '../../lessons/exercises.mjs';

const pg = await load();
await tf.setBackend('cpu');

const near = (a, b, tol = 1e-6) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('the course example: y = 1, ŷ = [0.1, 0.3, 0.6] gives -log 0.3 = 1.204, one-hot and sparse alike', () => {
  const s = defaults(lesson.settings);
  assert.deepEqual(s.yhat, [0.1, 0.3, 0.6]);
  assert.equal(s.cls, 1);
  const c = lesson.compute(pg, s).categorical;
  near(c.oneHotLoss, 1.2039728, 1e-6);
  near(c.sparseLoss, 1.2039728, 1e-6);
  near(c.direct, 1.2039728, 1e-6);
  assert.equal(c.oneHotLoss, c.sparseLoss);
  assert.deepEqual(c.oneHot, [0, 1, 0]);
  assert.equal(lesson.fmt(c.oneHotLoss).slice(0, 5), '1.204');
  near(c.sum, 1, 1e-6);
  // Another true class: -log 0.6; and a row that does not sum to 1 is used as given.
  const c2 = lesson.compute(pg, { ...s, cls: 2, yhat: [0.5, 0.5, 0.25] }).categorical;
  near(c2.oneHotLoss, -Math.log(0.25), 1e-6);
  assert.equal(c2.oneHotLoss, c2.sparseLoss);
  near(c2.sum, 1.25, 1e-6);
});

test('binary log loss: -log p for y = 1, -log(1 - p) for y = 0, its slope by autograd, and bits', () => {
  const s = defaults(lesson.settings);
  let b = lesson.compute(pg, s).binary;
  assert.equal(s.p, 0.7);
  near(b.loss, -Math.log(0.7), 1e-6);
  near(b.bits, -Math.log2(0.7), 1e-6);
  near(b.grad, -1 / 0.7, 1e-5);
  b = lesson.compute(pg, { ...s, p: 0.1 }).binary;
  near(b.loss, 2.3025851, 1e-5);
  b = lesson.compute(pg, { ...s, p: 0.9 }).binary;
  near(b.loss, 0.1053605, 1e-6);
  b = lesson.compute(pg, { ...s, p: 0.7, y: 0 }).binary;
  near(b.loss, -Math.log(0.3), 1e-6);
  near(b.grad, 1 / 0.3, 1e-4);
  // The curves at every drawn p.
  assert.equal(b.curveP.length, b.curve1.length);
  b.curveP.forEach((p, i) => { near(b.curve1[i], -Math.log(p), 2e-6); near(b.curve0[i], -Math.log(1 - p), 2e-6); });
});

test('the weather batch: each row costs -log of its true class column; the sum and mean over rows', () => {
  const s = defaults(lesson.settings);
  const w = lesson.compute(pg, s).weather;
  assert.deepEqual(w.classes, ['Sunny', 'Rainy', 'Windy', 'Cloudy']);
  assert.deepEqual(w.oneHot, [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]);
  const rows = [s.sunny, s.rainy, s.windy, s.cloudy];
  const want = rows.map((r, i) => -Math.log(r[i]));
  w.perRow.forEach((v, i) => near(v, want[i], 1e-6));
  const total = want.reduce((a, b) => a + b, 0);
  near(w.total, total, 1e-5);
  near(w.mean, total / 4, 1e-5);
  near(w.bits, total / Math.LN2, 1e-5);
  // A probability of exactly 0 in the true column: clipped to 1e-7, a large finite loss.
  const z = lesson.compute(pg, { ...s, sunny: [0, 0.5, 0.25, 0.25] }).weather;
  near(z.perRow[0], 16.118095, 1e-4);
  assert.ok(Number.isFinite(z.total));
});

test('the same numbers as TensorFlow.js (categorical and binary cross-entropy, cpu backend)', () => {
  const s = { ...defaults(lesson.settings), p: 0.37, y: 1, sunny: [0.6, 0.2, 0.1, 0.1], windy: [0.05, 0.15, 0.3, 0.5] };
  const r = lesson.compute(pg, s);
  const rows = [s.sunny, s.rainy, s.windy, s.cloudy];
  const tfRows = tf.metrics.categoricalCrossentropy(tf.eye(4), tf.tensor2d(rows)).arraySync();
  r.weather.perRow.forEach((v, i) => near(v, tfRows[i], 1e-5));
  const tfCat = tf.metrics.categoricalCrossentropy(tf.tensor2d([[0, 1, 0]]), tf.tensor2d([s.yhat])).arraySync()[0];
  near(r.categorical.oneHotLoss, tfCat, 1e-5);
  const tfBin = tf.metrics.binaryCrossentropy(tf.tensor1d([1]), tf.tensor1d([0.37])).arraySync();
  near(r.binary.loss, tfBin, 1e-5);
});

test('check yourself: the Rainy day costs -ln 0.3 = 1.204 nats = 1.737 bits; a confident mistake has slope -20', () => {
  const state = defaults(lesson.settings);
  const ex = Object.fromEntries(lesson.exercises.map((e) => [e.id, e]));
  const rainy = ex.rainy.solve(pg, state);
  near(rainy.value, -Math.log(0.3), 1e-6);
  assert.equal(checkAnswer(pg, ex.rainy, state, '1.204').correct, true);
  assert.equal(checkAnswer(pg, ex.rainy, state, String(-Math.log(0.4))).correct, false, 'the Windy column is not the loss');
  assert.match(rainy.working.join(' '), /1\.2040/);
  near(ex.bits.solve(pg, state).value, -Math.log2(0.3), 1e-6);
  assert.equal(checkAnswer(pg, ex.bits, state, '1.737').correct, true);
  const slope = ex.slope.solve(pg, state);
  near(slope.value, -1 / 0.05, 1e-4);
  assert.equal(checkAnswer(pg, ex.slope, state, '-20').correct, true);
  assert.equal(checkAnswer(pg, ex.slope, state, '20').correct, false);
  assert.match(slope.working.join(' '), /-1\.4286/); // the slope at 0.7, from the core too
});

test('settings: defaults are valid; bad URL values fall back with a notice', () => {
  const { state, problems } = parseSettings(lesson.settings, { p: '1.5', y: '1', cls: '7', sunny: '0.1,0.2' });
  assert.equal(state.p, 0.7);
  assert.equal(state.cls, 1);
  assert.deepEqual(state.sunny, [0.7, 0.1, 0.1, 0.1]);
  assert.deepEqual(problems.map((p) => p.name).sort(), ['cls', 'p', 'sunny']);
});

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = (...args) => spawnSync(process.execPath, [`${root}scripts/cli.mjs`, ...args], { encoding: 'utf8', cwd: root });

test('CLI: npx playgrad lesson log-loss prints the numbers; --json gives the result', () => {
  let r = cli('lesson', 'log-loss');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /-log y-hat\[1\]\s+= 1\.2040/);
  r = cli('lesson', 'log-loss', '--json', '--p', '0.9');
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  const res = j.result ?? j;
  near(res.binary.loss, 0.1053605, 1e-6);
  near(res.categorical.sparseLoss, 1.2039728, 1e-6);
  r = cli('lesson', 'log-loss', '--p', '2');
  assert.notEqual(r.status, 0);
});
