// The regularization lesson (lessons/regularization/lesson.mjs) headless: the core's penalties
// against TensorFlow.js' tf.regularizers on the same weights, TL = MSE + penalty every epoch,
// what λ does to the weights and the test error, the regularization path, the two-weight elastic
// net against its optimality conditions and closed forms, exact zeros (proximal) against none
// (subgradient), the exercises, bad input and the CLI.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import * as tf from '@tensorflow/tfjs';
import { load } from 'playgrad';

import * as L from '../../lessons/regularization/lesson.mjs';
import { checkAnswer } from '../../lessons/exercises.mjs';
import { runSession } from '../../lessons/session.mjs';
import { defaults, parseSettings } from '../../lessons/settings.mjs';

const pg = await load();
const cli = fileURLToPath(new URL('../../scripts/cli.mjs', import.meta.url));
const run = promisify(execFile);
const state = (over = {}) => ({ ...defaults(L.settings), ...over });
const close = (a, b, rtol = 1e-5, atol = 1e-7) => Math.abs(a - b) <= atol + rtol * Math.abs(b);

function train(over, steps = Infinity) {
  const s = L.session(pg, state(over));
  runSession(s, { maxSteps: steps });
  return s;
}

test('penalties match tf.regularizers.l1, l2 and l1l2 on the same weights', () => {
  const w = pg.scope(() => pg.randn([6, 5], 42, 0, 0.7).toArray());
  const t = tf.tensor(Array.from(w), [6, 5]);
  for (const [l1, l2] of [[0.01, 0], [0, 0.02], [0.003, 0.007], [0.5, 1.5]]) {
    const ours = L.penaltyOf(pg, w, l1, l2);
    let reg;
    if (l2 === 0) reg = tf.regularizers.l1({ l1 });
    else if (l1 === 0) reg = tf.regularizers.l2({ l2 });
    else reg = tf.regularizers.l1l2({ l1, l2 });
    const theirs = reg.apply(t).dataSync()[0];
    assert.ok(close(ours, theirs), `l1 ${l1}, l2 ${l2}: playgrad ${ours} vs tfjs ${theirs}`);
  }
  t.dispose();
});

test('the lesson network\'s regularization loss is the sum of tfjs penalties over its kernels (biases free)', () => {
  const s = state({ lambda: 0.02, mix: 0.4 });
  const { l1, l2 } = L.lambdas(s);
  const model = L.buildModel(pg, s, l1, l2);
  try {
    const reg = tf.regularizers.l1l2({ l1, l2 });
    let expected = 0;
    for (const [k, t] of Object.entries(model.weights())) {
      if (k.endsWith('/kernel')) expected += reg.apply(tf.tensor(Array.from(t.toArray()), t.shape)).dataSync()[0];
      t.dispose();
    }
    const ours = pg.scope(() => model.regularizationLoss().item());
    assert.ok(close(ours, expected, 1e-5), `${ours} vs ${expected}`);
    const none = L.buildModel(pg, state({ lambda: 0 }), 0, 0);
    assert.equal(pg.scope(() => none.regularizationLoss().item()), 0);
    none.dispose();
  } finally {
    model.dispose();
  }
});

test('every epoch: TL (Keras\' loss) = training MSE + penalty; the same seed gives the same numbers', () => {
  const over = { lambda: 0.01, mix: 0.5, epochs: 40, pathPoints: 0 };
  const a = train(over);
  const b = train(over);
  try {
    const h = a.result().history;
    assert.equal(h.loss.length, 41); // epoch 0 and 40 epochs
    for (let i = 0; i < h.loss.length; i++) {
      assert.ok(close(h.loss[i], h.data[i] + h.penalty[i], 1e-5, 1e-6), `epoch ${i}: ${h.loss[i]} vs ${h.data[i]} + ${h.penalty[i]}`);
    }
    assert.ok(h.penalty.every((p) => p > 0));
    assert.deepEqual(a.result(), b.result());
    assert.equal(a.result().epochs, 40);
    assert.equal(a.done, true);
  } finally {
    a.dispose();
    b.dispose();
  }
});

test('without a penalty the network overfits; a penalty shrinks the weights and lowers the test MSE', () => {
  const free = train({ lambda: 0, epochs: 400, pathPoints: 0 });
  const ridge = train({ lambda: 0.003, epochs: 400, pathPoints: 0 });
  try {
    const hf = free.result().history;
    const hr = ridge.result().history;
    assert.ok(hf.penalty.every((p) => p === 0));
    // overfitting: the training MSE well below the noise variance (0.09), the test MSE above it
    assert.ok(hf.data.at(-1) < 0.05, `train MSE ${hf.data.at(-1)}`);
    assert.ok(hf.test.at(-1) > hr.test.at(-1), `test MSE without ${hf.test.at(-1)}, with Ridge ${hr.test.at(-1)}`);
    assert.ok(hr.data.at(-1) > hf.data.at(-1), 'Ridge trades training error');
    const norm = (snap) => snap.weights.reduce((a, v) => a + v * v, 0);
    assert.ok(norm(ridge.snapshot()) < norm(free.snapshot()));
  } finally {
    free.dispose();
    ridge.dispose();
  }
});

test('Lasso through Adam: many weights near 0, but (sub)gradient steps give no exact zeros', () => {
  const s = train({ lambda: 0.01, mix: 1, epochs: 300, pathPoints: 0 });
  try {
    const z = s.snapshot().zeros;
    assert.equal(z.total, 32 + 32 * 32 + 32);
    assert.ok(z.near > 0.1 * z.total, `near zero: ${z.near} of ${z.total}`);
    assert.equal(z.exact, 0);
    const ridge = train({ lambda: 0.01, mix: 0, epochs: 300, pathPoints: 0 });
    assert.ok(ridge.snapshot().zeros.near < z.near, 'L1 puts more weights near 0 than L2');
    ridge.dispose();
  } finally {
    s.dispose();
  }
});

test('the regularization path: one retrained run per λ of the log grid, from the same initial weights', () => {
  const s = train({ epochs: 60, pathPoints: 3, width: 8 });
  try {
    const r = s.result();
    assert.deepEqual(r.path.lambdas, L.pathGrid(3));
    assert.equal(r.path.runs.length, 3);
    for (const run of r.path.runs) assert.equal(run.output.length, 8);
    const sq = (run) => run.output.reduce((a, v) => a + v * v, 0);
    assert.ok(sq(r.path.runs[2]) < sq(r.path.runs[0]), 'the largest λ has the smallest output weights');
    // The run at a λ equals a main run at that λ (same seed, same data, same epochs).
    const lam = r.path.lambdas[1];
    const direct = train({ epochs: 60, pathPoints: 0, width: 8, lambda: lam });
    const out = direct.snapshot();
    assert.ok(close(out.last.test, r.path.runs[1].test, 1e-6), `${out.last.test} vs ${r.path.runs[1].test}`);
    direct.dispose();
    assert.equal(s.progress.value, s.progress.total);
  } finally {
    s.dispose();
  }
});

// The two-weight elastic net: data in double here, the optimum from the core.
const GX = [1, 0.2, 0.5, 1.1, -0.7, 0.4, 1.3, 0.9, -0.2, -1.0, 0.8, 0.1];
const GY = [2.1, 1.6, -1.2, 3.4, -0.9, 1.8];
function gradMse(w) {
  const n = GY.length;
  const g = [0, 0];
  for (let i = 0; i < n; i++) {
    const e = GX[2 * i] * w[0] + GX[2 * i + 1] * w[1] - GY[i];
    g[0] += (2 / n) * e * GX[2 * i];
    g[1] += (2 / n) * e * GX[2 * i + 1];
  }
  return g;
}

test('elasticNet2d: λ = 0 gives least squares; Ridge gives (H + 2λ2 I)⁻¹ g', () => {
  const r0 = pg.optim.elasticNet2d(GX, GY, { steps: 5000 });
  const g0 = gradMse(r0.ols);
  assert.ok(Math.abs(g0[0]) < 1e-6 && Math.abs(g0[1]) < 1e-6, `∇MSE at w* = ${g0}`);
  assert.ok(close(r0.opt[0], r0.ols[0], 1e-5) && close(r0.opt[1], r0.ols[1], 1e-5));
  const l2 = 0.7;
  const r = pg.optim.elasticNet2d(GX, GY, { l2, steps: 5000 });
  const g = gradMse(r.opt);
  // optimality: ∇MSE + 2λ2 w = 0
  assert.ok(Math.abs(g[0] + 2 * l2 * r.opt[0]) < 1e-6 && Math.abs(g[1] + 2 * l2 * r.opt[1]) < 1e-6);
  assert.ok(r.opt.every((v) => v !== 0), 'Ridge shrinks but does not zero');
  assert.ok(close(r.total, r.mse + r.penalty, 1e-12));
  // the disc through ŵ: every boundary point has the same penalty as ŵ
  for (let i = 0; i < r.region.length; i += 2) {
    const p = l2 * (r.region[i] ** 2 + r.region[i + 1] ** 2);
    assert.ok(close(p, r.penalty, 1e-9));
  }
});

test('elasticNet2d: Lasso\'s proximal optimum has an exact zero and meets the optimality conditions; subgradient descent does not reach 0', () => {
  const l1 = 1.2;
  const r = pg.optim.elasticNet2d(GX, GY, { l1, steps: 5000 });
  assert.ok(r.converged);
  assert.equal(r.opt.filter((v) => v === 0).length, 1, `ŵ = ${r.opt}`);
  const g = gradMse(r.opt);
  for (let j = 0; j < 2; j++) {
    if (r.opt[j] === 0) assert.ok(Math.abs(g[j]) <= l1 + 1e-9, `|∂MSE/∂w${j + 1}| = ${Math.abs(g[j])} <= λ1`);
    else assert.ok(Math.abs(g[j] + l1 * Math.sign(r.opt[j])) < 1e-6, `stationary in w${j + 1}`);
  }
  // the same step, subgradient descent: no exact zero, and a higher TL
  assert.ok(r.subLast.every((v) => v !== 0), `subgradient ends at ${r.subLast}`);
  assert.ok(r.subTotal >= r.total - 1e-12);
  // the diamond through ŵ: λ1‖w‖₁ = P(ŵ) on the boundary
  for (let i = 0; i < r.region.length; i += 2) assert.ok(close(l1 * (Math.abs(r.region[i]) + Math.abs(r.region[i + 1])), r.penalty, 1e-9));
  // the contour grid is the MSE
  const G = 5;
  const c = pg.optim.elasticNet2d(GX, GY, { grid: G, lo: -1, hi: 1 });
  const mseAt = (w) => GY.reduce((a, y, i) => a + (GX[2 * i] * w[0] + GX[2 * i + 1] * w[1] - y) ** 2, 0) / GY.length;
  assert.ok(close(c.contour[0], mseAt([-1, 1]), 1e-9));
  assert.ok(close(c.contour[G * G - 1], mseAt([1, -1]), 1e-9));
});

test('the lesson\'s geometry at its defaults: Ridge keeps both weights, Lasso zeroes w2 (subgradient descent does not)', () => {
  const ridge = L.geometry(pg, state());
  assert.ok(ridge.opt.every((v) => v !== 0));
  const lasso = L.geometry(pg, state({ mix: 1 }));
  assert.deepEqual(lasso.opt.map((v) => v === 0), [false, true]);
  assert.ok(lasso.opt[0] > 0 && lasso.opt[0] < lasso.ols[0]);
  assert.ok(lasso.subLast.every((v) => v !== 0), `subgradient ends at ${lasso.subLast}`);
  assert.ok(Math.abs(lasso.subLast[1]) < 0.1, 'it hovers around the zero');
  const small = L.geometry(pg, state({ mix: 1, geoLambda: 0.5 }));
  assert.ok(small.opt.every((v) => v !== 0), 'a small λ1 keeps both');
});

test('bad input: λ < 0, a non-finite λ, and bad solver options give readable messages', () => {
  assert.throws(() => L.session(pg, state({ lambda: -1 })), (e) => e instanceof pg.PlaygradError && /λ must be a finite number ≥ 0, got -1/.test(e.message));
  assert.throws(() => L.session(pg, state({ lambda: NaN })), /λ must be a finite number ≥ 0/);
  const { state: st, problems } = parseSettings(L.settings, { lambda: '-0.5' });
  assert.equal(st.lambda, L.settings.find((d) => d.name === 'lambda').default);
  assert.ok(problems.length === 1 && /lambda=-0\.5/.test(problems[0].message), JSON.stringify(problems));
  assert.throws(() => pg.optim.elasticNet2d(GX, GY, { l1: -1 }), /elasticNet2d: λ1 and λ2 must be finite and >= 0/);
  assert.throws(() => pg.optim.elasticNet2d(GX, [1, 2], {}), /elasticNet2d: x has 12 values, it needs 2 per row of y \(4\)/);
  assert.throws(() => pg.optim.elasticNet2d(GX, GY, { grid: 1 }), /grid must be in \[2, 400\]/);
  assert.throws(() => pg.optim.elasticNet2d(GX, GY, { nope: 1 }), /unknown option 'nope'/);
});

test('a learning rate that blows up stops the session with the core\'s message', () => {
  const s = train({ lr: 1, optimizer: 'sgd', lambda: 0, epochs: 200, pathPoints: 0 });
  try {
    if (s.failure) assert.match(s.failure, /^epoch \d+: /);
    assert.equal(s.done, true);
  } finally {
    s.dispose();
  }
});

test('exercises: the course\'s table picks row 6 (TL 305); the overfit model pays 2600; Lasso\'s zero', () => {
  const byId = Object.fromEntries(L.exercises.map((e) => [e.id, e]));
  assert.equal(byId['table-min'].solve(pg, state()).value, '6');
  assert.ok(close(byId['ridge-penalty'].solve(pg, state()).value, 2600, 1e-6));
  assert.equal(byId['exact-zeros'].solve(pg, state()).value, 0);
  assert.equal(byId['exact-zeros'].solve(pg, state({ mix: 1 })).value, 1);
  assert.equal(checkAnswer(pg, byId['ridge-penalty'], state(), '2600').correct, true);
  assert.equal(checkAnswer(pg, byId['table-min'], state(), '7').correct, false);
});

test('CLI: --json prints history, epochs, stoppedEarly and the path; report() without --json', async () => {
  const { stdout, stderr } = await run(process.execPath, [cli, 'lesson', 'regularization', '--epochs', '8', '--pathPoints', '2', '--width', '8', '--json']);
  assert.equal(stderr, '');
  const out = JSON.parse(stdout);
  assert.equal(out.result.epochs, 8);
  assert.equal(out.result.stoppedEarly, false);
  assert.equal(out.result.history.loss.length, 9);
  assert.equal(out.result.path.runs.length, 2);
  const same = L.session(pg, { ...defaults(L.settings), ...out.settings });
  runSession(same);
  assert.deepEqual(same.result().history, out.result.history);
  same.dispose();
  const text = await run(process.execPath, [cli, 'lesson', 'regularization', '--epochs', '3', '--pathPoints', '0', '--mix', '1']);
  assert.match(text.stdout, /Lasso \(L1\)/);
  assert.match(text.stdout, /TL \d/);
  await assert.rejects(run(process.execPath, [cli, 'lesson', 'regularization', '--lambda', '-1']), (e) => e.code !== 0 && /lambda/.test(e.stderr));
});

test('the convention note: Keras puts λ2·Σw² on the layer; PyTorch\'s weight_decay is 2·λ2', () => {
  const k = L.session(pg, state({ epochs: 1, pathPoints: 0 }));
  const p = L.session(pg, state({ epochs: 1, pathPoints: 0, convention: 'pytorch' }));
  try {
    assert.match(k.snapshot().convention, /^Keras: kernel_regularizer=l2\(0\.003\)/);
    assert.match(p.snapshot().convention, /^PyTorch: .*weight_decay=0\.006 /);
    // Switching the convention is a note: the running session takes it in place.
    assert.equal(k.setState({ ...k.state, convention: 'pytorch' }), true);
    assert.match(k.snapshot().convention, /^PyTorch/);
    assert.equal(k.setState({ ...k.state, lambda: 0.1 }), false, 'a new λ retrains');
    const none = L.session(pg, state({ epochs: 1, pathPoints: 0, lambda: 0 }));
    assert.equal(none.snapshot().convention, null);
    none.dispose();
  } finally {
    k.dispose();
    p.dispose();
  }
});
