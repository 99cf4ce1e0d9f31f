// The neuron lesson: one neuron ŷ = σ(w1·x1 + w2·x2 + b) on two-feature points of two classes
// (logistic regression), log loss against MSE with their gradients against z, gradient descent
// through the core's autograd, and the course's collapse of a 2 → 3 → 1 network without an
// activation into A·x1 + B·x2 + C.
//
// compute() is pure (no DOM): it runs in the page, in Node (tests/node/lesson-neuron.test.mjs) and
// in the CLI (npx playgrad lesson neuron --steps 50 --loss mse). Every number comes from the C++
// core through pg: the probabilities (pg.sigmoid of a pg.matmul), the losses (pg.losses), every
// gradient (backward()), each gradient-descent step (pg.optim.sgd on leaf tensors), and the
// collapse (pg.matmul of the weight matrices). JavaScript only lays the numbers out.
//
// Training and the URL: the points and the weights are settings, and so is `steps`. The weights
// w1, w2, b are the *start* of gradient descent; compute() runs `steps` core GD steps from them
// (and one more, to show the next update) and returns the whole path: the loss curve, the
// weights at every step, the neuron after the last step. So a shared link, the CLI flags and the
// page give the same trained neuron and the same curve. The Step and Train buttons only raise
// `steps` (kit.set); dragging the decision line (or a weight slider) sets new start weights, and
// the view then sets steps to 0: training starts over from the line you drew. The path is
// remembered between calls (a memo of a deterministic result), so Train, which raises steps by a
// few each frame, runs only the new steps in the core.
import { fmt } from '../format.mjs';

export { text } from './text.mjs';
export { fmt };

export const id = 'neuron';
export const title = 'The neuron';
export const summary = 'One neuron is logistic regression: drag its decision line, train it by gradient descent, compare log loss with MSE, and see why two layers without an activation collapse into one.';

/** The points live in [-BOX, BOX]²; the pictures show that square. */
export const BOX = 4;
/** At most this many points. */
export const MAX_POINTS = 60;
/** Probability grid: GRID × GRID cell centres over the box. */
export const GRID = 48;
/** The z axis of the gradient-against-z chart. */
export const Z_CURVE = Array.from({ length: 161 }, (_, i) => -8 + i / 10);
/** The hidden layer's activations (none: the collapse). */
export const ACTIVATIONS = [
  { value: 'none', label: 'none (linear)' },
  { value: 'relu', label: 'ReLU' },
  { value: 'tanh', label: 'tanh' },
  { value: 'sigmoid', label: 'sigmoid' },
];

/** Point sets; a point is [x1, x2, y]. */
export const PRESETS = {
  clusters: {
    label: 'Two clusters',
    points: [[1.2, 1.6, 1], [2.1, 0.8, 1], [0.6, 2.4, 1], [1.8, 2.2, 1], [2.6, 1.9, 1], [0.9, 0.7, 1], [2.9, 0.3, 1],
      [-1.4, -0.9, 0], [-2.2, 0.4, 0], [-0.6, -1.8, 0], [-1.9, -2.1, 0], [-0.3, -0.4, 0], [-2.8, -0.6, 0], [0.4, -1.2, 0]],
  },
  overlap: {
    label: 'Overlapping',
    points: [[1, 1.2, 1], [2, 0.5, 1], [0.2, 1.8, 1], [-0.5, 0.9, 1], [1.5, -0.4, 1], [2.5, 2, 1], [0.6, 0.1, 1], [-1, 2.2, 1],
      [-1.2, -1, 0], [-2, 0.2, 0], [0.4, -1.5, 0], [-0.3, -0.2, 0], [0.9, 0.6, 0], [-2.5, -1.8, 0], [1.2, -2, 0], [-1.6, 1, 0]],
  },
  xor: {
    label: 'XOR (no line separates it)',
    points: [[1.5, 1.5, 1], [2.3, 1, 1], [1, 2.4, 1], [-1.5, -1.5, 1], [-2.2, -1.1, 1], [-1.1, -2.3, 1],
      [-1.5, 1.5, 0], [-2.3, 1, 0], [-1, 2.4, 0], [1.5, -1.5, 0], [2.2, -1.1, 0], [1.1, -2.3, 0]],
  },
  circle: {
    label: 'Circle',
    points: [[0.5, 0.3, 1], [-0.4, 0.6, 1], [-0.6, -0.4, 1], [0.3, -0.7, 1], [0, 0, 1], [0.9, -0.1, 1],
      [3, 0, 0], [2.1, 2.1, 0], [0, 3, 0], [-2.1, 2.1, 0], [-3, 0, 0], [-2.1, -2.1, 0], [0, -3, 0], [2.1, -2.1, 0]],
  },
};

/** A point list as the text of the `points` setting: 'x1,x2,y;x1,x2,y;...'. */
export function pointsText(points) {
  const n = (v) => String(Number(v.toFixed(2)));
  return points.map(([a, b, y]) => `${n(a)},${n(b)},${y}`).join(';');
}

/**
 * Reads the `points` text: 'x1,x2,y' triples separated by ';' (spaces allowed), x1 and x2 in
 * [-BOX, BOX], y 0 or 1, 1 to MAX_POINTS points. Returns { points } or { error } (what is wrong).
 */
export function parsePoints(textValue) {
  const parts = String(textValue).split(';').map((p) => p.trim()).filter((p) => p !== '');
  if (!parts.length) return { error: 'at least one point' };
  if (parts.length > MAX_POINTS) return { error: `at most ${MAX_POINTS} points (got ${parts.length})` };
  const num = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
  const points = [];
  for (let i = 0; i < parts.length; i++) {
    const f = parts[i].split(',').map((s) => s.trim());
    const where = `point ${i + 1} ('${parts[i].slice(0, 20)}')`;
    if (f.length !== 3) return { error: `${where} must be x1,x2,y` };
    if (!f.every((s) => num.test(s))) return { error: `${where} must be three numbers` };
    const [a, b, y] = f.map(Number);
    if (!(Math.abs(a) <= BOX && Math.abs(b) <= BOX)) return { error: `${where} must lie in [-${BOX}, ${BOX}]²` };
    if (y !== 0 && y !== 1) return { error: `${where} must have class y = 0 or 1` };
    points.push([a, b, y]);
  }
  return { points };
}

const weight = (name, label, def, help) => ({ name, type: 'number', label, default: def, min: -10, max: 10, step: 0.01, help });
const NET_W = [1, 2, -1, 1, 0.5, -1, 1, -2, 0.5];
const NET_B = [0.5, -1, 1, 0.5];

export const settings = [
  {
    name: 'loss', type: 'choice', label: 'Loss', default: 'log',
    options: [{ value: 'log', label: 'log loss (cross-entropy)' }, { value: 'mse', label: 'mean squared error' }],
  },
  weight('w1', 'Start weight w1', 1, 'The neuron before training (step 0). Or drag the line and the arrow w on the picture.'),
  weight('w2', 'Start weight w2', 0.5),
  { name: 'b', type: 'number', label: 'Start bias b', default: 0, min: -20, max: 20, step: 0.01 },
  { name: 'lr', type: 'number', label: 'Learning rate α', default: 0.5, min: 0.001, max: 10, step: 0.001 },
  {
    name: 'steps', type: 'integer', label: 'Gradient-descent steps', default: 0, min: 0, max: 1000,
    help: 'From the start weights; the Step and Train buttons raise it.',
  },
  {
    name: 'points', type: 'text', label: 'Points (x1,x2,y; …)', default: pointsText(PRESETS.clusters.points), maxLength: 1200,
    help: `x1,x2,y triples separated by ';', x1 and x2 in [-${BOX}, ${BOX}], y 0 or 1. Press Enter to apply. Or click, drag and shift-click on the picture.`,
    check: (v) => { const r = parsePoints(v); return r.error ? `x1,x2,y triples separated by ';': ${r.error}` : null; },
  },
  {
    name: 'act', type: 'choice', label: 'Hidden activation (2 → 3 → 1 network)', default: 'none', options: ACTIVATIONS,
    help: 'None: the network collapses to one linear function.',
  },
  {
    name: 'nw', type: 'numbers', label: 'Network weights w1 … w9', default: NET_W, min: -5, max: 5, step: 0.1,
    minLength: 9, maxLength: 9, itemLabel: (i) => `w${i + 1}`, itemName: 'a weight',
    help: 'N1 = w1 x1 + w2 x2 + b1, N2 = w3 x1 + w4 x2 + b2, N3 = w5 x1 + w6 x2 + b3; ŷ = w7 N1 + w8 N2 + w9 N3 + b4.',
  },
  {
    name: 'nb', type: 'numbers', label: 'Network biases b1 … b4', default: NET_B, min: -5, max: 5, step: 0.1,
    minLength: 4, maxLength: 4, itemLabel: (i) => `b${i + 1}`, itemName: 'a bias',
  },
];

const arr = (t) => Array.from(t.toArray());

/** The loss of logits z [n, 1] against labels y [n, 1] ('mean' or 'none'), through the core. */
function lossOf(pg, kind, z, y, reduction = 'mean') {
  return kind === 'mse'
    ? pg.losses.mse(pg.sigmoid(z), y, { reduction })
    : pg.losses.binaryCrossEntropyWithLogits(z, y, { reduction });
}

/** The grid's cell centres as an [GRID², 2] list (row r: x2 from the bottom, column c: x1). */
export const GRID_X = Array.from({ length: GRID }, (_, i) => -BOX + (2 * BOX * (i + 0.5)) / GRID);
// (A Float32Array: the core takes it without a conversion per element.)
const GRID_POINTS = Float32Array.from(GRID_X.flatMap((x2) => GRID_X.flatMap((x1) => [x1, x2])));

const pathMemo = new WeakMap(); // pg -> { key, w1: [], w2: [], b: [], loss: [] }

/**
 * Gradient descent from the start weights, at least `upTo` steps, through the core: each step
 * builds z = X·w + b and the loss on a leaf tensor, backward(), and pg.optim.sgd's step
 * (w ← w − α ∂L/∂w, b ← b − α ∂L/∂b). Returns the path { w1, w2, b } (states 0..m) and loss (at
 * states 0..m−1). Continues a remembered path for the same data, start, loss and α (the weights
 * are stored as the float32 values the core gave, so continuing equals running from scratch).
 * The weights and the bias are one leaf θ = (w1, w2, b) and the inputs carry a column of ones,
 * z = [x1 x2 1]·θ: the same z, the same gradients, one matmul per step instead of a matmul and an
 * add (a path of hundreds of steps is hundreds of round trips into the core).
 */
function gdPath(pg, s, points, upTo) {
  const key = JSON.stringify([points, s.w1, s.w2, s.b, s.loss, s.lr]);
  let path = pathMemo.get(pg);
  if (!path || path.key !== key) {
    path = { key, w1: [Math.fround(s.w1)], w2: [Math.fround(s.w2)], b: [Math.fround(s.b)], loss: [] };
    pathMemo.set(pg, path);
  }
  const have = path.w1.length - 1;
  if (have >= upTo) return path;
  pg.scope(() => {
    const X1 = pg.tensor(points.map((p) => [p[0], p[1], 1]));
    const Y = pg.tensor(points.map((p) => [p[2]]));
    const theta = pg.tensor([[path.w1[have]], [path.w2[have]], [path.b[have]]], undefined, { requiresGrad: true });
    const opt = pg.optim.sgd([theta], { lr: s.lr });
    try {
      for (let k = have; k < upTo; k++) {
        opt.zeroGrad();
        const L = pg.scope(() => {
          const loss = lossOf(pg, s.loss, pg.matmul(X1, theta), Y);
          loss.backward();
          return loss.item();
        });
        opt.step();
        const t = theta.toArray();
        path.loss.push(L);
        path.w1.push(t[0]);
        path.w2.push(t[1]);
        path.b.push(t[2]);
      }
    } finally {
      opt.dispose();
    }
  });
  return path;
}

const curveMemo = new WeakMap(); // pg -> the z curves (they depend on nothing but the core)

/** ∂L/∂z and L against z (Z_CURVE) for both losses and both labels, from the core's backward(). */
function zCurves(pg) {
  if (!curveMemo.has(pg)) curveMemo.set(pg, zCurvesNow(pg));
  return curveMemo.get(pg);
}

function zCurvesNow(pg) {
  return pg.scope(() => {
    const out = {};
    for (const kind of ['log', 'mse']) {
      out[kind] = {};
      for (const y of [0, 1]) {
        const z = pg.tensor(Float32Array.from(Z_CURVE), [Z_CURVE.length, 1], { requiresGrad: true });
        const L = lossOf(pg, kind, z, pg.full([Z_CURVE.length, 1], y), 'none');
        pg.sum(L).backward(); // each L_i depends on z_i only: the gradient is dL_i/dz_i
        out[kind][`y${y}`] = { loss: arr(L), grad: arr(z.grad) };
      }
    }
    return out;
  });
}

const netMemo = new WeakMap(); // pg -> { key, grid part }: the network on the grid, for the last weights

/** The 2 → 3 → 1 network: the collapse A, B, C, its values on the grid and at the points. */
function network(pg, s, points) {
  // The grid part depends on the network's settings only: while points are dragged or the neuron
  // trains it is reused (a memo of a deterministic result); ŷ at the points is always computed.
  const key = JSON.stringify([s.nw, s.nb, s.act]);
  let memo = netMemo.get(pg);
  if (!memo || memo.key !== key) {
    memo = { key, net: networkNow(pg, s, null) };
    netMemo.set(pg, memo);
  }
  const atPoints = networkNow(pg, s, points);
  const yhat = atPoints.yhat;
  return { ...memo.net, yhat, hidden: atPoints.hidden, correct: yhat.filter((v, i) => (v > 0 ? 1 : 0) === points[i][2]).length };
}

/** The network's numbers: with points, ŷ and the hidden N at them; without, the collapse and the grid. */
function networkNow(pg, s, points) {
  return pg.scope(() => {
    const [w1, w2, w3, w4, w5, w6, w7, w8, w9] = s.nw;
    const W1 = pg.tensor([[w1, w2], [w3, w4], [w5, w6]]); // [3, 2]: row i makes N_i
    const b1 = pg.tensor([[s.nb[0]], [s.nb[1]], [s.nb[2]]]); // [3, 1]
    const W2 = pg.tensor([[w7, w8, w9]]); // [1, 3]
    const b4 = pg.tensor([s.nb[3]]);
    // The collapse: ŷ = W2 (W1 x + b1) + b4 = (W2 W1) x + (W2 b1 + b4), so [A B] = W2 W1, C = W2 b1 + b4.
    const AB = arr(pg.matmul(W2, W1));
    const C = pg.add(pg.matmul(W2, b1), b4).item();
    const act = (h) => (s.act === 'relu' ? pg.relu(h) : s.act === 'tanh' ? pg.tanh(h) : s.act === 'sigmoid' ? pg.sigmoid(h) : h);
    // Forward on many points at once: rows are points, P [m, 2] -> H = P W1ᵀ + b1ᵀ [m, 3] -> ŷ [m, 1].
    const forward = (P) => {
      const N = pg.add(pg.matmul(P, pg.transpose(W1)), pg.transpose(b1));
      return { N, yhat: pg.add(pg.matmul(act(N), pg.transpose(W2)), b4) };
    };
    if (points) {
      const atPoints = forward(pg.tensor(points.map((p) => [p[0], p[1]])));
      return { yhat: arr(atPoints.yhat), hidden: arr(atPoints.N) };
    }
    const G = pg.tensor(GRID_POINTS, [GRID * GRID, 2]);
    const grid = forward(G).yhat;
    const plane = pg.add(pg.matmul(G, pg.tensor([[AB[0]], [AB[1]]])), C);
    const maxDev = pg.max(pg.abs(pg.sub(grid, plane))).item();
    return {
      act: s.act, W1: [[w1, w2], [w3, w4], [w5, w6]], b: [...s.nb], W2: [w7, w8, w9],
      A: AB[0], B: AB[1], C,
      // The collapse written out term by term (each product from the core).
      // W2 ⊙ W1ᵀ (broadcast [1, 3] with [2, 3]): row 0 is w7w1, w8w3, w9w5 (A), row 1 w7w2, w8w4, w9w6 (B);
      // W2 ⊙ b1ᵀ: w7b1, w8b2, w9b3 (C without b4).
      terms: (() => {
        const t = arr(pg.mul(W2, pg.transpose(W1)));
        return { A: t.slice(0, 3), B: t.slice(3, 6), C: arr(pg.mul(W2, pg.transpose(b1))) };
      })(),
      grid: arr(grid), prob: arr(pg.sigmoid(grid)), maxDev,
    };
  });
}

/**
 * All the lesson's numbers for a state, from the core. The neuron is the one after `steps`
 * gradient-descent steps from the start weights (w1, w2, b).
 */
export function compute(pg, s) {
  const parsed = parsePoints(s.points);
  if (parsed.error) throw new pg.PlaygradError(`neuron: points: ${parsed.error}`);
  const points = parsed.points;
  const path = gdPath(pg, s, points, s.steps + 1);
  const k = s.steps;
  const w = [path.w1[k], path.w2[k]], b = path.b[k];
  const neuron = pg.scope(() => {
    const X = pg.tensor(points.map((p) => [p[0], p[1]]));
    const Y = pg.tensor(points.map((p) => [p[2]]));
    const W = pg.tensor([[w[0]], [w[1]]], undefined, { requiresGrad: true });
    const B = pg.tensor([b], undefined, { requiresGrad: true });
    // The mean loss and its gradient at the current weights (what the next step uses).
    const z = pg.add(pg.matmul(X, W), B);
    const loss = lossOf(pg, s.loss, z, Y);
    loss.backward();
    // Per point: z_i, p_i = σ(z_i), L_i, dL_i/dz_i (backward of ΣL_i on a leaf z), and
    // ∂L_i/∂w = dL_i/dz_i · x_i, ∂L_i/∂b = dL_i/dz_i.
    const zLeaf = pg.tensor(arr(z), [points.length, 1], { requiresGrad: true });
    const Li = lossOf(pg, s.loss, zLeaf, Y, 'none');
    pg.sum(Li).backward();
    const dz = zLeaf.grad;
    const gw = pg.mul(dz, X); // [n, 2]
    const p = pg.sigmoid(zLeaf);
    // Both losses at the current weights, for the comparison line.
    const other = lossOf(pg, s.loss === 'mse' ? 'log' : 'mse', zLeaf, Y).item();
    // The probability on the grid: σ(G w + b).
    const pGrid = pg.sigmoid(pg.add(pg.matmul(pg.tensor(GRID_POINTS, [GRID * GRID, 2]), W.detach()), B.detach()));
    const gwv = arr(gw);
    return {
      z: arr(zLeaf), p: arr(p), losses: arr(Li), dLdz: arr(dz),
      gradPoint: points.map((_, i) => [gwv[2 * i], gwv[2 * i + 1]]),
      loss: loss.item(), otherLoss: other, gradW: arr(W.grad), gradB: B.grad.item(), pGrid: arr(pGrid),
    };
  });
  const correct = neuron.p.filter((v, i) => (v > 0.5 ? 1 : 0) === points[i][2]).length;
  return {
    box: BOX, gridN: GRID, gridX: GRID_X, points,
    lossKind: s.loss, lr: s.lr, steps: k,
    start: { w: [path.w1[0], path.w2[0]], b: path.b[0] },
    w, b, ...neuron, correct,
    next: { w: [path.w1[k + 1], path.w2[k + 1]], b: path.b[k + 1] },
    curve: { loss: path.loss.slice(0, k + 1), w1: path.w1.slice(0, k + 1), w2: path.w2.slice(0, k + 1), b: path.b.slice(0, k + 1) },
    zCurve: { z: Z_CURVE, ...zCurves(pg) },
    net: network(pg, s, points),
  };
}

const sgn = (v) => (v < 0 ? `− ${fmt(-v)}` : `+ ${fmt(v)}`);

/** The numbers as text lines for the terminal. */
export function report(r) {
  const lossName = r.lossKind === 'mse' ? 'MSE' : 'log loss';
  const pad = (v, n) => String(v).padStart(n);
  const lines = [
    `${r.points.length} points; neuron y-hat = sigmoid(w1 x1 + w2 x2 + b), ${lossName}, learning rate ${r.lr}`,
    `start (step 0): w = (${fmt(r.start.w[0])}, ${fmt(r.start.w[1])}), b = ${fmt(r.start.b)}`,
    `after ${r.steps} gradient-descent steps: w = (${fmt(r.w[0])}, ${fmt(r.w[1])}), b = ${fmt(r.b)}`,
    `  loss = ${fmt(r.loss)} (the other loss: ${fmt(r.otherLoss)}), ${r.correct} of ${r.points.length} points on the right side`,
    `  dL/dw = (${fmt(r.gradW[0])}, ${fmt(r.gradW[1])}), dL/db = ${fmt(r.gradB)}`,
    `  next step: w1 <- ${fmt(r.w[0])} - ${r.lr} * ${fmt(r.gradW[0])} = ${fmt(r.next.w[0])}, w2 <- ${fmt(r.next.w[1])}, b <- ${fmt(r.next.b)}`,
    `${pad('x1', 8)}${pad('x2', 8)}${pad('y', 3)}${pad('z', 10)}${pad('p', 9)}${pad('loss', 9)}${pad('dL/dz', 9)}${pad('dL/dw1', 9)}${pad('dL/dw2', 9)}`,
  ];
  r.points.forEach((pt, i) => lines.push(`${pad(pt[0], 8)}${pad(pt[1], 8)}${pad(pt[2], 3)}${pad(fmt(r.z[i]), 10)}${pad(fmt(r.p[i]), 9)}`
    + `${pad(fmt(r.losses[i]), 9)}${pad(fmt(r.dLdz[i]), 9)}${pad(fmt(r.gradPoint[i][0]), 9)}${pad(fmt(r.gradPoint[i][1]), 9)}`));
  if (r.steps > 0) {
    const c = r.curve.loss;
    lines.push(`loss curve: step 0 ${fmt(c[0])}, step ${Math.floor(r.steps / 2)} ${fmt(c[Math.floor(r.steps / 2)])}, step ${r.steps} ${fmt(c[r.steps])}`);
  }
  const at = (zv) => r.zCurve.z.findIndex((v) => Math.abs(v - zv) < 1e-9);
  for (const zv of [-6, 0, 6]) {
    const i = at(zv);
    lines.push(`y = 1, z = ${zv}: dL/dz log loss ${fmt(r.zCurve.log.y1.grad[i])}, MSE ${fmt(r.zCurve.mse.y1.grad[i])}`);
  }
  const n = r.net;
  const [w1, w2, w3, w4, w5, w6] = n.W1.flat();
  const [w7, w8, w9] = n.W2;
  lines.push(`2-3-1 network, hidden activation ${n.act}:`);
  lines.push(`  A = w7 w1 + w8 w3 + w9 w5 = ${w7}*${w1} + ${w8}*${w3} + ${w9}*${w5} = ${fmt(n.A)}`);
  lines.push(`  B = w7 w2 + w8 w4 + w9 w6 = ${w7}*${w2} + ${w8}*${w4} + ${w9}*${w6} = ${fmt(n.B)}`);
  lines.push(`  C = w7 b1 + w8 b2 + w9 b3 + b4 = ${fmt(n.C)}`);
  lines.push(`  y-hat = ${fmt(n.A)} x1 ${sgn(n.B)} x2 ${sgn(n.C)}${n.act === 'none' ? '' : ' only without an activation'}`);
  lines.push(`  largest |y-hat - (A x1 + B x2 + C)| on the grid: ${fmt(n.maxDev)}${n.act === 'none' ? ' (float32 rounding: the network is that plane)' : ' (the activation broke the collapse)'}`);
  return lines;
}

// ---- check yourself (lessons/exercises.mjs) ------------------------------------------------------

export const exercises = [
  {
    id: 'collapse-a',
    question: (s) => `The 2 → 3 → 1 network without an activation, with the weights $w_1, \\dots, w_9 = ${s.nw.join(',\\ ')}$: what is $A$, the coefficient of $x_1$ it collapses to?`,
    answer: { type: 'number', tolerance: 5e-4 },
    solve(pg, s) {
      const n = network(pg, { ...s, act: 'none' }, parsePoints(s.points).points ?? [[0, 0, 0]]);
      const [w1, , w3, , w5] = n.W1.flat();
      const [w7, w8, w9] = n.W2;
      return {
        value: n.A,
        working: [`$A = w_7 w_1 + w_8 w_3 + w_9 w_5 = (${w7})(${w1}) + (${w8})(${w3}) + (${w9})(${w5}) = ${fmt(n.A)}$`,
          'The core computes it as the matrix product $W_2 W_1$ of the two layers\' weights: its first column is $A$, its second $B$.'],
      };
    },
  },
  {
    id: 'mse-slow',
    question: 'A point of class $y = 1$ sits at $z = -6$: the neuron is confidently wrong ($p = \\sigma(-6) \\approx 0.0025$). Which loss pushes $z$ harder, that is, has the larger $|\\partial L/\\partial z|$?',
    answer: {
      type: 'choice',
      options: [{ value: 'log', label: 'log loss' }, { value: 'mse', label: 'MSE (of σ(z))' }, { value: 'same', label: 'both the same' }],
    },
    solve(pg) {
      const c = zCurves(pg);
      const i = Z_CURVE.findIndex((v) => Math.abs(v + 6) < 1e-9);
      const g = c.log.y1.grad[i], m = c.mse.y1.grad[i];
      return {
        value: Math.abs(g) > Math.abs(m) ? 'log' : Math.abs(g) < Math.abs(m) ? 'mse' : 'same',
        working: [`Log loss: $\\partial L/\\partial z = p - y = ${fmt(g)}$.`,
          `MSE: $\\partial L/\\partial z = 2 (p - y)\\, p (1 - p) = ${fmt(m)}$: the factor $p(1 - p) = \\sigma'(z)$ is almost 0 where the sigmoid is flat, so the worst mistakes learn the slowest.`],
      };
    },
  },
  {
    id: 'gd-step',
    question: (s) => `With the settings above (${s.loss === 'mse' ? 'MSE' : 'log loss'}, $\\alpha = ${s.lr}$), the neuron after ${s.steps} steps has the $w_1$ and $\\partial L/\\partial w_1$ shown. What is $w_1$ after one more gradient-descent step? (4 decimals are enough.)`,
    answer: { type: 'number', tolerance: 5e-4 },
    solve(pg, s) {
      const r = compute(pg, s);
      return {
        value: r.next.w[0],
        working: [`$w_1 \\leftarrow w_1 - \\alpha\\, \\partial L/\\partial w_1 = ${fmt(r.w[0])} - ${s.lr} \\times (${fmt(r.gradW[0])}) = ${fmt(r.next.w[0])}$`,
          `$\\partial L/\\partial w_1$ is the mean of the points' $\\partial L_i/\\partial z_i \\cdot x_{i1}$ (for log loss, $(p_i - y_i)\\, x_{i1}$).`],
      };
    },
  },
];
