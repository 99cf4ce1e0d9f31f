// softmax over the last axis of x[1024, 1000], x = rand([1024,1000], seed 21, -8..8).
import { coreImpl, tfjsImpl } from '../lib/impls.mjs';

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
      impls: {
        core: async () => {
          const impl = await coreImpl((pg) => [pg.rand([1024, 1000], 21, -8, 8)], (pg, x) => pg.softmax(x, -1));
          inputs = impl.inputs();
          return impl;
        },
        'tfjs-wasm': () => tfjsImpl('wasm', inputs, (tf, x) => tf.softmax(x)),
        'tfjs-cpu': () => tfjsImpl('cpu', inputs, (tf, x) => tf.softmax(x)),
      },
      targets: [{ text: '≥ 1.5× tfjs-wasm', vs: ['tfjs-wasm'], ratio: 1.5 }],
    }];
  },
};
