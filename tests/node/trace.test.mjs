// pg.trace on the wasm build: the graph the core recorded (nodes, edges, values), the gradients
// backward() produced (interior ones kept), each edge's local derivative and contribution and the
// order of the sweep; a value used twice gets both contributions; bad input; nothing leaks; types.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { load, PlaygradError } from 'playgrad';

const pg = await load();
const near = (a, b, tol = 1e-6) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);
const scalar = (v, grad = true) => pg.tensor(v, undefined, { requiresGrad: grad });

test('c = a·b, d = c + a: nodes, edges, values, gradients, and a’s two contributions add', () => {
  const g = pg.trace(() => {
    const a = scalar(2), b = scalar(-3);
    const c = pg.mul(a, b);
    const d = pg.add(c, a);
    return { root: d, labels: { a, b, c, d } };
  });
  assert.equal(g.root, 3);
  assert.deepEqual(g.nodes.map((n) => [n.id, n.op, n.label, n.inputs]),
    [[0, 'leaf', 'a', []], [1, 'leaf', 'b', []], [2, 'mul', 'c', [0, 1]], [3, 'add', 'd', [2, 0]]]);
  assert.deepEqual(g.nodes.map((n) => n.value), [[2], [-3], [-6], [-4]]);
  assert.deepEqual(g.nodes.map((n) => n.grad), [[-2], [2], [1], [1]]);
  assert.deepEqual(g.nodes.map((n) => n.shape), [[], [], [], []]);
  assert.deepEqual(g.edges, [
    { from: 0, to: 2, slot: 0, local: [-3], contribution: [-3], step: 2 },
    { from: 1, to: 2, slot: 1, local: [2], contribution: [2], step: 3 },
    { from: 2, to: 3, slot: 0, local: [1], contribution: [1], step: 0 },
    { from: 0, to: 3, slot: 1, local: [1], contribution: [1], step: 1 },
  ]);
  // local × upstream = contribution on every edge; the contributions into a sum to its gradient
  for (const e of g.edges) near(e.local[0] * g.nodes[e.to].grad[0], e.contribution[0]);
  near(g.edges[0].contribution[0] + g.edges[3].contribution[0], g.nodes[0].grad[0]);
});

test('x·x: one op reads x twice, two edges, two contributions, gradient 2x', () => {
  const g = pg.trace(() => { const x = scalar(3); return pg.mul(x, x); });
  assert.deepEqual(g.nodes[1].inputs, [0, 0]);
  assert.deepEqual(g.edges.map((e) => [e.slot, e.local[0], e.contribution[0]]), [[0, 3, 3], [1, 3, 3]]);
  assert.deepEqual(g.nodes[0].grad, [6]);
  assert.equal(g.nodes[0].label, null);
});

test('constants are leaves without gradient; pow and exp give their local derivatives', () => {
  const g = pg.trace(() => {
    const x = scalar(0.5);
    return { root: pg.sub(pg.exp(x), pg.pow(x, 3)), labels: { x } }; // e^x − x³
  });
  const ops = g.nodes.map((n) => n.op);
  assert.deepEqual(ops, ['leaf', 'exp', 'pow', 'sub']);
  near(g.nodes[3].value[0], Math.exp(0.5) - 0.125, 1e-6);
  const local = Object.fromEntries(g.edges.map((e) => [`${g.nodes[e.from].op}->${g.nodes[e.to].op}`, e.local[0]]));
  near(local['leaf->exp'], Math.exp(0.5), 1e-6);
  near(local['leaf->pow'], 3 * 0.25, 1e-6);
  near(local['exp->sub'], 1);
  near(local['pow->sub'], -1);
  near(g.nodes[0].grad[0], Math.exp(0.5) - 0.75, 1e-6);

  const k = pg.trace(() => pg.mul(scalar(2), pg.tensor(5)));
  assert.equal(k.nodes[1].requiresGrad, false);
  assert.equal(k.nodes[1].grad, null);
  assert.equal(k.edges[1].local, null);
  assert.equal(k.edges[1].contribution, null);
  assert.equal(k.edges[1].step, -1);
});

test('a typed expression: x*y + sin(x) gives x the contributions y and cos(x), which add', () => {
  const f = pg.expr('x*y + sin(x)');
  const g = pg.trace(() => {
    const x = scalar(1.5), y = scalar(-2);
    return { root: f.eval(x, y), labels: { x, y } };
  });
  f.dispose();
  const x = g.nodes.find((n) => n.label === 'x');
  const into = g.edges.filter((e) => e.from === x.id);
  assert.equal(into.length, 2);
  const sum = into.reduce((s, e) => s + e.contribution[0], 0);
  near(sum, x.grad[0], 1e-6);
  near(x.grad[0], -2 + Math.cos(1.5), 1e-6);
  assert.deepEqual(into.map((e) => g.nodes[e.to].op).sort(), ['mul', 'sin']);
  // The sweep's order: every contribution a node makes comes after its own gradient is complete.
  for (const e of g.edges) {
    for (const later of g.edges.filter((d) => d.to === e.from)) assert.ok(later.step > e.step || later.step < 0);
  }
});

test('vector tensors: the local derivative is the backward of ones', () => {
  const g = pg.trace(() => pg.sum(pg.mul(scalar([1, 2, 3]), scalar([4, 5, 6]))));
  assert.deepEqual(g.nodes[2].shape, [3]);
  assert.deepEqual(g.nodes[2].value, [4, 10, 18]);
  assert.deepEqual(g.edges[0].local, [4, 5, 6]);
  assert.deepEqual(g.nodes[0].grad, [4, 5, 6]);
  assert.deepEqual(g.nodes[3].shape, []);
});

test('backward: false leaves gradients null; a root not made by a traced op is one node', () => {
  const g = pg.trace(() => pg.exp(scalar(0)), { backward: false });
  assert.equal(g.nodes[1].grad, null);
  assert.equal(g.edges[0].local, null);
  const one = pg.trace(() => pg.add(pg.tensor(1), 2)); // nothing requires grad: nothing recorded
  assert.equal(one.nodes.length, 1);
  assert.deepEqual(one.nodes[0].value, [3]);
  assert.deepEqual(one.edges, []);
});

test('bad input is a PlaygradError and leaves no scope open', () => {
  assert.throws(() => pg.trace(42), (e) => e instanceof PlaygradError && /trace: expected a function/.test(e.message));
  assert.throws(() => pg.trace(() => 3), (e) => e instanceof PlaygradError && /must return a Tensor/.test(e.message));
  assert.throws(() => pg.trace(() => ({ root: scalar(1), labels: { a: 2 } })), /label 'a' is not a Tensor/);
  assert.throws(() => pg.trace(() => pg.mul(scalar([1, 2]), 2)), /backward: called on a tensor of shape \[2\]/);
  assert.throws(() => pg.trace(() => { throw new Error('boom'); }), /boom/);
  // No scope is left open: a later trace sees only its own nodes.
  const g = pg.trace(() => pg.exp(scalar(1)));
  assert.equal(g.nodes.length, 2);
});

test('tracing frees what it made', () => {
  const f = pg.expr('x*y + sin(x)');
  const run = () => pg.trace(() => ({ root: f.eval(scalar(1), scalar(2)), labels: {} }));
  run();
  const tensors = pg.tensorBytes();
  const heap = pg.memoryBytes();
  for (let i = 0; i < 300; i++) run();
  assert.equal(pg.tensorBytes(), tensors);
  assert.equal(pg.memoryBytes(), heap);
  f.dispose();
});

test('playgrad.d.ts types pg.trace', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext',
    '--target', 'es2022', '--types', 'node', `${root}tests/node/types/trace.ts`];
  try {
    execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, ...args], { cwd: root, encoding: 'utf8' });
  } catch (e) {
    assert.fail(`tsc reported errors:\n${e.stdout}${e.stderr}`);
  }
});
