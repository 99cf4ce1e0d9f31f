// The batch-norm lesson headless: the core's moving statistics against TensorFlow.js'
// tf.layers.batchNormalization with the same momentum, the session's recorded numbers against the
// course's rule (Keras: biased variance; PyTorch: unbiased), batch size 1 under both conventions,
// train vs inference mode, the exercises' values, bad settings and the CLI.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import * as tf from '@tensorflow/tfjs';
import { load } from 'playgrad';

import * as L from '../../lessons/batch-norm/lesson.mjs';
import { checkAnswer } from '../../lessons/exercises.mjs';
import { runSession } from '../../lessons/session.mjs';
import { defaults, parseSettings } from '../../lessons/settings.mjs';

const pg = await load();
const cli = fileURLToPath(new URL('../../scripts/cli.mjs', import.meta.url));
const run = promisify(execFile);
const state = (over = {}) => ({ ...defaults(L.settings), ...over });
const close = (a, b, tol, what) => assert.ok(Math.abs(a - b) <= tol * (1 + Math.abs(b)), `${what}: ${a} vs ${b}`);

function train(over, maxSteps = Infinity) {
  const s = L.session(pg, state(over));
  runSession(s, { maxSteps });
  return s;
}

test('moving statistics after N training steps match tf.layers.batchNormalization with the same momentum', () => {
  for (const momentum of [0.9, 0.99, 0.5]) {
    const C = 3;
    const batches = [];
    // Fixed batches from the core's seeded generator (sizes 2 to 9), far from mean 0 / variance 1.
    for (let k = 0; k < 12; k++) {
      const m = 2 + (k % 8);
      batches.push(pg.scope(() => ({ m, data: pg.add(pg.mul(pg.randn([m, C], 40 + k), 3), 5).toArray() })));
    }
    const model = pg.sequential([pg.layers.batchNormalization({ momentum, epsilon: 1e-3, name: 'bn' })], { inputShape: [C] });
    const layer = tf.layers.batchNormalization({ momentum, epsilon: 1e-3 });
    for (const { m, data } of batches) {
      pg.scope(() => model.activations(pg.tensor(data, [m, C]), { training: true }));
      tf.tidy(() => layer.apply(tf.tensor2d(data, [m, C]), { training: true }));
    }
    const [, , tfMean, tfVar] = layer.getWeights().map((w) => w.dataSync());
    const ours = pg.scope(() => {
      const w = model.weights();
      return { mean: w['bn/moving_mean'].toArray(), var: w['bn/moving_variance'].toArray() };
    });
    for (let c = 0; c < C; c++) {
      close(ours.mean[c], tfMean[c], 1e-5, `momentum ${momentum}, moving mean ${c}`);
      close(ours.var[c], tfVar[c], 1e-5, `momentum ${momentum}, moving variance ${c}`);
    }
    assert.ok(Math.abs(ours.mean[0]) > 0.5, 'the moving mean moved away from 0 (so the check can fail)');
    model.dispose();
    layer.dispose();
  }
});

test('Keras convention: every step follows moving ← β·moving + (1 − β)·batch with the biased batch variance', () => {
  const s = train({ epochs: 2, beta: 0.8 });
  try {
    const steps = s.result().stepLog;
    assert.equal(steps.length, 2 * Math.ceil(s.nTrain / 16));
    let mm = Array(4).fill(0);
    let mv = Array(4).fill(1);
    for (const r of steps) {
      for (let u = 0; u < 4; u++) {
        close(r.movingMean[u], 0.8 * mm[u] + 0.2 * r.mean[u], 1e-5, 'moving mean');
        close(r.movingVar[u], 0.8 * mv[u] + 0.2 * r.var[u], 1e-5, 'moving variance');
        close(r.varUnbiased[u], (r.var[u] * r.size) / (r.size - 1), 1e-5, 'unbiased = biased · m/(m − 1)');
      }
      mm = r.movingMean;
      mv = r.movingVar;
    }
    // γ and β learn (the first step moves them off 1 and 0).
    assert.notDeepEqual(steps.at(-1).gamma, [1, 1, 1, 1]);
    assert.notDeepEqual(steps.at(-1).beta, [0, 0, 0, 0]);
    assert.equal(s.result().convention.epsilon, 1e-3);
  } finally {
    s.dispose();
  }
});

test('PyTorch convention: ε 1e-5 and the unbiased batch variance in the moving average', () => {
  const s = train({ epochs: 1, beta: 0.9, convention: 'pytorch' });
  try {
    const r = s.result();
    assert.equal(r.convention.epsilon, 1e-5);
    assert.equal(r.convention.unbiased, true);
    assert.match(r.convention.spelled, /BatchNorm1d\(momentum=0\.1(000)?, eps=0\.00001\)|BatchNorm1d\(momentum=0\.1(000)?, eps=1e-5\)/);
    let mv = Array(4).fill(1);
    for (const st of r.stepLog) {
      for (let u = 0; u < 4; u++) close(st.movingVar[u], 0.9 * mv[u] + 0.1 * st.varUnbiased[u], 1e-5, 'moving variance (unbiased)');
      mv = st.movingVar;
    }
    const keras = train({ epochs: 1, beta: 0.9 });
    assert.notDeepEqual(keras.result().stepLog[0].movingVar, r.stepLog[0].movingVar, 'the convention changes the numbers');
    keras.dispose();
  } finally {
    s.dispose();
  }
});

test('batch size 1: Keras trains with output β for every input; PyTorch refuses with a readable message', () => {
  const k = train({ batchSize: 1, epochs: 1 });
  try {
    const r = k.result();
    assert.equal(r.failure, null);
    for (const st of r.stepLog.slice(0, 5)) {
      assert.equal(st.size, 1);
      assert.deepEqual(st.var, [0, 0, 0, 0]);
    }
    // Alone in training mode the probe's output is β whatever the input.
    const b = k.bnWeights().beta;
    const p1 = k.probe();
    k.setState({ ...k.state, x1: 7, x2: -3 });
    const p2 = k.probe();
    for (let u = 0; u < 4; u++) close(p1.alone.normalized[u], b[u], 1e-6, 'alone = β');
    assert.equal(p1.alone.p, p2.alone.p);
    assert.notEqual(p1.p, p2.p, 'inference mode follows the input');
  } finally {
    k.dispose();
  }
  const t = train({ batchSize: 1, epochs: 1, convention: 'pytorch' });
  try {
    assert.match(t.failure, /epoch 1, batch 1 \(1 row\): .*needs more than 1 value per channel when training, got a batch of 1/);
    assert.equal(t.result().stepLog.length, 0);
  } finally {
    t.dispose();
  }
});

test('the "forgot to switch to inference" bug: one point at a time in training mode gives one output for all', () => {
  const s = train({ epochs: 15 });
  try {
    const m = s.result().modes;
    assert.ok(m.inference.accuracy > 0.8, `inference accuracy ${m.inference.accuracy}`);
    assert.equal(m.batchOfOne.distinct, 1);
    assert.ok(m.batchOfOne.accuracy <= 0.6, `one at a time ${m.batchOfOne.accuracy}`);
    assert.equal(s.result().history.val_accuracy.length, 15);
  } finally {
    s.dispose();
  }
});

test('deterministic: the same settings give the same numbers', () => {
  const a = train({ epochs: 2 });
  const b = train({ epochs: 2 });
  assert.deepEqual(a.result().stepLog, b.result().stepLog);
  a.dispose();
  b.dispose();
});

test('exercises: the course rule with the core', () => {
  const ex = Object.fromEntries(L.exercises.map((e) => [e.id, e]));
  const keras = state({ beta: 0.9 });
  close(ex['moving-mean'].solve(pg, keras).value, 0.3, 1e-6, 'moving mean');
  close(ex['moving-variance'].solve(pg, keras).value, 0.9 + 0.1 * 3.5, 1e-6, 'Keras moving variance');
  close(ex['moving-variance'].solve(pg, { ...keras, convention: 'pytorch' }).value, 0.9 + (0.1 * 14) / 3, 1e-6, 'PyTorch moving variance');
  assert.equal(ex['batch-of-one'].solve(pg, keras).value, 0);
  assert.equal(checkAnswer(pg, ex['moving-mean'], keras, '0.3').correct, true);
  assert.equal(checkAnswer(pg, ex['moving-mean'], keras, '3').correct, false);
});

test('bad settings are refused with a message naming them; the session is not made', () => {
  const { state: s, problems } = parseSettings(L.settings, { beta: '1.5', batchSize: '0', unit: 'NaN' });
  assert.equal(s.beta, 0.9);
  assert.equal(problems.length, 3);
  assert.match(problems[0].message, /β \(moving-average weight\) \(beta=1\.5\) is not valid/);
  assert.throws(() => L.session(pg, state({ convention: 'tensorflow' })), /convention: expected one of keras, pytorch/);
});

test('CLI: --json prints the history, the epochs run and stoppedEarly; report() without', async () => {
  const { stdout, stderr } = await run(process.execPath, [cli, 'lesson', 'batch-norm', '--epochs', '2', '--json']);
  assert.equal(stderr, '');
  const out = JSON.parse(stdout);
  assert.equal(out.result.epochs, 2);
  assert.equal(out.result.stoppedEarly, false);
  assert.equal(out.result.history.val_accuracy.length, 2);
  assert.equal(out.result.stepLog.length, out.result.steps);
  const plain = await run(process.execPath, [cli, 'lesson', 'batch-norm', '--epochs', '1']);
  assert.match(plain.stdout, /held-out accuracy: inference mode/);
});
