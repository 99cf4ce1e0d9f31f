// Implementation helpers shared by the figures: each returns an implementation object
//   { run(), result(), activate?(), async?, dispose?() }
// run() does the work once (results stay where the library keeps them, as a user's code would);
// result() does it once more and returns the values as a Float32Array, for the check.
import { core, ort, tfjs } from './peers.mjs';

/** The core through its public API: fn(pg, ...inputs) returns a Tensor. */
export async function coreImpl(makeInputs, fn) {
  const pg = await core();
  const inputs = makeInputs(pg);
  return {
    run: () => fn(pg, ...inputs).dispose(),
    result: () => {
      const y = fn(pg, ...inputs);
      const r = y.toArray();
      y.dispose();
      return r;
    },
    inputs: () => inputs.map((t) => ({ data: t.toArray(), shape: t.shape })),
    dispose: () => inputs.forEach((t) => t.dispose()),
  };
}

/** TensorFlow.js on `backend`, fed the core's inputs: fn(tf, ...inputs) returns a tf.Tensor. */
export async function tfjsImpl(backend, inputs, fn) {
  const tf = await tfjs(backend);
  const xs = inputs.map(({ data, shape }) => tf.tensor(data, shape));
  return {
    activate: () => tfjs(backend),
    run: () => fn(tf, ...xs).dispose(),
    result: () => {
      const y = fn(tf, ...xs);
      const r = y.dataSync().slice();
      y.dispose();
      return Float32Array.from(r);
    },
    dispose: () => xs.forEach((x) => x.dispose()),
  };
}

/** ONNX Runtime Web (wasm, 1 thread) running `modelBytes` on the core's inputs, named `names`. */
export async function ortImpl(modelBytes, names, inputs, output) {
  const o = await ort();
  const session = await o.InferenceSession.create(modelBytes, {
    executionProviders: ['wasm'], graphOptimizationLevel: 'all',
  });
  const feeds = {};
  inputs.forEach(({ data, shape }, i) => { feeds[names[i]] = new o.Tensor('float32', data, shape); });
  return {
    async: true,
    run: async () => {
      const r = await session.run(feeds);
      r[output].dispose?.();
    },
    result: async () => Float32Array.from((await session.run(feeds))[output].data),
    dispose: () => session.release(),
  };
}
