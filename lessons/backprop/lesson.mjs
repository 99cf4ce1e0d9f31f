// The backprop lesson: the chain rule on the core's own autograd graph. pg.trace records the
// course's network (N1..N3 = w·x + b, ŷ = w7N1 + w8N2 + w9N3 + b4, L = MSE) or a typed f(x, y)
// and returns the graph the core built: every value, every gradient, and for every edge the local
// derivative and the contribution (local × upstream) that backward() added. The forward and
// backward steps, the chain-rule products, the nudge and the finite-difference table all come from
// the core; JavaScript only orders and lays them out.
//
// compute() is pure (no DOM): it runs in the page, in Node (tests/node/lesson-backprop.test.mjs)
// and in the CLI (npx playgrad lesson backprop --graph expr --f "x*y + sin(x)").
import { fmt } from '../format.mjs';

export { text } from './text.mjs';
export { fmt };

export const id = 'backprop';
export const title = 'Backpropagation';
export const summary = 'The chain rule on the core’s own graph: forward node by node, backward edge by edge, checked by nudging a weight.';

/** The course's parameters, in the order of the 'w' setting. */
export const WEIGHTS = ['w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7', 'w8', 'w9', 'b1', 'b2', 'b3', 'b4'];
/** What the nudge and the gradient check vary in the network: the parameters and the inputs. */
export const NETWORK_PARAMS = [...WEIGHTS, 'x1', 'x2'];
/** Central-difference step of the finite-difference check (float32 core). */
export const FD_H = 1e-3;
/** Expressions offered as examples (each is gradient-checked in the tests). */
export const EXPR_EXAMPLES = ['x*y + sin(x)', '(x + y)^2', 'x*x*y', 'sigmoid(2x - y)', 'exp(x) / (1 + exp(x*y))', 'tanh(x) * log(1 + y^2)'];

export const settings = [
  {
    name: 'graph', type: 'choice', label: 'Graph', default: 'network',
    options: [{ value: 'network', label: 'The course’s network (2 → 3 → 1, MSE)' }, { value: 'expr', label: 'Your f(x, y)' }],
  },
  {
    name: 'f', type: 'text', label: 'f(x, y) (when the graph is "Your f(x, y)")', default: 'x*y + sin(x)', maxLength: 200,
    help: 'Press Enter to apply. x and y are the two inputs below. + - * / ^, sin cos tan exp log sqrt abs tanh sigmoid.',
  },
  {
    name: 'x', type: 'numbers', label: 'Inputs x1, x2 (f’s x and y)', default: [1, 2], min: -3, max: 3, step: 0.1,
    minLength: 2, maxLength: 2, itemLabel: (i) => `x${i + 1}`, itemName: 'an input',
  },
  { name: 'y', type: 'number', label: 'Target y', default: 1, min: -5, max: 5, step: 0.1 },
  {
    name: 'w', type: 'numbers', label: 'Weights and biases', default: [0.5, -0.3, 0.8, 0.2, -0.6, 0.4, 0.7, -0.5, 0.3, 0.4, -0.2, 0.05, 0.1],
    min: -3, max: 3, step: 0.05, minLength: 13, maxLength: 13, itemLabel: (i) => WEIGHTS[i], itemName: 'a weight',
  },
  {
    name: 'nudge', type: 'choice', label: 'Nudge', default: 'w7',
    options: (s) => (s.graph === 'expr' ? [{ value: 'x1', label: 'x (x1)' }, { value: 'x2', label: 'y (x2)' }]
      : NETWORK_PARAMS.map((v) => ({ value: v, label: v }))),
    help: 'The parameter changed by ε.',
  },
  { name: 'eps', type: 'number', label: 'ε', default: 0.05, min: -1, max: 1, step: 0.001 },
];

const num = (a) => (a == null ? null : a[0]);

// ---- the graphs ---------------------------------------------------------------------------------

/**
 * The course's network on tensors p (w1..b4, x1, x2, y; scalars or [B] vectors that broadcast):
 * returns every intermediate (with the names the lesson shows) and L = (ŷ − y)², MSE for n = 1.
 */
export function network(pg, p) {
  const t = {};
  const neuron = (k, wa, wb, b) => {
    t[`${wa}x1`] = pg.mul(p[wa], p.x1);
    t[`${wb}x2`] = pg.mul(p[wb], p.x2);
    t[`${wa}x1+${wb}x2`] = pg.add(t[`${wa}x1`], t[`${wb}x2`]);
    t[`N${k}`] = pg.add(t[`${wa}x1+${wb}x2`], p[b]);
  };
  neuron(1, 'w1', 'w2', 'b1');
  neuron(2, 'w3', 'w4', 'b2');
  neuron(3, 'w5', 'w6', 'b3');
  t.w7N1 = pg.mul(p.w7, t.N1);
  t.w8N2 = pg.mul(p.w8, t.N2);
  t.w9N3 = pg.mul(p.w9, t.N3);
  t['w7N1+w8N2'] = pg.add(t.w7N1, t.w8N2);
  t['w7N1+w8N2+w9N3'] = pg.add(t['w7N1+w8N2'], t.w9N3);
  t['ŷ'] = pg.add(t['w7N1+w8N2+w9N3'], p.b4);
  t['ŷ−y'] = pg.sub(t['ŷ'], p.y);
  t.L = pg.mul(t['ŷ−y'], t['ŷ−y']); // (ŷ − y)²: one value used twice, so its two contributions add
  return t;
}

/** The leaves of the network for a state: scalars, or columns of a batch when `cols` is given. */
function networkLeaves(pg, s, { grad = false, cols = null } = {}) {
  const p = {};
  const leaf = (name, v) => {
    const data = cols ? cols.map((c) => c(name, v)) : v;
    p[name] = pg.tensor(data, undefined, { requiresGrad: grad });
  };
  WEIGHTS.forEach((n, i) => leaf(n, s.w[i]));
  leaf('x1', s.x[0]);
  leaf('x2', s.x[1]);
  p.y = pg.tensor(cols ? cols.map(() => s.y) : s.y);
  return p;
}

/** The traced graph of a state (network or f), or { error } for a typed f that does not parse. */
function traceState(pg, s) {
  if (s.graph === 'expr') {
    let f;
    try {
      f = pg.expr(s.f);
    } catch (e) {
      return { error: String(e.message ?? e) };
    }
    try {
      const canonical = f.canonical;
      const graph = pg.trace(() => {
        const x = pg.tensor(s.x[0], undefined, { requiresGrad: true });
        const y = pg.tensor(s.x[1], undefined, { requiresGrad: true });
        const root = f.eval(x, y);
        return { root, labels: { f: root, x, y } }; // x, y win when f is just x
      });
      return { graph, canonical, f };
    } catch (e) {
      f.dispose();
      throw e;
    }
  }
  const graph = pg.trace(() => {
    // Every leaf but the target requires grad, the inputs too: x1 feeds three neurons, three paths add.
    const p = networkLeaves(pg, s, { grad: true });
    const t = network(pg, p);
    // Names for display: the parameters, the products, N1..N3, ŷ, ŷ − y and L (sums show as '+').
    const named = Object.fromEntries(Object.entries(t).filter(([k]) => !k.includes('+')));
    return { root: t.L, labels: { ...p, ...named } };
  });
  return { graph };
}

// ---- layout (pure: where the view draws each node) -----------------------------------------------

/**
 * Columns by depth (an op one right of its deepest input; a leaf one left of its first reader),
 * rows so that each op sits at the mean row of its inputs read by it alone (shared inputs such as
 * x1 do not pull), leaves in the order a depth-first walk from the root meets them.
 */
export function layout(graph) {
  const n = graph.nodes.length;
  const readers = Array.from({ length: n }, () => []);
  for (const e of graph.edges) readers[e.from].push(e.to);
  const col = new Array(n).fill(0);
  for (const node of graph.nodes) if (node.inputs.length) col[node.id] = 1 + Math.max(...node.inputs.map((i) => col[i]));
  for (const node of graph.nodes) if (!node.inputs.length && readers[node.id].length) col[node.id] = Math.min(...readers[node.id].map((r) => col[r])) - 1;
  const shared = (i) => new Set(readers[i]).size > 1 && !graph.nodes[i].inputs.length;
  // Depth-first from the root, inputs in slot order: the order of the unshared leaves.
  const row = new Array(n).fill(null);
  let next = 0;
  const seen = new Set();
  const stack = [[graph.root, 0]];
  while (stack.length) {
    const top = stack[stack.length - 1];
    const node = graph.nodes[top[0]];
    if (top[1] === 0) seen.add(node.id);
    if (top[1] < node.inputs.length) {
      const c = node.inputs[top[1]++];
      if (!seen.has(c)) stack.push([c, 0]);
      continue;
    }
    stack.pop();
    if (!node.inputs.length) {
      if (!shared(node.id)) row[node.id] = next++;
    } else {
      const own = node.inputs.filter((i) => !shared(i));
      const use = own.length ? own : node.inputs;
      const rs = use.map((i) => row[i]).filter((r) => r !== null);
      row[node.id] = rs.length ? rs.reduce((a, b) => a + b, 0) / rs.length : next++;
    }
  }
  for (let i = 0; i < n; i++) {
    if (row[i] === null && readers[i].length) row[i] = readers[i].reduce((a, r) => a + (row[r] ?? 0), 0) / readers[i].length;
    if (row[i] === null) row[i] = next++;
  }
  // A leaf read by several ops (x1, x2) gets a column of its own on the left.
  const left = Math.min(...col) - 1;
  for (let i = 0; i < n; i++) if (shared(i)) col[i] = left;
  const minCol = Math.min(...col);
  return { col: col.map((c) => c - minCol), row, cols: Math.max(...col) - minCol + 1, rows: Math.max(next, 1) };
}

// ---- names and formulas --------------------------------------------------------------------------

const OP_SYMBOL = { add: '+', sub: '−', mul: '×', div: '÷', neg: '−', pow: 'pow', exp: 'exp', log: 'log', sin: 'sin', cos: 'cos', tan: 'tan', sqrt: '√', abs: '|·|', tanh: 'tanh', sigmoid: 'σ', relu: 'relu' };
/** A node's short name: its label, a constant's value, or its op. */
export function nodeName(node) {
  if (node.label) return node.label;
  if (node.op === 'leaf') return fmt(node.value[0], 4).replace(/\.?0+$/, '') || '0';
  return OP_SYMBOL[node.op] ?? node.op;
}

// ---- compute --------------------------------------------------------------------------------------

/** The nudged/finite-difference losses for the network: three batched forward passes. */
function networkChecks(pg, s, { nudge, eps }) {
  // Column j of a batch moves parameter j by ±h: one forward pass gives every L(p ± h).
  const run = (cols) => network(pg, networkLeaves(pg, s, { cols })).L;
  const plus = run(NETWORK_PARAMS.map((q) => (name, v) => (name === q ? v + FD_H : v)));
  const minus = run(NETWORK_PARAMS.map((q) => (name, v) => (name === q ? v - FD_H : v)));
  // The nudged loss: the core adds ε to the weight, then runs the forward pass again.
  const p = networkLeaves(pg, s);
  p[nudge] = pg.add(p[nudge], eps);
  const nudged = network(pg, p).L;
  return { plus, minus, nudged };
}

function exprChecks(pg, s, f, { nudge, eps }) {
  const xs = pg.tensor([s.x[0] + FD_H, s.x[0]]), ys = pg.tensor([s.x[1], s.x[1] + FD_H]);
  const xm = pg.tensor([s.x[0] - FD_H, s.x[0]]), ym = pg.tensor([s.x[1], s.x[1] - FD_H]);
  const plus = f.eval(xs, ys);
  const minus = f.eval(xm, ym);
  let x = pg.tensor(s.x[0]), y = pg.tensor(s.x[1]);
  if (nudge === 'x') x = pg.add(x, eps);
  else y = pg.add(y, eps);
  return { plus, minus, nudged: f.eval(x, y) };
}

/**
 * The lesson's numbers for a state, all from the core: the traced graph (nodes with values and
 * gradients, edges with local derivative and contribution), the forward and backward steps, the
 * chain-rule products (network), the nudge and the finite-difference table.
 * A typed f that does not parse gives { error } (the parser's message) and nothing else.
 */
export function compute(pg, s) {
  return pg.scope(() => {
    const traced = traceState(pg, s);
    if (traced.error) return { graph: s.graph, source: s.f, error: traced.error };
    const { graph, f } = traced;
    try {
      const nodes = graph.nodes;
      const byLabel = Object.fromEntries(nodes.filter((n) => n.label).map((n) => [n.label, n]));
      const root = nodes[graph.root];
      const loss = num(root.value);
      const params = s.graph === 'expr' ? ['x', 'y'] : NETWORK_PARAMS;
      // A parameter the root does not depend on is not in the graph, or got no gradient: 0.
      const gradOf = (name) => num(byLabel[name]?.grad) ?? 0;
      const grads = pg.tensor(params.map(gradOf));

      // Forward: the op nodes in the order the core made them. Backward: the seed, then every
      // contribution in the order the sweep produced it.
      const forward = nodes.filter((n) => n.inputs.length).map((n) => n.id);
      const perNode = new Map();
      const contributions = graph.edges.map((e, i) => ({ ...e, index: i })).filter((e) => e.step >= 0).sort((a, b) => a.step - b.step);
      for (const e of contributions) perNode.set(e.from, [...(perNode.get(e.from) ?? []), e.index]);
      const backward = contributions.map((e) => {
        const into = perNode.get(e.from);
        return {
          edge: e.index, from: e.from, to: e.to, slot: e.slot,
          local: num(e.local), upstream: num(nodes[e.to].grad), contribution: num(e.contribution),
          nth: into.indexOf(e.index) + 1, of: into.length, // the nth of `of` contributions into `from`
          parts: into.indexOf(e.index) + 1 === into.length ? into.map((i) => num(graph.edges[i].contribution)) : null,
          total: into.indexOf(e.index) + 1 === into.length ? num(nodes[e.from].grad) : null,
        };
      });

      // Nudge and finite differences, recomputed by the core.
      // The nudge setting names x1/x2 for f's x/y; a weight left over from the network means x.
      const nudgeName = s.graph === 'expr' ? (s.nudge === 'x2' ? 'y' : 'x') : (params.includes(s.nudge) ? s.nudge : 'w7');
      const checks = s.graph === 'expr'
        ? exprChecks(pg, s, f, { nudge: nudgeName, eps: s.eps })
        : networkChecks(pg, s, { nudge: nudgeName, eps: s.eps });
      const L0 = pg.tensor(loss);
      const g = grads;
      const fd = pg.div(pg.sub(checks.plus, checks.minus), 2 * FD_H);
      const absFd = Array.from(pg.abs(fd).toArray());
      const absG = Array.from(pg.abs(g).toArray());
      const denom = pg.max(pg.tensor([absFd, absG, absG.map(() => 1e-12)]), 0); // max(|fd|, |g|), never 0
      const rel = pg.div(pg.abs(pg.sub(fd, g)), denom);
      const k = params.indexOf(nudgeName);
      const gk = pg.tensor(gradOf(nudgeName));
      const predicted = pg.mul(gk, s.eps).item();
      const realT = pg.sub(checks.nudged, L0);
      const real = realT.item();
      const gap = pg.sub(realT, predicted).item(); // what the straight line misses (curvature)
      const fdArr = Array.from(fd.toArray());
      const relArr = Array.from(rel.toArray());

      let chain = null;
      if (s.graph === 'network') {
        const v = (name) => num(byLabel[name].value);
        const dLdyhat = gradOf('ŷ');
        const dyhat = pg.tensor(dLdyhat);
        chain = {
          dLdyhat, d: v('ŷ−y'), twoD: pg.mul(pg.tensor(v('ŷ−y')), 2).item(),
          N1: v('N1'), w7: v('w7'), x1: v('x1'),
          prodW7: pg.mul(dyhat, v('N1')).item(), dLdw7: gradOf('w7'),
          prodW1: pg.mul(pg.mul(dyhat, v('w7')), v('x1')).item(), dLdw1: gradOf('w1'),
          dLdN1: gradOf('N1'), prodN1: pg.mul(dyhat, v('w7')).item(),
        };
      }
      return {
        graph: s.graph,
        source: s.graph === 'expr' ? s.f : null,
        canonical: traced.canonical ?? null,
        error: null,
        nodes, edges: graph.edges, root: graph.root,
        layout: layout(graph),
        loss,
        forward, backward,
        params: params.map((name, i) => ({ name, value: byLabel[name] ? num(byLabel[name].value) : (name === 'x' ? s.x[0] : s.x[1]), grad: gradOf(name), fd: fdArr[i], relErr: relArr[i] })),
        nudge: { name: nudgeName, index: k, eps: s.eps, grad: gradOf(nudgeName), predicted, before: loss, after: checks.nudged.item(), real, gap },
        chain,
        h: FD_H,
      };
    } finally {
      f?.dispose();
    }
  });
}

/** The numbers as rows of text, for the terminal (scripts/cli.mjs). */
export function report(r) {
  if (r.error) return [`f(x, y) = ${r.source}`, `error: ${r.error}`];
  const lines = [];
  const pad = (v, w) => String(v).padStart(w);
  lines.push(r.graph === 'expr' ? `f(x, y) = ${r.source}   (read as ${r.canonical})` : 'network: N_k = w·x + b (k = 1..3), ŷ = w7 N1 + w8 N2 + w9 N3 + b4, L = (ŷ − y)²');
  lines.push(`${r.nodes.length} nodes, ${r.edges.length} edges; root value ${fmt(r.loss)}`);
  lines.push('forward (node = op(inputs) = value):');
  for (const i of r.forward) {
    const n = r.nodes[i];
    lines.push(`  ${nodeName(n)} = ${n.op}(${n.inputs.map((j) => nodeName(r.nodes[j])).join(', ')}) = ${fmt(n.value[0])}`);
  }
  lines.push('backward (downstream = local × upstream, in the order of the sweep):');
  for (const b of r.backward) {
    const from = nodeName(r.nodes[b.from]), to = nodeName(r.nodes[b.to]);
    let line = `  ∂/∂${from} via ${to}: ${fmt(b.local)} × ${fmt(b.upstream)} = ${fmt(b.contribution)}`;
    if (b.parts && b.of > 1) line += `   sum of ${b.of}: ${b.parts.map((p) => fmt(p)).join(' + ')} = ${fmt(b.total)}`;
    lines.push(line);
  }
  if (r.chain) {
    const c = r.chain;
    lines.push(`∂L/∂ŷ = 2(ŷ − y) = ${fmt(c.dLdyhat)}`);
    lines.push(`∂L/∂w7 = ∂L/∂ŷ · N1 = ${fmt(c.dLdyhat)} · ${fmt(c.N1)} = ${fmt(c.prodW7)}   (traced: ${fmt(c.dLdw7)})`);
    lines.push(`∂L/∂w1 = ∂L/∂ŷ · w7 · x1 = ${fmt(c.dLdyhat)} · ${fmt(c.w7)} · ${fmt(c.x1)} = ${fmt(c.prodW1)}   (traced: ${fmt(c.dLdw1)})`);
  }
  const nd = r.nudge;
  lines.push(`nudge ${nd.name} by ε = ${nd.eps}: predicted ΔL = ${fmt(nd.grad)} × ${nd.eps} = ${fmt(nd.predicted)}, real ΔL = ${fmt(nd.after)} − ${fmt(nd.before)} = ${fmt(nd.real)}`);
  lines.push(`finite differences (central, h = ${r.h}):`);
  lines.push(['param', 'value', 'backprop', 'finite diff', 'rel. error'].map((h, i) => pad(h, i ? 12 : 6)).join(''));
  for (const p of r.params) lines.push([pad(p.name, 6), ...[p.value, p.grad, p.fd].map((v) => pad(fmt(v), 12)), pad(p.relErr.toExponential(1), 12)].join(''));
  return lines;
}

// ---- check yourself (lessons/exercises.mjs) ------------------------------------------------------

const networkState = (s) => ({ ...s, graph: 'network', nudge: NETWORK_PARAMS.includes(s.nudge) ? s.nudge : 'w7' });
const nudgeTex = (s) => (s.graph === 'expr' ? (s.nudge === 'x2' ? 'y' : 'x') : (NETWORK_PARAMS.includes(s.nudge) ? s.nudge : 'w7').replace(/(\d)/, '_$1'));

export const exercises = [
  {
    id: 'sign-w7',
    question: 'In the course’s network with the weights above, what is the sign of $\\partial L / \\partial w_7$?',
    answer: {
      type: 'choice',
      options: [{ value: 'negative', label: 'negative: raising w7 lowers L' }, { value: 'zero', label: 'zero' },
        { value: 'positive', label: 'positive: raising w7 raises L' }],
    },
    solve(pg, s) {
      const c = compute(pg, networkState(s)).chain;
      const g = c.dLdw7;
      return {
        value: g < 0 ? 'negative' : g > 0 ? 'positive' : 'zero',
        working: [`$\\partial L / \\partial w_7 = \\partial L / \\partial \\hat y \\cdot N_1 = ${fmt(c.dLdyhat)} \\cdot ${fmt(c.N1)} = ${fmt(c.prodW7)}$ (the core's backward gives ${fmt(g)}).`,
          'Its sign is the sign of $\\hat y - y$ times the sign of $N_1$: a wrong-way prediction and a positive $N_1$ make it positive.'],
      };
    },
  },
  {
    id: 'dw1',
    question: 'Use the chain rule: what is $\\partial L / \\partial w_1 = \\partial L / \\partial \\hat y \\cdot w_7 \\cdot x_1$ here? (4 decimals are enough.)',
    answer: { type: 'number', tolerance: 5e-4 },
    solve(pg, s) {
      const c = compute(pg, networkState(s)).chain;
      return {
        value: c.dLdw1,
        working: [`$\\partial L / \\partial \\hat y = 2(\\hat y - y) = ${fmt(c.dLdyhat)}$, $\\partial \\hat y / \\partial N_1 = w_7 = ${fmt(c.w7)}$, $\\partial N_1 / \\partial w_1 = x_1 = ${fmt(c.x1)}$.`,
          `Their product is ${fmt(c.prodW1)}; the core's backward gives ${fmt(c.dLdw1)}.`],
      };
    },
  },
  {
    id: 'nudge',
    question: (s) => `Predict: if $${nudgeTex(s)}$ grows by $\\varepsilon = ${s.eps}$, by about how much does ${s.graph === 'expr' ? '$f$' : '$L$'} change? (The gradient times ε; 4 decimals.)`,
    answer: { type: 'number', tolerance: 5e-4 },
    solve(pg, s) {
      const r = compute(pg, s);
      if (r.error) throw new Error(r.error);
      const n = r.nudge;
      return {
        value: n.predicted,
        working: [`$\\Delta \\approx \\text{gradient} \\times \\varepsilon = ${fmt(n.grad)} \\times ${n.eps} = ${fmt(n.predicted)}$.`,
          `Recomputed by the core: ${fmt(n.after)} − ${fmt(n.before)} = ${fmt(n.real)}; the gap is the curvature, which shrinks like ε².`],
      };
    },
  },
];
