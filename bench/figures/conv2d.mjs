// conv2d NHWC x[1,32,32,16] * w[3,3,16,32] (HWIO), stride 1, 'same' padding:
//   forward (GFLOPS = 2 * 32*32*32 outputs * 3*3*16 taps / time), against tfjs-wasm and tfjs-cpu;
//   forward + backward: L = sum(conv2d(x, w) * G), dL/dx and dL/dw, against tfjs-cpu (tfjs-wasm
//   has no conv backward); the checked result is [dx, dw] concatenated.
// Inputs: x = rand([1,32,32,16], seed 41, -1..1), w = rand([3,3,16,32], seed 42, -1..1),
// G = rand([1,32,32,32], seed 43, -1..1) (bench_native.cpp builds the same x and w).
import { coreImpl, tfjsImpl } from '../lib/impls.mjs';
import { core, tfjs } from '../lib/peers.mjs';

const flops = 2 * 32 * 32 * 32 * 3 * 3 * 16;

function concat(a, b) {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

async function coreBackward() {
  const pg = await core();
  const x = pg.rand([1, 32, 32, 16], 41, -1, 1), w = pg.rand([3, 3, 16, 32], 42, -1, 1);
  const G = pg.rand([1, 32, 32, 32], 43, -1, 1);
  x.requiresGrad = true;
  w.requiresGrad = true;
  const step = () => pg.scope(() => {
    x.zeroGrad();
    w.zeroGrad();
    pg.sum(pg.mul(pg.conv2d(x, w, { padding: 'same' }), G)).backward();
  });
  return {
    run: step,
    result: () => {
      step();
      return pg.scope(() => concat(x.grad.toArray(), w.grad.toArray()));
    },
    inputs: () => [x, w, G].map((t) => ({ data: t.toArray(), shape: t.shape })),
    dispose: () => [x, w, G].forEach((t) => t.dispose()),
  };
}

async function tfjsBackward(backend, inputs) {
  const tf = await tfjs(backend);
  const [x, w, G] = inputs.map(({ data, shape }) => tf.tensor(data, shape));
  const grads = tf.grads((a, b) => tf.sum(tf.mul(tf.conv2d(a, b, 1, 'same'), G)));
  return {
    activate: () => tfjs(backend),
    run: () => tf.dispose(grads([x, w])),
    result: () => {
      const [dx, dw] = grads([x, w]);
      const r = concat(dx.dataSync(), dw.dataSync());
      tf.dispose([dx, dw]);
      return r;
    },
    dispose: () => tf.dispose([x, w, G]),
  };
}

export default {
  name: 'conv2d',
  order: 20,
  async cases() {
    let inputs, inputsBack;
    return [
      {
        id: 'conv2d 1×32×32×16 ∗ 3×3×16×32 same',
        unit: 'GFLOPS',
        flops,
        tolerance: 1e-5,  // relative to max |y|; 144 products per output in different orders
        native: 'conv2d:1,32,32,16,3,3,32',
        impls: {
          core: async () => {
            const impl = await coreImpl(
              (pg) => [pg.rand([1, 32, 32, 16], 41, -1, 1), pg.rand([3, 3, 16, 32], 42, -1, 1)],
              (pg, x, w) => pg.conv2d(x, w, { padding: 'same' }));
            inputs = impl.inputs();
            return impl;
          },
          'tfjs-wasm': () => tfjsImpl('wasm', inputs, (tf, x, w) => tf.conv2d(x, w, 1, 'same')),
          'tfjs-cpu': () => tfjsImpl('cpu', inputs, (tf, x, w) => tf.conv2d(x, w, 1, 'same')),
        },
        targets: [{ text: '≥ 1.2× tfjs-wasm', vs: ['tfjs-wasm'], ratio: 1.2 }],
      },
      {
        id: 'conv2d forward + backward',
        unit: 'ms',
        tolerance: 1e-5,  // relative to max |dx|, |dw| (dw sums 1024 products per element)
        impls: {
          core: async () => {
            const impl = await coreBackward();
            inputsBack = impl.inputs();
            return impl;
          },
          'tfjs-cpu': () => tfjsBackward('cpu', inputsBack),
        },
        targets: [{ text: '≥ 20× tfjs-cpu', vs: ['tfjs-cpu'], ratio: 20 }],
      },
    ];
  },
};
