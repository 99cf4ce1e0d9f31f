// Native/wasm parity. The native test run (tests/native/test_parity.cpp) wrote its results for a
// fixed list of ops on seeded inputs to build/native/parity.json; here the wasm build rebuilds the
// same inputs from the same seeds, runs the same ops, and must agree to a relative error of 1e-6.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { load } from 'playgrad';

import { assertParity as assertClose } from './compare.mjs';

const pg = await load();
const file = new URL('../../build/native/parity.json', import.meta.url);

function readParity() {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file.pathname}: run the native tests first (npm test does): ${e.message}`);
  }
}

const OPS = {
  add: (x) => pg.add(x[0], x[1]),
  sub: (x) => pg.sub(x[0], x[1]),
  mul: (x) => pg.mul(x[0], x[1]),
  div: (x) => pg.div(x[0], x[1]),
  neg: (x) => pg.neg(x[0]),
  pow: (x) => pg.pow(x[0], 2.5),
  exp: (x) => pg.exp(x[0]),
  log: (x) => pg.log(x[0]),
  sqrt: (x) => pg.sqrt(x[0]),
  abs: (x) => pg.abs(x[0]),
  sigmoid: (x) => pg.sigmoid(x[0]),
  tanh: (x) => pg.tanh(x[0]),
  relu: (x) => pg.relu(x[0]),
  leakyRelu: (x) => pg.leakyRelu(x[0], 0.1),
  matmul: (x) => pg.matmul(x[0], x[1]),
  transpose: (x) => pg.transpose(x[0]),
  reshape: (x) => pg.reshape(x[0], [5, 3]),
  sum: (x) => pg.sum(x[0]),
  sum0: (x) => pg.sum(x[0], 0),
  mean1: (x) => pg.mean(x[0], 1, true),
  max1: (x) => pg.max(x[0], 1),
  min1: (x) => pg.min(x[0], 1),
  softmax: (x) => pg.softmax(x[0], -1),
  softmax0: (x) => pg.softmax(x[0], 0),
  logSoftmax: (x) => pg.logSoftmax(x[0], -1),
  mlp: (x) => pg.sigmoid(pg.add(pg.matmul(x[0], x[1]), x[2])),
};

const parity = readParity();

test('seeded generators give the same numbers natively and in wasm', () => {
  pg.scope(() => {
    assert.deepEqual(Array.from(pg.rand([64], 123).toArray()), parity.rand.map(Math.fround));
    assertClose(pg.randn([64], 123).toArray(), parity.randn, 'randn');
  });
});

test('every op: same values and gradients natively and in wasm', () => {
  assert.ok(parity.cases.length >= 20);
  for (const c of parity.cases) {
    pg.scope(() => {
      const op = OPS[c.op];
      assert.ok(op, `no JavaScript mapping for parity op ${c.op}`);
      const xs = c.inputs.map((inp) => {
        const t = inp.positive ? pg.rand(inp.shape, inp.seed, 0.5, 2) : pg.randn(inp.shape, inp.seed);
        t.requiresGrad = true;
        return t;
      });
      const out = op(xs);
      assert.deepEqual(out.shape, c.shape, `${c.op}: shape`);
      assertClose(out.toArray(), c.out, `${c.op} value`);
      pg.sum(pg.mul(out, pg.randn(out.shape, 999))).backward();
      xs.forEach((x, i) => assertClose(x.grad.toArray(), c.grads[i], `${c.op} grad ${i}`));
    });
  }
});
