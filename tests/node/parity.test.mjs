// Native/wasm parity over the op table. The native run (tests/native/test_op_table.cpp) wrote
// each row of its table with its inputs, output, weights and gradients to
// build/native/parity.json; here the same row of tests/node/op-table.mjs runs in the wasm build
// on those inputs and must give the same floats (bit for bit, unless the row allows ulps).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { load } from 'playgrad';

import { assertParity } from './compare.mjs';
import { ROWS } from './op-table.mjs';

const pg = await load();
const file = new URL('../../build/native/parity.json', import.meta.url);

function readParity() {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file.pathname}: run the native tests first (npm test does): ${e.message}`);
  }
}

const parity = readParity();

test('seeded generators give the same numbers natively and in wasm', () => {
  pg.scope(() => {
    assert.deepEqual(Array.from(pg.rand([64], 123).toArray()), parity.rand.map(Math.fround));
    assertParity(pg.randn([64], 123).toArray(), parity.randn, 'randn');
  });
});

test('the native and the Node op tables have the same rows', () => {
  const native = parity.rows.filter((r) => r.js).map((r) => r.name).sort();
  const node = ROWS.map((r) => r.name).sort();
  assert.deepEqual(node.filter((n) => !native.includes(n)), [], 'Node rows with no native row (tests/native/op_table.cpp)');
  assert.deepEqual(native.filter((n) => !node.includes(n)), [], 'native rows with no Node row (tests/node/op-table.mjs), or mark them js = false');
});

test('every row: wasm gives the native values and gradients', () => {
  const byName = new Map(ROWS.map((r) => [r.name, r]));
  const failures = [];
  let checked = 0;
  for (const c of parity.rows.filter((r) => r.js && byName.has(r.name))) {
    try {
      pg.scope(() => {
        const xs = c.inputs.map((inp) => pg.tensor(Float32Array.from(inp.values), inp.shape, { requiresGrad: inp.grad }));
        const out = byName.get(c.name).pg(pg, xs);
        assert.deepEqual(out.shape, c.shape, `${c.name}: shape`);
        assertParity(out.toArray(), c.out, `${c.name} value`, c.ulps);
        pg.sum(pg.mul(out, pg.tensor(Float32Array.from(c.weights), c.shape))).backward();
        xs.forEach((x, i) => {
          if (c.grads[i] === null) return;
          const g = x.grad;
          assertParity(g ? g.toArray() : new Float32Array(x.size), c.grads[i], `${c.name} grad ${i}`, c.ulps);
        });
      });
    } catch (e) {
      failures.push(e.message);
    }
    checked++;
  }
  assert.deepEqual(failures, []);
  assert.equal(checked, ROWS.length);
});

test('the gradient-descent path (seeded shuffle, mini-batches, SGD) is the same natively and in wasm', () => {
  const lp = parity.linePath;
  assert.ok(lp, 'parity.json has the linePath case (rerun the native tests)');
  const x = pg.scope(() => Array.from(pg.rand([12], 41, -1, 3).toArray()));
  const y = pg.scope(() => Array.from(pg.randn([12], 42).toArray()));
  const p = pg.optim.linePath(x, y, { w0: 0.5, b0: -0.25, lr: 0.1, batchSize: 5, epochs: 6, seed: 9 });
  assert.deepEqual(Array.from(p.order), lp.order);
  assert.equal(p.steps, 18);
  assertParity(Array.from(p.w), lp.w, 'linePath w');
  assertParity(Array.from(p.b), lp.b, 'linePath b');
  assertParity(Array.from(p.loss), lp.loss, 'linePath loss');
});
