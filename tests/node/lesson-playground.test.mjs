// The playground's training engine (lessons/playground/lesson.mjs session()) headless: it trains
// for real (accuracy rises), is deterministic, scrubs back and resumes to the same numbers, stops
// on bad numbers naming the op, carries the learner's own data, reads CSV files with readable
// errors, and the CLI runs it to the end.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { load } from 'playgrad';
import * as L from '../../lessons/playground/lesson.mjs';
import { runSession } from '../../lessons/session.mjs';
import { defaults, parseSettings } from '../../lessons/settings.mjs';

const pg = await load();
const cli = fileURLToPath(new URL('../../scripts/cli.mjs', import.meta.url));
const run = promisify(execFile);
const state = (over = {}) => ({ ...defaults(L.settings), ...over });

function train(over, steps = Infinity) {
  const s = L.session(pg, state(over));
  runSession(s, { maxSteps: steps });
  return s;
}

test('the default network learns the circle: val_accuracy above 0.9 within 150 epochs', () => {
  const s = train({ epochs: 150 });
  try {
    const r = s.result();
    assert.equal(r.epochs, 150);
    assert.equal(r.history.loss.length, 150);
    assert.equal(r.history.val_accuracy.length, 150);
    assert.ok(r.history.val_accuracy.at(-1) > 0.9, `val_accuracy ${r.history.val_accuracy.at(-1)}`);
    assert.ok(r.history.loss.at(-1) < r.history.loss[0] / 2, `loss ${r.history.loss[0]} -> ${r.history.loss.at(-1)}`);
    assert.equal(r.params, (2 + 1) * 8 + (8 + 1) * 8 + (8 + 1) * 1);
  } finally {
    s.dispose();
  }
});

test('three spiral arms, relu, adam, cce: above chance quickly; the same seed gives the same numbers', () => {
  const over = { dataset: 'spiral', classes: 3, hidden: '16,16', activation: 'relu', optimizer: 'adam', lr: 0.01, loss: 'cce', epochs: 30 };
  const a = train(over);
  const b = train(over);
  try {
    assert.deepEqual(a.result().history, b.result().history);
    assert.ok(a.result().history.accuracy.at(-1) > 0.6, `accuracy ${a.result().history.accuracy.at(-1)}`);
    const snap = a.snapshot();
    assert.equal(snap.surface.kind, 'classes');
    assert.equal(snap.surface.classes.length, L.GRID * L.GRID);
    assert.deepEqual(snap.neurons.map((l) => l.length), [16, 16]);
    assert.equal(snap.neurons[0][0].length, L.THUMB * L.THUMB);
  } finally {
    a.dispose();
    b.dispose();
  }
});

test('scrubbing back to an epoch restores it, and training resumes to exactly the uninterrupted numbers', () => {
  const over = { epochs: 6, optimizer: 'adam', lr: 0.02 };
  const straight = train(over);
  const s = train({ ...over, epochs: 6 }, 25 * 4); // 4 epochs of 25 batches
  try {
    assert.equal(s.epoch, 4);
    s.command('scrub', { epoch: 2 });
    assert.equal(s.epoch, 2);
    assert.equal(s.history.loss.length, 2);
    assert.deepEqual(s.snapshot().timeline, [0, 1, 2]);
    assert.deepEqual(s.snapshot().resumed, { epoch: 2, count: 1 });
    runSession(s);
    assert.deepEqual(s.result().history, straight.result().history);
    assert.throws(() => s.command('scrub', { epoch: -1 }), /no saved epoch -1/);
  } finally {
    straight.dispose();
    s.dispose();
  }
});

test('a diverging run stops before the bad step, names the op, and suggests a fix', () => {
  const s = train({ dataset: 'plane', loss: 'mse', lr: 10, hidden: '8,8', activation: 'relu', epochs: 50 });
  try {
    assert.ok(s.failure, 'the run should have diverged');
    assert.match(s.failure, /epoch \d+, batch \d+: .*(NaN|Infinity|non-finite)/);
    assert.ok(s.done);
    const snap = s.snapshot();
    assert.match(snap.suggestion, /lower the learning rate/);
    for (const w of snap.weights) assert.ok(w.values.every(Number.isFinite), `${w.layer}/${w.weight} stayed finite`);
  } finally {
    s.dispose();
  }
});

test('an edited weight (the output bias included) changes the model', () => {
  const s = train({ epochs: 1 });
  try {
    const before = s.snapshot().surface.values[0];
    s.command('setWeight', { layer: 'output', weight: 'bias', index: 0, value: 5 });
    const w = s.snapshot().weights.find((x) => x.layer === 'output' && x.weight === 'bias');
    assert.equal(w.values[0], 5);
    assert.notEqual(s.snapshot().surface.values[0], before);
    assert.throws(() => s.command('setWeight', { layer: 'output', weight: 'bias', index: 9, value: 1 }), /index 9 is out of range/);
    assert.throws(() => s.command('setWeight', { layer: 'nope', weight: 'bias', index: 0, value: 1 }), /no weight nope\/bias/);
    assert.throws(() => s.command('setWeight', { layer: 'output', weight: 'bias', index: 0, value: NaN }), /finite number/);
  } finally {
    s.dispose();
  }
});

test('drawn data: no points is a message, not a crash; drawn points carry over to the next session', () => {
  const empty = L.session(pg, state({ dataset: 'drawn' }));
  assert.match(empty.snapshot().problem, /no points yet/);
  assert.ok(empty.done);
  const pts = [[-3, -3, 0], [-2, -3, 0], [-3, -2, 0], [-2, -2, 0], [3, 3, 1], [2, 3, 1], [3, 2, 1], [2, 2, 1]];
  empty.command('data', { dataset: 'drawn', points: pts });
  const next = L.session(pg, state({ dataset: 'drawn', epochs: 40, lr: 0.1 }), empty);
  empty.dispose();
  try {
    assert.equal(next.problem, null);
    assert.equal(next.snapshot().points.labels.length, 8);
    runSession(next);
    assert.ok(next.result().history.accuracy.at(-1) >= 0.75);
  } finally {
    next.dispose();
  }
});

test('CSV files: header or not, blank lines, and every bad input named by row and column', () => {
  assert.deepEqual(L.parseCsv('x1,x2,label\n1,2,0\n\n3,4,1\n-1,.5,1\n2e0,1,0\n').points,
    [[1, 2, 0], [3, 4, 1], [-1, 0.5, 1], [2, 1, 0]]);
  assert.deepEqual(L.parseCsv('1,2,0\r\n3,4,1\r\n5,6,0\r\n7,8,1').points.length, 4);
  assert.match(L.parseCsv('1,2,0\n3,abc,1\n').error, /Row 2, column 2 \(x2\): “abc” is not a finite number/);
  assert.match(L.parseCsv('1,2,0\nNaN,1,1\n').error, /Row 2, column 1 \(x1\): “NaN”/);
  assert.match(L.parseCsv('1,2,0\n1,Infinity,1\n').error, /Row 2, column 2/);
  assert.match(L.parseCsv('1,2,0\n1,2\n').error, /Row 2: expected 3 columns/);
  assert.match(L.parseCsv('1,2,0\n3,4,0\n5,6,0\n7,8,0\n').error, /Every point is of class 0/);
  assert.match(L.parseCsv('1,2,0\n3,4,7\n').error, /Row 2, column 3 \(label\): 7 is not a class from 0 to 4/);
  assert.match(L.parseCsv('1,2,0\n3,4,0.5\n').error, /0.5 is not a class/);
  assert.match(L.parseCsv('\u0000\u0001PK\u0003\u0004binary').error, /binary/);
  assert.match(L.parseCsv('').error, /no points yet/);
  // Only a line of three names is a header: a first row with one bad number is reported.
  assert.match(L.parseCsv('1,2..5,0\n3,4,1\n5,6,0\n7,8,1\n').error, /Row 1, column 2 \(x2\): “2..5” is not a finite number/);
  assert.match(L.parseCsv('x1,x2,label\nx1,x2,label\n1,2,0\n').error, /Row 2, column 1/);
  const many = Array.from({ length: L.MAX_ROWS + 1 }, (_, i) => `${i % 7},${i % 5},${i % 2}`).join('\n');
  assert.match(L.parseCsv(many).error, /more than 20000 rows/);
});

test('settings out of range in a link are refused with a message naming what is expected', () => {
  const { state: st, problems } = parseSettings(L.settings, new Map([['hidden', '1000,1000'], ['lr', '-1'], ['epochs', '1e9'], ['features', 'x1,x3'], ['activation', 'swish']]));
  assert.deepEqual(problems.map((p) => p.name), ['features', 'hidden', 'activation', 'lr', 'epochs']);
  assert.match(problems[1].message, /0 to 8 comma-separated widths from 1 to 64/);
  assert.equal(st.hidden, '8,8');
  assert.equal(st.epochs, 500);
  // A loss that no longer fits: classes=3 takes the first loss that does.
  assert.equal(parseSettings(L.settings, new Map([['dataset', 'spiral'], ['classes', '3']])).state.loss, 'cce');
  assert.equal(parseSettings(L.settings, new Map([['dataset', 'wave']])).state.loss, 'mse');
  assert.deepEqual(L.parseHidden(''), []);
  assert.equal(L.parseHidden('8,,8'), null);
  assert.deepEqual(L.parseActivations('relu,tanh', 2), ['relu', 'tanh']);
  assert.equal(L.parseActivations('relu,tanh', 3), null);
});

test('in-place settings keep the run; others start a new one (the page decides by setState)', () => {
  const s = train({ epochs: 3 }, 30);
  try {
    const epoch = s.epoch;
    assert.equal(s.setState(state({ epochs: 3, lr: 0.1 })), true);
    assert.ok(Math.abs(s.model.lr - 0.1) < 1e-9);
    assert.equal(s.epoch, epoch);
    assert.equal(s.setState(state({ epochs: 3, lr: 0.1, hidden: '4' })), false);
  } finally {
    s.dispose();
  }
});

test('the saved model loads back and predicts the same numbers', () => {
  const s = train({ epochs: 3, l2: 0.001, dropout: 0.2, batchNorm: true });
  try {
    const saved = s.result().model;
    const m = pg.loadModel(saved);
    pg.scope(() => {
      const a = s.model.predict(s.gridX).toArray();
      const b = m.predict(s.gridX).toArray();
      assert.deepEqual(Array.from(b), Array.from(a));
    });
    m.dispose();
  } finally {
    s.dispose();
  }
});

test('sessions free what they made: tensor bytes back where they were', () => {
  train({ epochs: 1 }).dispose(); // warm (first-use allocations of the core itself)
  const before = pg.tensorBytes();
  for (let i = 0; i < 3; i++) train({ epochs: 2, batchNorm: true, dropout: 0.1 }).dispose();
  assert.equal(pg.tensorBytes(), before);
  const kept = train({ epochs: 1 });
  assert.ok(pg.tensorBytes() > before, 'a live session holds tensors (so the check above can fail)');
  kept.dispose();
  assert.equal(pg.tensorBytes(), before);
});

test('CLI: --json prints history, epochs and stoppedEarly; a diverged run exits 1 with the message', async () => {
  const { stdout, stderr } = await run(process.execPath, [cli, 'lesson', 'playground', '--dataset', 'spiral', '--classes', '3',
    '--hidden', '16,16', '--activation', 'relu', '--optimizer', 'adam', '--lr', '0.01', '--epochs', '12', '--seed', '1', '--patience', '0', '--json']);
  assert.equal(stderr, '');
  const out = JSON.parse(stdout);
  assert.equal(out.result.epochs, 12);
  assert.equal(out.result.stoppedEarly, false);
  for (const k of ['loss', 'accuracy', 'val_loss', 'val_accuracy']) assert.equal(out.result.history[k].length, 12);
  const same = L.session(pg, { ...defaults(L.settings), ...out.settings });
  runSession(same);
  assert.deepEqual(same.result().history, out.result.history);
  same.dispose();

  await assert.rejects(run(process.execPath, [cli, 'lesson', 'playground', '--dataset', 'plane', '--lr', '10', '--hidden', '8,8', '--activation', 'relu', '--epochs', '50']),
    (e) => e.code === 1 && /training stopped: epoch \d+, batch \d+/.test(e.stderr) && /\[#*\.*\]/.test(e.stderr));
});
