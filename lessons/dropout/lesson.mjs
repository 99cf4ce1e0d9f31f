// The dropout lesson: two networks 1 → W → Dropout → W → Dropout → 1 (tanh), one with rate 0 and
// one with rate p, built from the same seed (so the same initial weights: Dropout layers have no
// weights and the Dense layers sit at the same places) and trained side by side on the same noisy
// points of sin(πx), batch by batch in the same order. Each step the p-network's Dropout layers
// draw a mask (the core's inverted dropout: keep with probability 1 − p, scale kept values by
// 1/(1 − p)); the session reads that very mask back from the core (model.dropoutMask) with the
// hidden activations the step multiplied by it. Inference mode (predict) runs Dropout as the
// identity; training-mode forwards of a copy of the network show what the masks do to the curve.
//
// The session runs in the page's worker, in the CLI (npx playgrad lesson dropout --json) and in
// Node tests. Every number comes from the core; this file moves data around.
import { fmt } from '../format.mjs';
import { makeData, TEST_POINTS, CURVE_POINTS } from '../regularization/lesson.mjs';
import { TensorSession, release } from '../session.mjs';

export { text } from './text.mjs';
export { fmt };

export const id = 'dropout';
export const title = 'Dropout';
export const summary = 'Each step\'s dropout mask on the network, inverted scaling 1/(1 − p) with numbers, training vs inference mode, and p = 0 vs p > 0 trained side by side.';

/** Training-mode samples of the curve shown beside the inference-mode curve. */
export const SAMPLES = 3;

export const settings = [
  { name: 'rate', type: 'number', label: 'Dropout rate p', default: 0.2, min: 0, max: 0.9, step: 0.05,
    check: (v) => (v >= 0 && v < 1 ? null : 'a rate p with 0 ≤ p < 1'),
    help: 'Each hidden unit is dropped with probability p in every training step; the other network has p = 0.' },
  { name: 'points', type: 'integer', label: 'Training points', default: 12, min: 4, max: 200 },
  { name: 'noise', type: 'number', label: 'Noise (std of y)', default: 0.4, min: 0, max: 1, step: 0.05 },
  { name: 'width', type: 'integer', label: 'Units per hidden layer', default: 32, min: 2, max: 48 },
  { name: 'batchSize', type: 'integer', label: 'Batch size', default: 4, min: 1, max: 200 },
  { name: 'lr', type: 'number', label: 'Learning rate (Adam)', default: 0.01, min: 0.0001, max: 1, step: 0.0001 },
  { name: 'epochs', type: 'integer', label: 'Epochs', default: 300, min: 1, max: 5000 },
  { name: 'seed', type: 'integer', label: 'Seed', default: 1, min: 0, max: 999999 },
];

function checkState(pg, s) {
  if (!(typeof s.rate === 'number' && s.rate >= 0 && s.rate < 1)) {
    throw new pg.PlaygradError(`dropout: the rate p must be a number with 0 ≤ p < 1, got ${s.rate}`);
  }
}

/** The network with dropout rate p after each hidden layer (Dropout seeds fixed by the seed). */
export function buildModel(pg, s, p) {
  const L = pg.layers;
  const model = pg.sequential([
    L.dense(s.width, { activation: 'tanh', name: 'hidden1' }),
    L.dropout(p, { seed: s.seed * 31 + 1, name: 'dropout1' }),
    L.dense(s.width, { activation: 'tanh', name: 'hidden2' }),
    L.dropout(p, { seed: s.seed * 31 + 2, name: 'dropout2' }),
    L.dense(1, { name: 'output' }),
  ], { inputShape: [1], seed: s.seed });
  model.compile({ optimizer: { kind: 'adam', lr: s.lr }, loss: 'mse' });
  return model;
}

class DropoutSession extends TensorSession {
  constructor(pg, state) {
    checkState(pg, state);
    super(pg, state);
    this.stoppedEarly = false;
    this.build(() => this.setUp());
  }

  setUp() {
    const { pg } = this;
    const s = this.state;
    const n = s.points;
    const tr = makeData(pg, s, n, 1);
    const te = makeData(pg, s, TEST_POINTS, 2);
    this.n = n;
    this.data = { xTrain: tr.x, yTrain: tr.y, xTest: te.x, yTest: te.y };
    this.xTrain = this.keep(pg.tensor(tr.x, [n, 1]));
    this.yTrain = this.keep(pg.tensor(tr.y, [n, 1]));
    this.xTest = this.keep(pg.tensor(te.x, [TEST_POINTS, 1]));
    this.yTest = this.keep(pg.tensor(te.y, [TEST_POINTS, 1]));
    this.curveX = Float32Array.from({ length: CURVE_POINTS }, (_, i) => -1.1 + (2.2 * i) / (CURVE_POINTS - 1));
    this.xCurve = this.keep(pg.tensor(this.curveX, [CURVE_POINTS, 1]));
    this.plain = buildModel(pg, s, 0); // p = 0
    this.drop = buildModel(pg, s, s.rate); // p
    this.epoch = 0;
    this.batch = 0;
    this.order = null;
    this.sums = { plain: 0, drop: 0, rows: 0 };
    // Per epoch: Keras' training loss (batch means, dropout active) and the MSE in inference mode.
    this.history = { loss: [], val_loss: [], plain_loss: [], plain_val_loss: [], train_mse: [], plain_train_mse: [] };
    this.lastStep = null; // {epoch, batch, rows, h1, m1, h2, m2} of the latest step
  }

  get done() {
    return !!this.failure || this.epoch >= this.state.epochs;
  }

  get progress() {
    return { value: this.epoch, total: this.state.epochs, label: 'epochs' };
  }

  mse(model, x, y) {
    const { pg } = this;
    return pg.scope(() => pg.losses.mse(model.predict(x, { batchSize: 4096 }), y).item());
  }

  /** One batch for both networks (the same rows). */
  step() {
    if (this.done) return;
    const { pg } = this;
    const s = this.state;
    if (!this.order) this.order = pg.data.permutation(this.n, s.seed * 1000003 + this.epoch);
    const B = s.batchSize;
    const start = this.batch * B;
    const idx = this.order.subarray(start, Math.min(this.n, start + B));
    const b = idx.length;
    const xb = new Float32Array(b);
    const yb = new Float32Array(b);
    idx.forEach((k, i) => { xb[i] = this.data.xTrain[k]; yb[i] = this.data.yTrain[k]; });
    try {
      pg.scope(() => {
        const x = pg.tensor(xb, [b, 1]);
        const y = pg.tensor(yb, [b, 1]);
        // What reaches each Dropout layer in this step: the hidden outputs at the weights the
        // step starts from (the training forward computes the same hidden1; hidden2's input
        // there is already masked, so the view shows hidden1's numbers for the scaling).
        const acts = this.drop.activations(x);
        const h1 = acts.find((a) => a.name === 'hidden1').output.toArray();
        const hp = this.plain.fit(x, y, { epochs: 1, batchSize: b, shuffle: false });
        const hd = this.drop.fit(x, y, { epochs: 1, batchSize: b, shuffle: false });
        this.sums.plain += hp.history.loss[0] * b;
        this.sums.drop += hd.history.loss[0] * b;
        this.sums.rows += b;
        const m1 = s.rate > 0 ? this.drop.dropoutMask('dropout1').toArray() : new Float32Array(b * s.width).fill(1);
        const m2 = s.rate > 0 ? this.drop.dropoutMask('dropout2').toArray() : new Float32Array(b * s.width).fill(1);
        const kept1 = s.rate > 0 ? pg.mul(pg.tensor(h1, [b, s.width]), pg.tensor(m1, [b, s.width])).toArray() : Float32Array.from(h1);
        this.lastStep = { epoch: this.epoch + 1, batch: this.batch + 1, rows: Array.from(idx), x: Array.from(xb), h1, m1, kept1, m2 };
      });
    } catch (e) {
      if (!(e instanceof pg.PlaygradError)) throw e;
      this.failure = `epoch ${this.epoch + 1}, batch ${this.batch + 1}: ${e.message.replace(/^fit: /, '')}`;
      return;
    }
    this.batch += 1;
    if (start + B >= this.n) this.endEpoch();
  }

  endEpoch() {
    const h = this.history;
    h.loss.push(this.sums.drop / this.sums.rows);
    h.plain_loss.push(this.sums.plain / this.sums.rows);
    h.train_mse.push(this.mse(this.drop, this.xTrain, this.yTrain));
    h.plain_train_mse.push(this.mse(this.plain, this.xTrain, this.yTrain));
    h.val_loss.push(this.mse(this.drop, this.xTest, this.yTest));
    h.plain_val_loss.push(this.mse(this.plain, this.xTest, this.yTest));
    this.epoch += 1;
    this.batch = 0;
    this.order = null;
    this.sums = { plain: 0, drop: 0, rows: 0 };
  }

  setState(state) {
    const changed = Object.keys(state).filter((k) => JSON.stringify(state[k]) !== JSON.stringify(this.state[k]));
    if (!changed.every((k) => k === 'epochs') || this.failure) return false;
    this.state = { ...state };
    return true;
  }

  /** Training-mode forwards of a copy of the p-network (its own generators, from their seeds). */
  samples() {
    const { pg } = this;
    if (this.state.rate === 0) return [];
    // The same weights give the same samples (the copy's generators start from their seeds).
    const key = `${this.epoch}/${this.batch}`;
    if (this.sampled?.key === key) return this.sampled.curves;
    this.sampled = { key, curves: this.drawSamples() };
    return this.sampled.curves;
  }

  drawSamples() {
    const { pg } = this;
    const copy = pg.loadModel(this.drop.save({ includeOptimizer: false }));
    try {
      return pg.scope(() => Array.from({ length: SAMPLES }, () => copy.call(this.xCurve, { training: true }).toArray()));
    } finally {
      copy.dispose();
    }
  }

  snapshot() {
    const { pg } = this;
    const s = this.state;
    const curves = pg.scope(() => ({
      drop: this.drop.predict(this.xCurve, { batchSize: 4096 }).toArray(),
      plain: this.plain.predict(this.xCurve, { batchSize: 4096 }).toArray(),
      truth: pg.sin(pg.mul(this.xCurve, Math.PI)).toArray(),
    }));
    const h = this.history;
    return {
      epoch: this.epoch,
      epochs: s.epochs,
      batch: this.batch,
      rate: s.rate,
      scale: 1 / (1 - s.rate),
      width: s.width,
      history: h,
      last: {
        plainTrain: h.plain_train_mse.at(-1), plainTest: h.plain_val_loss.at(-1),
        dropTrain: h.train_mse.at(-1), dropTest: h.val_loss.at(-1),
      },
      data: this.data,
      curve: { x: this.curveX, ...curves, samples: this.samples() },
      step: this.lastStep,
      params: this.drop.countParams(),
      failure: this.failure,
    };
  }

  result() {
    return {
      epochs: this.epoch,
      stoppedEarly: false,
      rate: this.state.rate,
      history: this.history,
      failure: this.failure,
    };
  }

  dispose() {
    release(this.plain, this.drop);
    this.plain = null;
    this.drop = null;
    super.dispose();
  }
}

export function session(pg, state) {
  return new DropoutSession(pg, state);
}

export function report(r, s) {
  const lines = [
    `dropout: p = ${s.rate} (kept units scaled by 1/(1 − p) = ${fmt(r.scale)}) against p = 0; 1 → ${s.width} → ${s.width} → 1 (tanh), ${r.params} parameters, ${s.points} noisy points, batch ${s.batchSize}, Adam lr ${s.lr}`,
    `epoch ${r.epoch} of ${r.epochs}`,
    `p = 0:    train MSE ${fmt(r.last.plainTrain)}  test MSE ${fmt(r.last.plainTest)}`,
    `p = ${s.rate}:  train MSE ${fmt(r.last.dropTrain)}  test MSE ${fmt(r.last.dropTest)} (inference mode)`,
  ];
  if (r.step && s.rate > 0) {
    const w = s.width;
    const dropped = Array.from(r.step.m1.subarray(0, w)).filter((v) => v === 0).length;
    lines.push(`last step's mask, first example, layer 1: ${dropped} of ${w} units dropped`);
  }
  if (r.failure) lines.push(`stopped: ${r.failure}`);
  return lines;
}

// ---- check yourself -------------------------------------------------------------------------

/** A model that is one Dropout layer over n inputs; its training-mode output on ones, and inference. */
function dropoutOnOnes(pg, p, n, seed) {
  const model = pg.sequential([pg.layers.dropout(p, { seed, name: 'd' })], { inputShape: [n] });
  try {
    return pg.scope(() => {
      const ones = pg.ones([1, n]);
      const train = model.call(ones, { training: true }).toArray();
      const infer = model.predict(pg.mul(ones, 3)).toArray();
      return { train, infer };
    });
  } finally {
    model.dispose();
  }
}

export const exercises = [
  {
    id: 'scale',
    question: (s) => `With p = ${s.rate}, what does a kept unit's value get multiplied by in a training step?`,
    answer: { type: 'number', tolerance: 1e-4 },
    solve(pg, s) {
      const { train } = dropoutOnOnes(pg, s.rate, 1000, 1);
      const kept = Array.from(train).filter((v) => v !== 0);
      return { value: kept[0], working: [`Inverted dropout: $1/(1 - p) = 1/(1 - ${s.rate}) = ${fmt(1 / (1 - s.rate))}$.`,
        `The core's Dropout on 1000 ones: ${kept.length} kept, each ${fmt(kept[0])}; ${1000 - kept.length} are 0.`] };
    },
  },
  {
    id: 'inference',
    question: 'In inference mode, what does a Dropout layer with p = 0.5 output for the input 3?',
    answer: { type: 'number', tolerance: 1e-6 },
    solve(pg) {
      const { infer } = dropoutOnOnes(pg, 0.5, 4, 1);
      return { value: infer[0], working: ['Inference mode runs dropout as the identity (no mask, no scaling): inverted dropout did the scaling during training.', `The core's predict() gives ${fmt(infer[0])}.`] };
    },
  },
  {
    id: 'count',
    question: 'A Dropout layer with p = 0.3 over 1000 units (seed 1): about how many units does one training step drop? (Within 30 of the core\'s count is right.)',
    answer: { type: 'number', tolerance: 30 },
    solve(pg) {
      const { train } = dropoutOnOnes(pg, 0.3, 1000, 1);
      const dropped = Array.from(train).filter((v) => v === 0).length;
      return { value: dropped, working: [`Each unit is dropped with probability 0.3 on its own: expected $0.3 \\cdot 1000 = 300$, standard deviation $\\sqrt{1000 \\cdot 0.3 \\cdot 0.7} \\approx 14.5$.`, `The core's mask for seed 1 drops ${dropped}.`] };
    },
  },
];
