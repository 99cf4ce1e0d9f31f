// Image similarity with twin networks, trained for real on the shipped MNIST digits
// (lessons/digits-data.mjs, 14 × 14). One tower, Dense(hidden) → Dense(2), is applied to both
// digits of a pair through the functional API (pg.model with the same two layer objects called on
// two inputs: one weight set, so the parameter count is one tower's), the distance D between the
// two 2-d embeddings goes into the core's contrastive loss
//   L = y·D² + (1 − y)·max(0, m − D)²      y = 1: the same digit, y = 0: different digits
// and Adam steps on the mean over a batch of pairs (half same, half different, drawn by the core's
// seeded generator). After every epoch the held-out digits (the asset's last HELD_OUT rows, never
// trained on) are embedded, and a fixed set of held-out pairs is judged by "same when D <= τ":
// the ROC curve and AUC (pg.similarity.roc), the counts and accuracy at τ
// (pg.similarity.thresholdCounts) and the nearest neighbours of a query digit
// (pg.similarity.nearest), all from the core (core/src/nn/similarity.cpp). Every epoch's embedding
// is kept, so the view scrubs back to any epoch. This file only moves data around.
import { fmt } from '../format.mjs';
import { digitsNow } from '../digits-data.mjs';
import { LABELS, adamDefaults, conventionOf, initDefaults, pairDistance } from '../convention.mjs';
import { TensorSession, release } from '../session.mjs';

export { text } from './text.mjs';
export { fmt };

export const id = 'siamese';
export const title = 'Image similarity: Siamese networks';
export const summary = 'Twin towers that share one weight set, the contrastive loss with its margin, a 2-d embedding of real digits trained live, distance histograms, a threshold with its accuracy, the ROC curve, and the nearest neighbours of a digit.';

/** The held-out digits: the asset's last HELD_OUT rows (class-balanced), never trained on. */
export const HELD_OUT = 600;
/** Held-out pairs judged after each epoch (half same, half different). */
export const EVAL_PAIRS = 400;
/** Neighbours shown by "find similar". */
export const NEIGHBOURS = 8;
/** Embedding size: 2, so the embedding is drawn as it is. */
export const EMBED = 2;
/** Points of the loss-against-distance curves. */
const CURVE_POINTS = 121;

export const settings = [
  { name: 'digits', type: 'integer', label: 'Training digits', default: 1000, min: 100, max: 2400, step: 100, section: 'Data',
    help: `The first rows of the asset (class-balanced); the last ${HELD_OUT} digits are held out.` },
  { name: 'hidden', type: 'integer', label: 'Tower: hidden units', default: 64, min: 4, max: 128, step: 4, section: 'Twin towers' },
  { name: 'activation', type: 'choice', label: 'Tower: activation', default: 'relu', section: 'Twin towers',
    options: [{ value: 'relu', label: 'ReLU' }, { value: 'tanh', label: 'tanh' }] },
  { name: 'margin', type: 'number', label: 'Margin m', default: 1, min: 0.1, max: 5, step: 0.05, section: 'Contrastive loss',
    help: 'Different pairs closer than m are pushed apart; beyond m they cost nothing. Changes take effect from the next batch.' },
  { name: 'lr', type: 'number', label: 'Learning rate (Adam)', default: 0.003, min: 0.0001, max: 0.1, step: 0.0001, section: 'Training' },
  { name: 'batch', type: 'integer', label: 'Pairs per batch', default: 32, min: 4, max: 256, step: 2, section: 'Training' },
  { name: 'epochs', type: 'integer', label: 'Epochs', default: 8, min: 1, max: 100, section: 'Training' },
  { name: 'seed', type: 'integer', label: 'Seed', default: 1, min: 0, max: 999999, section: 'Training' },
  { name: 'threshold', type: 'number', label: 'Threshold τ (same when D ≤ τ)', default: 0.5, min: 0, max: 5, step: 0.01, section: 'Judging pairs' },
  { name: 'query', type: 'integer', label: 'Find similar to held-out digit #', default: 1, min: 1, max: HELD_OUT, section: 'Judging pairs',
    help: 'Or click a digit in the embedding, or draw one.' },
];

/** A short run for the robustness tests and the CLI's quick checks. */
export const quickSettings = { epochs: 1, digits: 100 };

/** Settings a running session takes in place (the rest make a new session). */
const IN_PLACE = new Set(['margin', 'lr', 'epochs', 'threshold', 'query']);

// ---- the network and the distance -------------------------------------------------------------

/**
 * The twins: two inputs, one tower (the same two layer objects applied to both), two embeddings.
 * Initialized as the convention's framework would (Glorot + zero bias, or PyTorch's U(±1/√fan_in)).
 */
export function buildTwins(pg, s, side = 14) {
  const L = pg.layers;
  const ini = initDefaults(s);
  const hidden = L.dense(s.hidden, { activation: s.activation, kernelInitializer: ini.kernel, biasInitializer: ini.bias, name: 'tower_hidden' });
  const embed = L.dense(EMBED, { activation: 'linear', kernelInitializer: ini.kernel, biasInitializer: ini.bias, name: 'tower_embedding' });
  const a = L.input([side * side], { name: 'digit_a' });
  const b = L.input([side * side], { name: 'digit_b' });
  return pg.model({ inputs: [a, b], outputs: [embed(hidden(a)), embed(hidden(b))], seed: s.seed });
}

/** One tower's parameter count (what the twins hold: the weights exist once). */
export const towerParams = (s, side = 14) => side * side * s.hidden + s.hidden + s.hidden * EMBED + EMBED;

/**
 * D per row of two embeddings [n, dim] (Tensors; the result keeps the graph), as the convention
 * writes it (lessons/convention.mjs pairDistance): Keras √max(Σ(a − b)², ε), PyTorch ‖a − b + ε‖₂.
 * max(s, ε) is written relu(s − ε) + ε (the same value and slope).
 */
export function pairDistances(pg, ea, eb, state) {
  const pd = pairDistance(state);
  if (pd.rule === 'max') {
    const d = pg.sub(ea, eb);
    const s2 = pg.sum(pg.mul(d, d), 1);
    return pg.sqrt(pg.add(pg.relu(pg.sub(s2, pd.epsilon)), pd.epsilon));
  }
  const d = pg.add(pg.sub(ea, eb), pd.epsilon);
  return pg.sqrt(pg.sum(pg.mul(d, d), 1));
}

/** The contrastive loss L(D) for a similar and a dissimilar pair on a grid of D in [0, dMax] (the core's loss). */
export function lossCurves(pg, margin, dMax) {
  if (!(dMax > 0) || !Number.isFinite(dMax)) throw new pg.PlaygradError(`siamese: the curves' largest distance must be a finite number > 0, got ${dMax}`);
  return pg.scope(() => {
    const d = Float32Array.from({ length: CURVE_POINTS }, (_, i) => (dMax * i) / (CURVE_POINTS - 1));
    const D = pg.tensor(d);
    const same = pg.losses.contrastive(D, pg.ones([CURVE_POINTS]), { margin, reduction: 'none' }).toArray();
    const diff = pg.losses.contrastive(D, pg.zeros([CURVE_POINTS]), { margin, reduction: 'none' }).toArray();
    return { d: Array.from(d), same: Array.from(same), different: Array.from(diff) };
  });
}

/** Per-pair losses of distances d (plain numbers) with labels y at margin m (the core's loss). */
export function pairLosses(pg, d, y, margin) {
  return pg.scope(() => Array.from(pg.losses.contrastive(pg.tensor(Float32Array.from(d)), pg.tensor(Float32Array.from(y)), { margin, reduction: 'none' }).toArray()));
}

/** Checks a drawn digit (side² grey levels in [0, 1]); throws a readable PlaygradError when it cannot be used. */
export function checkDrawing(pg, pixels, side = 14) {
  if (!pixels || typeof pixels.length !== 'number' || pixels.length !== side * side) {
    throw new pg.PlaygradError(`find similar: the drawing must be ${side} × ${side} = ${side * side} grey levels, got ${pixels?.length ?? 'none'}`);
  }
  let ink = 0;
  for (const v of pixels) {
    if (!Number.isFinite(v) || v < 0 || v > 1) throw new pg.PlaygradError(`find similar: a grey level must be in [0, 1], got ${v}`);
    ink += v;
  }
  if (ink === 0) throw new pg.PlaygradError('find similar: the drawing is empty: draw a digit first');
}

/**
 * The drawing as the tower's input: either args.pixels (side² grey levels, already prepared) or
 * the pad's ink args.image of args.height × args.width, prepared by the core as MNIST's digits were
 * (pg.vision.prepareDigit: box to 20 px, centre of mass to the middle, 2 × 2 means to 14 × 14).
 */
export function prepareDrawing(pg, args, side = 14) {
  if (args?.image !== undefined) {
    let prepared;
    try {
      prepared = pg.vision.prepareDigit(args.image, { height: args.height, width: args.width, size: side });
    } catch (e) {
      if (!(e instanceof pg.PlaygradError)) throw e;
      throw new pg.PlaygradError(`find similar: ${e.message}`);
    }
    checkDrawing(pg, prepared.image, side);
    return Float32Array.from(prepared.image);
  }
  checkDrawing(pg, args?.pixels, side);
  return Float32Array.from(args.pixels);
}

// ---- pairs ---------------------------------------------------------------------------------------

/** Rows of each class among rows [from, from + n) of the labels. */
function rowsByClass(labels, from, n) {
  const by = Array.from({ length: 10 }, () => []);
  for (let i = from; i < from + n; i++) by[labels[i]].push(i);
  return by;
}

/**
 * Pairs for the anchors: pair i is "same" when i is even, else "different". The partner is drawn
 * from u (uniform numbers in [0, 1) from the core's generator, two per pair): a same pair takes
 * another row of the anchor's class, a different pair another class (uniform among the nine),
 * then a row of it.
 */
function drawPartners(anchors, labels, byClass, u) {
  const partners = new Int32Array(anchors.length);
  const same = new Float32Array(anchors.length);
  anchors.forEach((a, i) => {
    const c = labels[a];
    const isSame = i % 2 === 0;
    const cls = isSame ? c : (c + 1 + Math.min(8, Math.floor(u[2 * i] * 9))) % 10;
    const rows = byClass[cls];
    let k = Math.min(rows.length - 1, Math.floor(u[2 * i + 1] * rows.length));
    if (isSame && rows[k] === a && rows.length > 1) k = (k + 1) % rows.length;
    partners[i] = rows[k];
    same[i] = isSame ? 1 : 0;
  });
  return { partners, same };
}

const mix = (...v) => (v.reduce((h, x) => ((Math.imul(h ^ (x >>> 0), 2654435761) >>> 0) ^ (h >>> 15)) >>> 0, 2166136261) % 2147483647);

// ---- the session ----------------------------------------------------------------------------------

class SiameseSession extends TensorSession {
  constructor(pg, state, previous) {
    super(pg, state);
    this.loading = true;
    this.epoch = 0;
    this.batch = 0;
    this.order = null;
    this.records = [];  // per epoch (0 = before training): {epoch, embedding, evalD, trainLoss, heldLoss}
    this.view = null;   // the epoch shown (null: the newest)
    this.lastBatch = null;
    this.drawing = previous?.drawing ?? null;  // a drawn digit survives a settings change
    this.drawingVersion = 0;
    this.build(() => {
      this.model = buildTwins(pg, state);
      this.params = this.model.parameters();
      const ad = adamDefaults(state);
      this.opt = pg.optim.adam(this.params, { lr: state.lr, epsilon: ad.epsilon, epsilonOn: ad.epsilonOn });
      this.tryData();
    });
  }

  tryData() {
    const d = this.dataNow(digitsNow, 'siamese');
    if (!d) return;
    const { pg } = this;
    const s = this.state;
    this.side = d.side;
    this.px = d.side * d.side;
    this.digits = d;
    this.nTrain = Math.min(s.digits, d.count - HELD_OUT);
    this.heldFrom = d.count - HELD_OUT;
    this.labels = d.labels;
    this.trainByClass = rowsByClass(d.labels, 0, this.nTrain);
    this.heldByClass = rowsByClass(d.labels, this.heldFrom, HELD_OUT);
    this.heldLabels = Array.from(d.labels.subarray(this.heldFrom));
    this.xHeld = this.keep(pg.tensor(this.rowsOf(Array.from({ length: HELD_OUT }, (_, i) => this.heldFrom + i)), [HELD_OUT, this.px]));
    // The held-out pairs, fixed for the whole run (indices into the held-out digits).
    const anchors = Array.from({ length: EVAL_PAIRS }, (_, i) => this.heldFrom + (i % HELD_OUT));
    const u = pg.scope(() => pg.rand([2 * EVAL_PAIRS], mix(s.seed, 7777)).toArray());
    const { partners, same } = drawPartners(anchors, d.labels, this.heldByClass, u);
    this.evalA = Int32Array.from(anchors, (r) => r - this.heldFrom);
    this.evalB = Int32Array.from(partners, (r) => r - this.heldFrom);
    this.evalSame = same;
    this.loading = false;
    this.record(NaN);
  }

  /** Grey levels in [0, 1] of asset rows, row after row. */
  rowsOf(rows) {
    const x = new Float32Array(rows.length * this.px);
    rows.forEach((r, i) => {
      const src = this.digits.pixels.subarray(r * this.px, (r + 1) * this.px);
      for (let j = 0; j < this.px; j++) x[i * this.px + j] = src[j] / 255;
    });
    return x;
  }

  get batches() { return Math.ceil(this.nTrain / this.state.batch); }
  get done() { return !!this.failure || (!this.loading && this.epoch >= this.state.epochs); }
  get progress() {
    if (this.loading) return { value: 0, total: 1, label: 'loading the MNIST digits' };
    return { value: Math.min(this.state.epochs, this.epoch + this.batch / this.batches), total: this.state.epochs, label: 'epochs' };
  }

  /** Embeds x [n, px] with the tower (both inputs get x; the twins' first output). */
  embed(x) {
    const { pg } = this;
    return pg.noGrad(() => this.model.call([x, x])[0]);
  }

  /** After each epoch (and before the first): the held-out embedding and the held-out pairs' distances. */
  record(trainLoss) {
    const { pg } = this;
    const s = this.state;
    const r = pg.scope(() => {
      const e = this.embed(this.xHeld);
      const emb = e.toArray();
      const rows = (idx) => {
        const out = new Float32Array(idx.length * EMBED);
        idx.forEach((k, i) => out.set(emb.subarray(k * EMBED, (k + 1) * EMBED), i * EMBED));
        return pg.tensor(out, [idx.length, EMBED]);
      };
      const D = pairDistances(pg, rows(this.evalA), rows(this.evalB), s);
      const held = pg.losses.contrastive(D, pg.tensor(this.evalSame), { margin: s.margin }).item();
      return { embedding: emb, evalD: D.toArray(), heldLoss: held };
    });
    this.records.push({ epoch: this.epoch, trainLoss, margin: s.margin, ...r, auc: pg.similarity.roc(r.evalD, this.evalSame).auc });
  }

  step() {
    if (this.done) return;
    if (this.loading) {
      this.tryData();
      if (this.loading || this.done) return;
    }
    const { pg } = this;
    const s = this.state;
    if (!this.order) {
      this.order = pg.data.permutation(this.nTrain, mix(s.seed, this.epoch));
      this.epochLoss = 0;
      this.epochPairs = 0;
    }
    const start = this.batch * s.batch;
    const anchors = Array.from(this.order.subarray(start, Math.min(this.nTrain, start + s.batch)));
    const u = pg.scope(() => pg.rand([2 * anchors.length], mix(s.seed, this.epoch, this.batch, 1)).toArray());
    const { partners, same } = drawPartners(anchors, this.labels, this.trainByClass, u);
    const n = anchors.length;
    let out;
    try {
      out = pg.scope(() => {
        const xa = pg.tensor(this.rowsOf(anchors), [n, this.px]);
        const xb = pg.tensor(this.rowsOf(Array.from(partners)), [n, this.px]);
        const [ea, eb] = this.model.call([xa, xb], { training: true });
        const D = pairDistances(pg, ea, eb, s);
        const loss = pg.losses.contrastive(D, pg.tensor(same), { margin: s.margin });
        const value = loss.item();
        if (!Number.isFinite(value)) return { value, d: null };
        this.opt.zeroGrad();
        loss.backward();
        this.opt.step();
        const d = D.toArray();
        return { value, d, per: pg.losses.contrastive(D.detach(), pg.tensor(same), { margin: s.margin, reduction: 'none' }).toArray(), ea: ea.toArray().slice(0, 2), eb: eb.toArray().slice(0, 2) };
      });
    } catch (e) {
      if (!(e instanceof pg.PlaygradError)) throw e;
      this.failure = `epoch ${this.epoch + 1}, batch ${this.batch + 1}: ${e.message}`;
      return;
    }
    if (!Number.isFinite(out.value)) {
      this.failure = `epoch ${this.epoch + 1}, batch ${this.batch + 1}: the loss is ${out.value} (lower the learning rate)`;
      return;
    }
    this.lastBatch = {
      epoch: this.epoch, batch: this.batch, loss: out.value, margin: s.margin,
      d: Array.from(out.d), same: Array.from(same), per: Array.from(out.per),
      first: { a: anchors[0], b: partners[0], labelA: this.labels[anchors[0]], labelB: this.labels[partners[0]],
        ea: Array.from(out.ea), eb: Array.from(out.eb),
        pixelsA: Array.from(this.digits.pixels.subarray(anchors[0] * this.px, (anchors[0] + 1) * this.px)),
        pixelsB: Array.from(this.digits.pixels.subarray(partners[0] * this.px, (partners[0] + 1) * this.px)) },
    };
    this.epochLoss += out.value * n;
    this.epochPairs += n;
    this.batch += 1;
    if (start + s.batch >= this.nTrain) {
      this.epoch += 1;
      this.batch = 0;
      this.order = null;
      this.record(this.epochLoss / this.epochPairs);
    }
  }

  setState(state) {
    const changed = Object.keys(state).filter((k) => JSON.stringify(state[k]) !== JSON.stringify(this.state[k]));
    if (!changed.every((k) => IN_PLACE.has(k)) || this.failure) return false;
    this.state = { ...state };
    this.opt.lr = state.lr;
    return true;
  }

  command(name, args = {}) {
    if (name === 'scrub') {
      const e = Number(args.epoch);
      if (!Number.isInteger(e) || e < 0 || e >= this.records.length) throw new this.pg.PlaygradError(`siamese: no epoch ${args.epoch} to show (0 to ${this.records.length - 1})`);
      this.view = e === this.records.length - 1 ? null : e;
      return true;
    }
    if (name === 'load') {  // the view asks while the digits are on their way (no training)
      if (this.loading) this.tryData();
      return true;
    }
    if (name === 'draw') {
      if (args.pixels === null) {
        this.drawing = null;
        this.drawingVersion += 1;
        return true;
      }
      this.drawing = prepareDrawing(this.pg, args, this.side ?? 14);
      this.drawingVersion += 1;
      return true;
    }
    throw new this.pg.PlaygradError(`siamese: unknown command '${name}'`);
  }

  /** The neighbours of the query (a held-out digit, or the drawing) in the shown epoch's embedding. */
  neighbours(rec) {
    // Cached: the shown epoch's embedding changes only at an epoch's end (or a scrub).
    const key = `${rec.epoch}/${this.records.length}/${this.state.query}/${this.drawingVersion}`;
    if (this.nbCache?.key !== key) this.nbCache = { key, value: this.findNeighbours(rec) };
    return this.nbCache.value;
  }

  findNeighbours(rec) {
    const { pg } = this;
    const s = this.state;
    const emb = rec.embedding;
    const pts = pg.tensor(emb, [HELD_OUT, EMBED]);
    try {
      let q;
      let skip = -1;
      let drawn = false;
      if (this.drawing && rec === this.records.at(-1)) {
        q = pg.scope(() => this.embed(pg.tensor(this.drawing, [1, this.px])).toArray());
        drawn = true;
      } else {
        skip = s.query - 1;
        q = emb.slice(skip * EMBED, (skip + 1) * EMBED);
      }
      const nb = pg.similarity.nearest(pts, [Array.from(q)], NEIGHBOURS + (skip >= 0 ? 1 : 0));
      const list = [];
      nb.index.forEach((k, i) => {
        if (k !== skip && list.length < NEIGHBOURS) list.push({ index: k, label: this.heldLabels[k], distance: nb.distance[i], pixels: this.heldPixels(k) });
      });
      return { drawn, query: drawn ? null : skip, queryLabel: drawn ? null : this.heldLabels[skip], queryPixels: drawn ? null : this.heldPixels(skip),
        queryEmbedding: Array.from(q), list, sameClass: drawn ? null : list.filter((n) => n.label === this.heldLabels[skip]).length };
    } finally {
      pts.dispose();
    }
  }

  heldPixels(k) {
    const r = this.heldFrom + k;
    return Array.from(this.digits.pixels.subarray(r * this.px, (r + 1) * this.px));
  }

  /** The judged numbers of one epoch's record at the state's threshold (ROC, AUC, counts: the core). */
  judge(rec) {
    const key = `${rec.epoch}/${this.state.threshold}`;
    if (rec.judgedCache?.key !== key) rec.judgedCache = { key, value: this.judgeNow(rec) };
    return rec.judgedCache.value;
  }

  judgeNow(rec) {
    const { pg } = this;
    const roc = pg.similarity.roc(rec.evalD, this.evalSame);
    const at = pg.similarity.thresholdCounts(rec.evalD, this.evalSame, this.state.threshold);
    // The threshold with the best accuracy on these pairs (one of the ROC's thresholds).
    let best = { threshold: 0, accuracy: -1 };
    const P = roc.positives;
    const N = roc.negatives;
    roc.thresholds.forEach((t, i) => {
      const acc = (roc.tpr[i + 1] * P + (1 - roc.fpr[i + 1]) * N) / (P + N);
      if (acc > best.accuracy) best = { threshold: t, accuracy: acc };
    });
    return { auc: roc.auc, fpr: Array.from(roc.fpr), tpr: Array.from(roc.tpr), thresholds: Array.from(roc.thresholds), counts: at, best };
  }

  snapshot() {
    const s = this.state;
    const base = { loading: this.loading, epoch: this.epoch, epochs: s.epochs, failure: this.failure, params: this.model ? this.model.countParams() : 0,
      towerParams: towerParams(s, this.side ?? 14), distance: pairDistance(s), convention: LABELS[conventionOf(s)] };
    if (this.loading) return { ...base, curves: lossCurves(this.pg, s.margin, 2 * s.margin) };
    const rec = this.view === null ? this.records.at(-1) : this.records[this.view];
    const lb = this.lastBatch;
    // The curves' range: up to 2m or the batch's largest D, rounded up to 0.5 (cached: it rarely moves).
    const dMax = Math.ceil(Math.max(2 * s.margin, ...(lb ? lb.d : [0])) * 1.05 * 2) / 2;
    const ckey = `${s.margin}/${dMax}`;
    if (this.curveCache?.key !== ckey) this.curveCache = { key: ckey, value: lossCurves(this.pg, s.margin, dMax) };
    return {
      ...base,
      nTrain: this.nTrain,
      batches: this.batches,
      batch: this.batch,
      side: this.side,
      shown: rec.epoch,
      newest: this.records.length - 1,
      history: {
        loss: this.records.slice(1).map((r) => r.trainLoss),
        val_loss: this.records.slice(1).map((r) => r.heldLoss),
      },
      aucs: this.records.map((r) => r.auc),
      embedding: rec.embedding,
      labels: this.heldLabels,
      evalD: Array.from(rec.evalD),
      evalSame: Array.from(this.evalSame),
      judged: this.judge(rec),
      curves: this.curveCache.value,
      // The last batch's pairs on the curves, their losses at the margin now (the core's loss).
      batchPairs: lb ? { d: lb.d, same: lb.same, loss: pairLosses(this.pg, lb.d, lb.same, s.margin), epoch: lb.epoch, batch: lb.batch } : null,
      first: lb ? lb.first : null,
      neighbours: this.neighbours(rec),
      drawing: this.drawing ? Array.from(this.drawing) : null,
    };
  }

  result() {
    if (this.loading) return { epochs: 0, history: { loss: [], val_loss: [], auc: [] }, stoppedEarly: false, failure: this.failure };
    const judged = this.records.map((r) => this.judge(r));
    const last = judged.at(-1);
    return {
      epochs: this.epoch,
      epochsRun: this.epoch,
      stoppedEarly: false,
      trainDigits: this.nTrain,
      heldOut: HELD_OUT,
      evalPairs: EVAL_PAIRS,
      parameters: this.model.countParams(),
      towerParameters: towerParams(this.state, this.side),
      history: {
        loss: this.records.slice(1).map((r) => r.trainLoss),
        val_loss: this.records.slice(1).map((r) => r.heldLoss),
        auc: judged.slice(1).map((j) => j.auc),
      },
      aucBefore: judged[0].auc,
      auc: last.auc,
      threshold: this.state.threshold,
      counts: last.counts,
      best: last.best,
      distance: pairDistance(this.state).formula,
      failure: this.failure,
    };
  }

  dispose() {
    for (const t of this.params ?? []) t.dispose();
    this.params = [];
    release(this.opt, this.model);
    this.model = null;
    super.dispose();
  }
}

/** The training engine for the state (previous: the session it replaces; its drawing carries over). */
export function session(pg, state, previous = null) {
  return new SiameseSession(pg, state, previous);
}

/** Terminal lines (from snapshot() or result()). */
export function report(r, s) {
  const lines = [`siamese: twin towers 196 → ${s.hidden} (${s.activation}) → ${EMBED}, one shared weight set (${towerParams(s)} parameters, not ${2 * towerParams(s)}); contrastive loss, margin m = ${s.margin}; Adam lr ${s.lr}, ${s.batch} pairs per batch`];
  if (r.loading) return [...lines, 'loading the MNIST digits'];
  const hist = r.history ?? { loss: [] };
  lines.push(`epochs run: ${r.epochs ?? r.epoch} of ${s.epochs}; ${r.trainDigits ?? r.nTrain} training digits, ${HELD_OUT} held out, ${EVAL_PAIRS} held-out pairs judged`);
  lines.push(`distance (${r.distance?.formula ?? r.distance}); contrastive L = y·D² + (1 − y)·max(0, m − D)², y = 1 for the same digit`);
  if (hist.loss.length) lines.push(`training loss per epoch: ${hist.loss.map((v) => fmt(v)).join(', ')}`);
  const j = r.judged ?? { auc: r.auc, counts: r.counts, best: r.best };
  if (j.auc !== undefined) {
    lines.push(`held-out pairs: AUC ${fmt(j.auc)}; at τ = ${s.threshold}: accuracy ${fmt(j.counts.accuracy)} (TP ${j.counts.tp}, FP ${j.counts.fp}, TN ${j.counts.tn}, FN ${j.counts.fn}); best τ on these pairs ${fmt(j.best.threshold)} (accuracy ${fmt(j.best.accuracy)})`);
  }
  if (r.neighbours && !r.neighbours.drawn) {
    lines.push(`nearest neighbours of held-out digit #${s.query} (a ${r.neighbours.queryLabel}): ${r.neighbours.list.map((n) => n.label).join(' ')} (${r.neighbours.sameClass} of ${r.neighbours.list.length} the same digit)`);
  }
  if (r.failure) lines.push(`stopped: ${r.failure}`);
  return lines;
}

// ---- check yourself -------------------------------------------------------------------------

const lossAt = (pg, d, y, m) => pg.scope(() => pg.losses.contrastive(pg.tensor([d]), pg.tensor([y]), { margin: m }).item());

export const exercises = [
  {
    id: 'different-inside-margin',
    question: (s) => `A pair of *different* digits (y = 0) sits at distance D = 0.4, with the margin m = ${s.margin}. What is its contrastive loss?`,
    answer: { type: 'number', tolerance: 1e-4 },
    solve(pg, s) {
      const v = lossAt(pg, 0.4, 0, s.margin);
      return { value: v, working: [s.margin > 0.4
        ? `y = 0, so only the second term counts: $\\max(0, m - D)^2 = (${s.margin} - 0.4)^2 = ${fmt(v)}$ (the core's contrastive loss).`
        : `y = 0 and D = 0.4 ≥ m = ${s.margin}: $\\max(0, m - D) = 0$, the pair is already far enough apart and costs ${fmt(v)} (the core).`] };
    },
  },
  {
    id: 'same-gradient',
    question: 'A pair of the *same* digit (y = 1) sits at D = 0.8. What is ∂L/∂D, the push that pulls it together?',
    answer: { type: 'number', tolerance: 1e-4 },
    solve(pg, s) {
      const g = pg.scope(() => {
        const D = pg.tensor([0.8], undefined, { requiresGrad: true });
        pg.losses.contrastive(D, pg.tensor([1]), { margin: s.margin }).backward();
        return D.grad.toArray()[0];
      });
      return { value: g, working: ['y = 1: $L = D^2$, so $\\partial L / \\partial D = 2D = 1.6$ whatever the margin.', `The core's autograd gives ${fmt(g)}.`] };
    },
  },
  {
    id: 'auc-by-hand',
    question: 'Same pairs at D = 0.2 and 0.5, different pairs at D = 0.3, 0.5 and 0.9. What is the ROC curve\'s AUC?',
    answer: { type: 'number', tolerance: 1e-3 },
    solve(pg) {
      const r = pg.similarity.roc([0.2, 0.5, 0.3, 0.5, 0.9], [1, 1, 0, 0, 0]);
      return { value: r.auc, working: ['AUC is the share of (same, different) pairs in the right order, a tie counting half.',
        '0.2 beats 0.3, 0.5 and 0.9 (3); 0.5 beats 0.9 (1), ties 0.5 (½) and loses to 0.3 (0): 4.5 of 6.',
        `$4.5 / 6 = 0.75$; the core's ROC by trapezoids gives ${fmt(r.auc)}.`] };
    },
  },
];
