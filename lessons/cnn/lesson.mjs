// The CNN lesson: a small convolutional network (conv -> pool -> conv -> pool -> dense -> softmax,
// every size editable) trained live on real MNIST digits; a digit drawn on the pad (or picked from
// the held-out set) shown through every layer's feature maps, the filters, the softmax bars and the
// receptive field of a unit; the confusion matrix on held-out digits; the conv arithmetic (output
// size and parameters per layer); max pooling's gradient going only to each window's maximum; a
// filter of the trained net edited by hand with the accuracy change; save and load the model.
//
// This module is the pure part (no DOM): settings, architecture(pg, state) (the conv arithmetic of
// the network the settings describe), session(pg, state, previous) (training, a training session
// as lessons/README.md describes: the page runs it in its worker, the CLI to the end, Node tests
// drive it), report and exercises. Every number comes from the core: the layer sizes and
// parameter counts from pg.vision.convPadding / convParams / receptiveField, training from
// model.fit (one batch per step), the held-out accuracy from model.evaluate, the confusion matrix
// from pg.metrics.confusionMatrix, the feature maps from model.activations, the pooling gradient
// from the core's backward, the drawn digit from pg.vision.prepareDigit. JavaScript only
// schedules and lays numbers out.
import { fmt } from '../format.mjs';
import { LABELS, adamDefaults, conventionOf, initDefaults, samePadding } from '../convention.mjs';
import { digitsNow } from '../digits-data.mjs';
import { TensorSession, release } from '../session.mjs';

export { text } from './text.mjs';
export { fmt };

export const id = 'cnn';
export const title = 'Convolutional networks';
export const summary = 'A small CNN trained live on MNIST digits: draw a digit and see every feature map, the filters, the receptive field of a unit, max pooling\'s gradient, and edit a filter of the trained net.';

export const BATCH = 32;
/** The held-out digits: the last HELD_OUT rows of the 8,600 (never trained on). */
export const HELD_OUT = 600;
/** The input side (the shipped 14 × 14 digits). */
export const SIDE = 14;

export const settings = [
  { name: 'filters1', type: 'integer', label: 'Conv 1 filters', default: 8, min: 1, max: 32, section: 'Network',
    help: 'Each filter is f × f × 1 weights and a bias, slid over the digit: one feature map each.' },
  { name: 'filters2', type: 'integer', label: 'Conv 2 filters (0: one conv block)', default: 16, min: 0, max: 32, section: 'Network',
    help: 'Each filter of the second conv spans all the first block\'s maps: f × f × C_in weights and a bias.' },
  { name: 'kernel', type: 'integer', label: 'Kernel f (f × f)', default: 3, min: 1, max: 9, section: 'Network' },
  { name: 'stride', type: 'integer', label: 'Stride s', default: 1, min: 1, max: 3, section: 'Network' },
  { name: 'padding', type: 'choice', label: 'Padding', default: 'same', section: 'Network', options: [
    { value: 'same', label: "'same' (out = ⌈n / s⌉)" }, { value: 'valid', label: "'valid' (P = 0)" }] },
  { name: 'pooling', type: 'choice', label: 'Pooling after each conv', default: 'max', section: 'Network', options: [
    { value: 'max', label: 'Max pooling 2 × 2' }, { value: 'avg', label: 'Average pooling 2 × 2' }, { value: 'none', label: 'None' }] },
  { name: 'dense', type: 'integer', label: 'Dense units (0: none)', default: 64, min: 0, max: 128, section: 'Network',
    help: 'A hidden Dense layer (ReLU) between the flattened maps and the 10 softmax outputs.' },
  { name: 'lr', type: 'number', label: 'Learning rate (Adam)', default: 0.002, min: 0.0001, max: 0.1, step: 0.0001, section: 'Training' },
  { name: 'epochs', type: 'integer', label: 'Epochs', default: 6, min: 1, max: 30, section: 'Training' },
  { name: 'digits', type: 'integer', label: 'Training digits', default: 8000, min: 100, max: 8000, step: 100, section: 'Training',
    help: `The first rows of the 8,600 shipped digits (class-balanced); the last ${HELD_OUT} are held out.` },
  { name: 'seed', type: 'integer', label: 'Seed', default: 1, min: 0, max: 99999, section: 'Training' },
];

/** For the robustness test and quick CLI runs: one short epoch. */
export const quickSettings = { epochs: 1, digits: 100 };

// ---- the architecture ---------------------------------------------------------------------------

const POOL_KIND = { max: 'MaxPooling2D', avg: 'AveragePooling2D' };

/** The layers the settings describe, in order: [{ name, kind, ... }] (no sizes yet). */
export function layerPlan(s) {
  const plan = [];
  const block = (i, filters) => {
    plan.push({ name: `conv${i}`, kind: 'Conv2D', filters, kernel: s.kernel, stride: s.stride, padding: s.padding });
    if (s.pooling !== 'none') plan.push({ name: `pool${i}`, kind: POOL_KIND[s.pooling], kernel: 2, stride: 2, padding: 'valid' });
  };
  block(1, s.filters1);
  if (s.filters2 > 0) block(2, s.filters2);
  plan.push({ name: 'flatten', kind: 'Flatten' });
  if (s.dense > 0) plan.push({ name: 'dense', kind: 'Dense', units: s.dense, activation: 'relu' });
  plan.push({ name: 'output', kind: 'Dense', units: 10, activation: 'softmax' });
  return plan;
}

/**
 * The conv arithmetic of the network, layer by layer, from the core: [{ name, kind, input: [h, w,
 * c], output: [h, w, c] or [n], kernel, stride, padding, pad: [before, after], numerator,
 * quotient, params, rf: { size, jump, start } }]. out = ⌊(n + P_before + P_after − f) / s⌋ + 1
 * (pg.vision.convPadding, 'same' by the convention's rule); params (f·f·C_in + 1)·C_out
 * (pg.vision.convParams) and (n_in + 1)·units for a Dense layer (the same formula with f = 1);
 * the receptive field of one unit in input pixels (pg.vision.receptiveField). Throws the core's
 * message (prefixed with the layer's name) when a layer cannot be built, e.g. a kernel larger
 * than its input.
 */
export function architecture(pg, s) {
  const rule = samePadding(s).sameRule;
  let shape = [SIDE, SIDE, 1];
  const rfLayers = [];
  const out = [];
  for (const l of layerPlan(s)) {
    const row = { name: l.name, kind: l.kind, input: shape.slice() };
    try {
      if (l.kind === 'Conv2D' || l.kind.endsWith('Pooling2D')) {
        const size = pg.vision.convPadding({ input: shape[0], kernel: l.kernel, stride: l.stride, padding: l.padding, sameRule: rule });
        const c = l.kind === 'Conv2D' ? l.filters : shape[2];
        Object.assign(row, {
          kernel: l.kernel, stride: l.stride, padding: l.padding, pad: [size.padBefore, size.padAfter],
          numerator: size.numerator, quotient: size.quotient, output: [size.out, size.out, c],
          params: l.kind === 'Conv2D' ? pg.vision.convParams({ kernel: l.kernel, inChannels: shape[2], outChannels: l.filters }) : 0,
        });
        rfLayers.push({ kernel: l.kernel, stride: l.stride, pad: size.padBefore });
        row.rf = pg.vision.receptiveField(rfLayers);
      } else if (l.kind === 'Flatten') {
        row.output = [shape.reduce((a, b) => a * b, 1)];
        row.params = 0;
      } else {
        row.output = [l.units];
        row.activation = l.activation;
        row.params = pg.vision.convParams({ kernel: 1, inChannels: shape[0], outChannels: l.units });
      }
    } catch (e) {
      if (!(e instanceof pg.PlaygradError)) throw e;
      throw new pg.PlaygradError(`${l.name} (${l.kind}, input ${shape.join(' × ')}): ${e.message}`);
    }
    out.push(row);
    shape = row.output;
  }
  return out;
}

/** The Keras-style model of the settings (the core's layers; initializers and Adam by the convention). */
export function buildModel(pg, s) {
  const L = pg.layers;
  const init = initDefaults(s);
  const inits = { kernelInitializer: init.kernel, biasInitializer: init.bias };
  const layers = layerPlan(s).map((l) => {
    if (l.kind === 'Conv2D') {
      return L.conv2d({ filters: l.filters, kernelSize: l.kernel, strides: l.stride, padding: l.padding, activation: 'relu', ...inits, name: l.name });
    }
    if (l.kind === 'MaxPooling2D') return L.maxPooling2d({ poolSize: 2, name: l.name });
    if (l.kind === 'AveragePooling2D') return L.averagePooling2d({ poolSize: 2, name: l.name });
    if (l.kind === 'Flatten') return L.flatten({ name: l.name });
    return L.dense(l.units, { activation: l.activation, ...inits, name: l.name });
  });
  const model = pg.sequential(layers, { inputShape: [SIDE, SIDE, 1], seed: s.seed });
  const adam = adamDefaults(s);
  model.compile({ optimizer: { kind: 'adam', lr: s.lr, epsilon: adam.epsilon, epsilonOn: adam.epsilonOn }, loss: 'sparseCategoricalCrossEntropy', metrics: ['accuracy'] });
  return model;
}

/** The notes the convention adds next to the numbers it changes. */
export function conventionNotes(s) {
  return { framework: LABELS[conventionOf(s)], same: samePadding(s).note, init: initDefaults(s).note, adam: adamDefaults(s).note };
}

// ---- the session -------------------------------------------------------------------------------

// The 8,600 digits as grey levels in [0, 1] (x: rows of 196) and labels (y), made once: every
// session reads views of them (they never change).
let scaled = null;
function scaledDigits() {
  if (scaled) return scaled;
  const d = digitsNow({ more: true });
  if (!d) return null;
  if (d.side !== SIDE) throw new Error(`the digits are ${d.side} × ${d.side}, this lesson needs ${SIDE} × ${SIDE}`);
  const x = new Float32Array(d.pixels.length);
  for (let i = 0; i < x.length; i++) x[i] = d.pixels[i] / 255;
  scaled = { count: d.count, x, y: Float32Array.from(d.labels) };
  return scaled;
}

class CnnSession extends TensorSession {
  constructor(pg, state, previous) {
    super(pg, state);
    this.problem = null;
    this.loading = true;
    this.epoch = 0;
    this.batch = 0;
    this.order = null;
    this.sums = { loss: 0, accuracy: 0, rows: 0 };
    this.history = { loss: [], accuracy: [], valLoss: [], valAccuracy: [] };
    this.batchLoss = []; // [epochs done as a fraction, the batch's loss, its accuracy] per batch (the core's fit)
    this.confusion = null;
    this.edit = null;
    this.exported = null;
    this.loaded = null;
    this.model = null;
    // The digit looked at: carried over from the session this one replaces (a drawing survives a
    // settings change); else the first held-out digit once the data is here.
    this.probe = previous?.probe ?? null;
    try {
      this.layers = architecture(pg, state);
    } catch (e) {
      if (!(e instanceof pg.PlaygradError)) throw e;
      this.problem = `The network cannot be built: ${e.message}`;
      this.loading = false;
      return;
    }
    this.model = buildModel(pg, state);
    this.tryData();
  }

  /** The digits, once here (in a page they arrive by fetch; step() waits for them). */
  tryData() {
    const d = this.dataNow(scaledDigits, 'cnn');
    if (!d) return;
    const { pg } = this;
    const px = SIDE * SIDE;
    this.px = px;
    this.nTrain = Math.min(this.state.digits, d.count - HELD_OUT);
    this.xTrainRows = d.x.subarray(0, this.nTrain * px);
    this.yTrainRows = d.y.subarray(0, this.nTrain);
    this.xValRows = d.x.subarray((d.count - HELD_OUT) * px);
    this.yValRows = d.y.subarray(d.count - HELD_OUT);
    this.xVal = this.keep(pg.tensor(this.xValRows, [HELD_OUT, SIDE, SIDE, 1]));
    this.yVal = this.keep(pg.tensor(this.yValRows, [HELD_OUT]));
    this.batches = Math.ceil(this.nTrain / BATCH);
    this.loading = false;
    if (!this.probe) this.setSample(0);
  }

  get done() {
    return Boolean(this.problem || this.failure) || (!this.loading && this.epoch >= this.state.epochs);
  }

  get progress() {
    if (this.loading) return { value: 0, total: 1, label: 'loading the MNIST digits' };
    return { value: Math.min(this.state.epochs, this.epoch + (this.batches ? this.batch / this.batches : 0)), total: this.state.epochs, label: 'epochs' };
  }

  /** One batch of 32 (the last of an epoch may be smaller); the held-out evaluation after the last. */
  step() {
    if (this.done) return;
    if (this.loading) {
      this.tryData();
      if (this.loading || this.done) return;
    }
    const { pg } = this;
    if (!this.order) this.order = pg.data.permutation(this.nTrain, this.state.seed * 1000 + this.epoch);
    const start = this.batch * BATCH;
    const idx = this.order.subarray(start, Math.min(this.nTrain, start + BATCH));
    const b = idx.length;
    const px = this.px;
    const xb = new Float32Array(b * px);
    const yb = new Float32Array(b);
    idx.forEach((k, i) => { xb.set(this.xTrainRows.subarray(k * px, (k + 1) * px), i * px); yb[i] = this.yTrainRows[k]; });
    try {
      pg.scope(() => {
        const h = this.model.fit(pg.tensor(xb, [b, SIDE, SIDE, 1]), pg.tensor(yb, [b]), { epochs: 1, batchSize: b, shuffle: false });
        this.sums.loss += h.history.loss[0] * b;
        this.sums.accuracy += h.history.accuracy[0] * b;
        this.sums.rows += b;
        this.batchLoss.push([this.epoch + (this.batch + 1) / this.batches, h.history.loss[0], h.history.accuracy[0]]);
      });
    } catch (e) {
      if (!(e instanceof pg.PlaygradError)) throw e;
      this.failure = `Training stopped at epoch ${this.epoch + 1}, batch ${this.batch + 1}: ${e.message}`;
      return;
    }
    this.edit = null; // the weights moved: an earlier hand edit's comparison no longer holds
    this.loaded = null;
    this.batch += 1;
    if (start + BATCH < this.nTrain) return;
    this.history.loss.push(this.sums.loss / this.sums.rows);
    this.history.accuracy.push(this.sums.accuracy / this.sums.rows);
    const v = this.evaluate();
    this.history.valLoss.push(v.loss);
    this.history.valAccuracy.push(v.accuracy);
    this.epoch += 1;
    this.batch = 0;
    this.order = null;
    this.sums = { loss: 0, accuracy: 0, rows: 0 };
  }

  /** The held-out loss and accuracy (model.evaluate) and the confusion matrix (the core's counts). */
  evaluate() {
    const { pg } = this;
    const v = this.model.evaluate(this.xVal, this.yVal, { batchSize: HELD_OUT });
    this.confusion = pg.scope(() => pg.metrics.confusionMatrix(this.model.predict(this.xVal, { batchSize: HELD_OUT }), this.yValRows));
    return v;
  }

  setSample(index) {
    if (!Number.isInteger(index) || index < 0 || index >= HELD_OUT) {
      throw new this.pg.PlaygradError(`cnn: a held-out digit is numbered 0 to ${HELD_OUT - 1}, got ${index}`);
    }
    this.probe = {
      source: 'sample', index, label: this.yValRows[index],
      image: this.xValRows.slice(index * this.px, (index + 1) * this.px), prep: null,
    };
  }

  /** Filter f of conv1 (kernel [k, k, 1, F]) as f·f numbers, row by row. */
  filterValues(f) {
    const w = JSON.parse(this.model.save({ includeOptimizer: false })).weights['conv1/kernel'];
    const F = this.state.filters1;
    return Array.from({ length: this.state.kernel * this.state.kernel }, (_, j) => w.data[j * F + f]);
  }

  setFilter(f, values) {
    const saved = JSON.parse(this.model.save());
    const w = saved.weights['conv1/kernel'];
    const F = this.state.filters1;
    values.forEach((v, j) => { w.data[j * F + f] = v; });
    this.model.loadWeights(saved);
  }

  command(name, args = {}) {
    const { pg } = this;
    if (this.problem) throw new pg.PlaygradError(this.problem);
    if (name === 'draw') {
      // The pad's grey image, prepared by the core as MNIST's digits were (14 × 14).
      const { data, height, width } = args;
      const prep = pg.vision.prepareDigit(data, { height, width, size: SIDE });
      this.probe = { source: 'drawn', index: null, label: null, image: prep.image, prep: { box: prep.box, scale: prep.scale, centre: prep.centre, shift: prep.shift, height, width } };
      return;
    }
    if (name === 'load') {
      // The page asks again while the digits are being fetched (a page's session cannot wake itself).
      if (this.loading) this.tryData();
      return;
    }
    if (this.loading) throw new pg.PlaygradError('cnn: the digits are still loading');
    if (name === 'sample') {
      this.setSample(Number(args.index));
      return;
    }
    if (name === 'editFilter' || name === 'restoreFilter') {
      // Weights of a conv1 filter set by hand ({ filter, index (dy·f + dx), value } or { filter,
      // values: all f·f }), or the filter put back as training left it; the held-out accuracy
      // before and after from the core.
      const F = this.state.filters1;
      const kk = this.state.kernel * this.state.kernel;
      const f = Number(args.filter);
      if (!Number.isInteger(f) || f < 0 || f >= F) throw new pg.PlaygradError(`cnn: conv1 has filters 0 to ${F - 1}, got ${args.filter}`);
      if (name === 'restoreFilter') {
        if (this.edit?.filter === f) this.setFilter(f, this.edit.original);
        this.edit = null;
        return;
      }
      let values;
      if (args.values !== undefined) {
        values = Array.from(args.values ?? [], Number);
        if (values.length !== kk) throw new pg.PlaygradError(`cnn: a ${this.state.kernel} × ${this.state.kernel} filter has ${kk} weights, got ${values.length}`);
      } else {
        const i = Number(args.index);
        if (!Number.isInteger(i) || i < 0 || i >= kk) throw new pg.PlaygradError(`cnn: a ${this.state.kernel} × ${this.state.kernel} filter has weights 0 to ${kk - 1}, got ${args.index}`);
        values = this.filterValues(f);
        values[i] = Number(args.value);
      }
      const bad = values.find((v) => !Number.isFinite(v) || Math.abs(v) > 100);
      if (bad !== undefined) throw new pg.PlaygradError(`cnn: a weight must be a finite number in [−100, 100], got ${bad}`);
      if (this.edit && this.edit.filter !== f) {
        this.setFilter(this.edit.filter, this.edit.original);
        this.edit = null;
      }
      if (!this.edit) {
        const before = this.model.evaluate(this.xVal, this.yVal, { batchSize: HELD_OUT });
        this.edit = { filter: f, original: this.filterValues(f), before, after: before };
      }
      this.setFilter(f, values);
      this.edit.after = this.model.evaluate(this.xVal, this.yVal, { batchSize: HELD_OUT });
      return;
    }
    if (name === 'export') {
      this.exported = this.model.save();
      return;
    }
    if (name === 'loadModel') {
      let model;
      try {
        model = pg.loadModel(args.json);
      } catch (e) {
        throw new pg.PlaygradError(`cnn: that file is not a model the core can read (${e.message})`);
      }
      const layersOf = (m) => JSON.stringify(m.spec.layers.map((l) => [l.kind, l.name, l.config]));
      if (layersOf(model) !== layersOf(this.model) || !model.compiled) {
        const desc = model.spec.layers.map((l) => `${l.name} ${l.kind}`).join(', ');
        model.dispose();
        throw new pg.PlaygradError(`cnn: that model's layers (${desc}) are not the ones these settings build; set the same network (filters, kernel, stride, padding, pooling, dense units) and load it again`);
      }
      this.model.dispose();
      this.model = model;
      this.edit = null;
      const v = this.evaluate();
      this.loaded = { accuracy: v.accuracy, loss: v.loss };
      return;
    }
    throw new pg.PlaygradError(`cnn: unknown command '${name}'`);
  }

  /** Feature maps, filters, probabilities and the pooling gradient for the digit looked at. */
  look() {
    const { pg } = this;
    return pg.scope(() => {
      const x = pg.tensor(this.probe.image, [1, SIDE, SIDE, 1]);
      const acts = this.model.activations(x);
      const maps = acts.filter((a) => a.kind !== 'Flatten').map((a) => ({ name: a.name, kind: a.kind, shape: a.shape, data: a.output.toArray() }));
      const probs = Array.from(maps.at(-1).data);
      // Max (or average) pooling's gradient from the core's backward: d(Σ pool output)/d(input),
      // the pool's input a leaf with the feature maps of the digit looked at.
      let poolGrad = null;
      const pool = acts.find((a) => a.name === 'pool1');
      if (pool) {
        const before = acts[acts.indexOf(pool) - 1];
        const leaf = pg.tensor(before.output.toArray(), before.output.shape, { requiresGrad: true });
        const y = this.state.pooling === 'max' ? pg.maxPool2d(leaf, { poolSize: 2 }) : pg.avgPool2d(leaf, { poolSize: 2 });
        pg.sum(y).backward();
        poolGrad = { kind: pool.kind, shape: before.shape, input: leaf.toArray(), output: y.toArray(), outShape: pool.shape, grad: leaf.grad.toArray() };
      }
      const w = this.model.weights();
      const filters = {};
      for (const name of ['conv1', 'conv2']) {
        if (w[`${name}/kernel`]) filters[name] = { shape: w[`${name}/kernel`].shape, kernel: w[`${name}/kernel`].toArray(), bias: w[`${name}/bias`].toArray() };
      }
      return { maps, probs, poolGrad, filters };
    });
  }

  snapshot() {
    const base = {
      problem: this.problem,
      failure: this.failure,
      loading: this.loading,
      epoch: this.epoch,
      epochs: this.state.epochs,
      batch: this.batch,
      batches: this.batches ?? 0,
      nTrain: this.nTrain ?? 0,
      history: this.history,
      batchLoss: this.batchLoss,
      layers: this.layers ?? null,
      params: this.model ? this.model.countParams() : 0,
      confusion: this.confusion,
      edit: this.edit,
      loaded: this.loaded,
      exported: this.exported,
      convention: conventionNotes(this.state),
    };
    this.exported = null;
    if (this.problem || this.loading || !this.probe) return base;
    return { ...base, probe: { source: this.probe.source, index: this.probe.index, label: this.probe.label, image: this.probe.image, prep: this.probe.prep }, ...this.look() };
  }

  /** What the CLI prints with --json. */
  result() {
    const s = this.snapshot();
    return {
      problem: s.problem, failure: s.failure, epochs: this.epoch, stoppedEarly: false, history: this.history,
      heldOutAccuracy: this.history.valAccuracy.at(-1) ?? null, params: s.params, layers: s.layers,
      confusion: s.confusion?.matrix ?? null, convention: s.convention,
    };
  }

  dispose() {
    this.model?.dispose();
    this.model = null;
    super.dispose();
  }
}

export function session(pg, state, previous) {
  return new CnnSession(pg, state, previous);
}

// ---- report, exercises --------------------------------------------------------------------------

const shapeText = (s) => (s ? s.join(' × ') : '');

/** Terminal lines. */
export function report(r) {
  if (r.problem) return [r.problem];
  const lines = [`Convolutional network on 14 × 14 MNIST digits (${r.convention.framework} convention)`];
  lines.push('layer      kind                 output        params   receptive field');
  for (const l of r.layers ?? []) {
    lines.push(`${l.name.padEnd(10)} ${l.kind.padEnd(20)} ${shapeText(l.output).padEnd(13)} ${String(l.params).padStart(6)}   ${l.rf ? `${l.rf.size} × ${l.rf.size} px, jump ${l.rf.jump}` : ''}`);
  }
  lines.push(`parameters: ${r.params}`);
  const h = r.history;
  h.valAccuracy.forEach((a, e) => lines.push(`epoch ${e + 1}: training loss ${fmt(h.loss[e])}, accuracy ${fmt(h.accuracy[e])}; held-out loss ${fmt(h.valLoss[e])}, accuracy ${fmt(a)}`));
  if (r.failure) lines.push(r.failure);
  if (r.confusion) {
    lines.push('confusion matrix on the held-out digits (rows: true digit, columns: predicted):');
    r.confusion.matrix.forEach((row, i) => lines.push(`  ${i}: ${row.map((c) => String(c).padStart(3)).join(' ')}`));
  }
  if (r.probs) {
    const best = r.probs.indexOf(Math.max(...r.probs));
    lines.push(`digit looked at (${r.probe.source === 'drawn' ? 'drawn' : `held-out #${r.probe.index}, a ${r.probe.label}`}): predicted ${best} with p = ${fmt(r.probs[best])}`);
  }
  return lines;
}

export const exercises = [
  {
    id: 'pool-size',
    question: 'Conv 1 keeps the 14 × 14 digit at 14 × 14 (\'same\', stride 1). What height H\' does the 2 × 2 max pool with stride 2 give? (The notes write H\' = (H − f + 1)/s for it.)',
    answer: { type: 'number', tolerance: 0 },
    solve: (pg) => {
      const p = pg.vision.convPadding({ input: 14, kernel: 2, stride: 2, padding: 'valid' });
      return {
        value: p.out,
        working: [
          `$H' = \\lfloor (H + 2P - f) / s \\rfloor + 1 = \\lfloor (14 - 2) / 2 \\rfloor + 1 = ${p.out}$`,
          `The notes' $(H - f + 1)/s = (14 - 2 + 1)/2 = 6.5$ is not a size: pooling is a window like a convolution's, so the conv formula holds.`,
        ],
      };
    },
  },
  {
    id: 'conv2-params',
    question: (s) => (s.filters2 > 0
      ? `How many parameters does conv 2 have here: f = ${s.kernel}, C_in = ${s.filters1} maps in, C_out = ${s.filters2} filters?`
      : `How many parameters does conv 1 have here: f = ${s.kernel}, C_in = 1, C_out = ${s.filters1} filters?`),
    answer: { type: 'number', tolerance: 0 },
    solve: (pg, s) => {
      const [cin, cout] = s.filters2 > 0 ? [s.filters1, s.filters2] : [1, s.filters1];
      const n = pg.vision.convParams({ kernel: s.kernel, inChannels: cin, outChannels: cout });
      return { value: n, working: [`$(f \\cdot f \\cdot C_{in} + 1) \\cdot C_{out} = (${s.kernel} \\cdot ${s.kernel} \\cdot ${cin} + 1) \\cdot ${cout} = ${n}$ (one bias per filter)`] };
    },
  },
  {
    id: 'pool-gradient',
    question: 'A 2 × 2 max-pool window holds [1, 5; 3, 2] and the gradient arriving at its output is 1. What gradient does the pixel holding 3 receive?',
    answer: { type: 'number', tolerance: 1e-6 },
    solve: (pg) => pg.scope(() => {
      const x = pg.tensor([1, 5, 3, 2], [1, 2, 2, 1], { requiresGrad: true });
      pg.sum(pg.maxPool2d(x, { poolSize: 2 })).backward();
      const g = Array.from(x.grad.toArray());
      return { value: g[2], working: [`The core's backward gives $\\partial y / \\partial x = [${g.join(', ')}]$: only the maximum (5) passed its value on, so only it gets the gradient; the 3 gets ${g[2]}.`] };
    }),
  },
];
