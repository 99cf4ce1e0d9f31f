// The gradient-descent lesson: a line ŷ = w·x + b fitted to points you drag by gradient descent on
// the MSE; the loss surface over (w, b) with the path; the gradient and the update at any step;
// full batch, mini-batch and stochastic (seeded shuffling without replacement, epochs vs steps);
// and the learning rate 2/λmax above which it diverges.
//
// compute() is pure (no DOM): it runs in the page, in Node (tests/node/lesson-gradient-descent.test.mjs)
// and in the CLI (npx playgrad lesson gradient-descent --lr 0.29 --epochs 40). Every number comes
// from the core: the path from pg.optim.linePath (each step the batch MSE's backward() and the
// core's SGD, the shuffling model.fit's), the Hessian and its eigenvalues from pg.optim.lineStats,
// the contour grid from one broadcast of pg ops, and the numbers at the shown step from pg ops
// and backward(). JavaScript picks and lays them out.
import { fmt } from '../format.mjs';

export { text } from './text.mjs';
export { fmt };

export const id = 'gradient-descent';
export const title = 'Gradient descent';
export const summary = 'Fit a line by walking downhill on the MSE: the update rule, full batch vs mini-batch vs stochastic, and the learning rate where it blows up.';

/** The default points, x1, y1, x2, y2, ... (roughly y = 1.5x + 1 with noise). */
export const DEFAULT_POINTS = [-0.8, -0.35, -0.3, 0.9, 0.4, 1.3, 0.9, 2.6, 1.5, 3, 2.1, 4.4, 2.6, 4.7, 3.2, 6];
/** The data plot's box [x0, x1, y0, y1], widened to hold every point. */
export const DATA_BOX = [-2, 5, -3, 8];
/** Coordinates of a point (the setting's range). */
export const COORD = 10;
export const MAX_POINTS = 30;
/** Half the side of the (w, b) box around the least-squares line's (w*, b*). */
export const SURFACE_RADIUS = 4;
/** Contour grid points per side. */
export const GRID = 96;
/** A path leaving |w|, |b| <= LIMIT has diverged and stops. */
export const LIMIT = 1e4;

/** Steps per epoch as the step setting's bound: ceil(N / min(B, N)) (the core reports the same). */
const stepsBound = (s) => {
  const n = s.points.length / 2;
  return s.epochs * Math.ceil(n / Math.min(s.batch, n));
};

export const settings = [
  {
    name: 'lr', type: 'number', label: 'Learning rate α', default: 0.15, min: 0.001, max: 1, step: 0.001, digits: 3,
    help: 'Above 2/λmax (below, for these points) full-batch descent diverges.',
  },
  {
    name: 'batch', type: 'integer', label: 'Batch size B', default: 8, min: 1, max: MAX_POINTS,
    help: 'B = 1: stochastic; 1 < B < N: mini-batch; B ≥ N: full batch (every point in every step).',
  },
  { name: 'epochs', type: 'integer', label: 'Epochs', default: 20, min: 1, max: 100 },
  { name: 'seed', type: 'integer', label: 'Shuffle seed', default: 1, min: 0, max: 9999, help: 'The order of the points in each epoch (mini-batch and stochastic).' },
  { name: 'w0', type: 'number', label: 'Start w₀', default: -1.5, min: -COORD, max: COORD, step: 0.01, help: 'Or drag the start on the loss surface (or focus it and use the arrow keys).' },
  { name: 'b0', type: 'number', label: 'Start b₀', default: 4, min: -COORD, max: COORD, step: 0.01 },
  {
    name: 'points', type: 'numbers', label: 'Points (x, y)', default: DEFAULT_POINTS, group: 2,
    min: -COORD, max: COORD, step: 0.01, minLength: 4, maxLength: 2 * MAX_POINTS,
    itemLabel: (i) => `${i % 2 ? 'y' : 'x'}${Math.floor(i / 2) + 1}`, itemName: 'a point',
    help: 'Or drag the points on the plot; click empty space to add one, double-click one to remove it.',
  },
  {
    name: 'step', type: 'integer', label: 'Step shown t', default: 0, min: 0, max: stepsBound,
    help: 'The step whose numbers are shown (0: the start). The buttons under the plots do the same.',
  },
];

/** The points of a state as { xs, ys }. */
export function pointsOf(s) {
  const xs = [], ys = [];
  for (let i = 0; i + 1 < s.points.length; i += 2) { xs.push(s.points[i]); ys.push(s.points[i + 1]); }
  return { xs, ys };
}

/** The data plot's box for a state: DATA_BOX widened to hold every point with a margin. */
export function dataBox(s) {
  const { xs, ys } = pointsOf(s);
  const [a, b, c, d] = DATA_BOX;
  return [Math.min(a, ...xs.map((v) => v - 0.5)), Math.max(b, ...xs.map((v) => v + 0.5)),
    Math.min(c, ...ys.map((v) => v - 0.5)), Math.max(d, ...ys.map((v) => v + 0.5))];
}

/** The (w, b) box: SURFACE_RADIUS around (w*, b*) (rounded to 0.5), widened to hold the start. */
export function surfaceBox(stats, s) {
  const cw = stats.unique ? Math.round(stats.wOpt * 2) / 2 : 0;
  const cb = stats.unique ? Math.round(stats.bOpt * 2) / 2 : Math.round((stats.sy / stats.n) * 2) / 2;
  const R = SURFACE_RADIUS;
  return [Math.min(cw - R, s.w0 - 0.5), Math.max(cw + R, s.w0 + 0.5), Math.min(cb - R, s.b0 - 0.5), Math.max(cb + R, s.b0 + 0.5)];
}

// Memos of deterministic results (per pg): the path while only the shown step changes, the grid
// while the points and the box stay.
const pathMemo = new WeakMap();
const gridMemo = new WeakMap();

function pathOf(pg, s, xs, ys) {
  const key = JSON.stringify([s.points, s.lr, s.batch, s.epochs, s.seed, s.w0, s.b0]);
  const m = pathMemo.get(pg);
  if (m?.key === key) return m.path;
  const p = pg.optim.linePath(xs, ys, { w0: s.w0, b0: s.b0, lr: s.lr, batchSize: s.batch, epochs: s.epochs, seed: s.seed, limit: LIMIT });
  const path = {
    n: p.n, batchSize: p.batchSize, stepsPerEpoch: p.stepsPerEpoch, steps: p.steps,
    w: Array.from(p.w), b: Array.from(p.b), loss: Array.from(p.loss), batchLoss: Array.from(p.batchLoss),
    gw: Array.from(p.gw), gb: Array.from(p.gb), order: Array.from(p.order), stop: p.stop, stopStep: p.stopStep,
  };
  pathMemo.set(pg, { key, path });
  return path;
}

// L(w, b) = mean_i (w·x_i + b - y_i)² on a GRID × GRID grid: x, y as [N, 1, 1], w as [1, 1, G],
// b as [1, G, 1]; one broadcast to [N, G, G] and the mean over the points. Row r is b = bs[r],
// column c is w = ws[c].
function gridOf(pg, xs, ys, box) {
  const key = JSON.stringify([xs, ys, box]);
  const m = gridMemo.get(pg);
  if (m?.key === key) return m.grid;
  const [w0, w1, b0, b1] = box;
  const ws = Array.from({ length: GRID }, (_, i) => w0 + ((w1 - w0) * i) / (GRID - 1));
  const bs = Array.from({ length: GRID }, (_, i) => b0 + ((b1 - b0) * i) / (GRID - 1));
  const values = pg.scope(() => {
    const N = xs.length;
    const r = pg.sub(pg.add(pg.mul(pg.tensor(xs, [N, 1, 1]), pg.tensor(ws, [1, 1, GRID])), pg.tensor(bs, [1, GRID, 1])), pg.tensor(ys, [N, 1, 1]));
    return Array.from(pg.mean(pg.mul(r, r), 0).toArray());
  });
  const grid = { n: GRID, ws, bs, values };
  gridMemo.set(pg, { key, grid });
  return grid;
}

/**
 * The MSE of the line (w, b) on the points xs, ys, its gradient by backward() and by the formula
 * 2/n Σ (ŷ - y)·x, 2/n Σ (ŷ - y), and the per-point numbers, all from the core.
 */
export function mseAt(pg, w, b, xs, ys) {
  return pg.scope(() => {
    const wt = pg.tensor(w, [], { requiresGrad: true });
    const bt = pg.tensor(b, [], { requiresGrad: true });
    const X = pg.tensor(xs), Y = pg.tensor(ys);
    const pred = pg.add(pg.mul(wt, X), bt);
    const res = pg.sub(pred, Y);              // ŷ - y
    const loss = pg.losses.mse(pred, Y);      // 1/n Σ (ŷ - y)²
    loss.backward();
    const resX = pg.mul(res, X);              // (ŷ - y)·x
    return {
      loss: loss.item(),
      pred: Array.from(pred.toArray()),
      res: Array.from(res.toArray()),
      res2: Array.from(pg.mul(res, res).toArray()),
      resX: Array.from(resX.toArray()),
      grad: [wt.grad.item(), bt.grad.item()],                                     // backward()
      formula: [pg.mul(pg.mean(resX), 2).item(), pg.mul(pg.mean(res), 2).item()], // 2/n Σ ...
    };
  });
}

/** 'full', 'mini' or 'stochastic' for the batch size the core used. */
export const modeOf = (path) => (path.batchSize >= path.n ? 'full' : path.batchSize === 1 ? 'stochastic' : 'mini');

/**
 * The lesson's numbers for a state. Throws a PlaygradError naming the op for input the core
 * refuses (the settings' ranges keep the page's input valid).
 */
export function compute(pg, s) {
  const { xs, ys } = pointsOf(s);
  const stats = pg.optim.lineStats(xs, ys);
  const path = pathOf(pg, s, xs, ys);
  const box = surfaceBox(stats, s);
  const grid = gridOf(pg, xs, ys, box);
  const N = path.n, B = path.batchSize, S = path.stepsPerEpoch;

  // The shown step t (at most the last point of the path) and the batch its update uses.
  const t = Math.min(s.step, path.steps);
  const hasNext = t < path.steps;
  const epoch = Math.floor(t / S), inEpoch = t % S;
  const batch = hasNext ? path.order.slice(epoch * N + inEpoch * B, epoch * N + Math.min((inEpoch + 1) * B, N)) : [];
  const w = path.w[t], b = path.b[t];
  const all = mseAt(pg, w, b, xs, ys);
  // The batch's numbers (a full batch is all of the points: the same numbers, not computed twice).
  const onBatch = !hasNext ? null : B >= N ? all : mseAt(pg, w, b, batch.map((i) => xs[i]), batch.map((i) => ys[i]));
  // The update: what the core's SGD did (the path's next point) next to α and the gradient it used.
  const update = hasNext ? { gw: path.gw[t], gb: path.gb[t], w: path.w[t + 1], b: path.b[t + 1] } : null;

  // Where a full-batch step from here would go: (w, b) - α·∇L (drawn next to the batch's step).
  const fullNext = pg.scope(() => Array.from(pg.sub(pg.tensor([w, b]), pg.mul(pg.tensor(all.grad), s.lr)).toArray()));

  return {
    xs, ys, n: N, lr: s.lr, epochs: s.epochs, seed: s.seed, start: [s.w0, s.b0],
    stats, path, mode: modeOf(path), batchSize: B, stepsPerEpoch: S,
    totalSteps: s.epochs * S,
    diverges: s.lr > stats.lrMax, // full batch: above 2/λmax every error along the top eigenvector grows
    t, epoch, inEpoch, batch, hasNext, w, b, all, onBatch, update, fullNext,
    box, dataBox: dataBox(s), grid,
  };
}

/** The numbers as text lines for the terminal. */
export function report(r) {
  const p = r.path;
  const lines = [];
  lines.push(`${r.n} points; line ŷ = w·x + b; loss L = 1/N Σ (ŷ - y)² (MSE)`);
  lines.push(`points: ${r.xs.map((x, i) => `(${fmt(x, 2)}, ${fmt(r.ys[i], 2)})`).join(' ')}`);
  const st = r.stats;
  lines.push(`Hessian H = 2/N [[Σx², Σx], [Σx, N]] = [[${fmt(st.hessian[0])}, ${fmt(st.hessian[1])}], [${fmt(st.hessian[2])}, ${fmt(st.hessian[3])}]]`);
  lines.push(`eigenvalues λmin = ${fmt(st.eigMin)}, λmax = ${fmt(st.eigMax)};  threshold 2/λmax = ${fmt(st.lrMax)};  α = ${r.lr} ${r.diverges ? '> threshold: full-batch descent diverges' : '< threshold: full-batch descent converges'}`);
  lines.push(st.unique ? `least squares: w* = ${fmt(st.wOpt)}, b* = ${fmt(st.bOpt)}, L* = ${fmt(st.lossOpt)}` : 'every x is the same: no unique minimum');
  const mode = { full: 'full batch', mini: 'mini-batch', stochastic: 'stochastic' }[r.mode];
  lines.push(`${mode}: B = ${r.batchSize}, steps per epoch = ceil(${r.n} / ${r.batchSize}) = ${r.stepsPerEpoch}, ${r.epochs} epochs = ${r.totalSteps} steps (seed ${r.seed})`);
  lines.push(`${'step'.padStart(6)}${'epochs done'.padStart(13)}${'w'.padStart(11)}${'b'.padStart(11)}${'L'.padStart(12)}${'dL/dw'.padStart(11)}${'dL/db'.padStart(11)}`);
  const every = Math.max(1, Math.ceil(p.steps / 12));
  for (let t = 0; t <= p.steps; t++) {
    if (t % every && t !== p.steps) continue;
    lines.push(`${String(t).padStart(6)}${String(Math.floor(t / r.stepsPerEpoch)).padStart(13)}${fmt(p.w[t]).padStart(11)}${fmt(p.b[t]).padStart(11)}${fmt(p.loss[t]).padStart(12)}${(t < p.steps ? fmt(p.gw[t]) : '').padStart(11)}${(t < p.steps ? fmt(p.gb[t]) : '').padStart(11)}`);
  }
  if (p.stop) lines.push(`stopped: ${p.stop}`);
  lines.push(`step t = ${r.t} (epoch ${r.epoch + 1}, batch ${r.inEpoch + 1} of ${r.stepsPerEpoch}): w = ${fmt(r.w)}, b = ${fmt(r.b)}, L = ${fmt(r.all.loss)}, full gradient (${fmt(r.all.grad[0])}, ${fmt(r.all.grad[1])})`);
  if (r.update) {
    lines.push(`  batch rows ${r.batch.map((i) => i + 1).join(', ')}: dL/dw = 2/${r.batch.length} Σ (ŷ - y)·x = ${fmt(r.update.gw)}, dL/db = 2/${r.batch.length} Σ (ŷ - y) = ${fmt(r.update.gb)}`);
    lines.push(`  w <- w - α·dL/dw = ${fmt(r.w)} - ${r.lr}·(${fmt(r.update.gw)}) = ${fmt(r.update.w)};  b <- ${fmt(r.b)} - ${r.lr}·(${fmt(r.update.gb)}) = ${fmt(r.update.b)}`);
  }
  return lines;
}

// ---- check yourself (lessons/exercises.mjs) ------------------------------------------------------

const num = (v) => fmt(v, 2).replace(/\.?0+$/, '');

export const exercises = [
  {
    id: 'sign-dw',
    question: (s) => `At the start $(w_0, b_0) = (${num(s.w0)}, ${num(s.b0)})$ with the points above, what is the sign of $\\partial L / \\partial w$ (full batch), and so which way does the first step move $w$?`,
    answer: {
      type: 'choice',
      options: [{ value: 'negative', label: 'negative: w grows' }, { value: 'zero', label: 'zero: w stays' },
        { value: 'positive', label: 'positive: w shrinks' }],
    },
    solve(pg, s) {
      const { xs, ys } = pointsOf(s);
      const a = mseAt(pg, s.w0, s.b0, xs, ys);
      const g = a.grad[0];
      return {
        value: g < 0 ? 'negative' : g > 0 ? 'positive' : 'zero',
        working: [`$\\partial L / \\partial w = \\frac{2}{N} \\sum_i (\\hat y_i - y_i)\\, x_i = ${fmt(a.formula[0])}$ (backward() gives ${fmt(g)}).`,
          `$w_{new} = w_{old} - \\alpha \\cdot \\partial L / \\partial w$: a ${g < 0 ? 'negative' : 'positive'} derivative ${g < 0 ? 'raises' : 'lowers'} $w$; the sign of the derivative decides the direction, $\\alpha$ only the length of the step.`],
      };
    },
  },
  {
    id: 'steps-per-epoch',
    question: 'With N = 10 points and batch size B = 4, how many steps (updates of w and b) make one epoch?',
    answer: { type: 'number', tolerance: 0 },
    solve(pg) {
      const xs = Array.from({ length: 10 }, (_, i) => i / 2), ys = xs.map((x) => x + 1);
      const p = pg.optim.linePath(xs, ys, { lr: 0.01, batchSize: 4, epochs: 1, seed: 1 });
      return {
        value: p.steps,
        working: [`One epoch passes every point once (forward + backward): $\\lceil 10 / 4 \\rceil = ${p.stepsPerEpoch}$ batches, the last one smaller (it holds the points that are left), one step each; the core ran ${p.steps} steps for one epoch.`],
      };
    },
  },
  {
    id: 'double-lr',
    question: (s) => `With these points, full batch, and the learning rate doubled to $\\alpha = ${num(2 * s.lr)}$: does gradient descent converge or diverge?`,
    answer: { type: 'choice', options: [{ value: 'converges', label: 'converges' }, { value: 'diverges', label: 'diverges' }] },
    solve(pg, s) {
      const { xs, ys } = pointsOf(s);
      const st = pg.optim.lineStats(xs, ys);
      const lr = 2 * s.lr;
      const p = pg.optim.linePath(xs, ys, { w0: s.w0, b0: s.b0, lr, batchSize: 0, epochs: 2000, limit: LIMIT });
      const grows = p.stop !== '' || p.loss[p.steps] > p.loss[0];
      return {
        value: grows ? 'diverges' : 'converges',
        working: [`$\\lambda_{max} = ${fmt(st.eigMax)}$, so the threshold is $2 / \\lambda_{max} = ${fmt(st.lrMax)}$; $\\alpha = ${fmt(lr)}$ is ${lr > st.lrMax ? 'above' : 'below'} it.`,
          `Along the steepest direction each step multiplies the error by $1 - \\alpha \\lambda_{max} = ${fmt(1 - lr * st.eigMax)}$${Math.abs(1 - lr * st.eigMax) > 1 ? ', more than 1 in size: it grows' : ', less than 1 in size: it shrinks'}. The core's run: ${p.stop ? p.stop : `L went from ${fmt(p.loss[0])} to ${fmt(p.loss[p.steps])} in ${p.steps} steps`}.`],
      };
    },
  },
];
