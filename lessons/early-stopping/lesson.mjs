// Callbacks and early stopping, on a network that overfits for real: the playground's training
// engine (PlaygroundSession: one batch per step, the held-out points evaluated each epoch, every
// epoch saved for scrubbing) with noisy training labels and a network large enough to memorize
// them. The callbacks are the core's monitors (pg.callbacks.earlyStoppingMonitor and
// reduceLrOnPlateauMonitor: Keras' EarlyStopping and ReduceLROnPlateau rules, the same code fit()
// runs) and the core's lr schedules (pg.optim.scheduledLr). The session logs when each fired.
import { fmt } from '../format.mjs';
import { DOMAIN, GRID, PlaygroundSession } from '../playground/lesson.mjs';

export { text } from './text.mjs';
export { fmt, DOMAIN, GRID };

export const id = 'early-stopping';
export const title = 'Callbacks and early stopping';
export const summary = 'A network that overfits noisy labels, and the callbacks that stop it: early stopping with patience, min_delta and restored best weights, reduce-LR-on-plateau and an lr schedule, with a log of when each fired.';

export const MONITORS = ['val_loss', 'val_accuracy', 'loss', 'accuracy'];
/** The lr schedules offered, with their fixed parameters (the core's {kind, ...}). */
export const SCHEDULES = {
  none: null,
  step: { kind: 'step', stepSize: 50, gamma: 0.5 },
  exponential: { kind: 'exponential', gamma: 0.99 },
  cosine: (s) => ({ kind: 'cosine', tMax: s.epochs, etaMin: 0 }),
};
export const scheduleOf = (s) => {
  const v = SCHEDULES[s.schedule];
  return typeof v === 'function' ? v(s) : v;
};

export const settings = [
  { name: 'dataset', type: 'choice', label: 'Dataset', default: 'moons', options: [
    { value: 'moons', label: 'Two moons' }, { value: 'circle', label: 'Circle' }, { value: 'spiral', label: 'Spiral' },
    { value: 'xor', label: 'XOR' }, { value: 'gaussians', label: 'Gaussians' }] },
  { name: 'points', type: 'integer', label: 'Points (half train, half held out)', default: 200, min: 40, max: 1000, step: 10 },
  { name: 'labelNoise', type: 'number', label: 'Label noise (share of training labels flipped)', default: 0.2, min: 0, max: 0.5, step: 0.01,
    help: 'The held-out labels stay clean, so val_loss measures how well the network learned the real pattern.' },
  { name: 'layers', type: 'integer', label: 'Hidden layers', default: 2, min: 1, max: 4 },
  { name: 'units', type: 'integer', label: 'Units per layer (model size)', default: 32, min: 2, max: 64 },
  { name: 'lr', type: 'number', label: 'Learning rate (Adam)', default: 0.01, min: 0.0001, max: 1, step: 0.0001 },
  { name: 'epochs', type: 'integer', label: 'Epochs', default: 300, min: 1, max: 2000 },
  { name: 'monitor', type: 'choice', label: 'monitor', default: 'val_loss', options: MONITORS.map((m) => ({ value: m, label: m })),
    help: 'What both callbacks watch. mode "auto": accuracy must rise, a loss must fall.' },
  { name: 'earlyStopping', type: 'boolean', label: 'EarlyStopping', default: true },
  { name: 'patience', type: 'integer', label: 'patience', default: 20, min: 0, max: 1000,
    help: 'Epochs without improvement before stopping (Keras counts the epoch that did not improve; 0 stops at the first).' },
  { name: 'minDelta', type: 'number', label: 'min_delta', default: 0, min: 0, max: 1, step: 0.0001,
    help: 'An epoch improves only when it beats the best by more than this.' },
  { name: 'restoreBest', type: 'boolean', label: 'restore_best_weights', default: true },
  { name: 'plateau', type: 'boolean', label: 'ReduceLROnPlateau', default: true },
  { name: 'factor', type: 'number', label: 'factor (new lr = lr · factor)', default: 0.5, min: 0.01, max: 0.99, step: 0.01 },
  { name: 'plateauPatience', type: 'integer', label: 'plateau patience', default: 8, min: 0, max: 1000 },
  { name: 'cooldown', type: 'integer', label: 'cooldown', default: 0, min: 0, max: 1000 },
  { name: 'minLr', type: 'number', label: 'min_lr', default: 0.0001, min: 0, max: 1, step: 0.0001 },
  { name: 'schedule', type: 'choice', label: 'LearningRateScheduler', default: 'none', options: [
    { value: 'none', label: 'none' }, { value: 'step', label: 'step: ×0.5 every 50 epochs' },
    { value: 'exponential', label: 'exponential: ×0.99 per epoch' }, { value: 'cosine', label: 'cosine to 0 over the epochs' }] },
  { name: 'seed', type: 'integer', label: 'Seed', default: 1, min: 0, max: 999999 },
];

/** Settings a running session takes in place: the callbacks carry their state over. */
const IN_PLACE = new Set(['epochs', 'patience', 'minDelta', 'restoreBest', 'factor', 'plateauPatience', 'cooldown', 'minLr']);

/** The playground's settings for this lesson's state (what the shared engine trains). */
export function playgroundState(s) {
  return {
    dataset: s.dataset, classes: 2, points: s.points, noise: 0.15, trainFraction: 0.5, features: 'x1,x2',
    hidden: Array(s.layers).fill(s.units).join(','), activation: 'relu', loss: 'bce', optimizer: 'adam',
    lr: s.lr, batchSize: 10, epochs: s.epochs, init: 'glorot_uniform', l1: 0, l2: 0, dropout: 0, batchNorm: false,
    patience: 0, seed: s.seed, es: s,
  };
}

/** The callbacks of a state, as the core's options (Keras' names in the comments). */
export function callbackOptions(s) {
  return {
    // EarlyStopping(monitor, patience, min_delta, restore_best_weights)
    earlyStopping: s.earlyStopping ? { monitor: s.monitor, patience: s.patience, minDelta: s.minDelta, restoreBestWeights: s.restoreBest } : null,
    // ReduceLROnPlateau(monitor, factor, patience, min_delta=1e-4, cooldown, min_lr)
    reduceLr: s.plateau ? { monitor: s.monitor, factor: s.factor, patience: s.plateauPatience, minDelta: 1e-4, cooldown: s.cooldown, minLr: s.minLr } : null,
    schedule: scheduleOf(s),
  };
}

class EarlyStoppingSession extends PlaygroundSession {
  constructor(pg, state) {
    super(pg, playgroundState(state), null);
  }

  callbackOptions() {
    return callbackOptions(this.state.es);
  }

  /** Flips a seeded share of the training labels (the core's permutation picks which). */
  trainLabels(labels, nTrain) {
    const share = this.state.es.labelNoise;
    const k = Math.round(share * nTrain);
    if (k === 0) return labels;
    const out = Float32Array.from(labels);
    const pick = this.pg.data.permutation(nTrain, this.state.seed * 7919 + 17);
    for (let i = 0; i < k; i++) out[pick[i]] = 1 - out[pick[i]];
    this.flipped = k;
    return out;
  }

  setState(state) {
    const old = this.state.es;
    const changed = Object.keys(state).filter((k) => JSON.stringify(state[k]) !== JSON.stringify(old[k]));
    if (!changed.every((k) => IN_PLACE.has(k)) || this.problem || this.failure) return false;
    this.state = playgroundState(state);
    this.retuneCallbacks();
    return true;
  }

  extra() {
    const es = this.state.es;
    return {
      events: this.events.slice(),
      monitor: es.monitor,
      minimize: this.stopper?.minimize ?? this.plateau?.minimize ?? !es.monitor.includes('acc'),
      wait: this.stopper ? this.best.wait : null,
      patience: es.patience,
      plateauWait: this.plateau ? this.plateau.state.wait : null,
      cooldownLeft: this.plateau ? this.plateau.state.cooldownCounter : null,
      bestEpoch: this.stopper && this.best.epoch > 0 ? this.best.epoch : null,
      bestValue: this.stopper && this.best.epoch > 0 ? this.best.value : null,
      restoredFrom: this.restoredFrom,
      flipped: this.flipped ?? 0,
      lr: this.model?.lr ?? es.lr,
    };
  }

  snapshot() {
    return { ...super.snapshot(), ...this.extra() };
  }

  result() {
    const r = super.result();
    delete r.model;
    return { ...r, ...this.extra() };
  }
}

/** The training engine for the state. */
export function session(pg, state) {
  return new EarlyStoppingSession(pg, state);
}

/** Terminal lines. */
export function report(r, s) {
  if (r.problem) return [`early-stopping: ${r.problem}`];
  const h = r.history;
  const last = (a) => (a?.length ? fmt(a.at(-1)) : '–');
  const lines = [
    `early-stopping: ${s.dataset}, ${s.points} points, ${r.flipped} training labels flipped (${s.labelNoise}), ${s.layers} × ${s.units} relu units, Adam lr ${s.lr}`,
    `callbacks: ${s.earlyStopping ? `EarlyStopping(monitor='${s.monitor}', patience=${s.patience}, min_delta=${s.minDelta}, restore_best_weights=${s.restoreBest ? 'True' : 'False'})` : 'no EarlyStopping'}; ${s.plateau ? `ReduceLROnPlateau(factor=${s.factor}, patience=${s.plateauPatience}, cooldown=${s.cooldown}, min_lr=${s.minLr})` : 'no ReduceLROnPlateau'}; schedule ${s.schedule}`,
    `epochs run: ${r.epochs ?? r.epoch} of ${s.epochs}${r.stoppedEarly ? ' (stopped early)' : ''}${r.bestEpoch ? `; best ${s.monitor} ${fmt(r.bestValue)} at epoch ${r.bestEpoch}` : ''}${r.restoredFrom ? `; weights of epoch ${r.restoredFrom} restored` : ''}`,
    `last epoch: loss ${last(h.loss)}  val_loss ${last(h.val_loss)}  accuracy ${last(h.accuracy)}  val_accuracy ${last(h.val_accuracy)}  lr ${last(h.lr)}`,
  ];
  for (const e of r.events) lines.push(`  epoch ${e.epoch}: ${e.callback}: ${e.text}`);
  if (r.failure) lines.push(`stopped: ${r.failure}`);
  return lines;
}

// ---- check yourself -------------------------------------------------------------------------

/** A fixed val_loss sequence for the exercises (epochs 1..12). */
export const SEQUENCE = [0.9, 0.7, 0.6, 0.55, 0.56, 0.549, 0.57, 0.6, 0.58, 0.62, 0.65, 0.7];

/** Runs Keras' EarlyStopping rule (the core's monitor) over SEQUENCE: {stoppedAt, bestEpoch} (1-based; stoppedAt 0: never). */
export function stopOnSequence(pg, s) {
  const m = pg.callbacks.earlyStoppingMonitor({ monitor: 'val_loss', patience: s.patience, minDelta: s.minDelta });
  let stoppedAt = 0;
  const waits = [];
  for (let e = 0; e < SEQUENCE.length && !stoppedAt; e++) {
    if (m.update(e, SEQUENCE[e]).stop) stoppedAt = e + 1;
    waits.push(m.state.wait);
  }
  return { stoppedAt, bestEpoch: m.state.bestEpoch + 1, waits };
}

export const exercises = [
  {
    id: 'stop-epoch',
    question: (s) => `Keras' EarlyStopping(monitor='val_loss', patience=${s.patience}, min_delta=${s.minDelta}) sees val_loss ${SEQUENCE.join(', ')} in epochs 1 to ${SEQUENCE.length}. After which epoch does it stop training? (0 if it never does.)`,
    answer: { type: 'number', tolerance: 0 },
    solve(pg, s) {
      const r = stopOnSequence(pg, s);
      return { value: r.stoppedAt, working: [
        `An epoch improves when val_loss + ${s.minDelta} < the best so far; the counter (wait) goes up every epoch and back to 0 on an improvement.`,
        `wait after each epoch: ${r.waits.join(', ')}; the best is epoch ${r.bestEpoch}.`,
        r.stoppedAt ? `wait reaches patience ${s.patience} after epoch ${r.stoppedAt}: training stops there (the core's monitor).` : `wait never reaches patience ${s.patience}: training runs to the end.`] };
    },
  },
  {
    id: 'restored-epoch',
    question: (s) => `Same sequence and settings, with restore_best_weights=True: the weights of which epoch does the model end with? (If it never stops, the last epoch, ${SEQUENCE.length}: Keras restores only when it stops.)`,
    answer: { type: 'number', tolerance: 0 },
    solve(pg, s) {
      const r = stopOnSequence(pg, s);
      const v = r.stoppedAt ? r.bestEpoch : SEQUENCE.length;
      return { value: v, working: [r.stoppedAt ? `It stops after epoch ${r.stoppedAt} and loads the weights saved at the best epoch, ${r.bestEpoch} (val_loss ${SEQUENCE[r.bestEpoch - 1]}).`
        : `It never stops, so nothing is restored: the model keeps the weights of epoch ${SEQUENCE.length}.`] };
    },
  },
  {
    id: 'plateau-lr',
    question: (s) => `ReduceLROnPlateau(factor=${s.factor}, patience=${s.plateauPatience}, cooldown=${s.cooldown}, min_lr=${s.minLr}) starts at lr 0.01 and val_loss stays at 0.5 for 30 epochs. What is the lr after the 30th epoch?`,
    answer: { type: 'number', tolerance: 1e-9 },
    solve(pg, s) {
      const m = pg.callbacks.reduceLrOnPlateauMonitor({ factor: s.factor, patience: s.plateauPatience, cooldown: s.cooldown, minLr: s.minLr });
      let lr = 0.01;
      const at = [];
      for (let e = 0; e < 30; e++) {
        const ev = m.update(e, 0.5, lr);
        if (ev.reduced) { at.push(e + 1); lr = ev.lr; }
      }
      return { value: lr, working: [
        'Epoch 1 sets the best; every later epoch is no better (0.5 is not below 0.5 − 1e-4), so wait counts up, except during a cooldown.',
        at.length ? `The lr is multiplied by ${s.factor} after epochs ${at.join(', ')} (never below min_lr ${s.minLr}): lr = ${fmt(lr)} (the core's monitor).` : `It never reaches patience ${s.plateauPatience}: lr stays 0.01.`] };
    },
  },
];
