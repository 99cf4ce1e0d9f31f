// The anchors-yolo lesson headless: encode then decode returns the ground-truth boxes (through
// the target, and through a raw output that activates to it), the target vector's layout against
// the course's, the four loss terms against a hand computation and their gradient against central
// differences, k-means anchors against hand-picked ones, a short training run (the same numbers
// twice, the loss falling), the exercises, bad input and the CLI. (The long training run is the
// native test; here the numbers of a short one.)
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { load } from 'playgrad';

import * as L from '../../lessons/anchors-yolo/lesson.mjs';
import * as iouNms from '../../lessons/iou-nms/lesson.mjs';
import { checkAnswer } from '../../lessons/exercises.mjs';
import { runSession } from '../../lessons/session.mjs';
import { defaults, parseSettings } from '../../lessons/settings.mjs';
import { gradcheck } from './gradcheck-helper.mjs';

const pg = await load();
const cli = fileURLToPath(new URL('../../scripts/cli.mjs', import.meta.url));
const run = promisify(execFile);
const state = (over = {}) => ({ ...defaults(L.settings), ...over });
const close = (a, b, tol, what) => assert.ok(Math.abs(a - b) <= tol * (1 + Math.abs(b)), `${what}: ${a} vs ${b}`);
const SHORT = { scenes: 64, epochs: 2 };
const sig = (x) => 1 / (1 + Math.exp(-x));

test('the target vector: [pc, bx, by, bh, bw, c1 … cC] at the centre cell and the best anchor; the course\'s order beside it', () => {
  // A person (class 1 of 3) centred at (0.5, 0.5) of the image on a 3 × 3 grid: cell (1, 1), bx = by = 0.5.
  const anchors = [[0.2, 0.6], [0.6, 0.2]];
  const e = L.encodeScene(pg, state({ boxes: '40,20,60,80,1', S: 3, C: 3 }), anchors);
  const p = e.perBox[0];
  assert.equal(p.row, 1);
  assert.equal(p.col, 1);
  assert.equal(p.anchor, 0, 'the tall anchor fits a tall person');
  assert.ok(p.ious[0] > p.ious[1]);
  close(p.ious[0], (0.2 * 0.6) / (0.2 * 0.6 + 0.2 * 0.6 - 0.2 * 0.6), 1e-6, 'IoU with the tall anchor (the same shape: 1)');
  const want = [1, 0.5, 0.5, 0.6 * 3, 0.2 * 3, 1, 0, 0];
  want.forEach((v, i) => close(p.vector[i], v, 1e-5, `vector[${i}]`));
  // The course's [bx, by, bh, bw, 1, 0, 0]: the same numbers without pc.
  assert.deepEqual(p.courseOrder, [p.vector[1], p.vector[2], p.vector[3], p.vector[4], 1, 0, 0]);
  assert.equal(e.target.length, 3 * 3 * 2 * 8);
  assert.deepEqual(e.shape, [3, 3, 2, 8]);
  // The rest of the tensor is zero.
  const at = ((1 * 3 + 1) * 2 + 0) * 8;
  assert.equal(Array.from(e.target).filter((v, i) => v !== 0 && (i < at || i >= at + 8)).length, 0);
});

test('encode then decode returns the ground-truth boxes (the target, and a raw output activated to it)', () => {
  const s = state();
  const anchors = [[0.2, 0.4], [0.5, 0.3]];
  const e = L.encodeScene(pg, s, anchors);
  const { boxes } = L.sceneBoxes(s);
  assert.equal(e.decoded.boxes.length, boxes.length);
  for (const b of boxes) {
    const found = e.decoded.boxes.find((d) => d.every((v, i) => Math.abs(v - b[i]) < 1e-5));
    assert.ok(found, `box ${b} decodes back`);
  }
  // The raw numbers a network would output for this target: to = ±8, tx = logit(bx), tw = ln(bw / pw), class logits 0 / −8.
  const { S, A, D } = e;
  const raw = new Float32Array(e.target.length);
  for (let r = 0; r < raw.length / D; r++) {
    const y = e.target.subarray(r * D, (r + 1) * D);
    raw[r * D] = y[0] ? 8 : -8;
    if (!y[0]) continue;
    const [pw, ph] = anchors[r % A].map((v) => v * S);
    raw[r * D + 1] = Math.log(y[1] / (1 - y[1]));
    raw[r * D + 2] = Math.log(y[2] / (1 - y[2]));
    raw[r * D + 3] = Math.log(y[3] / ph);
    raw[r * D + 4] = Math.log(y[4] / pw);
    for (let c = 5; c < D; c++) raw[r * D + c] = y[c] ? 0 : -8;
  }
  const act = pg.vision.yoloActivate(raw, { grid: S, numClasses: s.C, anchors });
  const d = pg.vision.yoloDecode(act, { grid: S, numClasses: s.C, anchors, confThreshold: 0.6 });
  assert.equal(d.boxes.length, boxes.length);
  for (const b of boxes) assert.ok(d.boxes.some((q) => q.every((v, i) => Math.abs(v - b[i]) < 1e-4)), `box ${b} from the raw output`);
});

test('the four loss terms against a hand computation, and their gradient against central differences', () => {
  // A 2 × 2 grid, one anchor (0.5, 0.5) = 1 × 1 cells, 2 classes, one object in cell (0, 1).
  const g = { grid: 2, numClasses: 2, anchors: [[0.5, 0.5]] };
  const t = pg.vision.yoloEncode([[0.5, 0.1, 0.9, 0.3]], [1], g).target;  // bx = by = 0.4, bh = 0.4, bw = 0.8
  const raw = new Float32Array(28);
  for (let c = 0; c < 4; c++) raw[c * 7] = -1;
  raw.set([0.5, 0.2, -0.3, -0.5, 0.1, 1, 2], 7);
  const terms = pg.scope(() => Array.from(pg.vision.yoloLoss(pg.tensor(raw, [1, 2, 2, 7]), pg.tensor(t, [1, 2, 2, 1, 7]), g).toArray()));
  const f = Math.fround;
  const coord = 5 * ((sig(f(0.2)) - f(0.4)) ** 2 + (sig(f(-0.3)) - f(0.4)) ** 2 + (f(-0.5) - Math.log(f(0.4))) ** 2 + (f(0.1) - Math.log(f(0.8))) ** 2);
  const obj = (sig(0.5) - 1) ** 2;
  const noobj = 0.5 * 3 * sig(-1) ** 2;
  const cls = -(2 - Math.log(Math.exp(1) + Math.exp(2)));
  close(terms[0], coord, 2e-6, 'coordinates');
  close(terms[1], obj, 2e-6, 'objectness');
  close(terms[2], noobj, 2e-6, 'no-object');
  close(terms[3], cls, 2e-6, 'classes');
  // The gradient of the weighted terms (two images, two anchors, three classes).
  const g2 = { grid: 2, numClasses: 3, anchors: [[0.2, 0.4], [0.5, 0.3]] };
  const t1 = pg.vision.yoloEncode([[0.1, 0.1, 0.3, 0.5], [0.5, 0.5, 0.95, 0.8]], [0, 2], g2).target;
  const t2 = pg.vision.yoloEncode([[0.4, 0.2, 0.6, 0.9]], [1], g2).target;
  const target = Float32Array.from([...t1, ...t2]);
  const x = pg.scope(() => Array.from(pg.randn([2, 2, 2, 16], 5).toArray(), (v) => 0.7 * v));
  gradcheck(pg, 'yoloLoss', ([p]) => pg.vision.yoloLoss(p, pg.tensor(target, [2, 2, 2, 2, 8]), { ...g2, lambdaCoord: 2, lambdaNoobj: 0.7 }), [{ data: x, shape: [2, 2, 2, 16] }]);
});

test('k-means anchors (1 − IoU) fit the training boxes at least as well as the hand-picked ones; the curve rises with k', () => {
  const sess = L.session(pg, state({ ...SHORT, B: 3 }));
  try {
    const a = sess.snapshot().anchors;
    assert.equal(a.kmeans.length, 3);
    assert.equal(a.hand.length, 3);
    assert.ok(a.kmeansMeanIou >= a.handMeanIou, `k-means ${a.kmeansMeanIou} vs hand ${a.handMeanIou}`);
    close(a.kmeansBestIou, a.kmeansMeanIou, 1e-4, 'each box with its own centroid = the best one, for these clusters');
    const ys = a.curve.meanIou;
    assert.ok(ys[ys.length - 1] > ys[0] + 0.1, `mean IoU ${ys[0]} at k = 1, ${ys[ys.length - 1]} at k = 9`);
  } finally {
    sess.dispose();
  }
});

test('a short training run: the same numbers twice, the loss falls, the decoding follows the rules', () => {
  const s = state(SHORT);
  const a = runSession(L.session(pg, s));
  const b = runSession(L.session(pg, s));
  try {
    const ra = a.result(), rb = b.result();
    assert.equal(ra.epochsRun, 2);
    assert.equal(ra.stoppedEarly, false);
    assert.deepEqual(ra.history, rb.history);
    const steps = a.snapshot().history.steps.total;
    const head = steps.slice(0, 2).reduce((x, y) => x + y) / 2, tail = steps.slice(-2).reduce((x, y) => x + y) / 2;
    assert.ok(tail < head, `loss ${head} → ${tail}`);
    const d = a.snapshot().detector;
    for (const i of d.candidates.cells.keys()) {
      const c = d.candidates.cells[i];
      assert.ok(d.activated[c * 8] > s.pc, 'step 1: pc > threshold');
      assert.ok(d.candidates.scores[i] >= s.score, 'step 3');
    }
    assert.ok(d.kept.length <= d.candidates.boxes.length);
    // Scrub back to epoch 0 and forward again.
    a.command('show', { epoch: 0 });
    assert.equal(a.snapshot().detector.epoch, 0);
    a.command('show', { epoch: null });
    assert.equal(a.snapshot().detector.epoch, 2);
    assert.throws(() => a.command('show', { epoch: 9 }), /epoch 9 has not been trained/);
  } finally {
    a.dispose();
    b.dispose();
  }
});

test('settings that do not touch the detector are taken in place', () => {
  const sess = L.session(pg, state(SHORT));
  try {
    sess.step();
    assert.equal(sess.setState(state({ ...SHORT, S: 5, boxes: '10,10,30,30,2', pc: 0.3 })), true);
    const e = sess.snapshot().encoding;
    assert.equal(e.S, 5);
    assert.equal(e.perBox[0].row, 1, 'centre y 0.2 on 5 rows: row ⌊1.0⌋ = 1');
    assert.equal(sess.setState(state({ ...SHORT, S: 5, boxes: '10,10,30,30,2', seed: 4 })), false);
  } finally {
    sess.dispose();
  }
});

test('the link to the iou-nms lesson carries every candidate, and NMS there keeps the same boxes', () => {
  // Candidates in the detector's [0, 1] image: two overlapping ellipses, a rectangle on one of them,
  // a third ellipse apart, and two overlapping ellipses sticking out of the image (carried unclipped).
  const cand = {
    boxes: [[0.1, 0.2, 0.5, 0.6], [0.15, 0.2, 0.55, 0.7], [0.12, 0.22, 0.48, 0.6], [0.6, 0.6, 0.9, 0.95],
      [0.7, -0.3, 1.3, 0.3], [0.75, -0.25, 1.35, 0.35]],
    scores: [0.91, 0.83, 0.77, 0.64, 0.62, 0.61],
    classes: [1, 1, 0, 1, 1, 1],
  };
  const s = state({ iou: 0.4 });
  const href = L.iouNmsLink(cand, cand.boxes[0], cand.boxes[1], s);
  assert.match(href, /^#\/iou-nms\?/);
  const q = new URLSearchParams(href.split('?')[1]);
  assert.equal(q.get('a'), '10,20,50,60');
  assert.equal(q.get('b'), '15,20,55,70');
  assert.equal(q.get('iou'), '0.4');
  const { state: there, problems } = parseSettings(iouNms.settings, Object.fromEntries(q));
  assert.deepEqual(problems, []);
  assert.equal(there.perClass, true);
  const r = iouNms.compute(pg, there);
  assert.equal(r.scene.custom, true);
  assert.equal(r.scene.boxes.length, 6);
  assert.deepEqual(r.scene.boxes[4], [100, -30, 160, 30], 'x + 30 units, both times 100, not clipped');
  assert.deepEqual(r.scene.classNames, ['ellipse', 'rectangle']);
  // The same NMS on the detector's own boxes keeps the same candidates (the link keeps the order).
  const here = pg.vision.nmsPerClass(cand.boxes, cand.scores, cand.classes, { iouThreshold: 0.4 });
  assert.deepEqual([...r.kept].sort(), [...here].sort());
  assert.deepEqual([...here].sort(), [0, 2, 3, 4], 'box 1 overlaps box 0 (same class) with IoU 0.64 > 0.4; box 2 is another class; box 5 overlaps box 4');
});

test('the exercises', () => {
  const s = state();
  const byId = Object.fromEntries(L.exercises.map((e) => [e.id, e]));
  assert.equal(byId['tensor-size'].solve(pg, s).value, 19 * 19 * 5 * 85);
  close(byId.bx.solve(pg, s).value, 0.5, 1e-6, 'bx');
  close(byId['decode-bw'].solve(pg, s).value, 2 * Math.exp(0.5), 1e-6, 'pw e^tw');
  assert.equal(checkAnswer(pg, byId['tensor-size'], s, '153425').correct, true);
  assert.equal(checkAnswer(pg, byId['decode-bw'], s, '2').correct, false);
});

test('bad input: a zero-size box, S = 0, NaN, a class above C, bad anchors', () => {
  const { state: s, problems } = parseSettings(L.settings, { boxes: '10,10,10,40,1', S: '0', pc: 'NaN', hand: '0,0.2' });
  assert.equal(s.boxes, defaults(L.settings).boxes);
  assert.equal(s.S, 3);
  assert.equal(s.pc, 0.6);
  assert.equal(s.hand, defaults(L.settings).hand);
  assert.equal(problems.length, 4);
  assert.ok(problems.some((p) => /zero size/.test(p.message)), problems.map((p) => p.message).join('; '));
  const e = L.encodeScene(pg, state({ boxes: '10,10,40,40,3', C: 2 }), [[0.3, 0.3]]);
  assert.match(e.error, /box 1 is a bike \(class 3\), but C = 2/);
  assert.throws(() => pg.vision.yoloLoss(pg.zeros([1, 2, 2, 6]), pg.zeros([1, 2, 2, 1, 7]), { grid: 2, numClasses: 2 }), /yoloLoss: prediction shape \[1,2,2,6\] does not match the grid/);
  assert.throws(() => pg.vision.syntheticScenes({ count: 1, numClasses: 7 }), /syntheticScenes: numClasses must be in \[1, 4\]/);
  assert.throws(() => pg.vision.yoloActivate([1, 2, 3], { grid: 2, numClasses: 1 }), /yoloActivate: the raw output has 3 numbers/);
});

test('the CLI runs the lesson to the end', async () => {
  const { stdout } = await run(process.execPath, [cli, 'lesson', 'anchors-yolo', '--epochs', '1', '--scenes', '32', '--json']);
  const out = JSON.parse(stdout);
  assert.equal(out.result.epochsRun, 1);
  assert.equal(out.result.stoppedEarly, false);
  assert.equal(out.result.history.length, 1);
  const text = await run(process.execPath, [cli, 'lesson', 'anchors-yolo', '--epochs', '1', '--scenes', '32']);
  assert.match(text.stdout, /Output tensor: S × S × B × \(5 \+ C\) = 3 × 3 × 2 × 8 = 144 numbers/);
});
