// The gan lesson headless: the core's targets and mode coverage from Node (the same numbers for a
// seed), the two generator losses' gradients against their closed forms and central finite
// differences (at D's logit and through a discriminator at the samples), the generator moving its
// samples' mean toward a 1-D Gaussian's, mode collapse counted, label smoothing in L_D, the digits
// GAN making images, the exercises, bad input (an empty drawing, a diverging game) and the CLI.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { load } from 'playgrad';

import * as L from '../../lessons/gan/lesson.mjs';
import { checkAnswer } from '../../lessons/exercises.mjs';
import { runSession } from '../../lessons/session.mjs';
import { defaults } from '../../lessons/settings.mjs';

const pg = await load();
const cli = fileURLToPath(new URL('../../scripts/cli.mjs', import.meta.url));
const run = promisify(execFile);
const state = (over = {}) => ({ ...defaults(L.settings), ...over });
const close = (a, b, tol, what) => assert.ok(Math.abs(a - b) <= tol * (1 + Math.abs(b)), `${what}: ${a} vs ${b}`);
const sigmoid = (a) => 1 / (1 + Math.exp(-a));

test('targets from the core: shapes, moments, the same samples for a seed; coverage counts', () => {
  const g = pg.gan.target({ kind: 'gaussian1d', n: 4000, seed: 2, centre: 1.5, spread: 0.5 });
  assert.equal(g.dim, 1);
  assert.equal(g.samples.length, 4000);
  const mean = g.samples.reduce((a, b) => a + b, 0) / 4000;
  close(mean, 1.5, 0.03, 'mean of N(1.5, 0.25)');
  const ring = pg.gan.target({ kind: 'ring', n: 100, seed: 1, radius: 2, spread: 0, modes: 4 });
  for (let i = 0; i < 200; i += 2) close(Math.hypot(ring.samples[i], ring.samples[i + 1]), 2, 1e-5, 'ring radius');
  assert.deepEqual(Array.from(ring.centres), [2, 0, Math.fround(2 * Math.cos(Math.PI / 2)), 2, -2, Math.fround(2 * Math.sin(Math.PI)), Math.fround(2 * Math.cos(1.5 * Math.PI)), -2]);
  assert.deepEqual(pg.gan.target({ kind: 'mixture', n: 50, seed: 9 }).samples, pg.gan.target({ kind: 'mixture', n: 50, seed: 9 }).samples);
  // Coverage: modes at 0 and 10, radius 1: a collapsed set covers one, a spread one both.
  assert.deepEqual(pg.gan.modeCoverage([0, 0.5, -0.5, 0.2], [0, 10], { dim: 1, radius: 1 }), { counts: [4, 0], covered: 1, within: 4, k: 2 });
  assert.equal(pg.gan.modeCoverage([0, 0.5, 10, 9.6], [0, 10], { dim: 1, radius: 1 }).covered, 2);
  assert.equal(pg.gan.modeCoverage(pg.tensor([[0, 0], [3, 3]]), [0, 0, 3, 3], { radius: 0.5 }).covered, 2);
});

test('the two generator losses give the gradients their formulas say: closed form and finite differences', () => {
  const d = [0.001, 0.02, 0.1, 0.3, 0.5, 0.7, 0.9, 0.98];
  const g = L.generatorGradients(pg, d);
  const h = 1e-2;
  d.forEach((di, i) => {
    const a = Math.log(di / (1 - di));
    const D = sigmoid(Math.fround(a));
    close(g.minimax[i], -D, 1e-5, `minimax ∂/∂a log(1 − σ(a)) at D ${di}`);
    close(g.nonsaturating[i], D - 1, 1e-5, `non-saturating ∂/∂a −log σ(a) at D ${di}`);
    for (const form of ['minimax', 'nonsaturating']) {
      const at = (v) => pg.scope(() => L.generatorLoss(pg, pg.tensor([v], [1, 1]), form, 'sum').item());
      const fd = (at(a + h) - at(a - h)) / (2 * h);
      close(fd, g[form][i], 2e-3, `${form}: finite difference at D ${di}`);
    }
  });
  // The loss values themselves: log(1 − D) and −log D.
  pg.scope(() => {
    const a = pg.tensor([[-2], [0], [1.5]]);
    const mm = L.generatorLoss(pg, a, 'minimax', 'sum').item();
    const ns = L.generatorLoss(pg, a, 'nonsaturating', 'sum').item();
    close(mm, [-2, 0, 1.5].reduce((s, v) => s + Math.log(1 - sigmoid(v)), 0), 1e-5, 'Σ log(1 − D)');
    close(ns, [-2, 0, 1.5].reduce((s, v) => s - Math.log(sigmoid(v)), 0), 1e-5, 'Σ −log D');
  });
  // The ratio that makes minimax stall: at D(G(z)) = 0.02 the non-saturating gradient is 49 times larger.
  close(g.nonsaturating[1] / g.minimax[1], 49, 1e-3, 'ratio at D = 0.02');
});

test('the arrows: ∂L_G/∂x through a discriminator equals finite differences of the core\'s loss', () => {
  const s = state({ dHidden: 8, gHidden: 8 });
  const nets = L.buildGan(pg, s, 2);
  try {
    const x0 = [0.3, -0.7, 1.2, 0.4];
    for (const form of ['minimax', 'nonsaturating']) {
      const grad = pg.scope(() => {
        const x = pg.tensor(x0, [2, 2], { requiresGrad: true });
        L.generatorLoss(pg, nets.D.call(x), form, 'sum').backward();
        return Array.from(x.grad.toArray());
      });
      const f = (v) => pg.scope(() => pg.noGrad(() => L.generatorLoss(pg, nets.D.call(pg.tensor(v, [2, 2])), form, 'sum').item()));
      const h = 1e-2;
      x0.forEach((_, i) => {
        const up = [...x0]; up[i] += h;
        const dn = [...x0]; dn[i] -= h;
        close((f(up) - f(dn)) / (2 * h), grad[i], 3e-2, `${form}: ∂L_G/∂x${i}`);
      });
    }
  } finally {
    L.disposeGan(nets);
  }
});

test('label smoothing: L_D is BCE(a_real, 1 − ε) + BCE(a_fake, 0) by the formula', () => {
  const ar = [1.2, -0.3];
  const af = [-1, 0.5];
  const bce = (a, t) => -(t * Math.log(sigmoid(a)) + (1 - t) * Math.log(1 - sigmoid(a)));
  for (const eps of [0, 0.1, 0.3]) {
    const v = pg.scope(() => L.discriminatorLoss(pg, pg.tensor(ar, [2, 1]), pg.tensor(af, [2, 1]), eps).item());
    const want = (bce(ar[0], 1 - eps) + bce(ar[1], 1 - eps)) / 2 + (bce(af[0], 0) + bce(af[1], 0)) / 2;
    close(v, want, 1e-5, `L_D at ε ${eps}`);
  }
});

test('a 1-D Gaussian: the generator moves its samples\' mean toward the target\'s; the same numbers twice', () => {
  const s = state({ target: 'gaussian1d', radius: 2, spread: 0.3, iterations: 150 });
  const a = L.session(pg, s);
  const b = L.session(pg, s);
  try {
    const before = L.sampleMean(a.snapshot());
    runSession(a);
    runSession(b);
    const snap = a.snapshot();
    const after = L.sampleMean(snap);
    assert.equal(snap.it, 150);
    assert.ok(Math.abs(after - 2) < 0.5 * Math.abs(before - 2), `mean ${before} -> ${after}, target 2`);
    assert.ok(Math.abs(after - 2) < 0.5, `mean after 150 iterations: ${after}`);
    assert.deepEqual(b.snapshot().history, snap.history);
    assert.deepEqual(Array.from(b.snapshot().fake), Array.from(snap.fake));
    assert.equal(a.result().fakeMean, after);
    assert.equal(a.result().stoppedEarly, false);
  } finally {
    a.dispose();
    b.dispose();
  }
});

test('2-D: the snapshot carries the heatmap, manifold, arrows and coverage; settings in place; scrubbing', () => {
  const s = state({ iterations: 60, modes: 4 });
  const se = L.session(pg, s);
  try {
    runSession(se, { maxSteps: 30 });
    let snap = se.snapshot();
    assert.equal(snap.heat.length, L.HEAT * L.HEAT);
    assert.ok(snap.heat.every((v) => v >= 0 && v <= 1));
    assert.equal(snap.manifold.length, L.MANIFOLD * L.MANIFOLD * 2);
    assert.equal(snap.grad.length, L.SHOWN * 2);
    assert.equal(snap.coverage.k, 4);
    // The coverage is the core's on the shown samples.
    assert.deepEqual(snap.coverage, pg.gan.modeCoverage(snap.fake, snap.centres, { dim: 2, radius: L.coverageRadius(s), minShare: 0.25 }));
    // The per-sample gradients against D(G(z)): the closed forms.
    snap.dOfFake.slice(0, 20).forEach((d, i) => close(Math.abs(snap.perSample.nonsaturating[i]), 1 - Math.min(1 - 1e-6, Math.max(1e-6, d)), 1e-4, 'per-sample NS'));
    // The generator loss switched in place: the same session goes on.
    assert.equal(se.setState({ ...s, gLoss: 'minimax', gLr: 0.001 }), true);
    assert.equal(se.gOpt.lr, 0.001);
    assert.equal(se.setState({ ...s, gLoss: 'minimax', gLr: 0.001, gHidden: 16 }), false);
    runSession(se);
    snap = se.snapshot();
    assert.equal(snap.it, 60);
    assert.ok(snap.frames.length >= 3);
    se.command('scrub', { frame: 0 });
    const old = se.snapshot();
    assert.equal(old.shownIt, 0);
    assert.notDeepEqual(Array.from(old.fake), Array.from(snap.fake));
    assert.throws(() => se.command('scrub', { frame: 99 }), /no frame 99/);
  } finally {
    se.dispose();
  }
});

test('a session frees every tensor it made (networks, parameter handles, optimizers, noise)', () => {
  const bytes = pg.tensorBytes();
  const se = L.session(pg, state({ iterations: 10 }));
  se.step();
  se.step();
  se.snapshot();
  se.dispose();
  assert.equal(pg.tensorBytes(), bytes);
});

test('mode collapse counted: a generator squeezed onto one mode covers one of eight', () => {
  const s = state({ iterations: 10 });
  const se = L.session(pg, s);
  try {
    const c = se.target.centres;
    // Eight hundred samples at the first mode, as a collapsed generator makes them.
    const collapsed = Float32Array.from({ length: 1600 }, (_, i) => c[i % 2]);
    assert.equal(pg.gan.modeCoverage(collapsed, c, { dim: 2, radius: L.coverageRadius(s) }).covered, 1);
    assert.equal(pg.gan.modeCoverage(se.target.samples, c, { dim: 2, radius: L.coverageRadius(s) }).covered, 8);
  } finally {
    se.dispose();
  }
});

test('digits: G makes 14 × 14 images in [0, 1] from fixed noise and D scores real digits', () => {
  const se = L.session(pg, state({ target: 'digits', iterations: 3, batch: 16 }));
  try {
    runSession(se);
    const snap = se.snapshot();
    assert.equal(snap.it, 3);
    assert.equal(snap.fake.length, L.DIGIT_SAMPLES * 196);
    assert.ok(snap.fake.every((v) => v >= 0 && v <= 1));
    assert.equal(snap.dReal.length, L.DIGIT_REAL);
    assert.equal(snap.manifold.length, L.DIGIT_MANIFOLD ** 2 * 196);
    assert.deepEqual(snap.params, L.paramCounts(state(), 196));
    assert.equal(snap.params.generator, 2 * 32 + 32 + 32 * 32 + 32 + 32 * 196 + 196);
  } finally {
    se.dispose();
  }
});

test('exercises: the gradients at D = 0.05 and the value of the game at equilibrium', () => {
  const byId = Object.fromEntries(L.exercises.map((e) => [e.id, e]));
  close(byId['minimax-grad'].solve(pg, state()).value, 0.05, 1e-5, 'minimax');
  close(byId['ns-grad'].solve(pg, state()).value, 0.95, 1e-5, 'non-saturating');
  close(byId.equilibrium.solve(pg, state()).value, -Math.log(4), 1e-6, '−log 4');
  assert.equal(checkAnswer(pg, byId['ns-grad'], state(), '0.95').correct, true);
  assert.equal(checkAnswer(pg, byId['minimax-grad'], state(), '0.95').correct, false);
});

test('bad input: an empty drawing, a bad target option, a diverging game', () => {
  const se = L.session(pg, state({ target: 'drawn', points: '' }));
  assert.equal(se.done, true);
  assert.match(se.snapshot().problem, /The drawing has no points/);
  assert.match(L.report(se.snapshot(), state({ target: 'drawn', points: '' })).join('\n'), /no points/);
  se.dispose();
  // The drawn points' text: read back exactly; a point off the plane or not a number is named.
  assert.deepEqual(L.parseDrawn('1,2; -0.5,3.25'), { points: [1, 2, -0.5, 3.25] });
  assert.equal(L.drawnText([1, 2, -0.5, 3.25]), '1,2;-0.5,3.25');
  assert.match(L.parseDrawn('1,2;9,0').error, /point 2 \('9,0'\) must lie in \[-4, 4\]²/);
  assert.match(L.parseDrawn('1,NaN').error, /point 1 .* must be two numbers/);
  const decl = L.settings.find((d) => d.name === 'points');
  assert.match(decl.check('1,2;9,0'), /x,y pairs separated by ';'/);
  assert.equal(decl.check(''), null);
  assert.throws(() => pg.gan.target({ kind: 'spiral' }), /ganTarget: unknown target 'spiral'/);
  assert.throws(() => pg.gan.target({ kind: 'ring', spread: NaN }), /ganTarget: spread must be a finite number/);
  assert.throws(() => pg.gan.modeCoverage([1, 2], [0], { dim: 1, radius: -1 }), /modeCoverage: the radius must be a finite number > 0/);
  // SGD at learning rate 1 on both networks: the game diverges and says so.
  const bad = L.session(pg, state(L.DIVERGING));
  try {
    runSession(bad);
    assert.match(bad.failure, /gan: iteration \d+: .*(not finite|is (NaN|Infinity|-Infinity)).*diverged/);
    assert.equal(bad.result().stoppedEarly, true);
  } finally {
    bad.dispose();
  }
});

test('the CLI runs the session to the end, with --json and without', async () => {
  const { stdout } = await run(process.execPath, [cli, 'lesson', 'gan', '--iterations', '20', '--json']);
  const j = JSON.parse(stdout);
  assert.equal(j.lesson, 'gan');
  assert.equal(j.result.iterationsRun, 20);
  assert.equal(j.result.epochsRun, 20);
  assert.equal(j.result.stoppedEarly, false);
  assert.equal(j.result.history.dLoss.length, 20);
  const plain = await run(process.execPath, [cli, 'lesson', 'gan', '--iterations', '20']);
  assert.match(plain.stdout, /Modes covered: \d of 8/);
  assert.match(plain.stdout, /minimax \d\.\d{4}, non-saturating \d\.\d{4}/);
});
