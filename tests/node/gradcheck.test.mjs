// Every row of the op table (tests/node/op-table.mjs): its gradient in the wasm build against
// central differences. The forward passes run in the core (float32); the weighted sums and
// differences are taken in double.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { load } from 'playgrad';

import { gradcheck } from './gradcheck-helper.mjs';
import { ROWS, buildInputs } from './op-table.mjs';

const pg = await load();

test('every op passes its gradient check in wasm', () => {
  const failures = [];
  for (const r of ROWS) {
    try {
      gradcheck(pg, r.name, (x) => r.pg(pg, x), buildInputs(pg, r), r.grad);
    } catch (e) {
      failures.push(e.message);
    }
  }
  assert.deepEqual(failures, []);
});

test('the check fails on a wrong gradient', () => {
  // pg.detach cuts the gradient of one factor: d(x*x)/dx seen as x, not 2x.
  const [x] = buildInputs(pg, { name: 'detach', inputs: [{ shape: [3], lo: 0.5, hi: 2 }] });
  assert.throws(() => gradcheck(pg, 'x * detach(x)', (v) => pg.mul(v[0], v[0].detach()), [x]),
    /analytic .* vs numeric/);
});
