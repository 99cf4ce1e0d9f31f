// The page-wide Keras/PyTorch convention (lessons/convention.mjs): the URL field and the CLI flag,
// and, lesson by lesson, that the two conventions give the two frameworks' numbers, each from the
// core: log loss and softmax (the clip), optimizers (Adam's ε), iou-nms (IoU ≥ vs >), conv-size
// ('same' padding), playground (the default initializers, Adam, the loss; the exported code).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { load } from 'playgrad';
import { CONVENTIONS, DEFAULT_CONVENTION, adamDefaults, conventionOf, conventionQuery, initDefaults, lossClip, nmsRule, samePadding, splitConvention, withConvention } from '../../lessons/convention.mjs';
import { LESSONS } from '../../lessons/index.mjs';
import { defaults, parseHash } from '../../lessons/settings.mjs';
import { checkAnswer } from '../../lessons/exercises.mjs';
import { runSession } from '../../lessons/session.mjs';
import { main, parseArgs } from '../../scripts/cli.mjs';
import * as logLoss from '../../lessons/log-loss/lesson.mjs';
import * as softmax from '../../lessons/softmax/lesson.mjs';
import * as optimizers from '../../lessons/optimizers/lesson.mjs';
import * as iouNms from '../../lessons/iou-nms/lesson.mjs';
import * as convSize from '../../lessons/conv-size/lesson.mjs';
import * as playground from '../../lessons/playground/lesson.mjs';
import { toKeras, toPyTorch } from '../../lessons/playground/export.mjs';

const pg = await load();
const near = (a, b, tol = 1e-6) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);
const as = (lesson, convention, over = {}) => withConvention({ ...defaults(lesson.settings), ...over }, convention);
const KERAS_MAX = -Math.log(1e-7); // 16.118: Keras' clip

// ---- the mechanism --------------------------------------------------------------------------------

test('the URL field: parsed out of a lesson route, written only when not the default', () => {
  assert.equal(DEFAULT_CONVENTION, 'keras');
  assert.deepEqual(CONVENTIONS, ['keras', 'pytorch']);
  const { fields } = parseHash('#/softmax?z=2,1&convention=pytorch');
  const r = splitConvention(fields);
  assert.equal(r.convention, 'pytorch');
  assert.equal(r.problem, null);
  assert.deepEqual([...r.fields.keys()], ['z']);
  // Absent: the convention in force stays (a link without the field, moving between lessons).
  assert.equal(splitConvention(new Map(), 'pytorch').convention, 'pytorch');
  assert.equal(splitConvention(new Map()).convention, 'keras');
  // Bad: a readable problem naming the field, the convention in force kept.
  for (const bad of ['tensorflow', '', 'PyTorch', 'x'.repeat(500), 'NaN']) {
    const b = splitConvention(new Map([['convention', bad]]), 'pytorch');
    assert.equal(b.convention, 'pytorch');
    assert.match(b.problem, /^Convention \(convention=.{0,41}\) is not valid: expected one of keras, pytorch\. Using PyTorch\.$/);
  }
  assert.equal(conventionQuery('keras'), '');
  assert.equal(conventionQuery('pytorch'), 'convention=pytorch');
  assert.throws(() => conventionOf({ convention: 'jax' }), /convention: expected one of keras, pytorch, got "jax"/);
  assert.equal(conventionOf({}), 'keras');
});

test('the table: each framework\'s rule, with a note', () => {
  const k = { convention: 'keras' };
  const t = { convention: 'pytorch' };
  assert.equal(lossClip(k).clip, 'keras');
  assert.equal(lossClip(t).clip, 'pytorch');
  assert.deepEqual([adamDefaults(k).epsilonOn, adamDefaults(k).epsilon], ['v', 1e-7]);
  assert.deepEqual([adamDefaults(t).epsilonOn, adamDefaults(t).epsilon], ['vhat', 1e-8]);
  assert.deepEqual([nmsRule(k).rule, nmsRule(t).rule], ['tensorflow', 'torchvision']);
  assert.deepEqual([samePadding(k).sameRule, samePadding(t).sameRule], ['tensorflow', 'pytorch']);
  assert.deepEqual([initDefaults(k).kernel, initDefaults(k).bias], ['glorot_uniform', 'zeros']);
  assert.deepEqual([initDefaults(t).kernel, initDefaults(t).bias], ['pytorch_uniform', 'pytorch_uniform']);
  for (const f of [lossClip, adamDefaults, nmsRule, samePadding, initDefaults]) {
    for (const c of CONVENTIONS) assert.ok(f({ convention: c }).note.length > 20);
  }
});

test('the CLI: --convention pytorch reaches the lesson; a bad value is a usage error', async () => {
  assert.equal(parseArgs(['--convention', 'pytorch'], logLoss).convention, 'pytorch');
  assert.equal(parseArgs(['--convention=pytorch', '--p', '0.5'], logLoss).convention, 'pytorch');
  assert.equal(parseArgs([], logLoss).convention, 'keras');
  assert.throws(() => parseArgs(['--convention', 'jax'], logLoss), /--convention must be one of keras, pytorch, got 'jax'/);
  assert.throws(() => parseArgs(['--convention', 'keras', '--convention', 'pytorch'], logLoss), /given twice/);
  const run = async (args) => {
    const out = { text: '', write(s) { this.text += s; } };
    assert.equal(await main(['lesson', 'log-loss', ...args, '--json'], out), 0);
    return JSON.parse(out.text);
  };
  const keras = await run(['--yhat', '0,0.5,0.5', '--cls', '0']);
  const torch = await run(['--yhat', '0,0.5,0.5', '--cls', '0', '--convention', 'pytorch']);
  assert.equal(keras.settings.convention, 'keras');
  assert.equal(torch.settings.convention, 'pytorch');
  near(keras.result.categorical.oneHotLoss, KERAS_MAX, 1e-3);
  assert.equal(torch.result.categorical.oneHotLoss, 'Infinity');
  const text = { text: '', write(s) { this.text += s; } };
  await main(['lesson', 'log-loss', '--convention', 'pytorch'], text);
  assert.match(text.text, /convention PyTorch: PyTorch \(BCELoss\) clamps log p at −100/);
});

test('every lesson computes (or trains a step) under both conventions', () => {
  for (const lesson of LESSONS) {
    for (const c of CONVENTIONS) {
      const s = as(lesson, c, lesson.session ? { epochs: 1 } : {});
      if (lesson.compute) lesson.compute(pg, s);
      else {
        const sess = lesson.session(pg, s);
        try { sess.step(); sess.snapshot(); } finally { sess.dispose(); }
      }
    }
  }
});

// ---- log loss ------------------------------------------------------------------------------------

test('log-loss: BCE of p = 0 (y = 1) is 16.118 with Keras\' clip and 100 with PyTorch\'s log clamp', () => {
  for (const c of CONVENTIONS) {
    const r = logLoss.compute(pg, as(logLoss, c));
    assert.equal(r.convention, c);
    const byC = Object.fromEntries(r.saturated.map((x) => [x.convention, x]));
    near(byC.keras.binary, KERAS_MAX, 1e-3);
    assert.equal(byC.pytorch.binary, 100);
    near(byC.keras.categorical, KERAS_MAX, 1e-3);
    assert.equal(byC.pytorch.categorical, Infinity);
    // Inside [1e-7, 1 − 1e-7] the two agree: the course's −log 0.3 either way.
    near(r.categorical.oneHotLoss, -Math.log(0.3), 1e-6);
  }
  // A weather row with 0 on its true class: 16.118 vs ∞ in the batch, and the exercise.
  const zero = { sunny: [0, 0.5, 0.25, 0.25] };
  near(logLoss.compute(pg, as(logLoss, 'keras', zero)).weather.perRow[0], KERAS_MAX, 1e-3);
  assert.equal(logLoss.compute(pg, as(logLoss, 'pytorch', zero)).weather.perRow[0], Infinity);
  const ex = logLoss.exercises.find((e) => e.id === 'certain-mistake');
  near(ex.solve(pg, as(logLoss, 'keras')).value, KERAS_MAX, 1e-3);
  assert.equal(ex.solve(pg, as(logLoss, 'pytorch')).value, 100);
  assert.equal(checkAnswer(pg, ex, as(logLoss, 'pytorch'), '100').correct, true);
  assert.equal(checkAnswer(pg, ex, as(logLoss, 'keras'), '100').correct, false);
});

test('log-loss: PyTorch\'s rule is torch.nn.BCELoss\'s: the gradient (p − y)/max(p(1 − p), 1e-12)', () => {
  pg.scope(() => {
    const p = pg.tensor([0.25, 0, 1], [3], { requiresGrad: true });
    const l = pg.losses.binaryCrossEntropy(p, pg.tensor([1, 1, 0]), { clip: 'pytorch', reduction: 'sum' });
    near(l.item(), -Math.log(0.25) + 200, 1e-4);
    l.backward();
    const g = Array.from(p.grad.toArray());
    near(g[0], -0.75 / (0.25 * 0.75), 1e-5);
    near(g[1], -1e12, 1e6);
    near(g[2], 1e12, 1e6);
    assert.throws(() => pg.losses.binaryCrossEntropy(pg.tensor([1.5]), pg.tensor([1]), { clip: 'pytorch' }),
      { name: 'PlaygradError', message: "binaryCrossEntropy: with PyTorch's rule every probability must be in [0, 1], got 1.5 at position 0" });
    assert.throws(() => pg.losses.binaryCrossEntropy(pg.tensor([0.5]), pg.tensor([1]), { clip: 'tf' }), /clip must be 'keras' or 'pytorch'/);
  });
});

test('softmax: Keras\' softmax + categorical_crossentropy caps the loss at 16.118, PyTorch\'s CrossEntropyLoss on logits does not', () => {
  const over = { z: [10, -10], y: 2, t: 0.1 }; // z/T = (100, −100): −log_softmax of class 2 = 200
  for (const c of CONVENTIONS) {
    const r = softmax.compute(pg, as(softmax, c, over));
    assert.equal(r.convention, c);
    const byC = Object.fromEntries(r.frameworks.map((f) => [f.convention, f.loss]));
    near(byC.keras, KERAS_MAX, 1e-3);
    near(byC.pytorch, 200, 1e-3);
    near(r.loss, 200, 1e-3); // the lesson's own −log_softmax
  }
  // At the default logits both pipelines give the same number.
  const r = softmax.compute(pg, as(softmax, 'pytorch'));
  near(r.frameworks[0].loss, r.frameworks[1].loss, 1e-6);
});

// ---- optimizers ---------------------------------------------------------------------------------

test('optimizers: Adam\'s first step on a plateau is 0.99α (PyTorch, ε = 1e-8 on √v̂) and 0.24α (Keras, ε = 1e-7 on √v)', () => {
  for (const c of CONVENTIONS) {
    const s = as(optimizers, c);
    const r = optimizers.compute(pg, s);
    const byC = Object.fromEntries(r.adamPlateau.map((a) => [a.convention, a]));
    const g = optimizers.PLATEAU_SLOPE;
    // PyTorch: α·g/(g + ε); Keras: α·g/(g + ε/√(1 − β2)) (the formulas of each framework's Adam).
    near(byC.pytorch.ratio, g / (g + 1e-8), 1e-4);
    near(byC.keras.ratio, g / (g + 1e-7 / Math.sqrt(1 - s.adamB2)), 1e-4);
    near(byC.keras.ratio, 0.240253, 1e-4);
    // The lesson's Adam path uses the convention's options.
    const adam = r.paths.find((p) => p.key === 'adam');
    assert.equal(adam.options.epsilonOn, c === 'keras' ? 'v' : 'vhat');
    assert.equal(adam.options.epsilon, c === 'keras' ? 1e-7 : 1e-8);
  }
  assert.match(optimizers.report(optimizers.compute(pg, as(optimizers, 'pytorch'))).join('\n'), /\* PyTorch/);
});

// ---- iou-nms ------------------------------------------------------------------------------------

test('iou-nms: at IoU exactly τ Keras (TensorFlow) suppresses, PyTorch (torchvision) keeps', () => {
  const over = { a: iouNms.EDGE_A, b: iouNms.EDGE_B, iou: 0.5 };
  for (const c of CONVENTIONS) {
    const r = iouNms.compute(pg, as(iouNms, c, over));
    assert.equal(r.pair.iou, 0.5);
    assert.deepEqual(r.pairRules.map((q) => q.suppressed), [true, false]);
    assert.equal(r.ruleOp, c === 'keras' ? '≥' : '>');
  }
  const ex = iouNms.exercises.find((e) => e.id === 'edge');
  assert.equal(ex.solve(pg, as(iouNms, 'keras')).value, 1);
  assert.equal(ex.solve(pg, as(iouNms, 'pytorch')).value, 2);
  // The scene's NMS follows the rule too (the same kept boxes here: no IoU equals τ exactly).
  const k = iouNms.compute(pg, as(iouNms, 'keras'));
  const t = iouNms.compute(pg, as(iouNms, 'pytorch'));
  assert.deepEqual(t.kept, Array.from(pg.vision.nms(t.scene.boxes, t.scene.scores, { iouThreshold: 0.5, scoreThreshold: 0.6, rule: 'torchvision' })));
  assert.deepEqual(k.kept, Array.from(pg.vision.nms(k.scene.boxes, k.scene.scores, { iouThreshold: 0.5, scoreThreshold: 0.6, rule: 'tensorflow' })));
});

// ---- conv-size ------------------------------------------------------------------------------------

test('conv-size: \'same\' with stride 2 is Keras only; PyTorch refuses it, and pads as Keras at stride 1', () => {
  const k = convSize.compute(pg, as(convSize, 'keras', { padding: 'same', stride: 2 }));
  assert.equal(k.size.out, 14);
  const t = convSize.compute(pg, as(convSize, 'pytorch', { padding: 'same', stride: 2 }));
  assert.equal(t.size, null);
  assert.match(t.sizeError, /PyTorch allows padding='same' only for stride 1/);
  assert.equal(t.conv, null);
  assert.deepEqual(t.sameBoth.map((q) => q.out), [14, null]);
  for (const kernel of [2, 3, 4, 5]) {
    const a = convSize.compute(pg, as(convSize, 'keras', { padding: 'same', stride: 1, kernel }));
    const b = convSize.compute(pg, as(convSize, 'pytorch', { padding: 'same', stride: 1, kernel }));
    assert.deepEqual([b.size.out, b.size.padBefore, b.size.padAfter], [a.size.out, a.size.padBefore, a.size.padAfter]);
    assert.equal(b.size.padAfter - b.size.padBefore, (kernel - 1) % 2); // the odd pixel after
  }
  assert.equal(convSize.compute(pg, as(convSize, 'pytorch')).sameBoth, null); // 'valid': no note
});

// ---- playground -----------------------------------------------------------------------------------

function firstWeights(state) {
  const s = playground.session(pg, { ...state, epochs: 1 });
  try {
    assert.equal(s.problem, null);
    return s.weights();
  } finally {
    s.dispose();
  }
}

test('playground: the framework\'s default initializer (Keras: Glorot, zero biases; PyTorch: U(±1/√fan_in) for both)', () => {
  const base = { hidden: '16,16', init: 'default' };
  const keras = firstWeights(as(playground, 'keras', base));
  const torch = firstWeights(as(playground, 'pytorch', base));
  const glorot = firstWeights(as(playground, 'pytorch', { ...base, init: 'glorot_uniform' }));
  for (const w of keras) {
    const [fin, fout] = w.weight === 'kernel' ? w.shape : [0, 0];
    const v = Array.from(w.values);
    if (w.weight === 'bias') assert.ok(v.every((x) => x === 0), `${w.layer} bias`);
    else assert.ok(Math.max(...v.map(Math.abs)) <= Math.sqrt(6 / (fin + fout)) + 1e-7, `${w.layer} kernel`);
  }
  const fanIn = Object.fromEntries(torch.filter((w) => w.weight === 'kernel').map((w) => [w.layer, w.shape[0]]));
  for (const w of torch) {
    const v = Array.from(w.values);
    const a = 1 / Math.sqrt(fanIn[w.layer]);
    assert.ok(Math.max(...v.map(Math.abs)) <= a + 1e-7, `${w.layer} ${w.weight}`);
    if (w.weight === 'bias') assert.ok(v.some((x) => x !== 0), `${w.layer} bias is PyTorch's, not zero`);
  }
  // An explicit initializer is the same in both conventions (kernel as chosen, zero biases).
  assert.deepEqual(glorot.map((w) => Array.from(w.values)), keras.map((w) => Array.from(w.values)));
});

test('playground: Adam and the loss follow the convention in the trained model; the exports say so', () => {
  const st = (c) => as(playground, c, { optimizer: 'adam', lr: 0.01, epochs: 2, hidden: '4' });
  const saved = (c) => {
    const s = playground.session(pg, st(c));
    try {
      runSession(s);
      return s.result().model;
    } finally {
      s.dispose();
    }
  };
  const k = JSON.stringify(saved('keras'));
  const t = JSON.stringify(saved('pytorch'));
  assert.match(t, /"clip":"pytorch"/);
  assert.doesNotMatch(k, /"clip"/);
  const notes = playground.conventionNotes(st('pytorch')).join(' ');
  assert.match(notes, /nn\.Linear/);
  assert.match(notes, /√v̂/);
  assert.match(notes, /BCELoss/);
  const points = { xy: new Float32Array([0, 0, 1, 1, 2, 2, 3, 3]), labels: new Float32Array([0, 1, 0, 1]), nTrain: 3 };
  const kerasCode = toKeras(st('pytorch'), points);
  assert.match(kerasCode, /kernel_initializer=keras\.initializers\.RandomUniform\(-0\.7071\d*, 0\.7071\d*\)/); // 1/√2 for the two features x1, x2
  assert.match(kerasCode, /def loss_fn\(y, p\):/);
  assert.match(kerasCode, /# Adam: the page adds epsilon to sqrt\(v-hat\) \(PyTorch's rule\)/);
  assert.match(kerasCode, /epsilon=1e-8\)/);
  const torchCode = toPyTorch(st('pytorch'), points);
  assert.match(torchCode, /nn\.init\.kaiming_uniform_\(m\.weight, a=math\.sqrt\(5\)\)/);
  assert.match(torchCode, /nn\.init\.uniform_\(m\.bias, -1 \/ math\.sqrt\(m\.in_features\)/);
  assert.match(torchCode, /nn\.functional\.binary_cross_entropy\(p, y\)/);
  assert.match(toPyTorch(st('keras'), points), /eps=1e-7\)  # the page adds eps to sqrt\(v\) \(Keras\)/);
  assert.match(toKeras(st('keras'), points), /kernel_initializer="glorot_uniform", bias_initializer="zeros"/);
});
