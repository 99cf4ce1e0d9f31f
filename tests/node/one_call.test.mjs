// The one-call paths on the wasm build: pg.denseChainTrainer (the fused Dense-chain step) gives
// the numbers model.trainOnBatch gives and refuses what it cannot fuse with a readable error,
// leaving the model unchanged; pg.optim.path (its gradient from the expression's scalar tape) gives the
// path of the per-step loop a lesson would write in JavaScript (pg.expr eval + backward +
// pg.optim step), and refuses bad arguments.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { load } from 'playgrad';

const pg = await load();

const mlp = (act = 'tanh') => pg.sequential([pg.layers.dense(16, { activation: act }), pg.layers.dense(16, { activation: act }),
  pg.layers.dense(1)], { inputShape: [2], seed: 11 });
const weights = (m) => pg.scope(() => m.parameters().flatMap((p) => Array.from(p.toArray())));
const close = (got, want, tol, what) => {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i])), `${what} at ${i}: ${got[i]} vs ${want[i]}`);
};

test('denseChainTrainer: 15 steps give the losses and weights of model.trainOnBatch', () => {
  // the update is the optimizer's own step: any optimizer fuses
  for (const [act, optimizer] of [['tanh', { kind: 'adam', lr: 0.01 }], ['relu', { kind: 'adam', lr: 0.01 }],
    ['tanh', { kind: 'sgd', lr: 0.05, momentum: 0.9 }]]) {
    const a = mlp(act), b = mlp(act);
    const compile = { optimizer, loss: 'mse' };
    a.compile(compile);
    b.compile(compile);
    const t = pg.denseChainTrainer(b);
    for (let s = 0; s < 15; s++) {
      pg.scope(() => {
        const x = pg.rand([64, 2], 300 + s, -1, 1), y = pg.rand([64, 1], 400 + s, -1, 1);
        const la = a.trainOnBatch(x, y), lb = t.step(x, y);
        assert.ok(Math.abs(la - lb) <= 1e-6 * (1 + la), `${act} step ${s}: ${lb} vs ${la}`);
      });
    }
    assert.equal(t.steps, 15);
    close(weights(b), weights(a), 1e-5, act);
    const c = mlp(act);
    assert.ok(weights(c).some((w, i) => Math.abs(w - weights(a)[i]) > 1e-3), 'training moved the weights');
    [a, b, c].forEach((m) => m.dispose());
    t.dispose();
  }
});

test('denseChainTrainer: what it cannot fuse and bad shapes are readable errors; nothing changes', () => {
  const m = mlp();
  assert.throws(() => pg.denseChainTrainer(m), { name: 'PlaygradError', message: /compile the model first/ });
  m.compile({ optimizer: 'adam', loss: 'binaryCrossEntropy' });
  assert.throws(() => pg.denseChainTrainer(m), { message: /the loss must be mse/ });
  m.compile({ optimizer: 'adam', loss: 'mse' });
  const t = pg.denseChainTrainer(m);
  const before = weights(m);
  pg.scope(() => {
    assert.throws(() => t.step(pg.zeros([4, 3]), pg.zeros([4, 1])), { name: 'PlaygradError', message: /x must be \[N, 2\], got \[4,3\]/ });
    assert.throws(() => t.step(pg.zeros([4, 2]), pg.zeros([5, 1])), { message: /y must be \[4, 1\]/ });
    assert.throws(() => t.step([1, 2], pg.zeros([1, 1])), { message: /needs two Tensors/ });
  });
  assert.deepEqual(weights(m), before);
  assert.throws(() => pg.denseChainTrainer({}), { message: /expected a model/ });
  t.dispose();
  assert.throws(() => t.step(), { message: /after dispose/ });
  // The module keeps working.
  assert.equal(pg.scope(() => pg.add(pg.tensor([1]), pg.tensor([2])).toArray()[0]), 3);
  m.dispose();
});

test('denseChainTrainer: a NaN/Infinity loss or gradient throws and takes no step', () => {
  const m = mlp();
  m.compile({ optimizer: 'adam', loss: 'mse' });
  const t = pg.denseChainTrainer(m);
  pg.scope(() => {
    const x = pg.rand([4, 2], 1, -1, 1);
    t.step(x, pg.rand([4, 1], 2, -1, 1));
    const before = weights(m);
    assert.throws(() => t.step(x, pg.tensor([0, NaN, 0, 0], [4, 1])), { name: 'PlaygradError', message: /denseChainTrainer\.step: the loss became nan; the step was not taken/ });
    // a finite loss (summed in double) whose gradient overflows float32
    assert.throws(() => t.step(x, pg.full([4, 1], 3e38)), { message: /gradient of layer 2 \(16 -> 1\) is not finite/ });
    assert.deepEqual(weights(m), before);
    assert.equal(t.steps, 1);
    assert.ok(Number.isFinite(t.step(x, pg.zeros([4, 1]))));
    assert.equal(t.steps, 2);
  });
  t.dispose();
  m.dispose();
});

// The lesson's per-step loop in JavaScript.
function jsPath(f, kind, o, start, steps) {
  return pg.scope(() => {
    const x = pg.tensor([start[0]], [], { requiresGrad: true }), y = pg.tensor([start[1]], [], { requiresGrad: true });
    const opt = pg.optim[kind]([x, y], o);
    const out = [];
    for (let s = 0; ; s++) {
      opt.zeroGrad();
      const v = f.eval(x, y);
      out.push([x.item(), y.item(), v.item()]);
      if (s === steps) break;
      v.backward();
      opt.step();
    }
    opt.dispose();
    return out;
  });
}

test('optim.path follows the per-step JavaScript loop on the autograd graph', () => {
  const f = pg.expr('(1 - x)^2 + 100 (y - x^2)^2');
  const cases = [['sgd', { lr: 2e-4 }], ['sgd', { lr: 2e-4, momentum: 0.9, nesterov: true }], ['adagrad', { lr: 0.1 }],
    ['rmsprop', { lr: 0.01 }], ['adam', { lr: 0.02 }]];
  for (const [kind, o] of cases) {
    const p = pg.optim.path(f, kind, o, { x0: -1.5, y0: 2, steps: 200 });
    assert.equal(p.stop, '', `${kind} runs every step`);
    assert.equal(p.x.length, 201);
    assert.equal(p.steps, 200);
    const want = jsPath(f, kind, o, [-1.5, 2], 200);
    close(Array.from(p.x), want.map((w) => w[0]), 1e-5, `${kind} x`);
    close(Array.from(p.y), want.map((w) => w[1]), 1e-5, `${kind} y`);
    close(Array.from(p.f), want.map((w) => w[2]), 1e-4, `${kind} f`);
    assert.ok(p.f[200] < p.f[0], `${kind} goes downhill`);
  }
  // A path that stops early (lr too large: it leaves the box) is the loop's on the points it returned.
  const d = pg.optim.path(f, 'sgd', { lr: 0.01 }, { x0: -1.5, y0: 2, steps: 50, limit: 100 });
  assert.match(d.stop, /^diverged at step /);
  assert.equal(d.x.length, d.stopStep);
  const dw = jsPath(f, 'sgd', { lr: 0.01 }, [-1.5, 2], d.x.length - 1);
  close(Array.from(d.x), dw.map((w) => w[0]), 1e-5, 'diverging x');
  close(Array.from(d.y), dw.map((w) => w[1]), 1e-5, 'diverging y');
  close(Array.from(d.f), dw.map((w) => w[2]), 1e-4, 'diverging f');
  // A source text works too (parsed and freed inside).
  const q = pg.optim.path('x^2 + y^2', 'sgd', {}, { x0: 1, y0: 1, steps: 2 });
  close(Array.from(q.x), [1, 0.998, 0.996004], 1e-7, "x^2 + y^2 with lr 1e-3");
  f.dispose();
});

test('optim.path: bad arguments are readable errors', () => {
  const f = pg.expr('x^2 + y^2');
  assert.throws(() => pg.optim.path(f, 'newton'), { name: 'PlaygradError', message: /newton/ });
  assert.throws(() => pg.optim.path(f, 'sgd', { lr: -1 }), { name: 'PlaygradError' });
  assert.throws(() => pg.optim.path(f, 'sgd', {}, { x0: NaN }), { message: /start point must be finite/ });
  assert.throws(() => pg.optim.path(f, 'sgd', {}, { steps: -1 }), { message: /steps must be/ });
  assert.throws(() => pg.optim.path(f, 'sgd', {}, { steps: 2e6 }), { message: /steps must be from 0 to 100000/ });
  assert.throws(() => pg.optim.path(42, 'sgd'), { message: /f must be/ });
  assert.throws(() => pg.optim.path('x +', 'sgd'), { message: /expr/ });
  f.dispose();
  assert.throws(() => pg.optim.path(f, 'sgd'), { message: /after dispose/ });
});
