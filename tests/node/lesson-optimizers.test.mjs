// The optimizers lesson's pure compute part and pg.optim.path (the core's optimizers run N steps
// on a pg.expr surface in one call), headless in Node against the wasm core: closed-form GD on the
// bowl, the course's EMA momentum, TensorFlow.js's optimizers step for step, divergence that stops
// cleanly, typed expressions (good and bad), the contour grid, and the CLI.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs';

import { load } from 'playgrad';
import * as lesson from '../../lessons/optimizers/lesson.mjs';
import { defaults, normalize } from '../../lessons/settings.mjs';
import { checkAnswer, optionsOf } from '../../lessons/exercises.mjs';

const pg = await load();
await tf.setBackend('cpu');

const near = (a, b, tol = 1e-5) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);
const base = defaults(lesson.settings);
const st = (o) => normalize(lesson.settings, { ...base, ...o });

test('defaults: the bowl, six paths of 100 steps from (-1.5, 1.5), every number finite', () => {
  const r = lesson.compute(pg, base);
  assert.equal(r.error, null);
  assert.equal(r.source, 'x^2 / 10 + 2 y^2');
  assert.deepEqual(r.paths.map((p) => p.key), ['gd', 'mom', 'nag', 'adagrad', 'rms', 'adam']);
  for (const p of r.paths) {
    assert.equal(p.stop, '', `${p.name}: ${p.stop}`);
    assert.equal(p.x.length, 101);
    assert.equal(p.f.length, 101);
    assert.ok([...p.x, ...p.y, ...p.f].every(Number.isFinite));
    assert.deepEqual([p.x[0], p.y[0]], [-1.5, 1.5]);
    assert.ok(p.f[100] < p.f[0], `${p.name} went downhill`);
  }
  near(r.startValue, 2.25 / 10 + 2 * 2.25);
});

test('gradient descent on the bowl is the closed form x_t = x0 (1 - 0.2 α)^t, y_t = y0 (1 - 4 α)^t', () => {
  const r = lesson.compute(pg, st({ gdLr: 0.1, steps: 50, x0: -4, y0: 2 }));
  const gd = r.paths.find((p) => p.key === 'gd');
  for (const t of [1, 2, 10, 50]) {
    near(gd.x[t], -4 * 0.98 ** t, 1e-5);
    near(gd.y[t], 2 * 0.6 ** t, 1e-5);
    near(gd.f[t], gd.x[t] ** 2 / 10 + 2 * gd.y[t] ** 2, 1e-5);
  }
});

test('momentum is the course\'s EMA: v = β v + (1 - β) g (first v = g), w -= α v', () => {
  const r = lesson.compute(pg, st({ momLr: 0.1, momBeta: 0.9, steps: 30, x0: -4, y0: 2 }));
  const m = r.paths.find((p) => p.key === 'mom');
  let x = -4, y = 2, vx = 0, vy = 0;
  for (let t = 0; t < 30; t++) {
    const gx = 0.2 * x, gy = 4 * y;
    if (t === 0) { vx = gx; vy = gy; } else { vx = 0.9 * vx + 0.1 * gx; vy = 0.9 * vy + 0.1 * gy; }
    x -= 0.1 * vx; y -= 0.1 * vy;
    near(m.x[t + 1], x, 1e-4);
    near(m.y[t + 1], y, 1e-4);
  }
});

// TensorFlow.js runs the same optimizer on the same surface (Rosenbrock / 100), step for step.
function tfPath(makeOpt, x0, y0, steps) {
  const x = tf.variable(tf.scalar(x0));
  const y = tf.variable(tf.scalar(y0));
  const opt = makeOpt();
  const xs = [x0], ys = [y0];
  for (let t = 0; t < steps; t++) {
    opt.minimize(() => tf.tidy(() => {
      const a = tf.sub(1, x).square();
      const b = tf.sub(y, x.square()).square().mul(100);
      return a.add(b).div(100);
    }), false, [x, y]);
    xs.push(x.dataSync()[0]);
    ys.push(y.dataSync()[0]);
  }
  opt.dispose(); x.dispose(); y.dispose();
  return { xs, ys };
}
const ROSEN = lesson.SURFACES.rosenbrock.source;
const cases = [
  ['sgd', { lr: 0.05 }, () => tf.train.sgd(0.05)],
  ['sgd momentum (dampening 0)', { lr: 0.01, momentum: 0.9 }, () => tf.train.momentum(0.01, 0.9)],
  ['sgd nesterov', { lr: 0.01, momentum: 0.9, nesterov: true }, () => tf.train.momentum(0.01, 0.9, true)],
  ['adagrad', { lr: 0.3, initialAccumulator: 0.1 }, () => tf.train.adagrad(0.3, 0.1)],
  ['adam', { lr: 0.05, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }, () => tf.train.adam(0.05, 0.9, 0.999, 1e-7)],
  ['rmsprop', { lr: 0.01, alpha: 0.9, epsilon: 1e-7 }, () => tf.train.rmsprop(0.01, 0.9, 0, 1e-7)],
];
for (const [name, opts, makeTf] of cases) {
  test(`pg.optim.path matches TensorFlow.js: ${name} on Rosenbrock / 100, 25 steps`, () => {
    const kind = name.split(' ')[0];
    const p = pg.optim.path(ROSEN, kind, opts, { x0: -1.5, y0: 2, steps: 25 });
    assert.equal(p.stop, '');
    const ref = tfPath(makeTf, -1.5, 2, 25);
    // rmsprop: TF puts epsilon inside the square root, PyTorch outside; both tiny here.
    for (let t = 0; t <= 25; t++) {
      near(p.x[t], ref.xs[t], 2e-4);
      near(p.y[t], ref.ys[t], 2e-4);
    }
  });
}

test('check yourself: GD\'s first step is y0 - α ∂f/∂y, Adam\'s is about α against the gradient\'s sign, the race is the core\'s', () => {
  const base = defaults(lesson.settings);
  const ex = Object.fromEntries(lesson.exercises.map((e) => [e.id, e]));
  // The bowl x^2/10 + 2y^2 from (-1.5, 1.5): ∂f/∂y = 4y = 6, y1 = 1.5 - 0.05 * 6 = 1.2.
  const gd = ex['gd-step'].solve(pg, base);
  assert.ok(Math.abs(gd.value - 1.2) < 1e-6, `${gd.value}`);
  assert.equal(checkAnswer(pg, ex['gd-step'], base, '1.2').correct, true);
  assert.equal(checkAnswer(pg, ex['gd-step'], base, '1.8').correct, false, 'a step against the gradient, not along it');
  // Steeper start, same rule: y0 = 3 gives 3 - 0.05 * 12 = 2.4.
  assert.ok(Math.abs(ex['gd-step'].solve(pg, { ...base, y0: 3 }).value - 2.4) < 1e-6);
  // Adam: ∂f/∂x = x / 5 = -0.3 < 0, so x moves by about +α = 0.1 whatever the slope's size:
  // exactly α·|g|/(|g| + ε/√(1 − β2)) with Keras' ε = 1e-7 on √v (the default convention), and
  // α·|g|/(|g| + ε) with PyTorch's ε = 1e-8 on √v̂.
  const adam = ex['adam-step'].solve(pg, base);
  assert.ok(Math.abs(adam.value - (-1.5 + 0.1 * 0.3 / (0.3 + 1e-7 / Math.sqrt(1 - 0.999)))) < 1e-7, `${adam.value}`);
  const torch = ex['adam-step'].solve(pg, { ...base, convention: 'pytorch' });
  assert.ok(Math.abs(torch.value - (-1.5 + 0.1 * 0.3 / (0.3 + 1e-8))) < 1e-7, `${torch.value}`);
  assert.ok(Math.abs(ex['adam-step'].solve(pg, { ...base, x0: -4 }).value - -3.9) < 1e-5, 'the same step on a steeper slope');
  assert.equal(checkAnswer(pg, ex['adam-step'], base, '-1.4').correct, true);
  // The race: the optimizer whose 10-step path ends lowest, each path from the core.
  const finals = lesson.OPTIMIZERS.map((o) => {
    const p = pg.optim.path(lesson.SURFACES.bowl.source, o.kind, o.options(base), { x0: base.x0, y0: base.y0, steps: lesson.RACE_STEPS });
    return [o.key, p.f[p.f.length - 1]];
  });
  const lowest = finals.reduce((a, b) => (b[1] < a[1] ? b : a));
  assert.equal(ex.race.solve(pg, base).value, lowest[0]);
  assert.deepEqual(optionsOf(ex.race, { ...base, gd: false, mom: false }).map((o) => o.value), ['nag', 'adagrad', 'rms', 'adam']);
  assert.throws(() => ex.race.solve(pg, { ...base, surface: 'custom', f: 'x +' }), /expr/);
});

test('a learning rate too large stops the path with a message, never NaN', () => {
  const r = lesson.compute(pg, st({ gdLr: 0.6, steps: 1000 }));
  const gd = r.paths.find((p) => p.key === 'gd');
  assert.match(gd.stop, /^diverged at step \d+: \(x, y\) = .* left the region \|x\|, \|y\| <= 1e\+04/);
  assert.ok(gd.stopStep > 0 && gd.stopStep < 1000);
  assert.equal(gd.x.length, gd.stopStep);
  assert.ok([...gd.x, ...gd.y, ...gd.f].every(Number.isFinite));
  // The others still ran all their steps.
  assert.ok(r.paths.filter((p) => p.key !== 'gd').every((p) => p.stop === '' && p.x.length === 1001));
  // Non-finite f (log of a negative number) stops too.
  const p = pg.optim.path('log(x)', 'sgd', { lr: 1 }, { x0: 0.5, y0: 0, steps: 10 });
  assert.match(p.stop, /not finite/);
  assert.ok([...p.x, ...p.f].every(Number.isFinite));
});

test('saddle: a start on y = 0 stays on it; any other start slides off', () => {
  let r = lesson.compute(pg, st({ surface: 'saddle', x0: -1.5, y0: 0 }));
  let gd = r.paths.find((p) => p.key === 'gd');
  assert.ok(gd.y.every((v) => v === 0));
  near(gd.x[100], -1.5 * 0.9 ** 100, 1e-4); // x shrinks by 1 - 2α per step
  r = lesson.compute(pg, st({ surface: 'saddle', x0: -1.5, y0: 0.01 }));
  gd = r.paths.find((p) => p.key === 'gd');
  assert.ok(Math.abs(gd.y[100]) > 1);
});

test('a typed f(x, y): a good one is used; a bad one returns the core\'s positioned error, no throw', () => {
  let r = lesson.compute(pg, st({ surface: 'custom', f: '(x - 1)^2 + (y + 2)^2', x0: 2, y0: 2, adamLr: 0.1, steps: 1000 }));
  assert.equal(r.error, null);
  const a = r.paths.find((p) => p.key === 'adam');
  near(a.x[1000], 1, 1e-2);
  near(a.y[1000], -2, 1e-2);
  r = lesson.compute(pg, st({ surface: 'custom', f: 'x + z' }));
  assert.match(r.error, /unknown name 'z' at position 5/);
  assert.equal(r.grid, null);
  assert.deepEqual(r.paths, []);
  r = lesson.compute(pg, st({ surface: 'custom', f: 'sin(x' }));
  assert.match(r.error, /position/);
  // The module still works afterwards.
  assert.equal(lesson.compute(pg, base).error, null);
});

test('the contour grid is f on xs × ys from one core eval (row = y, column = x)', () => {
  const r = lesson.compute(pg, st({ surface: 'himmelblau', x0: 0, y0: 0 }));
  const { n, xs, ys, values } = r.grid;
  assert.equal(values.length, n * n);
  const f = (x, y) => ((x * x + y - 11) ** 2 + (x + y * y - 7) ** 2) / 10;
  for (const [row, col] of [[0, 0], [10, 50], [n - 1, 3], [40, n - 1]]) near(values[row * n + col], f(xs[col], ys[row]), 1e-4);
});

test('pg.optim.path validates before stepping: bad kind, options, steps or start are Errors', () => {
  assert.throws(() => pg.optim.path('x^2', 'nope', {}, {}), /unknown|kind/i);
  assert.throws(() => pg.optim.path('x^2', 'sgd', { lr: -1 }, {}), /learning rate must be finite/);
  assert.throws(() => pg.optim.path('x^2', 'sgd', {}, { steps: -1 }), /steps/);
  assert.throws(() => pg.optim.path('x^2', 'sgd', {}, { steps: 1.5 }), /steps/);
  assert.throws(() => pg.optim.path('x^2', 'sgd', {}, { x0: NaN }), /start point must be finite/);
  assert.throws(() => pg.optim.path('x^', 'sgd', {}, {}), /position/);
  assert.throws(() => pg.optim.path(42, 'sgd', {}, {}), /expression/);
  const p = pg.optim.path('x^2 + y^2', 'sgd', { lr: 0.25 }, { x0: 1, y0: -2, steps: 3 });
  assert.deepEqual(Array.from(p.x), [1, 0.5, 0.25, 0.125]);
  assert.deepEqual(Array.from(p.y), [-2, -1, -0.5, -0.25]);
  assert.equal(p.steps, 3);
});

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = (...args) => spawnSync(process.execPath, [`${root}scripts/cli.mjs`, ...args], { encoding: 'utf8', cwd: root });

test('CLI: npx playgrad lesson optimizers --surface rosenbrock --steps 100', () => {
  let r = cli('lesson', 'optimizers', '--surface', 'rosenbrock', '--steps', '100');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /f\(x, y\) = \(\(1 - x\)\^2 \+ 100 \(y - x\^2\)\^2\) \/ 100/);
  assert.match(r.stdout, /^Adam\s+100\s/m);
  r = cli('lesson', 'optimizers', '--surface', 'custom', '--f', 'x + z', '--json');
  assert.equal(r.status, 0, r.stderr);
  assert.match(JSON.parse(r.stdout).result.error, /unknown name 'z'/);
  r = cli('lesson', 'optimizers', '--surface', 'nope');
  assert.notEqual(r.status, 0);
});
