// A long session of the training playground in the browser (headless Chromium): the driver repeats
// one cycle 10 times (the test level) or for 5 minutes (`npm run soak`), as a student would use the page:
// Reset; Play until 6 epochs are done; while it trains, scrub back to epoch 2 (training goes on
// from there) until epoch 5; Pause; scrub to epoch 3; Step one batch; set a weight by hand;
// scrub to epoch 1. Every wait is on what the page shows (the epoch and batch in the status
// line), never on a duration, and in the test level the number of cycles is fixed, so a slow
// machine takes longer but checks exactly the same things (the same commit gives the same answer).
//
// Checks, at the same point of every cycle (right after its Reset, when the worker holds a fresh
// session): the training worker's wasm heap (its own core's pg.memoryBytes(), bytes in use) is
// within 1 KiB of what it was after the warm-up cycles, and the page's JS heap (CDP, after a forced GC)
// has not grown by more than 2 MB; the page logged no console error. The worker's saved epochs
// (the timeline) are bounded by the session's own budget and are dropped on Reset.
// Run by `scripts/test.sh soak` (not by the quick browser level).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { openPage, useBrowser } from './harness.mjs';

// The test level (CI) runs 10 cycles; `npm run soak` (SOAK=long) cycles for SOAK_MINUTES (default
// 5) of continuous training and scrubbing; SOAK_CYCLES sets the count.
const LONG = process.env.SOAK === 'long';
const MINUTES = LONG ? Number(process.env.SOAK_MINUTES ?? 5) : 0;
const CYCLES = LONG ? Infinity : Math.max(3, Number(process.env.SOAK_CYCLES ?? 10));
const WARM_UP_CYCLES = 2;
const READY = '[data-lesson="playground"][data-state="ready"]';

const env = useBrowser();

test(`soak: the playground training and scrubbing, ${LONG ? `${MINUTES} minutes` : `${CYCLES} cycles`}: the worker's wasm heap and the page's JS heap stay flat`, { timeout: LONG ? (MINUTES * 60 + 600) * 1000 : (CYCLES * 60 + 240) * 1000 }, async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/playground?epochs=10000`);
  await page.waitForSelector(READY, { timeout: 60000 });
  const cdp = await context.newCDPSession(page);
  const jsHeap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  // The training worker (the cores' pool threads are workers too, on an isolated page).
  const worker = () => {
    const ws = page.workers().filter((w) => w.url().endsWith('/session-worker.mjs'));
    assert.equal(ws.length, 1, 'one training worker');
    return ws[0];
  };
  const wasmHeap = () => worker().evaluate(async () => (await (await import(new URL('./lib/playgrad.mjs', self.location.href).href)).load()).memoryBytes());
  const status = () => page.$eval('[data-name="status"]', (e) => ({ epoch: Number(e.dataset.epoch), batch: Number(e.dataset.batch), playing: e.dataset.playing === 'true' }));
  // A wait that times out says what the page showed (the status line's data) and which cycle it was.
  const until = async (fn, arg) => {
    try {
      return await page.waitForFunction(fn, arg, { timeout: 120000 });
    } catch (e) {
      const shown = await page.evaluate(() => ({
        status: { ...document.querySelector('[data-name="status"]').dataset, text: document.querySelector('[data-name="status"]').textContent },
        timeline: { max: document.querySelector('[data-name="timeline"]').max, value: document.querySelector('[data-name="timeline"]').value },
        notice: document.querySelector('[data-name="notice"]')?.textContent ?? null,
      })).catch((x) => String(x));
      throw new Error(`${e.message} (cycle ${samples.length + 1}; waiting for ${fn}; the page showed ${JSON.stringify(shown)})`);
    }
  };
  const epochAtLeast = (n) => until((k) => Number(document.querySelector('[data-name="status"]').dataset.epoch) >= k, n);
  const epochIs = (n) => until((k) => document.querySelector('[data-name="status"]').dataset.epoch === String(k), n);
  const playing = (p) => until((v) => document.querySelector('[data-name="status"]').dataset.playing === String(v), p);
  const scrub = (e) => page.$eval('[data-name="timeline"]', (r, v) => { r.value = String(v); r.dispatchEvent(new Event('input')); r.dispatchEvent(new Event('change')); }, e);

  const samples = [];
  let weight = 0;
  async function cycle() {
    await page.click('[data-name="reset"]');
    await epochIs(0);
    await playing(false);
    const at = [await jsHeap(), await wasmHeap()]; // a fresh session, not training
    await page.click('[data-name="play"]');
    await epochAtLeast(6);
    // While training: back to epoch 2, and on from there. The wait is on the session's count of
    // scrubs (a snapshot from before the scrub also shows epoch >= 5).
    const resumes = Number(await page.$eval('[data-name="status"]', (e) => e.dataset.resumes));
    await scrub(2);
    await until((r) => { const d = document.querySelector('[data-name="status"]').dataset; return Number(d.resumes) === r + 1 && Number(d.epoch) >= 5 && document.querySelector('[data-name="timeline"]').max === d.epoch; }, resumes);
    await page.click('[data-name="play"]'); // pause
    await playing(false);
    await scrub(3);
    await epochIs(3);
    await page.click('[data-name="step"]');
    await until(() => document.querySelector('[data-name="status"]').dataset.batch === '1');
    weight = (weight + 1) % 7;
    await page.selectOption('[data-name="weight-pick"]', 'hidden1/kernel');
    await page.fill('[data-name="weight-value"]', String(weight - 3));
    await page.click('[data-name="weight-set"]');
    await until((v) => document.querySelector('[data-name="weight-info"]').dataset.value === String(v), weight - 3);
    await scrub(1);
    await epochIs(1);
    return at;
  }

  for (let i = 0; i < WARM_UP_CYCLES; i++) await cycle(); // JIT tiers, first-use allocations
  const start = Date.now();
  while (samples.length < CYCLES && (!LONG || Date.now() - start < MINUTES * 60000 || samples.length < 3)) samples.push(await cycle());
  const [js0, wasm0] = samples[0];
  console.log(`playground soak: ${samples.length} cycles in ${((Date.now() - start) / 1000).toFixed(0)} s; `
    + `JS heap ${samples.map((s) => s[0]).join(', ')}; worker wasm heap ${samples.map((s) => s[1]).join(', ')}`);
  samples.forEach(([js, wasm], i) => {
    // The allocator's bookkeeping moves by a few dozen bytes from cycle to cycle (seen: ±64);
    // a leak of one tensor per cycle would exceed 1 KiB within a few cycles.
    assert.ok(Math.abs(wasm - wasm0) <= 1024, `cycle ${i}: the worker's wasm heap is ${wasm} bytes in use, ${wasm0} after the warm-up`);
    assert.ok(js - js0 < 2 << 20, `cycle ${i}: the page's JS heap grew by ${js - js0} bytes`);
  });
  assert.ok(wasm0 > 0);
  assert.equal((await status()).playing, false);
  assertClean();
  await context.close();
});
