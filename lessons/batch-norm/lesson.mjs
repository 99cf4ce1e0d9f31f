// Batch normalization with its moving statistics, trained for real: a 2 → units → BN → tanh → 1
// network learns a two-class toy dataset whose inputs are shifted off zero, one batch per step
// (model.fit on that batch, so the core's BatchNormalization updates its moving statistics exactly
// as in any fit). Per step the session records, for every hidden unit, the batch's mean and
// variance of the pre-activations (pg.mean over the Dense layer's output on that batch, before the
// step, which is what the step's training forward normalizes with), the moving mean and variance
// after the step, and γ and β. The convention (lessons/convention.mjs) sets ε and which variance
// enters the moving average (Keras: biased; PyTorch: unbiased, and a batch of 1 is refused), as
// layer options of the core. Every number comes from the core; this file moves data around.
import { fmt } from '../format.mjs';
import { LABELS, batchNormDefaults, conventionOf } from '../convention.mjs';
import { TensorSession, release } from '../session.mjs';

export { text } from './text.mjs';
export { fmt };

export const id = 'batch-norm';
export const title = 'Batch normalization';
export const summary = 'Batch statistics and the moving averages that replace them at inference, γ and β as they learn, batch size down to 1, and the "forgot to switch to inference" bug, in a real training run.';

export const DATASETS = [
  { value: 'moons', label: 'Two moons' }, { value: 'circle', label: 'Circle' },
  { value: 'gaussians', label: 'Gaussians' }, { value: 'xor', label: 'XOR' },
];
/** The snapshot carries the newest this-many steps (the plots' window). */
export const PLOT_STEPS = 1500;
/** The held-out share of the points. */
const TEST_SHARE = 0.25;

export const settings = [
  { name: 'dataset', type: 'choice', label: 'Dataset', default: 'moons', options: DATASETS },
  { name: 'points', type: 'integer', label: 'Points', default: 200, min: 20, max: 1000, step: 10 },
  { name: 'shift', type: 'number', label: 'Input offset', default: 4, min: -20, max: 20, step: 0.5,
    help: 'Added to both inputs, so the pre-activations are far from mean 0, variance 1 and normalization has work to do.' },
  { name: 'units', type: 'integer', label: 'Hidden units', default: 4, min: 1, max: 16 },
  { name: 'beta', type: 'number', label: 'β (moving-average weight)', default: 0.9, min: 0, max: 0.999, step: 0.001,
    help: 'moving ← β·moving + (1 − β)·batch. Keras calls β "momentum" (default 0.99); PyTorch calls 1 − β "momentum" (default 0.1, so β = 0.9).' },
  { name: 'batchSize', type: 'integer', label: 'Batch size', default: 16, min: 1, max: 256 },
  { name: 'lr', type: 'number', label: 'Learning rate (SGD)', default: 0.1, min: 0.001, max: 2, step: 0.001 },
  { name: 'epochs', type: 'integer', label: 'Epochs', default: 20, min: 1, max: 500 },
  { name: 'unit', type: 'integer', label: 'Unit plotted', default: 1, min: 1, max: (s) => s.units },
  { name: 'x1', type: 'number', label: 'Probe input x1', default: 1, min: -10, max: 30, step: 0.1 },
  { name: 'x2', type: 'number', label: 'Probe input x2', default: 1, min: -10, max: 30, step: 0.1 },
  { name: 'seed', type: 'integer', label: 'Seed', default: 1, min: 0, max: 999999 },
];

/** Settings a running session takes in place (the view's choices; the rest make a new session). */
const IN_PLACE = new Set(['unit', 'x1', 'x2', 'epochs']);

/** The BatchNormalization layer's options for a state: β from the slider, ε and the variance rule from the convention. */
export function bnOptions(state) {
  const d = batchNormDefaults(state);
  return { momentum: state.beta, epsilon: d.epsilon, unbiasedMovingVariance: d.unbiasedMovingVariance };
}

/** How the two frameworks would spell this β, and their defaults (for the note next to the number). */
export function conventionNote(state) {
  const c = conventionOf(state);
  const d = batchNormDefaults(state);
  const k = `Keras: BatchNormalization(momentum=${fmt(state.beta)}, epsilon=${d.epsilon})`;
  const p = `PyTorch: BatchNorm1d(momentum=${fmt(1 - state.beta)}, eps=${d.epsilon})`;
  return { convention: c, label: LABELS[c], epsilon: d.epsilon, unbiased: d.unbiasedMovingVariance,
    spelled: c === 'keras' ? k : p, defaults: d.note };
}

class BatchNormSession extends TensorSession {
  constructor(pg, state) {
    super(pg, state);
    this.build(() => this.setUp());
  }

  setUp() {
    const { pg } = this;
    const s = this.state;
    const d = pg.data.toy(s.dataset, { points: s.points, classes: 2, noise: 0.1, seed: s.seed });
    const shifted = pg.scope(() => pg.add(d.x, s.shift).toArray());
    this.labels = d.y.toArray();
    d.x.dispose();
    d.y.dispose();
    const n = this.labels.length;
    this.nTrain = Math.max(1, n - Math.max(1, Math.round(n * TEST_SHARE)));
    this.xy = shifted;
    this.xTrain = this.keep(pg.tensor(shifted.subarray(0, 2 * this.nTrain), [this.nTrain, 2]));
    this.xTest = this.keep(pg.tensor(shifted.subarray(2 * this.nTrain), [n - this.nTrain, 2]));
    this.yTest = this.keep(pg.tensor(this.labels.subarray(this.nTrain), [n - this.nTrain, 1]));
    const L = pg.layers;
    this.model = pg.sequential([
      L.dense(s.units, { activation: 'linear', name: 'dense' }),
      L.batchNormalization({ ...bnOptions(s), name: 'bn' }),
      L.activation('tanh', { name: 'tanh' }),
      L.dense(1, { activation: 'sigmoid', name: 'output' }),
    ], { inputShape: [2], seed: s.seed });
    this.model.compile({ optimizer: { kind: 'sgd', lr: s.lr }, loss: 'binaryCrossEntropy', metrics: ['accuracy'] });
    this.epoch = 0;
    this.batch = 0;
    this.order = null;
    this.steps = [];   // per step: {epoch, size, loss, mean, var, varUnbiased, movingMean, movingVar, gamma, beta}
    this.history = { loss: [], val_loss: [], val_accuracy: [], train_mode_accuracy: [], batch1_accuracy: [] };
  }

  get done() { return !!this.failure || this.epoch >= this.state.epochs; }
  get progress() { return { value: this.epoch, total: this.state.epochs, label: 'epochs' }; }

  /** The BN layer's weights now: {movingMean, movingVar, gamma, beta} as plain arrays. */
  bnWeights() {
    return this.pg.scope(() => {
      const w = this.model.weights();
      return { movingMean: Array.from(w['bn/moving_mean'].toArray()), movingVar: Array.from(w['bn/moving_variance'].toArray()),
        gamma: Array.from(w['bn/gamma'].toArray()), beta: Array.from(w['bn/beta'].toArray()) };
    });
  }

  /** One batch: its statistics (from the core, before the step), the step, the moving statistics after it. */
  step() {
    if (this.done) return;
    const { pg } = this;
    const s = this.state;
    if (!this.order) this.order = pg.data.permutation(this.nTrain, s.seed * 1000003 + this.epoch);
    const start = this.batch * s.batchSize;
    const idx = this.order.subarray(start, Math.min(this.nTrain, start + s.batchSize));
    const b = idx.length;
    const xb = new Float32Array(2 * b);
    const yb = new Float32Array(b);
    idx.forEach((k, i) => { xb[2 * i] = this.xy[2 * k]; xb[2 * i + 1] = this.xy[2 * k + 1]; yb[i] = this.labels[k]; });
    try {
      const rec = pg.scope(() => {
        const x = pg.tensor(xb, [b, 2]);
        const stats = batchStats(pg, this.model, x);
        const h = this.model.fit(x, pg.tensor(yb, [b, 1]), { epochs: 1, batchSize: b, shuffle: false });
        return { ...stats, loss: h.history.loss[0] };
      });
      this.steps.push({ epoch: this.epoch, size: b, ...rec, ...this.bnWeights() });
    } catch (e) {
      if (!(e instanceof pg.PlaygradError)) throw e;
      this.failure = `epoch ${this.epoch + 1}, batch ${this.batch + 1} (${b} row${b === 1 ? '' : 's'}): ${e.message.replace(/^fit: /, '')}`;
      return;
    }
    this.batch += 1;
    if (start + s.batchSize >= this.nTrain) this.endEpoch();
  }

  endEpoch() {
    const h = this.history;
    const ep = this.steps.filter((r) => r.epoch === this.epoch);
    h.loss.push(ep.reduce((a, r) => a + r.loss * r.size, 0) / ep.reduce((a, r) => a + r.size, 0));
    const m = this.computeModes();
    this.modesCache = { at: this.epoch + 1, value: m };  // the numbers after this epoch, for its snapshots
    h.val_loss.push(m.inference.loss);
    h.val_accuracy.push(m.inference.accuracy);
    h.train_mode_accuracy.push(m.trainMode.accuracy);
    h.batch1_accuracy.push(m.batchOfOne.accuracy);
    this.epoch += 1;
    this.batch = 0;
    this.order = null;
  }

  /**
   * The held-out points three ways: inference mode (moving statistics: the right way); training
   * mode with the whole test set as one batch; training mode one point at a time (a batch of 1:
   * the bug of serving a model left in training mode, one request at a time). Training-mode
   * passes run on a copy of the model, so the moving statistics stay as they are. Computed at the
   * end of each epoch (the page shows the last epoch's numbers).
   */
  modes() {
    // Once per epoch (at its end, and for the first snapshot): the one-point-at-a-time pass is a
    // forward per held-out point, too much for every animation frame.
    if (this.modesCache?.at === this.epoch) return this.modesCache.value;
    const value = this.computeModes();
    this.modesCache = { at: this.epoch, value };
    return value;
  }

  computeModes() {
    const { pg } = this;
    return pg.scope(() => {
      const inf = this.model.evaluate(this.xTest, this.yTest, { batchSize: 256 });
      const copy = pg.loadModel(this.model.save({ includeOptimizer: false }));
      try {
        const pBatch = outputOf(copy.activations(this.xTest, { training: true }));
        const y = this.yTest.toArray();
        const n = y.length;
        // One at a time: every row alone through a training-mode forward (its own batch of 1).
        let single = null;
        let singleError = null;
        try {
          single = new Float32Array(n);
          for (let i = 0; i < n; i++) {
            const xi = pg.tensor(this.xy.subarray(2 * (this.nTrain + i), 2 * (this.nTrain + i) + 2), [1, 2]);
            single[i] = outputOf(copy.activations(xi, { training: true }))[0];
          }
        } catch (e) {
          if (!(e instanceof pg.PlaygradError)) throw e;
          single = null;
          singleError = e.message;
        }
        const acc = (p) => (p ? accuracyOf(p, y) : null);
        return {
          inference: { loss: inf.loss, accuracy: inf.accuracy },
          trainMode: { accuracy: acc(pBatch) },
          batchOfOne: { accuracy: acc(single), distinct: single ? new Set(Array.from(single, (v) => v.toFixed(6))).size : null, error: singleError },
        };
      } finally {
        copy.dispose();
      }
    });
  }

  /** The probe input (x1, x2) through the network: inference mode, alone in training mode, and within the last batch. */
  probe() {
    const { pg } = this;
    const s = this.state;
    return pg.scope(() => {
      const x = pg.tensor([s.x1, s.x2], [1, 2]);
      const inferenceNodes = this.model.activations(x);
      const pre = nodeOut(inferenceNodes, 'dense');
      const normInf = nodeOut(inferenceNodes, 'bn');
      const pInf = outputOf(inferenceNodes)[0];
      const copy = pg.loadModel(this.model.save({ includeOptimizer: false }));
      try {
        let alone = null;
        try {
          const nodes = copy.activations(x, { training: true });
          alone = { normalized: Array.from(nodeOut(nodes, 'bn')), p: outputOf(nodes)[0] };
        } catch (e) {
          if (!(e instanceof pg.PlaygradError)) throw e;
          alone = { error: e.message };
        }
        return { pre: Array.from(pre), normalized: Array.from(normInf), p: pInf, alone };
      } finally {
        copy.dispose();
      }
    });
  }

  setState(state) {
    const changed = Object.keys(state).filter((k) => JSON.stringify(state[k]) !== JSON.stringify(this.state[k]));
    if (!changed.every((k) => IN_PLACE.has(k)) || this.failure) return false;
    this.state = { ...state };
    return true;
  }

  snapshot() {
    const w = this.bnWeights();
    const first = Math.max(0, this.steps.length - PLOT_STEPS);
    return {
      epoch: this.epoch,
      epochs: this.state.epochs,
      nTrain: this.nTrain,
      firstStep: first,
      stepCount: this.steps.length,
      steps: first ? this.steps.slice(first) : this.steps,
      history: this.history,
      weights: w,
      probe: this.probe(),
      modes: this.modes(),
      convention: conventionNote(this.state),
      failure: this.failure,
    };
  }

  result() {
    const last = this.steps.at(-1) ?? null;
    return {
      epochs: this.epoch,
      stoppedEarly: false,
      steps: this.steps.length,
      stepLog: this.steps,
      history: this.history,
      last,
      weights: this.bnWeights(),
      modes: this.modes(),
      convention: conventionNote(this.state),
      failure: this.failure,
    };
  }

  dispose() {
    release(this.model);
    this.model = null;
    super.dispose();
  }
}

/** Per-unit mean, biased and unbiased variance of the Dense layer's output on the batch x (the BN input). */
function batchStats(pg, model, x) {
  const h = model.activations(x).find((a) => a.name === 'dense').output; // [b, units]
  const b = h.shape[0];
  const mu = pg.mean(h, 0);
  const d = pg.sub(h, mu);
  const ss = pg.sum(pg.mul(d, d), 0);
  return {
    mean: Array.from(mu.toArray()),
    var: Array.from(pg.div(ss, b).toArray()),
    varUnbiased: b > 1 ? Array.from(pg.div(ss, b - 1).toArray()) : null,
  };
}

const nodeOut = (nodes, name) => nodes.find((a) => a.name === name).output.toArray();
const outputOf = (nodes) => nodes.at(-1).output.toArray();

/** The share of the core's probabilities p on the right side of 0.5 for 0/1 labels y (as Keras' binary accuracy). */
function accuracyOf(p, y) {
  let right = 0;
  for (let i = 0; i < y.length; i++) right += (p[i] > 0.5) === (y[i] > 0.5) ? 1 : 0;
  return right / y.length;
}

/** The training engine for the state. */
export function session(pg, state) {
  return new BatchNormSession(pg, state);
}

/** Terminal lines. */
export function report(r, s) {
  const c = r.convention;
  const u = s.unit - 1;
  const lines = [
    `batch-norm: ${s.dataset}, inputs offset by ${s.shift}, 2 → ${s.units} → BN → tanh → 1, batch ${s.batchSize}, β ${s.beta} (${c.spelled})`,
    `convention ${c.label}: ε = ${c.epsilon}, moving variance from the ${c.unbiased ? 'unbiased (÷ (m − 1))' : 'biased (÷ m)'} batch variance`,
    `epochs run: ${r.epoch ?? r.epochs} of ${s.epochs}, ${r.stepCount ?? r.steps} steps`,
  ];
  const last = Array.isArray(r.steps) ? r.steps.at(-1) : r.last;
  if (last) {
    lines.push(`unit ${s.unit}, last batch: mean ${fmt(last.mean[u])}, variance ${fmt(last.var[u])}; moving mean ${fmt(last.movingMean[u])}, moving variance ${fmt(last.movingVar[u])}; γ ${fmt(last.gamma[u])}, β ${fmt(last.beta[u])}`);
  }
  const m = r.modes;
  if (m) {
    lines.push(`held-out accuracy: inference mode ${fmt(m.inference.accuracy)}; training mode, whole set as one batch ${fmt(m.trainMode.accuracy)}; training mode one at a time ${m.batchOfOne.accuracy === null ? `fails (${m.batchOfOne.error})` : `${fmt(m.batchOfOne.accuracy)} (${m.batchOfOne.distinct} distinct output${m.batchOfOne.distinct === 1 ? '' : 's'})`}`);
  }
  if (r.failure) lines.push(`stopped: ${r.failure}`);
  return lines;
}

// ---- check yourself -------------------------------------------------------------------------

/** A one-layer model: BatchNormalization alone on [N, 1] inputs, with the state's β and convention. */
function bnAlone(pg, state) {
  return pg.sequential([pg.layers.batchNormalization({ ...bnOptions(state), name: 'bn' })], { inputShape: [1] });
}
const BATCH = [1, 2, 3, 6];

export const exercises = [
  {
    id: 'moving-mean',
    question: (s) => `The moving mean starts at 0. One training step sees the batch ${BATCH.join(', ')} (mean 3) with β = ${s.beta}. What is the moving mean after the step?`,
    answer: { type: 'number', tolerance: 1e-4 },
    solve(pg, s) {
      const m = bnAlone(pg, s);
      try {
        const v = pg.scope(() => {
          m.activations(pg.tensor(BATCH, [4, 1]), { training: true });
          return m.weights()['bn/moving_mean'].toArray()[0];
        });
        return { value: v, working: [`moving ← β·moving + (1 − β)·mean(batch) = ${s.beta}·0 + ${fmt(1 - s.beta)}·3 = ${fmt(v)} (the core's BatchNormalization after one training-mode pass).`] };
      } finally { m.dispose(); }
    },
  },
  {
    id: 'moving-variance',
    question: (s) => `The moving variance starts at 1. The same batch ${BATCH.join(', ')}, β = ${s.beta}, with the ${LABELS[conventionOf(s)]} convention: what is the moving variance after the step?`,
    answer: { type: 'number', tolerance: 1e-4 },
    solve(pg, s) {
      const m = bnAlone(pg, s);
      const d = batchNormDefaults(s);
      try {
        const v = pg.scope(() => {
          m.activations(pg.tensor(BATCH, [4, 1]), { training: true });
          return m.weights()['bn/moving_variance'].toArray()[0];
        });
        const used = d.unbiasedMovingVariance ? '14 / 3 = 4.6667 (unbiased: the squared deviations 4, 1, 0, 9 sum to 14, divided by m − 1 = 3)'
          : '14 / 4 = 3.5 (biased: the squared deviations 4, 1, 0, 9 sum to 14, divided by m = 4)';
        return { value: v, working: [`var(batch) = ${used}.`, `moving ← ${s.beta}·1 + ${fmt(1 - s.beta)}·var(batch) = ${fmt(v)} (the core).`] };
      } finally { m.dispose(); }
    },
  },
  {
    id: 'batch-of-one',
    question: 'In training mode with γ = 1 and β = 0, what does batch normalization output for a batch holding the single value 5 (Keras convention)?',
    answer: { type: 'number', tolerance: 1e-6 },
    solve(pg) {
      const m = bnAlone(pg, { beta: 0.99, convention: 'keras' });
      try {
        const v = pg.scope(() => m.activations(pg.tensor([5], [1, 1]), { training: true }).at(-1).output.toArray()[0]);
        return { value: v, working: ['A batch of one: mean(batch) = 5, so x − μ = 0 and var(batch) = 0.', `y = γ·0 / √(0 + ε) + β = β = ${fmt(v)}: every input gives the same output (the core).`] };
      } finally { m.dispose(); }
    },
  },
];
