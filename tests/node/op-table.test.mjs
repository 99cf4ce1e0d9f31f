// The op table of the Node level (tests/node/op-table.mjs) covers the JS API: every function it
// exports is either the op of a row or listed in NOT_OPS with the reason it is not a
// differentiable op, and every namespace is pg.losses (ops, checked name by name) or listed in
// NOT_OP_NAMESPACES. A new op without a row fails here.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { load } from 'playgrad';

import { NOT_OPS, NOT_OP_NAMESPACES, ROWS } from './op-table.mjs';

const pg = await load();
const OP_NAMESPACES = ['losses'];

// Every public name of the API object: [path, value], one level into namespaces.
function exported() {
  const names = new Set([...Object.getOwnPropertyNames(Object.getPrototypeOf(pg)), ...Object.keys(pg)]);
  const out = [];
  for (const name of names) {
    if (name.startsWith('_') || name === 'constructor') continue;
    out.push([name, pg[name]]);
  }
  return out;
}

test('every differentiable op the JS API exports has a row in the op table', () => {
  const covered = new Set(ROWS.map((r) => r.op));
  const missing = [];
  for (const [name, value] of exported()) {
    if (typeof value === 'function') {
      if (!covered.has(name) && !(name in NOT_OPS)) missing.push(`pg.${name}`);
    } else if (value !== null && typeof value === 'object') {
      if (OP_NAMESPACES.includes(name)) {
        for (const [k, v] of Object.entries(value)) {
          if (typeof v === 'function' && !covered.has(`${name}.${k}`)) missing.push(`pg.${name}.${k}`);
        }
      } else if (!(name in NOT_OP_NAMESPACES)) {
        missing.push(`pg.${name} (a namespace)`);
      }
    }
  }
  assert.deepEqual(missing, [], 'give each a row in tests/node/op-table.mjs (and tests/native/op_table.cpp), '
    + 'or list it in NOT_OPS / NOT_OP_NAMESPACES there with the reason it is not a differentiable op');
});

test('the op table names only calls the API has, and lists no stale exemptions', () => {
  const names = new Set(exported().map(([n]) => n));
  for (const r of ROWS) {
    const fn = r.op.split('.').reduce((o, k) => o?.[k], pg);
    assert.equal(typeof fn, 'function', `row '${r.name}': pg.${r.op} is not a function`);
  }
  for (const n of [...Object.keys(NOT_OPS), ...Object.keys(NOT_OP_NAMESPACES)]) {
    assert.ok(names.has(n), `NOT_OPS / NOT_OP_NAMESPACES list '${n}', which pg does not export`);
  }
  const seen = new Set();
  for (const r of ROWS) {
    assert.ok(!seen.has(r.name), `two rows are named '${r.name}'`);
    seen.add(r.name);
    assert.ok(r.inputs.some((i) => i.grad !== false), `${r.name}: no input gets a gradient`);
  }
});
