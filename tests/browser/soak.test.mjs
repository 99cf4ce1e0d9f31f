// Long sessions, in the browser (headless Chromium, one site and one browser for both soaks):
//
// 1. The optimizers lesson left animating (30 s in the test level, 2 minutes in `npm run soak`), as a student would use it: whenever the
//    animation reaches its last step the driver either presses Replay or changes a setting (a
//    learning rate, the surface, the start point, the step count, a typed f(x, y), now and then
//    a typo in it), so the animation restarts and the six trajectories are recomputed by the wasm
//    core (pg.optim.path calls are counted).
// 2. The softmax lesson driven every frame for a quarter of that (8 s, 30 s): the temperature slider
//    and a logit move every frame, so the page validates, recomputes and redraws every frame.
//
// What is measured, per animation frame, by a meter installed before the page's scripts
// (frameMeter below): from the start of the frame's first requestAnimationFrame callback to a
// message posted from it, which runs after the frame's rendering steps on the main thread. So a
// frame's time is all its requestAnimationFrame callbacks (the lesson's animation tick drawing
// the contour map and paths, the loss chart, the shell's compute + update after a setting change,
// the driver's input handlers) plus style, layout and paint recording of that frame. Not
// included: rasterization and compositing on other threads, and frames with no callback at all.
// Checks (the frame times are logged, not asserted: a test checks correctness, the frame rate is
// a benchmark figure): in at least 90% of the frames an animation was under
// way and the lesson redrew (it really animated the whole time); the JS heap (CDP, after a forced GC) and the
// wasm heap (pg.memoryBytes(), bytes in use) end where they were after a warm-up.
// Run by `scripts/test.sh soak` (30 s) and `npm run soak` (120 s), not by the quick browser level.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { openPage, useBrowser } from './harness.mjs';

// The test level (CI) animates for 30 s; `npm run soak` (SOAK=long) for 120 s; SOAK_SECONDS sets it.
const SECONDS = Number(process.env.SOAK_SECONDS ?? (process.env.SOAK === 'long' ? 120 : 30));
const SOFTMAX_SECONDS = Math.max(5, Math.round(SECONDS / 4));
const WARM_UP_MS = 5000;

const env = useBrowser();

// Runs in the page before its scripts: wraps requestAnimationFrame to time each frame (see the
// top of the file). The records are preallocated typed arrays, so recording allocates nothing.
function frameMeter() {
  const raf = window.requestAnimationFrame.bind(window);
  const N = 1 << 16;
  const meter = { frame: new Float64Array(N), script: new Float64Array(N), count: 0, on: false };
  let frameTs = -1;
  let frameStart = 0;
  let script = 0;
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    if (!meter.on || meter.count >= N) return;
    meter.frame[meter.count] = performance.now() - frameStart;
    meter.script[meter.count] = script;
    meter.count++;
  };
  window.requestAnimationFrame = (cb) => raf((ts) => {
    const t0 = performance.now();
    if (ts !== frameTs) { // the first callback of a new frame
      frameTs = ts;
      frameStart = t0;
      script = 0;
      channel.port2.postMessage(0);
    }
    try { cb(ts); } finally { script += performance.now() - t0; }
  });
  window.__frameMeter = meter;
}

/** Opens a lesson with the frame meter installed; returns the page and heap probes. */
async function openLesson(hash, ready) {
  const { page, context, assertClean } = await openPage(env.browser, null);
  await page.addInitScript(frameMeter);
  await page.goto(`${env.url}${hash}`);
  await page.waitForSelector(ready, { timeout: 30000 });
  const cdp = await context.newCDPSession(page);
  const jsHeap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  const wasmHeap = () => page.evaluate(async () => (await (await import('./lib/playgrad.mjs')).load()).memoryBytes());
  return { page, context, assertClean, jsHeap, wasmHeap };
}

/** Sorted frame and script times recorded while `run` ran. */
async function measured(page, run) {
  await page.evaluate(() => { window.__frameMeter.count = 0; window.__frameMeter.on = true; });
  const out = await run();
  const m = await page.evaluate(() => {
    const f = window.__frameMeter;
    f.on = false;
    return { frame: Array.from(f.frame.subarray(0, f.count)), script: Array.from(f.script.subarray(0, f.count)) };
  });
  m.frame.sort((a, b) => a - b);
  m.script.sort((a, b) => a - b);
  return { ...out, ...m };
}
const at = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
const ms = (v) => `${v.toFixed(2)} ms`;

/** The heap checks shared by both soaks. */
function assertFlat(what, [js0, wasm0], [js1, wasm1]) {
  assert.equal(wasm1, wasm0, `${what}: wasm heap bytes in use`);
  // GC is not exact: allow 1 MB of noise; a leak of even 150 bytes per frame over 7,000 frames exceeds it.
  assert.ok(js1 - js0 < 1 << 20, `${what}: JS heap grew by ${js1 - js0} bytes`);
}

// ---- 1. the optimizers lesson, animating ---------------------------------------------------------

// In the page: counts the core's path computations (every compute() makes one per optimizer).
const countPaths = async () => {
  const pg = await (await import('./lib/playgrad.mjs')).load();
  const path = pg.optim.path;
  window.__paths = 0;
  pg.optim.path = function counted(...args) { window.__paths++; return path.apply(this, args); };
};

// In the page: for `ms`, every frame, notes whether an animation is under way (the step shown is
// below the step count) and whether the lesson redrew (its step counter was rewritten), and when
// the animation has reached its last step, presses Replay or changes a setting (alternately).
// Returns the counts.
const animate = (ms) => new Promise((resolve) => {
  const q = (s) => document.querySelector(s);
  const stepOut = q('[data-lesson="optimizers"] [data-name="step"]');
  const exprError = q('[data-lesson="optimizers"] [data-name="expr-error"]');
  const replay = [...document.querySelectorAll('[data-lesson="optimizers"] button')].find((b) => b.textContent === 'Replay');
  const range = (name) => q(`[data-setting="${name}"] input[type="range"]`);
  const fire = (e, type, v) => { e.value = String(v); e.dispatchEvent(new Event(type, { bubbles: true })); };
  const surfaces = [...q('[data-setting="surface"] select').options].map((o) => o.value);
  const fs = ['x^2 + 3 y^2 + sin(3 x)', 'x^4 - 2 x^2 + y^2', 'cos(x) + y^2 / 4 + x^2 / 8', 'x^2 + (y - 1)^2 +', 'abs(x) + y^2'];
  const changes = [
    (k) => fire(range('gdLr'), 'input', (0.01 + (k % 9) * 0.03).toFixed(2)),
    (k) => fire(q('[data-setting="surface"] select'), 'change', surfaces[k % surfaces.length]),
    (k) => fire(range('x0'), 'input', (((k * 37) % 80) / 10 - 4).toFixed(2)),
    (k) => fire(range('adamLr'), 'input', (0.02 + (k % 7) * 0.05).toFixed(2)),
    (k) => fire(range('y0'), 'input', (((k * 53) % 60) / 10 - 3).toFixed(2)),
    (k) => fire(range('steps'), 'input', 60 + (k % 5) * 20),
    (k) => fire(q('[data-setting="f"] input[type="text"]'), 'change', fs[k % fs.length]),
    (k) => fire(range('momBeta'), 'input', (0.5 + (k % 5) * 0.1).toFixed(3)),
  ];
  let redrawn = 0;
  const watch = new MutationObserver((records) => { redrawn += records.length; });
  watch.observe(stepOut, { childList: true });
  const paths0 = window.__paths;
  let frames = 0, animating = 0, replays = 0, changed = 0, last = stepOut.dataset.value;
  const start = performance.now();
  const frame = () => {
    if (performance.now() - start > ms) {
      watch.disconnect();
      resolve({ frames, animating, redrawn, replays, changed, paths: window.__paths - paths0 });
      return;
    }
    frames++;
    const k = stepOut.dataset.value;
    const total = range('steps').value;
    const bad = !exprError.hidden; // a typo in f(x, y): a notice and no paths, nothing to animate
    if (!bad && Number(k) < Number(total)) animating++; // an animation is under way
    if (k === last && (k === total || bad)) { // it has finished
      if ((replays + changed) % 2 === 0) { replay.click(); replays++; } else { changes[changed % changes.length](changed); changed++; }
    }
    last = k;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
});

test(`soak: the optimizers lesson animating for ${SECONDS} s (Replay, changed settings): flat JS and wasm heaps (frame times logged)`, { timeout: (SECONDS + 120) * 1000 }, async () => {
  const READY = '[data-lesson="optimizers"][data-state="ready"]';
  const { page, context, assertClean, jsHeap, wasmHeap } = await openLesson('#/optimizers', READY);
  await page.evaluate(countPaths);
  await page.evaluate(animate, WARM_UP_MS); // warm-up: JIT tiers, first-use allocations
  const before = [await jsHeap(), await wasmHeap()];
  const r = await measured(page, () => page.evaluate(animate, SECONDS * 1000));
  await page.waitForSelector(READY);
  const after = [await jsHeap(), await wasmHeap()];
  const median = at(r.frame, 0.5);
  console.log(`optimizers soak: ${r.frames} driver frames (animating in ${r.animating}, the lesson redrew in ${r.redrawn}), ${r.frame.length} measured; `
    + `${r.replays} replays, ${r.changed} setting changes, ${r.paths} core paths; frame median ${ms(median)}, p95 ${ms(at(r.frame, 0.95))}, `
    + `max ${ms(r.frame.at(-1))} (rAF script median ${ms(at(r.script, 0.5))}); JS heap ${before[0]} -> ${after[0]}; wasm heap ${before[1]} -> ${after[1]}`);
  assert.ok(r.frame.length > SECONDS * 2, `only ${r.frame.length} frames measured`);  // it animated (not a speed check)
  assert.ok(r.animating >= 0.9 * r.frames, `an animation was under way in only ${r.animating} of ${r.frames} frames`);
  assert.ok(r.redrawn >= 0.9 * r.frames, `the lesson redrew in only ${r.redrawn} of ${r.frames} frames`);
  assert.ok(r.changed >= 3, `only ${r.changed} setting changes`);
  assert.ok(r.paths >= 5 * r.changed, `${r.paths} core path computations for ${r.changed} setting changes`);
  assertFlat('optimizers', before, after);
  assertClean();
  await context.close();
});

// ---- 2. the softmax lesson, an input every frame --------------------------------------------------

// In the page: moves the sliders every frame for `ms`.
const drive = (ms) => new Promise((resolve) => {
  const t = document.querySelector('[data-setting="t"] input[type="range"]');
  const z = document.querySelector('[data-setting="z"] input[type="range"]');
  const start = performance.now();
  let frames = 0;
  const frame = () => {
    if (performance.now() - start > ms) { resolve({ frames }); return; }
    frames++;
    t.value = String(0.1 + (frames % 99) / 10);
    t.dispatchEvent(new Event('input', { bubbles: true }));
    z.value = String(((frames * 7) % 200) / 10 - 10);
    z.dispatchEvent(new Event('input', { bubbles: true }));
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
});

test(`soak: the softmax lesson driven every frame for ${SOFTMAX_SECONDS} s: flat JS and wasm heaps (frame times logged)`, { timeout: (SOFTMAX_SECONDS + 120) * 1000 }, async () => {
  const READY = '[data-lesson="softmax"][data-state="ready"]';
  const { page, context, assertClean, jsHeap, wasmHeap } = await openLesson('#/softmax', READY);
  await page.evaluate(drive, WARM_UP_MS);
  const before = [await jsHeap(), await wasmHeap()];
  const r = await measured(page, () => page.evaluate(drive, SOFTMAX_SECONDS * 1000));
  await page.waitForSelector(READY);
  const after = [await jsHeap(), await wasmHeap()];
  const median = at(r.frame, 0.5);
  console.log(`softmax soak: ${r.frames} frames driven, ${r.frame.length} measured; frame median ${ms(median)}, p95 ${ms(at(r.frame, 0.95))} `
    + `(rAF script median ${ms(at(r.script, 0.5))}); JS heap ${before[0]} -> ${after[0]}; wasm heap ${before[1]} -> ${after[1]}`);
  assert.ok(r.frame.length > SOFTMAX_SECONDS * 2, `only ${r.frame.length} frames measured`);
  assertFlat('softmax', before, after);
  assertClean();
  await context.close();
});
