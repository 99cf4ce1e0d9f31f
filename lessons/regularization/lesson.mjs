// The regularization lesson: the course's total loss TL = MSE + penalty, live. An
// over-parameterized network (1 → W → W → 1, tanh) on a few noisy points of sin(πx) is trained
// by the core's fit() with Keras-style kernel penalties λ1·Σ|w| + λ2·Σw² (λ1 = share·λ,
// λ2 = (1 − share)·λ); each epoch records the data loss (MSE on the training points), the
// penalty (model.regularizationLoss(), the core's own sum over the layers), their total and the
// test MSE. Then the regularization path: the same network retrained from the same initial
// weights for every λ of a log grid, each weight's final value recorded. Beside it the geometry
// of two weights, from the core's elastic-net solver (pg.optim.elasticNet2d: proximal gradient
// and subgradient descent on a linear model ŷ = w1·x1 + w2·x2).
//
// The session (lessons/README.md, "Training lessons") runs in the page's worker, in the CLI
// (npx playgrad lesson regularization --json) and in Node tests. Every number comes from the
// core; this file moves data around.
import { l2Convention } from '../convention.mjs';
import { fmt } from '../format.mjs';
import { TensorSession, release } from '../session.mjs';

export { text } from './text.mjs';
export { fmt };

export const id = 'regularization';
export const title = 'Regularization';
export const summary = 'TL = MSE + λ·penalty trained live: data loss and penalty apart, the weight histogram, the regularization path over λ, and why the L1 diamond gives exact zeros.';

/** Test points, curve points, and the λ grid of the path (powers of ten). */
export const TEST_POINTS = 200;
export const CURVE_POINTS = 121;
export const PATH_LO = -5;
export const PATH_HI = -0.5;
/** |w| below this counts as "near zero" (the issue's share of weights with |w| < 1e-3). */
export const NEAR_ZERO = 1e-3;
/** Epochs of a path run done by one step() (one fit call). */
const PATH_CHUNK = 10;
/** The geometry's square and data: y = 2·x1 + 0.5·x2 + noise (x2 correlated with x1). */
export const GEO = { lo: -1, hi: 3, grid: 61, rows: 40, w: [2, 0.5], corr: 0.6, noise: 0.5 };

export const settings = [
  { name: 'lambda', type: 'number', label: 'λ (penalty strength)', default: 0.003, min: 0, max: 1, step: 0.00001,
    check: (v) => (v >= 0 ? null : 'λ ≥ 0 (a negative penalty rewards large weights)'),
    help: 'The log slider above the plots moves λ by powers of ten; this box takes an exact value (0 switches the penalty off).' },
  { name: 'mix', type: 'number', label: 'L1 share (0 Ridge, 1 Lasso)', default: 0, min: 0, max: 1, step: 0.05,
    help: 'λ1 = share·λ multiplies Σ|w|, λ2 = (1 − share)·λ multiplies Σw²; in between is the elastic net.' },
  { name: 'points', type: 'integer', label: 'Training points', default: 20, min: 4, max: 200 },
  { name: 'noise', type: 'number', label: 'Noise (std of y)', default: 0.3, min: 0, max: 1, step: 0.05 },
  { name: 'width', type: 'integer', label: 'Units per hidden layer', default: 32, min: 2, max: 64 },
  { name: 'optimizer', type: 'choice', label: 'Optimizer', default: 'adam', options: [
    { value: 'adam', label: 'Adam' }, { value: 'sgd', label: 'SGD' }] },
  { name: 'lr', type: 'number', label: 'Learning rate', default: 0.01, min: 0.0001, max: 1, step: 0.0001 },
  { name: 'epochs', type: 'integer', label: 'Epochs', default: 400, min: 1, max: 5000,
    help: 'Full-batch: one step per epoch.' },
  { name: 'pathPoints', type: 'integer', label: 'Regularization path: λ values', default: 7, min: 0, max: 12,
    help: `After training, the same network is retrained from the same initial weights for this many λ from 10^${PATH_LO} to 10^${PATH_HI} (0: no path).` },
  { name: 'geoLambda', type: 'number', label: 'Two-weight picture: λ', default: 2.5, min: 0, max: 5, step: 0.01,
    help: 'The penalty of the two-weight linear model (its own scale; the share above applies).' },
  { name: 'seed', type: 'integer', label: 'Seed', default: 1, min: 0, max: 999999 },
];

/** λ1 (on Σ|w|) and λ2 (on Σw²) of the state. */
export function lambdas(s) {
  return { l1: s.mix * s.lambda, l2: (1 - s.mix) * s.lambda };
}

/** The penalty's name for the share: Ridge, Lasso or elastic net. */
export function penaltyName(mix, lambda = 1) {
  if (lambda === 0) return 'no penalty';
  if (mix === 0) return 'Ridge (L2)';
  if (mix === 1) return 'Lasso (L1)';
  return 'elastic net (L1 + L2)';
}

/** The λ grid of the path: n values, log-spaced from 10^PATH_LO to 10^PATH_HI. */
export function pathGrid(n) {
  if (n <= 0) return [];
  if (n === 1) return [10 ** PATH_LO];
  return Array.from({ length: n }, (_, k) => 10 ** (PATH_LO + ((PATH_HI - PATH_LO) * k) / (n - 1)));
}

function checkState(pg, s) {
  for (const k of ['lambda', 'geoLambda']) {
    if (!(typeof s[k] === 'number' && Number.isFinite(s[k]) && s[k] >= 0)) {
      throw new pg.PlaygradError(`regularization: ${k === 'lambda' ? 'λ' : 'the two-weight λ'} must be a finite number ≥ 0, got ${s[k]}`);
    }
  }
  if (!(s.mix >= 0 && s.mix <= 1)) throw new pg.PlaygradError(`regularization: the L1 share must be in [0, 1], got ${s.mix}`);
}

/**
 * The network: 1 → width → width → 1 (tanh, linear output), kernel penalties l1/l2 on every
 * Dense layer (biases are not penalized, as Keras' kernelRegularizer). Same seed, same weights.
 */
export function buildModel(pg, s, l1, l2) {
  const L = pg.layers;
  const reg = l1 > 0 || l2 > 0 ? { l1, l2 } : null;
  const model = pg.sequential([
    L.dense(s.width, { activation: 'tanh', kernelRegularizer: reg, name: 'hidden1' }),
    L.dense(s.width, { activation: 'tanh', kernelRegularizer: reg, name: 'hidden2' }),
    L.dense(1, { kernelRegularizer: reg, name: 'output' }),
  ], { inputShape: [1], seed: s.seed });
  model.compile({ optimizer: { kind: s.optimizer, lr: s.lr }, loss: 'mse' });
  return model;
}

/** The data, from the core's seeded generators: x uniform in [-1, 1], y = sin(πx) + noise·N(0, 1). */
export function makeData(pg, s, n, stream) {
  return pg.scope(() => {
    const x = pg.rand([n, 1], s.seed * 1009 + stream, -1, 1);
    const y = pg.add(pg.sin(pg.mul(x, Math.PI)), pg.mul(pg.randn([n, 1], s.seed * 1009 + stream + 500, 0, 1), s.noise));
    return { x: x.toArray(), y: y.toArray() };
  });
}

/** The two-weight picture for the state: data from the core, the elastic net solved in C++. */
export function geometry(pg, s) {
  const g = pg.scope(() => {
    // x2 correlated with x1: x = z·[[1, ρ], [0, √(1 − ρ²)]]; y = x·w + noise.
    const z = pg.randn([GEO.rows, 2], s.seed * 7919 + 3, 0, 1);
    const x = pg.matmul(z, pg.tensor([1, GEO.corr, 0, Math.sqrt(1 - GEO.corr ** 2)], [2, 2]));
    const y = pg.add(pg.matmul(x, pg.tensor(GEO.w, [2, 1])), pg.mul(pg.randn([GEO.rows, 1], s.seed * 7919 + 4, 0, 1), GEO.noise));
    return { x: x.toArray(), y: y.toArray() };
  });
  const l1 = s.mix * s.geoLambda;
  const l2 = (1 - s.mix) * s.geoLambda;
  const r = pg.optim.elasticNet2d(g.x, g.y, { l1, l2, lo: GEO.lo, hi: GEO.hi, grid: GEO.grid, steps: 400, w0: [0, 0] });
  return { ...r, l1, l2, lambda: s.geoLambda, mix: s.mix, lo: GEO.lo, hi: GEO.hi, grid: GEO.grid };
}

/** The kernels of a model as one Float32Array, and per layer. */
function kernels(model) {
  const out = [];
  for (const [key, t] of Object.entries(model.weights())) {
    if (key.endsWith('/kernel')) out.push({ layer: key.split('/')[0], values: t.toArray() });
    t.dispose();
  }
  return out;
}

function flat(ks) {
  const n = ks.reduce((a, k) => a + k.values.length, 0);
  const all = new Float32Array(n);
  let o = 0;
  for (const k of ks) { all.set(k.values, o); o += k.values.length; }
  return all;
}

/** How many of the values have |w| < NEAR_ZERO, and how many are exactly 0. */
export function zeroCounts(values) {
  let near = 0;
  let exact = 0;
  for (const v of values) {
    if (Math.abs(v) < NEAR_ZERO) near += 1;
    if (v === 0) exact += 1;
  }
  return { near, exact, total: values.length };
}

class RegularizationSession extends TensorSession {
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
    this.data = { xTrain: tr.x, yTrain: tr.y, xTest: te.x, yTest: te.y };
    this.xTrain = this.keep(pg.tensor(tr.x, [n, 1]));
    this.yTrain = this.keep(pg.tensor(tr.y, [n, 1]));
    this.xTest = this.keep(pg.tensor(te.x, [TEST_POINTS, 1]));
    this.yTest = this.keep(pg.tensor(te.y, [TEST_POINTS, 1]));
    this.curveX = Float32Array.from({ length: CURVE_POINTS }, (_, i) => -1.1 + (2.2 * i) / (CURVE_POINTS - 1));
    this.xCurve = this.keep(pg.tensor(this.curveX, [CURVE_POINTS, 1]));
    const { l1, l2 } = lambdas(s);
    this.l1 = l1;
    this.l2 = l2;
    this.model = buildModel(pg, s, l1, l2);
    this.epoch = 0;
    this.history = { loss: [], data: [], penalty: [], test: [] };
    this.grid = pathGrid(s.pathPoints);
    this.path = { lambdas: this.grid, runs: [] }; // runs[k]: {lambda, output: [...], near, exact, data, test, penalty}
    this.pathModel = null;
    this.pathEpoch = 0;
    this.geo = geometry(pg, s);
    this.recordEpoch(); // epoch 0: the initial weights
  }

  get pathDone() { return this.path.runs.length >= this.grid.length; }

  get done() {
    return !!this.failure || (this.epoch >= this.state.epochs && this.pathDone);
  }

  get progress() {
    const s = this.state;
    const total = s.epochs * (1 + this.grid.length);
    const value = Math.min(this.epoch, s.epochs) + this.path.runs.length * s.epochs + (this.pathModel ? this.pathEpoch : 0);
    return { value, total, label: this.epoch < s.epochs ? 'epochs' : `epochs (path: λ ${this.path.runs.length + 1} of ${this.grid.length})` };
  }

  /** MSE of the model on (x, y), the core's loss; no penalty. */
  mse(model, x, y) {
    const { pg } = this;
    return pg.scope(() => pg.losses.mse(model.predict(x, { batchSize: 4096 }), y).item());
  }

  recordEpoch() {
    const { pg } = this;
    const h = this.history;
    const data = this.mse(this.model, this.xTrain, this.yTrain);
    const penalty = pg.scope(() => this.model.regularizationLoss().item());
    h.data.push(data);
    h.penalty.push(penalty);
    // Keras' "loss": the total (data + penalty), from evaluate() in inference mode.
    h.loss.push(this.model.evaluate(this.xTrain, this.yTrain, { batchSize: 4096 }).loss);
    h.test.push(this.mse(this.model, this.xTest, this.yTest));
  }

  step() {
    if (this.done) return;
    const { pg } = this;
    const s = this.state;
    try {
      if (this.epoch < s.epochs) {
        this.model.fit(this.xTrain, this.yTrain, { epochs: 1, batchSize: s.points, shuffle: false });
        this.epoch += 1;
        this.recordEpoch();
        return;
      }
      // The path: one chunk of epochs of the current λ's run.
      const k = this.path.runs.length;
      const lambda = this.grid[k];
      if (!this.pathModel) {
        this.pathModel = buildModel(pg, s, s.mix * lambda, (1 - s.mix) * lambda);
        this.pathEpoch = 0;
      }
      const e = Math.min(PATH_CHUNK, s.epochs - this.pathEpoch);
      this.pathModel.fit(this.xTrain, this.yTrain, { epochs: e, batchSize: s.points, shuffle: false });
      this.pathEpoch += e;
      if (this.pathEpoch >= s.epochs) {
        const ks = kernels(this.pathModel);
        const all = flat(ks);
        this.path.runs.push({
          lambda,
          output: Array.from(ks.find((q) => q.layer === 'output').values),
          ...zeroCounts(all),
          data: this.mse(this.pathModel, this.xTrain, this.yTrain),
          test: this.mse(this.pathModel, this.xTest, this.yTest),
          penalty: pg.scope(() => this.pathModel.regularizationLoss().item()),
        });
        this.pathModel.dispose();
        this.pathModel = null;
        this.pathEpoch = 0;
      }
    } catch (e) {
      if (!(e instanceof pg.PlaygradError)) throw e;
      // The core refused a step (non-finite numbers) and said where.
      this.failure = `${this.epoch < s.epochs ? `epoch ${this.epoch + 1}` : `path, λ = ${fmt(this.grid[this.path.runs.length])}`}: ${e.message.replace(/^fit: /, '')}`;
    }
  }

  setState(state) {
    const changed = Object.keys(state).filter((k) => JSON.stringify(state[k]) !== JSON.stringify(this.state[k]));
    // The two-weight picture and the framework convention (a note) do not touch the network:
    // take them in place.
    if (!changed.every((k) => k === 'geoLambda' || k === 'convention') || this.failure) return false;
    checkState(this.pg, state);
    this.state = { ...state };
    if (changed.includes('geoLambda')) this.geo = geometry(this.pg, state);
    return true;
  }

  snapshot() {
    const { pg } = this;
    const s = this.state;
    const ks = kernels(this.model);
    const all = flat(ks);
    const curve = pg.scope(() => this.model.predict(this.xCurve, { batchSize: 4096 }).toArray());
    const truth = pg.scope(() => pg.sin(pg.mul(this.xCurve, Math.PI)).toArray());
    const h = this.history;
    return {
      epoch: this.epoch,
      epochs: s.epochs,
      l1: this.l1,
      l2: this.l2,
      lambda: s.lambda,
      mix: s.mix,
      history: h,
      last: { data: h.data.at(-1), penalty: h.penalty.at(-1), loss: h.loss.at(-1), test: h.test.at(-1) },
      params: this.model.countParams(),
      kernelCount: all.length,
      weights: all,
      zeros: zeroCounts(all),
      data: this.data,
      curve: { x: this.curveX, y: curve, truth },
      path: this.path,
      pathRunning: this.pathModel ? { k: this.path.runs.length, epoch: this.pathEpoch } : null,
      geo: this.geo,
      // How the chosen framework writes this L2 term (Keras: on the layer; PyTorch: weight_decay).
      convention: this.l2 > 0 ? l2Convention(s).note(this.l2) : null,
      failure: this.failure,
    };
  }

  /** What the CLI prints with --json. */
  result() {
    const snap = this.snapshot();
    const g = this.geo;
    return {
      epochs: this.epoch,
      stoppedEarly: false,
      l1: this.l1,
      l2: this.l2,
      history: this.history,
      zeros: snap.zeros,
      path: this.path,
      geometry: { l1: g.l1, l2: g.l2, ols: g.ols, opt: g.opt, mse: g.mse, penalty: g.penalty, total: g.total, iterations: g.iterations, subLast: g.subLast },
      failure: this.failure,
    };
  }

  dispose() {
    release(this.model, this.pathModel);
    this.model = null;
    this.pathModel = null;
    super.dispose();
  }
}

/** The training engine for the state. */
export function session(pg, state) {
  return new RegularizationSession(pg, state);
}

/** Terminal lines. */
export function report(r, s) {
  const h = r.history;
  const lines = [
    `regularization: ${penaltyName(s.mix, s.lambda)}, λ = ${s.lambda} (λ1 = ${fmt(r.l1)} on Σ|w|, λ2 = ${fmt(r.l2)} on Σw²)`,
    `network: 1 → ${s.width} → ${s.width} → 1 (tanh), ${r.params} parameters on ${s.points} noisy points; ${s.optimizer} lr ${s.lr}, full batch`,
    `epoch ${r.epoch} of ${r.epochs}: TL ${fmt(h.loss.at(-1))} = MSE ${fmt(h.data.at(-1))} + penalty ${fmt(h.penalty.at(-1))}; test MSE ${fmt(h.test.at(-1))}`,
    `kernel weights with |w| < ${NEAR_ZERO}: ${r.zeros.near} of ${r.zeros.total} (exactly 0: ${r.zeros.exact})`,
  ];
  for (const run of r.path.runs) {
    lines.push(`  path λ = ${run.lambda.toExponential(2)}: train MSE ${fmt(run.data)}, test MSE ${fmt(run.test)}, |w| < ${NEAR_ZERO}: ${run.near} of ${run.total}`);
  }
  const g = r.geo;
  lines.push(`two weights (λ1 = ${fmt(g.l1)}, λ2 = ${fmt(g.l2)}): least squares (${fmt(g.ols[0])}, ${fmt(g.ols[1])}), penalized optimum (${fmt(g.opt[0])}, ${fmt(g.opt[1])}) by proximal gradient; subgradient descent ends at (${fmt(g.subLast[0])}, ${fmt(g.subLast[1])})`);
  if (r.failure) lines.push(`stopped: ${r.failure}`);
  return lines;
}

// ---- check yourself -------------------------------------------------------------------------

/** The course's table of candidate models: their MSE and penalty λΣw². */
export const COURSE_TABLE = { mse: [500, 400, 320, 260, 200, 150, 145], penalty: [10, 25, 55, 95, 120, 155, 200] };

/**
 * The penalty the core adds for these kernel weights: a Dense layer (no bias) holding them as its
 * kernel, with kernelRegularizer {l1, l2}; model.regularizationLoss().
 */
export function penaltyOf(pg, weights, l1, l2) {
  const model = pg.sequential([pg.layers.dense(1, { useBias: false, kernelRegularizer: { l1, l2 }, name: 'd' })],
    { inputShape: [weights.length], seed: 0 });
  try {
    const saved = JSON.parse(model.save({ includeOptimizer: false }));
    saved.weights['d/kernel'].data = Array.from(weights);
    model.loadWeights(saved);
    return pg.scope(() => model.regularizationLoss().item());
  } finally {
    model.dispose();
  }
}

export const exercises = [
  {
    id: 'table-min',
    question: 'The course lists seven candidate models with their MSE (500, 400, 320, 260, 200, 150, 145) and penalty λΣw² (10, 25, 55, 95, 120, 155, 200). Which row has the smallest total loss TL = MSE + penalty?',
    answer: { type: 'choice', options: COURSE_TABLE.mse.map((m, i) => ({ value: String(i + 1), label: `row ${i + 1} (MSE ${m})` })) },
    solve(pg) {
      const tl = pg.scope(() => pg.add(pg.tensor(COURSE_TABLE.mse, [7]), pg.tensor(COURSE_TABLE.penalty, [7])).toArray());
      let best = 0;
      for (let i = 1; i < tl.length; i++) if (tl[i] < tl[best]) best = i;
      return {
        value: String(best + 1),
        working: [`TL per row: ${Array.from(tl).join(', ')}.`,
          `The smallest is ${tl[best]} (row ${best + 1}: MSE ${COURSE_TABLE.mse[best]} + penalty ${COURSE_TABLE.penalty[best]}); row 7 has the smallest MSE (145) but its weights cost 200.`],
      };
    },
  },
  {
    id: 'ridge-penalty',
    question: 'The course\'s overfit model y = 100·x1 + 500·x2 against y = 2·x1 + x2: with Ridge, λ = 0.01, what penalty λ·Σw² does the first one pay?',
    answer: { type: 'number', tolerance: 0.5 },
    solve(pg) {
      const big = penaltyOf(pg, [100, 500], 0, 0.01);
      const small = penaltyOf(pg, [2, 1], 0, 0.01);
      return { value: big, working: [`$0.01 \\cdot (100^2 + 500^2) = 0.01 \\cdot 260000 = ${fmt(big, 2)}$ (the core's Dense kernel penalty).`,
        `The small model pays $0.01 \\cdot (2^2 + 1^2) = ${fmt(small, 4)}$.`] };
    },
  },
  {
    id: 'exact-zeros',
    question: (s) => `In the two-weight picture (λ = ${s.geoLambda}, L1 share ${s.mix}), how many of the two weights of the penalized optimum ŵ are exactly 0?`,
    answer: { type: 'number', tolerance: 0 },
    solve(pg, s) {
      const g = geometry(pg, s);
      const zeros = g.opt.filter((v) => v === 0).length;
      return { value: zeros, working: [`The core's proximal gradient ends at ŵ = (${fmt(g.opt[0])}, ${fmt(g.opt[1])}) after ${g.iterations} steps (λ1 = ${fmt(g.l1)}, λ2 = ${fmt(g.l2)}).`,
        g.l1 > 0 ? `A weight is set to exactly 0 when its gradient step lands within t·λ1 = ${fmt(g.step * g.l1)} of 0.` : 'Without an L1 part the proximal map only shrinks (divides by 1 + 2tλ2): no weight becomes exactly 0.'] };
    },
  },
];
