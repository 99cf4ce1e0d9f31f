// Hyperparameter tuning: grid search, random search and successive halving race on the same
// budget, training real networks on real MNIST digits (lessons/digits-data.mjs). This module is
// the pure part (no DOM): the settings, and session(pg, state), the race as a training session
// (lessons/README.md, "Training lessons"): the page runs it in its training worker, the CLI runs it
// to the end (npx playgrad lesson tuning --json), Node tests drive it.
//
// Every draw comes from the core's seeded generator (pg.search, core/src/nn/search.cpp), one
// stream per axis, so the same seed gives the same trials in Node, the page and the CLI, and
// successive halving's first n configurations are random search's n trials. Every number shown
// comes from the core: training is model.fit() one batch at a time (one step of the session), the
// score is model.evaluate()'s accuracy on held-out digits, the spread across executions is the
// core's mean and standard deviation. This file only schedules: which trial trains next, which
// trials a rung of successive halving keeps.
import { fmt } from '../format.mjs';
import { batchNormDefaults } from '../convention.mjs';
import { digitsNow } from '../digits-data.mjs';
import { TensorSession, release } from '../session.mjs';

export { text } from './text.mjs';
export { fmt };

export const id = 'tuning';
export const title = 'Hyperparameter tuning';
export const summary = 'Grid search, random search and successive halving race on the same budget, training real networks on MNIST digits: log sampling, executions per trial, the best so far.';

export const STRATEGIES = ['grid', 'random', 'halving'];
export const STRATEGY_LABEL = { grid: 'Grid search', random: 'Random search', halving: 'Successive halving' };
/** Successive halving keeps the best 1/ETA of each rung and trains them ETA times longer. */
export const ETA = 3;
export const BATCH = 32;
/** The held-out digits: the last VALIDATION rows of the asset (never trained on). */
export const VALIDATION = 600;
export const ACTIVATIONS = ['tanh', 'relu'];
const MAX_UNITS = 128;
const MAX_LAYERS = 4;

// ---- the search space -----------------------------------------------------------------------

/** "a, b" -> ['a', 'b']; '' -> []; null when an item is not allowed (or repeats). */
export function parseList(text, valid) {
  const t = String(text).trim();
  if (t === '') return [];
  const parts = t.split(',').map((p) => p.trim());
  if (!parts.every(valid) || new Set(parts).size !== parts.length) return null;
  return parts;
}
const isInt = (lo, hi) => (p) => /^\d+$/.test(p) && Number(p) >= lo && Number(p) <= hi;
export const parseLayers = (t) => parseList(t, isInt(1, MAX_LAYERS))?.map(Number) ?? null;
export const parseUnits = (t) => parseList(t, isInt(1, MAX_UNITS))?.map(Number) ?? null;
export const parseActivations = (t) => parseList(t, (p) => ACTIVATIONS.includes(p));
export const parseBatchNorm = (t) => parseList(t, (p) => p === 'off' || p === 'on')?.map((p) => p === 'on') ?? null;

export const settings = [
  { name: 'strategy', type: 'choice', label: 'Search', default: 'race', options: [
    { value: 'race', label: 'Race all three on the same budget' }, { value: 'grid', label: 'Grid search' },
    { value: 'random', label: 'Random search' }, { value: 'halving', label: 'Successive halving' }] },
  { name: 'trials', type: 'integer', label: 'Trials (the budget: trials × epochs)', default: 9, min: 1, max: 36,
    help: 'Grid search uses a ⌊√n⌋ × ⌊n / ⌊√n⌋⌋ grid of learning rate × λ; successive halving spends the same epochs on more, shorter trials.' },
  { name: 'epochs', type: 'integer', label: 'Epochs per trial', default: 3, min: 1, max: 27 },
  { name: 'executions', type: 'integer', label: 'Executions per trial', default: 2, min: 1, max: 5,
    help: 'Each trial is trained this many times from different seeds (initial weights and batch order); its score is the mean.' },
  { name: 'digits', type: 'integer', label: 'Training digits', default: 600, min: 100, max: 2400, step: 100,
    help: `The first rows of the asset (class-balanced); the last ${VALIDATION} digits are the validation set.` },
  { name: 'lrMin', type: 'number', label: 'Learning rate from', default: 0.001, min: 1e-5, max: 10, step: 1e-5 },
  { name: 'lrMax', type: 'number', label: 'Learning rate to', default: 1, min: 1e-5, max: 10, step: 1e-5 },
  { name: 'lrScale', type: 'choice', label: 'Learning-rate sampling', default: 'log', options: [
    { value: 'log', label: 'Log (uniform in log lr)' }, { value: 'linear', label: 'Linear (uniform in lr)' }] },
  { name: 'l2Min', type: 'number', label: 'L2 λ from', default: 0.00001, min: 0.000001, max: 1, step: 0.000001 },
  { name: 'l2Max', type: 'number', label: 'L2 λ to', default: 0.01, min: 0.000001, max: 1, step: 0.000001 },
  { name: 'layers', type: 'text', label: 'Hidden layers (choices)', default: '1,2', maxLength: 20,
    check: (t) => (parseLayers(t) ? null : `distinct counts from 1 to ${MAX_LAYERS}, comma-separated`) },
  { name: 'units', type: 'text', label: 'Units per layer (choices)', default: '16,32', maxLength: 40,
    check: (t) => (parseUnits(t) ? null : `distinct widths from 1 to ${MAX_UNITS}, comma-separated`) },
  { name: 'activations', type: 'text', label: 'Activations (choices)', default: 'tanh,relu', maxLength: 20,
    check: (t) => (parseActivations(t) ? null : `distinct names from ${ACTIVATIONS.join(', ')}, comma-separated`) },
  { name: 'batchNorm', type: 'text', label: 'Batch norm (choices)', default: 'off,on', maxLength: 10,
    check: (t) => (parseBatchNorm(t) ? null : 'off, on, or off,on') },
  { name: 'seed', type: 'integer', label: 'Seed', default: 1, min: 0, max: 99999 },
];

/**
 * The search space of the state: { axes, problem }. problem: a sentence when the space is empty
 * (an axis with no choice, a range with nothing in it), else null.
 */
export function searchSpace(s) {
  const choices = {
    layers: parseLayers(s.layers), units: parseUnits(s.units),
    activation: parseActivations(s.activations), batchNorm: parseBatchNorm(s.batchNorm),
  };
  const names = { layers: 'hidden layers', units: 'units per layer', activation: 'activations', batchNorm: 'batch norm' };
  for (const [k, v] of Object.entries(choices)) {
    if (v === null) return { problem: `The search space is not valid: the ${names[k]} list '${s[k === 'activation' ? 'activations' : k]}' is not a list of allowed choices.` };
    if (v.length === 0) return { problem: `The search space is empty: the ${names[k]} list has no choice. Give it at least one (e.g. ${{ layers: '1', units: '16', activation: 'relu', batchNorm: 'off' }[k]}).` };
  }
  if (!(s.lrMin < s.lrMax)) return { problem: `The search space is empty: the learning-rate range [${s.lrMin}, ${s.lrMax}] has nothing in it (the lower end must be below the upper one).` };
  if (!(s.l2Min < s.l2Max)) return { problem: `The search space is empty: the L2 λ range [${s.l2Min}, ${s.l2Max}] has nothing in it (the lower end must be below the upper one).` };
  return {
    problem: null,
    lr: { lo: s.lrMin, hi: s.lrMax, scale: s.lrScale },
    l2: { lo: s.l2Min, hi: s.l2Max, scale: 'log' },
    choices,
  };
}

/** Grid search's shape for n trials: rows (learning rates) × columns (λ), rows·cols <= n. */
export function gridShape(n) {
  const rows = Math.max(1, Math.floor(Math.sqrt(n)));
  return { rows, cols: Math.max(1, Math.floor(n / rows)) };
}

/** Successive halving's rungs (epochs trained by the end of each) for a trial length of E epochs: ..., E/9, E/3, E. */
export function rungs(E) {
  const out = [];
  for (let r = E; r >= 1; r = Math.floor(r / ETA)) out.unshift(r);
  return out;
}

/** Epochs successive halving spends (per execution) starting with n0 configurations. */
export function halvingCost(n0, E) {
  const rs = rungs(E);
  let n = n0, prev = 0, cost = 0;
  for (const r of rs) {
    cost += n * (r - prev);
    prev = r;
    n = Math.ceil(n / ETA);
  }
  return cost;
}

/** How many configurations successive halving starts with on a budget of n trials × E epochs. */
export function halvingStart(n, E) {
  let n0 = n;
  while (halvingCost(n0 + 1, E) <= n * E) n0 += 1;
  return n0;
}

/**
 * The configurations each strategy tries, all drawn by the core: grid search on pg.search.grid
 * (learning rate × λ; the other axes at their first choice), random search and successive
 * halving on pg.search.sample / pg.search.choice with one stream per axis (successive halving's
 * first n are random search's n). Returns { grid: [...], random: [...], halving: [...] } of
 * { lr, l2, layers, units, activation, batchNorm } (+ row, col for the grid).
 */
export function drawTrials(pg, s, space = searchSpace(s)) {
  if (space.problem) throw new pg.PlaygradError(`tuning: ${space.problem}`);
  const { rows, cols } = gridShape(s.trials);
  const lrs = pg.search.grid(space.lr, rows);
  const l2s = pg.search.grid(space.l2, cols);
  const c = space.choices;
  const grid = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      grid.push({ lr: lrs[i], l2: l2s[j], layers: c.layers[0], units: c.units[0], activation: c.activation[0], batchNorm: c.batchNorm[0], row: i, col: j });
    }
  }
  const random = (n) => {
    const lr = pg.search.sample(space.lr, n, s.seed, 1);
    const l2 = pg.search.sample(space.l2, n, s.seed, 2);
    const pick = (list, stream) => Array.from(pg.search.choice(list.length, n, s.seed, stream), (k) => list[k]);
    const layers = pick(c.layers, 3), units = pick(c.units, 4), act = pick(c.activation, 5), bn = pick(c.batchNorm, 6);
    return Array.from({ length: n }, (_, k) => ({ lr: lr[k], l2: l2[k], layers: layers[k], units: units[k], activation: act[k], batchNorm: bn[k] }));
  };
  return { grid, random: random(s.trials), halving: random(halvingStart(s.trials, s.epochs)) };
}

/** A race small enough for smoke tests (tests/node/robustness.test.mjs runs the CLI with it). */
export const quickSettings = { trials: 1, epochs: 1, executions: 1, digits: 100 };

/** Which strategies the state runs. */
export const strategiesOf = (s) => (s.strategy === 'race' ? STRATEGIES : [s.strategy]);

/** The seed of one execution of one trial: a function of the seed, the trial and the execution only. */
const executionSeed = (seed, trial, e) => (seed * 100003 + trial * 101 + e * 7919) % 2147483647;

/** The network of a configuration: 196 → [units]·layers → 10, Dense (+ batch norm) + activation, L2 on every kernel. */
export function buildModel(pg, s, cfg, seed, side = 14) {
  const L = pg.layers;
  const reg = { l2: cfg.l2 };
  const bn = batchNormDefaults(s);
  const layers = [];
  for (let i = 0; i < cfg.layers; i++) {
    if (cfg.batchNorm) {
      layers.push(L.dense(cfg.units, { activation: 'linear', kernelRegularizer: reg, name: `hidden${i + 1}` }));
      layers.push(L.batchNormalization({ momentum: bn.beta, epsilon: bn.epsilon, name: `bn${i + 1}` }));
      layers.push(L.activation(cfg.activation, { name: `act${i + 1}` }));
    } else {
      layers.push(L.dense(cfg.units, { activation: cfg.activation, kernelRegularizer: reg, name: `hidden${i + 1}` }));
    }
  }
  layers.push(L.dense(10, { activation: 'softmax', kernelRegularizer: reg, name: 'output' }));
  const model = pg.sequential(layers, { inputShape: [side * side], seed });
  model.compile({ optimizer: { kind: 'sgd', lr: cfg.lr, momentum: 0.9 }, loss: 'sparseCategoricalCrossEntropy', metrics: ['accuracy'] });
  return model;
}

// ---- the session ----------------------------------------------------------------------------

class TuningSession extends TensorSession {
  constructor(pg, state) {
    super(pg, state);
    this.cancelled = false;
    this.problem = null;
    this.loading = true;
    this.models = new Map(); // "strategy/trial/execution" -> model (kept while a trial may train on)
    const space = searchSpace(state);
    if (space.problem) {
      this.problem = space.problem;
      this.loading = false;
      this.strategies = {};
      return;
    }
    this.build(() => {
      this.space = space;
      this.configs = drawTrials(pg, state, space);
      this.samples = {
        log: Array.from(pg.search.sample({ ...space.lr, scale: 'log' }, state.trials, state.seed, 1)),
        linear: Array.from(pg.search.sample({ ...space.lr, scale: 'linear' }, state.trials, state.seed, 1)),
        // The uniform numbers u behind both (the same stream on [0, 1)).
        u: Array.from(pg.search.sample({ lo: 0, hi: 1, scale: 'linear' }, state.trials, state.seed, 1)),
      };
      this.setUpStrategies();
      this.tryData();
    });
  }

  /** The digits, once here (in a page they arrive by fetch; step() waits for them). */
  tryData() {
    const d = this.dataNow(digitsNow, 'tuning');
    if (!d) return;
    const { pg } = this;
    const s = this.state;
    const px = d.side * d.side;
    const nTrain = Math.min(s.digits, d.count - VALIDATION);
    const toX = (from, n) => {
      const x = new Float32Array(n * px);
      const src = d.pixels.subarray(from * px, (from + n) * px);
      for (let i = 0; i < x.length; i++) x[i] = src[i] / 255;
      return x;
    };
    this.side = d.side;
    this.px = px;
    this.nTrain = nTrain;
    this.xTrainRows = toX(0, nTrain);
    this.yTrainRows = Float32Array.from(d.labels.subarray(0, nTrain));
    this.xVal = this.keep(pg.tensor(toX(d.count - VALIDATION, VALIDATION), [VALIDATION, px]));
    this.yVal = this.keep(pg.tensor(Float32Array.from(d.labels.subarray(d.count - VALIDATION)), [VALIDATION]));
    this.loading = false;
  }

  setUpStrategies() {
    const s = this.state;
    this.strategies = {};
    for (const name of strategiesOf(s)) {
      const trials = this.configs[name].map((config, k) => ({
        index: k, config, status: 'queued', epochs: 0, rung: 0,
        runs: Array.from({ length: s.executions }, (_, e) => ({ seed: executionSeed(s.seed, k, e), accuracy: [], loss: [], diverged: null })),
        score: null, spread: null, diverged: null,
      }));
      const st = { name, trials, spent: 0, budget: s.trials * s.epochs * s.executions, queue: [], best: null, bestSoFar: [], rung: 0, done: false, job: null };
      if (name === 'halving') {
        st.rungs = rungs(s.epochs);
        st.budget = halvingCost(trials.length, s.epochs) * s.executions;
        this.queueRung(st, trials);
      } else {
        for (const t of trials) for (let e = 0; e < s.executions; e++) st.queue.push({ trial: t.index, execution: e, to: s.epochs });
      }
      this.strategies[name] = st;
    }
  }

  queueRung(st, trials) {
    const to = st.rungs[st.rung];
    for (const t of trials) {
      t.status = 'queued';
      for (let e = 0; e < this.state.executions; e++) st.queue.push({ trial: t.index, execution: e, to });
    }
  }

  get done() {
    if (this.problem || this.failure || this.cancelled) return true;
    return Object.values(this.strategies).every((st) => st.done);
  }

  get progress() {
    if (this.loading) return { value: 0, total: 1, label: 'loading the MNIST digits' };
    const sts = Object.values(this.strategies);
    return { value: sts.reduce((a, st) => a + st.spent, 0), total: sts.reduce((a, st) => a + st.budget, 0), label: 'epochs' };
  }

  /** One batch of the strategy that has spent the least so far (so the three race on one clock). */
  step() {
    if (this.done) return;
    if (this.loading) {
      this.tryData();
      if (this.loading || this.done) return;
    }
    const open = Object.values(this.strategies).filter((st) => !st.done);
    const st = open.reduce((a, b) => (b.spent < a.spent ? b : a));
    if (!st.job) this.startJob(st);
    if (st.job) this.trainBatch(st);
  }

  startJob(st) {
    const next = st.queue.shift();
    if (!next) {
      this.finishRung(st);
      return;
    }
    const t = st.trials[next.trial];
    const run = t.runs[next.execution];
    t.status = 'running';
    const key = `${st.name}/${t.index}/${next.execution}`;
    let model = this.models.get(key);
    if (!model && !run.diverged) {
      model = buildModel(this.pg, this.state, t.config, run.seed, this.side);
      this.models.set(key, model);
    }
    st.job = { ...next, key, model, epoch: run.accuracy.length, batch: 0, order: null, sums: { loss: 0, rows: 0 } };
    if (run.diverged) this.endJob(st); // a diverged run does not train on (its budget is not spent)
  }

  trainBatch(st) {
    const { pg } = this;
    const job = st.job;
    const t = st.trials[job.trial];
    const run = t.runs[job.execution];
    if (!job.order) job.order = pg.data.permutation(this.nTrain, run.seed + 7 * job.epoch);
    const start = job.batch * BATCH;
    const idx = job.order.subarray(start, Math.min(this.nTrain, start + BATCH));
    const b = idx.length;
    const px = this.px;
    const xb = new Float32Array(b * px);
    const yb = new Float32Array(b);
    idx.forEach((k, i) => { xb.set(this.xTrainRows.subarray(k * px, (k + 1) * px), i * px); yb[i] = this.yTrainRows[k]; });
    try {
      pg.scope(() => {
        const h = job.model.fit(pg.tensor(xb, [b, px]), pg.tensor(yb, [b]), { epochs: 1, batchSize: b, shuffle: false });
        job.sums.loss += h.history.loss[0] * b;
        job.sums.rows += b;
      });
    } catch (e) {
      if (!(e instanceof pg.PlaygradError)) throw e;
      // The core refused the step (NaN or Infinity): this run diverged. Reported, not fatal.
      run.diverged = `epoch ${job.epoch + 1}, batch ${job.batch + 1}: ${e.message.replace(/^fit: /, '')}`;
      st.spent += (this.nTrain - start) / this.nTrain; // the rest of this epoch counts as spent
      this.endJob(st);
      return;
    }
    st.spent += b / this.nTrain;
    job.batch += 1;
    if (start + BATCH < this.nTrain) return;
    // The end of an epoch: the held-out accuracy.
    const v = job.model.evaluate(this.xVal, this.yVal, { batchSize: 600 });
    run.loss.push(job.sums.loss / job.sums.rows);
    run.accuracy.push(v.accuracy);
    job.epoch += 1;
    job.batch = 0;
    job.order = null;
    job.sums = { loss: 0, rows: 0 };
    if (job.epoch >= job.to) this.endJob(st);
  }

  /** A run reached its epochs (or diverged): when it was the trial's last run, score the trial. */
  endJob(st) {
    const job = st.job;
    st.job = null;
    const t = st.trials[job.trial];
    t.epochs = Math.max(t.epochs, job.to);
    const last = st.queue.every((q) => q.trial !== job.trial);
    if (st.name !== 'halving' || st.rung === st.rungs.length - 1) {
      this.models.get(job.key)?.dispose();
      this.models.delete(job.key);
    }
    if (last) this.score(st, t);
  }

  /** The trial's score: the core's mean (and spread) of its runs' accuracy after the rung's last epoch. */
  score(st, t) {
    const { pg } = this;
    const accs = t.runs.filter((r) => !r.diverged).map((r) => r.accuracy.at(-1));
    const diverged = t.runs.filter((r) => r.diverged);
    t.diverged = diverged.length ? `${diverged.length} of ${t.runs.length} executions diverged (${diverged[0].diverged})` : null;
    if (accs.length === 0) {
      t.score = null;
      t.spread = null;
    } else {
      t.spread = pg.scope(() => {
        const a = pg.tensor(accs);
        const mean = pg.mean(a);
        const sd = pg.sqrt(pg.mean(pg.pow(pg.sub(a, mean), 2)));
        return { mean: mean.item(), sd: sd.item(), min: pg.min(a).item(), max: pg.max(a).item(), n: accs.length };
      });
      t.score = t.spread.mean;
    }
    t.status = t.score === null ? 'diverged' : 'done';
    t.rung = st.rung;
    if (t.score !== null && (!st.best || t.score > st.best.score)) st.best = { trial: t.index, score: t.score, epochs: t.epochs };
    st.bestSoFar.push([st.spent, st.best ? st.best.score : null, t.index]);
  }

  /** The queue is empty: the strategy is done, or successive halving keeps the best 1/η for the next rung. */
  finishRung(st) {
    if (st.name !== 'halving' || st.rung === st.rungs.length - 1) {
      st.done = true;
      return;
    }
    const alive = st.trials.filter((t) => t.rung === st.rung && (t.status === 'done' || t.status === 'diverged'));
    const ranked = alive.filter((t) => t.score !== null).sort((a, b) => b.score - a.score || a.index - b.index);
    const keep = ranked.slice(0, Math.ceil(alive.length / ETA));
    for (const t of alive) {
      if (keep.includes(t)) continue;
      t.status = t.status === 'diverged' ? 'diverged' : 'dropped';
      for (let e = 0; e < this.state.executions; e++) {
        const key = `${st.name}/${t.index}/${e}`;
        this.models.get(key)?.dispose();
        this.models.delete(key);
      }
    }
    st.rung += 1;
    if (!keep.length) {
      st.done = true;
      return;
    }
    this.queueRung(st, keep);
  }

  setState() { return false; }

  command(name) {
    if (name === 'cancel') {
      // Stop the search here: the trials finished so far stay, with their scores.
      this.cancelled = true;
      for (const m of this.models.values()) m.dispose();
      this.models.clear();
      for (const st of Object.values(this.strategies)) st.job = null;
      return;
    }
    throw new this.pg.PlaygradError(`tuning: unknown command '${name}'`);
  }

  snapshot() {
    const strategies = {};
    for (const [name, st] of Object.entries(this.strategies)) {
      strategies[name] = {
        name, spent: st.spent, budget: st.budget, done: st.done, rung: st.rung, rungs: st.rungs ?? null,
        best: st.best, bestSoFar: st.bestSoFar.map((p) => p.slice()),
        running: st.job ? { trial: st.job.trial, execution: st.job.execution, epoch: st.job.epoch, to: st.job.to } : null,
        trials: st.trials.map((t) => ({
          index: t.index, config: t.config, status: t.status, epochs: t.epochs, rung: t.rung, score: t.score,
          spread: t.spread, diverged: t.diverged,
          runs: t.runs.map((r) => ({ seed: r.seed, accuracy: r.accuracy.slice(), diverged: r.diverged })),
        })),
      };
    }
    const best = this.bestOverall();
    return {
      problem: this.problem, loading: this.loading, failure: this.failure, cancelled: this.cancelled,
      trainDigits: this.nTrain ?? 0, validation: VALIDATION, side: this.side ?? 14,
      grid: this.problem ? null : gridShape(this.state.trials),
      halvingStart: this.problem ? 0 : this.configs.halving.length,
      samples: this.samples ?? null,
      strategies, best,
      progress: this.progress,
    };
  }

  bestOverall() {
    let best = null;
    for (const st of Object.values(this.strategies)) {
      if (st.best && (!best || st.best.score > best.score)) best = { strategy: st.name, ...st.best, config: st.trials[st.best.trial].config };
    }
    return best;
  }

  result() {
    const snap = this.snapshot();
    const sts = Object.values(this.strategies);
    return {
      ...snap,
      epochs: sts.reduce((a, st) => a + st.spent, 0),
      stoppedEarly: this.cancelled,
      history: Object.fromEntries(sts.map((st) => [st.name, st.bestSoFar.map(([spent, best]) => ({ spent, best }))])),
    };
  }

  dispose() {
    release(...(this.models?.values() ?? []));
    this.models?.clear();
    super.dispose();
  }
}

/** The race for the state (see the module comment). */
export function session(pg, state) {
  return new TuningSession(pg, state);
}

/** "lr 0.0316, λ 1e-4, 2 × 32 relu, BN" */
export function describe(c) {
  return `lr ${Number(c.lr.toPrecision(3))}, λ ${Number(c.l2.toPrecision(2))}, ${c.layers} × ${c.units} ${c.activation}${c.batchNorm ? ', BN' : ''}`;
}

/** Terminal lines for a finished (or cancelled) race. */
export function report(r, s) {
  if (r.problem) return [`tuning: ${r.problem}`];
  const lines = [`tuning: ${r.trainDigits} MNIST digits (${r.side}×${r.side}) to train, ${r.validation} to validate; ${s.trials} trials × ${s.epochs} epochs × ${s.executions} executions per search; lr ${s.lrScale} in [${s.lrMin}, ${s.lrMax}]`];
  for (const st of Object.values(r.strategies)) {
    const done = st.trials.filter((t) => t.status === 'done' || t.status === 'dropped').length;
    const div = st.trials.filter((t) => t.diverged).length;
    const best = st.best ? `best ${fmt(st.best.score)} (trial ${st.best.trial + 1}: ${describe(st.trials[st.best.trial].config)})` : 'no finished trial';
    lines.push(`${STRATEGY_LABEL[st.name]}: ${st.trials.length} configurations, ${done} scored, ${div} diverged, ${Number(st.spent.toFixed(1))} of ${st.budget} epochs; ${best}`);
  }
  if (r.best) lines.push(`best overall: ${STRATEGY_LABEL[r.best.strategy]}, validation accuracy ${fmt(r.best.score)}`);
  if (r.cancelled) lines.push('cancelled: the trials above are those finished before it stopped');
  if (r.failure) lines.push(`stopped: ${r.failure}`);
  return lines;
}

// ---- check yourself -------------------------------------------------------------------------

const DRAWS = 100000;
const bottomDecadeShare = (pg, s, scale) => {
  const v = pg.search.sample({ lo: s.lrMin, hi: s.lrMax, scale }, DRAWS, s.seed, 1);
  let n = 0;
  for (const x of v) n += x < s.lrMin * 10;
  return n / DRAWS;
};
const rangeProblem = (pg, s) => {
  if (!(s.lrMin < s.lrMax)) throw new pg.PlaygradError(`tuning: the learning-rate range [${s.lrMin}, ${s.lrMax}] is empty`);
};

export const exercises = [
  {
    id: 'linear-bottom-decade',
    question: (s) => `Sampling the learning rate *linearly* in [${s.lrMin}, ${s.lrMax}], what share of the draws lands in the bottom decade [${s.lrMin}, ${fmt(s.lrMin * 10)})?`,
    answer: { type: 'number', tolerance: 0.01 },
    solve(pg, s) {
      rangeProblem(pg, s);
      const v = bottomDecadeShare(pg, s, 'linear');
      return { value: v, working: [`Uniform in lr: the share is the decade's length over the range's, $(10 \\cdot ${s.lrMin} - ${s.lrMin}) / (${s.lrMax} - ${s.lrMin})$.`,
        `The core drew ${DRAWS} values (pg.search.sample, scale linear): ${fmt(v)} of them fell there.`] };
    },
  },
  {
    id: 'log-bottom-decade',
    question: (s) => `Sampling it on a *log* scale instead, what share lands in that bottom decade?`,
    answer: { type: 'number', tolerance: 0.01 },
    solve(pg, s) {
      rangeProblem(pg, s);
      const v = bottomDecadeShare(pg, s, 'log');
      return { value: v, working: [`Uniform in $\\log \\text{lr}$: every decade gets the same share, $1 / \\log_{10}(${s.lrMax} / ${s.lrMin})$ (capped at 1).`,
        `The core drew ${DRAWS} values (pg.search.sample, scale log): ${fmt(v)} of them fell there.`] };
    },
  },
  {
    id: 'grid-distinct-lr',
    question: (s) => `Grid search with ${s.trials} trials: how many *different* learning rates does it try? (Random search with the same budget tries ${s.trials}.)`,
    answer: { type: 'number', tolerance: 0 },
    solve(pg, s) {
      const space = searchSpace(s);
      if (space.problem) throw new pg.PlaygradError(`tuning: ${space.problem}`);
      const t = drawTrials(pg, s, space);
      const distinct = new Set(t.grid.map((c) => c.lr)).size;
      const { rows, cols } = gridShape(s.trials);
      return { value: distinct, working: [`The grid is ⌊√${s.trials}⌋ = ${rows} learning rates × ⌊${s.trials} / ${rows}⌋ = ${cols} values of λ: ${rows * cols} trials but only ${distinct} learning rates (pg.search.grid).`,
        `If λ hardly matters, grid search has tested ${distinct} values of the one hyperparameter that does; random search tested ${new Set(t.random.map((c) => c.lr)).size}.`] };
    },
  },
];
