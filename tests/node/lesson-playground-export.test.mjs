// The playground's Keras and PyTorch export (lessons/playground/export.mjs): the generated code
// parses as Python (python3's ast module; neither framework is installed here, so it is not run),
// its layer list (the Dense/Linear, BatchNormalization/BatchNorm1d, Dropout and activation calls
// in source order, with their sizes) is the layer list of the model the session built in the
// core, with the same parameter count, and its data literals are the session's points, labels
// and train/held-out split.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';

import { load } from 'playgrad';
import { f32, networkSpec, toKeras, toPyTorch } from '../../lessons/playground/export.mjs';
import * as L from '../../lessons/playground/lesson.mjs';
import { defaults } from '../../lessons/settings.mjs';

const pg = await load();
const state = (over = {}) => ({ ...defaults(L.settings), ...over });

// Reads the code with Python's own parser and lists what the tests compare: every call to a
// layer, optimizer or loss class in source order (name, literal arguments, literal keywords),
// and the literal data (points, labels, n_train).
const WALK = String.raw`
import ast, json, sys
src = sys.stdin.read()
tree = ast.parse(src)
NAMES = {"Dense", "BatchNormalization", "Dropout", "Activation", "Input", "Linear", "BatchNorm1d",
         "Tanh", "ReLU", "Sigmoid", "LeakyReLU", "Softmax", "SGD", "Adam", "Adagrad", "RMSprop",
         "MeanSquaredError", "BinaryCrossentropy", "SparseCategoricalCrossentropy", "L1L2", "EarlyStopping",
         "RandomUniform", "kaiming_uniform_"}
def lit(node):
    try:
        return ast.literal_eval(node)
    except Exception:
        return None
calls = []
data = {}
for node in ast.walk(tree):
    if isinstance(node, ast.Call):
        f = node.func
        name = f.attr if isinstance(f, ast.Attribute) else (f.id if isinstance(f, ast.Name) else None)
        if name in NAMES:
            calls.append([node.lineno, node.col_offset, name, [lit(a) for a in node.args],
                          {k.arg: lit(k.value) for k in node.keywords if k.arg}])
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        t = node.targets[0].id
        v = node.value
        if t in ("points", "labels") and isinstance(v, ast.Call):
            data[t] = lit(v.args[0])
        if t == "n_train":
            data[t] = lit(v)
calls.sort()
print(json.dumps({"calls": [c[2:] for c in calls], "data": data}))
`;

function parsePython(code) {
  const out = execFileSync('python3', ['-c', WALK], { input: code, maxBuffer: 64 << 20 });
  return JSON.parse(out.toString());
}

/** The session's model for the settings, its snapshot's points, and both exports parsed. */
function exportOf(over) {
  const s = state(over);
  const session = L.session(pg, s);
  try {
    const snap = session.snapshot();
    return {
      s,
      layers: session.model.layers,
      params: session.model.countParams(),
      points: snap.points,
      keras: parsePython(toKeras(s, snap.points)),
      torch: parsePython(toPyTorch(s, snap.points)),
    };
  } finally {
    session.dispose();
  }
}

const TORCH_ACT = { Tanh: 'tanh', ReLU: 'relu', Sigmoid: 'sigmoid', LeakyReLU: 'leaky_relu', Softmax: 'softmax' };
const LAYER_CALLS = new Set(['Dense', 'BatchNormalization', 'Dropout', 'Activation']);

/** Keras: [{kind, name, units?, activation?, rate?}] from the Sequential's calls. */
function kerasLayers(calls) {
  return calls.filter(([n]) => LAYER_CALLS.has(n)).map(([n, args, kw]) => ({
    kind: n, name: kw.name,
    ...(n === 'Dense' ? { units: args[0], activation: kw.activation } : {}),
    ...(n === 'Activation' ? { activation: args[0] } : {}),
    ...(n === 'Dropout' ? { rate: args[0] } : {}),
  }));
}

/** PyTorch: the modules in order, each activation module joined to the Linear before it unless a BatchNorm1d came between. */
function torchLayers(calls) {
  const out = [];
  for (const [n, args] of calls) {
    if (n === 'Linear') out.push({ kind: 'Dense', in: args[0], units: args[1], activation: 'linear' });
    else if (n === 'BatchNorm1d') out.push({ kind: 'BatchNormalization', units: args[0] });
    else if (n === 'Dropout') out.push({ kind: 'Dropout', rate: args[0] });
    else if (TORCH_ACT[n]) {
      const prev = out.at(-1);
      if (n === 'LeakyReLU') assert.equal(args[0], 0.2, 'LeakyReLU slope as the core (0.2)');
      if (prev?.kind === 'Dense' && prev.activation === 'linear') prev.activation = TORCH_ACT[n];
      else out.push({ kind: 'Activation', activation: TORCH_ACT[n] });
    }
  }
  return out;
}

function checkExport(over) {
  const e = exportOf(over);
  const { s, layers, params, points } = e;
  const spec = networkSpec(s);
  assert.equal(spec.params, params, 'the spec counts what the core counts');

  // Keras: the same layers (kind, name, order), widths and activations as the core's model.
  const k = kerasLayers(e.keras.calls);
  assert.deepEqual(k.map((l) => [l.kind, l.name]), layers.map((l) => [l.kind, l.name]), 'Keras layer list');
  const dense = spec.layers.filter((l) => l.kind === 'dense');
  assert.deepEqual(k.filter((l) => l.kind === 'Dense').map((l) => [l.units, l.activation]), dense.map((l) => [l.units, l.activation]));
  const input = e.keras.calls.find(([n]) => n === 'Input');
  assert.deepEqual(input[2].shape, [spec.features.length]);
  // Parameters from the Keras calls alone: Dense (in + 1)·units, BatchNormalization 4·units.
  let fanIn = input[2].shape[0];
  let kerasParams = 0;
  for (const l of k) {
    if (l.kind === 'Dense') { kerasParams += (fanIn + 1) * l.units; fanIn = l.units; }
    if (l.kind === 'BatchNormalization') kerasParams += 4 * fanIn;
    if (l.kind === 'Dropout') assert.equal(l.rate, s.dropout);
  }
  assert.equal(kerasParams, params, 'Keras parameter count');

  // PyTorch: Linear(in, out) chained, the same order of layer kinds as the core's model.
  const t = torchLayers(e.torch.calls);
  const coreKinds = layers.map((l) => l.kind);
  assert.deepEqual(t.map((l) => l.kind), coreKinds, 'PyTorch module list');
  let torchParams = 0;
  let width = spec.features.length;
  for (const l of t) {
    if (l.kind === 'Dense') { assert.equal(l.in, width, 'Linear inputs chain'); torchParams += (l.in + 1) * l.units; width = l.units; }
    if (l.kind === 'BatchNormalization') { assert.equal(l.units, width); torchParams += 4 * l.units; }
  }
  assert.equal(torchParams, params, 'PyTorch parameter count');
  assert.deepEqual(t.filter((l) => l.kind === 'Dense').map((l) => [l.units, l.activation]), dense.map((l) => [l.units, l.activation]));

  // The data: the session's points, labels and split, exactly (float32).
  for (const code of [e.keras, e.torch]) {
    assert.equal(code.data.n_train, points.nTrain);
    assert.equal(code.data.points.length, points.labels.length);
    code.data.points.forEach(([a, b], i) => {
      assert.equal(Math.fround(a), points.xy[2 * i]);
      assert.equal(Math.fround(b), points.xy[2 * i + 1]);
    });
    assert.deepEqual(code.data.labels.map((v) => Math.fround(v)), Array.from(points.labels));
  }
  return e;
}

test('default settings (2 -> 8 -> 8 -> 1, tanh, bce, sgd): both exports parse and list the core model\'s layers', () => {
  const e = checkExport({});
  const opt = e.keras.calls.find(([n]) => n === 'SGD');
  assert.equal(opt[2].learning_rate, 0.03);
  assert.equal(opt[2].momentum, undefined);
  assert.ok(e.keras.calls.some(([n]) => n === 'BinaryCrossentropy'));
  assert.equal(e.torch.calls.find(([n]) => n === 'SGD')[2].lr, 0.03);
});

test('batch norm, dropout, L2, he_normal, adam, three classes with cce: the order Dense -> BatchNorm -> activation -> Dropout', () => {
  const e = checkExport({ dataset: 'spiral', classes: 3, loss: 'cce', hidden: '16,8', activation: 'relu,leaky_relu', batchNorm: true, dropout: 0.2, l2: 0.001, init: 'he_normal', optimizer: 'adam', lr: 0.01, patience: 7 });
  const adam = e.keras.calls.find(([n]) => n === 'Adam');
  // Adam's ε follows the convention (Keras by default: 1e-7, added to √v).
  assert.deepEqual([adam[2].learning_rate, adam[2].beta_1, adam[2].beta_2, adam[2].epsilon], [0.01, 0.9, 0.999, 1e-7]);
  assert.equal(e.torch.calls.find(([n]) => n === 'Adam')[2].eps, 1e-7);
  assert.deepEqual(e.torch.calls.find(([n]) => n === 'Adam')[2].betas, [0.9, 0.999]);
  assert.deepEqual(e.keras.calls.find(([n]) => n === 'L1L2')[2], { l1: 0, l2: 0.001 });
  assert.equal(e.keras.calls.find(([n]) => n === 'EarlyStopping')[2].patience, 7);
  assert.ok(e.keras.calls.some(([n]) => n === 'SparseCategoricalCrossentropy'));
  // Batch normalization with the core's momentum and epsilon in both spellings.
  const bn = e.keras.calls.find(([n]) => n === 'BatchNormalization')[2];
  assert.deepEqual([bn.momentum, bn.epsilon], [0.99, 1e-3]);
  const bt = e.torch.calls.find(([n]) => n === 'BatchNorm1d')[2];
  assert.deepEqual([bt.momentum, bt.eps], [0.01, 1e-3]);
});

test('regression with no hidden layer and extra features; squared error on one-hot rows; every optimizer', () => {
  const r = checkExport({ dataset: 'wave', loss: 'mse', hidden: '', features: 'x1,x2,x1^2,x2^2,x1x2,sinx1,sinx2', optimizer: 'rmsprop', lr: 0.003 });
  assert.ok(r.keras.calls.some(([n]) => n === 'MeanSquaredError'));
  assert.deepEqual(r.torch.calls.find(([n]) => n === 'RMSprop')[2], { lr: 0.003, alpha: 0.99, eps: 1e-8 });
  checkExport({ dataset: 'gaussians', classes: 4, loss: 'mse', hidden: '5', activation: 'sigmoid', optimizer: 'nesterov', init: 'uniform' });
  const m = checkExport({ optimizer: 'momentum', hidden: '3,3,3', activation: 'linear' });
  assert.deepEqual(m.torch.calls.find(([n]) => n === 'SGD')[2], { lr: 0.03, momentum: 0.9 });
  const a = checkExport({ optimizer: 'adagrad', init: 'zeros', l1: 0.01 });
  assert.deepEqual(a.keras.calls.find(([n]) => n === 'Adagrad')[2], { learning_rate: 0.03, initial_accumulator_value: 0, epsilon: 1e-10 });
});

test('the learner\'s own points (drawn), in the session\'s shuffled order', () => {
  const own = [[1, 1, 0], [-1, -1, 1], [2, -2, 0], [-2, 2, 1], [0.5, 0.25, 1], [3.125, -0.1, 0]];
  const s = L.session(pg, state({ dataset: 'drawn' }));
  s.command('data', { dataset: 'drawn', points: own });
  const t = L.session(pg, state({ dataset: 'drawn' }), s);
  s.dispose();
  try {
    const snap = t.snapshot();
    const code = parsePython(toKeras(state({ dataset: 'drawn' }), snap.points));
    assert.equal(code.data.points.length, 6);
    assert.deepEqual(code.data.points.map(([a, b], i) => [a, b, code.data.labels[i]]).sort(), own.map((p) => [...p]).sort());
    assert.equal(code.data.n_train, snap.points.nTrain);
  } finally {
    t.dispose();
  }
});

test('numbers are written as the shortest decimal that reads back as the same float32', () => {
  for (const v of [0, 1, -2.5, 0.1, 1e-7, 3.4028234663852886e38, Math.PI, -1e-45]) {
    const text = f32(v);
    assert.match(text, /^-?\d+(\.\d+)?(e[+-]?\d+)?$|^-?\d\.\d*e[+-]\d+$/);
    assert.equal(Math.fround(Number(text)), Math.fround(v));
  }
  assert.equal(f32(0.1), '0.1');
  assert.equal(f32(2), '2.0');
  assert.throws(() => networkSpec(state({ hidden: '1000' })), /export: settings the playground cannot build/);
});

test('the PyTorch convention: both exports still parse, with PyTorch\'s default initializer, Adam\'s ε and the loss rule', () => {
  for (const over of [{ optimizer: 'adam', lr: 0.01 }, { dataset: 'spiral', classes: 3, loss: 'cce', hidden: '8', optimizer: 'adam' }]) {
    const e = checkExport({ ...over, convention: 'pytorch' });
    const adam = e.keras.calls.find(([n]) => n === 'Adam');
    assert.equal(adam[2].epsilon, 1e-8);
    assert.equal(e.torch.calls.find(([n]) => n === 'Adam')[2].eps, 1e-8);
    // Keras reproduces nn.Linear's U(±1/√fan_in) for kernels and biases.
    const ru = e.keras.calls.filter(([n]) => n === 'RandomUniform');
    assert.ok(ru.length >= 4, `${ru.length} RandomUniform calls`);
    assert.ok(e.torch.calls.some(([n]) => n === 'kaiming_uniform_'));
  }
});
