// Optimizers: ten steps on f(x, y) = x² + 10y² + xy follow TensorFlow.js' trajectory (where it
// has the optimizer) and a double-precision reference of PyTorch's algorithm to 1e-4; state,
// schedules and errors. On the wasm build.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { load } from 'playgrad';

const pg = await load();
await tf.setBackend('cpu');
const START = [1, -0.5];
const grad = ([x, y]) => [2 * x + y, 20 * y + x];

function pgTrajectory(kind, o, steps = 10) {
  return pg.scope(() => {
    const w = pg.tensor(START, [2], { requiresGrad: true });
    const opt = pg.optim[kind]([w], o);
    const path = [];
    for (let i = 0; i < steps; i++) {
      opt.zeroGrad();
      const x = pg.sum(pg.mul(w, pg.tensor([1, 0])));
      const y = pg.sum(pg.mul(w, pg.tensor([0, 1])));
      pg.add(pg.sum(pg.mul(pg.mul(w, w), pg.tensor([1, 10]))), pg.mul(x, y)).backward();
      opt.step();
      path.push(Array.from(w.toArray()));
    }
    opt.dispose();
    return path;
  });
}

function tfTrajectory(opt, steps = 10) {
  const v = tf.variable(tf.tensor1d(START));
  const path = [];
  for (let i = 0; i < steps; i++) {
    opt.minimize(() => tf.add(tf.sum(tf.mul(tf.square(v), tf.tensor1d([1, 10]))), tf.mul(v.gather(0), v.gather(1))), false, [v]);
    path.push(Array.from(v.dataSync()));
  }
  v.dispose();
  opt.dispose();
  return path;
}

// PyTorch's algorithms (and Keras' Adam with epsilonOn 'v'), written out in double.
function reference(kind, o, steps = 10) {
  const w = START.slice();
  const st = { m: [0, 0], v: [0, 0], vmax: [0, 0], buf: [0, 0], acc: [o.initialAccumulator ?? 0, o.initialAccumulator ?? 0], ga: [0, 0] };
  const path = [];
  for (let t = 1; t <= steps; t++) {
    const g = grad(w);
    for (let i = 0; i < 2; i++) {
      let d = g[i];
      if (kind === 'sgd') {
        const mu = o.momentum ?? 0;
        d += (o.weightDecay ?? 0) * w[i];
        if (mu !== 0) {
          st.buf[i] = t === 1 ? d : mu * st.buf[i] + (1 - (o.dampening ?? 0)) * d;
          d = o.nesterov ? d + mu * st.buf[i] : st.buf[i];
        }
        w[i] -= o.lr * d;
      } else if (kind === 'adagrad') {
        st.acc[i] += d * d;
        w[i] -= o.lr * d / (Math.sqrt(st.acc[i]) + (o.epsilon ?? 1e-10));
      } else if (kind === 'rmsprop') {
        const a = o.alpha ?? 0.99;
        const eps = o.epsilon ?? 1e-8;
        st.v[i] = a * st.v[i] + (1 - a) * d * d;
        let avg = Math.sqrt(st.v[i]) + eps;
        if (o.centered) {
          st.ga[i] = a * st.ga[i] + (1 - a) * d;
          avg = Math.sqrt(st.v[i] - st.ga[i] ** 2) + eps;
        }
        if ((o.momentum ?? 0) > 0) {
          st.buf[i] = o.momentum * st.buf[i] + d / avg;
          w[i] -= o.lr * st.buf[i];
        } else {
          w[i] -= o.lr * d / avg;
        }
      } else {
        const b1 = o.beta1 ?? 0.9;
        const b2 = o.beta2 ?? 0.999;
        const wd = o.weightDecay ?? (kind === 'adamw' ? 1e-2 : 0);
        if (kind === 'adamw') w[i] *= 1 - o.lr * wd;
        else d += wd * w[i];
        st.m[i] = b1 * st.m[i] + (1 - b1) * d;
        st.v[i] = b2 * st.v[i] + (1 - b2) * d * d;
        let vv = st.v[i];
        if (o.amsgrad) vv = st.vmax[i] = Math.max(st.vmax[i], st.v[i]);
        if (o.epsilonOn === 'v') {
          // Keras (keras/src/optimizers/adam.py): alpha = lr·√(1 − β2^t)/(1 − β1^t); w −= alpha·m/(√v + ε).
          w[i] -= (o.lr * Math.sqrt(1 - b2 ** t) / (1 - b1 ** t)) * st.m[i] / (Math.sqrt(vv) + (o.epsilon ?? 1e-8));
        } else {
          w[i] -= (o.lr / (1 - b1 ** t)) * st.m[i] / (Math.sqrt(vv) / Math.sqrt(1 - b2 ** t) + (o.epsilon ?? 1e-8));
        }
      }
    }
    path.push(w.slice());
  }
  return path;
}

function assertPath(actual, expected, what) {
  assert.equal(actual.length, expected.length);
  actual.forEach((p, s) => p.forEach((v, i) => {
    assert.ok(Math.abs(v - expected[s][i]) <= 1e-4, `${what}: step ${s + 1} coordinate ${i}: playgrad ${v} vs ${expected[s][i]}`);
  }));
}

const CASES = [
  // [kind, playgrad options, tfjs optimizer or null]
  ['sgd', { lr: 0.02 }, () => tf.train.sgd(0.02)],
  ['sgd', { lr: 0.02, momentum: 0.9 }, () => tf.train.momentum(0.02, 0.9)],
  ['sgd', { lr: 0.02, momentum: 0.9, nesterov: true }, () => tf.train.momentum(0.02, 0.9, true)],
  ['sgd', { lr: 0.02, momentum: 0.9, dampening: 0.9 }, null],
  ['sgd', { lr: 0.02, weightDecay: 0.1, momentum: 0.5 }, null],
  ['adagrad', { lr: 0.1, initialAccumulator: 0.1 }, () => tf.train.adagrad(0.1, 0.1)],
  ['adagrad', { lr: 0.1 }, null],
  ['rmsprop', { lr: 0.01, alpha: 0.9 }, () => tf.train.rmsprop(0.01, 0.9, 0, 1e-16)],
  ['rmsprop', { lr: 0.01, alpha: 0.9, momentum: 0.5 }, () => tf.train.rmsprop(0.01, 0.9, 0.5, 1e-16)],
  ['rmsprop', { lr: 0.01, alpha: 0.9, centered: true }, () => tf.train.rmsprop(0.01, 0.9, 0, 1e-16, true)],
  ['adam', { lr: 0.05 }, () => tf.train.adam(0.05, 0.9, 0.999, 1e-8)],
  ['adam', { lr: 0.05, beta1: 0.8, beta2: 0.99 }, () => tf.train.adam(0.05, 0.8, 0.99, 1e-8)],
  ['adam', { lr: 0.05, amsgrad: true }, null],
  // Adam's ε: on √v̂ (PyTorch, TensorFlow.js) or on √v (Keras); a large ε makes the two differ.
  ['adam', { lr: 0.05, epsilon: 0.3, epsilonOn: 'vhat' }, () => tf.train.adam(0.05, 0.9, 0.999, 0.3)],
  ['adam', { lr: 0.05, epsilon: 0.3, epsilonOn: 'v' }, null],
  ['adam', { lr: 0.05, epsilon: 1e-7, epsilonOn: 'v' }, null],
  ['adamw', { lr: 0.05, weightDecay: 0 }, () => tf.train.adam(0.05, 0.9, 0.999, 1e-8)],
  ['adamw', { lr: 0.05 }, null],
];

test('ten steps on a 2-d function follow TensorFlow.js and the reference trajectory to 1e-4', () => {
  for (const [kind, o, tfOpt] of CASES) {
    const mine = pgTrajectory(kind, o);
    assertPath(mine, reference(kind, o), `${kind} ${JSON.stringify(o)} vs reference`);
    if (tfOpt) assertPath(mine, tfTrajectory(tfOpt()), `${kind} ${JSON.stringify(o)} vs tfjs`);
  }
});

test('Adam\'s ε: PyTorch\'s rule is TensorFlow.js\'s tf.train.adam; Keras\' rule at step t is that rule with ε/√(1 − β2^t)', () => {
  // Keras adds ε to √v = √v̂·√(1 − β2^t), so its first step equals the √v̂ rule with ε/√(1 − β2):
  // checked against TensorFlow.js's own Adam (a different implementation) on f = g·w.
  for (const g of [1e-6, 1e-3, 0.5]) {
    const eps = 1e-7;
    const keras = pg.scope(() => {
      const w = pg.tensor([0], [1], { requiresGrad: true });
      const opt = pg.optim.adam([w], { lr: 0.1, epsilon: eps, epsilonOn: 'v' });
      pg.sum(pg.mul(w, pg.tensor([g]))).backward();
      opt.step();
      opt.dispose();
      return w.toArray()[0];
    });
    const v = tf.variable(tf.tensor1d([0]));
    tf.train.adam(0.1, 0.9, 0.999, eps / Math.sqrt(1 - 0.999)).minimize(() => tf.sum(tf.mul(v, tf.scalar(g))));
    const want = v.dataSync()[0];
    v.dispose();
    // (TensorFlow.js keeps β2^t in float32: 1 − 0.999 is off by 1.3e-5 relative, hence 3e-5.)
    assert.ok(Math.abs(keras - want) <= 3e-5 * Math.abs(want), `g = ${g}: keras ${keras} vs tfjs ${want}`);
  }
});

test('defaults are PyTorch\'s; lr, state and schedules', () => {
  pg.scope(() => {
    const w = pg.tensor([1, 2], [2], { requiresGrad: true });
    const defaults = {
      sgd: { lr: 1e-3, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 },
      adagrad: { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulator: 0, epsilon: 1e-10 },
      rmsprop: { lr: 1e-2, alpha: 0.99, epsilon: 1e-8, weightDecay: 0, momentum: 0, centered: false },
      adam: { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0, amsgrad: false, epsilonOn: 'vhat' },
      adamw: { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 1e-2, amsgrad: false, epsilonOn: 'vhat' },
    };
    for (const [kind, want] of Object.entries(defaults)) {
      const opt = pg.optim[kind]([w]);
      assert.deepEqual(opt.config, { ...want, kind });
      opt.dispose();
    }
    const opt = pg.optim.adam([w], { lr: 0.1 });
    pg.sum(pg.mul(w, w)).backward();
    opt.step();
    const s = opt.state();
    assert.equal(s.state[0].step, 1);
    opt.lr = 0.5;
    assert.equal(opt.lr, 0.5);
    const sch = pg.optim.scheduler(opt, { kind: 'step', stepSize: 2, gamma: 0.1 });
    sch.step();
    sch.step();
    assert.ok(Math.abs(opt.lr - 0.05) < 1e-12);
    assert.ok(Math.abs(pg.optim.scheduledLr({ kind: 'cosine', tMax: 10 }, 1, 5) - 0.5) < 1e-12);
    assert.ok(Math.abs(pg.optim.scheduledLr({ kind: 'exponential', gamma: 0.5 }, 1, 3) - 0.125) < 1e-15);
    opt.dispose();
  });
});

test('bad input: readable errors, parameters and state unchanged', () => {
  pg.scope(() => {
    const w = pg.tensor([1, 2], [2], { requiresGrad: true });
    assert.throws(() => pg.optim.sgd([w], { lr: -0.1 }), { name: 'PlaygradError', message: 'sgd: learning rate must be finite and >= 0, got -0.1' });
    assert.throws(() => pg.optim.adam([w], { learningRate: 0.1 }), /unknown option 'learningRate'/);
    assert.throws(() => pg.optim.adam([pg.tensor([1])]), /does not require grad/);
    assert.throws(() => pg.optim.adam([w, 3]), /params must be an array of Tensors/);
    const opt = pg.optim.adam([w], { lr: 0.1 });
    assert.throws(() => { opt.lr = -1; }, /learning rate/);
    assert.equal(opt.lr, 0.1);
    pg.sum(pg.mul(w, w)).backward();
    opt.step();
    const before = { w: Array.from(w.toArray()), s: opt.state() };
    assert.throws(() => opt.loadState({ kind: 'sgd', state: [] }), /saved state is for/);
    assert.throws(() => opt.loadState({ kind: 'adam', state: [{ step: 1, m: [1] }] }), /must hold 2 numbers/);
    assert.throws(() => pg.optim.scheduledLr({ kind: 'linear' }, 1, 0), /unknown kind 'linear'/);
    assert.deepEqual(opt.state(), before.s);
    assert.deepEqual(Array.from(w.toArray()), before.w);
    opt.dispose();
    assert.throws(() => opt.step(), /used after dispose/);
  });
});
