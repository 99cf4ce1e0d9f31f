// The cnn lesson (lessons/cnn/lesson.mjs) headless: the conv arithmetic of the default network
// (sizes, parameters, receptive fields, the core's numbers against the formulas), the default net
// with the default seed reaching >= 95% on the 600 held-out digits, the same numbers on a second
// run, the drawn digit prepared by the core (and an empty drawing refused), a kernel larger than
// its input and PyTorch's 'same' at stride 2 explained, max pooling's gradient at the maxima only,
// a filter edited by hand (the accuracy from the core, restored exactly), save and load, the
// confusion matrix, the shared digits' second file, the exercises and the CLI.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { load } from 'playgrad';
import * as L from '../../lessons/cnn/lesson.mjs';
import { MORE_PER_CLASS, PER_CLASS, digitsNow, packDigits } from '../../lessons/digits-data.mjs';
import { checkAnswer } from '../../lessons/exercises.mjs';
import { runSession } from '../../lessons/session.mjs';
import { defaults } from '../../lessons/settings.mjs';

const pg = await load();
const cli = fileURLToPath(new URL('../../scripts/cli.mjs', import.meta.url));
const run = promisify(execFile);
const state = (over = {}) => ({ ...defaults(L.settings), ...over });

test('the default network: sizes, parameters and receptive fields from the conv arithmetic', () => {
  const a = L.architecture(pg, state());
  const by = Object.fromEntries(a.map((l) => [l.name, l]));
  assert.deepEqual(a.map((l) => l.name), ['conv1', 'pool1', 'conv2', 'pool2', 'flatten', 'dense', 'output']);
  assert.deepEqual(by.conv1.output, [14, 14, 8]);
  assert.deepEqual(by.conv1.pad, [1, 1]);
  assert.deepEqual(by.pool1.output, [7, 7, 8]);
  assert.deepEqual(by.conv2.output, [7, 7, 16]);
  assert.deepEqual(by.pool2.output, [3, 3, 16]); // ⌊(7 − 2)/2⌋ + 1 = 3: the floor drops a row
  assert.equal(by.pool2.quotient, 2.5);
  assert.deepEqual(by.flatten.output, [144]);
  // (f·f·C_in + 1)·C_out and (n + 1)·units
  assert.equal(by.conv1.params, (3 * 3 * 1 + 1) * 8);
  assert.equal(by.conv2.params, (3 * 3 * 8 + 1) * 16);
  assert.equal(by.dense.params, (144 + 1) * 64);
  assert.equal(by.output.params, (64 + 1) * 10);
  // r_l = r_{l-1} + (f − 1) j_{l-1}: 3, 4, 8, 10; the padding moves the start: −1, −1, −3, −3.
  assert.deepEqual(['conv1', 'pool1', 'conv2', 'pool2'].map((n) => [by[n].rf.size, by[n].rf.jump, by[n].rf.start]),
    [[3, 1, -1], [4, 2, -1], [8, 2, -3], [10, 4, -3]]);
  const model = L.buildModel(pg, state());
  try {
    assert.equal(model.countParams(), a.reduce((s, l) => s + l.params, 0));
    const shapes = model.activations(pg.zeros([1, 14, 14, 1])).map((n) => { const s = n.shape; n.output.dispose(); return s; });
    assert.deepEqual(shapes.slice(1), a.map((l) => l.output), 'the model builds the sizes the arithmetic gives');
  } finally {
    model.dispose();
  }
});

test('a kernel larger than its input, and PyTorch\'s \'same\' at stride 2, are explained, not trained', () => {
  const big = L.session(pg, state({ kernel: 9, padding: 'valid' }));
  const snap = big.snapshot();
  assert.ok(big.done);
  assert.match(snap.problem, /The network cannot be built: conv2 \(Conv2D, input 3 × 3 × 8\): .*kernel/i);
  assert.throws(() => big.command('sample', { index: 0 }), /cannot be built/);
  big.dispose();
  const torch = L.session(pg, { ...state({ stride: 2 }), convention: 'pytorch' });
  assert.match(torch.snapshot().problem, /conv1 .*same.*stride/i);
  torch.dispose();
  const keras = L.session(pg, state({ stride: 2, epochs: 1 }));
  assert.equal(keras.snapshot().problem, null);
  assert.deepEqual(keras.snapshot().layers[0].output, [7, 7, 8]); // Keras: ⌈14 / 2⌉
  keras.dispose();
});

test('the shared digits: the second file continues the first (same format, the next digits of each class)', () => {
  const d = digitsNow({ more: true });
  assert.equal(d.count, 10 * (PER_CLASS + MORE_PER_CLASS));
  const base = digitsNow();
  assert.deepEqual(new Uint8Array(d.pixels.subarray(0, base.pixels.length)), new Uint8Array(base.pixels));
  for (let i = 0; i < d.count; i += 997) assert.equal(d.labels[i], i % 10);
  const require = createRequire(import.meta.url);
  const built = new URL('../../web/lib/mnist-digits-more.bin', import.meta.url);
  if (existsSync(built)) {
    const raw = Array.from({ length: 10 }, (_, k) => require(`mnist/src/digits/${k}.json`).data);
    const fresh = packDigits(raw, { perClass: MORE_PER_CLASS, first: PER_CLASS });
    assert.deepEqual(new Uint8Array(readFileSync(built)), fresh, 'web/lib/mnist-digits-more.bin is a fresh pack');
    // Row 0 of the second file is the package's digit 300 of class 0, 2 × 2 means.
    const img = raw[0];
    const at = (r, c) => img[PER_CLASS * 784 + r * 28 + c];
    const mean = (r, c) => (at(2 * r, 2 * c) + at(2 * r, 2 * c + 1) + at(2 * r + 1, 2 * c) + at(2 * r + 1, 2 * c + 1)) / 4;
    const px = d.pixels.subarray(base.count * 196, base.count * 196 + 196);
    for (const [r, c] of [[7, 7], [5, 9], [10, 4]]) assert.equal(px[r * 14 + c], Math.round(255 * mean(r, c)));
  }
});

test('the default net with the default seed reaches >= 95% on the held-out digits; the same numbers again on a short run', () => {
  const s = L.session(pg, state());
  try {
    runSession(s);
    const r = s.result();
    assert.equal(r.failure, null);
    assert.equal(r.epochs, 6);
    const acc = r.heldOutAccuracy;
    assert.ok(acc >= 0.95, `held-out accuracy ${acc} (history ${r.history.valAccuracy})`);
    // The confusion matrix's diagonal is the same count as evaluate()'s accuracy.
    const diag = r.confusion.reduce((a, row, i) => a + row[i], 0);
    assert.equal(diag, Math.round(acc * L.HELD_OUT));
    assert.equal(r.confusion.flat().reduce((a, b) => a + b, 0), L.HELD_OUT);
    assert.ok(r.history.loss[5] < r.history.loss[0] / 3, `training loss ${r.history.loss}`);
  } finally {
    s.dispose();
  }
  // Same seed, same numbers (a short run twice); another seed, others.
  const short = (seed) => {
    const q = L.session(pg, state({ epochs: 1, digits: 500, seed }));
    runSession(q);
    const out = { h: q.result().history, probs: q.snapshot().probs };
    q.dispose();
    return out;
  };
  const a = short(1), b = short(1), c = short(2);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.h.loss, c.h.loss);
});

test('a drawn digit: prepared by the core, through every layer; an empty drawing refused with the core\'s message', () => {
  const s = L.session(pg, state({ epochs: 1, digits: 500 }));
  try {
    runSession(s);
    // A vertical bar drawn off-centre on a 112 × 112 pad.
    const side = 112;
    const data = new Float32Array(side * side);
    for (let y = 10; y < 70; y++) for (let x = 80; x < 88; x++) data[y * side + x] = 1;
    s.command('draw', { data, height: side, width: side });
    const snap = s.snapshot();
    const prep = pg.vision.prepareDigit(data, { height: side, width: side, size: 14 });
    assert.deepEqual(Array.from(snap.probe.image), Array.from(prep.image));
    assert.equal(snap.probe.source, 'drawn');
    assert.deepEqual(prep.box, [80, 10, 88, 70]);
    assert.equal(prep.scale, 20 / 60);
    // The 14 × 14 image is the 2 × 2 means of the 28 × 28 one, whose ink sits at the middle.
    const p28 = pg.vision.prepareDigit(data, { height: side, width: side, size: 28 });
    let mass = 0, my = 0, mx = 0;
    p28.image.forEach((v, i) => { mass += v; my += v * (Math.floor(i / 28) + 0.5); mx += v * ((i % 28) + 0.5); });
    assert.ok(Math.abs(my / mass - 14) <= 0.5 && Math.abs(mx / mass - 14) <= 0.5, `centre of mass ${mx / mass}, ${my / mass}`);
    assert.deepEqual(snap.maps.map((m) => m.name), ['input_1', 'conv1', 'pool1', 'conv2', 'pool2', 'dense', 'output']);
    assert.ok(Math.abs(snap.probs.reduce((a, b) => a + b, 0) - 1) < 1e-5);
    // The maps are the model's own forward pass of that image.
    pg.scope(() => {
      const direct = s.model.predict(pg.tensor(prep.image, [1, 14, 14, 1])).toArray();
      assert.deepEqual(Array.from(direct), snap.probs);
    });
    assert.throws(() => s.command('draw', { data: new Float32Array(side * side), height: side, width: side }), /prepareDigit: the drawing is empty/);
    assert.deepEqual(Array.from(s.snapshot().probe.image), Array.from(prep.image), 'a refused drawing changes nothing');
    assert.throws(() => s.command('draw', { data: new Float32Array(10), height: side, width: side }), /prepareDigit: the image has 10 pixels/);
    assert.throws(() => s.command('sample', { index: 600 }), /numbered 0 to 599/);
  } finally {
    s.dispose();
  }
});

test('max pooling\'s gradient goes only to each window\'s maximum (the core\'s backward); average pooling gives 1/4 each', () => {
  for (const pooling of ['max', 'avg']) {
    const s = L.session(pg, state({ epochs: 1, digits: 500, pooling }));
    try {
      s.step();
      const { poolGrad: g } = s.snapshot();
      const [h, w, C] = g.shape;
      assert.deepEqual(g.outShape, [7, 7, C]);
      for (let c = 0; c < C; c++) {
        for (let wy = 0; wy < h / 2; wy++) {
          for (let wx = 0; wx < w / 2; wx++) {
            const idx = [0, 1, 2, 3].map((k) => ((2 * wy + (k >> 1)) * w + 2 * wx + (k & 1)) * C + c);
            const v = idx.map((i) => g.input[i]), gr = idx.map((i) => g.grad[i]);
            if (pooling === 'avg') { assert.deepEqual(gr, [0.25, 0.25, 0.25, 0.25]); continue; }
            const first = v.indexOf(Math.max(...v)); // the first maximum (ties: relu zeros)
            assert.deepEqual(gr, [0, 1, 2, 3].map((k) => (k === first ? 1 : 0)), `window ${wy},${wx} of map ${c}: ${v}`);
            assert.equal(g.output[(wy * (w / 2) + wx) * C + c], Math.max(...v));
          }
        }
      }
    } finally {
      s.dispose();
    }
  }
});

test('a filter edited by hand: the held-out accuracy before and after from the core; restore puts it back exactly', () => {
  const s = L.session(pg, state({ epochs: 1, digits: 1000 }));
  try {
    runSession(s);
    const before = s.snapshot();
    const w0 = Array.from(before.filters.conv1.kernel);
    s.command('editFilter', { filter: 2, values: new Array(9).fill(0) });
    const e = s.snapshot().edit;
    assert.equal(e.filter, 2);
    assert.equal(e.before.accuracy, before.history.valAccuracy[0]);
    assert.equal(e.after.accuracy, s.model.evaluate(s.xVal, s.yVal).accuracy);
    const k = s.snapshot().filters.conv1.kernel;
    for (let j = 0; j < 9; j++) assert.equal(k[j * 8 + 2], 0);
    s.command('editFilter', { filter: 2, index: 4, value: 3 });
    assert.equal(s.snapshot().filters.conv1.kernel[4 * 8 + 2], 3);
    assert.throws(() => s.command('editFilter', { filter: 2, index: 9, value: 1 }), /weights 0 to 8/);
    assert.throws(() => s.command('editFilter', { filter: 8, index: 0, value: 1 }), /filters 0 to 7/);
    assert.throws(() => s.command('editFilter', { filter: 0, index: 0, value: NaN }), /finite number/);
    s.command('restoreFilter', { filter: 2 });
    assert.deepEqual(Array.from(s.snapshot().filters.conv1.kernel), w0);
    assert.equal(s.model.evaluate(s.xVal, s.yVal).accuracy, before.history.valAccuracy[0]);
  } finally {
    s.dispose();
  }
});

test('save and load: the core\'s JSON back into the same network gives the same accuracy; another network is refused', () => {
  const s = L.session(pg, state({ epochs: 1, digits: 500 }));
  const t = L.session(pg, state({ epochs: 1, digits: 500, seed: 9 }));
  const other = L.session(pg, state({ epochs: 1, digits: 500, filters1: 4 }));
  try {
    runSession(s);
    s.command('export');
    const json = s.snapshot().exported;
    assert.equal(s.snapshot().exported, null, 'exported once');
    runSession(t); // different weights
    t.command('loadModel', { json });
    assert.equal(t.snapshot().loaded.accuracy, s.history.valAccuracy[0]);
    assert.deepEqual(t.snapshot().probs, s.snapshot().probs);
    assert.throws(() => other.command('loadModel', { json }), /not the ones these settings build/);
    assert.throws(() => t.command('loadModel', { json: '{nope' }), /not a model the core can read/);
  } finally {
    s.dispose();
    t.dispose();
    other.dispose();
  }
});

test('the confusion matrix is the core\'s count of argmax predictions', () => {
  const probs = pg.tensor([0.1, 0.2, 0.7, 0.6, 0.3, 0.1, 0.2, 0.4, 0.4], [3, 3]);
  const c = pg.metrics.confusionMatrix(probs, [2, 1, 1]);
  assert.deepEqual(c.matrix, [[0, 0, 0], [1, 1, 0], [0, 0, 1]]);
  assert.deepEqual(c.predicted, [2, 0, 1]);
  assert.throws(() => pg.metrics.confusionMatrix(probs, [0, 1]), /confusionMatrix: 2 labels for 3 rows/);
  probs.dispose();
});

test('the exercises: the pool size, a layer\'s parameters and the pooling gradient, from the core', () => {
  const ex = Object.fromEntries(L.exercises.map((e) => [e.id, e]));
  assert.equal(ex['pool-size'].solve(pg, state()).value, 7);
  assert.equal(ex['conv2-params'].solve(pg, state()).value, 1168);
  assert.equal(ex['conv2-params'].solve(pg, state({ filters2: 0, filters1: 6, kernel: 5 })).value, (25 + 1) * 6);
  assert.equal(ex['pool-gradient'].solve(pg, state()).value, 0);
  assert.equal(checkAnswer(pg, ex['pool-size'], state(), '6.5').correct, false);
  assert.equal(checkAnswer(pg, ex['pool-size'], state(), '7').correct, true);
});

test('the CLI trains to the end: --json has the history, epochs and stoppedEarly; the report has the layer table', async () => {
  const args = [cli, 'lesson', 'cnn', '--epochs', '1', '--digits', '500'];
  const { stdout } = await run(process.execPath, [...args, '--json'], { maxBuffer: 64e6 });
  const out = JSON.parse(stdout);
  assert.equal(out.lesson, 'cnn');
  assert.equal(out.result.epochs, 1);
  assert.equal(out.result.stoppedEarly, false);
  assert.equal(out.result.history.valAccuracy.length, 1);
  const here = L.session(pg, state({ epochs: 1, digits: 500 }));
  runSession(here);
  assert.deepEqual(out.result.history, here.result().history, 'the CLI gives the same numbers');
  here.dispose();
  const plain = await run(process.execPath, args);
  assert.match(plain.stdout, /conv2 +Conv2D +7 × 7 × 16 +1168/);
  assert.match(plain.stdout, /confusion matrix/);
});
