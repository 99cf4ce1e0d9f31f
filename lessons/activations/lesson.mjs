// The activations lesson: sigmoid, tanh, ReLU, leaky ReLU and PReLU with their derivatives and
// where each saturates; PReLU's slope learned by gradient descent; a deep stack whose per-layer
// gradient norms show vanishing and exploding gradients (the course's 0.99^365 vs 1.01^365),
// dead and saturated units, activation histograms, and the symmetry of a zero initialisation.
//
// compute() is pure (no DOM): it runs in the page, in Node (tests/node/lesson-activations.test.mjs)
// and in the CLI (npx playgrad lesson activations --act relu --depth 20). Every number comes from
// the C++ core: the curves from pg.activationCurve (forward + backward through the layers' own
// activation code), PReLU's slope from real SGD steps of a model with a PReLU layer, the stack's
// statistics from model.probe() (core/include/playgrad/nn/probe.h: one forward and one backward
// pass, gradient norms, f'(z), dead and saturated shares, histograms), and the products and powers
// from pg ops. JavaScript lays the numbers out.
import { fmt } from '../format.mjs';

export { text } from './text.mjs';
export { fmt };

export const id = 'activations';
export const title = 'Activations and vanishing gradients';
export const summary = 'Sigmoid, tanh, ReLU, leaky ReLU and PReLU, their derivatives, and what a deep stack does to the gradient.';

/** The activations, in the course's order, with the formulas shown. */
export const ACTIVATIONS = [
  { key: 'sigmoid', name: 'Sigmoid', f: '\\sigma(x) = \\frac{1}{1 + e^{-x}}', d: "\\sigma'(x) = \\sigma(x)\\,(1 - \\sigma(x)) \\le \\tfrac14" },
  { key: 'tanh', name: 'tanh', f: '\\tanh x = \\frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}', d: "\\tanh' x = 1 - \\tanh^2 x \\le 1" },
  { key: 'relu', name: 'ReLU', f: '\\operatorname{ReLU}(x) = \\max(x, 0)', d: "\\operatorname{ReLU}'(x) = [x > 0]" },
  { key: 'leaky_relu', name: 'Leaky ReLU', f: 'f(x) = x > 0\\ ?\\ x : \\alpha x', d: "f'(x) = x > 0\\ ?\\ 1 : \\alpha" },
  { key: 'prelu', name: 'PReLU', f: 'f(x) = \\max(x, 0) + a \\min(x, 0)', d: "f'(x) = x > 0\\ ?\\ 1 : a,\\quad \\frac{\\partial f}{\\partial a} = \\min(x, 0)" },
];

/** Initialisations of the stack's kernels (biases start at 0, as Keras). */
export const INITS = [
  { value: 'zeros', label: 'zeros' },
  { value: 'constant', label: 'constant (scale)' },
  { value: 'uniform', label: 'uniform U(−scale, scale)' },
  { value: 'normal', label: 'normal N(0, scale²)' },
  { value: 'glorot_uniform', label: 'Glorot uniform' },
  { value: 'glorot_normal', label: 'Glorot normal' },
  { value: 'he_uniform', label: 'He uniform' },
  { value: 'he_normal', label: 'He normal' },
];

/** The curves' grid: x from −X to X in steps of DX. */
export const X = 6;
export const DX = 0.05;
/** A unit is saturated where f'(z) < SATURATION · (the largest f'). */
export const SATURATION = 0.05;
/** The PReLU task: N points x in [−3, 3], y = PReLU with the target slope. */
export const PRELU_POINTS = 41;
/** PReLU's training stops (diverged) when |a| passes this. */
export const DIVERGED = 1e6;
/** The stack's task: the 2-class spiral, this many points per class (seed 0). */
export const POINTS = 50;
/** Histogram bins per layer. */
export const BINS = 20;
/** The course's example: a factor per layer, 365 layers. */
export const COURSE = { low: 0.99, high: 1.01, n: 365 };

export const settings = [
  { name: 'alpha', section: 'The five curves', type: 'number', label: 'Leaky ReLU slope α', default: 0.01, min: 0, max: 0.5, step: 0.01,
    help: 'The course uses 0.01 (PyTorch\'s default; Keras uses 0.2 or 0.3).' },
  { name: 'target', section: 'PReLU learns its slope', type: 'number', label: 'PReLU: slope a* in the data', default: -0.5, min: -1, max: 1, step: 0.01,
    help: 'The data are y = max(x, 0) + a*·min(x, 0); a starts at 0.25.' },
  { name: 'preluLr', section: 'PReLU learns its slope', type: 'number', label: 'PReLU: learning rate', default: 0.1, min: 0.01, max: 1, step: 0.01 },
  { name: 'preluSteps', section: 'PReLU learns its slope', type: 'integer', label: 'PReLU: SGD steps', default: 30, min: 1, max: 200 },
  { name: 'act', section: 'The deep stack', type: 'choice', label: 'Stack: activation', default: 'sigmoid',
    options: ACTIVATIONS.map((a) => ({ value: a.key, label: a.name })) },
  { name: 'depth', section: 'The deep stack', type: 'integer', label: 'Stack: hidden layers (depth)', default: 10, min: 1, max: 20 },
  { name: 'width', section: 'The deep stack', type: 'integer', label: 'Stack: units per layer', default: 16, min: 2, max: 64 },
  { name: 'init', section: 'The deep stack', type: 'choice', label: 'Stack: initialisation', default: 'normal', options: INITS },
  { name: 'scale', section: 'The deep stack', type: 'number', label: 'Stack: scale (σ, limit or constant)', default: 1, min: 0, max: 4, step: 0.01,
    help: 'Used by constant, uniform and normal; Glorot and He set their own from the fans.' },
  { name: 'seed', section: 'The deep stack', type: 'integer', label: 'Stack: seed', default: 1, min: 0, max: 9999 },
  { name: 'steps', section: 'The deep stack', type: 'integer', label: 'Stack: SGD steps for the second look', default: 1, min: 0, max: 100 },
  { name: 'lr', section: 'The deep stack', type: 'number', label: 'Stack: learning rate', default: 0.5, min: 0.01, max: 2, step: 0.01 },
  { name: 'layer', section: 'The deep stack', type: 'integer', label: 'Stack: layer shown in detail', default: 1, min: 1,
    max: (s) => s.depth + 1, widget: 'select', itemLabel: (i) => `layer ${i}`,
    help: 'Or click a point of the gradient chart. The last one is the output layer.' },
];

const arr = (t) => Array.from(t.toArray());
// The probe's JSON writes a non-finite number as null: read it back as NaN.
const num = (v) => (v === null ? NaN : v);

/** The kernel initializer spec of the stack for a state. */
export function initSpec({ init, scale }) {
  if (init === 'constant') return { name: 'constant', value: scale };
  if (init === 'uniform') return { name: 'uniform', lo: -scale, hi: scale };
  if (init === 'normal') return { name: 'normal', mean: 0, std: scale };
  return init;
}

/** The curves' grid (input data, not a computed number). */
export function grid() {
  const n = Math.round((2 * X) / DX) + 1;
  return Array.from({ length: n }, (_, i) => Number((-X + i * DX).toFixed(10)));
}

/** PReLU learning its slope: SGD on mse against y = PReLU_{a*}(x); a and ∂L/∂a at every step. */
function trainPrelu(pg, { target, preluLr, preluSteps }) {
  const xs = Array.from({ length: PRELU_POINTS }, (_, i) => -3 + (6 * i) / (PRELU_POINTS - 1));
  const y = pg.activationCurve('prelu', xs, { slope: target }).value;
  const model = pg.sequential([pg.layers.activation('prelu', { name: 'prelu' })], { inputShape: [1], seed: 0 });
  try {
    model.compile({ optimizer: { kind: 'sgd', lr: preluLr }, loss: 'mse' });
    const x = pg.tensor(xs, [PRELU_POINTS, 1]);
    const yt = pg.tensor(y, [PRELU_POINTS, 1]);
    const slope = model.weights()['prelu/slope'];
    const a = [slope.item()], grad = [], loss = [];
    let diverged = -1;
    for (let t = 0; t < preluSteps; t++) {
      const l = model.trainOnBatch(x, yt);  // zero_grad, forward, mse, backward, a ← a − α ∂L/∂a
      const at = slope.item();
      // Too large a learning rate overshoots further every step: stop before float32 overflows.
      if (!Number.isFinite(l) || !Number.isFinite(at) || Math.abs(at) > DIVERGED) { diverged = t; break; }
      loss.push(l);
      grad.push(slope.grad.item());
      a.push(at);
    }
    return { x: xs, y, a, grad, loss, lr: preluLr, target, start: a[0], diverged };
  } finally {
    model.dispose();
  }
}

/** The stack (Dense + Activation) × depth → Dense(1), compiled with SGD and log loss on logits. */
export function buildStack(pg, s) {
  const layers = [];
  for (let k = 1; k <= s.depth; k++) {
    layers.push(pg.layers.dense({ units: s.width, kernelInitializer: initSpec(s), name: `dense_${k}` }));
    layers.push(pg.layers.activation({ activation: s.act, alpha: s.alpha, name: `act_${k}` }));
  }
  layers.push(pg.layers.dense({ units: 1, kernelInitializer: initSpec(s), name: 'output' }));
  const model = pg.sequential(layers, { inputShape: [2], seed: s.seed });
  model.compile({ optimizer: { kind: 'sgd', lr: s.lr }, loss: { kind: 'binaryCrossEntropy', fromLogits: true } });
  return model;
}

// What the view shows of one probe: per Dense layer the kernel's gradient norm, per hidden layer
// the activation statistics.
// kernelOf(name): the Tensor of that layer's kernel (the model's own weight, read once a frame:
// the SGD step updates it in place).
function summarize(probe, k, kernelOf) {
  const dense = probe.layers.filter((l) => l.kind === 'Dense');
  const acts = probe.layers.filter((l) => l.kind === 'Activation');
  const name = dense[k - 1].name;
  const w = kernelOf(name);
  const g = w.grad;
  return {
    loss: num(probe.loss),
    gradNorms: dense.map((l) => num(l.weights[0].gradNorm)),
    weightNorms: dense.map((l) => num(l.weights[0].norm)),
    spread: dense.map((l) => num(l.weights[0].spread)),
    gradSpread: dense.map((l) => num(l.weights[0].gradSpread)),
    layers: acts.map((l) => ({
      hist: l.output.histogram, mean: num(l.output.mean), std: num(l.output.std), min: num(l.output.min), max: num(l.output.max),
      meanDerivative: num(l.derivative.mean), saturated: l.derivative.saturatedShare, dead: l.derivative.deadShare,
      deadUnits: l.derivative.deadUnits, zero: l.derivative.zeroShare,
    })),
    detail: { name, shape: w.shape, kernel: arr(w), grad: g ? arr(g) : new Array(w.size).fill(0) },
  };
}

// One control change recomputes only what depends on it: the PReLU run depends on (target,
// preluLr, preluSteps) only and the curves on (alpha, the learned slope), so a change of a stack
// setting reuses them. The cache holds the last result of each part per core instance (plain
// data, never tensors); the same inputs give the same numbers, cached or not (a test checks).
const memo = new WeakMap();
function cached(pg, part, key, make) {
  let m = memo.get(pg);
  if (!m) memo.set(pg, (m = {}));
  if (m[part]?.key !== key) m[part] = { key, value: make() };
  return m[part].value;
}

/**
 * The lesson's numbers for a state, all computed by the core. Returns plain arrays and numbers
 * (NaN and Infinity where float32 gives them, e.g. a ratio of zero gradients).
 */
export function compute(pg, s) {
  return pg.scope(() => {
    const prelu = cached(pg, 'prelu', `${s.target} ${s.preluLr} ${s.preluSteps}`, () => trainPrelu(pg, s));
    const xs = grid();
    const slope = prelu.a[prelu.a.length - 1];
    const curves = cached(pg, 'curves', `${s.alpha} ${slope}`, () => ACTIVATIONS.map(({ key }) => {
      const c = pg.activationCurve(key, xs, { alpha: s.alpha, slope, saturation: SATURATION });
      return { key, peak: c.peak, threshold: c.threshold, value: c.value, derivative: c.derivative, slopeGrad: c.slopeGrad, intervals: c.intervals, alpha: c.alpha, slope: c.slope };
    }));

    const model = buildStack(pg, s);
    try {
      const { x, y } = pg.data.spiral(POINTS, 2, 0);
      const y2 = pg.reshape(y, [-1, 1]);
      const range = s.act === 'sigmoid' ? { lo: 0, hi: 1 } : s.act === 'tanh' ? { lo: -1, hi: 1 } : {};
      const opts = { bins: BINS, saturation: SATURATION, ...range };
      const kernels = new Map();
      const kernelOf = (name) => {
        if (!kernels.has(name)) kernels.set(name, model.weights()[`${name}/kernel`]);
        return kernels.get(name);
      };
      const before = summarize(model.probe(x, y2, opts), s.layer, kernelOf);
      const trainLoss = [];
      for (let t = 0; t < s.steps; t++) trainLoss.push(model.trainOnBatch(x, y2));
      const after = s.steps ? summarize(model.probe(x, y2, opts), s.layer, kernelOf) : before;  // no step: the same look

      // Per-layer factors r_k = ‖∂L/∂W_k‖ / ‖∂L/∂W_{k+1}‖ (layer k+1 is the one after k, nearer the
      // loss), their product (= the ratio first/last), its geometric mean per layer, and the course's powers.
      const g = before.gradNorms;
      const L = g.length;
      const factors = L > 1 ? arr(pg.div(pg.tensor(g.slice(0, -1)), pg.tensor(g.slice(1)))) : [];
      const ratio = pg.div(pg.tensor([g[0]]), pg.tensor([g[L - 1]])).item();
      const product = L > 1 ? pg.exp(pg.sum(pg.log(pg.tensor(factors)))).item() : 1;
      const perLayer = L > 1 ? pg.pow(pg.tensor([ratio]), 1 / (L - 1)).item() : 1;
      const course = arr(pg.pow(pg.tensor([COURSE.low, COURSE.high]), COURSE.n));
      return {
        curves, grid: { from: -X, to: X, step: DX, n: xs.length }, saturation: SATURATION, prelu,
        stack: {
          act: s.act, depth: s.depth, width: s.width, init: s.init, initSpec: initSpec(s), seed: s.seed,
          rows: 2 * POINTS, steps: s.steps, lr: s.lr, layer: s.layer, histRange: range,
          before, after, trainLoss, factors, ratio, product, perLayer,
        },
        course: { low: COURSE.low, high: COURSE.high, n: COURSE.n, lowPow: course[0], highPow: course[1] },
      };
    } finally {
      model.dispose();
    }
  });
}

const pct = (v) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : fmt(v));

/** The numbers as rows of text, for the terminal (scripts/cli.mjs). */
export function report(r, s) {
  const lines = [];
  lines.push(`activations on x in [${-X}, ${X}] (step ${DX}); saturated where f'(x) < ${r.saturation} * max f'`);
  for (const c of r.curves) {
    const sat = c.intervals.length ? c.intervals.map(([a, b]) => `[${fmt(a, 2)}, ${fmt(b, 2)}]`).join(' ') : 'nowhere';
    const extra = c.key === 'leaky_relu' ? ` (alpha ${fmt(c.alpha, 3)})` : c.key === 'prelu' ? ` (a ${fmt(c.slope)})` : '';
    lines.push(`  ${c.key.padEnd(10)}${extra}: max f' = ${fmt(c.peak)}; saturated on ${sat}`);
  }
  const p = r.prelu;
  lines.push(`PReLU slope: a0 = ${fmt(p.start)} -> a${p.a.length - 1} = ${fmt(p.a[p.a.length - 1])} (data made with a* = ${fmt(p.target)}; SGD lr ${p.lr}; dL/da = (2/N) sum (yhat - y) min(x, 0))`);
  if (p.diverged >= 0) lines.push(`  diverged at step ${p.diverged}: the learning rate overshoots a* further every step`);
  const st = r.stack;
  lines.push(`stack: 2 -> ${st.depth} x [Dense(${st.width}) ${st.act}] -> Dense(1), init ${s.init}${['constant', 'uniform', 'normal'].includes(s.init) ? ` (scale ${s.scale})` : ''}, seed ${st.seed}; spiral, ${st.rows} rows; loss ${fmt(st.before.loss)}`);
  lines.push(['layer', '|dL/dW|', 'factor', 'mean f\'', 'saturated', 'dead', 'units equal'].map((h, i) => h.padStart(i ? 11 : 6)).join(''));
  st.before.gradNorms.forEach((gn, k) => {
    const l = st.before.layers[k];
    lines.push([String(k + 1).padStart(6), fmt(gn).padStart(11), (k < st.factors.length ? fmt(st.factors[k]) : '').padStart(11),
      (l ? fmt(l.meanDerivative) : 'output').padStart(11), (l ? pct(l.saturated) : '').padStart(11), (l ? pct(l.dead) : '').padStart(11),
      (st.before.spread[k] === 0 ? 'yes' : 'no').padStart(11)].join(''));
  });
  lines.push(`first/last = ${fmt(st.ratio)} = product of the ${st.factors.length} factors (${fmt(st.product)}) = ${fmt(st.perLayer)}^${st.factors.length}`);
  lines.push(`the course: ${r.course.low}^${r.course.n} = ${fmt(r.course.lowPow)}, ${r.course.high}^${r.course.n} = ${fmt(r.course.highPow)}`);
  const sym = st.after.spread[st.layer - 1] === 0 && st.after.gradSpread[st.layer - 1] === 0;
  lines.push(`after ${st.steps} SGD step(s): loss ${fmt(st.after.loss)}; layer ${st.layer}'s units ${sym ? 'are still identical (weights and gradients)' : 'differ'}`);
  return lines;
}

// ---- check yourself (lessons/exercises.mjs) ------------------------------------------------------

export const exercises = [
  {
    id: 'quarter',
    question: 'Which activation has a derivative that is never above 0.25, so every layer of it shrinks the gradient at least fourfold?',
    answer: { type: 'choice', options: ACTIVATIONS.map((a) => ({ value: a.key, label: a.name })) },
    solve(pg, s) {
      const peaks = ACTIVATIONS.map(({ key }) => [key, pg.activationCurve(key, grid(), { alpha: s.alpha }).derivative.reduce((m, v) => (v > m ? v : m), -Infinity)]);
      const below = peaks.filter(([, p]) => p <= 0.25);
      return {
        value: below.length === 1 ? below[0][0] : below.map(([k]) => k).join(','),
        working: [`The largest derivative on the grid, from the core's backward pass: ${peaks.map(([k, p]) => `${k} ${fmt(p)}`).join(', ')}.`,
          "$\\sigma'(x) = \\sigma(x)(1 - \\sigma(x))$ is largest at $x = 0$, where $\\sigma = \\tfrac12$: $\\tfrac12 \\cdot \\tfrac12 = \\tfrac14$."],
      };
    },
  },
  {
    id: 'depth10',
    question: (s) => `A stack of 10 sigmoid layers, ${s.width} units each, initialised ${INITS.find((i) => i.value === s.init).label}${['constant', 'uniform', 'normal'].includes(s.init) ? ` with scale ${s.scale}` : ''} (seed ${s.seed}): is the gradient norm of the first layer divided by the last layer's above or below $10^{-3}$?`,
    answer: { type: 'choice', options: [{ value: 'above', label: 'above 1e-3' }, { value: 'below', label: 'below 1e-3' }] },
    solve(pg, s) {
      const r = compute(pg, { ...s, act: 'sigmoid', depth: 10, layer: 1, steps: 0 });
      const st = r.stack;
      return {
        value: st.ratio > 1e-3 ? 'above' : 'below',
        working: [`Measured by one backward pass: $\\lVert \\partial L/\\partial W_1 \\rVert = ${fmt(st.before.gradNorms[0])}$, $\\lVert \\partial L/\\partial W_{11} \\rVert = ${fmt(st.before.gradNorms[10])}$, ratio ${fmt(st.ratio)}.`,
          `That is ${fmt(st.perLayer)} per layer over 10 layers; each sigmoid multiplies by $\\sigma'(z) \\le 0.25$ (here ${fmt(st.before.layers.reduce((m, l) => m + l.meanDerivative, 0) / 10)} on average).`],
      };
    },
  },
  {
    id: 'course',
    question: 'Each of 365 layers multiplies the gradient by 0.99. What is left of it after all of them? (4 decimals.)',
    answer: { type: 'number', tolerance: 5e-4 },
    solve(pg) {
      const [low, high] = Array.from(pg.pow(pg.tensor([0.99, 1.01]), 365).toArray());
      return {
        value: low,
        working: [`$0.99^{365} = ${fmt(low)}$: a 1% loss per layer leaves about 2.5%.`,
          `$1.01^{365} = ${fmt(high)}$: a 1% gain per layer explodes it almost 38-fold.`],
      };
    },
  },
];
