// The optimizers lesson: a 2-d loss surface as a contour map, and the paths of GD, momentum (the
// course's EMA form), Nesterov, Adagrad, RMSProp and Adam from one draggable start point, with a
// loss-vs-step plot.
//
// compute() is pure (no DOM): it runs in the page, in Node (tests/node/lesson-optimizers.test.mjs)
// and in the CLI (npx playgrad lesson optimizers --surface rosenbrock --steps 100). The surfaces
// are pg.expr sources (parsed and differentiated by the C++ core); the contour grid is one
// f.eval() on a broadcast grid; each path is one pg.optim.path() call: the core's real optimizer
// (optim::make, PyTorch semantics) stepping two parameters on the surface's autograd graph.
import { fmt } from '../format.mjs';

import { CONVENTIONS, LABELS, adamDefaults, conventionOf } from '../convention.mjs';

export { text } from './text.mjs';
export { fmt };

export const id = 'optimizers';
export const title = 'Optimizers';
export const summary = 'GD, momentum, Nesterov, Adagrad, RMSProp and Adam racing on a loss surface, from a start point you drag.';

/** The surfaces: an expression for the core and the box drawn. */
export const SURFACES = {
  bowl: { label: 'Elongated bowl', source: 'x^2 / 10 + 2 y^2', box: [-4, 4, -2, 2] },
  rosenbrock: { label: 'Rosenbrock (÷100)', source: '((1 - x)^2 + 100 (y - x^2)^2) / 100', box: [-2, 2, -1, 3] },
  saddle: { label: 'Saddle', source: 'x^2 - y^2', box: [-2, 2, -2, 2] },
  himmelblau: { label: 'Himmelblau (÷10)', source: '((x^2 + y - 11)^2 + (x + y^2 - 7)^2) / 10', box: [-5, 5, -5, 5] },
  beale: { label: 'Beale (÷10)', source: '((1.5 - x + x y)^2 + (2.25 - x + x y^2)^2 + (2.625 - x + x y^3)^2) / 10', box: [-1, 4, -2, 2] },
  custom: { label: 'Your f(x, y)', source: null, box: [-3, 3, -3, 3] },
};

/** A path that leaves this box (|x|, |y| beyond it) has diverged and stops. */
export const LIMIT = 1e4;
/** Contour grid resolution (points per side). */
export const GRID = 96;

/**
 * The optimizers: the core kind and options for a state, and the update formula shown.
 * Momentum is the course's EMA form: PyTorch sgd with momentum = dampening = β.
 */
export const OPTIMIZERS = [
  { key: 'gd', name: 'Gradient descent',
    kind: 'sgd', options: (s) => ({ lr: s.gdLr }),
    formula: 'w \\leftarrow w - \\alpha g' },
  { key: 'mom', name: 'Momentum (EMA)',
    kind: 'sgd', options: (s) => ({ lr: s.momLr, momentum: s.momBeta, dampening: s.momBeta }),
    formula: 'v \\leftarrow \\beta v + (1 - \\beta) g,\\; w \\leftarrow w - \\alpha v' },
  { key: 'nag', name: 'Nesterov',
    kind: 'sgd', options: (s) => ({ lr: s.nagLr, momentum: s.nagBeta, nesterov: true }),
    formula: 'v \\leftarrow \\beta v + g,\\; w \\leftarrow w - \\alpha (g + \\beta v)' },
  { key: 'adagrad', name: 'Adagrad',
    kind: 'adagrad', options: (s) => ({ lr: s.adagradLr }),
    formula: 'G \\leftarrow G + g^2,\\; w \\leftarrow w - \\frac{\\alpha\\, g}{\\sqrt{G} + \\epsilon}' },
  { key: 'rms', name: 'RMSProp',
    kind: 'rmsprop', options: (s) => ({ lr: s.rmsLr, alpha: s.rmsRho }),
    formula: 's \\leftarrow \\rho s + (1 - \\rho) g^2,\\; w \\leftarrow w - \\frac{\\alpha\\, g}{\\sqrt{s} + \\epsilon}' },
  { key: 'adam', name: 'Adam',
    // ε and where it is added follow the page's convention (lessons/convention.mjs).
    kind: 'adam', options: (s) => ({ lr: s.adamLr, beta1: s.adamB1, beta2: s.adamB2, epsilon: adamDefaults(s).epsilon, epsilonOn: adamDefaults(s).epsilonOn }),
    formula: 'm \\leftarrow \\beta_1 m + (1 - \\beta_1) g,\\; v \\leftarrow \\beta_2 v + (1 - \\beta_2) g^2,\\; w \\leftarrow w - \\frac{\\alpha\\, \\hat m}{\\sqrt{\\hat v} + \\epsilon}' },
];

/** The start point's range (every surface's box is widened to show it). */
export const START = 5;

/** The box drawn for a state: the surface's box, widened to hold the start point with a margin. */
export function box(s) {
  const [a, b, c, d] = SURFACES[s.surface]?.box ?? SURFACES.custom.box;
  const mx = (b - a) / 20, my = (d - c) / 20;
  return [Math.min(a, s.x0 - mx), Math.max(b, s.x0 + mx), Math.min(c, s.y0 - my), Math.max(d, s.y0 + my)];
}
const lr = (name, label, def, max = 1) => ({ name, type: 'number', label, default: def, min: 0.0001, max, step: 0.0001, digits: 4 });
const on = (name, label) => ({ name, type: 'boolean', label, default: true });
const beta = (name, label, def, max = 0.999, min = 0) => ({ name, type: 'number', label, default: def, min, max, step: 0.001, digits: 3 });

// Foldable groups of controls (`section`, lessons/README.md): the surface, then one per optimizer.
const inSection = (section, ...decls) => decls.map((d) => ({ ...d, section }));

export const settings = [
  ...inSection('Surface and start', {
    name: 'surface', type: 'choice', label: 'Surface', default: 'bowl',
    options: Object.entries(SURFACES).map(([value, v]) => ({ value, label: v.label })),
  },
  {
    name: 'f', type: 'text', label: 'Your f(x, y) (when the surface is "Your f(x, y)")', default: 'x^2 + 3 y^2 + sin(3 x)',
    maxLength: 200, help: 'Press Enter to apply. Drawn on [-3, 3] × [-3, 3].',
  },
  { name: 'x0', type: 'number', label: 'Start x', default: -1.5, min: -START, max: START, step: 0.01, help: 'Or drag the start point on the map (or focus it and use the arrow keys).' },
  { name: 'y0', type: 'number', label: 'Start y', default: 1.5, min: -START, max: START, step: 0.01 },
  { name: 'steps', type: 'integer', label: 'Steps', default: 100, min: 1, max: 1000 }),
  ...inSection('Gradient descent', on('gd', 'Gradient descent'), lr('gdLr', 'GD: learning rate α', 0.05)),
  ...inSection('Momentum', on('mom', 'Momentum (EMA)'), lr('momLr', 'Momentum: α', 0.05), beta('momBeta', 'Momentum: β', 0.9)),
  ...inSection('Nesterov', on('nag', 'Nesterov'), lr('nagLr', 'Nesterov: α', 0.01), beta('nagBeta', 'Nesterov: β', 0.9, 0.999, 0.001)), // Nesterov needs β > 0 (PyTorch's sgd refuses 0)
  ...inSection('Adagrad', on('adagrad', 'Adagrad'), lr('adagradLr', 'Adagrad: α', 0.5, 5)),
  ...inSection('RMSProp', on('rms', 'RMSProp'), lr('rmsLr', 'RMSProp: α', 0.02), beta('rmsRho', 'RMSProp: ρ', 0.99)),
  ...inSection('Adam', on('adam', 'Adam'), lr('adamLr', 'Adam: α', 0.1), beta('adamB1', 'Adam: β₁', 0.9), beta('adamB2', 'Adam: β₂', 0.999, 0.9999)),
];

/** The expression source of a state's surface. */
export function sourceOf(s) {
  return s.surface === 'custom' ? s.f : SURFACES[s.surface].source;
}

const gridMemo = new WeakMap(); // pg -> { key, grid }: the last contour grid

/**
 * The contour grid and every enabled optimizer's path, all from the core. A bad typed expression
 * is not an exception: the result carries { error } (the core's message with its position).
 */
export function compute(pg, s) {
  const [x0, x1, y0, y1] = box(s);
  const source = sourceOf(s);
  let f;
  try {
    f = pg.expr(source);
  } catch (e) {
    return { surface: s.surface, source, box: [x0, x1, y0, y1], error: String(e.message ?? e), grid: null, paths: [], start: [s.x0, s.y0] };
  }
  try {
    // The grid: xs as a row [1, n], ys as a column [n, 1]; one eval broadcasts to [n, n]
    // (row r is y = ys[r], column c is x = xs[c]).
    // The grid depends only on the surface and the box, not on the optimizers: while the start
    // point is dragged inside the box it is reused (a memo of a deterministic result).
    const key = `${source}|${x0},${x1},${y0},${y1}`;
    let grid = gridMemo.get(pg)?.key === key ? gridMemo.get(pg).grid : null;
    if (!grid) {
      const xs = Array.from({ length: GRID }, (_, i) => x0 + ((x1 - x0) * i) / (GRID - 1));
      const ys = Array.from({ length: GRID }, (_, i) => y0 + ((y1 - y0) * i) / (GRID - 1));
      const values = pg.scope(() => Array.from(f.eval(pg.tensor(xs, [1, GRID]), pg.tensor(ys, [GRID, 1])).toArray()));
      grid = { n: GRID, xs, ys, values };
      gridMemo.set(pg, { key, grid });
    }
    const paths = [];
    for (const o of OPTIMIZERS) {
      if (!s[o.key]) continue;
      const p = pg.optim.path(f, o.kind, o.options(s), { x0: s.x0, y0: s.y0, steps: s.steps, limit: LIMIT });
      paths.push({ key: o.key, name: o.name, kind: o.kind, options: o.options(s), x: Array.from(p.x), y: Array.from(p.y), f: Array.from(p.f), stop: p.stop, stopStep: p.stopStep });
    }
    const start = f.at(s.x0, s.y0);
    return {
      convention: conventionOf(s), adamNote: adamDefaults(s).note, adamPlateau: adamPlateau(pg, s),
      surface: s.surface, source, canonical: f.canonical, box: [x0, x1, y0, y1], error: null,
      grid, paths, start: [s.x0, s.y0], startValue: start.value,
      startGrad: [start.dx, start.dy], steps: s.steps,
    };
  } finally {
    f.dispose();
  }
}

/** The gradient of the plateau where the frameworks' Adam steps differ (f = PLATEAU_SLOPE · x). */
export const PLATEAU_SLOPE = 1e-6;

/**
 * Adam's first step on a plateau (f = 1e-6·x from x = 0) with the state's α, β₁, β₂, under each
 * framework's ε and its placement: [{ convention, label, note, step, ratio = step / α }], from the
 * core's Adam (pg.optim.path). Where |g| is near ε the two rules give very different steps.
 */
export function adamPlateau(pg, s) {
  const f = pg.expr(`${PLATEAU_SLOPE.toFixed(6)} * x`);
  try {
    return CONVENTIONS.map((c) => {
      const a = adamDefaults({ convention: c });
      const o = { lr: s.adamLr, beta1: s.adamB1, beta2: s.adamB2, epsilon: a.epsilon, epsilonOn: a.epsilonOn };
      const p = pg.optim.path(f, 'adam', o, { x0: 0, y0: 0, steps: 1, limit: LIMIT });
      const step = p.x.length > 1 ? -p.x[1] : NaN;
      return { convention: c, label: LABELS[c], note: a.note, epsilon: a.epsilon, epsilonOn: a.epsilonOn, step, ratio: step / s.adamLr };
    });
  } finally {
    f.dispose();
  }
}

/** The numbers as text lines for the terminal. */
export function report(r) {
  if (r.error) return [`f(x, y) = ${r.source}`, `error: ${r.error}`];
  const lines = [`f(x, y) = ${r.source}   start (${r.start[0]}, ${r.start[1]}): f = ${fmt(r.startValue)}, grad = (${fmt(r.startGrad[0])}, ${fmt(r.startGrad[1])})`];
  lines.push(`${'optimizer'.padEnd(18)}${'steps'.padStart(6)}${'x'.padStart(11)}${'y'.padStart(11)}${'f'.padStart(12)}  options`);
  for (const p of r.paths) {
    const k = p.x.length - 1;
    lines.push(`${p.name.padEnd(18)}${String(k).padStart(6)}${fmt(p.x[k]).padStart(11)}${fmt(p.y[k]).padStart(11)}${fmt(p.f[k] ?? NaN).padStart(12)}  ${p.kind} ${JSON.stringify(p.options)}`);
    if (p.stop) lines.push(`  stopped: ${p.stop}`);
  }
  if (!r.paths.length) lines.push('(every optimizer is switched off)');
  lines.push(`Adam follows the ${LABELS[r.convention]} convention: ${r.adamNote}`);
  lines.push(`Adam's first step on a plateau (df/dx = ${PLATEAU_SLOPE}):`);
  for (const a of r.adamPlateau) lines.push(`  ${(a.convention === r.convention ? '* ' : '  ') + a.label.padEnd(8)} ${fmt(a.step)} = ${fmt(a.ratio)} x alpha   (${a.note})`);
  return lines;
}

// ---- check yourself (lessons/exercises.mjs) ------------------------------------------------------

const tx = (v) => fmt(v).replace('−', '-');
const startText = (s) => `$(x_0, y_0) = (${s.x0}, ${s.y0})$`;
/** Steps of the 'lowest after a few steps' race. */
export const RACE_STEPS = 10;

/** The first step of one optimizer from the state's start: { at (f and gradient there), x1, y1 }. */
function firstStep(pg, s, key) {
  const o = OPTIMIZERS.find((q) => q.key === key);
  const f = pg.expr(sourceOf(s));
  try {
    const at = f.at(s.x0, s.y0);
    const p = pg.optim.path(f, o.kind, o.options(s), { x0: s.x0, y0: s.y0, steps: 1, limit: LIMIT });
    if (p.x.length < 2) throw new Error(`${o.name}: the first step already leaves the surface (${p.stop})`);
    return { at, x1: p.x[1], y1: p.y[1] };
  } finally {
    f.dispose();
  }
}

export const exercises = [
  {
    id: 'gd-step',
    question: (s) => `Gradient descent with $\\alpha = ${s.gdLr}$ starts at ${startText(s)} on the surface above. What is $y$ after its first step?`,
    answer: { type: 'number', tolerance: 5e-4 },
    solve(pg, s) {
      const { at, y1 } = firstStep(pg, s, 'gd');
      return {
        value: y1,
        working: [
          `The gradient at the start, from the core's backward pass: $\\partial f / \\partial y = ${tx(at.dy)}$.`,
          `$y_1 = y_0 - \\alpha\\, \\partial f / \\partial y = ${s.y0} - ${s.gdLr} \\cdot (${tx(at.dy)}) = ${tx(y1)}$: a step against the gradient, $\\alpha$ times its length.`,
        ],
      };
    },
  },
  {
    id: 'adam-step',
    question: (s) => `Adam with $\\alpha = ${s.adamLr}$ from the same start ${startText(s)}: what is $x$ after its first step?`,
    answer: { type: 'number', tolerance: 5e-4 },
    solve(pg, s) {
      const { at, x1 } = firstStep(pg, s, 'adam');
      return {
        value: x1,
        working: [
          `At step 1 the bias-corrected moments are $\\hat m = g$ and $\\hat v = g^2$, so the step is $\\alpha\\, g / (|g| + \\epsilon)$: about $\\alpha$ times the sign of $g$, however steep or flat the surface is.`,
          `Here $\\partial f / \\partial x = ${tx(at.dx)}$, so $x_1 = ${s.x0} - ${s.adamLr} \\cdot \\operatorname{sign}(${tx(at.dx)}) \\approx ${tx(x1)}$ (the core's Adam).`,
        ],
      };
    },
  },
  {
    id: 'race',
    question: (s) => `After only ${RACE_STEPS} steps from ${startText(s)}, which of the optimizers switched on is lowest (smallest $f$)?`,
    answer: { type: 'choice', options: (s) => OPTIMIZERS.filter((o) => s[o.key]).map((o) => ({ value: o.key, label: o.name })) },
    solve(pg, s) {
      const r = compute(pg, { ...s, steps: RACE_STEPS });
      if (r.error) throw new Error(r.error);
      if (!r.paths.length) throw new Error('switch on at least one optimizer');
      const finals = r.paths.map((p) => p.f[p.f.length - 1]);
      // The lowest final value, by the core's min; the first optimizer holding it.
      const lowest = pg.scope(() => pg.min(pg.tensor(finals)).item());
      const best = r.paths[finals.findIndex((v) => Math.fround(v) === lowest)];
      if (!best) throw new Error('no optimizer has a finite value after the race');
      return {
        value: best.key,
        working: [
          `$f$ after ${RACE_STEPS} steps (or where a path stopped): ${r.paths.map((p, i) => `${p.name} ${tx(finals[i])}`).join(', ')}.`,
          `${best.name} is lowest. Early on, the adaptive methods (Adagrad, RMSProp, Adam) take steps whose length does not depend on how steep the surface is, while the steps of gradient descent and momentum are proportional to the gradient; over more steps the order can change.`,
        ],
      };
    },
  },
];
