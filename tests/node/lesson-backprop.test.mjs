// The backprop lesson's pure part, headless in Node against the wasm core: the traced network
// against a double-precision forward pass, the course's chain-rule products against the traced
// gradients, a central-difference check (in double) of every graph the lesson offers, two paths
// that add, the nudge, the exercises, a typed expression that does not parse, the report.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { load } from 'playgrad';
import * as bp from '../../lessons/backprop/lesson.mjs';
import { checkAnswer } from '../../lessons/exercises.mjs';
import { defaults } from '../../lessons/settings.mjs';

const pg = await load();
const near = (a, b, tol, what = '') => assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b} (tol ${tol})`);

// The network in double precision: p = { w1..b4, x1, x2, y }.
function lossOf(p) {
  const N1 = p.w1 * p.x1 + p.w2 * p.x2 + p.b1;
  const N2 = p.w3 * p.x1 + p.w4 * p.x2 + p.b2;
  const N3 = p.w5 * p.x1 + p.w6 * p.x2 + p.b3;
  const yhat = p.w7 * N1 + p.w8 * N2 + p.w9 * N3 + p.b4;
  return { N1, N2, N3, yhat, L: (yhat - p.y) ** 2 };
}
const paramsOf = (s) => ({ ...Object.fromEntries(bp.WEIGHTS.map((n, i) => [n, s.w[i]])), x1: s.x[0], x2: s.x[1], y: s.y });
// Central difference in double, h = 1e-6.
function centralDiff(f, p, name, h = 1e-6) {
  return (f({ ...p, [name]: p[name] + h }) - f({ ...p, [name]: p[name] - h })) / (2 * h);
}

const s0 = defaults(bp.settings);
const byLabel = (r, label) => r.nodes.find((n) => n.label === label);

test('the default network: the traced values match a double forward pass', () => {
  const r = bp.compute(pg, s0);
  assert.equal(r.error, null);
  const want = lossOf(paramsOf(s0));
  // 13 parameters, x1, x2, y; 6 + 3 products, 6 + 3 sums, ŷ − y and L.
  assert.equal(r.nodes.length, 16 + 20);
  assert.equal(r.edges.length, 40);
  near(byLabel(r, 'N1').value[0], want.N1, 1e-6, 'N1');
  near(byLabel(r, 'N2').value[0], want.N2, 1e-6, 'N2');
  near(byLabel(r, 'N3').value[0], want.N3, 1e-6, 'N3');
  near(byLabel(r, 'ŷ').value[0], want.yhat, 1e-6, 'ŷ');
  near(r.loss, want.L, 1e-6, 'L');
  assert.equal(r.nodes[r.root].label, 'L');
  assert.deepEqual(r.nodes[r.root].grad, [1]);
  assert.equal(r.forward.length, 20);
  assert.equal(r.backward.length, 40 - 1); // every edge but y → ŷ − y (the target needs no gradient)
});

test('the course’s chain-rule products equal the traced gradients', () => {
  for (const w of [s0.w, [1, -2, 0.5, 0.3, -1, 2, -0.7, 1.5, 0.9, 0.2, 0.1, -0.3, 0.4]]) {
    const s = { ...s0, w, x: [0.7, -1.2], y: -0.5 };
    const r = bp.compute(pg, s);
    const p = paramsOf(s);
    const d = lossOf(p);
    const dLdyhat = 2 * (d.yhat - p.y);
    const c = r.chain;
    near(c.dLdyhat, dLdyhat, 1e-5, '∂L/∂ŷ');
    near(c.twoD, c.dLdyhat, 1e-6, '2(ŷ − y)');
    // ∂L/∂w7 = ∂L/∂ŷ · N1 and ∂L/∂w1 = ∂L/∂ŷ · w7 · x1
    near(c.prodW7, dLdyhat * d.N1, 1e-5, '∂L/∂ŷ·N1');
    near(c.dLdw7, c.prodW7, 1e-5, '∂L/∂w7');
    near(c.prodW1, dLdyhat * p.w7 * p.x1, 1e-5, '∂L/∂ŷ·w7·x1');
    near(c.dLdw1, c.prodW1, 1e-5, '∂L/∂w1');
    near(c.dLdN1, dLdyhat * p.w7, 1e-5, '∂L/∂N1');
    // and the traced edges multiply exactly so: w7 → w7N1 has local N1, upstream ∂L/∂w7N1 = ∂L/∂ŷ
    const w7 = byLabel(r, 'w7');
    const b = r.backward.find((x) => x.from === w7.id);
    near(b.local, d.N1, 1e-6, 'local N1');
    near(b.upstream, dLdyhat, 1e-5, 'upstream');
  }
});

test('central differences in double agree with the traced gradients of the network', () => {
  const r = bp.compute(pg, s0);
  const p = paramsOf(s0);
  for (const name of [...bp.WEIGHTS, 'x1', 'x2']) {
    const want = centralDiff((q) => lossOf(q).L, p, name);
    near(byLabel(r, name).grad[0], want, 1e-5 + 1e-4 * Math.abs(want), `∂L/∂${name}`);
  }
  // The lesson's own float32 table: relative errors are small.
  for (const row of r.params) assert.ok(row.relErr < 5e-3, `${row.name}: ${row.relErr}`);
});

const EXPR_DOUBLE = {
  'x*y + sin(x)': ({ x, y }) => x * y + Math.sin(x),
  '(x + y)^2': ({ x, y }) => (x + y) ** 2,
  'x*x*y': ({ x, y }) => x * x * y,
  'sigmoid(2x - y)': ({ x, y }) => 1 / (1 + Math.exp(-(2 * x - y))),
  'exp(x) / (1 + exp(x*y))': ({ x, y }) => Math.exp(x) / (1 + Math.exp(x * y)),
  'tanh(x) * log(1 + y^2)': ({ x, y }) => Math.tanh(x) * Math.log(1 + y * y),
};

test('central differences in double agree with the traced gradients of every offered expression', () => {
  assert.deepEqual(Object.keys(EXPR_DOUBLE), bp.EXPR_EXAMPLES);
  for (const f of bp.EXPR_EXAMPLES) {
    for (const x of [[1.5, -2], [-0.4, 0.8]]) {
      const s = { ...s0, graph: 'expr', f, x, nudge: 'x1' };
      const r = bp.compute(pg, s);
      assert.equal(r.error, null, f);
      const p = { x: x[0], y: x[1] };
      near(r.loss, EXPR_DOUBLE[f](p), 1e-5, `${f} value`);
      for (const name of ['x', 'y']) {
        const want = centralDiff(EXPR_DOUBLE[f], p, name);
        const got = r.params.find((q) => q.name === name).grad;
        near(got, want, 1e-5 + 1e-4 * Math.abs(want), `${f}: ∂/∂${name}`);
      }
      for (const row of r.params) assert.ok(row.relErr < 1e-2, `${f} ${row.name}: ${row.relErr}`);
      // every backward step: local × upstream = downstream
      for (const b of r.backward) near(b.local * b.upstream, b.contribution, 1e-6 + 1e-6 * Math.abs(b.contribution), `${f} edge ${b.edge}`);
    }
  }
});

test('two paths add: ŷ − y feeds the square twice, x1 feeds three neurons, x feeds x·y and sin(x)', () => {
  const r = bp.compute(pg, s0);
  const d = byLabel(r, 'ŷ−y');
  const intoD = r.backward.filter((b) => b.from === d.id);
  assert.equal(intoD.length, 2);
  near(intoD[0].contribution, d.value[0], 1e-6);
  near(intoD[1].contribution, d.value[0], 1e-6);
  const last = intoD.find((b) => b.total !== null);
  assert.equal(last.of, 2);
  assert.equal(last.parts.length, 2);
  near(last.total, 2 * d.value[0], 1e-6);
  const x1 = byLabel(r, 'x1');
  const intoX1 = r.backward.filter((b) => b.from === x1.id);
  assert.equal(intoX1.length, 3);
  near(intoX1.reduce((a, b) => a + b.contribution, 0), x1.grad[0], 1e-6);
  assert.equal(intoX1.filter((b) => b.total !== null).length, 1);

  const e = bp.compute(pg, { ...s0, graph: 'expr', f: 'x*y + sin(x)', x: [1.5, -2], nudge: 'x1' });
  const x = byLabel(e, 'x');
  const intoX = e.backward.filter((b) => b.from === x.id);
  assert.equal(intoX.length, 2);
  near(intoX.find((b) => b.total !== null).total, -2 + Math.cos(1.5), 1e-6);
});

test('the nudge: predicted change = gradient × ε, real change recomputed by the core', () => {
  for (const [nudge, eps] of [['w7', 0.05], ['w1', -0.2], ['b4', 0.01]]) {
    const s = { ...s0, nudge, eps };
    const r = bp.compute(pg, s);
    const p = paramsOf(s);
    const g = byLabel(r, nudge).grad[0];
    near(r.nudge.predicted, g * eps, 1e-6, 'predicted');
    const real = lossOf({ ...p, [nudge]: p[nudge] + eps }).L - lossOf(p).L;
    near(r.nudge.real, real, 2e-5, `real ${nudge}`);
    near(r.nudge.gap, r.nudge.real - r.nudge.predicted, 1e-6, 'gap');
    // first order: the gap shrinks like ε²
    assert.ok(Math.abs(r.nudge.real - r.nudge.predicted) <= 2 * Math.abs(eps) ** 2 * 10 + 1e-5);
  }
  const e = bp.compute(pg, { ...s0, graph: 'expr', f: '(x + y)^2', x: [1, 2], nudge: 'x2', eps: 0.1 });
  near(e.nudge.predicted, 2 * 3 * 0.1, 1e-5);
  near(e.nudge.real, 3.1 ** 2 - 9, 1e-5);
});

test('exercises: the sign of ∂L/∂w7, ∂L/∂w1 by the chain rule, the nudge', () => {
  const p = paramsOf(s0);
  const d = lossOf(p);
  const dLdw7 = 2 * (d.yhat - p.y) * d.N1;
  const sign = bp.exercises.find((e) => e.id === 'sign-w7');
  assert.equal(sign.solve(pg, s0).value, dLdw7 > 0 ? 'positive' : 'negative');
  // flip the target past ŷ and the sign flips
  const s2 = { ...s0, y: d.yhat > s0.y ? 5 : -5 };
  assert.notEqual(sign.solve(pg, s2).value, sign.solve(pg, s0).value);
  const dw1 = bp.exercises.find((e) => e.id === 'dw1');
  near(dw1.solve(pg, s0).value, 2 * (d.yhat - p.y) * p.w7 * p.x1, 1e-5);
  const nudge = bp.exercises.find((e) => e.id === 'nudge');
  const v = nudge.solve(pg, s0).value;
  near(v, dLdw7 * s0.eps, 1e-5);
  assert.equal(checkAnswer(pg, nudge, s0, String(v)).correct, true);
  assert.equal(checkAnswer(pg, nudge, s0, String(v + 1)).correct, false);
});

test('a typed expression that does not parse gives the parser’s message, nothing else', () => {
  for (const f of ['x +', 'x * (y', 'z + 1', '']) {
    const r = bp.compute(pg, { ...s0, graph: 'expr', f });
    assert.match(r.error, /^expr: /, f);
    assert.equal(r.nodes, undefined);
    assert.deepEqual(bp.report(r, s0).slice(0, 1), [`f(x, y) = ${f}`]);
  }
  assert.match(bp.compute(pg, { ...s0, graph: 'expr', f: 'x +' }).error, /position/);
});

test('a constant or a bare variable is a graph too', () => {
  const c = bp.compute(pg, { ...s0, graph: 'expr', f: '2 + 3', nudge: 'x1' });
  assert.equal(c.nodes.length, 1);
  assert.equal(c.loss, 5);
  assert.deepEqual(c.backward, []);
  assert.equal(c.params[0].grad, 0);
  const x = bp.compute(pg, { ...s0, graph: 'expr', f: 'x', x: [0.5, 1], nudge: 'x1' });
  assert.equal(x.params[0].grad, 1);
  near(x.nudge.real, s0.eps, 1e-6);
});

test('the layout puts every node in its own place, inputs left of their ops', () => {
  for (const s of [s0, ...bp.EXPR_EXAMPLES.map((f) => ({ ...s0, graph: 'expr', f, nudge: 'x1' }))]) {
    const r = bp.compute(pg, s);
    const { col, row } = r.layout;
    const places = new Set(r.nodes.map((n) => `${col[n.id]}|${row[n.id]}`));
    assert.equal(places.size, r.nodes.length, s.f);
    for (const e of r.edges) assert.ok(col[e.from] < col[e.to], `${s.f}: edge ${e.from} → ${e.to}`);
  }
});

test('report() prints the forward and backward steps and the check table', () => {
  const lines = bp.report(bp.compute(pg, s0), s0);
  assert.ok(lines.some((l) => l.startsWith('∂L/∂w7 = ∂L/∂ŷ · N1')));
  assert.ok(lines.some((l) => l.includes('sum of 2')));
  assert.ok(lines.some((l) => l.startsWith('nudge w7')));
  assert.equal(lines.filter((l) => /^\s+w\d|^\s+b\d/.test(l)).length >= 13, true);
});
