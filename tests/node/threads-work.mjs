// The work tests/node/threads.test.mjs runs at several thread counts and in the one-thread build
// (a child process, since load() makes one core per process): a matmul, conv2d forward with both
// gradients, three steps of a small CNN with Adam (op by op, fused, and with the pooling fused), and a short MLP fit. Each result is returned
// as the SHA-256 of its raw float32 bytes (and their count), so two runs agree only if every
// bit does.
//   node tests/node/threads-work.mjs   -> loads with { threads: false }, prints the JSON
import { createHash } from 'node:crypto';

import { load } from 'playgrad';

const hex = (f32) => `${f32.length}:${createHash('sha256').update(Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength)).digest('hex')}`;
const cat = (arrays) => {
  const out = new Float32Array(arrays.reduce((s, a) => s + a.length, 0));
  let o = 0;
  for (const a of arrays) { out.set(a, o); o += a.length; }
  return out;
};

export function work(pg) {
  const out = {};
  pg.scope(() => {
    // shapes where gemm splits by rows and by panels
    const a = pg.randn([300, 200], 1), b = pg.randn([200, 260], 2);
    const c = pg.randn([12, 900], 3), d = pg.randn([900, 700], 4);
    out.matmul = hex(cat([pg.matmul(a, b).toArray(), pg.matmul(c, d).toArray()]));

    const x = pg.randn([8, 20, 20, 8], 5), w = pg.randn([3, 3, 8, 24], 6);
    x.requiresGrad = true;
    w.requiresGrad = true;
    const y = pg.conv2d(x, w, { padding: 'same' });
    pg.sum(pg.mul(pg.mul(y, y), 0.5)).backward(); // gy = y
    out.conv2d = hex(cat([y.toArray(), x.grad.toArray(), w.grad.toArray()]));

    // three Adam steps of a small CNN on a batch of 16 (the bench's CNN step, smaller), op by op,
    // with each convolution, bias and ReLU fused, and with its max pooling fused too
    const B = 16, labels = Array.from({ length: B }, (_, i) => (7 * i + 3) % 10);
    const xs = pg.rand([B, 28, 28, 1], 71, 0, 1);
    for (const mode of ['cnn', 'cnnFused', 'cnnPooled']) {
      const p = [[3, 3, 1, 8], [8], [3, 3, 8, 16], [16], [784, 10], [10]].map((s, k) => {
        const t = s.length === 1 ? pg.rand(s, 90 + k, -0.1, 0.1) : pg.rand(s, 72 + k, -0.2, 0.2);
        t.requiresGrad = true;
        return t;
      });
      const block = {
        cnn: (h, w, b) => pg.maxPool2d(pg.relu(pg.add(pg.conv2d(h, w, { padding: 'same' }), b))),
        cnnFused: (h, w, b) => pg.maxPool2d(pg.conv2d(h, w, { padding: 'same', bias: b, activation: 'relu' })),
        cnnPooled: (h, w, b) => pg.conv2d(h, w, { padding: 'same', bias: b, activation: 'relu', maxPool: true }),
      }[mode];
      const opt = pg.optim.adam(p, { lr: 1e-3 });
      const losses = [];
      for (let step = 0; step < 3; step++) {
        opt.zeroGrad();
        pg.scope(() => {
          let h = block(xs, p[0], p[1]);
          h = block(h, p[2], p[3]);
          const logits = pg.add(pg.matmul(pg.reshape(h, [B, 784]), p[4]), p[5]);
          const loss = pg.losses.sparseCategoricalCrossEntropy(logits, labels, { fromLogits: true });
          loss.backward();
          losses.push(loss.item());
        });
        opt.step();
      }
      out[mode] = hex(cat([Float32Array.from(losses), ...p.map((t) => t.toArray())]));
      opt.dispose();
    }

    const { x: sx, y: sy } = pg.data.spiral(200, 3, 0);
    const m = pg.sequential([
      pg.layers.dense({ units: 256, activation: 'relu' }),
      pg.layers.dense({ units: 256, activation: 'tanh' }),
      pg.layers.dense(3),
    ], { inputShape: [2], seed: 42 });
    m.compile({ optimizer: { kind: 'adam', lr: 0.01 }, loss: { kind: 'sparseCategoricalCrossEntropy', fromLogits: true } });
    const h = m.fit(sx, sy, { epochs: 3, batchSize: 300, seed: 7 });
    out.mlp = hex(cat([m.predict(sx).toArray(), Float32Array.from(h.history.loss)]));
    m.dispose();
  });
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const pg = await load({ threads: false });
  process.stdout.write(JSON.stringify({ threads: pg.threads(), maxThreads: pg.maxThreads(), results: work(pg) }));
}
