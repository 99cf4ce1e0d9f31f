// Anomaly mode from JavaScript (pg.detectAnomaly) and fit's divergence report: SGD at lr 10 on a
// small regression diverges; fit throws a PlaygradError naming the op, the epoch and the batch,
// and the weights afterwards are finite and equal to those before the failing step.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { load } from '../../wasm/playgrad.mjs';

const pg = await load();

/** The module still computes known values. */
function healthy() {
  pg.scope(() => {
    assert.equal(pg.sum(pg.tensor([1, 2, 3])).item(), 6);
    const p = pg.softmax(pg.tensor([0, Math.log(3)])).toArray();
    assert.ok(Math.abs(p[0] - 0.25) < 1e-6 && Math.abs(p[1] - 0.75) < 1e-6, `softmax gave ${p}`);
  });
}

test('detectAnomaly: off by default; sets and returns the previous mode; reads without an argument', () => {
  assert.equal(pg.detectAnomaly(), false);
  assert.equal(pg.detectAnomaly(true), false);
  assert.equal(pg.detectAnomaly(), true);
  assert.equal(pg.detectAnomaly(false), true);
  assert.equal(pg.detectAnomaly(), false);
  for (const bad of [1, 'yes', null, {}]) {
    assert.throws(() => pg.detectAnomaly(bad), (e) => e instanceof pg.PlaygradError && /^detectAnomaly: on must be true or false/.test(e.message));
  }
  assert.equal(pg.detectAnomaly(), false, 'a rejected argument changes nothing');
});

test('detectAnomaly off: exp(100) overflows silently, as in PyTorch', () => {
  pg.scope(() => {
    assert.equal(pg.exp(pg.tensor([100])).toArray()[0], Infinity);
  });
});

test('detectAnomaly on: the op that made NaN/Infinity from finite inputs is named, forward and backward', () => {
  const prev = pg.detectAnomaly(true);
  try {
    pg.scope(() => {
      assert.throws(() => pg.exp(pg.tensor([0, 100, 1])), (e) => e instanceof pg.PlaygradError
        && e.message === "anomaly: op 'exp' (input [3]) turned finite inputs into +Inf at index 1 of its output [3]");
      assert.throws(() => pg.mul(pg.tensor([1e30]), pg.tensor([1e30])), /op 'mul' \(inputs \[1\] and \[1\]\) turned finite inputs into \+Inf/);
      assert.throws(() => pg.log(pg.tensor([[1, 0]])), /op 'log' \(input \[1,2\]\) turned finite inputs into -Inf at index 1/);
      assert.throws(() => pg.div(pg.tensor([0]), pg.tensor([0])), /op 'div' .* into NaN at index 0/);
      // also in noGrad mode
      assert.throws(() => pg.noGrad(() => pg.exp(pg.tensor([100]))), /op 'exp'/);
      // propagation is not an anomaly
      assert.equal(Number.isNaN(pg.exp(pg.tensor([NaN])).toArray()[0]), true);
      // backward: d sqrt(x)/dx at 0 is +Inf
      const x = pg.tensor([0, 4], undefined, { requiresGrad: true });
      const y = pg.sum(pg.sqrt(x));
      assert.throws(() => y.backward(), (e) => e instanceof pg.PlaygradError
        && e.message === "anomaly: the backward of op 'sqrt' (input [2]) turned a finite gradient into +Inf at index 0 of the gradient of its input 0 [2]");
      // finite work is unaffected
      const z = pg.tensor([1, 2], undefined, { requiresGrad: true });
      pg.sum(pg.mul(z, z)).backward();
      assert.deepEqual(Array.from(z.grad.toArray()), [2, 4]);
    });
  } finally {
    pg.detectAnomaly(prev);
  }
  assert.equal(pg.detectAnomaly(), false);
  healthy();
});

/** y = 3 x0 - 2 x1 + 1 on 64 points of a grid in [-2, 2]^2. */
function regression() {
  const xs = [];
  const ys = [];
  for (let i = 0; i < 64; i++) {
    const a = -2 + 4 * ((i % 8) / 7);
    const b = -2 + 4 * (Math.floor(i / 8) / 7);
    xs.push([a, b]);
    ys.push([3 * a - 2 * b + 1]);
  }
  return { x: pg.tensor(xs), y: pg.tensor(ys) };
}

function weightValues(model) {
  const out = {};
  for (const [k, t] of Object.entries(model.weights())) out[k] = Array.from(t.toArray());
  return out;
}

test('fit with SGD lr 10 diverges: the error names the op, epoch and batch; weights are those before the failing step', () => {
  const { x, y } = regression();
  const model = pg.sequential([pg.layers.dense({ units: 16, activation: 'tanh' }), pg.layers.dense(1)], { inputShape: [2], seed: 7 });
  model.compile({ optimizer: { kind: 'sgd', lr: 10 }, loss: 'mse' });
  let last = weightValues(model);
  let batches = 0;
  let err = null;
  try {
    model.fit(x, y, { epochs: 50, batchSize: 16, seed: 1, callbacks: [{ onBatchEnd: () => { last = weightValues(model); batches++; } }] });
  } catch (e) {
    err = e;
  }
  assert.ok(err, 'lr 10 did not diverge');
  assert.ok(err instanceof pg.PlaygradError, `${err?.constructor?.name}: ${err?.message}`);
  const epoch = Math.floor(batches / 4);
  const batch = batches % 4;
  assert.match(err.message, new RegExp(`^fit: the loss became (NaN|Infinity|-Infinity) at epoch ${epoch}, batch ${batch}; first non-finite value: op '\\w+' \\(inputs? \\[`));
  assert.match(err.message, /turned finite inputs into (NaN|\+Inf|-Inf) at index \d+ of its output \[/);
  assert.match(err.message, /, in (layer '\w+' \(\w+\)|the loss \(mse\))\. Likely cause: /);
  assert.match(err.message, /Training stopped \(weights as after the last finite step\)$/);
  const after = weightValues(model);
  assert.deepEqual(after, last, 'the weights changed in the failing batch');
  for (const v of Object.values(after).flat()) assert.ok(Number.isFinite(v), 'a weight is not finite');
  assert.equal(pg.detectAnomaly(), false, 'fit left anomaly mode on');
  // The module (and a fresh model) keeps working.
  healthy();
  const fresh = pg.sequential([pg.layers.dense({ units: 16, activation: 'tanh' }), pg.layers.dense(1)], { inputShape: [2], seed: 7 });
  fresh.compile({ optimizer: { kind: 'sgd', lr: 0.05 }, loss: 'mse' });
  const h = fresh.fit(x, y, { epochs: 20, batchSize: 16, seed: 1 });
  assert.ok(h.history.loss.at(-1) < h.history.loss[0], `loss ${h.history.loss[0]} -> ${h.history.loss.at(-1)}`);
  model.dispose();
  fresh.dispose();
  x.dispose();
  y.dispose();
});
