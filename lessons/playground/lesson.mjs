// The training playground: a real network trained by the core's fit() on a two-feature dataset,
// with everything it does visible. This module is the pure part (no DOM): the settings, and
// session(pg, state), the training engine that the page runs in a Web Worker
// (lessons/README.md, "Training lessons"), the CLI runs to the end
// (npx playgrad lesson playground --dataset spiral --classes 3 --json) and Node tests drive.
//
// One step is one batch: model.fit() on that batch alone (so the core's divergence guard checks
// every step, names the op and layer of the first NaN/Infinity and leaves the weights as they
// were), in an order drawn once per epoch from the core's seeded Fisher-Yates. At the end of an
// epoch: "loss"/"accuracy" are the batch values averaged by batch size, as Keras reports them;
// "val_loss"/"val_accuracy" come from evaluate() on the held-out points; the model (weights and
// optimizer state) is saved for the timeline, so scrubbing back to an epoch shows that epoch
// and training resumes from it. Every number comes from the core; this file moves data around.
import { fmt } from '../format.mjs';
import { adamDefaults, conventionOf, initDefaults, lossClip } from '../convention.mjs';

export { text } from './text.mjs';
export { fmt };

export const id = 'playground';
export const title = 'Training playground';
export const summary = 'Train a real network on 2-D data: datasets, features, layers, losses, optimizers, regularization, dropout, batch norm, early stopping, and every number it learns.';

/** The square the points live in (pg.data.toy), and the surface grid over it. */
export const DOMAIN = 6;
export const GRID = 64;
export const THUMB = 16;

export const DATASETS = [
  { value: 'circle', label: 'Circle', classes: [2, 5] },
  { value: 'xor', label: 'XOR', classes: [2, 2] },
  { value: 'gaussians', label: 'Gaussians', classes: [2, 5] },
  { value: 'spiral', label: 'Spiral', classes: [2, 5] },
  { value: 'moons', label: 'Two moons', classes: [2, 2] },
  { value: 'checkerboard', label: 'Checkerboard', classes: [2, 2] },
  { value: 'plane', label: 'Plane (regression)', classes: null },
  { value: 'wave', label: 'Wave (regression)', classes: null },
  { value: 'drawn', label: 'Drawn by you', classes: [2, 5] },
  { value: 'csv', label: 'Your CSV file', classes: [2, 5] },
];
export const FEATURES = ['x1', 'x2', 'x1^2', 'x2^2', 'x1x2', 'sinx1', 'sinx2'];
export const ACTIVATIONS = ['tanh', 'relu', 'sigmoid', 'linear', 'leaky_relu'];
export const MAX_LAYERS = 8;
export const MAX_UNITS = 64;
/** The learner's own data: at most this many rows (drawn or from a CSV file). */
export const MAX_ROWS = 20000;

const datasetOf = (name) => DATASETS.find((d) => d.value === name);
export const isRegression = (s) => datasetOf(s.dataset)?.classes === null;

/** "8,8" -> [8, 8]; "" -> []. Returns null when the text is not a valid list. */
export function parseHidden(text) {
  const t = text.trim();
  if (t === '') return [];
  const parts = t.split(',').map((p) => p.trim());
  if (parts.length > MAX_LAYERS) return null;
  const ws = parts.map((p) => (/^\d+$/.test(p) ? Number(p) : NaN));
  return ws.every((w) => Number.isInteger(w) && w >= 1 && w <= MAX_UNITS) ? ws : null;
}

/** "tanh" (every layer) or "relu,tanh" (one per hidden layer) -> a name per layer, or null. */
export function parseActivations(text, layers) {
  const parts = text.split(',').map((p) => p.trim());
  if (!parts.every((p) => ACTIVATIONS.includes(p))) return null;
  if (parts.length === 1) return Array(layers).fill(parts[0]);
  return parts.length === layers ? parts : null;
}

/** "x1,x2,x1x2" -> the names, each once, in FEATURES spelling; null if not valid. */
export function parseFeatures(text) {
  const parts = text.split(',').map((p) => p.trim());
  if (!parts.length || !parts.every((p) => FEATURES.includes(p))) return null;
  return new Set(parts).size === parts.length ? parts : null;
}

const lossOptions = (s) => {
  if (isRegression(s)) return [{ value: 'mse', label: 'Mean squared error' }];
  const all = [{ value: 'bce', label: 'Binary cross-entropy (log loss)' },
    { value: 'cce', label: 'Categorical cross-entropy' }, { value: 'mse', label: 'Mean squared error' }];
  return s.classes > 2 ? all.filter((o) => o.value !== 'bce') : all;
};

// The controls come in foldable sections (`section`, lessons/README.md): Data, Network, Training
// and the rest.
const REGULARIZE = 'Initialization, regularization, seed';
export const settings = [
  { name: 'dataset', section: 'Data', type: 'choice', label: 'Dataset', default: 'circle', options: DATASETS.map(({ value, label }) => ({ value, label })),
    help: 'Drawn: click on the plot to add points. CSV: load a file of x1,x2,label rows (it stays in this page).' },
  { name: 'classes', section: 'Data', type: 'integer', label: 'Classes', default: 2, min: 2,
    max: (s) => datasetOf(s.dataset)?.classes?.[1] ?? 2, widget: 'select', itemLabel: (i) => `${i}` },
  { name: 'points', section: 'Data', type: 'integer', label: 'Points', default: 500, min: 20, max: 2000, step: 10 },
  { name: 'noise', section: 'Data', type: 'number', label: 'Noise', default: 0, min: 0, max: 1, step: 0.05 },
  { name: 'trainFraction', section: 'Data', type: 'number', label: 'Training share', default: 0.5, min: 0.1, max: 0.9, step: 0.05,
    help: 'The rest is held out: the test points, for val_loss and val_accuracy.' },
  { name: 'features', section: 'Data', type: 'text', label: 'Input features', default: 'x1,x2', maxLength: 60,
    check: (t) => (parseFeatures(t) ? null : `a comma list of distinct features from ${FEATURES.join(', ')}`),
    help: `From ${FEATURES.join(', ')}, e.g. x1,x2,x1x2.` },
  { name: 'hidden', section: 'Network', type: 'text', label: 'Hidden layers (units)', default: '8,8', maxLength: 60,
    check: (t) => (parseHidden(t) ? null : `0 to ${MAX_LAYERS} comma-separated widths from 1 to ${MAX_UNITS} (empty: no hidden layer)`),
    help: 'Units per hidden layer, e.g. 8,8; empty for none (logistic regression).' },
  { name: 'activation', section: 'Network', type: 'text', label: 'Activation', default: 'tanh', maxLength: 120,
    check: (t, s) => (parseActivations(t, parseHidden(s.hidden ?? '')?.length ?? 1) ? null
      : `one of ${ACTIVATIONS.join(', ')}, or one per hidden layer separated by commas`),
    help: `${ACTIVATIONS.join(', ')}; one for every layer, or a list with one per layer.` },
  { name: 'loss', section: 'Training', type: 'choice', label: 'Loss', default: 'bce', options: lossOptions },
  { name: 'optimizer', section: 'Training', type: 'choice', label: 'Optimizer', default: 'sgd', options: [
    { value: 'sgd', label: 'SGD' }, { value: 'momentum', label: 'Momentum (0.9)' }, { value: 'nesterov', label: 'Nesterov (0.9)' },
    { value: 'adagrad', label: 'Adagrad' }, { value: 'rmsprop', label: 'RMSProp' }, { value: 'adam', label: 'Adam' }] },
  { name: 'lr', section: 'Training', type: 'number', label: 'Learning rate', default: 0.03, min: 0.0001, max: 10, step: 0.0001 },
  { name: 'batchSize', section: 'Training', type: 'integer', label: 'Batch size', default: 10, min: 1, max: 512 },
  { name: 'epochs', section: 'Training', type: 'integer', label: 'Epochs', default: 500, min: 1, max: 10000 },
  { name: 'init', section: REGULARIZE, type: 'choice', label: 'Weight initialization', default: 'default', options: [
    { value: 'default', label: 'The framework\'s default (Convention)' },
    { value: 'glorot_uniform', label: 'Glorot uniform' }, { value: 'glorot_normal', label: 'Glorot normal' },
    { value: 'he_uniform', label: 'He uniform' }, { value: 'he_normal', label: 'He normal' },
    { value: 'uniform', label: 'Uniform ±0.05' }, { value: 'zeros', label: 'Zeros' }] },
  { name: 'l1', section: REGULARIZE, type: 'number', label: 'L1 (λ1)', default: 0, min: 0, max: 1, step: 0.0001 },
  { name: 'l2', section: REGULARIZE, type: 'number', label: 'L2 (λ2)', default: 0, min: 0, max: 1, step: 0.0001 },
  { name: 'dropout', section: REGULARIZE, type: 'number', label: 'Dropout rate', default: 0, min: 0, max: 0.9, step: 0.05 },
  { name: 'batchNorm', section: REGULARIZE, type: 'boolean', label: 'Batch normalization', default: false },
  { name: 'patience', section: REGULARIZE, type: 'integer', label: 'Early stopping patience (0 = off)', default: 0, min: 0, max: 1000,
    help: 'Stops when val_loss has not improved for this many epochs (Keras: monitor val_loss, min_delta 0).' },
  { name: 'seed', section: REGULARIZE, type: 'integer', label: 'Seed', default: 1, min: 0, max: 999999 },
];

// ---- your own data --------------------------------------------------------------------------

/**
 * Reads a CSV of x1,x2,label rows (a header line is allowed; blank lines are skipped). Returns
 * { points: [[x1, x2, label], ...] } or { error } naming the row (1-based, as an editor shows it)
 * and the column. Labels are class numbers 0 .. maxClasses-1.
 */
export function parseCsv(text, { maxClasses = 5, maxRows = MAX_ROWS } = {}) {
  if (typeof text !== 'string') return { error: 'The file could not be read as text.' };
  // A binary file: NUL bytes or mostly non-printable characters.
  const sample = text.slice(0, 4096);
  const odd = sample.match(/[\u0000-\u0008\u000e-\u001f\ufffd]/g)?.length ?? 0;
  if (sample.includes('\u0000') || odd > sample.length / 20) return { error: 'This does not look like a text CSV file (it has binary bytes).' };
  const lines = text.split(/\r\n|\n|\r/);
  const points = [];
  const names = ['x1', 'x2', 'label'];
  let header = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const cells = line.split(',').map((c) => c.trim());
    const numeric = cells.map((c) => (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(c) ? Number(c) : NaN));
    if (points.length === 0 && !header && cells.length === 3 && numeric.every(Number.isNaN) && !cells.some((c) => /^[+-]?(nan|inf|infinity)$/i.test(c))) {
      // The first non-blank line may be a header: three names, none of them a number (a row
      // with one bad number, "1,2..5,0", is an error to show, not a header to skip).
      header = true;
      continue;
    }
    if (cells.length !== 3) return { error: `Row ${i + 1}: expected 3 columns (x1,x2,label), found ${cells.length}.` };
    for (let j = 0; j < 3; j++) {
      if (!Number.isFinite(numeric[j])) {
        const shown = cells[j].length > 20 ? `${cells[j].slice(0, 20)}…` : cells[j];
        return { error: `Row ${i + 1}, column ${j + 1} (${names[j]}): “${shown}” is not a finite number.` };
      }
    }
    const label = numeric[2];
    if (!Number.isInteger(label) || label < 0 || label >= maxClasses) {
      return { error: `Row ${i + 1}, column 3 (label): ${cells[2]} is not a class from 0 to ${maxClasses - 1}.` };
    }
    if (points.length >= maxRows) return { error: `The file has more than ${maxRows} rows; the playground takes at most ${maxRows}.` };
    points.push([numeric[0], numeric[1], label]);
  }
  return checkOwnData(points, maxClasses);
}

/** The learner's points are usable: at least 4, at least two classes. { points } or { error }. */
export function checkOwnData(points, maxClasses = 5) {
  if (!Array.isArray(points) || points.length === 0) return { error: 'There are no points yet: draw some (click on the plot) or load a CSV file.' };
  if (points.length < 4) return { error: `There are only ${points.length} points: the playground needs at least 4 (some to train on, some to test).` };
  const classes = new Set(points.map((p) => p[2]));
  if (classes.size < 2) return { error: `Every point is of class ${points[0][2]}: a classifier needs at least two classes.` };
  for (const p of points) {
    if (!Array.isArray(p) || p.length !== 3 || !p.every(Number.isFinite)) return { error: 'Every point needs x1, x2 and a label, all finite numbers.' };
    if (!Number.isInteger(p[2]) || p[2] < 0 || p[2] >= maxClasses) return { error: `A label must be a class from 0 to ${maxClasses - 1} (got ${p[2]}).` };
  }
  return { points };
}

// ---- the session ----------------------------------------------------------------------------

const OPTIMIZERS = {
  sgd: (lr) => ({ kind: 'sgd', lr }),
  momentum: (lr) => ({ kind: 'sgd', lr, momentum: 0.9 }),
  nesterov: (lr) => ({ kind: 'sgd', lr, momentum: 0.9, nesterov: true }),
  adagrad: (lr) => ({ kind: 'adagrad', lr }),
  rmsprop: (lr) => ({ kind: 'rmsprop', lr }),
  // Adam's ε and where it is added follow the page's convention (lessons/convention.mjs).
  adam: (lr, s) => ({ kind: 'adam', lr, epsilon: adamDefaults(s).epsilon, epsilonOn: adamDefaults(s).epsilonOn }),
};

/**
 * The initializers a state builds its Dense layers with: { kernel, bias, note } (the core's names).
 * init 'default' is the convention's framework default (Keras: Glorot uniform and zero biases;
 * PyTorch: U(±1/√fan_in) for both); any other choice is that kernel initializer with zero biases.
 */
export function initializersOf(s) {
  if (s.init === 'default') return initDefaults(s);
  return { kernel: s.init, bias: 'zeros', note: null };
}
/** Settings a running session takes in place (the rest make a new session). */
const IN_PLACE = new Set(['lr', 'epochs', 'patience']);
/** How much of the timeline (saved models, in characters) a session keeps before thinning it. */
const TIMELINE_BUDGET = 40e6;

/** The grid of the surface (G×G points over the domain, row by row from the top), as [G·G, 2]. */
export function gridPoints(g) {
  const xy = new Float32Array(g * g * 2);
  for (let r = 0; r < g; r++) {
    for (let c = 0; c < g; c++) {
      xy[2 * (r * g + c)] = -DOMAIN + (2 * DOMAIN * (c + 0.5)) / g;
      xy[2 * (r * g + c) + 1] = DOMAIN - (2 * DOMAIN * (r + 0.5)) / g;
    }
  }
  return xy;
}

/**
 * The playground's training engine, also the base of other training lessons (early-stopping
 * subclasses it: callbackOptions() and trainLabels() are its hooks).
 */
export class PlaygroundSession {
  constructor(pg, state, previous) {
    this.pg = pg;
    this.state = { ...state };
    this.failure = null;
    this.stoppedEarly = false;
    this.own = previous?.own ?? null; // the learner's points, carried across settings changes
    this.problem = null; // a message instead of training (no drawn points yet)
    this.tensors = [];
    try {
      this.setUp();
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  keep(t) { this.tensors.push(t); return t; }

  setUp() {
    const { pg } = this;
    const s = this.state;
    const widths = parseHidden(s.hidden);
    if (!widths) throw new pg.PlaygradError(`playground: hidden must be ${MAX_LAYERS} or fewer widths from 1 to ${MAX_UNITS}, got '${s.hidden}'`);
    const acts = parseActivations(s.activation, widths.length);
    if (!acts) throw new pg.PlaygradError(`playground: activation '${s.activation}' must be one of ${ACTIVATIONS.join(', ')} or one per hidden layer (${widths.length})`);
    const features = parseFeatures(s.features);
    if (!features) throw new pg.PlaygradError(`playground: features '${s.features}' must be distinct names from ${FEATURES.join(', ')}`);
    this.widths = widths;
    this.acts = acts;
    this.features = features;
    this.regression = isRegression(s);
    if (!this.regression && s.loss === 'bce' && s.classes > 2) {
      throw new pg.PlaygradError(`playground: binary cross-entropy needs 2 classes (there are ${s.classes}); use cce`);
    }
    if (this.regression && s.loss !== 'mse') throw new pg.PlaygradError(`playground: ${s.dataset} is a regression dataset: the loss is mse`);

    // The points: a toy dataset from the core, or the learner's own.
    let xy;
    let labels;
    if (s.dataset === 'drawn' || s.dataset === 'csv') {
      const own = this.own?.dataset === s.dataset ? this.own.points : [];
      const checked = checkOwnData(own, s.classes);
      if (checked.error) {
        this.problem = checked.error;
        this.n = 0;
        this.epoch = 0;
        this.history = { loss: [], accuracy: [], val_loss: [], val_accuracy: [] };
        this.timeline = [];
        return;
      }
      // The learner's order is arbitrary: shuffle once (seeded) before the split.
      const order = pg.data.permutation(own.length, s.seed);
      xy = new Float32Array(own.length * 2);
      labels = new Float32Array(own.length);
      order.forEach((k, i) => { xy[2 * i] = own[k][0]; xy[2 * i + 1] = own[k][1]; labels[i] = own[k][2]; });
    } else {
      const d = pg.data.toy(s.dataset, { points: s.points, classes: this.regression ? 0 : s.classes, noise: s.noise, seed: s.seed });
      xy = d.x.toArray();
      labels = d.y.toArray();
      d.x.dispose();
      d.y.dispose();
    }
    const n = labels.length;
    // The toy points are independent draws with labels in rotation, so the first rows are a fair
    // (class-balanced) sample: they train; the rest are held out.
    const nTrain = Math.min(n - 1, Math.max(1, Math.round(n * s.trainFraction)));
    labels = this.trainLabels(labels, nTrain);
    this.n = n;
    this.nTrain = nTrain;
    this.xy = xy;
    this.labels = labels;
    this.classesSeen = this.regression ? 1 : s.classes;

    const pts = this.keep(pg.tensor(xy, [n, 2]));
    const feats = pg.data.features(pts, features); // [n, F]
    this.F = features.length;
    this.featRows = feats.toArray();
    feats.dispose();
    this.target = this.targets(labels);
    this.xTrain = this.keep(pg.tensor(this.featRows.subarray(0, nTrain * this.F), [nTrain, this.F]));
    this.xTest = this.keep(pg.tensor(this.featRows.subarray(nTrain * this.F), [n - nTrain, this.F]));
    this.yTrain = this.keep(pg.tensor(this.target.values.subarray(0, nTrain * this.target.width), [nTrain, ...this.target.shape]));
    this.yTest = this.keep(pg.tensor(this.target.values.subarray(nTrain * this.target.width), [n - nTrain, ...this.target.shape]));

    // The surface grid and the neuron thumbnails' grid, as features.
    const grid = this.keep(pg.tensor(gridPoints(GRID), [GRID * GRID, 2]));
    this.gridX = this.keep(pg.data.features(grid, features));
    const thumb = this.keep(pg.tensor(gridPoints(THUMB), [THUMB * THUMB, 2]));
    this.thumbX = this.keep(pg.data.features(thumb, features));

    this.model = this.buildModel();
    this.epoch = 0; // epochs finished
    this.batch = 0; // batches finished in the current epoch
    this.order = null;
    this.sums = { loss: 0, accuracy: 0, rows: 0 };
    this.history = { loss: [], accuracy: [], val_loss: [], val_accuracy: [], lr: [] };
    this.timeline = [];
    this.timelineChars = 0;
    this.record(); // epoch 0: the initial weights
    this.startCallbacks();
  }

  /** The labels to train on (a subclass may corrupt the first nTrain, the training rows). */
  trainLabels(labels) {
    return labels;
  }

  // ---- callbacks: the core's monitors (pg.callbacks.*Monitor), the same rules fit() runs ----------

  /**
   * {earlyStopping: options | null, reduceLr: options | null, schedule: {kind, ...} | null}. The
   * playground: Keras' EarlyStopping(monitor='val_loss', patience) when patience > 0.
   */
  callbackOptions() {
    const p = this.state.patience;
    return { earlyStopping: p > 0 ? { monitor: 'val_loss', patience: p } : null, reduceLr: null, schedule: null };
  }

  /** New monitors (training starts, or a scrub to epoch 0). */
  startCallbacks() {
    const { pg } = this;
    const o = this.callbackOptions();
    this.cbOptions = o;
    this.stopper = o.earlyStopping ? pg.callbacks.earlyStoppingMonitor(o.earlyStopping) : null;
    this.plateau = o.reduceLr ? pg.callbacks.reduceLrOnPlateauMonitor(o.reduceLr) : null;
    if (o.schedule) pg.optim.scheduledLr(o.schedule, this.state.lr, 0); // validates it now
    this.baseLr = this.state.lr; // the schedule's lr0; reduce-on-plateau lowers it
    this.best = { value: Infinity, epoch: 0, wait: 0 };
    this.bestJson = null;
    this.restoredFrom = null;
    this.events = []; // [{epoch, callback, text}]: when each callback fired
    this.cbStates = [this.callbackState()]; // per finished epoch (index = epochs run), for scrubbing
  }

  callbackState() {
    return { stopper: this.stopper?.state ?? null, plateau: this.plateau?.state ?? null, baseLr: this.baseLr,
      best: { ...this.best }, bestJson: this.bestJson, events: this.events.length };
  }

  /** Back to the callbacks' state after `epochs` epochs (a scrub). */
  rewindCallbacks(epochs) {
    const st = this.cbStates[epochs];
    if (!st) { this.startCallbacks(); return; }
    if (this.stopper && st.stopper) this.stopper.setState(st.stopper);
    if (this.plateau && st.plateau) this.plateau.setState(st.plateau);
    this.baseLr = st.baseLr;
    this.best = { ...st.best };
    this.bestJson = st.bestJson;
    this.restoredFrom = null;
    this.events.length = st.events;
    this.cbStates.length = epochs + 1;
  }

  /** The lr of the epoch about to start, when there is a schedule: the schedule's, from the base lr. */
  startEpoch() {
    const { pg } = this;
    const sched = this.cbOptions.schedule;
    if (!sched) return; // the lr stays as set (reduce-on-plateau sets it directly then)
    const lr = pg.optim.scheduledLr(sched, this.baseLr, this.epoch);
    const before = this.model.lr;
    if (lr !== before) {
      this.model.lr = lr;
      if (this.epoch > 0) this.events.push({ epoch: this.epoch + 1, callback: 'LearningRateScheduler', text: `lr ${fmt(before)} → ${fmt(lr)} (${sched.kind} schedule)` });
    }
  }

  /** After an epoch's logs: early stopping, then reduce-on-plateau, as Keras runs them in order. */
  endCallbacks(logs) {
    const e = this.epoch - 1; // the 0-based epoch that just ended (Keras' numbering)
    const o = this.cbOptions;
    if (this.stopper) {
      const m = o.earlyStopping.monitor;
      const ev = this.stopper.update(e, logs[m]);
      const st = this.stopper.state;
      if (ev.improved) {
        this.best = { value: logs[m], epoch: this.epoch, wait: st.wait };
        if (o.earlyStopping.restoreBestWeights) this.bestJson = this.model.save();
      } else {
        this.best.wait = st.wait;
      }
      if (ev.stop) {
        this.stoppedEarly = true;
        let text = `stopped: ${m} has not improved for ${st.wait} epoch${st.wait === 1 ? '' : 's'} (best ${fmt(this.best.value)} at epoch ${this.best.epoch})`;
        if (o.earlyStopping.restoreBestWeights && this.bestJson) {
          this.model.loadWeights(this.bestJson);
          this.restoredFrom = this.best.epoch;
          text += `; weights of epoch ${this.best.epoch} restored`;
        }
        this.events.push({ epoch: this.epoch, callback: 'EarlyStopping', text });
      }
    }
    if (this.plateau) {
      const m = o.reduceLr.monitor;
      const ev = this.plateau.update(e, logs[m], this.baseLr);
      if (ev.reduced) {
        this.baseLr = ev.lr;
        if (!o.schedule) this.model.lr = ev.lr;
        this.events.push({ epoch: this.epoch, callback: 'ReduceLROnPlateau', text: `${m} on a plateau: lr ${fmt(ev.oldLr)} → ${fmt(ev.lr)}${o.schedule ? ' (the schedule\'s base lr)' : ''}` });
      }
    }
    this.cbStates[this.epoch] = this.callbackState();
  }

  /** The targets the loss wants: {values, shape (without N), width}. */
  targets(labels) {
    const s = this.state;
    const n = labels.length;
    if (this.regression || s.loss === 'bce' || (s.loss === 'mse' && s.classes === 2)) {
      return { values: Float32Array.from(labels), shape: [1], width: 1 };
    }
    if (s.loss === 'cce') return { values: Float32Array.from(labels), shape: [], width: 1 }; // sparse labels
    const k = s.classes; // mse against one-hot rows
    const v = new Float32Array(n * k);
    labels.forEach((c, i) => { v[i * k + c] = 1; });
    return { values: v, shape: [k], width: k };
  }

  buildModel() {
    const { pg } = this;
    const s = this.state;
    const L = pg.layers;
    const reg = s.l1 > 0 || s.l2 > 0 ? { l1: s.l1, l2: s.l2 } : null;
    const ini = initializersOf(s);
    const layers = [];
    this.widths.forEach((w, i) => {
      const name = `hidden${i + 1}`;
      if (s.batchNorm) {
        // Dense -> BatchNormalization -> activation: the normalization sees the pre-activations.
        layers.push(L.dense(w, { activation: 'linear', kernelInitializer: ini.kernel, biasInitializer: ini.bias, kernelRegularizer: reg, name }));
        layers.push(L.batchNormalization({ name: `bn${i + 1}` }));
        layers.push(L.activation(this.acts[i], { name: `${name}_${this.acts[i]}` }));
      } else {
        layers.push(L.dense(w, { activation: this.acts[i], kernelInitializer: ini.kernel, biasInitializer: ini.bias, kernelRegularizer: reg, name }));
      }
      if (s.dropout > 0) layers.push(L.dropout(s.dropout, { seed: s.seed * 31 + i, name: `dropout${i + 1}` }));
    });
    let units = 1;
    let activation = 'linear';
    let loss = 'mse';
    if (!this.regression) {
      if (s.loss === 'bce') { activation = 'sigmoid'; loss = 'binaryCrossEntropy'; }
      else if (s.loss === 'cce') { units = s.classes; activation = 'softmax'; loss = 'sparseCategoricalCrossEntropy'; }
      else if (s.classes === 2) { activation = 'sigmoid'; }
      else { units = s.classes; activation = 'softmax'; }
    }
    layers.push(L.dense(units, { activation, kernelInitializer: ini.kernel, biasInitializer: ini.bias, kernelRegularizer: reg, name: 'output' }));
    const model = pg.sequential(layers, { inputShape: [this.F], seed: s.seed });
    // A cross-entropy on probabilities keeps log 0 away by the convention's rule (Keras clips p,
    // PyTorch's BCELoss clamps the log at −100).
    const lossSpec = loss === 'mse' ? loss : { kind: loss, clip: lossClip(s).clip };
    model.compile({ optimizer: OPTIMIZERS[s.optimizer](s.lr, s), loss: lossSpec, metrics: this.regression ? [] : ['accuracy'] });
    this.lossName = loss;
    return model;
  }

  get done() {
    return !!this.problem || !!this.failure || this.stoppedEarly || this.epoch >= this.state.epochs;
  }

  get progress() {
    return { value: this.epoch, total: this.state.epochs, label: 'epochs' };
  }

  /** One batch. */
  step() {
    if (this.done) return;
    const { pg } = this;
    const s = this.state;
    if (!this.order) {
      this.order = pg.data.permutation(this.nTrain, s.seed * 1000003 + this.epoch);
      if (this.batch === 0) this.startEpoch();
    }
    const B = s.batchSize;
    const start = this.batch * B;
    const idx = this.order.subarray(start, Math.min(this.nTrain, start + B));
    const b = idx.length;
    const F = this.F;
    const w = this.target.width;
    const xb = new Float32Array(b * F);
    const yb = new Float32Array(b * w);
    idx.forEach((k, i) => {
      xb.set(this.featRows.subarray(k * F, k * F + F), i * F);
      yb.set(this.target.values.subarray(k * w, k * w + w), i * w);
    });
    try {
      pg.scope(() => {
        const h = this.model.fit(pg.tensor(xb, [b, F]), pg.tensor(yb, [b, ...this.target.shape]),
          { epochs: 1, batchSize: b, shuffle: false });
        this.sums.loss += h.history.loss[0] * b;
        if (!this.regression) this.sums.accuracy += h.history.accuracy[0] * b;
        this.sums.rows += b;
      });
    } catch (e) {
      if (!(e instanceof pg.PlaygradError)) throw e;
      // The core refused the step (the weights are as they were before it) and said why.
      this.failure = `epoch ${this.epoch + 1}, batch ${this.batch + 1}: ${e.message.replace(/^fit: /, '')}`;
      this.suggestion = suggest(s);
      return;
    }
    this.batch += 1;
    if (start + B >= this.nTrain) this.endEpoch();
  }

  endEpoch() {
    const h = this.history;
    const logs = { loss: this.sums.loss / this.sums.rows };
    if (!this.regression) logs.accuracy = this.sums.accuracy / this.sums.rows;
    const v = this.model.evaluate(this.xTest, this.yTest, { batchSize: 256 });
    logs.val_loss = v.loss;
    if (!this.regression) logs.val_accuracy = v.accuracy;
    for (const k of Object.keys(logs)) h[k].push(logs[k]);
    h.lr.push(this.model.lr);
    this.epoch += 1;
    this.batch = 0;
    this.order = null;
    this.sums = { loss: 0, accuracy: 0, rows: 0 };
    this.record();
    // Early stopping (and what a subclass adds): the core's monitors, Keras' rules.
    this.endCallbacks(logs);
  }

  /** Saves the model (weights and optimizer state) at the current epoch for the timeline. */
  record() {
    const json = this.model.save();
    this.timeline.push({ epoch: this.epoch, json });
    this.timelineChars += json.length;
    // Over budget: keep every other saved epoch (the first and the newest always stay).
    while (this.timelineChars > TIMELINE_BUDGET && this.timeline.length > 2) {
      const kept = this.timeline.filter((t, i) => i % 2 === 0 || i === this.timeline.length - 1);
      this.timeline = kept;
      this.timelineChars = kept.reduce((a, t) => a + t.json.length, 0);
    }
  }

  setState(state) {
    const changed = Object.keys(state).filter((k) => JSON.stringify(state[k]) !== JSON.stringify(this.state[k]));
    // After a failure a changed setting starts afresh (the run it would continue has stopped).
    if (!changed.every((k) => IN_PLACE.has(k)) || this.problem || this.failure) return false;
    this.state = { ...state };
    if (changed.includes('lr') && this.model) { this.model.lr = state.lr; this.baseLr = state.lr; }
    if (changed.includes('patience')) this.retuneCallbacks();
    return true;
  }

  /**
   * Callback settings changed in place: new monitors with the new options that carry the old
   * ones' state (best, wait, counters), so the run goes on under the new rule.
   */
  retuneCallbacks() {
    const { pg } = this;
    const o = this.callbackOptions();
    const carry = (old, make, opts) => {
      if (!opts) return null;
      const m = make(opts);
      if (old) m.setState(old.state);
      return m;
    };
    this.stopper = carry(this.stopper, pg.callbacks.earlyStoppingMonitor, o.earlyStopping);
    this.plateau = carry(this.plateau, pg.callbacks.reduceLrOnPlateauMonitor, o.reduceLr);
    if (o.schedule) pg.optim.scheduledLr(o.schedule, this.baseLr, 0);
    this.cbOptions = o;
  }

  command(name, args = {}) {
    const { pg } = this;
    if (name === 'data') {
      // The learner's points (drawn or loaded): a new session takes them (the page resets).
      const checked = checkOwnData(args.points, this.state.classes);
      this.own = { dataset: args.dataset ?? this.state.dataset, points: checked.points ?? (args.points ?? []) };
      return;
    }
    if (this.problem) throw new pg.PlaygradError(this.problem);
    if (name === 'scrub') {
      // Back (or forward) to a saved epoch: that epoch's model, and training resumes from it.
      const e = Number(args.epoch);
      const at = this.timeline.filter((t) => t.epoch <= e).at(-1);
      if (!Number.isInteger(e) || !at) throw new pg.PlaygradError(`playground: no saved epoch ${args.epoch}`);
      const model = pg.loadModel(at.json);
      this.model.dispose();
      this.model = model;
      this.epoch = at.epoch;
      this.batch = 0;
      this.order = null;
      this.sums = { loss: 0, accuracy: 0, rows: 0 };
      for (const k of Object.keys(this.history)) this.history[k].length = Math.min(this.history[k].length, at.epoch);
      this.timeline = this.timeline.filter((t) => t.epoch <= at.epoch);
      this.timelineChars = this.timeline.reduce((a, t) => a + t.json.length, 0);
      this.failure = null;
      this.stoppedEarly = false;
      this.rewindCallbacks(at.epoch);
      if (this.plateau && !this.cbOptions.schedule) this.model.lr = this.baseLr; // startEpoch() sets a scheduled lr
      this.resumed = { epoch: at.epoch, count: (this.resumed?.count ?? 0) + 1 };
      return;
    }
    if (name === 'setWeight') {
      // One weight set by hand: {layer, weight: 'kernel' | 'bias', index, value}.
      const key = `${args.layer}/${args.weight}`;
      const saved = JSON.parse(this.model.save());
      const w = saved.weights[key];
      if (!w) throw new pg.PlaygradError(`playground: the model has no weight ${key}`);
      if (!Number.isInteger(args.index) || args.index < 0 || args.index >= w.data.length) {
        throw new pg.PlaygradError(`playground: ${key} has ${w.data.length} values; index ${args.index} is out of range`);
      }
      if (!Number.isFinite(args.value)) throw new pg.PlaygradError(`playground: a weight must be a finite number, got ${args.value}`);
      w.data[args.index] = args.value;
      this.model.loadWeights(saved);
      return;
    }
    if (name === 'export') {
      // The next snapshot carries the model as the core saves it (weights and optimizer state).
      this.exported = this.model.save();
      return;
    }
    if (name === 'loadModel') {
      // A model saved by this page (or by pg.model().save()) that fits the features and output.
      let model;
      try {
        model = pg.loadModel(args.json);
      } catch (e) {
        throw new pg.PlaygradError(`playground: that file is not a model the core can read (${e.message})`);
      }
      const fin = model.inputShapes[0]?.[0];
      const fout = model.outputShapes[0]?.[0];
      const want = this.model.outputShapes[0][0];
      if (model.inputShapes.length !== 1 || fin !== this.F || model.outputShapes.length !== 1 || fout !== want || !model.compiled) {
        model.dispose();
        throw new pg.PlaygradError(`playground: that model takes ${fin} inputs and gives ${fout} outputs; these settings need ${this.F} (features ${this.features.join(',')}) and ${want}, compiled`);
      }
      this.model.dispose();
      this.model = model;
      this.timeline = [];
      this.timelineChars = 0;
      this.record();
      this.failure = null;
      return;
    }
    throw new pg.PlaygradError(`playground: unknown command '${name}'`);
  }

  /** The model's weights, layer by layer: [{layer, weight, shape, values}]. */
  weights() {
    const out = [];
    for (const [key, t] of Object.entries(this.model.weights())) {
      const [layer, weight] = key.split('/');
      out.push({ layer, weight, shape: t.shape, values: t.toArray() });
    }
    return out;
  }

  snapshot() {
    const base = {
      dataset: this.state.dataset,
      problem: this.problem,
      epoch: this.epoch,
      epochs: this.state.epochs,
      history: this.history,
      timeline: this.timeline.map((t) => t.epoch),
      // The last scrub: the epoch training went back to, and how many scrubs this session has had.
      resumed: this.resumed ?? null,
      exported: this.exported ?? null,
      convention: conventionOf(this.state),
      conventionNotes: conventionNotes(this.state),
    };
    this.exported = null;
    if (this.problem) return base;
    const { pg } = this;
    return pg.scope(() => {
      const acts = this.model.activations(this.thumbX);
      const surface = this.surface(this.model.predict(this.gridX, { batchSize: 4096 }));
      // Each hidden unit's output over the thumbnail grid: the last node of each hidden block.
      const neurons = [];
      this.widths.forEach((w, i) => {
        const last = [...acts].reverse().find((a) => a.name === `hidden${i + 1}` || a.name.startsWith(`hidden${i + 1}_`));
        const vals = last.output.toArray();
        neurons.push(Array.from({ length: w }, (_, u) => {
          const img = new Float32Array(THUMB * THUMB);
          for (let p = 0; p < THUMB * THUMB; p++) img[p] = vals[p * w + u];
          return img;
        }));
      });
      return {
        ...base,
        batch: this.batch,
        regression: this.regression,
        classes: this.classesSeen,
        features: this.features,
        widths: this.widths,
        activations: this.acts,
        lr: this.model.lr,
        params: this.model.countParams(),
        points: { xy: this.xy, labels: this.labels, nTrain: this.nTrain },
        surface,
        neurons,
        weights: this.weights(),
        failure: this.failure,
        suggestion: this.failure ? this.suggestion : null,
        stoppedEarly: this.stoppedEarly,
        bestEpoch: this.state.patience > 0 ? this.best.epoch : null,
      };
    });
  }

  /** The grid's predictions as a surface: p(class 1), the winning class and its p, or the value. */
  surface(pred) {
    const v = pred.toArray();
    const G2 = GRID * GRID;
    const width = v.length / G2;
    if (this.regression) return { kind: 'value', values: v };
    if (width === 1) return { kind: 'probability', values: v };
    const cls = new Uint8Array(G2);
    const p = new Float32Array(G2);
    for (let i = 0; i < G2; i++) {
      let best = 0;
      for (let c = 1; c < width; c++) if (v[i * width + c] > v[i * width + best]) best = c;
      cls[i] = best;
      p[i] = v[i * width + best];
    }
    return { kind: 'classes', classes: cls, values: p };
  }

  /** What the CLI prints with --json. */
  result() {
    return {
      epochs: this.epoch,
      stoppedEarly: this.stoppedEarly,
      bestEpoch: this.state.patience > 0 ? this.best.epoch : null,
      history: this.history,
      failure: this.failure,
      problem: this.problem,
      params: this.model?.countParams() ?? 0,
      model: this.model ? JSON.parse(this.model.save({ includeOptimizer: false })) : null,
    };
  }

  dispose() {
    try { this.model?.dispose(); } catch { /* already gone */ }
    this.model = null;
    for (const t of this.tensors) t.dispose();
    this.tensors = [];
  }
}

/**
 * Where these settings touch a number Keras and PyTorch define differently, what the page's
 * convention does (lines of text): the default initializers, Adam's ε, the cross-entropy's clip.
 */
export function conventionNotes(s) {
  const notes = [];
  if (s.init === 'default') notes.push(`Initial weights: ${initDefaults(s).note}.`);
  if (s.optimizer === 'adam') notes.push(`Adam: ${adamDefaults(s).note}.`);
  if (!isRegression(s) && (s.loss === 'bce' || s.loss === 'cce')) notes.push(`Loss: ${s.loss === 'bce' ? lossClip(s).note : lossClip(s).categoricalNote}.`);
  return notes;
}

/** A suggestion for a run that stopped on NaN/Infinity. */
function suggest(s) {
  const tips = [];
  if (s.lr > 0.1) tips.push(`lower the learning rate (it is ${s.lr})`);
  if (s.init === 'he_normal' || s.init === 'he_uniform') tips.push('try Glorot initialization (or the framework default)');
  if (!s.batchNorm && parseHidden(s.hidden)?.length > 3) tips.push('switch on batch normalization');
  if (s.optimizer === 'sgd' || s.optimizer === 'momentum' || s.optimizer === 'nesterov') tips.push('try Adam');
  if (!tips.length) tips.push('lower the learning rate');
  return `Try to ${tips.join(', or ')}, then press reset.`;
}

/** The training engine for the state (see the module comment). */
export function session(pg, state, previous = null) {
  return new PlaygroundSession(pg, state, previous);
}

/** Terminal lines for a finished (or stopped) run. */
export function report(r, s) {
  if (r.problem) return [`playground: ${r.problem}`];
  const h = r.history;
  const last = (a) => (a.length ? fmt(a.at(-1)) : '–');
  const lines = [
    `playground: ${s.dataset}${isRegression(s) ? '' : `, ${s.classes} classes`}, ${r.points.labels.length} points (${r.points.nTrain} train), features ${r.features.join(',')}`,
    `network: ${[r.features.length, ...r.widths, r.regression ? 1 : (s.loss === 'bce' || (s.loss === 'mse' && s.classes === 2) ? 1 : s.classes)].join(' → ')} (${r.activations.join(',') || 'no hidden layer'}), ${r.params} parameters; ${s.loss}, ${s.optimizer} lr ${s.lr}, batch ${s.batchSize}`,
    `epochs run: ${r.epoch} of ${r.epochs}${r.stoppedEarly ? ` (stopped early: val_loss best at epoch ${r.bestEpoch})` : ''}`,
    `loss ${last(h.loss)}  val_loss ${last(h.val_loss)}${r.regression ? '' : `  accuracy ${last(h.accuracy)}  val_accuracy ${last(h.val_accuracy)}`}`,
  ];
  if (r.failure) lines.push(`stopped: ${r.failure}`, r.suggestion);
  for (const n of conventionNotes(s)) lines.push(`${s.convention === 'pytorch' ? 'PyTorch' : 'Keras'} convention: ${n}`);
  return lines;
}

// ---- check yourself -------------------------------------------------------------------------

export const exercises = [
  {
    id: 'params',
    question: (s) => `How many trainable parameters does the network for the settings above have (features ${s.features}, hidden layers ${s.hidden || 'none'}${s.batchNorm ? ', with batch normalization' : ''})?`,
    answer: { type: 'number', tolerance: 0 },
    solve(pg, s) {
      const one = session(pg, { ...s, epochs: 1 });
      try {
        if (one.problem) throw new pg.PlaygradError(one.problem);
        const layers = one.model.layers;
        const working = [`Each Dense layer has (inputs + 1) · units parameters (the +1 is the bias)${s.batchNorm ? '; each batch normalization has 2 trainable per unit (γ, β) and 2 moving statistics that are not trained' : ''}.`,
          `The core counts ${one.model.trainableParams} trainable parameters over ${layers.filter((l) => l.params.length).length} layers with weights.`];
        return { value: one.model.trainableParams, working };
      } finally {
        one.dispose();
      }
    },
  },
  {
    id: 'steps-per-epoch',
    question: (s) => `With the points above (training share ${s.trainFraction}) and batch size ${s.batchSize}, how many optimizer steps does one epoch take?`,
    answer: { type: 'number', tolerance: 0 },
    solve(pg, s) {
      const one = session(pg, { ...s, epochs: 1 });
      try {
        if (one.problem) throw new pg.PlaygradError(one.problem);
        let steps = 0;
        while (one.epoch < 1 && !one.done) { one.step(); steps += 1; }
        return { value: steps, working: [`${one.nTrain} training points in batches of ${s.batchSize}: ⌈${one.nTrain} / ${s.batchSize}⌉ = ${steps} steps (the last batch may be smaller); the core ran them.`] };
      } finally {
        one.dispose();
      }
    },
  },
];
