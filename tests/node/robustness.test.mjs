// Drives the robustness table (tests/node/robustness-entries.mjs, also docs/robustness.md): every
// API function with every class of bad argument, the specific cases entry by entry (with prior
// state checked unchanged), every lesson setting with every class of bad text through the URL and
// the CLI; after each, the module must still compute known values and tensor memory must be as
// before. Also: the wasm heap and the embind handle table after 10,000 failed calls and 10,000
// lesson recomputations, and numerical health at the lessons' extremes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { load } from '../../wasm/playgrad.mjs';
import { LESSONS, lessonById } from '../../lessons/index.mjs';
import { defaults, parseHash, parseSettings, isValid } from '../../lessons/settings.mjs';
import { splitConvention } from '../../lessons/convention.mjs';
import { main as cliMain } from '../../scripts/cli.mjs';
import { BAD_ARGS, BAD_TEXT, SPECIFIC, apiFunctions, markdown } from './robustness-entries.mjs';

const pg = await load();

/** The module still computes known values (sum and softmax) correctly. */
function healthy() {
  pg.scope(() => {
    assert.equal(pg.sum(pg.tensor([1, 2, 3])).item(), 6);
    const p = pg.softmax(pg.tensor([0, Math.log(3)])).toArray();
    assert.ok(Math.abs(p[0] - 0.25) < 1e-6 && Math.abs(p[1] - 0.75) < 1e-6, `softmax gave ${p}`);
  });
}

function makeFixtures() {
  const fx = {};
  fx.a23 = pg.tensor([[1, 2, 3], [4, 5, 6]]);
  fx.v4 = pg.tensor([1, 2, 3, 4]);
  fx.s = pg.tensor(2);
  fx.f = pg.expr('x^2 + y');
  fx.w = pg.tensor([1, -2, 3], undefined, { requiresGrad: true });
  fx.w2 = pg.tensor([0.5, 0.25], undefined, { requiresGrad: true });
  fx.opt = pg.optim.adam([fx.w, fx.w2], { lr: 0.1 });
  pg.sum(pg.mul(fx.w, fx.w)).backward();
  pg.sum(pg.mul(fx.w2, fx.w2)).backward();
  fx.opt.step();  // a step that worked: the state has m and v
  fx.net = pg.sequential([pg.layers.dense({ units: 3, activation: 'relu' }), pg.layers.dense(2)], { inputShape: [2], seed: 1 });
  fx.net.compile({ optimizer: { kind: 'adam', lr: 0.01 }, loss: { kind: 'sparseCategoricalCrossEntropy', fromLogits: true } });
  fx.x = pg.tensor([[0, 1], [1, 0], [1, 1], [0, 0]]);
  fx.y = [0, 1, 1, 0];
  fx.weights = () => JSON.stringify(fx.net.toJSON().weights);
  fx.zeroNet = pg.sequential([pg.layers.dense({ units: 1, kernelInitializer: 'zeros' })], { inputShape: [1], seed: 1 });
  fx.zeroNet.compile({ optimizer: { kind: 'sgd', lr: 0.1 }, loss: 'mse' });
  fx.mseNet = pg.sequential([pg.layers.dense({ units: 2, activation: 'tanh' }), pg.layers.dense(1)], { inputShape: [2], seed: 1 });
  fx.mseNet.compile({ optimizer: 'adam', loss: 'mse' });
  fx.fast = pg.denseChainTrainer(fx.mseNet);
  pg.scope(() => fx.fast.step(pg.ones([4, 2]), pg.zeros([4, 1])));  // a step that worked: buffers for a batch of 4, optimizer state
  return fx;
}
function disposeFixtures(fx) {
  for (const v of Object.values(fx)) if (v && typeof v.dispose === 'function') v.dispose();
}

/** Calls fn expecting a PlaygradError whose message matches `expect`; returns the error. */
function expectError(fn, expect, what) {
  let err = null;
  let result;
  try {
    result = fn();
  } catch (e) {
    err = e;
  }
  if (!err) {
    result?.dispose?.();
    assert.fail(`${what}: no error (returned ${typeof result})`);
  }
  assert.ok(err instanceof pg.PlaygradError, `${what}: threw ${err?.constructor?.name}: ${err?.message}`);
  assert.match(err.message, expect, what);
  return err;
}

const fns = apiFunctions(pg);

test('the table in docs/robustness.md is the one generated from robustness-entries.mjs', () => {
  const doc = readFileSync(new URL('../../docs/robustness.md', import.meta.url), 'utf8');
  const table = markdown({ apiFunctions: fns, lessons: LESSONS });
  assert.ok(doc.includes(table), 'docs/robustness.md is out of date: run `node tests/node/robustness-entries.mjs` and paste its output between the table markers');
});

test('every API function: every class of bad argument in every position is a PlaygradError naming it, or a valid result', () => {
  assert.ok(fns.length > 60, `found only ${fns.length} API functions`);
  const failures = [];
  for (const name of fns) {
    const [ns, fn] = name.includes('.') ? name.split('.') : [null, name];
    const obj = ns ? pg[ns] : pg;
    const arity = Math.max(obj[fn].length, 1);
    const short = fn.replace(/^(iou|nms)$/, '$1');
    for (const [cls, bad] of BAD_ARGS) {
      for (let pos = 0; pos < Math.min(arity, 3); pos++) {
        const args = [];
        const bytes = pg.tensorBytes();
        const fx = pg.scope(() => {
          // good-looking arguments before the bad one: a small tensor
          for (let i = 0; i < pos; i++) args.push(pg.tensor([[1, 2], [3, 4]]));
          args.push(bad);
          try {
            const r = obj[fn](...args);
            // A valid result: anything it made is disposed by the scope (models/optimizers here).
            if (r && typeof r.dispose === 'function' && !(r instanceof pg.Tensor)) r.dispose();
            return null;
          } catch (e) {
            return e;
          }
        });
        const where = `${name}(${pos ? `<${pos} tensors>, ` : ''}${cls})`;
        if (fx) {
          if (!(fx instanceof pg.PlaygradError)) failures.push(`${where}: ${fx.constructor.name}: ${fx.message}`);
          else if (!fx.message.toLowerCase().includes(short.toLowerCase().slice(0, 4))
            && !/^[a-zA-Z0-9]+: /.test(fx.message)) failures.push(`${where}: message names no op: ${fx.message}`);
        }
        if (pg.tensorBytes() !== bytes) failures.push(`${where}: tensor memory changed by ${pg.tensorBytes() - bytes} bytes`);
      }
    }
  }
  healthy();
  assert.deepEqual(failures, []);
});

for (const c of SPECIFIC) {
  test(`${c.entry}: ${c.input}`, () => {
    const fx = makeFixtures();
    try {
      const bytes = pg.tensorBytes();
      const before = c.state?.(pg, fx);
      expectError(() => pg.scope(() => c.call(pg, fx)), c.expect, `${c.entry}: ${c.input}`);
      if (c.state) assert.deepEqual(c.state(pg, fx), before, 'prior state changed by the failed call');
      assert.equal(pg.tensorBytes(), bytes, 'tensor memory changed by the failed call');
      healthy();
    } finally {
      disposeFixtures(fx);
    }
  });
}

test('a failed model load leaves the model already loaded in place, predicting the same', () => {
  const net = pg.sequential([pg.layers.dense(2)], { inputShape: [2], seed: 3 });
  const loaded = pg.loadModel(net.save());
  const x = pg.tensor([[1, 2]]);
  const before = Array.from(loaded.predict(x).toArray());
  assert.throws(() => pg.loadModel('{"format": "playgrad-model", "version": 1, "spec": 5}'), pg.PlaygradError);
  assert.deepEqual(Array.from(loaded.predict(x).toArray()), before);
  net.dispose(); loaded.dispose(); x.dispose();
});

// A lesson's numbers for a state: compute(), or for a training lesson a session that starts,
// takes two steps, gives a snapshot and is disposed.
function recompute(lesson, state) {
  if (typeof lesson.compute === 'function') return lesson.compute(pg, state);
  const s = lesson.session(pg, state);
  try {
    for (let i = 0; i < 2 && !s.done; i++) s.step();
    return s.snapshot();
  } finally {
    s.dispose();
  }
}

for (const lesson of LESSONS) {
  test(`lesson ${lesson.id}: every setting, every class of bad text, through the URL and the CLI`, async () => {
    const d0 = defaults(lesson.settings);
    for (const decl of lesson.settings) {
      for (const [cls, text] of BAD_TEXT) {
        const where = `${lesson.id}.${decl.name} = ${cls}`;
        // URL: #/<id>?name=<percent-encoded text>
        const { id, fields } = parseHash(`#/${lesson.id}?${decl.name}=${encodeURIComponent(text)}`);
        assert.equal(id, lesson.id, where);
        const { state, problems } = parseSettings(lesson.settings, fields);
        for (const d of lesson.settings) assert.ok(isValid(d, state[d.name], state), `${where}: state.${d.name} invalid`);
        if (problems.length) {
          assert.equal(problems.length, 1, where);
          assert.match(problems[0].message, new RegExp(`\\(${decl.name}=`), where);
          assert.deepEqual(state[decl.name], d0[decl.name], `${where}: not the default`);
          assert.ok(problems[0].message.length < 400, `${where}: notice of ${problems[0].message.length} characters`);
        }
        // ... and the state it gives computes (a training lesson: its session starts and steps).
        const bytes = pg.tensorBytes();
        recompute(lesson, state);
        assert.equal(pg.tensorBytes(), bytes, `${where}: compute leaked tensor memory`);
        // CLI: --name <text> is accepted exactly when the URL accepts it, else a usage error naming it.
        const out = { text: '', write(s) { this.text += s; } };
        // A training lesson trains to the end in the CLI: a short run is enough here (the lesson's
        // quickSettings, e.g. the tuning race's one small trial, else one epoch).
        const quick = lesson.session ? (lesson.quickSettings ?? { epochs: 1 }) : {};
        const short = Object.entries(quick).filter(([k]) => k !== decl.name).flatMap(([k, v]) => [`--${k}`, String(v)]);
        if (problems.length) {
          await assert.rejects(cliMain(['lesson', lesson.id, `--${decl.name}=${text}`, ...short], out),
            (e) => e.constructor.name === 'UsageError' && e.message.includes(`${decl.name}=`), where);
        } else {
          assert.equal(await cliMain(['lesson', lesson.id, `--${decl.name}=${text}`, ...short, '--json'], out), 0, where);
        }
      }
    }
    healthy();
  });
}

test('the page-wide convention field: every class of bad text through the URL and the CLI', async () => {
  const out = { text: '', write(x) { this.text += x; } };
  for (const [cls, text] of BAD_TEXT) {
    const { fields } = parseHash(`#/softmax?convention=${encodeURIComponent(text)}`);
    const r = splitConvention(fields, 'pytorch');
    assert.equal(r.convention, 'pytorch', cls);
    assert.ok(r.problem && r.problem.length < 400, `${cls}: a short notice`);
    assert.equal(r.fields.size, 0, cls);
    await assert.rejects(cliMain(['lesson', 'softmax', `--convention=${text}`], out),
      (e) => e.constructor.name === 'UsageError' && e.message.includes('--convention must be one of keras, pytorch'), cls);
  }
});

test('URL: a 1 MB hash, malformed percent-encoding, unknown lesson and unknown fields never throw', () => {
  const huge = `#/softmax?z=${'1,'.repeat(500000)}&${'a'.repeat(1000)}=1`;
  const { id, fields } = parseHash(huge);
  assert.equal(id, 'softmax');
  const { problems } = parseSettings(lessonById('softmax').settings, fields);
  assert.equal(problems.length, 2);
  for (const p of problems) assert.ok(p.message.length < 400);
  const bad = parseHash('#/%E0%A4%A?z=%&t=%ZZ');
  assert.equal(bad.fields.get('z'), '%');
  assert.equal(parseHash('#/nope?x=1').id, 'nope');
});

test('CLI: unknown lesson, unknown flag, missing value, duplicate flag are usage errors', async () => {
  const out = { write() {} };
  const cases = [['lesson', 'nope'], ['lesson', 'softmax', '--zz', '1'], ['lesson', 'softmax', '--t'],
    ['lesson', 'softmax', '--t', '1', '--t', '2'], ['lesson'], [], ['lesson', 'softmax', 'extra'],
    ['lesson', 'softmax', `--${'x'.repeat(100000)}`]];
  for (const argv of cases) await assert.rejects(cliMain(argv, out), (e) => e.constructor.name === 'UsageError', JSON.stringify(argv).slice(0, 80));
});

test('memory: 10,000 failed calls leave the wasm heap, tensor memory and the embind handle table as they were', () => {
  const fx = makeFixtures();
  const calls = SPECIFIC.filter((c) => !c.state && !/10\^10|1 MB|100,000|10,000|diverging/.test(c.input));
  const once = () => {
    for (const c of calls) {
      try { pg.scope(() => c.call(pg, fx)); } catch { /* expected */ }
    }
  };
  for (let i = 0; i < 3; i++) once();  // warm up: caches, first-use allocations
  const heap = pg.memoryBytes();
  const bytes = pg.tensorBytes();
  const handles = pg._core.count_emval_handles();
  let n = 0;
  while (n < 10000) { once(); n += calls.length; }
  assert.equal(pg.tensorBytes(), bytes);
  assert.equal(pg._core.count_emval_handles(), handles, 'embind handles grew');
  assert.equal(pg.memoryBytes(), heap, `wasm heap grew by ${pg.memoryBytes() - heap} bytes over ${n} failed calls`);
  disposeFixtures(fx);
  healthy();
});

test('memory: 10,000 lesson recomputations (every registered lesson) leave the wasm heap as it was', () => {
  const states = LESSONS.map((l) => defaults(l.settings));
  for (let i = 0; i < 3; i++) LESSONS.forEach((l, k) => recompute(l, states[k]));
  const heap = pg.memoryBytes();
  const handles = pg._core.count_emval_handles();
  for (let i = 0; i < 10000; i++) {
    const k = i % LESSONS.length;
    recompute(LESSONS[k], states[k]);
  }
  assert.equal(pg._core.count_emval_handles(), handles, 'embind handles grew');
  assert.equal(pg.memoryBytes(), heap, `wasm heap grew by ${pg.memoryBytes() - heap} bytes`);
});

test('numerical health: softmax and the cross-entropy stay finite at the softmax lesson\'s extremes', () => {
  const softmax = LESSONS.find((l) => l.id === 'softmax');
  if (!softmax) return;
  const zDecl = softmax.settings.find((d) => d.name === 'z');
  const tDecl = softmax.settings.find((d) => d.name === 't');
  for (const n of [zDecl.minLength, zDecl.maxLength]) {
    for (const z of [Array(n).fill(zDecl.max), Array(n).fill(zDecl.min), Array.from({ length: n }, (_, i) => (i % 2 ? zDecl.min : zDecl.max))]) {
      for (const t of [tDecl.min, tDecl.max]) {
        for (const large of [false, true]) {
          for (const y of [1, n]) {
            const r = softmax.compute(pg, { z, t, large, y });
            const finite = (a) => Array.from(a).every(Number.isFinite);
            const vals = Object.values(r).filter((v) => Array.isArray(v) || typeof v === 'number');
            assert.ok(r.p.every(Number.isFinite) && Math.abs(r.p.reduce((a, b) => a + b) - 1) < 1e-5, `p at z=${z[0]}.. t=${t} large=${large}`);
            assert.ok(Number.isFinite(r.loss ?? 0), `loss at z=${z[0]}.. t=${t} large=${large}: ${r.loss}`);
            assert.ok(finite(r.grad ?? []), 'gradient');
            assert.ok(vals.length > 0);
          }
        }
      }
    }
  }
  // Losses at saturation: clipped, finite.
  pg.scope(() => {
    const p = pg.tensor([[0, 1, 0]]);
    assert.ok(Number.isFinite(pg.losses.sparseCategoricalCrossEntropy(p, [0]).item()));
    assert.ok(Number.isFinite(pg.losses.binaryCrossEntropy(pg.tensor([0, 1]), pg.tensor([1, 0])).item()));
    assert.ok(Number.isFinite(pg.losses.binaryCrossEntropyWithLogits(pg.tensor([1e30, -1e30]), pg.tensor([0, 1])).item()));
    assert.ok(Number.isFinite(pg.losses.categoricalCrossEntropy(pg.tensor([[1e30, -1e30]]), pg.tensor([[0, 1]]), { fromLogits: true }).item()));
  });
});
