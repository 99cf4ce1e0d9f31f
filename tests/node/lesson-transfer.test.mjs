// The transfer lesson (lessons/transfer/lesson.mjs) and its core pieces in wasm: frozen layers
// (model.setTrainable: out of the optimizer, the counts and backward), copyWeightsFrom, PCA against
// a hand-checked case, VGG-16/19 and ResNet-50 by the conv arithmetic against Keras' counts, the
// session with the default settings (frozen features beat from-scratch at k = 5), the same seed
// giving the same numbers, a k change keeping the trained base, the exercises, bad input and the CLI.
// The long native runs are in tests/native/test_transfer.cpp; here the same numbers on short runs.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { load } from 'playgrad';
import * as L from '../../lessons/transfer/lesson.mjs';
import { withConvention } from '../../lessons/convention.mjs';
import { checkAnswer } from '../../lessons/exercises.mjs';
import { runSession } from '../../lessons/session.mjs';
import { defaults } from '../../lessons/settings.mjs';

const pg = await load();
const cli = fileURLToPath(new URL('../../scripts/cli.mjs', import.meta.url));
const run = promisify(execFile);
const state = (over = {}) => ({ ...defaults(L.settings), ...over });

test('setTrainable: a frozen layer keeps its weights, leaves the trainable count and gets no gradient', () => {
  const m = L.buildModel(pg, state(), 3);
  assert.equal(m.countParams(), 6053); // 80 + 1168 + 4640 + 165
  assert.equal(m.trainableParams, 6053);
  for (const l of ['conv1', 'conv2', 'features']) m.setTrainable(l, false);
  assert.equal(m.trainableParams, 165); // (32 + 1)·5
  assert.match(m.summary(), /Non-trainable params: 5888/);
  const before = Array.from(m.weights()['conv2/kernel'].toArray());
  const head = Array.from(m.weights()['head/kernel'].toArray());
  const x = pg.rand([6, 14, 14, 1], 5);
  const y = pg.tensor([0, 1, 2, 3, 4, 0]);
  m.trainOnBatch(x, y);
  m.trainOnBatch(x, y);
  assert.deepEqual(Array.from(m.weights()['conv2/kernel'].toArray()), before);
  assert.notDeepEqual(Array.from(m.weights()['head/kernel'].toArray()), head);
  assert.equal(m.weights()['conv2/kernel'].grad, null);
  const info = m.layers.find((l) => l.name === 'conv2');
  assert.deepEqual([info.trainable, info.paramCount, info.trainableCount], [false, 1168, 0]);
  // The layer option does the same at build time; the spec keeps it through save/load.
  const f = L.buildModel(pg, state(), 3, ['head']);
  assert.equal(f.trainableParams, 165);
  const back = pg.loadModel(f.save());
  assert.equal(back.trainableParams, 165);
  assert.throws(() => m.setTrainable('conv9', false), (e) => e instanceof pg.PlaygradError && /setTrainable: the model has no layer 'conv9'/.test(e.message));
  assert.throws(() => m.setTrainable('conv1', 'no'), /setTrainable: trainable must be true or false/);
  assert.throws(() => pg.layers.dense(3, { trainable: 1 }), /Dense: trainable must be true or false/);
  for (const t of [m, f, back, x, y]) t.dispose();
});

test('copyWeightsFrom: the named layers come from the base, the head stays new; shapes must match', () => {
  const base = L.buildModel(pg, state(), 1);
  const fresh = L.buildModel(pg, state(), 2);
  fresh.copyWeightsFrom(base, ['conv1', 'features']);
  const w = (m, n) => Array.from(m.weights()[n].toArray());
  assert.deepEqual(w(fresh, 'conv1/kernel'), w(base, 'conv1/kernel'));
  assert.deepEqual(w(fresh, 'features/bias'), w(base, 'features/bias'));
  assert.notDeepEqual(w(fresh, 'head/kernel'), w(base, 'head/kernel'));
  assert.notDeepEqual(w(fresh, 'conv2/kernel'), w(base, 'conv2/kernel'));
  assert.throws(() => fresh.copyWeightsFrom(base, ['pool9']), /copyWeightsFrom: this model has no layer 'pool9'/);
  const other = pg.sequential([pg.layers.dense(4, { name: 'features' })], { inputShape: [3] });
  assert.throws(() => other.copyWeightsFrom(base, ['features']), /copyWeightsFrom: weight 'features\/kernel' is \[3,4\] here, \[144,32\] in the source/);
  for (const m of [base, fresh, other]) m.dispose();
});

test('pca: the hand-checked case (eigenvalues 16/3 and 4/3 along the diagonals) and readable refusals', () => {
  // x = (0,0), (4,4), (1,3), (3,1): mean (2,2); Σ c cᵀ = [[10, 6], [6, 10]], over N − 1 = 3.
  const x = pg.tensor([[0, 0], [4, 4], [1, 3], [3, 1]]);
  const p = pg.pca(x, 2);
  const r = Math.SQRT1_2;
  assert.deepEqual(Array.from(p.mean), [2, 2]);
  assert.ok(Math.abs(p.eigenvalues[0] - 16 / 3) < 1e-9 && Math.abs(p.eigenvalues[1] - 4 / 3) < 1e-9, String(p.eigenvalues));
  assert.ok(Math.abs(p.explained[0] - 0.8) < 1e-9);
  const want = [r, r, r, -r];
  want.forEach((v, i) => assert.ok(Math.abs(p.components[i] - v) < 1e-9, `component ${i}: ${p.components[i]}`));
  const proj = [-2 * Math.SQRT2, 0, 2 * Math.SQRT2, 0, 0, -Math.SQRT2, 0, Math.SQRT2];
  proj.forEach((v, i) => assert.ok(Math.abs(p.projected[i] - v) < 1e-6, `projection ${i}: ${p.projected[i]}`));
  assert.throws(() => pg.pca(x, 3), /pca: k must be in \[1, 2\] for x \[4,2\], got 3/);
  assert.throws(() => pg.pca(pg.tensor([1, 2, 3])), /pca: x must be 2-d \[N, D\]/);
  assert.throws(() => pg.pca(pg.tensor([[1, NaN], [2, 3]]), 1), /pca: x \[2,2\] holds a non-finite value at row 0, column 1/);
  assert.throws(() => pg.pca([[1, 2]]), /pca: x must be a Tensor/);
  x.dispose();
});

test('architecture: VGG-16 has 138,357,544 parameters, VGG-19 143,667,240, ResNet-50 25,636,712 (Keras\' counts)', () => {
  const [v16, v19, r50] = L.architectures(pg);
  assert.equal(v16.params, 138357544);
  assert.deepEqual([v16.convLayers, v16.denseLayers], [13, 3]);
  assert.equal(v16.rows.find((r) => r.name === 'fc1').params, 102764544); // (7·7·512 + 1)·4096
  assert.deepEqual(v16.rows.find((r) => r.name === 'block5_pool').shape, [7, 7, 512]);
  assert.equal(v19.params, 143667240);
  assert.equal(r50.params, 25636712);
  assert.equal(r50.trainable, 25583592);
  assert.equal(r50.newHead5, 10245); // (2048 + 1)·5
  assert.throws(() => pg.vision.architecture([8, 8, 4], [{ kind: 'mark' }, { kind: 'conv', filters: 8, kernel: 3, stride: 2, padding: 'same' }, { kind: 'add' }]),
    /architecture: layer 2 \(add\): the residual sum adds \[4,4,8\] and \[8,8,4\], which differ/);
  assert.throws(() => pg.vision.architecture([2, 2, 1], [{ kind: 'conv', filters: 1, kernel: 5 }]), /architecture: layer 0 \(conv\)/);
  assert.throws(() => pg.vision.architecture([2, 2, 1], [{ kind: 'lstm' }]), /unknown layer kind 'lstm'/);
  assert.throws(() => pg.vision.architecture([2, 2], []), /architecture: input must be \[height, width, channels\]/);
});

test('the parameter table: frozen trains the new classifier only; fine-tuning 1 block adds conv2; scratch all', () => {
  const t = L.parameterTable(pg, state());
  assert.equal(t.frozen.trainable, 4640 + 165);
  assert.deepEqual(t.frozen.layers.map((l) => [l.layer, l.trainable, l.frozen]),
    [['conv1', 0, 80], ['conv2', 0, 1168], ['features', 4640, 0], ['head', 165, 0]]);
  assert.equal(t.finetune.trainable, 1168 + 4640 + 165);
  assert.equal(t.scratch.trainable, 6053);
  assert.equal(L.parameterTable(pg, state({ fineTune: 2 })).finetune.trainable, 6053);
});

test('default settings, k = 5: the frozen conv base beats training from scratch on held-out digits 5–9', () => {
  const s = state({ curve: false });
  const sess = L.session(pg, s);
  runSession(sess);
  const r = sess.result();
  sess.dispose();
  assert.equal(r.failure, null);
  assert.equal(r.base.history.length, 8);
  assert.ok(r.base.history.at(-1).accuracy > 0.9, `base accuracy ${r.base.history.at(-1).accuracy}`);
  const acc = Object.fromEntries(L.STRATEGIES.map((st) => [st, r.current[st].accuracy]));
  assert.ok(acc.frozen > acc.scratch, JSON.stringify(acc));
  assert.equal(r.heldOutNew, 500);
  assert.equal(r.shotSize, 25);
  assert.equal(r.pca.before.labels.length, L.PCA_POINTS);
  assert.ok(r.pca.after, 'the fine-tuned features are projected');
  assert.deepEqual(L.report(r, s).length > 5, true);
});

test('the same seed gives the same numbers; a k change in place keeps the base and trains only the new k', () => {
  const s = state(L.quickSettings);
  const a = runSession(L.session(pg, s)).result();
  const b = L.session(pg, s);
  runSession(b);
  assert.deepEqual(b.result().current, a.current);
  assert.deepEqual(b.result().base.history, a.base.history);
  const baseHistory = b.result().base.history;
  assert.equal(b.setState({ ...s, k: 2 }), true);
  assert.equal(b.done, false);
  let steps = 0;
  while (!b.done) { b.step(); steps++; }
  // 3 models × steps each, the fine-tuned one of k = 2 projected: no base epoch again.
  assert.equal(steps, 3 * s.steps);
  assert.deepEqual(b.result().base.history, baseHistory);
  assert.ok(b.result().current.frozen.accuracy > 0);
  // A base setting is not taken in place; a new session takes over the trained base of the same settings.
  assert.equal(b.setState({ ...s, baseEpochs: 2 }), false);
  const c = L.session(pg, { ...s, k: 3 }, b);
  b.dispose();
  assert.equal(c.result().base.done, true);
  c.dispose();
});

test('PyTorch convention: Adam\'s ε on √v̂ and the framework\'s freezing rule', () => {
  const t = state({ ...L.quickSettings });
  const r = L.session(pg, withConvention(t, 'pytorch')).snapshot();
  assert.match(r.freeze.code, /requires_grad_\(False\)/);
  assert.match(L.session(pg, t).snapshot().freeze.code, /trainable = False/);
});

test('exercises: the frozen model trains 4,805, VGG-16\'s dense share 0.894, ResNet-50\'s 53,120 moving statistics', () => {
  const s = state();
  const by = Object.fromEntries(L.exercises.map((e) => [e.id, e]));
  assert.equal(by['frozen-trainable'].solve(pg, s).value, 4805);
  assert.ok(Math.abs(by['vgg16-dense-share'].solve(pg, s).value - 123642856 / 138357544) < 1e-12);
  assert.equal(by['resnet-frozen-bn'].solve(pg, s).value, 53120);
  assert.equal(checkAnswer(pg, by['frozen-trainable'], s, '4805').correct, true);
  assert.equal(checkAnswer(pg, by['vgg16-dense-share'], s, '0.89').correct, true);
  assert.equal(checkAnswer(pg, by['resnet-frozen-bn'], s, '53000').correct, false);
});

test('CLI: --json runs to the end with the history; a bad k is refused readably', async () => {
  const { stdout } = await run(process.execPath, [cli, 'lesson', 'transfer', '--baseDigits', '250', '--baseEpochs', '1', '--steps', '5', '--curve', '0', '--k', '1', '--json']);
  const j = JSON.parse(stdout);
  assert.equal(j.result.epochs, 1);
  assert.equal(j.result.stoppedEarly, false);
  assert.equal(j.result.history.length, 1);
  assert.ok(j.result.current.frozen.accuracy >= 0);
  await assert.rejects(run(process.execPath, [cli, 'lesson', 'transfer', '--k', '0']), (e) => /k/.test(e.stderr) && /1 to 50/.test(e.stderr));
});
