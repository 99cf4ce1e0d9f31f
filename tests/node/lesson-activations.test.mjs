// The activations lesson's pure compute part, headless in Node against the wasm core: derivatives
// against the formulas and finite differences (PReLU's slope gradient included), PReLU's SGD steps
// by hand, per-layer gradient norms against TensorFlow.js, zero-init symmetry, the course's
// 0.99^365 and 1.01^365, the exercises, the report, and depth 0 or 10,000 refused.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs';

import { load } from 'playgrad';
import * as lesson from '../../lessons/activations/lesson.mjs';
import { checkAnswer } from '../../lessons/exercises.mjs';
import { defaults, parseSettings } from '../../lessons/settings.mjs';
import { assertCloseToTfjs } from './compare.mjs';

const pg = await load();
await tf.setBackend('cpu');
const base = defaults(lesson.settings);

const sig = (x) => 1 / (1 + Math.exp(-x));
const F = {
  sigmoid: (x) => sig(x),
  tanh: (x) => Math.tanh(x),
  relu: (x) => Math.max(x, 0),
  leaky_relu: (x, a) => (x > 0 ? x : a * x),
  prelu: (x, _, s) => Math.max(x, 0) + s * Math.min(x, 0),
};
// The formulas the lesson states: σ' = σ(1 − σ), tanh' = 1 − tanh², ReLU' = [x > 0], leaky' = x > 0 ? 1 : α.
const D = {
  sigmoid: (x) => sig(x) * (1 - sig(x)),
  tanh: (x) => 1 - Math.tanh(x) ** 2,
  relu: (x) => (x > 0 ? 1 : 0),
  leaky_relu: (x, a) => (x > 0 ? 1 : a),
  prelu: (x, _, s) => (x > 0 ? 1 : s),
};

test('every curve and derivative: the formulas, central differences (double), PReLU\'s ∂f/∂a = min(x, 0)', () => {
  const xs = lesson.grid();
  assert.equal(xs.length, 241);
  for (const [alpha, slope] of [[0.01, 0.25], [0.3, -0.7]]) {
    for (const { key } of lesson.ACTIVATIONS) {
      const c = pg.activationCurve(key, xs, { alpha, slope });
      xs.forEach((x, i) => {
        assert.ok(Math.abs(c.value[i] - F[key](x, alpha, slope)) < 1e-6, `${key}(${x})`);
        assert.ok(Math.abs(c.derivative[i] - D[key](x, alpha, slope)) < 1e-6, `${key}'(${x}) = ${c.derivative[i]}`);
        if (Math.abs(x) > 1e-3) {
          const h = 1e-6;
          const fd = (F[key](x + h, alpha, slope) - F[key](x - h, alpha, slope)) / (2 * h);
          assert.ok(Math.abs(c.derivative[i] - fd) < 1e-5, `${key}' vs finite differences at ${x}`);
          if (key === 'prelu') {
            const fa = (F.prelu(x, 0, slope + h) - F.prelu(x, 0, slope - h)) / (2 * h);
            assert.ok(Math.abs(c.slopeGrad[i] - fa) < 1e-6, `∂prelu/∂a at ${x}`);
          }
        }
        assert.equal(c.slopeGrad[i], key === 'prelu' ? Math.fround(Math.min(x, 0)) : 0);
      });
    }
  }
});

test('peaks and saturation: sigmoid ≤ 1/4 and flat beyond |x| ≈ 4.4, tanh beyond 2.2, ReLU left of 0, leaky only for α < 0.05', () => {
  const r = lesson.compute(pg, { ...base, steps: 0 });
  const c = Object.fromEntries(r.curves.map((q) => [q.key, q]));
  assert.equal(c.sigmoid.peak, 0.25);
  assert.equal(Math.max(...c.sigmoid.derivative), 0.25);
  for (const k of ['tanh', 'relu', 'leaky_relu', 'prelu']) assert.equal(c[k].peak, 1);
  // σ'(x) = 0.0125 at |x| = log(p / (1 − p)), p = (1 + √0.95) / 2: 4.3605; tanh' = 0.05 at atanh(√0.95) = 2.1818
  const p = (1 + Math.sqrt(0.95)) / 2;
  const sEdge = Math.log(p / (1 - p)), tEdge = Math.atanh(Math.sqrt(0.95));
  assert.deepEqual(c.sigmoid.intervals.map((iv) => iv.map((v) => Number(v.toFixed(2)))), [[-6, -Math.ceil(sEdge * 20) / 20], [Math.ceil(sEdge * 20) / 20, 6]]);
  assert.deepEqual(c.tanh.intervals.map((iv) => iv.map((v) => Number(v.toFixed(2)))), [[-6, -Math.ceil(tEdge * 20) / 20], [Math.ceil(tEdge * 20) / 20, 6]]);
  assert.deepEqual(c.relu.intervals, [[-6, 0]]);
  assert.deepEqual(c.leaky_relu.intervals, [[-6, 0]]);  // α = 0.01 < 0.05 · 1
  assert.deepEqual(c.prelu.intervals, []);
  assert.deepEqual(lesson.compute(pg, { ...base, alpha: 0.05, steps: 0 }).curves[3].intervals, []);  // 0.05 is not below 0.05
  assert.deepEqual(lesson.compute(pg, { ...base, alpha: 0.04, steps: 0 }).curves[3].intervals, [[-6, 0]]);
});

test('PReLU learns its slope: every step is a ← a − α ∂L/∂a with ∂L/∂a = (2/N) Σ (ŷ − y) min(x, 0)', () => {
  const s = { ...base, target: -0.5, preluLr: 0.1, preluSteps: 30 };
  const { prelu } = lesson.compute(pg, s);
  assert.equal(prelu.a[0], 0.25);
  assert.equal(prelu.a.length, 31);
  const xs = prelu.x;
  const sumMin2 = xs.reduce((m, x) => m + Math.min(x, 0) ** 2, 0);
  for (let t = 0; t < 30; t++) {
    // ŷ − y = (a_t − a*) min(x, 0), so ∂L/∂a = (2/N)(a_t − a*) Σ min(x, 0)²
    const want = (2 / xs.length) * (prelu.a[t] - s.target) * sumMin2;
    assert.ok(Math.abs(prelu.grad[t] - want) < 1e-5 * Math.max(1, Math.abs(want)), `step ${t}: ${prelu.grad[t]} vs ${want}`);
    assert.ok(Math.abs(prelu.a[t + 1] - (prelu.a[t] - s.preluLr * prelu.grad[t])) < 1e-6, `update ${t}`);
  }
  assert.ok(Math.abs(prelu.a[30] + 0.5) < 1e-3, `converged to a* = −0.5, got ${prelu.a[30]}`);
  // The PReLU curve is drawn with the learned slope.
  assert.equal(lesson.compute(pg, s).curves[4].slope, Math.fround(prelu.a[30]));
  // Too large a step: |1 − α (2/N) Σ min(x,0)²| > 1 and a runs away (the exploding story in one weight).
  const wild = lesson.compute(pg, { ...s, preluLr: 1, preluSteps: 200 }).prelu;
  assert.ok(wild.diverged > 5 && wild.diverged < 200, `diverged at ${wild.diverged}`);
  const end = wild.a[wild.a.length - 1];
  assert.ok(Math.abs(end - s.target) > Math.abs(wild.a[0] - s.target) * 1e4, `ran away to ${end}`);
  assert.ok(wild.a.every(Number.isFinite));
  // the curves still draw (with the last finite slope)
  assert.equal(lesson.compute(pg, { ...s, preluLr: 1, preluSteps: 200 }).curves[4].slope, Math.fround(end));
  // a negative slope passes gradient (with its sign flipped): PReLU with a = −0.5 is nowhere saturated
  assert.deepEqual(lesson.compute(pg, s).curves[4].intervals, []);
});

// The stack in TensorFlow.js with the core's weights: the loss and every kernel's gradient norm.
function tfjsGradNorms(model, s, x, y) {
  const w = model.weights();
  const vars = {};
  for (const [k, t] of Object.entries(w)) vars[k] = tf.variable(tf.tensor(Array.from(t.toArray()), t.shape));
  const xt = tf.tensor(Array.from(x.toArray()), x.shape);
  const yt = tf.tensor(Array.from(y.toArray()), [y.shape[0], 1]);
  const act = {
    sigmoid: (z) => tf.sigmoid(z), tanh: (z) => tf.tanh(z), relu: (z) => tf.relu(z),
    leaky_relu: (z) => tf.leakyRelu(z, s.alpha), prelu: (z, k) => tf.prelu(z, vars[`act_${k}/slope`]),
  }[s.act];
  const { value, grads } = tf.variableGrads(() => {
    let h = xt;
    for (let k = 1; k <= s.depth; k++) h = act(tf.add(tf.matMul(h, vars[`dense_${k}/kernel`]), vars[`dense_${k}/bias`]), k);
    const z = tf.add(tf.matMul(h, vars['output/kernel']), vars['output/bias']);
    // log loss on logits: max(z, 0) − z y + log(1 + e^−|z|), averaged
    return tf.mean(tf.add(tf.sub(tf.relu(z), tf.mul(z, yt)), tf.log1p(tf.exp(tf.neg(tf.abs(z))))));
  }, Object.values(vars));
  const names = [...Array.from({ length: s.depth }, (_, k) => `dense_${k + 1}/kernel`), 'output/kernel'];
  const byVar = Object.fromEntries(Object.entries(vars).map(([k, v]) => [v.name, k]));
  const g = Object.fromEntries(Object.entries(grads).map(([n, t]) => [byVar[n], t]));
  const norms = names.map((n) => Math.sqrt(g[n].square().sum().dataSync()[0]));
  return { loss: value.dataSync()[0], norms };
}

test('per-layer gradient norms match TensorFlow.js for every activation (depth 6, normal σ = 1)', () => {
  for (const act of ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'prelu']) {
    const s = { ...base, act, depth: 6, width: 8, init: 'normal', scale: 1, seed: 3, alpha: 0.1 };
    const model = lesson.buildStack(pg, s);
    try {
      pg.scope(() => {
        const { x, y } = pg.data.spiral(lesson.POINTS, 2, 0);
        const y2 = pg.reshape(y, [-1, 1]);
        const probe = model.probe(x, y2);
        const ours = probe.layers.filter((l) => l.kind === 'Dense').map((l) => l.weights[0].gradNorm);
        const ref = tfjsGradNorms(model, s, x, y);
        assertCloseToTfjs([probe.loss], [ref.loss], `${act} loss`, 1e-5, 1e-4);
        assertCloseToTfjs(ours, ref.norms, `${act} gradient norms`, 1e-7, 2e-3);
      });
    } finally {
      model.dispose();
    }
  }
});

test('the stack\'s numbers: ratio first/last = product of the factors = perLayer^(L−1); depth 1 to 20', () => {
  for (const depth of [1, 2, 10, 20]) {
    const r = lesson.compute(pg, { ...base, depth, layer: 1 });
    const st = r.stack;
    assert.equal(st.before.gradNorms.length, depth + 1);
    assert.equal(st.before.layers.length, depth);
    assert.equal(st.factors.length, depth);
    const g = st.before.gradNorms;
    assert.ok(Math.abs(st.ratio - g[0] / g[depth]) <= 1e-6 * st.ratio, `depth ${depth} ratio`);
    assert.ok(Math.abs(st.product - st.ratio) <= 1e-4 * st.ratio, `depth ${depth}: product ${st.product} vs ratio ${st.ratio}`);
    assert.ok(Math.abs(st.perLayer ** depth - st.ratio) <= 1e-4 * st.ratio, `depth ${depth}: per-layer factor`);
    st.factors.forEach((f, k) => assert.ok(Math.abs(f - g[k] / g[k + 1]) <= 1e-6 * f));
    // histograms count every activation once (sigmoid: range [0, 1], nothing outside)
    for (const l of st.before.layers) assert.equal(l.hist.counts.reduce((a, b) => a + b, 0) + l.hist.below + l.hist.above, st.width * st.rows);
  }
  // sigmoid vanishes with depth: every sigmoid factor passes at most 1/4 of the gradient through f'
  const deep = lesson.compute(pg, { ...base, act: 'sigmoid', depth: 20, init: 'glorot_uniform' }).stack;
  assert.ok(deep.ratio < 1e-6, `sigmoid depth 20 ratio ${deep.ratio}`);
  assert.ok(deep.before.layers.every((l) => l.meanDerivative <= 0.25));
  // He with ReLU keeps it within a few orders of magnitude
  const he = lesson.compute(pg, { ...base, act: 'relu', depth: 20, init: 'he_normal' }).stack;
  assert.ok(he.ratio > 1e-2 && he.ratio < 1e3, `relu + He depth 20 ratio ${he.ratio}`);
  // large normal weights with tanh saturate most units
  const sat = lesson.compute(pg, { ...base, act: 'tanh', depth: 10, init: 'normal', scale: 3 }).stack;
  assert.ok(sat.before.layers.slice(1).every((l) => l.saturated > 0.5), 'tanh with σ = 3 saturates');
});

test('zero and constant initialisation: every unit of a layer identical, before and after training; random breaks it', () => {
  for (const init of ['zeros', 'constant']) {
    const r = lesson.compute(pg, { ...base, act: 'sigmoid', init, scale: 0.1, depth: 4, steps: 5, layer: 2 });
    const st = r.stack;
    for (const look of [st.before, st.after]) {
      assert.ok(look.spread.every((v) => v === 0), `${init}: equal weights ${look.spread}`);
      assert.ok(look.gradSpread.every((v) => v === 0), `${init}: equal gradients ${look.gradSpread}`);
      const { kernel, grad, shape } = look.detail;
      for (let i = 0; i < shape[0]; i++) {
        for (let j = 1; j < shape[1]; j++) {
          assert.equal(kernel[i * shape[1] + j], kernel[i * shape[1]]);
          assert.equal(grad[i * shape[1] + j], grad[i * shape[1]]);
        }
      }
    }
    // constant 0.1: the weights did move, but together. (Zeros on this balanced spiral: every
    // hidden unit outputs σ(0) = 1/2 for every row, so ∂L/∂W_out = ½ Σ (p − y) = 0 up to rounding.)
    if (init === 'constant') assert.notDeepEqual(st.after.detail.kernel, st.before.detail.kernel);
    else assert.ok(st.before.gradNorms.every((v) => v < 1e-6), `zeros: no gradient (up to rounding) ${st.before.gradNorms}`);
  }
  const rnd = lesson.compute(pg, { ...base, act: 'sigmoid', init: 'glorot_uniform', depth: 4, steps: 5, layer: 2 }).stack;
  assert.ok(rnd.before.spread[1] > 0.01 && rnd.before.gradSpread[1] > 0 && rnd.after.spread[1] > 0.01);
  // zeros with ReLU: nothing passes back at all (ReLU(0) = 0 and ReLU'(0) = 0)
  const dead = lesson.compute(pg, { ...base, act: 'relu', init: 'zeros', depth: 3 }).stack;
  assert.deepEqual(dead.before.gradNorms, [0, 0, 0, 0]);
  assert.ok(Number.isNaN(dead.ratio));
  assert.ok(dead.before.layers.every((l) => l.dead === 1));
});

test('a control change reuses only what it does not touch: cached and fresh results are the same numbers', () => {
  const s = { ...base, depth: 5 };
  const first = lesson.compute(pg, s);
  lesson.compute(pg, { ...s, depth: 6 });                 // a stack change: PReLU and curves reused
  const again = lesson.compute(pg, s);
  lesson.compute(pg, { ...s, alpha: 0.3, target: 0.3 });  // evicts both cached parts
  const fresh = lesson.compute(pg, s);                    // everything recomputed
  assert.equal(JSON.stringify(again), JSON.stringify(first));
  assert.equal(JSON.stringify(fresh), JSON.stringify(first));
  // the curves follow alpha, the PReLU run follows its own settings
  assert.notDeepEqual(lesson.compute(pg, { ...s, alpha: 0.2 }).curves[3].derivative, first.curves[3].derivative);
  assert.notEqual(lesson.compute(pg, { ...s, target: 0.3 }).prelu.a.at(-1), first.prelu.a.at(-1));
});

test('the course: 0.99^365 = 0.0255 and 1.01^365 = 37.78 (float32)', () => {
  const { course } = lesson.compute(pg, base);
  assert.ok(Math.abs(course.lowPow - 0.99 ** 365) < 2e-6, String(course.lowPow));
  assert.ok(Math.abs(course.highPow - 1.01 ** 365) < 2e-3, String(course.highPow));
  assert.equal(course.lowPow.toFixed(4), '0.0255');
  assert.equal(course.highPow.toFixed(2), '37.78');
});

test('exercises: the answers the core gives, right and wrong', () => {
  const ex = Object.fromEntries(lesson.exercises.map((e) => [e.id, e]));
  assert.equal(ex.quarter.solve(pg, base).value, 'sigmoid');
  assert.equal(checkAnswer(pg, ex.quarter, base, 'sigmoid').correct, true);
  assert.equal(checkAnswer(pg, ex.quarter, base, 'tanh').correct, false);
  // depth 10 with sigmoid: the default init (normal σ = 1) is just above 1e-3, Glorot far below
  for (const [init, want] of [['normal', 'above'], ['glorot_uniform', 'below']]) {
    const s = { ...base, init };
    const solved = ex.depth10.solve(pg, s);
    const st = lesson.compute(pg, { ...s, act: 'sigmoid', depth: 10, steps: 0 }).stack;
    assert.equal(solved.value, st.ratio > 1e-3 ? 'above' : 'below');
    assert.equal(solved.value, want, `${init}: ratio ${st.ratio}`);
    assert.equal(checkAnswer(pg, ex.depth10, s, want).correct, true);
  }
  const c = ex.course.solve(pg, base);
  assert.ok(Math.abs(c.value - 0.0255) < 5e-5);
  assert.equal(checkAnswer(pg, ex.course, base, '0.0255').correct, true);
  assert.equal(checkAnswer(pg, ex.course, base, '0.99').correct, false);
});

test('the report names the saturation bands, the ratio and the course\'s numbers', () => {
  const r = lesson.compute(pg, base);
  const text = lesson.report(r, base).join('\n');
  assert.match(text, /sigmoid\s+: max f' = 0\.2500; saturated on \[−6\.00, −4\.40\] \[4\.40, 6\.00\]/);
  assert.match(text, /first\/last = .* = product of the 10 factors/);
  assert.match(text, /0\.99\^365 = 0\.0255, 1\.01\^365 = 37\.78/);
});

test('depth 0 or 10,000 (URL or CLI) is refused with a readable message; the defaults stay', () => {
  for (const bad of ['0', '10000', 'NaN', '2.5']) {
    const { state, problems } = parseSettings(lesson.settings, { depth: bad });
    assert.equal(state.depth, 10);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].message, `Stack: hidden layers (depth) (depth=${bad}) is not valid: expected a whole number from 1 to 20. Using the default, 10.`);
  }
  // the layer shown must exist: layer 22 of a depth-20 stack is refused, 21 (the output) is fine
  assert.equal(parseSettings(lesson.settings, { depth: '20', layer: '21' }).problems.length, 0);
  assert.equal(parseSettings(lesson.settings, { depth: '20', layer: '22' }).problems.length, 1);
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const cli = (...a) => spawnSync(process.execPath, [`${root}scripts/cli.mjs`, 'lesson', 'activations', ...a], { encoding: 'utf8', cwd: root });
  const r = cli('--depth', '10000');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /Stack: hidden layers \(depth\) \(depth=10000\) is not valid: expected a whole number from 1 to 20/);
  const ok = cli('--depth', '20', '--act', 'relu', '--json');
  assert.equal(ok.status, 0, ok.stderr);
  const out = JSON.parse(ok.stdout);
  assert.equal(out.result.stack.before.gradNorms.length, 21);
  const plain = cli();
  assert.equal(plain.status, 0, plain.stderr);
  assert.match(plain.stdout, /PReLU slope: a0 = 0\.2500/);
});

test('bad input to the new core functions names the op', () => {
  assert.throws(() => pg.activationCurve('softmax', [0, 1]), /activationCurve: softmax is not an element-wise activation/);
  assert.throws(() => pg.activationCurve('tanh', [0, NaN]), /activationCurve: x must be finite/);
  assert.throws(() => pg.activationCurve('tanh', [0], { alpha: Infinity }), /activationCurve: alpha must be a finite number/);
  const model = lesson.buildStack(pg, base);
  try {
    pg.scope(() => {
      const { x, y } = pg.data.spiral(5, 2, 0);
      assert.throws(() => model.probe(x, pg.reshape(y, [-1, 1]), { bins: 0 }), /probe: bins must be from 1 to 1000/);
      assert.throws(() => model.probe(x, y), /does not match the output shape/);
    });
  } finally {
    model.dispose();
  }
});
