// Elementwise and reduction basics on 2^20 elements: add, exp, sum (ms; no targets, for context).
//   add: a = rand([n], seed 31, -1..1), b = rand([n], seed 32, -1..1)
//   exp: x = rand([n], seed 33, -10..10);  sum: x = rand([n], seed 34, -1..1)
// And the cost of one small op from JavaScript, the per-op overhead every op-by-op loop pays:
//   add [16] + [16] and dispose the result: pg.add(a, b).dispose() against tf.add(a, b).dispose()
//   (a = rand([16], seed 31, -1..1), b = rand([16], seed 32, -1..1), as for add 2^20); no target, reported next to
//   tfjs-wasm's. The native column is the core's own cost of the op in C++ (no JavaScript).
import { coreImpl, tfjsImpl } from '../lib/impls.mjs';

const n = 1 << 20;
const OPS = [
  { name: 'add', seeds: [[31, -1, 1], [32, -1, 1]], pg: (pg, a, b) => pg.add(a, b), tf: (tf, a, b) => tf.add(a, b), tol: 0 },
  { name: 'exp', seeds: [[33, -10, 10]], pg: (pg, x) => pg.exp(x), tf: (tf, x) => tf.exp(x), tol: 1e-6 },
  // float32 sums of 2^20 terms in different orders: relative to |sum| (~ 600)
  { name: 'sum', seeds: [[34, -1, 1]], pg: (pg, x) => pg.sum(x), tf: (tf, x) => tf.sum(x), tol: 1e-4 },
];

const SMALL = { name: 'add', n: 16, id: 'add [16] + [16], then dispose (per-op dispatch)', seeds: [[31, -1, 1], [32, -1, 1]],
  pg: (pg, a, b) => pg.add(a, b), tf: (tf, a, b) => tf.add(a, b), tol: 0 };

export default {
  name: 'basics',
  order: 40,
  async cases() {
    return [...OPS.map((op) => ({ ...op, n, id: `${op.name} 2^20` })), SMALL].map((op) => {
      let inputs;
      return {
        id: op.id,
        unit: 'ms',
        tolerance: op.tol,
        native: `${op.name}:${op.n}`,
        impls: {
          core: async () => {
            const impl = await coreImpl((pg) => op.seeds.map(([s, lo, hi]) => pg.rand([op.n], s, lo, hi)), op.pg);
            inputs = impl.inputs();
            return impl;
          },
          'tfjs-wasm': () => tfjsImpl('wasm', inputs, op.tf),
          'tfjs-cpu': () => tfjsImpl('cpu', inputs, op.tf),
        },
        targets: [],
      };
    });
  },
};
