// pg.vision.* and the conv/pool ops on the wasm build: the examples of docs/vision.md, box formats, IoU edge
// cases, NMS steps, anchors, YOLO encode -> decode, and readable errors that leave the module
// working and leak nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { load, PlaygradError } from 'playgrad';

const pg = await load();

test('docs/vision.md examples', () => {
  assert.equal(pg.vision.convOutputSize({ input: 28, kernel: 3, stride: 2, padding: 'valid' }), 13);
  assert.equal(pg.vision.convParams({ kernel: 5, inChannels: 100, outChannels: 500 }), 1250500);
  assert.equal(pg.vision.convParams({ kernel: [3, 3], inChannels: 1, outChannels: 8, bias: false }), 72);
  assert.equal(pg.vision.convOutputSize({ input: 28, kernel: 3, padding: 'same' }), 28);
  assert.equal(pg.vision.convOutputSize({ input: 32, kernel: 5, padding: 2 }), 32);
  assert.deepEqual(pg.vision.convPadding({ input: 5, kernel: 4, padding: 'same' }),
    { out: 5, padBefore: 1, padAfter: 2, span: 4, numerator: 4, quotient: 4 });
  assert.equal(pg.vision.convTransposeOutputSize({ input: 7, kernel: 3, stride: 2, padding: 'same' }), 14);
  assert.equal(pg.vision.convTransposeOutputSize({ input: 7, kernel: 3, stride: 2, outputPadding: 1 }), 16);
  assert.deepEqual(pg.vision.receptiveField([{ kernel: 3 }, { kernel: 3 }, { kernel: 2, stride: 2 }, { kernel: 3 }]),
    { size: 10, jump: 2, start: 0 });
  // With padding (conv 3 'same', pool 2, conv 3 'same'): output pixel u sees start + u·jump .. + size − 1.
  assert.deepEqual(pg.vision.receptiveField([{ kernel: 3, pad: 1 }, { kernel: 2, stride: 2 }, { kernel: 3, pad: 1 }]),
    { size: 8, jump: 2, start: -3 });
  assert.equal(pg.vision.iou([0, 0, 2, 2], [1, 1, 3, 3]), 1 / 7);
  const boxes = [[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30]];
  assert.deepEqual(pg.vision.nms(boxes, [0.9, 0.8, 0.7], { iouThreshold: 0.5 }), [0, 2]);
  assert.deepEqual(pg.vision.nms(new Float32Array(boxes.flat()), [0.9, 0.8, 0.7]), [0, 2]);
});

test('IoU edge cases and box formats', () => {
  const { iou } = pg.vision;
  assert.equal(iou([0, 0, 2, 2], [2, 0, 4, 2]), 0, 'touching');
  assert.equal(iou([0, 0, 4, 4], [1, 1, 2, 2]), 1 / 16, 'contained');
  assert.equal(iou([1, 2, 3, 5], [1, 2, 3, 5]), 1, 'identical');
  assert.equal(iou([1, 1, 1, 3], [0, 0, 2, 2]), 0, 'zero area');
  assert.equal(iou([2, 2, 0, 0], [3, 3, 1, 1]), 1 / 7, 'flipped corners');
  assert.deepEqual(pg.vision.iouMatrix([[0, 0, 2, 2], [0, 0, 1, 1]], [[0, 0, 2, 2], [5, 5, 6, 6]]), [[1, 0], [0.25, 0]]);
  assert.deepEqual(pg.vision.centerToCorners([[2, 3, 4, 2]]), [[0, 2, 4, 4]]);
  assert.deepEqual(pg.vision.cornersToCenter([[4, 4, 0, 2]]), [[2, 3, 4, 2]]);
  assert.deepEqual(pg.vision.normalizeCorners([[4, 4, 0, 2]]), [[0, 2, 4, 4]]);
});

test('convPadding: the terms of out = floor(numerator / stride) + 1', () => {
  // The course's 28, f 3, s 2 (no padding): floor(25 / 2) + 1 = floor(12.5) + 1 = 13.
  assert.deepEqual(pg.vision.convPadding({ input: 28, kernel: 3, stride: 2 }),
    { out: 13, padBefore: 0, padAfter: 0, span: 3, numerator: 25, quotient: 12.5 });
  // n 32, f 5, s 2, P 1: floor((32 + 2 - 5) / 2) + 1 = floor(14.5) + 1 = 15.
  assert.deepEqual(pg.vision.convPadding({ input: 32, kernel: 5, stride: 2, padding: 1 }),
    { out: 15, padBefore: 1, padAfter: 1, span: 5, numerator: 29, quotient: 14.5 });
  // Dilation 2 spreads a 3-tap kernel over 5 pixels.
  assert.equal(pg.vision.convPadding({ input: 7, kernel: 3, dilation: 2 }).span, 5);
  for (const padding of ['valid', 'same', 2]) {
    for (let input = 5; input <= 9; input++) {
      const r = pg.vision.convPadding({ input, kernel: 3, stride: 2, padding });
      assert.equal(r.numerator, input + r.padBefore + r.padAfter - r.span);
      assert.equal(Math.floor(r.quotient) + 1, r.out, `${padding} ${input}`);
    }
  }
});

test('iouParts: the terms of IoU, the same IoU as iou()', () => {
  const p = pg.vision.iouParts([10, 14, 60, 64], [90, 84, 34, 30]);
  assert.deepEqual(p, {
    a: [10, 14, 60, 64], b: [34, 30, 90, 84], areaA: 2500, areaB: 3024,
    intersection: [34, 30, 60, 64], inter: 884, union: 4640, iou: 884 / 4640,
  });
  assert.equal(p.iou, pg.vision.iou([10, 14, 60, 64], [34, 30, 90, 84]));
  const apart = pg.vision.iouParts([0, 0, 2, 2], [2, 0, 4, 2]);
  assert.equal(apart.intersection, null, 'touching boxes do not overlap');
  assert.equal(apart.inter, 0);
  assert.equal(apart.union, 8);
  assert.equal(apart.iou, 0);
  const flat = pg.vision.iouParts([1, 1, 1, 3], [0, 0, 2, 2]);
  assert.equal(flat.areaA, 0);
  assert.equal(flat.iou, 0, 'a zero-area box gives IoU 0');
  for (let i = 0; i < 50; i++) {
    const a = pg.scope(() => Array.from(pg.rand([4], 100 + i, 0, 10).toArray()));
    const b = pg.scope(() => Array.from(pg.rand([4], 200 + i, 0, 10).toArray()));
    const q = pg.vision.iouParts(a, b);
    assert.equal(q.iou, pg.vision.iou(a, b));
    assert.equal(q.union, q.areaA + q.areaB - q.inter);
  }
  assert.throws(() => pg.vision.iouParts([0, 0, 1], [0, 0, 1, 1]), (e) => e instanceof PlaygradError && /iouParts: each box must have 4/.test(e.message));
  assert.throws(() => pg.vision.iouParts([0, 0, 1, 1], [0, 0, NaN, 1]), /iouParts: second box 0 has a non-finite coordinate/);
});

test('nmsStepsPerClass: per-class decisions in one pass, kept boxes as nmsPerClass', () => {
  const boxes = [[0, 0, 2, 2], [0, 0, 2, 2.2], [0, 0, 2, 2.1], [5, 5, 6, 6]];
  const scores = [0.9, 0.8, 0.85, 0.3];
  const steps = pg.vision.nmsStepsPerClass(boxes, scores, [0, 1, 0, 1]);
  assert.deepEqual(steps.map((s) => [s.kind, s.index, s.by ?? -1]),
    [['keep', 0, -1], ['suppress', 2, 0], ['keep', 1, -1], ['keep', 3, -1]]);
  assert.equal(steps[1].iou, pg.vision.iou(boxes[2], boxes[0]));
  // One class: exactly nmsSteps.
  assert.deepEqual(pg.vision.nmsStepsPerClass(boxes, scores, [2, 2, 2, 2]), pg.vision.nmsSteps(boxes, scores));
  // Random scenes: kept = nmsPerClass, suppressed only by the same class.
  for (let t = 0; t < 20; t++) {
    const { bx, sc, cl } = pg.scope(() => {
      const xy = Array.from(pg.rand([40, 2], 300 + t, 0, 10).toArray());
      const wh = Array.from(pg.rand([40, 2], 400 + t, 0.5, 3).toArray());
      return {
        bx: Array.from({ length: 40 }, (_, i) => [xy[2 * i], xy[2 * i + 1], xy[2 * i] + wh[2 * i], xy[2 * i + 1] + wh[2 * i + 1]]),
        sc: Array.from(pg.rand([40], 500 + t).toArray()),
        cl: Array.from(pg.rand([40], 600 + t, 0, 3).toArray()).map(Math.floor),
      };
    });
    const o = { iouThreshold: [0.3, 0.5, 0.7][t % 3], scoreThreshold: 0.2, maxOutput: t % 4 === 0 ? 5 : Infinity };
    const st = pg.vision.nmsStepsPerClass(bx, sc, cl, o);
    assert.deepEqual(st.filter((s) => s.kind === 'keep').map((s) => s.index), pg.vision.nmsPerClass(bx, sc, cl, o), `trial ${t}`);
    for (const s of st) if (s.kind === 'suppress') assert.equal(cl[s.by], cl[s.index]);
  }
  assert.throws(() => pg.vision.nmsStepsPerClass(boxes, scores, [0, 1]), /nmsStepsPerClass: 4 boxes but 2 classes/);
});

test('nmsSteps, softNms, nmsPerClass', () => {
  const boxes = [[0, 0, 4, 1], [0, 0, 2, 1], [10, 0, 12, 1], [10, 0, 12, 1.5]];
  const scores = [0.9, 0.8, 0.7, 0.75];
  assert.deepEqual(pg.vision.nmsSteps(boxes, scores), [
    { kind: 'keep', index: 0 },
    { kind: 'suppress', index: 1, by: 0, iou: 0.5 },
    { kind: 'keep', index: 3 },
    { kind: 'suppress', index: 2, by: 3, iou: 2 / 3 },
  ]);
  assert.deepEqual(pg.vision.nms(boxes, scores, { rule: 'torchvision' }), [0, 1, 3]);
  assert.deepEqual(pg.vision.nms(boxes, scores, { maxOutput: 1 }), [0]);
  assert.deepEqual(pg.vision.nms(boxes, scores, { scoreThreshold: 0.75 }), [0]);
  const soft = pg.vision.softNms(boxes, scores, { sigma: 0.5 });
  assert.deepEqual(soft.indices, [0, 3, 1, 2]);
  assert.ok(Math.abs(soft.scores[2] - Math.fround(0.8) * Math.exp(-0.25)) < 1e-9);
  assert.deepEqual(pg.vision.nmsPerClass(boxes, scores, [0, 1, 0, 0]), [0, 1, 3]);
});

test('anchors and k-means', () => {
  const a = pg.vision.gridAnchors({ grid: [2, 3], stride: 16, sizes: [32], ratios: [1, 4] });
  assert.equal(a.length, 12);
  assert.deepEqual(a[0], [-8, -8, 24, 24]);
  assert.deepEqual(a[1], [-24, 0, 40, 16]);
  const sizes = [];
  for (let i = 0; i < 60; i++) {
    const c = [[0.1, 0.1], [0.3, 0.6], [0.8, 0.4]][i % 3];
    const j = 1 + ((i * 37) % 11 - 5) / 100;
    sizes.push([c[0] * j, c[1] / j]);
  }
  const km = pg.vision.kmeansAnchors(sizes, { k: 3, seed: 1 });
  assert.equal(km.centroids.length, 3);
  assert.ok(Math.abs(km.centroids[0][0] - 0.1) < 0.01 && Math.abs(km.centroids[2][0] - 0.8) < 0.03, JSON.stringify(km.centroids));
  assert.ok(km.meanIou > 0.85);
  assert.deepEqual(km.assignments.slice(0, 6), [0, 1, 2, 0, 1, 2]);
});

test('YOLO: encode then decode returns the original boxes and classes', () => {
  const grid = { grid: [4, 5], numClasses: 3, anchors: [[0.1, 0.3], [0.4, 0.15]] };
  const boxes = [[0.05, 0.05, 0.15, 0.35], [0.5, 0.6, 0.9, 0.75], [0.52, 0.55, 0.6, 0.8], [0.3, 0.1, 0.1, 0.2]];
  const classes = [2, 0, 1, 1];
  const enc = pg.vision.yoloEncode(boxes, classes, grid);
  assert.deepEqual(enc.shape, [4, 5, 2, 8]);
  assert.equal(enc.target.length, 4 * 5 * 2 * 8);
  assert.equal(enc.dropped, 0);
  // cell (0, 0), anchor 0: [pc, bx, by, bh, bw, c1, c2, c3]
  assert.deepEqual(Array.from(enc.target.subarray(0, 8)).map((v) => Math.round(v * 1e5) / 1e5), [1, 0.5, 0.8, 1.2, 0.5, 0, 0, 1]);
  const dec = pg.vision.yoloDecode(enc.target, { ...grid, iouThreshold: 0.9 });
  assert.equal(dec.boxes.length, 4);
  const want = pg.vision.normalizeCorners(boxes);
  const used = new Set();
  dec.boxes.forEach((b, k) => {
    const i = want.findIndex((w, j) => !used.has(j) && classes[j] === dec.classes[k] && w.every((v, c) => Math.abs(v - b[c]) < 1e-6));
    assert.ok(i >= 0, `detection ${k} ${b} class ${dec.classes[k]} is not an input box`);
    used.add(i);
    assert.equal(dec.scores[k], 1);
  });
  // a Tensor prediction works too
  const t = pg.tensor(enc.target, enc.shape);
  assert.equal(pg.vision.yoloDecode(t, grid).boxes.length, 4);
  t.dispose();
});

test('conv/pool ops: shapes and a known value', () => {
  pg.scope(() => {
    const x = pg.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const y = pg.conv2d(x, pg.ones([2, 2, 1, 1]), { bias: pg.tensor([10]) });
    assert.deepEqual(Array.from(y.toArray()), [22, 26, 34, 38]);
    // the fused ReLU after the bias: max(0, 12 - 20), ..., max(0, 28 - 20)
    const r = pg.conv2d(x, pg.ones([2, 2, 1, 1]), { bias: pg.tensor([-20]), activation: 'relu' });
    assert.deepEqual(Array.from(r.toArray()), [0, 0, 4, 8]);
    // the max pooling fused: true is 2 x 2; options as maxPool2d's
    const rp = pg.conv2d(x, pg.ones([2, 2, 1, 1]), { bias: pg.tensor([-20]), activation: 'relu', maxPool: true });
    assert.deepEqual(rp.shape, [1, 1, 1, 1]);
    assert.deepEqual(Array.from(rp.toArray()), [8]);
    const rq = pg.conv2d(x, pg.ones([2, 2, 1, 1]), { maxPool: { poolSize: 2, strides: 1, padding: 'same' } });
    assert.deepEqual(Array.from(rq.toArray()), [28, 28, 28, 28]);
    const xd = pg.tensor([1, -2, 3, -4, 5, -6, 7, -8, 9, -1, 2, -3], [1, 2, 2, 3]);
    assert.deepEqual(Array.from(pg.depthwiseConv2d(xd, pg.ones([1, 1, 3, 1]), { activation: 'relu' }).toArray()), [1, 0, 3, 0, 5, 0, 7, 0, 9, 0, 2, 0]);
    assert.deepEqual(pg.maxPool2d(pg.zeros([2, 7, 7, 3]), { poolSize: 3, strides: 2, padding: 'same' }).shape, [2, 4, 4, 3]);
    assert.deepEqual(pg.avgPool2d(pg.zeros([1, 8, 8, 2])).shape, [1, 4, 4, 2]);
    assert.deepEqual(pg.globalAvgPool2d(pg.zeros([2, 5, 5, 7])).shape, [2, 7]);
    assert.deepEqual(pg.upsampling2d(pg.zeros([1, 3, 3, 2]), { size: 2, interpolation: 'bilinear' }).shape, [1, 6, 6, 2]);
    assert.deepEqual(pg.conv2dTranspose(pg.zeros([1, 4, 4, 3]), pg.zeros([3, 3, 5, 3]), { strides: 2, padding: 'same' }).shape, [1, 8, 8, 5]);
    assert.deepEqual(pg.depthwiseConv2d(pg.zeros([1, 5, 5, 3]), pg.zeros([3, 3, 3, 2])).shape, [1, 3, 3, 6]);
  });
});

// The API leaves a conv's or pool's options out of the text it sends when they are at their
// defaults (wasm/api/vision.mjs), so the core must read an absent field as that default.
test('conv and pool options left out are read as their defaults', () => {
  pg.scope(() => {
    const x = pg.tensor(Array.from({ length: 81 }, (_, i) => i), [1, 9, 9, 1]);
    // poolSize 3 without strides: strides 3 (each 3 x 3 block's max is its last element)
    const p3 = pg.maxPool2d(x, { poolSize: 3 });
    assert.deepEqual(p3.shape, [1, 3, 3, 1]);
    assert.deepEqual(Array.from(p3.toArray()), [20, 23, 26, 47, 50, 53, 74, 77, 80]);
    // 2 x 2, strides 2, 'valid'
    const p2 = pg.maxPool2d(x);
    assert.deepEqual(p2.shape, [1, 4, 4, 1]);
    assert.equal(p2.toArray()[0], 10);
    // conv: strides 1, dilations 1, 'valid' (pad 0), linear: 7 x 7, the first window's plain sum
    const w = pg.tensor([1, -2, 3, 0.5, 2, -1, 0, 1, -6], [3, 3, 1, 1]);
    const c = pg.conv2d(x, w);
    assert.deepEqual(c.shape, [1, 7, 7, 1]);
    const first = [0, 1, 2, 9, 10, 11, 18, 19, 20].reduce((s, v, k) => s + v * [1, -2, 3, 0.5, 2, -1, 0, 1, -6][k], 0);
    assert.equal(c.toArray()[0], first);
    assert.ok(Array.from(c.toArray()).some((v) => v < 0), 'no ReLU unless asked for');
    // explicit padding with pad 0 left out; the fused pool at its defaults (2 x 2, strides 2)
    assert.deepEqual(pg.conv2d(x, w, { padding: [0, 0] }).shape, [1, 7, 7, 1]);
    assert.deepEqual(pg.conv2d(x, w, { maxPool: true }).shape, [1, 3, 3, 1]);
  });
});

test('bad input gives readable Errors and the module keeps working', () => {
  const cases = [
    [() => pg.vision.nms([[0, 0, 1, 1], [0, 0, 2, 2]], [0.5]), /nms: 2 boxes but 1 scores/],
    [() => pg.vision.nms([[0, 0, NaN, 1]], [0.5]), /nms: boxes box 0 has a non-finite coordinate/],
    [() => pg.vision.nms([[0, 0, 1, 1]], [0.5], { iouThreshold: 1.5 }), /iouThreshold must be in \[0, 1\], got 1.5/],
    [() => pg.vision.nms([[0, 0, 1, 1]], [0.5], { iouThreshold: -0.1 }), /iouThreshold must be in \[0, 1\]/],
    [() => pg.vision.nms([[0, 0, 1, 1]], [0.5], { rule: 'pytorch' }), /unknown rule 'pytorch'/],
    [() => pg.vision.nms([[0, 0, 1]], [0.5]), /box 0 must have 4 numbers/],
    [() => pg.vision.softNms([[0, 0, 1, 1]], [NaN]), /score 0 is NaN/],
    [() => pg.vision.iou([0, 0, 1, 1], [0, 0, 1]), /iou: each box must have 4 numbers/],
    [() => pg.vision.convOutputSize({ input: 3, kernel: 5 }), /kernel 5 is larger than the padded input of 3.*no valid output/],
    [() => pg.vision.convOutputSize({ input: 8, kernel: 3, stride: 0 }), /stride must be >= 1, got 0/],
    [() => pg.vision.convOutputSize({ input: 8, kernel: 3, padding: -1 }), /padding must be >= 0/],
    [() => pg.vision.convOutputSize({ input: 8, kernel: 3, padding: 'full' }), /unknown padding 'full'/],
    [() => pg.vision.convOutputSize({ input: 8, kernel: 2.5 }), /kernel must be an integer, got 2.5/],
    [() => pg.vision.convOutputSize({ input: 8 }), /kernel must be a number/],
    [() => pg.vision.kmeansAnchors([[0.1, 0.1]], { k: 2 }), /need at least 2 boxes/],
    [() => pg.vision.yoloEncode([[0, 0, 2, 1]], [0], { grid: 3, numClasses: 2 }), /normalised to \[0, 1\]/],
    [() => pg.vision.yoloDecode([1, 2, 3], { grid: 2, numClasses: 2 }), /expected 2 x 2 x 1 x 7 = 28/],
    [() => pg.conv2d(pg.zeros([1, 5, 5, 2]), pg.zeros([3, 3, 3, 4])), /conv2d: filter \[3,3,3,4\] expects 3 input channels but the input \[1,5,5,2\] has 2/],
    [() => pg.conv2d(pg.zeros([5, 5, 2]), pg.zeros([3, 3, 2, 4])), /must be 4-d NHWC/],
    [() => pg.conv2d(pg.zeros([1, 5, 5, 2]), pg.zeros([3, 3, 2, 4]), { strides: 0 }), /stride must be >= 1/],
    [() => pg.conv2d(pg.zeros([1, 5, 5, 2]), pg.zeros([3, 3, 2, 4]), { bias: pg.zeros([3]) }), /bias \[3\] must be \[4\]/],
    [() => pg.conv2d(pg.zeros([1, 5, 5, 2]), pg.zeros([3, 3, 2, 4]), { activation: 'tanh' }), /conv2d: activation must be 'linear' or 'relu', got 'tanh'/],
    [() => pg.conv2d(pg.zeros([1, 5, 5, 2]), pg.zeros([3, 3, 2, 4]), { activation: 1 }), /conv2d: activation must be 'linear' or 'relu', got 1/],
    [() => pg.conv2d(pg.zeros([1, 5, 5, 2]), pg.zeros([3, 3, 2, 4]), { maxPool: { poolSize: 4 } }), /conv2d \(maxPool\) \(height\)/],
    [() => pg.conv2d(pg.zeros([1, 5, 5, 2]), pg.zeros([3, 3, 2, 4]), { maxPool: 2 }), /conv2d \(maxPool\): options must be an object/],
    [() => pg.depthwiseConv2d(pg.zeros([1, 5, 5, 2]), pg.zeros([3, 3, 2, 1]), { maxPool: true }), /depthwiseConv2d: maxPool is fused only into conv2d/],
    [() => pg.maxPool2d(pg.zeros([1, 2, 2, 1]), { poolSize: 3 }), /maxPool2d \(height\): kernel 3 is larger than the padded input of 2/],
    [() => pg.upsampling2d(pg.zeros([1, 2, 2, 1]), { interpolation: 'cubic' }), /unknown interpolation 'cubic'/],
    [() => pg.conv2d('x', pg.zeros([1, 1, 1, 1])), /conv2d: input must be a Tensor/],
  ];
  const before = pg.memoryBytes();
  for (let round = 0; round < 50; round++) {
    for (const [fn, re] of cases) {
      pg.scope(() => {
        assert.throws(fn, (e) => e instanceof PlaygradError && e instanceof Error && re.test(e.message), String(re));
      });
    }
  }
  assert.ok(pg.memoryBytes() - before < 64 * 1024, `heap grew by ${pg.memoryBytes() - before} bytes over failed calls`);
  assert.equal(pg.vision.iou([0, 0, 2, 2], [1, 1, 3, 3]), 1 / 7, 'still works');
});

test('no heap growth over repeated conv forward/backward', () => {
  const step = () => pg.scope(() => {
    const x = pg.randn([2, 8, 8, 3], 1);
    const w = pg.randn([3, 3, 3, 4], 2);
    x.requiresGrad = true;
    w.requiresGrad = true;
    const y = pg.maxPool2d(pg.relu(pg.conv2d(x, w, { padding: 'same' })));
    pg.sum(y).backward();
    return x.grad.size + w.grad.size;
  });
  for (let i = 0; i < 20; i++) step();
  const before = pg.memoryBytes();
  for (let i = 0; i < 300; i++) step();
  assert.ok(pg.memoryBytes() - before < 64 * 1024, `heap grew by ${pg.memoryBytes() - before} bytes`);
});
