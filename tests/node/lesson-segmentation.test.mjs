// The segmentation lesson (lessons/segmentation/lesson.mjs) headless: transposed convolution's
// values and gradients against TensorFlow.js (tf.conv2dTranspose) and finite differences for the
// lesson's settings (the course's F = 2, S = 2 among them); the output size and the overlap counts
// (no overlap at F = S = 2, the checkerboard at F = 3, S = 2), the all-ones kernel at F = S being
// nearest upsampling; the core's scenes and mask scores; the U-Net beating the no-skip version on
// the default scenes at a fixed seed on a short run (test_segmentation.cpp trains longer natively);
// bad settings explained while training goes on; the exercises and the CLI.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import * as tf from '@tensorflow/tfjs';

import { load } from 'playgrad';
import * as L from '../../lessons/segmentation/lesson.mjs';
import { checkAnswer } from '../../lessons/exercises.mjs';
import { runSession } from '../../lessons/session.mjs';
import { defaults } from '../../lessons/settings.mjs';
import { assertCloseToTfjs } from './compare.mjs';
import { gradcheck } from './gradcheck-helper.mjs';

const pg = await load();
await tf.setBackend('cpu');
const cli = fileURLToPath(new URL('../../scripts/cli.mjs', import.meta.url));
const run = promisify(execFile);
const state = (over = {}) => ({ ...defaults(L.settings), ...over });

// The lesson's transposed-convolution settings: [n, F, S, P, output padding].
const CASES = [[4, 2, 2, 0, 0], [4, 3, 2, 0, 0], [3, 3, 2, 1, 1], [5, 4, 2, 1, 0], [3, 5, 3, 2, 2], [2, 1, 1, 0, 0]];

test('transposed convolution: values and both gradients against tf.conv2dTranspose, and finite differences', () => {
  for (const [n, F, S, P, op] of CASES) {
    const what = `n ${n}, F ${F}, S ${S}, P ${P}, op ${op}`;
    const cin = 2, cout = 3;
    const xData = pg.scope(() => Array.from(pg.rand([1, n, n, cin], 11 + n, -1, 1).toArray()));
    const wData = pg.scope(() => Array.from(pg.rand([F, F, cout, cin], 13 + F, -1, 1).toArray()));
    const out = pg.vision.convTransposeOutputSize({ input: n, kernel: F, stride: S, padding: P, outputPadding: op });
    assert.equal(out, S * (n - 1) + F + op - 2 * P, what);
    const rData = pg.scope(() => Array.from(pg.rand([1, out, out, cout], 17, -1, 1).toArray()));
    const ours = pg.scope(() => {
      const x = pg.tensor(xData, [1, n, n, cin], { requiresGrad: true });
      const w = pg.tensor(wData, [F, F, cout, cin], { requiresGrad: true });
      const y = pg.conv2dTranspose(x, w, { strides: S, padding: P, outputPadding: op });
      pg.sum(pg.mul(y, pg.tensor(rData, y.shape))).backward();
      return { y: y.toArray(), shape: y.shape, gx: x.grad.toArray(), gw: w.grad.toArray() };
    });
    assert.deepEqual(ours.shape, [1, out, out, cout], what);
    // tfjs takes the output shape and the padding of the convolution this one is the gradient of:
    // P on both sides (that convolution's floor absorbs the output padding).
    const tfPad = P === 0 ? 'valid' : [[0, 0], [P, P], [P, P], [0, 0]];
    const theirs = tf.tidy(() => {
      const x = tf.tensor(xData, [1, n, n, cin]), w = tf.tensor(wData, [F, F, cout, cin]);
      const y = tf.conv2dTranspose(x, w, [1, out, out, cout], S, tfPad).dataSync();
      const f = (a, b) => tf.sum(tf.mul(tf.conv2dTranspose(a, b, [1, out, out, cout], S, tfPad), tf.tensor(rData, [1, out, out, cout])));
      const [gx, gw] = tf.grads(f)([x, w]);
      return { y, gx: gx.dataSync(), gw: gw.dataSync() };
    });
    assertCloseToTfjs(ours.y, theirs.y, `${what}: output`, 1e-4, 1e-4);
    assertCloseToTfjs(ours.gx, theirs.gx, `${what}: ∂/∂x`, 1e-4, 1e-4);
    assertCloseToTfjs(ours.gw, theirs.gw, `${what}: ∂/∂kernel`, 1e-4, 1e-4);
  }
  for (const [n, F, S, P, op] of CASES.slice(1, 5)) {
    gradcheck(pg, `conv2dTranspose n ${n} F ${F} S ${S} P ${P} op ${op}`,
      (xs) => pg.conv2dTranspose(xs[0], xs[1], { strides: S, padding: P, outputPadding: op }),
      [{ data: pg.scope(() => pg.rand([1, n, n, 2], 3, -1, 1).toArray()), shape: [1, n, n, 2] },
        { data: pg.scope(() => pg.rand([F, F, 2, 2], 4, -1, 1).toArray()), shape: [F, F, 2, 2] }]);
  }
});

test('the arithmetic: the course\'s F = 2, S = 2 has no overlap; F = 3, S = 2 is a checkerboard', () => {
  const a = L.arithmetic(pg, state());
  assert.equal(a.error, undefined);
  assert.equal(a.out, 8);
  assert.equal(L.sizeWorking(a), '2·(4 − 1) + 2 + 0 − 2·0 = 8');
  assert.ok(a.even);
  assert.deepEqual([a.countMin, a.countMax], [1, 1]);
  assert.ok(a.counts.every((c) => c === 1));
  // The all-ones kernel with F = S is nearest upsampling, value for value.
  assert.deepEqual(a.up.transposed.data, a.up.nearest.data);
  assert.equal(a.up.bilinear.side, 8);

  const c = L.arithmetic(pg, state({ kernel: 3 }));
  assert.equal(c.out, 9);
  assert.ok(!c.even);
  assert.deepEqual([c.countMin, c.countMax], [1, 4]);
  // rows of counts alternate 1, 2, 1, 2, ... 1 (patch starts at 0, 2, 4, 6; each 3 wide)
  assert.deepEqual(c.counts.slice(0, 9), [1, 1, 2, 1, 2, 1, 2, 1, 1]);
  assert.deepEqual(c.counts.slice(2 * 9, 3 * 9), [2, 2, 4, 2, 4, 2, 4, 2, 2]);
  // F = 4, S = 2: every interior pixel under exactly 2 × 2 patches
  const d = L.arithmetic(pg, state({ kernel: 4, weights: 'bilinear' }));
  assert.ok(d.even);
  assert.equal(d.counts[3 * d.out + 3], 4);
  assert.deepEqual(d.kernel.slice(0, 4), [0.0625, 0.1875, 0.1875, 0.0625]); // FCN's t = [¼, ¾, ¾, ¼]

  // Sizes the core refuses are explained, with no drawing data.
  const bad = L.arithmetic(pg, state({ outputPadding: 2 }));
  assert.match(bad.error, /output.?padding/i);
  assert.equal(bad.counts, undefined);
  const cropped = L.arithmetic(pg, state({ n: 1, kernel: 1, stride: 1, padding: 1 }));
  assert.match(cropped.error, /convTransposeOutputSize|conv2dTranspose/);
});

test('the core\'s scenes and mask scores', () => {
  const a = pg.data.scenes({ count: 6, size: 16, classes: 3, seed: 2 });
  const b = pg.data.scenes({ count: 6, size: 16, classes: 3, seed: 2 });
  try {
    assert.deepEqual(a.x.shape, [6, 16, 16, 1]);
    assert.deepEqual(a.y.shape, [6, 16, 16]);
    assert.deepEqual(a.x.toArray(), b.x.toArray());
    const labels = new Set(a.y.toArray());
    assert.ok([...labels].every((v) => v === 0 || v === 1 || v === 2));
    // perfect probabilities (the one-hot truth) score 1 everywhere
    const y = Array.from(a.y.toArray());
    const onehot = new Float32Array(y.length * 3);
    y.forEach((c, i) => { onehot[i * 3 + c] = 1; });
    const s = pg.scope(() => pg.metrics.segmentation(pg.tensor(onehot, [6, 16, 16, 3]), a.y));
    assert.equal(s.pixelAccuracy, 1);
    assert.deepEqual(s.iou, [1, 1, 1]);
    assert.deepEqual(s.dice, [1, 1, 1]);
  } finally {
    [a.x, a.y, b.x, b.y].forEach((t) => t.dispose());
  }
  assert.throws(() => pg.data.scenes({ classes: 7 }), (e) => e instanceof pg.PlaygradError && /scenes: classes must be in \[2, 4\]/.test(e.message));
  assert.throws(() => pg.scope(() => pg.metrics.segmentation(pg.ones([2, 3]), [0])), /segmentationScores: 1 labels for 2 pixels/);
});

test('the U-Net beats the no-skip version on the default scenes at a fixed seed (short run)', () => {
  const s = runSession(L.session(pg, state({ epochs: 2, scenes: 256 })));
  try {
    const r = s.result();
    assert.equal(r.failure, null);
    assert.equal(r.epochs, 2);
    const skip = r.runs.skip.final, noskip = r.runs.noskip.final;
    assert.ok(skip.meanIou > noskip.meanIou, `with skips ${skip.meanIou}, without ${noskip.meanIou}`);
    // The scores are the core's: Dice = 2 IoU / (1 + IoU) per class.
    skip.iou.forEach((v, c) => assert.ok(Math.abs(skip.dice[c] - 2 * v / (1 + v)) < 1e-9));
    assert.ok(r.runs.skip.history.loss[1] < r.runs.skip.history.loss[0]);
    assert.ok(r.runs.skip.params > r.runs.noskip.params, 'the skips widen dec2 and dec1');
  } finally {
    s.dispose();
  }
});

test('a snapshot: the shown scene, masks per epoch, arithmetic changed in place; same numbers twice', () => {
  const a = L.session(pg, state({ epochs: 1, scenes: 32 }));
  const b = L.session(pg, state({ epochs: 1, scenes: 32 }));
  try {
    runSession(a);
    runSession(b);
    const sa = a.snapshot(), sb = b.snapshot();
    assert.deepEqual(sa.runs.skip.history, sb.runs.skip.history);
    assert.equal(sa.runs.skip.masks.length, 1);
    assert.equal(sa.runs.skip.now.mask.length, 256);
    assert.equal(sa.truth.length, 256);
    assert.ok(a.setState(state({ epochs: 1, scenes: 32, kernel: 3, shown: 5 })));
    const s2 = a.snapshot();
    assert.equal(s2.arith.F, 3);
    assert.equal(s2.shown, 5);
    assert.deepEqual(s2.runs.skip.history, sa.runs.skip.history, 'training kept');
    assert.ok(!a.setState(state({ epochs: 1, scenes: 32, kernel: 3, shown: 5, skip: false })), 'a network change makes a new session');
    // a bad size in place: the message, training untouched
    assert.ok(a.setState(state({ epochs: 1, scenes: 32, outputPadding: 3 })));
    assert.match(a.snapshot().arith.error, /output/i);
  } finally {
    a.dispose();
    b.dispose();
  }
});

test('exercises: the course\'s values from the core', () => {
  const byId = Object.fromEntries(L.exercises.map((e) => [e.id, e]));
  assert.equal(byId['out-size'].solve(pg, state()).value, 10);
  assert.equal(byId['overlap-max'].solve(pg, state()).value, 4);
  assert.ok(Math.abs(byId['dice-from-iou'].solve(pg, state()).value - 2 / 3) < 1e-6);
  assert.equal(checkAnswer(pg, byId['out-size'], state(), '10').correct, true);
  assert.equal(checkAnswer(pg, byId['overlap-max'], state(), '2').correct, false);
});

test('the CLI runs the lesson to the end with --json and prints the report without', async () => {
  const { stdout } = await run(process.execPath, [cli, 'lesson', 'segmentation', '--json', '--epochs', '1', '--scenes', '32', '--twin', 'false'], { timeout: 60000 });
  const out = JSON.parse(stdout);
  assert.equal(out.lesson, 'segmentation');
  assert.equal(out.result.epochs, 1);
  assert.equal(out.result.stoppedEarly, false);
  assert.equal(out.result.history.loss.length, 1);
  assert.deepEqual(Object.keys(out.result.runs), ['skip']);
  assert.equal(out.result.arithmetic.out, 8);
  const text = await run(process.execPath, [cli, 'lesson', 'segmentation', '--epochs', '1', '--scenes', '32', '--kernel', '3', '--twin', 'false'], { timeout: 60000 });
  assert.match(text.stdout, /out = S\(n − 1\) \+ F \+ output padding − 2P = 2·\(4 − 1\) \+ 3 \+ 0 − 2·0 = 9/);
  assert.match(text.stdout, /checkerboard/);
  assert.match(text.stdout, /disc/);
  assert.doesNotMatch(text.stdout, /No skips/);
});
