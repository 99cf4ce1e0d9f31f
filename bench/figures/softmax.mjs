// softmax over the last axis of x[1024, 1000], x = rand([1024,1000], seed 21, -8..8), with each
// implementation's accuracy on the same inputs: the largest relative error of a probability
// against softmax computed in float64, max over i of |y_i - p_i| / p_i.
import { coreImpl, tfjsImpl } from '../lib/impls.mjs';

/** Max relative error of y (rows of n) against softmax of x in float64. */
export function maxRelErrorVsF64(x, y, n) {
  let worst = 0;
  for (let r = 0; r < x.length; r += n) {
    let m = -Infinity, s = 0;
    for (let i = r; i < r + n; i++) m = Math.max(m, x[i]);
    for (let i = r; i < r + n; i++) s += Math.exp(x[i] - m);
    for (let i = r; i < r + n; i++) {
      const p = Math.exp(x[i] - m) / s;
      worst = Math.max(worst, Math.abs(y[i] - p) / p);
    }
  }
  return worst;
}

export default {
  name: 'softmax',
  order: 30,
  async cases() {
    let inputs;
    return [{
      id: 'softmax 1024×1000',
      unit: 'ms',
      tolerance: 1e-6,  // relative to the largest probability
      native: 'softmax:1024,1000',
      accuracy: (y) => maxRelErrorVsF64(inputs[0].data, y, 1000),
      impls: {
        core: async () => {
          const impl = await coreImpl((pg) => [pg.rand([1024, 1000], 21, -8, 8)], (pg, x) => pg.softmax(x, -1));
          inputs = impl.inputs();
          return impl;
        },
        'tfjs-wasm': () => tfjsImpl('wasm', inputs, (tf, x) => tf.softmax(x)),
        'tfjs-cpu': () => tfjsImpl('cpu', inputs, (tf, x) => tf.softmax(x)),
      },
      targets: [
        { text: '≥ 1.15× tfjs-wasm', vs: ['tfjs-wasm'], ratio: 1.15 },
        { text: 'max relative error vs float64 ≤ tfjs-wasm\'s', accuracyVs: 'tfjs-wasm' },
      ],
    }];
  },
};
