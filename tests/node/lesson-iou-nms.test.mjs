// The iou-nms lesson's pure compute part, headless in Node against the wasm core: IoU of the two
// boxes with its areas (hand-computed and TensorFlow.js), the seeded scene, NMS steps that agree with
// the core's nms() and with tf.image.nonMaxSuppression, the >= rule at the threshold, per-class
// mode (the person riding a bike), and the CLI.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs';

import { load } from 'playgrad';
import * as L from '../../lessons/iou-nms/lesson.mjs';
import { defaults, parseSettings } from '../../lessons/settings.mjs';
import { checkAnswer } from '../../lessons/exercises.mjs';

const pg = await load();
await tf.setBackend('cpu');
const root = fileURLToPath(new URL('../../', import.meta.url));
const base = defaults(L.settings);
const near = (a, b, tol = 1e-4) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('defaults take the course thresholds: IoU >= 0.5 suppresses, scores <= 0.6 are dropped', () => {
  assert.equal(base.iou, 0.5);
  assert.equal(base.score, 0.6);
  assert.equal(base.perClass, false);
});

test('IoU of the two boxes with its terms: |A n B| / (|A| + |B| - |A n B|)', () => {
  const r = L.compute(pg, base); // A = [10, 14, 60, 64], B = [34, 30, 90, 84]
  near(r.pair.areaA, 50 * 50);
  near(r.pair.areaB, 56 * 54);
  near(r.pair.inter, 26 * 34, 1e-3); // x 34..60, y 30..64
  near(r.pair.union, 2500 + 3024 - 884, 1e-3);
  near(r.pair.iou, 884 / 4640, 1e-7);
  // Identical boxes: 1; disjoint: 0; corners in any order; half overlap.
  assert.equal(L.compute(pg, { ...base, b: base.a }).pair.iou, 1);
  assert.equal(L.compute(pg, { ...base, a: [0, 0, 10, 10], b: [20, 20, 30, 30] }).pair.iou, 0);
  near(L.compute(pg, { ...base, a: [10, 0, 0, 10], b: [5, 0, 15, 10] }).pair.iou, 50 / 150, 1e-7);
  // Against TensorFlow.js: nonMaxSuppression with threshold iou keeps both boxes only below it.
  const t = tf.image.nonMaxSuppression(tf.tensor2d([[14, 10, 64, 60], [30, 34, 84, 90]]), tf.tensor1d([0.9, 0.8]), 10, r.pair.iou - 1e-6).dataSync();
  assert.deepEqual(Array.from(t), [0]);
});

test('the scene is reproducible from its seed (the core\'s RNG) and differs between seeds', () => {
  const a = L.scene(pg, 1), b = L.scene(pg, 1), c = L.scene(pg, 2);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.boxes, c.boxes);
  assert.equal(a.boxes.length, L.OBJECTS.length * L.PER_OBJECT + L.FALSE_POSITIVES);
  assert.equal(a.scores.length, a.boxes.length);
  assert.ok(a.scores.every((s) => s >= 0.2 && s < 0.98));
  // Candidates scatter around their object: most overlap it well.
  const good = a.boxes.filter((q, i) => a.object[i] >= 0 && pg.vision.iou(q, L.OBJECTS[a.object[i]].box) > 0.5).length;
  assert.ok(good >= 0.8 * L.OBJECTS.length * L.PER_OBJECT, `${good}`);
});

test('the NMS steps are greedy NMS: same kept set as nms() and tf.image.nonMaxSuppression', () => {
  for (const s of [base, { ...base, iou: 0.3, score: 0.4, seed: 7 }, { ...base, iou: 0.7, score: 0, seed: 42 }]) {
    const r = L.compute(pg, s);
    const keptSteps = r.steps.filter((t) => t.kind === 'keep').map((t) => t.index);
    assert.deepEqual(keptSteps, r.kept);
    // Steps go by descending score; every suppression is by a box kept earlier, at IoU >= threshold.
    const sc = r.scene.scores;
    r.steps.forEach((t, k) => {
      if (k) assert.ok(sc[r.steps[k - 1].index] >= sc[t.index]);
      assert.ok(sc[t.index] > s.score);
      if (t.kind === 'suppress') {
        assert.ok(keptSteps.indexOf(t.by) >= 0 && r.steps.findIndex((u) => u.index === t.by) < k);
        assert.ok(t.iou >= s.iou);
        near(t.iou, pg.vision.iou(r.scene.boxes[t.index], r.scene.boxes[t.by]), 1e-6);
      }
    });
    assert.equal(r.steps.length + r.below.length, r.scene.boxes.length);
    r.below.forEach((i) => assert.ok(sc[i] <= s.score));
    // TensorFlow.js (boxes as [y1, x1, y2, x2]).
    const yx = r.scene.boxes.map(([x1, y1, x2, y2]) => [y1, x1, y2, x2]);
    const want = tf.image.nonMaxSuppression(tf.tensor2d(yx), tf.tensor1d(sc), 1000, s.iou, s.score).dataSync();
    assert.deepEqual(r.kept, Array.from(want));
  }
});

test('the rule is >= as TensorFlow: a box at exactly the threshold is suppressed', () => {
  const r = L.compute(pg, base);
  const t = r.steps.find((u) => u.kind === 'suppress');
  const atIt = L.compute(pg, { ...base, iou: t.iou });
  // The settings step is 0.05, but compute accepts any threshold: at IoU = threshold it suppresses.
  assert.equal(atIt.steps.find((u) => u.index === t.index).kind, 'suppress');
});

test('per-class mode: the bike under the rider survives; the steps agree with nmsPerClass', () => {
  const all = L.compute(pg, base);
  const per = L.compute(pg, { ...base, perClass: true });
  const classesKept = (r) => r.kept.map((i) => L.CLASSES[r.scene.classes[i]]);
  assert.ok(!classesKept(all).includes('bike'), classesKept(all).join());
  assert.ok(classesKept(per).includes('bike'));
  near(pg.vision.iou(L.OBJECTS[1].box, L.OBJECTS[2].box), 0.5358851, 1e-6);
  const keptSteps = per.steps.filter((t) => t.kind === 'keep').map((t) => t.index);
  assert.deepEqual(keptSteps, per.kept);
  per.steps.filter((t) => t.kind === 'suppress').forEach((t) => assert.equal(per.scene.classes[t.by], per.scene.classes[t.index]));
  // Per class = class-agnostic NMS run on each class alone.
  for (let c = 0; c < L.CLASSES.length; c++) {
    const idx = per.scene.classes.map((k, i) => (k === c ? i : -1)).filter((i) => i >= 0);
    const alone = pg.vision.nms(idx.map((i) => per.scene.boxes[i]), idx.map((i) => per.scene.scores[i]), { iouThreshold: 0.5, scoreThreshold: 0.6 }).map((k) => idx[k]);
    assert.deepEqual(per.kept.filter((i) => per.scene.classes[i] === c), alone);
  }
});

test('check yourself: half-shifted squares have IoU 1/3, B is kept below the threshold, per-class NMS keeps the bike', () => {
  const ex = Object.fromEntries(L.exercises.map((e) => [e.id, e]));
  const half = ex.half.solve(pg, base);
  assert.equal(half.value, 50 / 150);
  assert.equal(checkAnswer(pg, ex.half, base, '0.333').correct, true);
  assert.equal(checkAnswer(pg, ex.half, base, '0.5').correct, false, 'the union counts the overlap once');
  // A and B at the defaults: IoU 0.1905 < 0.5, B is kept; with B = A it is suppressed (IoU 1 >= 0.5).
  assert.equal(ex.suppress.solve(pg, base).value, 'keep');
  assert.equal(ex.suppress.solve(pg, { ...base, b: base.a }).value, 'suppress');
  assert.equal(ex.suppress.solve(pg, { ...base, iou: 0.15 }).value, 'suppress');
  assert.equal(checkAnswer(pg, ex.suppress, base, 'keep').correct, true);
  // Per class: the person riding a bike (IoU 0.536 >= 0.5) keeps its bike box.
  const extra = ex['per-class'].solve(pg, base);
  const all = L.compute(pg, base), per = L.compute(pg, { ...base, perClass: true });
  assert.equal(extra.value, per.kept.length - all.kept.length);
  assert.ok(extra.value >= 1, `${extra.value}`);
  assert.match(extra.working.join(' '), /bike/);
});

test('CLI: npx playgrad lesson iou-nms prints IoU and the decisions', () => {
  const cli = (...a) => spawnSync(process.execPath, [`${root}scripts/cli.mjs`, 'lesson', 'iou-nms', ...a], { encoding: 'utf8', cwd: root });
  let r = cli('--a', '0,0,10,10', '--b', '5,0,15,10');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\|A ∩ B\| \/ \|A ∪ B\| = 50\.0000 \/ 150\.0000 = 0\.3333/);
  assert.match(r.stdout, /1\. keep box \d+/);
  assert.match(r.stdout, /suppress box \d+ \(\w+, score [\d.]+\): IoU [\d.]+ >= 0\.5 with kept box \d+/);
  r = cli('--perClass', '--json');
  const out = JSON.parse(r.stdout);
  assert.equal(out.settings.perClass, true);
  assert.ok(out.result.kept.length >= 5);
});

test('the box list: bad lists are refused with the box named', () => {
  const bad = (boxes) => parseSettings(L.settings, { boxes }).problems.map((p) => p.message).join('; ');
  assert.match(bad('10,10,40,40,0.9'), /box 1 .* must be x1,y1,x2,y2,score,class/);
  assert.match(bad('10,10,40,40,0.9,car; 10,10,330,40,0.5,car'), /box 2 .* within one scene size of the 160 × 100 scene/);
  assert.match(bad('10,10,40,40,1.5,car'), /score in \[0, 1\]/);
  assert.match(bad('40,10,10,40,0.5,car'), /x2 > x1/);
  assert.match(bad('10,10,40,40,NaN,car'), /five numbers/);
  assert.match(bad(Array.from({ length: 7 }, (_, i) => `10,10,40,40,0.5,c${i}`).join(';')), /at most 6 classes/);
  assert.equal(bad(''), '');
  assert.equal(L.compute(pg, { ...defaults(L.settings), boxes: '' }).scene.custom, false);
});

test('the box list replaces the seeded scene: NMS on your own candidates, class names as given', () => {
  const boxes = '10,10,50,50,0.9,cat; 14,12,54,52,0.8,cat; 12,10,50,48,0.7,dog; 100,40,130,90,0.5,cat';
  const all = L.compute(pg, { ...base, boxes, score: 0.6 });
  assert.deepEqual(all.scene.classNames, ['cat', 'dog']);
  assert.deepEqual(all.below, [3], 'score 0.5 <= 0.6');
  assert.deepEqual(all.kept, [0], 'across classes, box 0 suppresses both overlapping boxes');
  const per = L.compute(pg, { ...base, boxes, score: 0.6, perClass: true });
  assert.deepEqual(per.kept, [0, 2], 'per class, the dog survives the cat');
  assert.match(L.report(per).join('\n'), /your boxes: 4 candidates/);
});

