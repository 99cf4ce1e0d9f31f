// The vision half against TensorFlow.js (cpu backend): conv output sizes over a grid, conv/pool/
// upsample values and gradients, NMS and soft-NMS on random clustered boxes.
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

// name, input shapes, playgrad fn, tfjs fn
const OPS = [
  ['conv2d valid stride 2', [[2, 7, 6, 3], [3, 2, 3, 4]],
    (x) => pg.conv2d(x[0], x[1], { strides: 2 }), (x) => tf.conv2d(x[0], x[1], 2, 'valid')],
  ['conv2d same odd padding', [[2, 6, 5, 2], [4, 4, 2, 3]],
    (x) => pg.conv2d(x[0], x[1], { strides: [2, 1], padding: 'same' }), (x) => tf.conv2d(x[0], x[1], [2, 1], 'same')],
  ['conv2d explicit + dilation', [[1, 8, 7, 2], [3, 3, 2, 2]],
    (x) => pg.conv2d(x[0], x[1], { padding: [1, 2], dilations: 2 }),
    (x) => tf.conv2d(x[0], x[1], 1, [[0, 0], [1, 1], [2, 2], [0, 0]], 'NHWC', 2),
    // tfjs has no gradient for dilated conv2d.
    { valuesOnly: true }],
  ['conv2d bias', [[1, 5, 5, 3], [3, 3, 3, 4], [4]],
    (x) => pg.conv2d(x[0], x[1], { padding: 'same', bias: x[2] }), (x) => tf.add(tf.conv2d(x[0], x[1], 1, 'same'), x[2])],
  ['depthwiseConv2d m=2', [[2, 6, 6, 3], [3, 3, 3, 2]],
    (x) => pg.depthwiseConv2d(x[0], x[1], { strides: 2, padding: 'same' }), (x) => tf.depthwiseConv2d(x[0], x[1], 2, 'same')],
  ['conv2dTranspose same', [[2, 3, 4, 3], [3, 3, 2, 3]],
    (x) => pg.conv2dTranspose(x[0], x[1], { strides: 2, padding: 'same' }),
    (x) => tf.conv2dTranspose(x[0], x[1], [2, 6, 8, 2], 2, 'same')],
  ['conv2dTranspose valid + outputPadding', [[1, 3, 3, 2], [2, 3, 4, 2]],
    (x) => pg.conv2dTranspose(x[0], x[1], { strides: 3, outputPadding: [2, 1] }),
    (x) => tf.conv2dTranspose(x[0], x[1], [1, 10, 10, 4], 3, 'valid')],
  ['maxPool2d valid', [[2, 6, 6, 3]], (x) => pg.maxPool2d(x[0]), (x) => tf.maxPool(x[0], 2, 2, 'valid')],
  ['maxPool2d same 3/2', [[2, 5, 6, 2]], (x) => pg.maxPool2d(x[0], { poolSize: 3, strides: 2, padding: 'same' }),
    (x) => tf.maxPool(x[0], 3, 2, 'same')],
  ['avgPool2d same 3/2', [[2, 5, 6, 2]], (x) => pg.avgPool2d(x[0], { poolSize: 3, strides: 2, padding: 'same' }),
    (x) => tf.avgPool(x[0], 3, 2, 'same'),
    // tfjs's cpu AvgPoolGrad divides by the full window (1 / (kh kw)) even where the forward
    // pass divided by the in-bounds count, so its gradient disagrees with its own forward.
    { valuesOnly: true }],
  ['avgPool2d valid 2', [[2, 6, 4, 3]], (x) => pg.avgPool2d(x[0]), (x) => tf.avgPool(x[0], 2, 2, 'valid')],
  ['avgPool2d explicit 1', [[1, 5, 5, 3]], (x) => pg.avgPool2d(x[0], { poolSize: 3, strides: 2, padding: 1 }),
    (x) => tf.avgPool(x[0], 3, 2, 1), { valuesOnly: true }],
  ['maxPool2d [2,3]', [[1, 6, 9, 2]], (x) => pg.maxPool2d(x[0], { poolSize: [2, 3] }), (x) => tf.maxPool(x[0], [2, 3], [2, 3], 'valid')],
  ['globalAvgPool2d', [[2, 3, 4, 5]], (x) => pg.globalAvgPool2d(x[0]), (x) => tf.mean(x[0], [1, 2])],
  // batch 1: tfjs's cpu ResizeNearestNeighborGrad gives wrong gradients for batch > 1
  ['upsampling2d nearest', [[1, 3, 4, 3]], (x) => pg.upsampling2d(x[0], { size: [2, 3] }),
    (x) => tf.image.resizeNearestNeighbor(x[0], [6, 12])],
  ['upsampling2d nearest batch 2', [[2, 3, 4, 3]], (x) => pg.upsampling2d(x[0], { size: [2, 3] }),
    (x) => tf.image.resizeNearestNeighbor(x[0], [6, 12]), { valuesOnly: true }],
];

test('conv/pool/upsample values and gradients match TensorFlow.js', () => {
  let seed = 500;
  for (const [name, shapes, pgFn, tfFn, { valuesOnly = false } = {}] of OPS) {
    pg.scope(() => {
      const xs = shapes.map((s) => pg.randn(s, seed++));
      xs.forEach((x) => { x.requiresGrad = true; });
      const out = pgFn(xs);
      const w = pg.randn(out.shape, seed++);
      pg.sum(pg.mul(out, w)).backward();
      const txs = xs.map((x) => tf.tensor(x.toArray(), x.shape));
      const tw = tf.tensor(w.toArray(), w.shape);
      const tout = tfFn(txs);
      assert.deepEqual(out.shape, tout.shape, `${name}: shape`);
      assertClose(out.toArray(), tout.dataSync(), `${name} value`);
      const grads = valuesOnly ? [] : tf.grads((...a) => tf.sum(tf.mul(tfFn(a), tw)))(txs);
      grads.forEach((g, i) => assertClose(xs[i].grad.toArray(), g.dataSync(), `${name} grad ${i}`));
      if (valuesOnly) {
        // Where tfjs has no usable gradient: these ops are linear in each input, so for
        // L = sum(out * w), <x_i, dL/dx_i> = L for every input (and test_conv.cpp checks the
        // same gradients against finite differences).
        const L = pg.sum(pg.mul(out, w)).item();
        for (const x of xs) {
          const dot = pg.sum(pg.mul(x, x.grad)).item();
          assert.ok(Math.abs(dot - L) <= 1e-4 * (1 + Math.abs(L)), `${name}: <x, grad> ${dot} vs L ${L}`);
        }
      }
      tf.dispose([txs, tw, tout, grads]);
    });
  }
});

test('upsampling2d bilinear matches tf.image.resizeBilinear (half-pixel centres)', () => {
  pg.scope(() => {
    const x = pg.randn([2, 3, 5, 4], 77);
    x.requiresGrad = true;
    const y = pg.upsampling2d(x, { size: [2, 3], interpolation: 'bilinear' });
    const t = tf.tensor(x.toArray(), x.shape);
    const ty = tf.image.resizeBilinear(t, [6, 15], false, true);
    assert.deepEqual(y.shape, ty.shape);
    assertClose(y.toArray(), ty.dataSync(), 'bilinear value');
    // tfjs's ResizeBilinearGrad ignores halfPixelCenters, so the gradient is checked by the
    // adjoint identity instead: for the linear map U, <U x, g> = <x, U^T g> and x.grad = U^T g.
    const g = pg.randn(y.shape, 78);
    pg.sum(pg.mul(y, g)).backward();
    const lhs = pg.sum(pg.mul(y, g)).item();
    const rhs = pg.sum(pg.mul(x, x.grad)).item();
    assert.ok(Math.abs(lhs - rhs) <= 1e-4 * (1 + Math.abs(lhs)), `${lhs} vs ${rhs}`);
    tf.dispose([t, ty]);
  });
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
