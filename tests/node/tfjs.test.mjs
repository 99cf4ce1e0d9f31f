// Values and gradients against a real peer: every row of the op table (tests/node/op-table.mjs)
// that names a TensorFlow.js equivalent, on TensorFlow.js's cpu backend with the same inputs.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { load } from 'playgrad';

import { assertCloseToTfjs as assertClose } from './compare.mjs';
import { ROWS, buildInputs } from './op-table.mjs';

const pg = await load();
await tf.setBackend('cpu');

function compare(r) {
  const [atol, rtol] = r.tfTol ?? [1e-5, 1e-4];
  pg.scope(() => {
    const inputs = buildInputs(pg, r);
    const xs = inputs.map((x) => pg.tensor(x.data, x.shape, { requiresGrad: x.grad }));
    const out = r.pg(pg, xs);
    const w = pg.randn(out.shape, 17);
    pg.sum(pg.mul(out, w)).backward();

    const txs = inputs.map((x) => tf.tensor(x.data, x.shape));
    const tw = tf.tensor(w.toArray(), w.shape);
    const tout = r.tf(tf, txs);
    assert.deepEqual(out.shape, tout.shape, `${r.name}: shape`);
    assertClose(out.toArray(), tout.dataSync(), `${r.name} value`, atol, rtol);
    if (r.tfGrad !== false) {
      // Gradients with respect to the inputs that take one (not targets or labels).
      const gi = inputs.flatMap((x, i) => (x.grad ? [i] : []));
      const grads = tf.grads((...a) => {
        const all = txs.slice();
        gi.forEach((k, j) => { all[k] = a[j]; });
        return tf.sum(tf.mul(r.tf(tf, all), tw));
      })(gi.map((k) => txs[k]));
      grads.forEach((g, j) => assertClose(xs[gi[j]].grad.toArray(), g.dataSync(), `${r.name} grad ${gi[j]}`, atol, rtol));
      tf.dispose(grads);
    } else if (r.linear) {
      // Where tfjs has no usable gradient: these ops are linear in each input, so for
      // L = sum(out * w), <x_i, dL/dx_i> = L for every input (the adjoint identity; the
      // gradient itself is checked against central differences in gradcheck.test.mjs).
      const L = pg.sum(pg.mul(out, w)).item();
      for (const x of xs) {
        const dot = pg.sum(pg.mul(x, x.grad)).item();
        assert.ok(Math.abs(dot - L) <= 1e-4 * (1 + Math.abs(L)), `${r.name}: <x, grad> ${dot} vs L ${L}`);
      }
    }
    tf.dispose([txs, tw, tout]);
  });
}

test('values and gradients match TensorFlow.js', () => {
  const rows = ROWS.filter((r) => r.tf);
  assert.ok(rows.length >= 60, `${rows.length} rows with a tfjs equivalent`);
  const failures = [];
  for (const r of rows) {
    try {
      compare(r);
    } catch (e) {
      failures.push(e.message);
    }
  }
  assert.deepEqual(failures, []);
});
