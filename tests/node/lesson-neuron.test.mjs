// The neuron lesson's pure compute part, headless in Node against the wasm core: the course's
// 2-3-1 collapse to A, B, C against hand-computed values, the per-point numbers and the
// gradients of log loss and MSE against their formulas (in double) and finite differences, a
// gradient-descent step against the update rule, the path and the URL/CLI consistency, the
// exercises, and bad points.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { load } from 'playgrad';
import * as neuron from '../../lessons/neuron/lesson.mjs';
import { defaults, parseHash, parseSettings, toQuery } from '../../lessons/settings.mjs';
import { checkAnswer } from '../../lessons/exercises.mjs';

const pg = await load();
const D = defaults(neuron.settings);

const near = (a, b, tol = 1e-6, what = '') => assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b} (tol ${tol})`);
const sig = (z) => 1 / (1 + Math.exp(-z));
/** The loss of one point in double: log loss or MSE of σ(z). */
const lossAt = (kind, z, y) => (kind === 'mse' ? (sig(z) - y) ** 2 : -(y * Math.log(sig(z)) + (1 - y) * Math.log(1 - sig(z))));
const meanLoss = (kind, pts, w1, w2, b) => pts.reduce((s, [x1, x2, y]) => s + lossAt(kind, w1 * x1 + w2 * x2 + b, y), 0) / pts.length;

test('the defaults: the two-cluster points, the neuron at its start weights, the course network', () => {
  assert.equal(D.points, neuron.pointsText(neuron.PRESETS.clusters.points));
  assert.deepEqual(neuron.parsePoints(D.points).points, neuron.PRESETS.clusters.points);
  assert.deepEqual([D.w1, D.w2, D.b, D.loss, D.steps, D.act], [1, 0.5, 0, 'log', 0, 'none']);
  const r = neuron.compute(pg, D);
  assert.equal(r.points.length, 14);
  assert.deepEqual(r.w, [1, 0.5]);
  assert.equal(r.b, 0);
  assert.equal(r.pGrid.length, neuron.GRID * neuron.GRID);
  assert.equal(r.net.grid.length, neuron.GRID * neuron.GRID);
});

test('per point: z = w·x + b, p = σ(z), L_i, dL/dz = p − y and ∂L/∂w = (p − y)·x (log loss), against double', () => {
  const s = { ...D, w1: 0.7, w2: -1.3, b: 0.4 };
  const r = neuron.compute(pg, s);
  r.points.forEach(([x1, x2, y], i) => {
    const z = 0.7 * x1 - 1.3 * x2 + 0.4;
    near(r.z[i], z, 1e-5, `z ${i}`);
    near(r.p[i], sig(z), 1e-6, `p ${i}`);
    near(r.losses[i], lossAt('log', z, y), 1e-5, `L ${i}`);
    near(r.dLdz[i], sig(z) - y, 1e-6, `dL/dz ${i}`);
    near(r.gradPoint[i][0], (sig(z) - y) * x1, 1e-5, `dL/dw1 ${i}`);
    near(r.gradPoint[i][1], (sig(z) - y) * x2, 1e-5, `dL/dw2 ${i}`);
  });
  // The mean loss and its gradient (autograd through the whole batch) = the mean of the points'.
  const n = r.points.length;
  near(r.loss, meanLoss('log', r.points, 0.7, -1.3, 0.4), 1e-6, 'mean loss');
  near(r.gradW[0], r.gradPoint.reduce((a, g) => a + g[0], 0) / n, 1e-6, 'dL/dw1');
  near(r.gradW[1], r.gradPoint.reduce((a, g) => a + g[1], 0) / n, 1e-6, 'dL/dw2');
  near(r.gradB, r.dLdz.reduce((a, g) => a + g, 0) / n, 1e-6, 'dL/db');
  near(r.otherLoss, meanLoss('mse', r.points, 0.7, -1.3, 0.4), 1e-6, 'the other loss (MSE)');
  assert.equal(r.correct, r.points.filter(([x1, x2, y]) => (sig(0.7 * x1 - 1.3 * x2 + 0.4) > 0.5 ? 1 : 0) === y).length);
});

test('MSE per point: dL/dz = 2(p − y)p(1 − p), ∂L/∂w = dL/dz · x', () => {
  const r = neuron.compute(pg, { ...D, loss: 'mse', w1: -0.4, w2: 1.1, b: -0.3 });
  r.points.forEach(([x1, x2, y], i) => {
    const z = -0.4 * x1 + 1.1 * x2 - 0.3, p = sig(z);
    near(r.losses[i], (p - y) ** 2, 1e-6, `L ${i}`);
    near(r.dLdz[i], 2 * (p - y) * p * (1 - p), 1e-6, `dL/dz ${i}`);
    near(r.gradPoint[i][0], 2 * (p - y) * p * (1 - p) * x1, 1e-5);
  });
  near(r.loss, meanLoss('mse', r.points, -0.4, 1.1, -0.3), 1e-6);
});

test('the gradient against z: both losses, both labels, against the formulas and central differences', () => {
  const r = neuron.compute(pg, D);
  const z = r.zCurve.z;
  assert.equal(z.length, 161);
  const h = 1e-4;
  for (let i = 0; i < z.length; i++) {
    for (const y of [0, 1]) {
      const p = sig(z[i]);
      const log = r.zCurve.log[`y${y}`], mse = r.zCurve.mse[`y${y}`];
      near(log.grad[i], p - y, 1e-6, `log grad z=${z[i]} y=${y}`);
      near(mse.grad[i], 2 * (p - y) * p * (1 - p), 1e-6, `mse grad z=${z[i]} y=${y}`);
      near(log.loss[i], lossAt('log', z[i], y), 2e-6 * Math.max(1, lossAt('log', z[i], y)), `log loss z=${z[i]}`);
      near(mse.loss[i], lossAt('mse', z[i], y), 1e-6, `mse loss z=${z[i]}`);
      // Central differences of the loss (double) agree with the core's backward().
      for (const [kind, g] of [['log', log.grad[i]], ['mse', mse.grad[i]]]) {
        near(g, (lossAt(kind, z[i] + h, y) - lossAt(kind, z[i] - h, y)) / (2 * h), 1e-6, `${kind} fd z=${z[i]}`);
      }
    }
  }
  // The course's point: confidently wrong (y = 1, z = -6), MSE barely pushes.
  const i6 = z.findIndex((v) => Math.abs(v + 6) < 1e-9);
  near(r.zCurve.log.y1.grad[i6], sig(-6) - 1, 1e-6);
  near(r.zCurve.log.y1.grad[i6], -0.99753, 1e-5);
  near(r.zCurve.mse.y1.grad[i6], -0.004921, 1e-5);
});

test('the batch gradient ∂L/∂w from the core matches central differences of the core\'s own loss', () => {
  for (const loss of ['log', 'mse']) {
    const base = { ...D, loss, points: neuron.pointsText(neuron.PRESETS.overlap.points), w1: 0.3, w2: 0.8, b: -0.2 };
    const r = neuron.compute(pg, base);
    const h = 1e-2;
    for (const [name, g] of [['w1', r.gradW[0]], ['w2', r.gradW[1]], ['b', r.gradB]]) {
      const up = neuron.compute(pg, { ...base, [name]: base[name] + h }).loss;
      const down = neuron.compute(pg, { ...base, [name]: base[name] - h }).loss;
      near(g, (up - down) / (2 * h), 2e-4, `${loss} ∂L/∂${name}`);
    }
  }
});

test('a gradient-descent step is w ← w − α ∂L/∂w (against double), and the path is consistent', () => {
  for (const loss of ['log', 'mse']) {
    const s = { ...D, loss, lr: 0.8, w1: -0.5, w2: 1.5, b: 0.25 };
    const r0 = neuron.compute(pg, s);
    const pts = r0.points, n = pts.length;
    // The gradient in double at the start weights.
    let g1 = 0, g2 = 0, gb = 0;
    for (const [x1, x2, y] of pts) {
      const p = sig(-0.5 * x1 + 1.5 * x2 + 0.25);
      const dz = loss === 'mse' ? 2 * (p - y) * p * (1 - p) : p - y;
      g1 += dz * x1 / n; g2 += dz * x2 / n; gb += dz / n;
    }
    near(r0.next.w[0], -0.5 - 0.8 * g1, 1e-6, `${loss} w1`);
    near(r0.next.w[1], 1.5 - 0.8 * g2, 1e-6, `${loss} w2`);
    near(r0.next.b, 0.25 - 0.8 * gb, 1e-6, `${loss} b`);
    // One step later the neuron is the 'next' one, and its loss the curve's second point.
    const r1 = neuron.compute(pg, { ...s, steps: 1 });
    assert.deepEqual(r1.w, r0.next.w);
    assert.equal(r1.b, r0.next.b);
    near(r1.curve.loss[0], r0.loss, 1e-7);
    near(r1.curve.loss[1], r1.loss, 1e-6);
    // Many steps: continuing a remembered path equals running from scratch (float32 exactly).
    const r40 = neuron.compute(pg, { ...s, steps: 40 });
    const r41 = neuron.compute(pg, { ...s, steps: 41 });
    neuron.compute(pg, { ...s, w1: 0 }); // another start: the memo is replaced
    const fresh = neuron.compute(pg, { ...s, steps: 41 });
    assert.deepEqual(fresh.w, r41.w);
    assert.deepEqual(fresh.curve.loss, r41.curve.loss);
    assert.deepEqual(r40.next, { w: r41.w, b: r41.b });
    assert.deepEqual(r41.curve.loss.slice(0, 41), r40.curve.loss);
    assert.equal(r41.curve.loss.length, 42);
  }
});

test('training: log loss separates the two clusters; from a confidently wrong start MSE is far slower', () => {
  const trained = neuron.compute(pg, { ...D, steps: 200 });
  assert.equal(trained.correct, trained.points.length);
  assert.ok(trained.loss < 0.1 * trained.curve.loss[0], `${trained.loss} vs ${trained.curve.loss[0]}`);
  for (let k = 1; k <= 200; k++) assert.ok(trained.curve.loss[k] <= trained.curve.loss[k - 1] + 1e-7, `loss rises at step ${k}`);
  const wrong = { ...D, w1: -2, w2: -2, b: 0, lr: 0.5, steps: 30 };
  const log = neuron.compute(pg, { ...wrong, loss: 'log' });
  const mse = neuron.compute(pg, { ...wrong, loss: 'mse' });
  assert.equal(log.correct, log.points.length, 'log loss has turned the line round after 30 steps');
  assert.ok(mse.correct < mse.points.length / 2, `MSE still has most points wrong (${mse.correct} right)`);
  // How far each moved w1: log loss by several units, MSE by a little.
  assert.ok(log.w[0] - (-2) > 5 * (mse.w[0] - (-2)), `${log.w[0]} vs ${mse.w[0]}`);
});

test('the course\'s collapse: a 2-3-1 network without activation is A x1 + B x2 + C (hand-computed)', () => {
  // Defaults: w1..w9 = 1, 2, -1, 1, 0.5, -1, 1, -2, 0.5; b1..b4 = 0.5, -1, 1, 0.5.
  // A = w7w1 + w8w3 + w9w5 = 1·1 + (-2)(-1) + 0.5·0.5 = 3.25
  // B = w7w2 + w8w4 + w9w6 = 1·2 + (-2)(1) + 0.5(-1) = -0.5
  // C = w7b1 + w8b2 + w9b3 + b4 = 0.5 + 2 + 0.5 + 0.5 = 3.5
  const r = neuron.compute(pg, D);
  near(r.net.A, 3.25); near(r.net.B, -0.5); near(r.net.C, 3.5);
  assert.deepEqual(r.net.terms.A, [1, 2, 0.25]);
  assert.deepEqual(r.net.terms.B, [2, -2, -0.5]);
  assert.deepEqual(r.net.terms.C, [0.5, 2, 0.5]);
  assert.ok(r.net.maxDev < 1e-5, `the network equals the plane on the grid (${r.net.maxDev})`);
  // Another set: w = 0.5, -1.5, 2, 0.5, -1, 3, -0.5, 1.5, 2; b = 1, -2, 0.5, -1.
  // A = (-0.5)(0.5) + 1.5·2 + 2(-1) = 0.75; B = (-0.5)(-1.5) + 1.5·0.5 + 2·3 = 7.5;
  // C = (-0.5)(1) + 1.5(-2) + 2(0.5) + (-1) = -3.5.
  const r2 = neuron.compute(pg, { ...D, nw: [0.5, -1.5, 2, 0.5, -1, 3, -0.5, 1.5, 2], nb: [1, -2, 0.5, -1] });
  near(r2.net.A, 0.75); near(r2.net.B, 7.5); near(r2.net.C, -3.5);
  // At every point ŷ = A x1 + B x2 + C (the network's forward, not the collapse, gives ŷ).
  r2.points.forEach(([x1, x2], i) => near(r2.net.yhat[i], 0.75 * x1 + 7.5 * x2 - 3.5, 1e-5));
  assert.ok(r2.net.maxDev < 1e-4);
});

test('with an activation the collapse is gone: ŷ is the real forward pass and leaves the plane', () => {
  const act = { relu: (v) => Math.max(0, v), tanh: Math.tanh, sigmoid: sig };
  for (const a of ['relu', 'tanh', 'sigmoid']) {
    const r = neuron.compute(pg, { ...D, act: a });
    // A, B, C still computed (what the network would collapse to without the activation).
    near(r.net.A, 3.25);
    assert.ok(r.net.maxDev > 0.5, `${a}: ${r.net.maxDev}`);
    r.points.forEach(([x1, x2], i) => {
      const N = [x1 + 2 * x2 + 0.5, -x1 + x2 - 1, 0.5 * x1 - x2 + 1].map(act[a]);
      near(r.net.yhat[i], N[0] - 2 * N[1] + 0.5 * N[2] + 0.5, 1e-5, `${a} point ${i}`);
    });
  }
});

test('exercises: the collapse\'s A, log loss pushes harder, the next w1', () => {
  const byId = Object.fromEntries(neuron.exercises.map((e) => [e.id, e]));
  assert.deepEqual(Object.keys(byId), ['collapse-a', 'mse-slow', 'gd-step']);
  assert.equal(byId['collapse-a'].solve(pg, D).value, 3.25);
  assert.equal(checkAnswer(pg, byId['collapse-a'], D, '3.25').correct, true);
  assert.equal(checkAnswer(pg, byId['collapse-a'], D, '3').correct, false);
  assert.equal(byId['mse-slow'].solve(pg, D).value, 'log');
  assert.equal(checkAnswer(pg, byId['mse-slow'], D, 'mse').correct, false);
  // The next w1 at the defaults: w1 − α mean((p − y) x1), in double.
  let g1 = 0;
  for (const [x1, x2, y] of neuron.PRESETS.clusters.points) g1 += (sig(x1 + 0.5 * x2) - y) * x1 / 14;
  const next = byId['gd-step'].solve(pg, D);
  near(next.value, 1 - 0.5 * g1, 1e-6);
  assert.equal(checkAnswer(pg, byId['gd-step'], D, (1 - 0.5 * g1).toFixed(4)).correct, true);
  assert.match(next.working[0], /w_1 \\leftarrow w_1 - \\alpha/);
  const s = { ...D, steps: 7, loss: 'mse' };
  near(byId['gd-step'].solve(pg, s).value, neuron.compute(pg, { ...s, steps: 8 }).w[0], 0);
});

test('points: the text format, its errors, and a shared URL', () => {
  assert.deepEqual(neuron.parsePoints(' 1,2,1 ; -0.5,3.25,0 ;').points, [[1, 2, 1], [-0.5, 3.25, 0]]);
  for (const [bad, why] of [['', /at least one point/], ['1,2', /must be x1,x2,y/], ['1,2,1;abc', /point 2 .* must be x1,x2,y/],
    ['NaN,1,0', /three numbers/], ['5,0,1', /\[-4, 4\]/], ['1,2,3', /y = 0 or 1/], ['1,2,0.5', /y = 0 or 1/],
    [Array.from({ length: 61 }, () => '0,0,1').join(';'), /at most 60 points/]]) {
    assert.match(neuron.parsePoints(bad).error, why, bad);
    assert.throws(() => neuron.compute(pg, { ...D, points: bad }), (e) => e instanceof pg.PlaygradError && /neuron: points:/.test(e.message));
  }
  // A bad points field in a link falls back to the default with a readable problem; the others stay.
  const { state, problems } = parseSettings(neuron.settings, parseHash('#/neuron?points=1,2,1;NaN,0,1&w1=2&steps=abc').fields);
  assert.equal(state.points, D.points);
  assert.equal(state.w1, 2);
  assert.equal(state.steps, 0);
  assert.deepEqual(problems.map((p) => p.name), ['steps', 'points']);
  assert.match(problems[1].message, /Points \(x1,x2,y; …\) \(points=1,2,1;NaN,0,1\) is not valid: expected x1,x2,y triples separated by ';': point 2 \('NaN,0,1'\) must be three numbers/);
  // A good one round-trips.
  const s = { ...D, points: neuron.pointsText(neuron.PRESETS.xor.points), w1: -1.25, steps: 12, act: 'tanh' };
  const q = toQuery(neuron.settings, s);
  assert.deepEqual(parseSettings(neuron.settings, parseHash(`#/neuron?${q}`).fields), { state: s, problems: [] });
});

test('report() and compute() freeing its tensors', () => {
  const s = { ...D, steps: 20, act: 'relu' };
  const lines = neuron.report(neuron.compute(pg, s));
  assert.match(lines[0], /14 points; neuron y-hat = sigmoid\(w1 x1 \+ w2 x2 \+ b\), log loss, learning rate 0.5/);
  assert.ok(lines.some((l) => /after 20 gradient-descent steps/.test(l)));
  assert.ok(lines.some((l) => l.includes('A = w7 w1 + w8 w3 + w9 w5 = 1*1 + -2*-1 + 0.5*0.5 = 3.2500')), lines.join('\n'));
  assert.ok(lines.some((l) => l.includes('y = 1, z = -6: dL/dz log loss −0.9975, MSE −0.0049')), lines.join('\n'));
  neuron.compute(pg, s);
  const before = pg.memoryBytes();
  for (let i = 0; i < 30; i++) neuron.compute(pg, { ...s, steps: 20 + (i % 3) });
  assert.equal(pg.memoryBytes(), before);
});
