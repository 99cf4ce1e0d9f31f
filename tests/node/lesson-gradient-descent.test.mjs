// The gradient-descent lesson's pure compute part and pg.optim.linePath / lineStats, headless in
// Node against the wasm core: ∂MSE/∂w and ∂MSE/∂b against the formula and finite differences, one
// step against the update rule, steps per epoch and every point once per epoch, the 2/λmax
// threshold on the default points, the same seed giving the same path, the contour grid, the
// exercises, bad input and the CLI.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { load } from 'playgrad';
import * as lesson from '../../lessons/gradient-descent/lesson.mjs';
import { checkAnswer } from '../../lessons/exercises.mjs';
import { defaults, normalize, parseSettings, parseHash, toQuery } from '../../lessons/settings.mjs';

const pg = await load();

const near = (a, b, tol = 1e-5) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);
const base = defaults(lesson.settings);
const st = (o) => normalize(lesson.settings, { ...base, ...o });
const { xs: X, ys: Y } = lesson.pointsOf(base);

// The MSE and its gradient in double, by the formula: L = 1/N Σ r², r = w x + b - y.
function mse(w, b, xs = X, ys = Y) {
  let l = 0, gw = 0, gb = 0;
  const n = xs.length;
  xs.forEach((x, i) => { const r = w * x + b - ys[i]; l += r * r / n; gw += (2 / n) * r * x; gb += (2 / n) * r; });
  return { l, gw, gb };
}

test('defaults: 8 points, full batch, α = 0.15 below 2/λmax; the path goes downhill to the least-squares line', () => {
  const r = lesson.compute(pg, base);
  assert.equal(r.n, 8);
  assert.equal(r.mode, 'full');
  assert.equal(r.batchSize, 8);
  assert.equal(r.stepsPerEpoch, 1);
  assert.equal(r.totalSteps, 20);
  assert.equal(r.path.steps, 20);
  assert.equal(r.path.stop, '');
  assert.equal(r.diverges, false);
  assert.deepEqual([r.path.w[0], r.path.b[0]], [-1.5, 4]);
  for (let t = 1; t <= 20; t++) assert.ok(r.path.loss[t] < r.path.loss[t - 1], `loss falls at step ${t}`);
  assert.ok(r.path.loss[20] < 1.2 * r.stats.lossOpt + 0.05, `${r.path.loss[20]} near L* = ${r.stats.lossOpt}`);
  assert.equal(r.t, 0);
  assert.deepEqual(r.batch, [0, 1, 2, 3, 4, 5, 6, 7]);
});

test('∂MSE/∂w and ∂MSE/∂b: backward() = the formula 2/N Σ (ŷ - y)x, 2/N Σ (ŷ - y) = central finite differences', () => {
  for (const [w, b] of [[-1.5, 4], [0, 0], [2.3, -1.7], [1.4, 1.0]]) {
    const a = lesson.mseAt(pg, w, b, X, Y);
    const ref = mse(w, b);
    near(a.loss, ref.l, 1e-5);
    near(a.grad[0], ref.gw, 1e-5);
    near(a.grad[1], ref.gb, 1e-5);
    near(a.formula[0], ref.gw, 1e-5);
    near(a.formula[1], ref.gb, 1e-5);
    // L is a quadratic in (w, b): the central difference is exact up to rounding. The core's
    // float32 MSE at w ± h, b ± h (h = 1e-2).
    const h = 1e-2;
    const L = (ww, bb) => lesson.mseAt(pg, ww, bb, X, Y).loss;
    near((L(w + h, b) - L(w - h, b)) / (2 * h), a.grad[0], 2e-3);
    near((L(w, b + h) - L(w, b - h)) / (2 * h), a.grad[1], 2e-3);
    // The per-point numbers.
    a.res.forEach((v, i) => near(v, w * X[i] + b - Y[i], 1e-5));
    a.resX.forEach((v, i) => near(v, (w * X[i] + b - Y[i]) * X[i], 1e-5));
  }
});

test('one step is the update rule w ← w − α·∂L/∂w, b ← b − α·∂L/∂b', () => {
  const r = lesson.compute(pg, st({ lr: 0.1 }));
  const ref = mse(-1.5, 4);
  near(r.update.gw, ref.gw, 1e-5);
  near(r.update.gb, ref.gb, 1e-5);
  near(r.update.w, -1.5 - 0.1 * ref.gw, 1e-5);
  near(r.update.b, 4 - 0.1 * ref.gb, 1e-5);
  // Exactly what the core's SGD did with the gradient backward() gave (float32: w - lr·g).
  assert.equal(r.update.w, Math.fround(-1.5 - Math.fround(Math.fround(0.1) * r.update.gw)));
  near(r.fullNext[0], r.update.w, 1e-6); // full batch: the batch step is the full step
  // The sign decides the direction: here ∂L/∂w < 0 so w grows.
  assert.ok(r.update.gw < 0 && r.update.w > -1.5);
  // Every later step too, at the shown step t.
  const r5 = lesson.compute(pg, st({ lr: 0.1, step: 5 }));
  const g5 = mse(r5.w, r5.b);
  near(r5.update.gw, g5.gw, 1e-4);
  near(r5.update.w, r5.w - 0.1 * g5.gw, 1e-4);
  near(r5.all.loss, g5.l, 1e-5);
});

test('steps per epoch = ceil(N / B); each epoch uses every point once, in a seeded shuffle', () => {
  for (let B = 1; B <= 10; B++) {
    const r = lesson.compute(pg, st({ batch: B, epochs: 4 }));
    const N = 8, used = Math.min(B, N), S = Math.ceil(N / used);
    assert.equal(r.stepsPerEpoch, S, `B = ${B}`);
    assert.equal(r.batchSize, used);
    assert.equal(r.path.steps, 4 * S);
    assert.equal(r.mode, B >= 8 ? 'full' : B === 1 ? 'stochastic' : 'mini');
    for (let e = 0; e < 4; e++) {
      const seen = r.path.order.slice(e * N, (e + 1) * N);
      assert.deepEqual([...seen].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7], `B = ${B}, epoch ${e}: every point once`);
      // The batches of the epoch are consecutive slices of its order: together every point once.
      const batches = [];
      for (let k = 0; k < S; k++) batches.push(lesson.compute(pg, st({ batch: B, epochs: 4, step: e * S + k })).batch);
      assert.deepEqual(batches.flat().sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7]);
      assert.ok(batches.every((bt, k) => bt.length === (k < S - 1 ? used : N - used * (S - 1))));
    }
  }
  // Mini-batch steps use the batch's gradient: 2/|B| Σ over the batch.
  const r = lesson.compute(pg, st({ batch: 3, epochs: 2, step: 4 }));
  const bx = r.batch.map((i) => X[i]), by = r.batch.map((i) => Y[i]);
  const ref = mse(r.w, r.b, bx, by);
  near(r.update.gw, ref.gw, 1e-4);
  near(r.update.gb, ref.gb, 1e-4);
  near(r.onBatch.formula[0], ref.gw, 1e-4);
  assert.equal(r.epoch, 1);
  assert.equal(r.inEpoch, 1);
  // The course's example: N = 10, B = 4 -> 3 steps per epoch.
  const p = pg.optim.linePath([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { batchSize: 4, epochs: 2 });
  assert.equal(p.stepsPerEpoch, 3);
  assert.equal(p.steps, 6);
});

test('the same seed gives the same path; another seed another order; full batch does not depend on it', () => {
  const a = lesson.compute(pg, st({ batch: 2, seed: 5 }));
  const b = lesson.compute(pg, st({ batch: 3 }));      // another path in between (the memo changes)
  const c = lesson.compute(pg, st({ batch: 2, seed: 5 }));
  assert.deepEqual(a.path.w, c.path.w);
  assert.deepEqual(a.path.order, c.path.order);
  assert.notDeepEqual(a.path.order, b.path.order);
  const d = lesson.compute(pg, st({ batch: 2, seed: 6 }));
  assert.notDeepEqual(a.path.order, d.path.order);
  assert.notDeepEqual(a.path.w, d.path.w);
  const f1 = lesson.compute(pg, st({ seed: 1 })), f2 = lesson.compute(pg, st({ seed: 2 }));
  assert.deepEqual(f1.path.w, f2.path.w);
});

test('the Hessian 2/N [[Σx², Σx], [Σx, N]], its eigenvalues, and 2/λmax', () => {
  const s = lesson.compute(pg, base).stats;
  // The core sums the float32 coordinates in double.
  const F = X.map(Math.fround);
  const N = 8, sx = F.reduce((a, v) => a + v, 0), sxx = F.reduce((a, v) => a + v * v, 0);
  near(s.sx, sx, 1e-6);
  near(s.sxx, sxx, 1e-6);
  const h = [2 * sxx / N, 2 * sx / N, 2 * sx / N, 2];
  s.hessian.forEach((v, i) => near(v, h[i], 1e-9));
  // Eigenvalues: trace and determinant, and H v = λ v.
  near(s.eigMin + s.eigMax, h[0] + h[3], 1e-9);
  near(s.eigMin * s.eigMax, h[0] * h[3] - h[1] * h[2], 1e-9);
  near(s.lrMax, 2 / s.eigMax, 1e-12);
  // The least-squares line: the gradient vanishes there.
  const g = mse(s.wOpt, s.bOpt, F, Y.map(Math.fround));
  near(g.gw, 0, 1e-9);
  near(g.gb, 0, 1e-9);
  near(s.lossOpt, g.l, 1e-9);
});

test('2/λmax: on the default points, full batch converges just below it and diverges (oscillating) just above', () => {
  const lrMax = lesson.compute(pg, base).stats.lrMax;
  const run = (lr) => pg.optim.linePath(X, Y, { w0: -1.5, b0: 4, lr, epochs: 3000, limit: lesson.LIMIT });
  const below = run(0.98 * lrMax);
  assert.equal(below.stop, '');
  const s = pg.optim.lineStats(X, Y);
  near(below.w[below.steps], s.wOpt, 1e-3);
  near(below.b[below.steps], s.bOpt, 1e-3);
  const above = run(1.02 * lrMax);
  assert.match(above.stop, /^diverged at step \d+/);
  // It oscillates: ∂L/∂w changes sign at every step, and the loss grows.
  for (let t = 1; t < 40; t++) assert.ok(above.gw[t] * above.gw[t - 1] < 0, `sign flip at step ${t}`);
  assert.ok(above.loss[above.steps] > 100 * above.loss[0]);
  // The lesson says so, and draws the path as far as it stayed finite.
  const r = lesson.compute(pg, st({ lr: Math.round(1.1 * lrMax * 1000) / 1000, epochs: 100 }));
  assert.equal(r.diverges, true);
  assert.match(r.path.stop, /^diverged/);
  assert.ok(r.path.w.every(Number.isFinite));
  assert.equal(r.path.gw.length, r.path.w.length - 1);
  assert.equal(lesson.compute(pg, st({ lr: Math.floor(0.99 * lrMax * 1000) / 1000 })).diverges, false);
});

test('the contour grid is L(w, b) on the (w, b) box, row = b, column = w', () => {
  const r = lesson.compute(pg, base);
  const { n, ws, bs, values } = r.grid;
  assert.equal(n, lesson.GRID);
  assert.equal(values.length, n * n);
  for (const [row, col] of [[0, 0], [10, 50], [63, 63], [31, 17]]) near(values[row * n + col], mse(ws[col], bs[row]).l, 1e-4);
  // The box holds the start and the minimum.
  const [w0, w1, b0, b1] = r.box;
  assert.ok(w0 <= -1.5 && -1.5 <= w1 && b0 <= 4 && 4 <= b1);
  assert.ok(w0 < r.stats.wOpt && r.stats.wOpt < w1 && b0 < r.stats.bOpt && r.stats.bOpt < b1);
});

test('the shown step: clamped to the path, epoch and batch of the step', () => {
  const r = lesson.compute(pg, st({ batch: 3, epochs: 2, step: 6 }));
  assert.equal(r.t, 6);
  assert.equal(r.hasNext, false);
  assert.equal(r.update, null);
  assert.deepEqual(r.batch, []);
  // A diverged path stops early: the step shown is its last point.
  const lrMax = lesson.compute(pg, base).stats.lrMax;
  const d = lesson.compute(pg, st({ lr: Math.min(1, Math.round(3 * lrMax * 1000) / 1000), epochs: 100, step: 99 }));
  assert.equal(d.t, d.path.steps);
  assert.ok(d.t < 99);
});

test('exercises: the sign of ∂L/∂w at the start, steps per epoch for N = 10, B = 4, doubling α', () => {
  const [sign, steps, dbl] = lesson.exercises;
  assert.equal(sign.solve(pg, base).value, 'negative');
  assert.equal(checkAnswer(pg, sign, base, 'negative').correct, true);
  assert.equal(checkAnswer(pg, sign, base, 'positive').correct, false);
  // Start right of the minimum's slope: ∂L/∂w > 0.
  assert.equal(sign.solve(pg, st({ w0: 5, b0: 4 })).value, 'positive');
  assert.equal(steps.solve(pg, base).value, 3);
  assert.equal(checkAnswer(pg, steps, base, '3').correct, true);
  assert.equal(checkAnswer(pg, steps, base, '2').correct, false);
  // α = 0.15 doubled is 0.3 > 2/λmax = 0.28...: diverges; 0.1 doubled converges.
  assert.equal(dbl.solve(pg, base).value, 'diverges');
  assert.equal(dbl.solve(pg, st({ lr: 0.1 })).value, 'converges');
  assert.match(dbl.solve(pg, base).working.join(' '), /2 \/ \\lambda_\{max\}/);
});

test('points round-trip through a shared URL; bad input is refused with a readable message', () => {
  const s = st({ points: [0, 1, 2, 3, 4, 5.5], batch: 2, step: 3, lr: 0.05 });
  const q = toQuery(lesson.settings, s);
  assert.match(q, /points=0,1,2,3,4,5\.5/);
  const back = parseSettings(lesson.settings, parseHash(`#/gradient-descent?${q}`).fields);
  assert.deepEqual(back.problems, []);
  assert.deepEqual(back.state, s);
  // An odd count (a point without its y), NaN, out of range: the default, with a message.
  for (const bad of ['1,2,3', '1,NaN,2,3', '1,2,3,99', '']) {
    const p = parseSettings(lesson.settings, new Map([['points', bad]]));
    assert.deepEqual(p.state.points, lesson.DEFAULT_POINTS, bad);
    assert.match(p.problems[0].message, /Points \(x, y\).*in groups of 2/, bad);
  }
  // A step beyond the path's steps is refused against epochs × ceil(N / B).
  const p = parseSettings(lesson.settings, new Map([['epochs', '2'], ['step', '3']]));
  assert.equal(p.state.step, 0);
  assert.match(p.problems[0].message, /Step shown/);
  // The core refuses what the settings would never give, naming the op.
  assert.throws(() => pg.optim.linePath([1, 2], [1], {}), /linePath: x has 2 values but y has 1/);
  assert.throws(() => pg.optim.linePath([1, 2], [1, 2], { lr: -1 }), /linePath: lr must be/);
  assert.throws(() => pg.optim.linePath([1, 2], [1, 2], { batch: 2 }), /linePath: unknown option 'batch'/);
  assert.throws(() => pg.optim.lineStats([], []), /lineStats: no points/);
  assert.throws(() => pg.optim.linePath([1, NaN], [1, 2]), /point 2/);
});

test('every x the same: no unique minimum, still a threshold and a path', () => {
  const r = lesson.compute(pg, st({ points: [1, 0, 1, 2, 1, 4] }));
  assert.equal(r.stats.unique, false);
  assert.ok(Number.isNaN(r.stats.wOpt));
  near(r.stats.eigMin, 0, 1e-12);
  assert.ok(r.path.w.every(Number.isFinite));
  assert.ok(lesson.report(r).some((l) => /no unique minimum/.test(l)));
});

test('compute() frees every tensor it makes', () => {
  const s = st({ batch: 3, step: 4 });
  lesson.compute(pg, s);
  const before = pg.memoryBytes();
  for (let i = 0; i < 100; i++) lesson.compute(pg, { ...s, step: i % 20, w0: i % 2 ? 1 : -1 });
  assert.equal(pg.memoryBytes(), before);
});

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = (...args) => spawnSync(process.execPath, [`${root}scripts/cli.mjs`, ...args], { encoding: 'utf8', cwd: root });

test('CLI: npx playgrad lesson gradient-descent (text and --json)', () => {
  let r = cli('lesson', 'gradient-descent', '--batch', '3', '--epochs', '5', '--step', '2');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /mini-batch: B = 3, steps per epoch = ceil\(8 \/ 3\) = 3, 5 epochs = 15 steps/);
  assert.match(r.stdout, /threshold 2\/λmax = 0\.2\d+/);
  assert.match(r.stdout, /w <- w - α·dL\/dw/);
  r = cli('lesson', 'gradient-descent', '--json', '--lr', '0.5');
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout).result;
  assert.equal(j.diverges, true);
  assert.match(j.path.stop, /^diverged/);
  r = cli('lesson', 'gradient-descent', '--points', '1,2,3');
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /groups of 2/);
});
