// A small CNN training step, built from the core's ops and pg.optim directly:
//   x [32, 28, 28, 1] -> conv 3×3×1×8 'same' + b, relu -> maxPool 2 -> conv 3×3×8×16 'same' + b,
//   relu -> maxPool 2 -> reshape [32, 784] -> matmul [784, 10] + b -> logits
//   loss = mean over the batch of the softmax cross-entropy with integer labels
// Inputs: x = rand([32, 28, 28, 1], seed 71, 0..1), labels (7i + 3) mod 10, weights
// rand(shape, seed 72.., ±√(6 / (fan_in + fan_out))), biases 0; Adam lr 1e-3, ε 1e-8.
//   forward row:   the loss (tfjs-wasm has the forward ops)
//   step row:      forward, backward, one Adam step; the checked result is [loss, every weight
//                  after one step from the initial weights]; against tfjs-cpu only, since
//                  tfjs-wasm 4.22 has no conv2d backward kernels (Conv2DBackpropFilter/Input).
import { core, tfjs } from '../lib/peers.mjs';

const B = 32;
const SHAPES = [[3, 3, 1, 8], [8], [3, 3, 8, 16], [16], [784, 10], [10]];
const LABELS = Array.from({ length: B }, (_, i) => (7 * i + 3) % 10);

function cat(arrays) {
  const out = new Float32Array(arrays.reduce((s, a) => s + a.length, 0));
  let o = 0;
  for (const a of arrays) { out.set(a, o); o += a.length; }
  return out;
}

async function coreCnn(train) {
  const pg = await core();
  const x = pg.rand([B, 28, 28, 1], 71, 0, 1);
  const makeParams = () => SHAPES.map((s, k) => {
    let t;
    if (s.length === 1) t = pg.zeros(s);
    else {
      const fanIn = s.slice(0, -1).reduce((a, b) => a * b, 1), fanOut = s.length === 4 ? s[0] * s[1] * s[3] : s[1];
      const a = Math.sqrt(6 / (fanIn + fanOut));
      t = pg.rand(s, 72 + k, -a, a);
    }
    t.requiresGrad = true;
    return t;
  });
  const forward = (p) => {
    let h = pg.maxPool2d(pg.relu(pg.add(pg.conv2d(x, p[0], { padding: 'same' }), p[1])));
    h = pg.maxPool2d(pg.relu(pg.add(pg.conv2d(h, p[2], { padding: 'same' }), p[3])));
    const logits = pg.add(pg.matmul(pg.reshape(h, [B, 784]), p[4]), p[5]);
    return pg.losses.sparseCategoricalCrossEntropy(logits, LABELS, { fromLogits: true });
  };
  const make = () => {
    const p = makeParams();
    return { p, opt: pg.optim.adam(p, { lr: 1e-3, epsilon: 1e-8 }) };
  };
  const step = (s) => {
    s.opt.zeroGrad();
    const loss = pg.scope(() => {
      const l = forward(s.p);
      l.backward();
      return 0;  // no read-back while timing (tfjs's minimize(f, false) does not read either)
    });
    s.opt.step();
    return loss;
  };
  const free = (s) => { s.opt.dispose(); s.p.forEach((t) => t.dispose()); };
  const cur = make();
  const init = cur.p.map((t) => ({ data: t.toArray(), shape: t.shape }));
  return {
    run: train ? () => step(cur) : () => pg.scope(() => { forward(cur.p); }),
    result: train
      ? () => {
        const s = make();
        s.opt.zeroGrad();
        const loss = pg.scope(() => { const l = forward(s.p); l.backward(); return l.item(); });
        s.opt.step();
        const r = cat([[loss], ...s.p.map((t) => t.toArray())]);
        free(s);
        return r;
      }
      : () => pg.scope(() => Float32Array.of(forward(cur.p).item())),
    init,
    x: { data: x.toArray(), shape: x.shape },
    dispose: () => { free(cur); x.dispose(); },
  };
}

async function tfjsCnn(backend, train, init, xin) {
  const tf = await tfjs(backend);
  const x = tf.tensor(xin.data, xin.shape);
  const y = tf.oneHot(tf.tensor1d(LABELS, 'int32'), 10);
  const make = () => ({ v: init.map(({ data, shape }) => tf.variable(tf.tensor(data, shape))), opt: tf.train.adam(1e-3, 0.9, 0.999, 1e-8) });
  const forward = (p) => () => {
    let h = tf.maxPool(tf.relu(tf.add(tf.conv2d(x, p[0], 1, 'same'), p[1])), 2, 2, 'valid');
    h = tf.maxPool(tf.relu(tf.add(tf.conv2d(h, p[2], 1, 'same'), p[3])), 2, 2, 'valid');
    const logits = tf.add(tf.matMul(tf.reshape(h, [B, 784]), p[4]), p[5]);
    return tf.losses.softmaxCrossEntropy(y, logits);
  };
  const free = (s) => { s.opt.dispose(); tf.dispose(s.v); };
  const cur = make();
  const f = forward(cur.v);
  return {
    activate: () => tfjs(backend),
    run: train ? () => cur.opt.minimize(f, false, cur.v) : () => tf.tidy(f).dispose(),
    result: train
      ? () => {
        const s = make();
        const c = s.opt.minimize(forward(s.v), true, s.v);
        const r = cat([c.dataSync(), ...s.v.map((t) => t.dataSync())]);
        c.dispose();
        free(s);
        return r;
      }
      : () => {
        const l = tf.tidy(f);
        const r = Float32Array.from(l.dataSync());
        l.dispose();
        return r;
      },
    dispose: () => { free(cur); tf.dispose([x, y]); },
  };
}

export default {
  name: 'cnn',
  order: 65,
  async cases() {
    let c, d;
    return [
      {
        id: 'small CNN forward (loss), batch 32 of 28×28×1',
        unit: 'ms',
        tolerance: 1e-5,
        impls: {
          core: async () => { c = await coreCnn(false); return c; },
          'tfjs-wasm': () => tfjsCnn('wasm', false, c.init, c.x),
          'tfjs-cpu': () => tfjsCnn('cpu', false, c.init, c.x),
        },
        targets: [],  // no target is set for the CNN: the ratios are the figure
      },
      {
        id: 'small CNN training step (forward, backward, Adam)',
        unit: 'ms',
        tolerance: 1e-5,
        impls: {
          core: async () => { d = await coreCnn(true); return d; },
          'tfjs-cpu': () => tfjsCnn('cpu', true, d.init, d.x),
        },
        targets: [],
      },
    ];
  },
};
