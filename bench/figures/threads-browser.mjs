// Threads in the browser, against TensorFlow.js WASM with its own threads: tfjs 4.22 turns its
// threaded backend off in Node, so this comparison runs in a page. Headless Chromium (Debian's,
// through tests/browser/harness.mjs) opens web/ served by scripts/serve.mjs with COOP/COEP (so
// the page is cross-origin isolated and both libraries may start threads); tfjs and its wasm
// files are served from node_modules under /__bench/ (the site's CSP and service worker are off
// for this page: tfjs starts its threads from blob: URLs). In the page, interleaved rounds time:
//   Playgrad at 1 thread and at THREADS threads (pg.setThreads), and tfjs-wasm at THREADS threads
//   (tf.wasm.setThreadsCount, fixed when its backend starts), and the second-core gauge
//   (bench/lib/timing.mjs: matmul 256 at 1 and at THREADS threads),
// on matmul 512 and the small CNN of bench/figures/cnn.mjs (the same net, inputs and Adam
// settings): its forward pass, and its training step (Playgrad only: tfjs-wasm has no kernel for
// a convolution's filter gradient). Checked in the page before timing: Playgrad's result at THREADS threads has
// the same bits as at 1, and tfjs's is within the case's tolerance of Playgrad's.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

import { root } from '../lib/peers.mjs';
import { gauge, settings } from '../lib/timing.mjs';

const THREADS = Math.min(availableParallelism(), 16);
const TFJS_FILES = {
  'tf.min.js': 'node_modules/@tensorflow/tfjs/dist/tf.min.js',
  'tf-backend-wasm.min.js': 'node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js',
  'tfjs-backend-wasm.wasm': 'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm': 'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm': 'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm',
};

// Runs in the page (serialized by page.evaluate): sets up both libraries and times the cases.
async function inPage({ threads, rounds, warmUp, tierUp, sampleMs, gaugeN }) {
  // Its own instance of the module (load() keeps one core per instance): the page's app.mjs has
  // already loaded the one-thread core in the main one, as every page does (docs/threads.md).
  const { load } = await import('/lib/playgrad.mjs?threads-bench');
  const pg = await load();
  const tf = window.tf;
  tf.wasm.setWasmPaths('/__bench/');
  tf.wasm.setThreadsCount(threads);
  await tf.setBackend('wasm');
  const info = {
    isolated: window.crossOriginIsolated,
    pgThreads: pg.maxThreads(),
    tfMultithread: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'),
    tfSimd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
  };
  const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };
  const relError = (got, want) => {
    let m = 0, s = 0;
    for (let i = 0; i < want.length; i++) { m = Math.max(m, Math.abs(got[i] - want[i])); s = Math.max(s, Math.abs(want[i])); }
    return m / (s || 1);
  };
  const sameBits = (a, b) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

  // Each case: pg(): { run, result, dispose }, tfjs(init): the same.
  const B = 32, LABELS = Array.from({ length: B }, (_, i) => (i * 7) % 10);
  const SHAPES = [[3, 3, 1, 8], [8], [3, 3, 8, 16], [16], [784, 10], [10]];
  const cases = {
    'matmul 512': {
      flops: 2 * 512 ** 3,
      tolerance: 1e-5,
      pg() {
        const a = pg.rand([512, 512], 11, -1, 1), b = pg.rand([512, 512], 12, -1, 1);
        return {
          inputs: [a.toArray(), b.toArray()],
          run: () => pg.matmul(a, b).dispose(),
          result: () => { const c = pg.matmul(a, b); const r = c.toArray(); c.dispose(); return r; },
          dispose: () => { a.dispose(); b.dispose(); },
        };
      },
      tfjs([a, b]) {
        const ta = tf.tensor(a, [512, 512]), tb = tf.tensor(b, [512, 512]);
        return {
          run: () => tf.matMul(ta, tb).dispose(),
          result: () => { const c = tf.matMul(ta, tb); const r = c.dataSync().slice(); c.dispose(); return r; },
          dispose: () => tf.dispose([ta, tb]),
        };
      },
    },
    'small CNN forward (loss), batch 32 of 28×28×1': cnn(false),
    'small CNN training step (forward, backward, Adam)': cnn(true),
    'small CNN forward (loss), conv + bias + ReLU + max pool fused': cnn(false, true),
    'small CNN training step, conv + bias + ReLU + max pool fused (forward, backward, Adam)': cnn(true, true),
  };
  // fused: each convolution with its bias, ReLU and max pool as one op (pg.conv2d's activation
  // and maxPool; tf.fused.conv2d then tf.maxPool), as bench/figures/cnn.mjs's fused rows.
  function cnn(train, fused = false) {
    return {
      tolerance: 1e-5,
      pg() {
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
          const block = fused
            ? (h, w, b) => pg.conv2d(h, w, { padding: 'same', bias: b, activation: 'relu', maxPool: true })
            : (h, w, b) => pg.maxPool2d(pg.relu(pg.add(pg.conv2d(h, w, { padding: 'same' }), b)));
          let h = block(x, p[0], p[1]);
          h = block(h, p[2], p[3]);
          const logits = pg.add(pg.matmul(pg.reshape(h, [B, 784]), p[4]), p[5]);
          return pg.losses.sparseCategoricalCrossEntropy(logits, LABELS, { fromLogits: true });
        };
        const make = () => { const p = makeParams(); return { p, opt: pg.optim.adam(p, { lr: 1e-3, epsilon: 1e-8 }) }; };
        const free = (s) => { s.opt.dispose(); s.p.forEach((t) => t.dispose()); };
        const cur = make();
        const init = cur.p.map((t) => ({ data: t.toArray(), shape: t.shape }));
        return {
          inputs: { init, x: x.toArray() },
          run: train
            ? () => { cur.opt.zeroGrad(); pg.scope(() => { forward(cur.p).backward(); }); cur.opt.step(); }
            : () => pg.scope(() => { forward(cur.p); }),
          result: !train ? () => pg.scope(() => Float32Array.from(forward(cur.p).toArray())) : () => {
            const s = make();
            s.opt.zeroGrad();
            const loss = pg.scope(() => { const l = forward(s.p); l.backward(); return l.item(); });
            s.opt.step();
            const r = [loss];
            for (const t of s.p) r.push(...t.toArray());
            free(s);
            return Float32Array.from(r);
          },
          dispose: () => { free(cur); x.dispose(); },
        };
      },
      // tfjs-wasm has no Conv2DBackpropFilter kernel: it cannot train a CNN, so the step has no peer
      tfjs: train ? null : ({ init, x: xin }) => {
        const x = tf.tensor(xin, [B, 28, 28, 1]);
        const y = tf.oneHot(tf.tensor1d(LABELS, 'int32'), 10);
        const make = () => ({ v: init.map(({ data, shape }) => tf.variable(tf.tensor(data, shape))), opt: tf.train.adam(1e-3, 0.9, 0.999, 1e-8) });
        const forward = (p) => () => {
          const conv = fused
            ? (h, w, b) => tf.fused.conv2d({ x: h, filter: w, strides: 1, pad: 'same', bias: b, activation: 'relu' })
            : (h, w, b) => tf.relu(tf.add(tf.conv2d(h, w, 1, 'same'), b));
          let h = tf.maxPool(conv(x, p[0], p[1]), 2, 2, 'valid');
          h = tf.maxPool(conv(h, p[2], p[3]), 2, 2, 'valid');
          const logits = tf.add(tf.matMul(tf.reshape(h, [B, 784]), p[4]), p[5]);
          return tf.losses.softmaxCrossEntropy(y, logits);
        };
        const free = (s) => { s.opt.dispose(); tf.dispose(s.v); };
        const cur = make();
        const f = forward(cur.v);
        return {
          run: () => tf.tidy(f).dispose(),
          result: () => { const l = tf.tidy(f); const r = Float32Array.from(l.dataSync()); l.dispose(); return r; },
          dispose: () => { free(cur); tf.dispose([x, y]); },
        };
      },
    };
  }

  const out = { info, cases: {} };
  const ga = pg.rand([gaugeN, gaugeN], 5, -1, 1), gb = pg.rand([gaugeN, gaugeN], 6, -1, 1);
  for (const [id, c] of Object.entries(cases)) {
    const p = c.pg();
    const t = c.tfjs ? c.tfjs(p.inputs) : null;
    pg.setThreads(1);
    const one = p.result();
    pg.setThreads(threads);
    const many = p.result();
    const check = { sameBits: sameBits(one, many), tfjsError: t ? relError(t.result(), one) : 0 };
    const impls = [
      { peer: 'threads1', run: () => { pg.setThreads(1); p.run(); } },
      { peer: 'threads', run: () => { pg.setThreads(threads); p.run(); } },
    ];
    if (t) impls.push({ peer: 'tfjs-wasm-threads', run: () => t.run() });
    // The second-core gauge (bench/lib/timing.mjs): matmul 256 at 1 and at THREADS threads, in
    // the same rounds.
    impls.push(
      { gauge: 'one', run: () => { pg.setThreads(1); pg.matmul(ga, gb).dispose(); } },
      { gauge: 'many', run: () => { pg.setThreads(threads); pg.matmul(ga, gb).dispose(); } },
    );
    // The pair's longer warm-up, its two sides in turn, so that V8's tier-up of the functions the
    // case runs finishes before it is timed (bench/lib/timing.mjs, threadWarmupMs).
    const t00 = performance.now();
    for (let k = 0; performance.now() - t00 < tierUp; k++) {
      const t1 = performance.now();
      do impls[k % 2].run(); while (performance.now() - t1 < 100);
    }
    // Calls per sample: enough for about sampleMs, from the warm-up (as long as the Node
    // threads rows' samples, bench/run.mjs: the pool's wake-up after the other sample belongs to
    // many steps, not a handful).
    for (const impl of impls) {
      const t0 = performance.now();
      let n = 0;
      while (performance.now() - t0 < warmUp) { impl.run(); n++; }
      impl.calls = Math.max(1, Math.round(n * sampleMs / warmUp));
      impl.samples = [];
    }
    for (let r = 0; r < rounds; r++) {
      for (const impl of impls) {
        const t0 = performance.now();
        for (let i = 0; i < impl.calls; i++) impl.run();
        impl.samples.push((performance.now() - t0) / impl.calls);
      }
    }
    pg.setThreads(1);
    p.dispose();
    t?.dispose();
    const stats = (i) => ({ samples_ms: i.samples, median_ms: median(i.samples), min_ms: Math.min(...i.samples) });
    const gauge = Object.fromEntries(impls.filter((i) => i.gauge).map((i) => [i.gauge, stats(i)]));
    gauge.speedup = gauge.one.median_ms / gauge.many.median_ms;
    out.cases[id] = { flops: c.flops, tolerance: c.tolerance, check, gauge, peers: Object.fromEntries(impls.filter((i) => i.peer).map((i) => [i.peer, stats(i)])) };
  }
  return out;
}

let measured = null;
async function measureAll() {
  const { startSite, launch } = await import(join(root, 'tests/browser/harness.mjs'));
  const site = await startSite();
  const browser = await launch();
  try {
    // The site's CSP allows no blob: workers (tfjs starts its threads from one) and its service
    // worker would answer /__bench/ itself: both off for this page only.
    const context = await browser.newContext({ bypassCSP: true, serviceWorkers: 'block' });
    const page = await context.newPage();
    await page.route('**/__bench/*', (route) => {
      const name = new URL(route.request().url()).pathname.split('/').pop();
      const file = TFJS_FILES[name];
      if (!file) return route.fulfill({ status: 404, body: 'not found' });
      return route.fulfill({
        status: 200,
        body: readFileSync(join(root, file)),
        headers: {
          'Content-Type': name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript',
          'Cross-Origin-Resource-Policy': 'same-origin',
        },
      });
    });
    page.on('console', (m) => { if (m.type() === 'error') process.stderr.write(`  page: ${m.text()}\n`); });
    await page.goto(`${site.url}#/softmax`);
    await page.addScriptTag({ url: '/__bench/tf.min.js' });
    await page.addScriptTag({ url: '/__bench/tf-backend-wasm.min.js' });
    return await page.evaluate(inPage, {
      threads: THREADS, rounds: settings.threadRounds, warmUp: 300, tierUp: settings.threadWarmupMs, sampleMs: settings.threadSampleMs, gaugeN: gauge.n,
    });
  } finally {
    await browser.close();
    await site.close();
  }
}

function row(id, threadsTarget, peer = true) {
  return {
    id: `${id} (Chromium, isolated page)`,
    unit: id.startsWith('matmul') ? 'GFLOPS' : 'ms',
    threadsTarget,
    async measure() {
      measured ??= await measureAll();
      const { info, cases } = measured;
      const c = cases[id];
      if (!info.isolated) throw new Error('threads-browser: the page is not cross-origin isolated');
      if (!info.tfMultithread) throw new Error('threads-browser: tfjs-wasm reports no multithread support in the page');
      if (info.pgThreads < THREADS) throw new Error(`threads-browser: Playgrad's core in the page has ${info.pgThreads} thread(s), not ${THREADS}`);
      if (!c.check.sameBits) throw new Error(`${id}: Playgrad at ${THREADS} threads differs from 1 thread`);
      if (!(c.check.tfjsError <= c.tolerance)) throw new Error(`${id}: tfjs-wasm differs from Playgrad by ${c.check.tfjsError}`);
      const peers = c.peers;
      for (const p of Object.values(peers)) {
        if (c.flops) Object.assign(p, { gflops_median: c.flops / p.median_ms / 1e6, gflops_best: c.flops / p.min_ms / 1e6 });
      }
      peers.threads.core_speedup = peers.threads.median_ms / peers.threads1.median_ms;
      // tfjs-wasm's threads against Playgrad's on as many (the target below)
      const tfp = peers['tfjs-wasm-threads'];
      if (tfp) Object.assign(tfp, { core_speedup: tfp.median_ms / peers.threads.median_ms, error_vs_core: c.check.tfjsError });
      peers.threads.threads = THREADS;
      return { peers, page: info, gauge: c.gauge };
    },
    note: peer ? undefined : 'tfjs-wasm cannot train it (no Conv2DBackpropFilter kernel)',
    targets: peer ? [{ text: `ahead of tfjs-wasm on ${THREADS} threads`, vs: ['tfjs-wasm-threads'], ratio: 1 }] : [],
  };
}

export default {
  name: 'threads-browser',
  order: 12,
  async cases() {
    return [
      row('matmul 512', 1.7),
      row('small CNN forward (loss), batch 32 of 28×28×1'),
      row('small CNN training step (forward, backward, Adam)', 1.7, false),
      row('small CNN forward (loss), conv + bias + ReLU + max pool fused'),
      row('small CNN training step, conv + bias + ReLU + max pool fused (forward, backward, Adam)', 1.7, false),
    ];
  },
};
