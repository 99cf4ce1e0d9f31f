// The vision half against TensorFlow.js (cpu backend): conv output sizes over a grid, NMS and
// soft-NMS on random clustered boxes. (The conv/pool/upsample ops' values and gradients are rows
// of the op table, tests/node/op-table.mjs, compared in tfjs.test.mjs.)
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { load } from 'playgrad';

import { assertCloseToTfjs } from './compare.mjs';

const pg = await load();
await tf.setBackend('cpu');

const assertClose = (actual, expected, what, atol = 1e-4, rtol = 1e-4) =>
  assertCloseToTfjs(actual, expected, what, atol, rtol);

// tfjs padding for playgrad's: 'valid' | 'same' | P -> explicit [[0,0],[P,P],[P,P],[0,0]]
const tfPad = (p) => (typeof p === 'number' ? [[0, 0], [p, p], [p, p], [0, 0]] : p);

test('convOutputSize matches the shape of a real tf.conv2d over a grid', () => {
  let checked = 0, errors = 0;
  for (let input = 1; input <= 9; input++) {
    for (let kernel = 1; kernel <= 4; kernel++) {
      for (let stride = 1; stride <= 3; stride++) {
        for (const dilation of [1, 2]) {
          if (dilation > 1 && stride > 1) continue; // tfjs: strides or dilations must be 1
          for (const padding of ['valid', 'same', 0, 1, 2]) {
            const cfg = { input, kernel, stride, padding, dilation };
            const out = tf.tidy(() => tf.conv2d(tf.ones([1, input, input, 1]), tf.ones([kernel, kernel, 1, 1]),
              stride, tfPad(padding), 'NHWC', dilation).shape);
            let mine;
            try {
              mine = pg.vision.convOutputSize(cfg);
            } catch (e) {
              assert.ok(e instanceof pg.PlaygradError, `${JSON.stringify(cfg)}: ${e}`);
              assert.match(e.message, /no valid output/);
              assert.ok(out[1] <= 0, `${JSON.stringify(cfg)}: playgrad refused but tfjs gives ${out[1]}`);
              errors++;
              continue;
            }
            assert.equal(mine, out[1], `${JSON.stringify(cfg)}: playgrad ${mine} vs tfjs ${out[1]}`);
            // The padding it implies: before + after = (out - 1) s + d (k - 1) + 1 - in, and for
            // 'same' the odd pixel goes after.
            const p = pg.vision.convPadding(cfg);
            if (padding === 'same') {
              assert.ok(p.padAfter - p.padBefore === 0 || p.padAfter - p.padBefore === 1);
            }
            checked++;
          }
        }
      }
    }
  }
  assert.ok(checked > 400 && errors > 20, `checked ${checked}, errors ${errors}`);
});

test('convTransposeOutputSize gives the shape tf.conv2dTranspose accepts and produces', () => {
  let checked = 0;
  for (let input = 1; input <= 6; input++) {
    for (let kernel = 1; kernel <= 4; kernel++) {
      for (let stride = 1; stride <= 3; stride++) {
        for (const padding of ['valid', 'same', 0, 1]) {
          for (let outputPadding = 0; outputPadding < (padding === 'same' ? 1 : stride); outputPadding++) {
            const cfg = { input, kernel, stride, padding, outputPadding };
            let out;
            try {
              out = pg.vision.convTransposeOutputSize(cfg);
            } catch (e) {
              assert.match(e.message, /removes the whole output/, JSON.stringify(cfg));
              continue;
            }
            const got = tf.tidy(() => tf.conv2dTranspose(tf.ones([1, input, input, 1]), tf.ones([kernel, kernel, 1, 1]),
              [1, out, out, 1], stride, padding).shape);
            assert.deepEqual(got, [1, out, out, 1], JSON.stringify(cfg));
            // The forward convolution of that size comes back to the input size.
            assert.equal(pg.vision.convOutputSize({ input: out, kernel, stride, padding }), input, JSON.stringify(cfg));
            checked++;
          }
        }
      }
    }
  }
  assert.ok(checked > 200, `checked ${checked}`);
});

// Random clustered boxes: a few centres, jittered copies around each (so IoUs span 0..1).
function clusteredBoxes(rng, n, clusters) {
  const centres = Array.from({ length: clusters }, () => [rng() * 80, rng() * 80, 10 + rng() * 30, 10 + rng() * 30]);
  const boxes = new Float32Array(n * 4), scores = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const [cx, cy, w, h] = centres[Math.floor(rng() * clusters)];
    const jx = (rng() - 0.5) * w * 0.6, jy = (rng() - 0.5) * h * 0.6;
    const sw = w * (0.7 + rng() * 0.6), sh = h * (0.7 + rng() * 0.6);
    const b = [cx + jx - sw / 2, cy + jy - sh / 2, cx + jx + sw / 2, cy + jy + sh / 2];
    if (rng() < 0.2) [b[0], b[2]] = [b[2], b[0]]; // some flipped corners
    boxes.set(b, i * 4);
    scores[i] = Math.round(rng() * 50) / 50; // coarse scores: ties happen
  }
  return { boxes, scores };
}
function lcg(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

test('nms agrees with tf.image.nonMaxSuppression on random clustered boxes', () => {
  const rng = lcg(12345);
  let trials = 0;
  for (let t = 0; t < 60; t++) {
    const n = 5 + Math.floor(rng() * 60);
    const { boxes, scores } = clusteredBoxes(rng, n, 1 + Math.floor(rng() * 6));
    const iouThreshold = [0, 0.3, 0.5, 0.7, 1][t % 5];
    const scoreThreshold = t % 3 === 0 ? Number.NEGATIVE_INFINITY : rng() * 0.8;
    const maxOutput = t % 4 === 0 ? 3 : n;
    const tb = tf.tensor2d(boxes, [n, 4]), ts = tf.tensor1d(scores);
    const want = Array.from(tf.image.nonMaxSuppression(tb, ts, maxOutput, iouThreshold, scoreThreshold).dataSync());
    const got = pg.vision.nms(boxes, scores, { iouThreshold, scoreThreshold, maxOutput });
    assert.deepEqual(got, want, `trial ${t}: n ${n}, iou ${iouThreshold}, score ${scoreThreshold}, max ${maxOutput}`);
    // the steps' kept boxes are the result
    const steps = pg.vision.nmsSteps(boxes, scores, { iouThreshold, scoreThreshold, maxOutput });
    assert.deepEqual(steps.filter((s) => s.kind === 'keep').map((s) => s.index), want);
    tf.dispose([tb, ts]);
    trials++;
  }
  assert.equal(trials, 60);
});

test('nms at IoU exactly equal to the threshold: TensorFlow suppresses (>=), torchvision keeps (>)', () => {
  const boxes = [[0, 0, 4, 1], [0, 0, 2, 1]]; // IoU exactly 0.5
  const scores = [0.9, 0.8];
  const tb = tf.tensor2d(boxes.flat(), [2, 4]), ts = tf.tensor1d(scores);
  const want = Array.from(tf.image.nonMaxSuppression(tb, ts, 10, 0.5).dataSync());
  assert.deepEqual(pg.vision.nms(boxes, scores, { iouThreshold: 0.5 }), want);
  assert.deepEqual(want, [0]);
  assert.deepEqual(pg.vision.nms(boxes, scores, { iouThreshold: 0.5, rule: 'torchvision' }), [0, 1]);
  tf.dispose([tb, ts]);
});

test('softNms agrees with tf.image.nonMaxSuppressionWithScore', async () => {
  const rng = lcg(777);
  for (let t = 0; t < 30; t++) {
    const n = 5 + Math.floor(rng() * 40);
    const { boxes, scores } = clusteredBoxes(rng, n, 1 + Math.floor(rng() * 4));
    const sigma = [0.1, 0.5, 1][t % 3];
    const iouThreshold = [1, 0.6][t % 2];
    const scoreThreshold = t % 4 === 0 ? 0.2 : 0;
    const maxOutput = t % 5 === 0 ? 4 : n;
    const tb = tf.tensor2d(boxes, [n, 4]), ts = tf.tensor1d(scores);
    const r = tf.image.nonMaxSuppressionWithScore(tb, ts, maxOutput, iouThreshold, scoreThreshold, sigma);
    const got = pg.vision.softNms(boxes, scores, { sigma, iouThreshold, scoreThreshold, maxOutput });
    const what = `trial ${t}: sigma ${sigma} iou ${iouThreshold} score ${scoreThreshold} max ${maxOutput}`;
    assert.deepEqual(got.indices, Array.from(r.selectedIndices.dataSync()), what);
    assertClose(got.scores, r.selectedScores.dataSync(), what, 1e-6, 1e-6);
    tf.dispose([tb, ts, r.selectedIndices, r.selectedScores]);
  }
});
