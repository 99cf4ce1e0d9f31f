// Keras' functional API: a model is a graph of layers, not only a stack. The graph is one text
// setting written as Keras-like lines (`h1 = Dense(30)(x); ...; outputs = o1, o2`), parsed here
// into a description by names; the core orders it and refuses what cannot be built
// (pg.graphSpec: a cycle, an input that reaches no output, a layer with no input; the layers
// then refuse shapes that do not fit, e.g. a Concatenate of (None, 2, 3) and (None, 5)), builds
// the model (pg.model({graph})) and gives its summary rows (shapes, parameter counts, connections).
// The session trains it on a synthetic task with one loss per output (a teacher network with the
// same graph and other weights makes the targets; the output chosen as a classifier learns the
// teacher's softmax with cross-entropy from logits, the others its values with MSE), each loss
// weighted by its slider, and at every epoch asks the core for each head's part of the shared
// layers' gradient (model.headGradients). The code shown in three dialects is text laid out from
// the description and the core's shapes. Every number comes from the core.
import { fmt } from '../format.mjs';
import { adamDefaults, initDefaults, conventionOf, LABELS } from '../convention.mjs';
import { TensorSession, release } from '../session.mjs';

export { text } from './text.mjs';
export { fmt };

export const id = 'functional-api';
export const title = 'Functional API: graphs of layers';
export const summary = 'Two inputs concatenated, one input with two heads: a graph you edit, with shapes on the edges, Keras\' summary(), the code in Keras, PyTorch and Playgrad, and two losses training shared layers.';

// ---- the graph as text -------------------------------------------------------------------------

/** The course's two cases (course notes, "Functional API"), and three graphs that cannot be built. */
export const PRESETS = {
  twoHeads: 'x = Input(4); h1 = Dense(30)(x); h2 = Dense(45, relu)(h1); o1 = Dense(4)(h2); h3 = Dense(30)(h1); o2 = Dense(2)(h3); outputs = o1, o2',
  twoInputs: 'in1 = Input(4); in2 = Input(4); h1 = Dense(30)(in1); h2 = Dense(40)(h1); h3 = Dense(20)(in2); h4 = Dense(50)(h3); o = Concatenate()(h2, h4); outputs = o',
  cycle: 'x = Input(4); h1 = Dense(30)(x, h3); h2 = Dense(45, relu)(h1); o1 = Dense(4)(h2); h3 = Dense(30)(h1); o2 = Dense(2)(h3); outputs = o1, o2',
  shapes: 'in1 = Input(2, 4); in2 = Input(4); h1 = Dense(30)(in1); h3 = Dense(20)(in2); o = Concatenate()(h1, h3); outputs = o',
  unusedInput: 'in1 = Input(4); in2 = Input(4); h1 = Dense(30)(in1); h2 = Dense(40)(h1); outputs = h2',
};
export const PRESET_LABELS = [
  ['twoHeads', 'One input, two heads'], ['twoInputs', 'Two inputs, concatenated'],
  ['cycle', 'Broken: a cycle'], ['shapes', 'Broken: shapes that do not concatenate'], ['unusedInput', 'Broken: an unused input'],
];
export const KINDS = ['Input', 'Dense', 'Concatenate'];
export const ACTIVATIONS = ['linear', 'relu', 'tanh', 'sigmoid', 'softmax'];
const MAX_NODES = 24;
const MAX_UNITS = 512;
const MAX_DIM = 64;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The graph text -> { nodes: [{ name, kind, shape? | config, inputs }], outputs } or { error }.
 * Statements separated by ';' or new lines: `a = Input(4)` (or Input(2, 4)), `b = Dense(30)(a)`,
 * `b = Dense(45, relu)(a)`, `c = Concatenate()(a, b)`, and `outputs = c, d`.
 */
export function parseGraph(textIn) {
  const text = String(textIn);
  const nodes = [];
  let outputs = null;
  const seen = new Set();
  let pos = 0;
  const parts = text.split(/[;\n]/);
  for (const raw of parts) {
    const at = pos;
    pos += raw.length + 1;
    const s = raw.trim();
    if (!s) continue;
    const where = `in '${s}' (at character ${at + raw.indexOf(s) + 1})`;
    const eq = s.indexOf('=');
    if (eq < 0) return { error: `expected 'name = Layer(...)(inputs)' ${where}` };
    const name = s.slice(0, eq).trim();
    const rhs = s.slice(eq + 1).trim();
    if (name === 'outputs') {
      if (outputs) return { error: `'outputs' is given twice ${where}` };
      outputs = rhs.split(',').map((t) => t.trim());
      if (outputs.length === 0 || !outputs.every((o) => NAME.test(o))) return { error: `expected 'outputs = name, name' ${where}` };
      continue;
    }
    if (!NAME.test(name)) return { error: `'${name}' is not a name (letters, digits, _) ${where}` };
    if (seen.has(name)) return { error: `'${name}' is defined twice ${where}` };
    seen.add(name);
    const m = /^([A-Za-z]+)\s*\(([^()]*)\)\s*(?:\(([^()]*)\))?$/.exec(rhs);
    if (!m) return { error: `expected Input(4), Dense(30)(x), Dense(45, relu)(x) or Concatenate()(a, b) ${where}` };
    const [, kind, argText, inText] = m;
    if (!KINDS.includes(kind)) return { error: `unknown layer '${kind}' (known: ${KINDS.join(', ')}) ${where}` };
    const args = argText.split(',').map((t) => t.trim()).filter((t) => t !== '');
    const inputs = inText === undefined ? [] : inText.split(',').map((t) => t.trim()).filter((t) => t !== '');
    if (!inputs.every((i) => NAME.test(i))) return { error: `inputs must be names ${where}` };
    if (kind === 'Input') {
      if (inText !== undefined) return { error: `an Input takes no inputs ${where}` };
      const dims = args.map(Number);
      if (dims.length < 1 || dims.length > 2 || !dims.every((d) => Number.isInteger(d) && d >= 1 && d <= MAX_DIM)) {
        return { error: `Input needs one or two sizes from 1 to ${MAX_DIM} ${where}` };
      }
      nodes.push({ name, kind, shape: dims, inputs: [] });
    } else if (kind === 'Dense') {
      const units = Number(args[0]);
      if (args.length < 1 || args.length > 2 || !Number.isInteger(units) || units < 1 || units > MAX_UNITS) {
        return { error: `Dense needs units from 1 to ${MAX_UNITS} and optionally an activation ${where}` };
      }
      const activation = args[1] ?? 'linear';
      if (!/^[a-z_]+$/.test(activation)) return { error: `'${activation}' is not an activation name ${where}` };
      nodes.push({ name, kind, config: { units, activation }, inputs });
    } else {
      if (args.length) return { error: `Concatenate() takes no arguments here (it joins on the last axis) ${where}` };
      nodes.push({ name, kind, config: {}, inputs });
    }
    if (nodes.length > MAX_NODES) return { error: `at most ${MAX_NODES} nodes` };
  }
  if (nodes.length === 0) return { error: 'the graph is empty' };
  if (!outputs) return { error: "no 'outputs = ...' line" };
  return { nodes, outputs };
}

/** The description -> the graph text (parseGraph's inverse). */
export function graphText(g) {
  const lines = g.nodes.map((n) => {
    if (n.kind === 'Input') return `${n.name} = Input(${n.shape.join(', ')})`;
    const ins = `(${n.inputs.join(', ')})`;
    if (n.kind === 'Dense') return `${n.name} = Dense(${n.config.units}${n.config.activation && n.config.activation !== 'linear' ? `, ${n.config.activation}` : ''})${ins}`;
    return `${n.name} = Concatenate()${ins}`;
  });
  lines.push(`outputs = ${g.outputs.join(', ')}`);
  return lines.join('; ');
}

export const settings = [
  { name: 'graph', type: 'text', label: 'Graph', default: PRESETS.twoHeads, maxLength: 1200, section: 'Graph',
    check: (v) => { const r = parseGraph(v); return r.error ? `the graph's lines: ${r.error}` : null; },
    help: 'One statement per ";": x = Input(4), h = Dense(30, relu)(x), c = Concatenate()(a, b), outputs = o1, o2. Or edit the drawing.' },
  { name: 'lossWeights', type: 'numbers', label: 'Loss weights', default: [1, 0.5], min: 0, max: 2, step: 0.05,
    minLength: 1, maxLength: 4, itemLabel: (i) => `w${i + 1}`, itemName: 'a loss weight', section: 'Training',
    help: 'Total loss = Σ w_k·L_k over the outputs (Keras\' loss_weights); an output without a slider gets 1.' },
  { name: 'classHead', type: 'integer', label: 'Output trained as a classifier', default: 2, min: 0, max: 4, section: 'Training',
    help: 'That output learns the teacher\'s softmax with cross-entropy from logits; the others its values with MSE. 0: none.' },
  { name: 'points', type: 'integer', label: 'Examples', default: 256, min: 16, max: 2048, step: 16, section: 'Training' },
  { name: 'batchSize', type: 'integer', label: 'Batch size', default: 32, min: 1, max: 256, section: 'Training' },
  { name: 'lr', type: 'number', label: 'Learning rate (Adam)', default: 0.005, min: 0.0001, max: 0.1, step: 0.0001, section: 'Training' },
  { name: 'epochs', type: 'integer', label: 'Epochs', default: 40, min: 1, max: 500, section: 'Training' },
  { name: 'seed', type: 'integer', label: 'Seed', default: 1, min: 0, max: 999999, section: 'Training' },
];

export const quickSettings = { epochs: 2, points: 64 };

// ---- from the description to the core ----------------------------------------------------------

/** The description with each Dense's initializers from the convention (the parameter counts do not depend on them). */
export function coreGraph(g, state) {
  const init = initDefaults(state);
  return {
    nodes: g.nodes.map((n) => (n.kind === 'Dense'
      ? { name: n.name, kind: 'Dense', config: { ...n.config, kernelInitializer: init.kernel, biasInitializer: init.bias }, inputs: n.inputs }
      : n.kind === 'Input' ? { name: n.name, kind: 'Input', shape: n.shape } : { name: n.name, kind: n.kind, config: {}, inputs: n.inputs })),
    outputs: g.outputs,
  };
}

/** The core's loss per output: cross-entropy from logits for the classifier head, MSE otherwise. */
export function headLosses(g, state) {
  return g.outputs.map((_, k) => (state.classHead === k + 1 ? { kind: 'categoricalCrossEntropy', fromLogits: true } : 'mse'));
}
export const weightOf = (state, k) => state.lossWeights[k] ?? 1;

/**
 * The graph as the core sees it, without training: {graph, error, unused, rows, totals, shapes,
 * order, code}. error is the core's (or the parser's) message for a graph that cannot be built.
 */
export function analyze(pg, state, { keepModel = false } = {}) {
  const g = parseGraph(state.graph);
  if (g.error) return { graph: null, error: `graph: ${g.error}`, unused: [], rows: [], code: null };
  let model = null;
  try {
    const { spec, unused } = pg.graphSpec(coreGraph(g, state));
    model = pg.model({ spec, seed: state.seed });
    const rows = model.summaryRows();
    const out = { graph: g, error: null, unused, rows, total: model.countParams(), trainable: model.trainableParams,
      outputShapes: model.outputShapes, summaryText: model.summary() };
    out.code = code(g, out, state);
    if (keepModel) {
      out.model = model;  // the caller's now
      out.spec = spec;
      model = null;
    }
    return out;
  } catch (e) {
    if (!(e instanceof pg.PlaygradError)) throw e;
    return { graph: g, error: e.message, unused: [], rows: [], code: null };
  } finally {
    model?.dispose();
  }
}

// ---- the training session --------------------------------------------------------------------

class FunctionalSession extends TensorSession {
  constructor(pg, state) {
    super(pg, state);
    this.model = null;
    this.epoch = 0;
    this.info = analyze(pg, state, { keepModel: true });
    this.model = this.info.model ?? null;  // built once: the analysis' model is the one trained
    this.spec = this.info.spec ?? null;    // and its ordered spec makes the teacher's
    delete this.info.model;
    delete this.info.spec;
    this.history = { loss: [], heads: [], shares: {}, norms: {} };
    this.grads = null;
    if (this.info.error) return;  // nothing to train: the view shows the reason
    this.build(() => this.setUp());
  }

  setUp() {
    const { pg } = this;
    const s = this.state;
    const g = this.info.graph;
    const inputShapes = this.model.inputShapes;
    // The inputs: standard normal, one seeded stream per input.
    this.x = inputShapes.map((shape, i) => this.keep(pg.randn([s.points, ...shape], s.seed * 7919 + i + 1)));
    // The targets: a teacher with the same graph and other weights (tanh on its hidden layers so
    // the task is not linear), its values for MSE heads, its softmax (sharpened ×4) for the
    // classifier. Its spec is the student's (already ordered and checked by the core) with the
    // hidden Dense layers' activation changed: no second pass through pg.graphSpec.
    const teacherSpec = { ...this.spec, layers: this.spec.layers.map((l) => (l.kind === 'Dense' && !g.outputs.includes(l.name)
      ? { ...l, config: { ...l.config, activation: 'tanh' } } : l)) };
    const teacher = pg.model({ spec: teacherSpec, seed: s.seed + 104729 });
    try {
      const outs = [teacher.predict(this.x, { batchSize: 1024 })].flat();
      this.y = outs.map((t, k) => {
        if (s.classHead === k + 1) {
          const sharp = pg.mul(t, 4);
          const p = this.keep(pg.softmax(sharp, -1));
          sharp.dispose();
          t.dispose();
          return p;
        }
        return this.keep(t);
      });
    } finally {
      teacher.dispose();
    }
    this.losses = headLosses(g, s);
    this.weights = g.outputs.map((_, k) => weightOf(s, k));
    const adam = adamDefaults(s);
    this.model.compile({ optimizer: { kind: 'adam', lr: s.lr, epsilon: adam.epsilon, epsilonOn: adam.epsilonOn },
      loss: this.losses, lossWeights: this.weights, metrics: s.classHead >= 1 && s.classHead <= g.outputs.length ? ['accuracy'] : [] });
    this.record();  // epoch 0: before any step
  }

  get done() { return !!this.failure || !this.model || this.epoch >= this.state.epochs; }
  get progress() { return { value: this.epoch, total: this.state.epochs, label: 'epochs' }; }

  /** The losses and each head's part of the gradient now (on all the examples). */
  record() {
    const m = this.model;
    const ev = m.evaluate(this.x, this.y, { batchSize: 1024 });
    const grads = m.headGradients(this.x, this.y);
    const h = this.history;
    h.loss.push(ev.loss);
    const names = grads.outputs.map((o) => o.name);
    h.heads.push(names.length > 1 ? names.map((n) => ev[`${n}_loss`]) : [ev.loss]);
    for (const l of grads.layers) {
      if (l.feeds.length < 2) continue;
      (h.shares[l.name] ??= []).push(l.share);
      (h.norms[l.name] ??= []).push(l.norms);
    }
    this.grads = grads;
    const c = this.state.classHead - 1;
    const key = names.length > 1 ? `${names[c]}_accuracy` : 'accuracy';
    this.accuracy = c >= 0 && c < names.length ? ev[key] ?? null : null;
  }

  step() {
    if (this.done) return;
    const s = this.state;
    try {
      this.model.fit(this.x, this.y, { epochs: 1, batchSize: s.batchSize, shuffle: true, seed: s.seed * 1000003 + this.epoch });
      this.epoch += 1;
      this.record();
    } catch (e) {
      if (!(e instanceof this.pg.PlaygradError)) throw e;
      this.failure = `epoch ${this.epoch + 1}: ${e.message}`;
    }
  }

  snapshot() {
    const i = this.info;
    return {
      graph: i.graph, error: i.error, unused: i.unused, rows: i.rows, total: i.total, trainable: i.trainable,
      outputShapes: i.outputShapes, code: i.code, summaryText: i.summaryText,
      epoch: this.epoch, epochs: this.state.epochs,
      heads: i.graph && !i.error ? i.graph.outputs.map((name, k) => ({ name, loss: lossLabel(this.losses?.[k]), weight: weightOf(this.state, k) })) : [],
      history: this.history, grads: this.grads, accuracy: this.accuracy ?? null,
      init: initDefaults(this.state).note, convention: LABELS[conventionOf(this.state)],
      failure: this.failure,
    };
  }

  result() {
    const s = this.snapshot();
    return { epochs: this.epoch, stoppedEarly: false, history: s.history, heads: s.heads, grads: s.grads, accuracy: s.accuracy,
      error: s.error, unused: s.unused, rows: s.rows, total: s.total, failure: s.failure };
  }

  dispose() {
    release(this.model);
    this.model = null;
    super.dispose();
  }
}

const lossLabel = (l) => (l === undefined ? '' : l === 'mse' ? 'MSE' : 'cross-entropy (from logits)');

/** The training engine for the state. */
export function session(pg, state) {
  return new FunctionalSession(pg, state);
}

/** Terminal lines. */
export function report(r, s) {
  const lines = [];
  if (r.error) return [`functional-api: the graph cannot be built: ${r.error}`];
  lines.push(`functional-api: ${s.graph}`);
  lines.push(...(r.summaryText ?? summaryLines(r.rows, r.total)).toString().split('\n').filter(Boolean));
  if (r.unused?.length) lines.push(`left out (they reach no output): ${r.unused.join(', ')}`);
  const h = r.history;
  const last = h.loss.length - 1;
  lines.push(`epochs run: ${r.epoch ?? r.epochs} of ${s.epochs}; total loss ${fmt(h.loss[0])} → ${fmt(h.loss[last])} (Σ w_k·L_k)`);
  r.heads.forEach((hd, k) => lines.push(`  output ${hd.name}: ${hd.loss}, weight ${fmt(hd.weight)}, loss ${fmt(h.heads[0][k])} → ${fmt(h.heads[last][k])}`));
  for (const l of r.grads?.layers ?? []) {
    if (l.feeds.length < 2) continue;
    lines.push(`  shared layer ${l.name}: |g| ${fmt(l.norm)}; ` + r.heads.map((hd, k) => `${hd.name} |g_k| ${fmt(l.norms[k])}, share ${fmt(l.share[k])}`).join('; '));
  }
  if (r.failure) lines.push(`stopped: ${r.failure}`);
  return lines;
}

const summaryLines = (rows, total) => [...(rows ?? []).map((r) => `${r.name} (${r.kind}) ${r.shapeText} ${r.params} ${r.connectedTo.join(', ')}`), `Total params: ${total}`].join('\n');

// ---- code in three dialects (text layout from the description and the core's shapes) -------------

const py = (v) => JSON.stringify(v);
const pyNum = (v) => (Number.isInteger(v) ? `${v}.0` : String(v));

/** {playgrad, keras, pytorch}: the code that builds (and compiles) this graph, in the core's order. */
export function code(g, info, state) {
  const byName = new Map(g.nodes.map((n) => [n.name, n]));
  const rowOf = new Map(info.rows.map((r) => [r.name, r]));
  const order = info.rows.map((r) => byName.get(r.name));
  const inputs = order.filter((n) => n.kind === 'Input');
  const losses = headLosses(g, state);
  const weights = g.outputs.map((_, k) => weightOf(state, k));
  const P = [
    "const L = pg.layers;",
    ...order.map((n) => {
      if (n.kind === 'Input') return `const ${n.name} = L.input([${n.shape.join(', ')}], { name: '${n.name}' });`;
      const ins = n.inputs.length === 1 ? n.inputs[0] : `[${n.inputs.join(', ')}]`;
      if (n.kind === 'Dense') return `const ${n.name} = L.dense({ units: ${n.config.units}${n.config.activation !== 'linear' ? `, activation: '${n.config.activation}'` : ''}, name: '${n.name}' })(${ins});`;
      return `const ${n.name} = L.concatenate({ name: '${n.name}' })(${ins});`;
    }),
    `const model = pg.model({ inputs: [${inputs.map((n) => n.name).join(', ')}], outputs: [${g.outputs.join(', ')}], seed: ${state.seed} });`,
    `model.compile({ optimizer: { kind: 'adam', lr: ${state.lr} },`,
    `  loss: [${losses.map((l) => (l === 'mse' ? "'mse'" : "{ kind: 'categoricalCrossEntropy', fromLogits: true }")).join(', ')}], lossWeights: [${weights.join(', ')}] });`,
    'console.log(model.summary());',
  ];
  const K = [
    'from tensorflow import keras',
    'from tensorflow.keras import layers',
    '',
    ...order.map((n) => {
      if (n.kind === 'Input') return `${n.name} = keras.Input(shape=(${n.shape.join(', ')},), name=${py(n.name)})`;
      const ins = n.inputs.length === 1 && n.kind === 'Dense' ? n.inputs[0] : `[${n.inputs.join(', ')}]`;
      if (n.kind === 'Dense') return `${n.name} = layers.Dense(${n.config.units}${n.config.activation !== 'linear' ? `, activation=${py(n.config.activation)}` : ''}, name=${py(n.name)})(${ins})`;
      return `${n.name} = layers.Concatenate(name=${py(n.name)})(${ins})`;
    }),
    `model = keras.Model(inputs=[${inputs.map((n) => n.name).join(', ')}], outputs=[${g.outputs.join(', ')}])`,
    `model.compile(optimizer=keras.optimizers.Adam(${state.lr}),`,
    `              loss=[${losses.map((l) => (l === 'mse' ? '"mse"' : 'keras.losses.CategoricalCrossentropy(from_logits=True)')).join(', ')}],`,
    `              loss_weights=[${weights.map(pyNum).join(', ')}])`,
    'model.summary()',
  ];
  const act = (a, x) => ({ linear: x, relu: `torch.relu(${x})`, tanh: `torch.tanh(${x})`, sigmoid: `torch.sigmoid(${x})`, softmax: `torch.softmax(${x}, dim=-1)` }[a] ?? `${a}(${x})`);
  const lastDim = (name) => rowOf.get(name).shape.at(-1);
  const T = [
    'import torch',
    'from torch import nn',
    '',
    '',
    'class Net(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    ...order.filter((n) => n.kind === 'Dense').map((n) => `        self.${n.name} = nn.Linear(${lastDim(n.inputs[0])}, ${n.config.units})`),
    '',
    `    def forward(self, ${inputs.map((n) => n.name).join(', ')}):`,
    ...order.filter((n) => n.kind !== 'Input').map((n) => (n.kind === 'Dense'
      ? `        ${n.name} = ${act(n.config.activation, `self.${n.name}(${n.inputs[0]})`)}`
      : `        ${n.name} = torch.cat([${n.inputs.join(', ')}], dim=-1)`)),
    `        return ${g.outputs.join(', ')}`,
    '',
    '',
    'model = Net()',
    `opt = torch.optim.Adam(model.parameters(), lr=${state.lr})`,
    `# loss = ${g.outputs.map((o, k) => `${pyNum(weights[k])} * ${losses[k] === 'mse' ? `nn.functional.mse_loss(${o}, y${k + 1})` : `nn.functional.cross_entropy(${o}, y${k + 1})`}`).join(' + ')}`,
  ];
  return { playgrad: P.join('\n'), keras: K.join('\n'), pytorch: T.join('\n') };
}

// ---- check yourself -----------------------------------------------------------------------------

/** The summary rows of a graph text (the core's). */
function rowsOf(pg, graph) {
  const m = pg.model({ graph: parseGraph(graph), seed: 0 });
  try { return { rows: m.summaryRows(), total: m.countParams() }; } finally { m.dispose(); }
}

export const exercises = [
  {
    id: 'head-params',
    question: 'One input, two heads: h2 = Dense(45, relu) takes h1 = Dense(30). How many parameters does h2 have?',
    answer: { type: 'number', tolerance: 0 },
    solve(pg) {
      const r = rowsOf(pg, PRESETS.twoHeads).rows.find((x) => x.name === 'h2');
      return { value: r.params, working: ['A Dense layer has a weight per (input, unit) pair and a bias per unit: units·(fan_in + 1).', `45·(30 + 1) = ${r.params} (the core's summary).`] };
    },
  },
  {
    id: 'concat-width',
    question: 'Two inputs: Concatenate joins h2 = Dense(40) and h4 = Dense(50). What is the width of its output (None, ?)?',
    answer: { type: 'number', tolerance: 0 },
    solve(pg) {
      const r = rowsOf(pg, PRESETS.twoInputs).rows.find((x) => x.kind === 'Concatenate');
      return { value: r.shape.at(-1), working: ['Concatenate joins on the last axis: the widths add, the other axes must agree.', `40 + 50 = ${r.shape.at(-1)}, shape ${r.shapeText} (the core).`] };
    },
  },
  {
    id: 'two-inputs-total',
    question: 'Two inputs of 4 features: Dense(30) → Dense(40) and Dense(20) → Dense(50), concatenated. How many parameters in total?',
    answer: { type: 'number', tolerance: 0 },
    solve(pg) {
      const { total } = rowsOf(pg, PRESETS.twoInputs);
      return { value: total, working: ['(4 + 1)·30 + (30 + 1)·40 + (4 + 1)·20 + (20 + 1)·50', `= 150 + 1240 + 100 + 1050 = ${total}; Concatenate has no weights (the core).`] };
    },
  },
];
