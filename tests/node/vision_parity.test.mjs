// Native/wasm parity for the vision ops: tests/native/test_parity_vision.cpp wrote outputs and
// gradients for seeded inputs to build/native/parity_vision.json; the wasm build rebuilds the
// same inputs from the same seeds, runs the same ops and must agree to a relative error of 1e-6.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { load } from 'playgrad';

import { assertParity as assertClose } from './compare.mjs';

const pg = await load();
const file = new URL('../../build/native/parity_vision.json', import.meta.url);

const OPS = {
  conv2dSame: (x) => pg.conv2d(x[0], x[1], { strides: 2, padding: 'same', bias: x[2] }),
  conv2dDilated: (x) => pg.conv2d(x[0], x[1], { padding: [1, 2], dilations: 2 }),
  depthwise: (x) => pg.depthwiseConv2d(x[0], x[1], { strides: 2, padding: 'same' }),
  conv2dTranspose: (x) => pg.conv2dTranspose(x[0], x[1], { strides: [2, 3], outputPadding: [1, 0] }),
  maxPool: (x) => pg.maxPool2d(x[0], { poolSize: 3, strides: 2, padding: 'same' }),
  avgPool: (x) => pg.avgPool2d(x[0], { poolSize: 3, strides: 2, padding: 'same' }),
  globalAvgPool: (x) => pg.globalAvgPool2d(x[0]),
  upNearest: (x) => pg.upsampling2d(x[0], { size: [2, 3] }),
  upBilinear: (x) => pg.upsampling2d(x[0], { size: [3, 2], interpolation: 'bilinear' }),
};

test('vision ops: wasm agrees with native on values and gradients', () => {
  let cases;
  try {
    cases = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file.pathname}: run the native tests first (npm test does): ${e.message}`);
  }
  assert.deepEqual(cases.map((c) => c.op).sort(), Object.keys(OPS).sort());
  for (const c of cases) {
    pg.scope(() => {
      const xs = c.shapes.map((s, i) => {
        const t = pg.randn(s, c.seed + i);
        t.requiresGrad = true;
        return t;
      });
      const out = OPS[c.op](xs);
      assertClose(out.toArray(), c.out, `${c.op} value`);
      pg.sum(pg.mul(out, pg.randn(out.shape, c.wseed))).backward();
      xs.forEach((x, i) => assertClose(x.grad.toArray(), c.grads[i], `${c.op} grad ${i}`));
    });
  }
});
