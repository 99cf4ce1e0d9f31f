// The module loads in a real browser page served from localhost and computes a softmax.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { openPage, useBrowser } from './harness.mjs';

const env = useBrowser();

test('the page loads the SIMD core and computes a softmax, with no console errors', async () => {
  const { page, assertClean, context } = await openPage(env.browser, `${env.url}#/softmax`);
  await page.waitForSelector('[data-lesson="softmax"][data-state="ready"]', { timeout: 20000 });
  const shown = await page.$$eval('[data-name^="p-"]', (cells) => cells.map((c) => c.textContent));
  const e = [2, 1, 0.1].map(Math.exp);
  const s = e.reduce((a, b) => a + b);
  assert.deepEqual(shown, e.map((v) => (v / s).toFixed(4)));
  // The module is usable from page scripts too, with errors as Errors.
  const result = await page.evaluate(async () => {
    const { load } = await import('./lib/playgrad.mjs');
    const pg = await load();
    let message = null;
    try { pg.matmul(pg.zeros([2, 3]), pg.zeros([2, 3])); } catch (err) { message = err instanceof Error && err.message; }
    const p = pg.scope(() => Array.from(pg.softmax(pg.tensor([1000, 999])).toArray()));
    return { simd: pg.simd, message, p };
  });
  assert.equal(result.simd, true);
  assert.equal(result.message, 'matmul: shapes [2,3] and [2,3] do not align');
  assert.ok(Math.abs(result.p[0] - 0.7310586) < 1e-6);
  assertClean();
  await context.close();
});
