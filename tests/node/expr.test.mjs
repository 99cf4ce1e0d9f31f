// pg.expr on the wasm build: values, gradients from the core's backward() against central
// differences and TensorFlow.js, errors with positions as PlaygradErrors, the depth and length
// limits (no stack blow-up in wasm), no leaks; pg.sin/cos/tan against TensorFlow.js.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs';

import { load, PlaygradError } from 'playgrad';

const pg = await load();
await tf.setBackend('cpu');

const close = (a, b, atol = 1e-5, rtol = 1e-5) => Math.abs(a - b) <= atol + rtol * Math.abs(b);

test('values follow precedence, constants and functions', () => {
  const cases = [
    ['1 + 2 * 3', 0, 0, 7], ['2 ^ 3 ^ 2', 0, 0, 512], ['-x^2', 3, 0, -9], ['2x + 3y', 1, 2, 8],
    ['x^2', -3, 0, 9], ['sin(pi/2) + cos(0)', 0, 0, 2], ['log(e^2)', 0, 0, 2],
    ['(1 - x)^2 + 100 (y - x^2)^2', 1, 1, 0], ['(x^2 + y - 11)^2 + (x + y^2 - 7)^2', 3, 2, 0],
    ['sigmoid(0) + tanh(0) + abs(-2) + sqrt(9) + exp(0)', 0, 0, 6.5],
  ];
  for (const [src, x, y, want] of cases) {
    const f = pg.expr(src);
    assert.ok(close(f.at(x, y).value, want), `${src}: ${f.at(x, y).value} vs ${want}`);
    f.dispose();
  }
  const f = pg.expr('-x^2');
  assert.equal(f.canonical, '-(x ^ 2)');
  assert.equal(f.source, '-x^2');
  assert.equal(f.usesX, true);
  assert.equal(f.usesY, false);
  f.dispose();
});

test('the gradient comes from backward(): Rosenbrock exactly, others by central differences', () => {
  const rosen = pg.expr('(1 - x)^2 + 100 (y - x^2)^2');
  // df/dx = -2(1 - x) - 400 x (y - x^2), df/dy = 200 (y - x^2)
  const g = rosen.at(-1.5, 2);
  assert.ok(close(g.value, 2.5 ** 2 + 100 * (2 - 2.25) ** 2));
  assert.ok(close(g.dx, -2 * 2.5 - 400 * -1.5 * (2 - 2.25)), `${g.dx}`);
  assert.ok(close(g.dy, 200 * (2 - 2.25)));
  rosen.dispose();
  for (const src of ['sin(x) cos(y) + tan(x / 3)', 'x^y + log(x^2 + y^2)', 'sqrt(x^2 + 1) * sigmoid(y) / (1 + abs(x))']) {
    const f = pg.expr(src);
    for (const [x, y] of [[0.7, 1.3], [1.2, 0.4]]) {
      const h = 1e-2;
      const { dx, dy } = f.at(x, y);
      const nx = (f.at(x + h, y).value - f.at(x - h, y).value) / (2 * h);
      const ny = (f.at(x, y + h).value - f.at(x, y - h).value) / (2 * h);
      assert.ok(close(dx, nx, 2e-3, 1e-2), `${src} d/dx ${dx} vs ${nx}`);
      assert.ok(close(dy, ny, 2e-3, 1e-2), `${src} d/dy ${dy} vs ${ny}`);
    }
    f.dispose();
  }
});

test('eval() is a Tensor on the graph, broadcasting x and y', () => {
  const f = pg.expr('x^2 + x y');
  pg.scope(() => {
    const x = pg.tensor([1, 2, 3], [3, 1], { requiresGrad: true });
    const y = pg.tensor([10, 20], [1, 2]);
    const out = f.eval(x, y);
    assert.deepEqual(out.shape, [3, 2]);
    assert.deepEqual(Array.from(out.toArray()), [11, 21, 24, 44, 39, 69]);
    pg.sum(out).backward();
    // d/dx sum_j (x^2 + x y_j) = 2 * 2x + (10 + 20)
    assert.deepEqual(Array.from(x.grad.toArray()), [34, 38, 42]);
    assert.deepEqual(Array.from(f.eval(2, 3).toArray()), [10]);
  });
  f.dispose();
});

test('sin, cos, tan match TensorFlow.js in value and gradient', () => {
  const xs = [-1.3, -0.4, 0, 0.5, 1.1, 1.4];
  for (const name of ['sin', 'cos', 'tan']) {
    const [v, g] = pg.scope(() => {
      const x = pg.tensor(xs, [6], { requiresGrad: true });
      const y = pg[name](x);
      pg.sum(y).backward();
      return [y.toArray(), x.grad.toArray()];
    });
    const tv = tf[name](tf.tensor(xs)).dataSync();
    const tg = tf.grad((t) => tf.sum(tf[name](t)))(tf.tensor(xs)).dataSync();
    for (let i = 0; i < xs.length; i++) {
      assert.ok(close(v[i], tv[i]), `${name}(${xs[i]}) ${v[i]} vs tfjs ${tv[i]}`);
      assert.ok(close(g[i], tg[i]), `${name}'(${xs[i]}) ${g[i]} vs tfjs ${tg[i]}`);
    }
  }
});

test('bad expressions throw PlaygradErrors naming the position; the module keeps working', () => {
  const bad = [
    ['x + z', /^expr: unknown name 'z' at position 5/],
    ['x +', /^expr: the expression ends early at position 4/],
    ['(x + 1', /^expr: missing '\)' for the '\(' at position 1$/],
    ['sin x', /^expr: the function 'sin' at position 1 needs parentheses/],
    ['', /^expr: the expression is empty$/],
    ['x'.padEnd(2000, ' '), /^expr: the expression is 2000 characters long; the limit is 1000$/],
    ['('.repeat(400) + 'x' + ')'.repeat(400), /^expr: nested too deeply at position \d+ \(the limit is 64 levels\)$/],
    ['-'.repeat(999) + 'x', /nested too deeply/],
    ['<img src=x onerror=alert(1)>', /^expr: unexpected '<' at position 1/],
  ];
  const run = () => {
    for (const [src, re] of bad) {
      assert.throws(() => pg.expr(src), (e) => e instanceof PlaygradError && re.test(e.message), src.slice(0, 30));
    }
  };
  run(); // the first round sizes the (static) error-message buffer
  const before = pg.memoryBytes();
  run();
  assert.throws(() => pg.expr(42), /expr: expected a string, got number/);
  assert.equal(pg.memoryBytes(), before);
  const f = pg.expr('x + y');
  assert.equal(f.at(1, 2).value, 3);
  f.dispose();
  assert.throws(() => f.at(1, 2), /expr: used after dispose/);
});

test('no heap growth over many parse/evaluate/dispose cycles', () => {
  const warm = pg.expr('x^2 + sin(y)');
  warm.at(1, 2);
  warm.dispose();
  const before = pg.memoryBytes();
  for (let i = 0; i < 2000; i++) {
    const f = pg.expr('(1 - x)^2 + 100 (y - x^2)^2');
    f.at(i / 1000, 1);
    f.dispose();
    try { pg.expr('x +'); } catch { /* expected */ }
  }
  assert.equal(pg.memoryBytes(), before);
});

test('playgrad.d.ts types pg.expr', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext',
    '--target', 'es2022', '--types', 'node', `${root}tests/node/types/expr.ts`];
  try {
    execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, ...args], { cwd: root, encoding: 'utf8' });
  } catch (e) {
    assert.fail(`tsc reported errors:\n${e.stdout}${e.stderr}`);
  }
});
