// matmul C[n,n] = A[n,n] x B[n,n], n = 64, 128, 256, 512; GFLOPS = 2 n^3 / time.
// Inputs: A = rand([n,n], seed 11, -1..1), B = rand([n,n], seed 12, -1..1) (the native ceiling
// builds the same ones: bench/native/bench_native.cpp).
import { coreImpl, ortImpl, tfjsImpl } from '../lib/impls.mjs';
import { matmulModel } from '../lib/onnx.mjs';
import { peakImpl } from '../lib/peers.mjs';

export default {
  name: 'matmul',
  order: 10,
  async cases() {
    return [64, 128, 256, 512].map((n) => {
      const flops = 2 * n * n * n;
      let inputs;  // the core's inputs, shared with the peers
      const big = n >= 256;
      return {
        id: `matmul ${n}`,
        unit: 'GFLOPS',
        flops,
        tolerance: 1e-5,  // relative to max |C|; K = n products summed in different orders
        native: `matmul:${n},${n},${n}`,
        threads: n === 512, // threads on/off row (bench/run.mjs)
        threadsTarget: n === 512 ? 1.7 : undefined,
        impls: {
          core: async () => {
            const impl = await coreImpl((pg) => [pg.rand([n, n], 11, -1, 1), pg.rand([n, n], 12, -1, 1)],
              (pg, a, b) => pg.matmul(a, b));
            inputs = impl.inputs();
            return impl;
          },
          'tfjs-wasm': () => tfjsImpl('wasm', inputs, (tf, a, b) => tf.matMul(a, b)),
          'tfjs-cpu': () => tfjsImpl('cpu', inputs, (tf, a, b) => tf.matMul(a, b)),
          'ort-web': () => ortImpl(matmulModel(n, n, n), ['A', 'B'], inputs, 'C'),
          peak: () => peakImpl(flops),
        },
        targets: big ? [
          { text: '≥ 1.25× the faster of tfjs-wasm and ORT-web', vs: ['tfjs-wasm', 'ort-web'], ratio: 1.25 },
          { text: '≥ 75% of the SIMD128 peak', peakFraction: 0.75 },
        ] : [],
      };
    });
  },
};
