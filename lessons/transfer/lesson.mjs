// Transfer learning: reuse what a network learned. A small CNN (the base) is trained on MNIST
// digits 0–4 (lessons/digits-data.mjs); its layers are then reused for the digits 5–9 with only k
// examples per class, three ways, each trained on the same k-shot set from the same seed:
//   frozen    the base's two conv blocks copied and frozen (Model.setTrainable), a new classifier
//             (Dense(32) features + Dense(5) head, random weights) trained on top
//   finetune  the same start, but the top `fineTune` conv blocks train too (from the base's weights)
//   scratch   the same network from random weights, everything trained
// and scored on held-out digits 5–9, for the slider's k and over a curve of k. Beside it: each
// layer's trainable and frozen parameter counts (the core's own counts), a 2-d PCA (pg.pca, in the
// core) of the features of held-out new digits before (the base) and after fine-tuning, and the
// course's VGG-16/19 and ResNet-50 as layer tables by the core's convolution arithmetic
// (pg.vision.architecture): their weights cannot ship in a page.
//
// The base trains in the page (in the training worker), not at build time: it has 6,053
// parameters and trains on 1,000 digits in a few seconds, the learner sees it learn, and the same
// seed gives the same base in Node, the page and the CLI. This module is the pure part (no DOM):
// settings, session(pg, state, previous) (lessons/README.md, "Training lessons"), report,
// exercises. Every number comes from the core; this file only schedules the jobs.
import { fmt } from '../format.mjs';
import { adamDefaults, freezeRule, initDefaults } from '../convention.mjs';
import { digitsNow } from '../digits-data.mjs';
import { TensorSession, release } from '../session.mjs';

export { text } from './text.mjs';
export { fmt };

export const id = 'transfer';
export const title = 'Transfer learning';
export const summary = 'Reuse a CNN trained on digits 0–4 for 5–9 with k examples per class: frozen features vs fine-tuning vs from scratch, accuracy against k, frozen and trainable parameters, the features before and after, and VGG-16/19 and ResNet-50 by the numbers.';

export const STRATEGIES = ['frozen', 'finetune', 'scratch'];
export const STRATEGY_LABEL = { frozen: 'Frozen conv base + new classifier', finetune: 'Fine-tuned top conv blocks', scratch: 'From scratch' };
/** The k of the curve (the slider's k is added). */
export const CURVE_KS = [1, 2, 5, 10, 20, 50];
/** Rows [0, POOL) train (base: labels 0–4; k-shot: the first k of each of 5–9); rows [POOL, count) are held out. */
export const POOL = 2000;
/** Held-out new-class digits whose features the PCA projects. */
export const PCA_POINTS = 250;
export const BATCH = 32;
export const SIDE = 14;

/**
 * The network, block by block (top of the list = input side). The base and every transfer model
 * share it; the head is new for the new classes (the same shape: 5 classes either way).
 */
export const BLOCKS = [
  { block: 1, layers: ['conv1', 'pool1'] },
  { block: 2, layers: ['conv2', 'pool2', 'flatten'] },
  { block: 3, layers: ['features'] },
  { block: 4, layers: ['head'] },
];
/** Layers with weights (their order is the freeze order). */
export const WEIGHTED = ['conv1', 'conv2', 'features', 'head'];

export const settings = [
  { name: 'k', type: 'integer', label: 'Examples per new class (k)', default: 5, min: 1, max: 50,
    help: 'The transfer models see k digits of each of 5–9 (5k in all); the curve below adds 1, 2, 5, 10, 20 and 50.' },
  { name: 'fineTune', type: 'integer', label: 'Conv blocks fine-tuned (from the top)', default: 1, min: 1, max: 2,
    help: '1: conv block 2 trains with the new classifier (block 1 stays frozen), 2: both conv blocks train (from the base\'s weights).' },
  { name: 'steps', type: 'integer', label: 'Training steps on the k-shot set', default: 40, min: 5, max: 200, step: 5, section: 'Training',
    help: 'Adam steps for each of the three models: on all 5k examples when they fit in a batch of 32, else on batches of 32 of them, shuffled each pass.' },
  { name: 'lr', type: 'number', label: 'Learning rate (Adam)', default: 0.01, min: 0.0005, max: 0.1, step: 0.0005, digits: 4, section: 'Training' },
  { name: 'curve', type: 'boolean', label: 'Accuracy against k (1, 2, 5, 10, 20, 50)', default: true, section: 'Training',
    help: 'Off: only the slider\'s k is trained.' },
  { name: 'baseDigits', type: 'integer', label: 'Base training digits (0–4)', default: 1000, min: 250, max: 1000, step: 250, section: 'Base network' },
  { name: 'baseEpochs', type: 'integer', label: 'Base epochs', default: 8, min: 1, max: 10, section: 'Base network' },
  { name: 'seed', type: 'integer', label: 'Seed', default: 1, min: 0, max: 9999, section: 'Base network',
    help: 'Initial weights and batch order of the base and of the new heads; the k-shot digits are always the first k of each class.' },
];

/** A short run for smoke tests (the robustness test runs the CLI with it). */
export const quickSettings = { baseDigits: 250, baseEpochs: 1, steps: 5, curve: false, k: 1 };

/** The ks a state trains (the slider's first, then the rest of the curve, ascending). */
export function ksOf(s) {
  const rest = s.curve ? CURVE_KS.filter((k) => k !== s.k) : [];
  return [s.k, ...rest];
}

/** The conv base: the layers a transfer model takes from the base network. */
export const CONV_BASE = ['conv1', 'conv2'];

/** Which layers a strategy trains (the rest are frozen). */
export function trainableLayers(strategy, fineTune) {
  if (strategy === 'scratch') return WEIGHTED.slice();
  const classifier = ['features', 'head'];
  if (strategy === 'frozen') return classifier;
  return [...CONV_BASE.slice(CONV_BASE.length - fineTune), ...classifier];
}

/** The network (base or transfer model), compiled with Adam in the state's convention. */
export function buildModel(pg, s, seed, trainable = WEIGHTED) {
  const L = pg.layers;
  const init = initDefaults(s);
  const frozen = (name) => ({ name, trainable: trainable.includes(name) });
  const model = pg.sequential([
    L.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', ...frozen('conv1') }),
    L.maxPooling2d({ poolSize: 2, name: 'pool1' }),
    L.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', ...frozen('conv2') }),
    L.maxPooling2d({ poolSize: 2, name: 'pool2' }),
    L.flatten({ name: 'flatten' }),
    L.dense(32, { activation: 'relu', kernelInitializer: init.kernel, biasInitializer: init.bias, ...frozen('features') }),
    L.dense(5, { activation: 'softmax', kernelInitializer: init.kernel, biasInitializer: init.bias, ...frozen('head') }),
  ], { inputShape: [SIDE, SIDE, 1], seed });
  const adam = adamDefaults(s);
  model.compile({ optimizer: { kind: 'adam', lr: s.lr, epsilon: adam.epsilon, epsilonOn: adam.epsilonOn }, loss: 'sparseCategoricalCrossEntropy', metrics: ['accuracy'] });
  return model;
}

/** Each weighted layer's parameters, trainable and frozen, as the core counts them. */
export function layerCounts(model) {
  return model.layers.filter((l) => l.paramCount > 0).map((l) => ({
    layer: l.name, kind: l.kind, params: l.paramCount, trainable: l.trainableCount, frozen: l.paramCount - l.trainableCount,
  }));
}

/** The parameter table of the three strategies (built, counted by the core, disposed). */
export function parameterTable(pg, s) {
  const out = {};
  for (const strategy of STRATEGIES) {
    const m = buildModel(pg, s, s.seed, trainableLayers(strategy, s.fineTune));
    try {
      out[strategy] = { layers: layerCounts(m), total: m.countParams(), trainable: m.trainableParams };
    } finally {
      m.dispose();
    }
  }
  return out;
}

// ---- the big networks of the course, by the conv arithmetic --------------------------------------

const conv = (filters, kernel = 3, stride = 1, padding = 'same', name) => ({ kind: 'conv', filters, kernel, stride, padding, ...(name ? { name } : {}) });
function vggLayers(convs) {
  const layers = [];
  const widths = [64, 128, 256, 512, 512];
  convs.forEach((n, b) => {
    for (let i = 0; i < n; i++) layers.push(conv(widths[b], 3, 1, 'same', `block${b + 1}_conv${i + 1}`));
    layers.push({ kind: 'pool', kernel: 2, stride: 2, name: `block${b + 1}_pool` });
  });
  layers.push({ kind: 'flatten', name: 'flatten' }, { kind: 'dense', units: 4096, name: 'fc1' }, { kind: 'dense', units: 4096, name: 'fc2' }, { kind: 'dense', units: 1000, name: 'predictions' });
  return layers;
}
function resnet50Layers() {
  const layers = [{ ...conv(64, 7, 2, 3), name: 'conv1' }, { kind: 'bn', name: 'conv1_bn' }, { kind: 'pool', kernel: 3, stride: 2, padding: 1, name: 'pool1' }];
  [3, 4, 6, 3].forEach((blocks, st) => {
    const f = 64 * 2 ** st;
    for (let b = 0; b < blocks; b++) {
      const stride = b === 0 && st > 0 ? 2 : 1;
      const p = `conv${st + 2}_block${b + 1}`;
      layers.push({ kind: 'mark', name: `${p}_in` },
        conv(f, 1, stride, 'valid', `${p}_1_conv`), { kind: 'bn', name: `${p}_1_bn` },
        conv(f, 3, 1, 'same', `${p}_2_conv`), { kind: 'bn', name: `${p}_2_bn` },
        conv(4 * f, 1, 1, 'valid', `${p}_3_conv`), { kind: 'bn', name: `${p}_3_bn` });
      if (b === 0) layers.push({ kind: 'shortcut', filters: 4 * f, stride, bn: true, name: `${p}_0_conv+bn` });
      layers.push({ kind: 'add', name: `${p}_add` });
    }
  });
  layers.push({ kind: 'gap', name: 'avg_pool' }, { kind: 'dense', units: 1000, name: 'predictions' });
  return layers;
}
export const ARCHITECTURES = [
  { id: 'vgg16', label: 'VGG-16', layers: vggLayers([2, 2, 3, 3, 3]), weightsMB: 528 },
  { id: 'vgg19', label: 'VGG-19', layers: vggLayers([2, 2, 4, 4, 4]), weightsMB: 549 },
  { id: 'resnet50', label: 'ResNet-50', layers: resnet50Layers(), weightsMB: 98 },
];

/** The three tables, by the core's conv arithmetic on a 224 × 224 × 3 input. */
export function architectures(pg) {
  return ARCHITECTURES.map((a) => {
    const t = pg.vision.architecture([224, 224, 3], a.layers);
    // What a frozen-features transfer trains: a new head on the last feature vector (1000 → k classes).
    const lastDense = t.rows.filter((r) => r.kind === 'dense').at(-1);
    const headIn = t.rows[t.rows.indexOf(lastDense) - 1].shape.reduce((x, y) => x * y, 1);
    return { id: a.id, label: a.label, weightsMB: a.weightsMB, ...t, headInputs: headIn, newHead5: pg.vision.convParams({ kernel: [1, 1], inChannels: headIn, outChannels: 5 }) };
  });
}

// ---- the data ---------------------------------------------------------------------------------

/** Row indices of the asset: base training rows (0–4), the k-shot rows (5–9), held-out rows. */
export function splitRows(d, s) {
  const base = [];
  const perNew = Array.from({ length: 5 }, () => []);
  const heldOld = [];
  const heldNew = [];
  const pool = Math.min(POOL, d.count);
  for (let i = 0; i < d.count; i++) {
    const y = d.labels[i];
    if (i < pool) {
      if (y < 5) { if (base.length < s.baseDigits) base.push(i); } else perNew[y - 5].push(i);
    } else if (y < 5) heldOld.push(i);
    else heldNew.push(i);
  }
  return { base, perNew, heldOld, heldNew };
}

// ---- the session ------------------------------------------------------------------------------

const baseKey = (s) => `${s.baseDigits}/${s.baseEpochs}/${s.seed}/${s.convention}/${s.lr}`;
const transferKey = (s) => `${s.steps}/${s.lr}/${s.fineTune}/${s.seed}/${s.convention}`;
/** A head's seed: a function of the seed and k only (the three strategies start from the same head). */
const headSeed = (seed, k) => (seed * 7919 + k * 101 + 17) % 2147483647;

class TransferSession extends TensorSession {
  constructor(pg, state, previous) {
    super(pg, state);
    this.loading = true;
    this.base = null;
    this.baseHistory = [];
    this.baseDone = false;
    this.results = new Map(); // "k/strategy" -> { k, strategy, accuracy, loss, losses: [...] }
    this.pcaBefore = null;
    this.pcaAfter = null;
    this.job = null;
    this.params = parameterTable(pg, state);
    this.arch = architectures(pg);
    // A settings change that keeps the base's settings keeps the trained base (and the results
    // of the same transfer settings): moving k retrains only the new k.
    if (previous instanceof TransferSession && previous.baseDone && baseKey(previous.state) === baseKey(state)) {
      this.base = previous.base;
      previous.base = null;
      this.baseHistory = previous.baseHistory;
      this.baseDone = true;
      this.pcaBefore = previous.pcaBefore;
      if (transferKey(previous.state) === transferKey(state)) this.results = previous.results;
    }
    this.tryData();
  }

  tryData() {
    const d = this.dataNow(digitsNow, 'transfer');
    if (!d) return;
    const { pg } = this;
    const px = d.side * d.side;
    if (d.side !== SIDE) throw new pg.PlaygradError(`transfer: the digits are ${d.side} × ${d.side}, the network takes ${SIDE} × ${SIDE}`);
    const rows = splitRows(d, this.state);
    const rowsOf = (idx) => {
      const out = new Float32Array(idx.length * px);
      idx.forEach((r, j) => { for (let i = 0; i < px; i++) out[j * px + i] = d.pixels[r * px + i] / 255; });
      return out;
    };
    const x = (idx) => this.keep(pg.tensor(rowsOf(idx), [idx.length, SIDE, SIDE, 1]));
    const y = (idx, shift) => this.keep(pg.tensor(Float32Array.from(idx, (r) => d.labels[r] - shift), [idx.length]));
    this.rows = rows;
    this.xBaseRows = rowsOf(rows.base);
    this.yBaseRows = Float32Array.from(rows.base, (r) => d.labels[r]);
    this.xHeldOld = x(rows.heldOld);
    this.yHeldOld = y(rows.heldOld, 0);
    this.xHeldNew = x(rows.heldNew);
    this.yHeldNew = y(rows.heldNew, 5);
    this.pcaRows = rows.heldNew.slice(0, PCA_POINTS);
    this.xPca = x(this.pcaRows);
    this.pcaLabels = this.pcaRows.map((r) => d.labels[r]);
    this.kShot = new Map();
    this.d = d;
    this.order = Array.from(pg.data.permutation(rows.base.length, this.state.seed));
    this.loading = false;
    this.baseBatch = 0;
    this.baseEpoch = 0;
  }

  /** The k-shot set of k (the first k digits of each of 5–9 in the pool). */
  shot(k) {
    if (!this.kShot.has(k)) {
      const idx = this.rows.perNew.flatMap((list) => list.slice(0, k));
      const px = SIDE * SIDE;
      const out = new Float32Array(idx.length * px);
      idx.forEach((r, j) => { for (let i = 0; i < px; i++) out[j * px + i] = this.d.pixels[r * px + i] / 255; });
      const labels = Float32Array.from(idx, (r) => this.d.labels[r] - 5);
      this.kShot.set(k, {
        rows: out, labels,
        x: this.keep(this.pg.tensor(out, [idx.length, SIDE, SIDE, 1])),
        y: this.keep(this.pg.tensor(labels, [idx.length])),
        n: idx.length,
      });
    }
    return this.kShot.get(k);
  }

  get baseBatches() { return Math.ceil((this.rows?.base.length ?? this.state.baseDigits) / BATCH); }

  /** Jobs still to run, in order: the slider's k first (its three strategies), then the curve. */
  pendingJobs() {
    const jobs = [];
    for (const k of ksOf(this.state)) for (const strategy of STRATEGIES) if (!this.results.has(`${k}/${strategy}`)) jobs.push({ k, strategy });
    return jobs;
  }

  get done() {
    if (this.failure) return true;
    if (this.loading || !this.baseDone) return false;
    return !this.job && this.pendingJobs().length === 0 && this.pcaAfter?.key === this.afterKey();
  }

  get progress() {
    if (this.loading) return { value: 0, total: 1, label: 'loading the MNIST digits' };
    const baseSteps = this.state.baseEpochs * this.baseBatches;
    const jobs = ksOf(this.state).length * STRATEGIES.length;
    const finished = jobs - this.pendingJobs().length;
    const inJob = this.job ? this.job.step : 0;
    const baseDone = this.baseDone ? baseSteps : this.baseEpoch * this.baseBatches + this.baseBatch;
    return { value: baseDone + finished * this.state.steps + inJob, total: baseSteps + jobs * this.state.steps, label: 'steps' };
  }

  step() {
    if (this.done) return;
    if (this.loading) {
      this.tryData();
      return;
    }
    if (!this.baseDone) {
      this.stepBase();
      return;
    }
    if (!this.job) {
      const next = this.pendingJobs()[0];
      if (!next) {
        this.projectAfter();
        return;
      }
      this.startJob(next);
    }
    this.stepJob();
  }

  /** One batch of the base (labels 0–4), seeded order; after each epoch its held-out accuracy. */
  stepBase() {
    const { pg } = this;
    if (!this.base) {
      this.base = buildModel(pg, this.state, this.state.seed);
      this.baseEpoch = 0;
      this.baseBatch = 0;
    }
    const n = this.rows.base.length;
    const from = this.baseBatch * BATCH;
    const idx = this.order.slice(from, Math.min(n, from + BATCH));
    const px = SIDE * SIDE;
    const bx = new Float32Array(idx.length * px);
    idx.forEach((r, j) => bx.set(this.xBaseRows.subarray(r * px, (r + 1) * px), j * px));
    const by = Float32Array.from(idx, (r) => this.yBaseRows[r]);
    const loss = pg.scope(() => this.base.trainOnBatch(pg.tensor(bx, [idx.length, SIDE, SIDE, 1]), pg.tensor(by, [idx.length])));
    if (!Number.isFinite(loss)) {
      this.failure = `transfer: the base's loss became ${loss} in epoch ${this.baseEpoch + 1}; lower the learning rate`;
      return;
    }
    this.baseBatch += 1;
    if (this.baseBatch * BATCH >= n) {
      const ev = this.base.evaluate(this.xHeldOld, this.yHeldOld, { batchSize: 256 });
      this.baseHistory.push({ epoch: this.baseEpoch + 1, loss: ev.loss, accuracy: ev.accuracy });
      this.baseEpoch += 1;
      this.baseBatch = 0;
      if (this.baseEpoch >= this.state.baseEpochs) {
        this.baseDone = true;
        this.pcaBefore = this.project(this.base, 'base');
      } else {
        this.order = Array.from(pg.data.permutation(n, this.state.seed + 1000 * this.baseEpoch));
      }
    }
  }

  startJob({ k, strategy }) {
    const s = this.state;
    const train = trainableLayers(strategy, s.fineTune);
    const model = buildModel(this.pg, s, headSeed(s.seed, k), train);
    if (strategy !== 'scratch') model.copyWeightsFrom(this.base, CONV_BASE);
    this.job = { k, strategy, model, step: 0, losses: [] };
  }

  /**
   * One Adam step of the job's model: the whole k-shot set when it fits in a batch (5k <= 32),
   * else the next batch of 32 of a seeded shuffle of it (a new permutation each pass).
   */
  stepJob() {
    const j = this.job;
    const { pg } = this;
    const shot = this.shot(j.k);
    let loss;
    if (shot.n <= BATCH) {
      loss = j.model.trainOnBatch(shot.x, shot.y);
    } else {
      if (!j.order || j.at >= shot.n) {
        j.pass = (j.pass ?? -1) + 1;
        j.order = Array.from(pg.data.permutation(shot.n, headSeed(this.state.seed, j.k) + j.pass));
        j.at = 0;
      }
      const idx = j.order.slice(j.at, Math.min(shot.n, j.at + BATCH));
      j.at += idx.length;
      const px = SIDE * SIDE;
      const bx = new Float32Array(idx.length * px);
      idx.forEach((r, i) => bx.set(shot.rows.subarray(r * px, (r + 1) * px), i * px));
      const by = Float32Array.from(idx, (r) => shot.labels[r]);
      loss = pg.scope(() => j.model.trainOnBatch(pg.tensor(bx, [idx.length, SIDE, SIDE, 1]), pg.tensor(by, [idx.length])));
    }
    j.losses.push(loss);
    j.step += 1;
    if (!Number.isFinite(loss)) {
      this.failure = `transfer: the ${STRATEGY_LABEL[j.strategy]} model's loss became ${loss} at k = ${j.k}, step ${j.step}; lower the learning rate`;
      j.model.dispose();
      this.job = null;
      return;
    }
    if (j.step < this.state.steps) return;
    const ev = j.model.evaluate(this.xHeldNew, this.yHeldNew, { batchSize: 256 });
    this.results.set(`${j.k}/${j.strategy}`, { k: j.k, strategy: j.strategy, accuracy: ev.accuracy, loss: ev.loss, trainLoss: loss, losses: j.losses });
    if (j.k === this.state.k && j.strategy === 'finetune') this.pcaAfter = { key: this.afterKey(), ...this.project(j.model, 'finetune') };
    j.model.dispose();
    this.job = null;
  }

  afterKey() { return `${this.state.k}/${transferKey(this.state)}`; }

  /** The 'features' layer's output on held-out new digits, projected on its first 2 principal components by the core. */
  project(model, which) {
    const { pg } = this;
    return pg.scope(() => {
      const nodes = model.activations(this.xPca);
      const f = nodes.find((n) => n.name === 'features').output;
      const p = pg.pca(f, 2);
      return { which, points: Array.from(p.projected), labels: this.pcaLabels.slice(), explained: Array.from(p.explained), eigenvalues: Array.from(p.eigenvalues), totalVariance: p.totalVariance, dims: p.dims };
    });
  }

  /** After fine-tuning's features when the slider's k result came from an earlier session (kept results). */
  projectAfter() {
    const k = this.state.k;
    // Retrain the slider's fine-tuned model (deterministic: the same numbers as its result) to project it.
    this.results.delete(`${k}/finetune`);
  }

  setState(state) {
    if (baseKey(state) !== baseKey(this.state) || transferKey(state) !== transferKey(this.state)) return false;
    const kChanged = state.k !== this.state.k;
    this.state = { ...state };
    if (kChanged) {
      if (this.job) { this.job.model.dispose(); this.job = null; }
    }
    return true;
  }

  command(name) {
    throw new this.pg.PlaygradError(`transfer: unknown command '${name}'`);
  }

  snapshot() {
    const s = this.state;
    const curve = {};
    for (const strategy of STRATEGIES) {
      curve[strategy] = ksOf(s).slice().sort((a, b) => a - b).map((k) => this.results.get(`${k}/${strategy}`)).filter(Boolean)
        .map((r) => ({ k: r.k, accuracy: r.accuracy, loss: r.loss }));
    }
    const current = Object.fromEntries(STRATEGIES.map((st) => {
      const r = this.results.get(`${s.k}/${st}`);
      return [st, r ? { accuracy: r.accuracy, loss: r.loss, trainLoss: r.trainLoss, losses: r.losses.slice() } : null];
    }));
    const job = this.job ? { k: this.job.k, strategy: this.job.strategy, step: this.job.step, losses: this.job.losses.slice() } : null;
    const pcaAfterOk = this.pcaAfter && this.pcaAfter.key === this.afterKey();
    return {
      loading: this.loading, failure: this.failure, k: s.k, fineTune: s.fineTune,
      phase: this.loading ? 'loading' : !this.baseDone ? 'base' : this.done ? 'done' : 'transfer',
      base: { digits: this.rows?.base.length ?? 0, epochs: s.baseEpochs, epoch: this.baseEpoch ?? 0, batch: this.baseBatch ?? 0, batches: this.baseBatches,
        history: this.baseHistory.map((h) => ({ ...h })), done: this.baseDone, heldOut: this.rows?.heldOld.length ?? 0 },
      heldOutNew: this.rows?.heldNew.length ?? 0, shotSize: 5 * s.k,
      params: this.params, architectures: this.arch,
      curve, current, job,
      pca: { before: this.pcaBefore, after: pcaAfterOk ? this.pcaAfter : null },
      freeze: freezeRule(s),
      progress: this.progress,
    };
  }

  result() {
    const snap = this.snapshot();
    return {
      ...snap,
      epochs: snap.base.history.length,
      stoppedEarly: false,
      history: snap.base.history,
    };
  }

  dispose() {
    release(this.job?.model, this.base);
    this.job = null;
    this.base = null;
    super.dispose();
  }
}

/** The base, the three transfers and the projections for the state (see the module comment). */
export function session(pg, state, previous = null) {
  return new TransferSession(pg, state, previous);
}

/** Terminal lines. */
export function report(r, s) {
  if (r.failure) return [`transfer: ${r.failure}`];
  const lines = [];
  const last = r.base.history.at(-1);
  lines.push(`base: a CNN on ${r.base.digits} MNIST digits 0–4 (14×14), ${r.base.history.length} epochs; held-out accuracy on ${r.base.heldOut} digits 0–4: ${last ? fmt(last.accuracy) : '–'}`);
  lines.push(`transfer to 5–9 with k = ${s.k} per class (${5 * s.k} digits), ${s.steps} Adam steps, scored on ${r.heldOutNew} held-out digits 5–9:`);
  for (const st of STRATEGIES) {
    const c = r.current[st];
    const p = r.params[st];
    lines.push(`  ${STRATEGY_LABEL[st].padEnd(34)} accuracy ${c ? fmt(c.accuracy) : '–'}   trains ${p.trainable} of ${p.total} parameters`);
  }
  if (s.curve) {
    lines.push('accuracy against k:');
    lines.push(`  ${'k'.padStart(4)} ${STRATEGIES.map((st) => st.padStart(9)).join(' ')}`);
    const ks = [...new Set(r.curve.frozen.map((p) => p.k))];
    for (const k of ks) lines.push(`  ${String(k).padStart(4)} ${STRATEGIES.map((st) => { const p = r.curve[st].find((q) => q.k === k); return (p ? fmt(p.accuracy) : '–').padStart(9); }).join(' ')}`);
  }
  if (r.pca.before) lines.push(`PCA of the 32 features (${PCA_POINTS} held-out digits 5–9): base explains ${fmt(r.pca.before.explained[0] + r.pca.before.explained[1])} in 2 components${r.pca.after ? `, after fine-tuning ${fmt(r.pca.after.explained[0] + r.pca.after.explained[1])}` : ''}`);
  for (const a of r.architectures) lines.push(`${a.label}: ${a.convLayers} conv + ${a.denseLayers} dense layers, ${a.params.toLocaleString('en-US')} parameters (${a.trainable.toLocaleString('en-US')} trainable)`);
  lines.push(r.freeze.note);
  return lines;
}

// ---- check yourself -------------------------------------------------------------------------

export const exercises = [
  {
    id: 'frozen-trainable',
    question: 'With both conv blocks frozen, how many parameters does the optimizer update (the new classifier: the 3·3·16 = 144 conv outputs → Dense(32) → Dense(5))?',
    answer: { type: 'number', tolerance: 0 },
    solve(pg, s) {
      const m = buildModel(pg, s, s.seed, trainableLayers('frozen', s.fineTune));
      try {
        const c = Object.fromEntries(layerCounts(m).map((l) => [l.layer, l.trainable]));
        return { value: m.trainableParams, working: [`Only the new classifier trains: $(144 + 1) \\cdot 32 + (32 + 1) \\cdot 5 = ${c.features} + ${c.head}$ (kernels and biases).`,
          `The core counts ${m.trainableParams} trainable of ${m.countParams()} (model.trainableParams after setTrainable).`] };
      } finally {
        m.dispose();
      }
    },
  },
  {
    id: 'vgg16-dense-share',
    question: 'What share of VGG-16\'s 138,357,544 parameters sits in its three dense layers (7·7·512 → 4096 → 4096 → 1000)?',
    answer: { type: 'number', tolerance: 0.005 },
    solve(pg) {
      const t = architectures(pg)[0];
      const dense = t.rows.filter((r) => r.kind === 'dense');
      const sum = dense.reduce((a, r) => a + r.params, 0);
      return { value: sum / t.params, working: [`Dense parameters $(25088 + 1) \\cdot 4096 + (4096 + 1) \\cdot 4096 + (4096 + 1) \\cdot 1000 = ${dense.map((r) => r.params).join(' + ')} = ${sum}$.`,
        `Over all ${t.params} (pg.vision.architecture): ${fmt(sum / t.params)}. The 13 conv layers, the part transfer learning reuses, hold only ${t.params - sum}.`] };
    },
  },
  {
    id: 'resnet-frozen-bn',
    question: 'ResNet-50 has 25,636,712 weights. How many of them are not trainable even before you freeze anything (batch normalization\'s moving means and variances)?',
    answer: { type: 'number', tolerance: 0 },
    solve(pg) {
      const t = architectures(pg)[2];
      const bnChannels = t.rows.filter((r) => r.kind === 'bn').reduce((a, r) => a + r.params / 4, 0) + t.rows.filter((r) => r.kind === 'shortcut').reduce((a, r) => a + r.shape[2], 0);
      return { value: t.params - t.trainable, working: [`Every batch-norm layer keeps 2 statistics per channel; ResNet-50's 53 batch norms have ${bnChannels} channels in all: $2 \\cdot ${bnChannels} = ${2 * bnChannels}$.`,
        `The core's table: ${t.params} − ${t.trainable} = ${t.params - t.trainable}.`] };
    },
  },
];
