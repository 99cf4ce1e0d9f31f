// Long sessions, in the browser: the softmax lesson driven continuously for 2 minutes in headless
// Chromium (every animation frame moves the temperature slider and a logit, so the page
// recomputes and redraws every frame). The optimizers lesson is not on main yet; when it is, its
// animation is the better subject. Checks: the JS heap (CDP, after a forced GC) and the wasm heap
// (pg.memoryBytes()) end where they were after warm-up, and the median frame's work (from our
// input event to the end of the page's frame) is under 16 ms. SOAK_SECONDS shortens it locally.
// Run by `scripts/test.sh soak` (not by the quick browser level).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launch, openPage, startSite } from './harness.mjs';

const SECONDS = Math.min(120, Number(process.env.SOAK_SECONDS ?? 120));
const READY = '[data-lesson="softmax"][data-state="ready"]';

let site;
let browser;
before(async () => { site = await startSite(); browser = await launch(); });
after(async () => { await browser?.close(); await site?.close(); });

// Drives the sliders every frame for `ms` and returns each frame's work time.
const drive = (ms) => new Promise((resolve) => {
  const t = document.querySelector('[data-setting="t"] input[type="range"]');
  const z = document.querySelector('[data-setting="z"] input[type="range"]');
  const times = [];
  const start = performance.now();
  let k = 0;
  const frame = () => {
    const t0 = performance.now();
    if (t0 - start > ms) { resolve(times); return; }
    k++;
    t.value = String(0.1 + (k % 99) / 10);
    t.dispatchEvent(new Event('input', { bubbles: true }));
    if (z) {
      z.value = String(((k * 7) % 200) / 10 - 10);
      z.dispatchEvent(new Event('input', { bubbles: true }));
    }
    const inputWork = performance.now() - t0;  // the input handlers (validation, controls, URL)
    // The page computes and redraws in the requestAnimationFrame callback its input handler just
    // registered, which runs first in the next frame; this one runs right after it there, so
    // now - frameStart is that frame's compute + redraw.
    requestAnimationFrame((frameStart) => times.push(inputWork + performance.now() - frameStart));
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
});

test(`soak: the softmax lesson driven every frame for ${SECONDS} s: flat JS and wasm heaps, median frame under 16 ms`, { timeout: (SECONDS + 120) * 1000 }, async () => {
  const { page, context, assertClean } = await openPage(browser, `${site.url}#/softmax`);
  await page.waitForSelector(READY, { timeout: 30000 });
  const cdp = await context.newCDPSession(page);
  const jsHeap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  const wasmHeap = () => page.evaluate(async () => (await (await import('./lib/playgrad.mjs')).load()).memoryBytes());

  await page.evaluate(drive, 5000);  // warm-up: JIT tiers, first-use allocations
  const js0 = await jsHeap();
  const wasm0 = await wasmHeap();
  const times = await page.evaluate(drive, SECONDS * 1000);
  await page.waitForSelector(READY);
  const js1 = await jsHeap();
  const wasm1 = await wasmHeap();
  times.sort((a, b) => a - b);
  const median = times[times.length >> 1];
  console.log(`browser soak: ${times.length} frames, median work ${median.toFixed(2)} ms, p95 ${times[Math.floor(times.length * 0.95)].toFixed(2)} ms; JS heap ${js0} -> ${js1}; wasm heap ${wasm0} -> ${wasm1}`);
  assert.ok(times.length > SECONDS * 10, `only ${times.length} frames`);
  assert.ok(median < 16, `median frame work ${median} ms`);
  assert.equal(wasm1, wasm0, 'wasm heap');
  // GC is not exact: allow 1 MB of noise; a leak of even 100 bytes per frame over 7,000 frames exceeds it.
  assert.ok(js1 - js0 < 1 << 20, `JS heap grew by ${js1 - js0} bytes`);
  assertClean();
  await context.close();
});
