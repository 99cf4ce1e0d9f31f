// The functional-api lesson headless: the course's two models against TensorFlow.js' tf.model with
// the same layers (parameter count per layer and in total), the graph text round trip, the bad
// graphs' readable errors from the core, each head's part of the gradient against the total
// gradient, the same numbers for the same seed, the exercises' values and the CLI.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import * as tf from '@tensorflow/tfjs';
import { load } from 'playgrad';

import * as L from '../../lessons/functional-api/lesson.mjs';
import { checkAnswer } from '../../lessons/exercises.mjs';
import { runSession } from '../../lessons/session.mjs';
import { defaults, parseSettings } from '../../lessons/settings.mjs';

const pg = await load();
const cli = fileURLToPath(new URL('../../scripts/cli.mjs', import.meta.url));
const run = promisify(execFile);
const state = (over = {}) => ({ ...defaults(L.settings), ...over });

/** The same graph description built with tf.layers: {name: countParams()} and the total. */
function kerasCounts(g) {
  const made = new Map();
  const order = pg.graphSpec(g).spec.nodes;
  for (const n of order) {
    const d = g.nodes.find((x) => x.name === (n.name ?? n.layer));
    if (d.kind === 'Input') made.set(d.name, { sym: tf.input({ shape: d.shape, name: d.name }) });
    else if (d.kind === 'Dense') {
      const layer = tf.layers.dense({ units: d.config.units, activation: d.config.activation, name: d.name });
      made.set(d.name, { layer, sym: layer.apply(made.get(d.inputs[0]).sym) });
    } else {
      const layer = tf.layers.concatenate({ name: d.name });
      made.set(d.name, { layer, sym: layer.apply(d.inputs.map((i) => made.get(i).sym)) });
    }
  }
  const model = tf.model({ inputs: g.nodes.filter((n) => n.kind === 'Input').map((n) => made.get(n.name).sym), outputs: g.outputs.map((o) => made.get(o).sym) });
  const per = Object.fromEntries(model.layers.map((l) => [l.name, l.countParams()]));
  const out = { per, total: model.countParams(), shapes: Object.fromEntries(model.layers.map((l) => [l.name, l.outputShape])) };
  model.dispose();
  return out;
}

test("the course's two models have the parameter counts Keras gives (tf.model with the same layers), per layer and in total", () => {
  for (const key of ['twoInputs', 'twoHeads']) {
    const info = L.analyze(pg, state({ graph: L.PRESETS[key] }));
    assert.equal(info.error, null, key);
    const keras = kerasCounts(L.parseGraph(L.PRESETS[key]));
    for (const r of info.rows) {
      assert.equal(r.params, keras.per[r.name], `${key} ${r.name}`);
      assert.deepEqual([null, ...r.shape], keras.shapes[r.name], `${key} ${r.name} output shape`);
    }
    assert.equal(info.total, keras.total, key);
  }
  // The course's numbers: 150 + 1240 + 100 + 1050 = 2540; 150 + 1395 + 184 + 930 + 62 = 2721.
  assert.equal(L.analyze(pg, state({ graph: L.PRESETS.twoInputs })).total, 2540);
  assert.equal(L.analyze(pg, state({ graph: L.PRESETS.twoHeads })).total, 2721);
  const cat = L.analyze(pg, state({ graph: L.PRESETS.twoInputs })).rows.find((r) => r.kind === 'Concatenate');
  assert.deepEqual(cat.connectedTo, ['h2', 'h4']);
  assert.equal(cat.shapeText, '(None, 90)');
});

test('an edited graph: units changed, a layer added, a head added (counts still those of tf.model)', () => {
  const g = L.parseGraph(L.PRESETS.twoHeads);
  g.nodes.find((n) => n.name === 'h1').config.units = 12;
  g.nodes.push({ name: 'h5', kind: 'Dense', config: { units: 7, activation: 'tanh' }, inputs: ['h1'] });
  g.nodes.push({ name: 'o3', kind: 'Concatenate', config: {}, inputs: ['h5', 'h3'] });
  g.outputs.push('o3');
  const text = L.graphText(g);
  assert.deepEqual(L.parseGraph(text), g, 'text round trip');
  const info = L.analyze(pg, state({ graph: text }));
  assert.equal(info.error, null);
  const keras = kerasCounts(g);
  for (const r of info.rows) assert.equal(r.params, keras.per[r.name], r.name);
  assert.equal(info.total, keras.total);
  assert.match(info.code.keras, /o3 = layers\.Concatenate\(name="o3"\)\(\[h5, h3\]\)/);
  assert.match(info.code.pytorch, /self\.h2 = nn\.Linear\(12, 45\)/);
  assert.match(info.code.playgrad, /pg\.model\(\{ inputs: \[x\], outputs: \[o1, o2, o3\]/);
  // The generated Playgrad code runs and builds the same model.
  const built = new Function('pg', `${info.code.playgrad.replace('console.log(model.summary());', '')}; const n = model.countParams(); model.dispose(); return n;`)(pg);
  assert.equal(built, info.total);
});

test('graphs that cannot be built give the core\'s reason, naming the nodes and shapes', () => {
  const err = (graph) => L.analyze(pg, state({ graph })).error;
  assert.match(err(L.PRESETS.cycle), /graph: a cycle h1 → h3 → h1/);
  assert.match(err(L.PRESETS.unusedInput), /graph: input 'in2' reaches no output/);
  assert.match(err(L.PRESETS.shapes), /Concatenate 'o': input shapes \[2,30\], \[20\] differ/);
  assert.match(err('x = Input(4); h = Dense(3)(); o = Dense(2)(h); outputs = o'), /layer 'h' \(Dense\) is connected to no input/);
  assert.match(err('x = Input(4); h = Dense(3)(x, x); outputs = h'), /Dense 'h': takes one input, got 2/);
  assert.match(err('x = Input(4); h = Dense(3, wobbly)(x); outputs = h'), /wobbly/);
  assert.match(err('x = Input(4); h = Dense(3)(y); outputs = h'), /'y', which is no node/);
  // A Concatenate of one tensor: refused as TensorFlow.js refuses it.
  assert.match(err('x = Input(4); h = Dense(3)(x); c = Concatenate()(h); outputs = c'), /Concatenate 'c' takes 1 tensor; it joins at least 2/);
  const t = tf.input({ shape: [4] });
  assert.throws(() => tf.layers.concatenate().apply([t]), /at least 2 inputs/);
  // An unused input: TensorFlow.js builds the model and ignores the input (the text says so); the core refuses it.
  const u = tf.model({ inputs: [t, tf.input({ shape: [4] })], outputs: tf.layers.dense({ units: 3 }).apply(t) });
  assert.equal(u.countParams(), 15);
  u.dispose();
  // The parser's own messages (the setting refuses such text; a URL field falls back with a notice).
  assert.match(L.parseGraph('x = Input(4); h = Dense(3)(x)').error, /no 'outputs/);
  assert.match(L.parseGraph('x = Input(4); h = Dense(0)(x); outputs = h').error, /Dense needs units from 1 to 512/);
  const p = parseSettings(L.settings, { graph: 'x = Input(4); h = Dense(3)(x' });
  assert.equal(p.state.graph, L.PRESETS.twoHeads);
  assert.ok(p.problems.length >= 1);
  // An invalid graph makes a session that is done at once and shows the reason; nothing throws.
  const s = L.session(pg, state({ graph: L.PRESETS.cycle }));
  assert.equal(s.done, true);
  assert.match(s.snapshot().error, /cycle/);
  assert.deepEqual(L.report(s.result(), state({ graph: L.PRESETS.cycle })).length, 1);
  s.dispose();
  // A layer leading to no output is left out, as Keras leaves it out.
  const spare = L.analyze(pg, state({ graph: `${L.PRESETS.twoHeads.replace('; outputs', '; spare = Dense(3)(h1); outputs')}` }));
  assert.deepEqual(spare.unused, ['spare']);
  assert.equal(spare.total, 2721);
});

test('two losses: each head\'s part of the shared layer\'s gradient, the weights and the same seed', () => {
  const over = { epochs: 3, points: 64 };
  const a = runSession(L.session(pg, state(over)));
  const b = runSession(L.session(pg, state(over)));
  const ra = a.result();
  assert.equal(ra.epochs, 3);
  assert.equal(ra.history.loss.length, 4);
  assert.deepEqual(ra.history, b.result().history, 'same seed, same numbers');
  assert.ok(ra.history.loss.at(-1) < ra.history.loss[0], 'the total loss falls');
  // total = Σ w_k·L_k (no regularization here)
  const w = state().lossWeights;
  ra.history.heads.forEach((h, e) => assert.ok(Math.abs(ra.history.loss[e] - (w[0] * h[0] + w[1] * h[1])) < 1e-4 * (1 + ra.history.loss[e]), `epoch ${e}`));
  const h1 = ra.grads.layers.find((l) => l.name === 'h1');
  assert.deepEqual(h1.feeds, [0, 1]);
  assert.ok(Math.abs(h1.share[0] + h1.share[1] - 1) < 1e-9);
  const h2 = ra.grads.layers.find((l) => l.name === 'h2');
  assert.deepEqual(h2.feeds, [0]);
  assert.equal(h2.norms[1], 0);
  assert.deepEqual(Object.keys(ra.history.shares), ['h1']);
  a.dispose();
  b.dispose();
  // Doubling w2 doubles head 2's part of the gradient (same weights: epoch 0, before any step).
  const g1 = L.session(pg, state({ ...over, lossWeights: [1, 0.5] }));
  const g2 = L.session(pg, state({ ...over, lossWeights: [1, 1] }));
  const n1 = g1.snapshot().grads.layers.find((l) => l.name === 'h1').norms;
  const n2 = g2.snapshot().grads.layers.find((l) => l.name === 'h1').norms;
  assert.ok(Math.abs(n2[0] - n1[0]) < 1e-6 * n1[0]);
  assert.ok(Math.abs(n2[1] - 2 * n1[1]) < 1e-5 * n2[1]);
  g1.dispose();
  g2.dispose();
  // The whole gradient is the sum of the parts: against autograd on the weighted total loss.
  const s = L.session(pg, state(over));
  const snap = s.snapshot();
  pg.scope(() => {
    const m = s.model;
    for (const p of m.parameters()) p.zeroGrad();
    m.loss(m.call(s.x), s.y).backward();
    const wts = m.weights();
    const norm = Math.sqrt(['h1/kernel', 'h1/bias'].reduce((acc, k) => acc + pg.sum(pg.mul(wts[k].grad, wts[k].grad)).item(), 0));
    const h = snap.grads.layers.find((l) => l.name === 'h1');
    assert.ok(Math.abs(norm - h.norm) < 1e-4 * (1 + norm), `${norm} vs ${h.norm}`);
    for (const p of m.parameters()) p.zeroGrad();
  });
  s.dispose();
});

test('exercises give the course\'s numbers', () => {
  const st = state();
  const want = { 'head-params': 1395, 'concat-width': 90, 'two-inputs-total': 2540 };
  assert.equal(L.exercises.length, 3);
  for (const ex of L.exercises) {
    assert.equal(ex.solve(pg, st).value, want[ex.id], ex.id);
    assert.equal(checkAnswer(pg, ex, st, String(want[ex.id])).correct, true);
    assert.equal(checkAnswer(pg, ex, st, String(want[ex.id] + 1)).correct, false);
  }
});

test('the CLI trains to the end with --json and reports a bad graph', async () => {
  const { stdout } = await run('node', [cli, 'lesson', 'functional-api', '--epochs', '2', '--points', '32', '--json']);
  const r = JSON.parse(stdout);
  assert.equal(r.result.epochs, 2);
  assert.equal(r.result.stoppedEarly, false);
  assert.equal(r.result.history.loss.length, 3);
  const text = await run('node', [cli, 'lesson', 'functional-api', '--epochs', '1', '--points', '32', '--graph', L.PRESETS.unusedInput]);
  assert.match(text.stdout, /input 'in2' reaches no output/);
});
