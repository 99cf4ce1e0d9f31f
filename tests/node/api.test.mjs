// The JavaScript API over the wasm build: values, autograd, errors as Errors, memory.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { load, PlaygradError, Tensor } from 'playgrad';

const pg = await load();

function close(actual, expected, tol = 1e-6, msg = '') {
  const a = Array.from(actual);
  const e = Array.from(expected);
  assert.equal(a.length, e.length, `${msg} length`);
  a.forEach((v, i) => assert.ok(Math.abs(v - e[i]) <= tol * (1 + Math.abs(e[i])), `${msg} [${i}]: ${v} vs ${e[i]}`));
}

test('load() instantiates the SIMD core once', async () => {
  assert.equal(await load(), pg);
  assert.equal(typeof pg.version, 'string');
  assert.match(pg.version, /^\d+\.\d+\.\d+$/);
  assert.equal(pg.simd, true);
});

test('tensor creation, shape, size, copies out', () => {
  pg.scope(() => {
    const x = pg.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    assert.deepEqual(x.shape, [2, 3]);
    assert.equal(x.size, 6);
    const a = x.toArray();
    assert.ok(a instanceof Float32Array);
    assert.deepEqual(Array.from(a), [1, 2, 3, 4, 5, 6]);
    a[0] = 100; // a copy: the tensor is unchanged
    assert.equal(x.toArray()[0], 1);
    assert.deepEqual(pg.tensor([[1, 2], [3, 4]]).shape, [2, 2]);
    assert.deepEqual(pg.tensor([[1, 2], [3, 4]]).toNested(), [[1, 2], [3, 4]]);
    assert.deepEqual(Array.from(pg.zeros([2, 2]).toArray()), [0, 0, 0, 0]);
    assert.deepEqual(Array.from(pg.ones([3]).toArray()), [1, 1, 1]);
    assert.deepEqual(Array.from(pg.full([2], 2.5).toArray()), [2.5, 2.5]);
    assert.deepEqual(Array.from(pg.arange(4).toArray()), [0, 1, 2, 3]);
    assert.deepEqual(pg.zeros([2, 1, 3, 4]).shape, [2, 1, 3, 4]);
    assert.equal(pg.tensor(3.5).item(), 3.5);
    // Same seed, same numbers; different seed, different numbers.
    assert.deepEqual(pg.rand([5], 7).toArray(), pg.rand([5], 7).toArray());
    assert.notDeepEqual(pg.randn([5], 7).toArray(), pg.randn([5], 8).toArray());
  });
});

test('every op computes the expected values', () => {
  pg.scope(() => {
    const a = pg.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = pg.tensor([10, 20, 30]);
    close(pg.add(a, b).toArray(), [11, 22, 33, 14, 25, 36]);
    close(pg.sub(a, b).toArray(), [-9, -18, -27, -6, -15, -24]);
    close(pg.mul(a, 2).toArray(), [2, 4, 6, 8, 10, 12]);
    close(pg.div(a, b).toArray(), [0.1, 0.1, 0.1, 0.4, 0.25, 0.2]);
    close(pg.neg(a).toArray(), [-1, -2, -3, -4, -5, -6]);
    close(pg.pow(a, 2).toArray(), [1, 4, 9, 16, 25, 36], 1e-5);
    close(pg.exp(pg.tensor([0, 1])).toArray(), [1, Math.E]);
    close(pg.log(pg.tensor([1, Math.E])).toArray(), [0, 1]);
    close(pg.sqrt(pg.tensor([4, 2])).toArray(), [2, Math.SQRT2]);
    close(pg.abs(pg.tensor([-3, 2])).toArray(), [3, 2]);
    close(pg.sigmoid(pg.tensor([0, 2])).toArray(), [0.5, 1 / (1 + Math.exp(-2))]);
    close(pg.tanh(pg.tensor([0.5])).toArray(), [Math.tanh(0.5)]);
    close(pg.relu(pg.tensor([-1, 2])).toArray(), [0, 2]);
    close(pg.leakyRelu(pg.tensor([-1, 2]), 0.1).toArray(), [-0.1, 2]);
    close(pg.matmul(a, pg.tensor([1, 0, 0, 1, 1, 1], [3, 2])).toArray(), [4, 5, 10, 11]);
    assert.deepEqual(pg.matmul(pg.ones([4, 2, 3]), pg.ones([4, 3, 5])).shape, [4, 2, 5]);
    close(pg.transpose(a).toArray(), [1, 4, 2, 5, 3, 6]);
    assert.deepEqual(pg.reshape(a, [3, -1]).shape, [3, 2]);
    assert.equal(pg.sum(a).item(), 21);
    close(pg.sum(a, 0).toArray(), [5, 7, 9]);
    assert.deepEqual(pg.sum(a, -1, true).shape, [2, 1]);
    close(pg.mean(a, 1).toArray(), [2, 5]);
    close(pg.max(a, 0).toArray(), [4, 5, 6]);
    assert.equal(pg.max(a).item(), 6);
    close(pg.min(a, 1).toArray(), [1, 4]);
    assert.equal(pg.min(a).item(), 1);
    const z = pg.tensor([2, 1, 0.1]);
    const e = [2, 1, 0.1].map(Math.exp);
    const s = e.reduce((p, q) => p + q);
    close(pg.softmax(z).toArray(), e.map((v) => v / s));
    close(pg.logSoftmax(z).toArray(), e.map((v) => Math.log(v / s)));
  });
});

test('softmax and logSoftmax are stable for logits of magnitude 1000', () => {
  pg.scope(() => {
    const p = pg.softmax(pg.tensor([1000, 999, 998])).toArray();
    close(p, [0.66524096, 0.24472847, 0.09003057]);
    const lp = pg.logSoftmax(pg.tensor([-1000, 1000])).toArray();
    assert.ok(lp.every(Number.isFinite));
    close(lp, [-2000, 0], 1e-6);
  });
});

test('autograd: backward, accumulation, noGrad, detach', () => {
  pg.scope(() => {
    const x = pg.tensor([1, 2, 3, 4, 5, 6], [2, 3], { requiresGrad: true });
    assert.equal(x.requiresGrad, true);
    const y = pg.sum(pg.softmax(x, -1));
    assert.ok(Math.abs(y.item() - 2) < 1e-6);
    y.backward();
    close(x.grad.toArray(), [0, 0, 0, 0, 0, 0], 1e-6); // rows of softmax always sum to 1
    // used twice: both contributions
    const w = pg.tensor([3], [1], { requiresGrad: true });
    pg.sum(pg.add(pg.mul(w, w), w)).backward();
    assert.equal(w.grad.item(), 7);
    pg.sum(pg.add(pg.mul(w, w), w)).backward();
    assert.equal(w.grad.item(), 14);
    w.zeroGrad();
    assert.equal(w.grad, null);
    const n = pg.noGrad(() => pg.mul(w, w));
    assert.equal(n.requiresGrad, false);
    assert.equal(w.detach().requiresGrad, false);
    // softmax + cross-entropy gradient is p - y
    const logits = pg.tensor([2, 1, 0.1], [3], { requiresGrad: true });
    const onehot = pg.tensor([0, 1, 0]);
    pg.neg(pg.sum(pg.mul(onehot, pg.logSoftmax(logits)))).backward();
    const p = pg.softmax(logits.detach()).toArray();
    close(logits.grad.toArray(), [p[0], p[1] - 1, p[2]]);
  });
});

test('errors arrive as PlaygradError (an Error) with the C++ message; the module keeps working', () => {
  pg.scope(() => {
    const a = pg.zeros([2, 3]);
    assert.throws(() => pg.matmul(a, a), (e) => e instanceof PlaygradError && e instanceof Error
      && e.message === 'matmul: shapes [2,3] and [2,3] do not align');
    assert.throws(() => pg.add(a, pg.zeros([4])), /add: shapes \[2,3\] and \[4\] cannot broadcast/);
    assert.throws(() => pg.tensor([1, 2, 3], [2, 2]), /tensor: 3 values do not fill shape \[2,2\]/);
    assert.throws(() => pg.sum(a, 5), /sum: axis 5 is out of range/);
    assert.throws(() => pg.softmax(a, 1.5), /softmax: axis must be an integer/);
    assert.throws(() => pg.zeros([2, -1]), /negative dimension/);
    assert.throws(() => pg.zeros([2.5]), /must be an integer/);
    assert.throws(() => pg.sum(a, 0).backward(), /backward: .*one-element/);
    assert.throws(() => pg.sum(a).backward(), /does not require grad/);
    assert.throws(() => pg.tensor(['a']), /must hold numbers/);
    assert.throws(() => pg.tensor([[1, 2], [3]]), /ragged/);
    assert.throws(() => pg.exp('x'), /expected a Tensor/);
    assert.throws(() => pg.rand([2], -1), /seed must be >= 0/);
    const d = pg.ones([2]);
    d.dispose();
    assert.throws(() => d.toArray(), /used after dispose/);
    assert.throws(() => pg.exp(d), /used after dispose/);
    // still computes
    assert.equal(pg.sum(pg.ones([3])).item(), 3);
  });
});

test('huge tensors are refused with an Error before allocating', () => {
  const before = pg.tensorBytes();
  assert.throws(() => pg.zeros([100000, 100000]), /memory limit/);
  assert.equal(pg.tensorBytes(), before);
  assert.equal(pg.sum(pg.scope(() => pg.ones([2]))).item(), 2);
});

test('scope frees what it made, keeps what it returns', () => {
  const before = pg.tensorBytes();
  let kept;
  const inner = [];
  pg.scope(() => {
    const t = pg.ones([100]);
    inner.push(t);
    kept = pg.scope(() => {
      const u = pg.ones([100]);
      inner.push(u);
      return pg.mul(u, 2);
    });
    return undefined;
  });
  assert.ok(inner.every((t) => t.disposed));
  assert.ok(kept.disposed); // returned from the inner scope, then freed by the outer one
  assert.equal(pg.tensorBytes(), before);
  const out = pg.scope(() => ({ a: pg.ones([2]), b: [pg.zeros([1])] }));
  assert.ok(!out.a.disposed && !out.b[0].disposed);
  out.a.dispose();
  out.b[0].dispose();
  assert.equal(pg.tensorBytes(), before);
  assert.ok(out.a instanceof Tensor);
});

test('no leaks: the heap does not grow over 10,000 create/dispose cycles and 10,000 failed calls', () => {
  const a = pg.zeros([2, 3]);
  const cycle = () => {
    // explicit dispose()
    const x = pg.tensor([1, 2, 3, 4], [2, 2], { requiresGrad: true });
    const m = pg.matmul(x, x);
    const y = pg.sum(m);
    y.backward();
    const g = x.grad;
    g.toArray();
    for (const t of [g, y, m, x]) t.dispose();
    // scope()
    pg.scope(() => {
      const w = pg.randn([3, 4], 1);
      w.requiresGrad = true;
      pg.mean(pg.tanh(pg.matmul(pg.ones([2, 3]), w))).backward();
      return w.grad.toArray();
    });
    try { pg.matmul(a, a); } catch { /* expected */ }
  };
  for (let i = 0; i < 200; i++) cycle(); // warm up: allocator pools settle
  const heap0 = pg.memoryBytes();
  const tensors0 = pg.tensorBytes();
  for (let i = 0; i < 10000; i++) cycle();
  assert.equal(pg.tensorBytes(), tensors0);
  assert.ok(pg.memoryBytes() - heap0 <= 1024, `heap grew by ${pg.memoryBytes() - heap0} bytes`);
  a.dispose();
});

test('large products keep nothing after they return: kernel workspaces are allocated by the op and freed with it', async () => {
  const heap0 = pg.memoryBytes(), tensors0 = pg.tensorBytes();
  pg.scope(() => {
    // matmul with a 2000 x 2000 right side (its packing used to stay in a 16 MB kernel buffer),
    // conv2d forward and backward (the direct kernel's packed filter and the backward's gemms)
    pg.matmul(pg.rand([5, 2000], 1), pg.rand([2000, 2000], 2));
    const w = pg.rand([3, 3, 64, 64], 3);
    w.requiresGrad = true;
    pg.sum(pg.conv2d(pg.rand([2, 32, 32, 64], 4), w, { padding: 'same' })).backward();
    w.grad.dispose();
  });
  assert.equal(pg.tensorBytes(), tensors0);
  assert.equal(pg.memoryBytes(), heap0);
});
