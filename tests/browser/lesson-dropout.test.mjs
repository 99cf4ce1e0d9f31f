// The dropout lesson in a real page: a step in the worker shows the mask the core's training step
// used (the lesson's session run again in the page gives the same mask), the scaling 1/(1 − p),
// the example picker, both networks trained to the end, bad input (p = 1 in a link) as a notice,
// an exercise, a shared link, offline, dist/playgrad.html over file://, screenshots.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkExercise, checkOffline, checkSharedUrl, checkSingleFile, openPage, screenshots, useBrowser } from './harness.mjs';

const env = useBrowser();
const READY = '[data-lesson="dropout"][data-state="ready"]';
const status = (page) => page.$eval('[data-name="status"]', (e) => ({ ...e.dataset }));
const done = (page) => page.waitForFunction(() => document.querySelector('[data-name="status"]').textContent.includes('done'), null, { timeout: 60000 });
const shownMask = (page) => page.$$eval('[data-name^="mask-"]', (cells) => cells.map((c) => Number(c.dataset.value)));

/** The lesson's session run in the page's main thread: the first example's mask after `steps` steps. */
async function coreMask(page, over, steps, row = 0) {
  return page.evaluate(async ([o, n, r]) => {
    const { load } = await import('./lib/playgrad.mjs');
    const L = await import('./lib/lessons/dropout/lesson.mjs');
    const { defaults } = await import('./lib/lessons/settings.mjs');
    const pg = await load();
    const st = { ...defaults(L.settings), ...o };
    const s = L.session(pg, st);
    for (let i = 0; i < n; i++) s.step();
    const step = s.snapshot().step;
    s.dispose();
    return Array.from(step.m1.subarray(r * st.width, (r + 1) * st.width));
  }, [over, steps, row]);
}

test('a step shows the mask the core\'s step used, scaled by 1/(1 − p); another example, another row', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/dropout?rate=0.5&width=8`);
  await page.waitForSelector(READY, { timeout: 30000 });
  assert.equal((await status(page)).mode, 'worker');
  assert.match(await page.textContent('[data-name="step-line"]'), /No step yet/);
  await page.click('[data-name="step"]');
  await page.waitForFunction(() => document.querySelector('[data-name="status"]').dataset.batch === '1');
  const mask = await shownMask(page);
  assert.equal(mask.length, 8);
  assert.ok(mask.every((m) => m === 0 || m === 2), JSON.stringify(mask));
  assert.deepEqual(mask, await coreMask(page, { rate: 0.5, width: 8 }, 1));
  assert.equal(Number(await page.$eval('[data-name="scale"]', (e) => e.dataset.value)), 2);
  await page.selectOption('[data-name="row"]', '2');
  await page.waitForFunction(() => /example 3 /.test(document.querySelector('[data-name="step-line"]').textContent));
  assert.deepEqual(await shownMask(page), await coreMask(page, { rate: 0.5, width: 8 }, 1, 2));
  await page.click('[data-name="step"]');
  await page.waitForFunction(() => document.querySelector('[data-name="status"]').dataset.batch === '2');
  assert.deepEqual(await shownMask(page), await coreMask(page, { rate: 0.5, width: 8 }, 2, 2));
  // The rate slider from the keyboard: p = 0.5 -> 0.55, a new session; the scale follows.
  const rate = page.getByRole('slider', { name: 'Dropout rate p' });
  await rate.focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => /rate=0\.55/.test(location.hash));
  await page.waitForFunction(() => Math.abs(Number(document.querySelector('[data-name="scale"]')?.dataset.value ?? 0) - 1 / 0.45) < 1e-9
    || /No step yet/.test(document.querySelector('[data-name="step-line"]').textContent));
  assertClean();
  await context.close();
});

test('both networks train to the end; the comparison table and Keras\' loss are filled', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/dropout?epochs=4`);
  await page.waitForSelector(READY, { timeout: 30000 });
  await page.click('[data-name="play"]');
  await done(page);
  assert.equal((await status(page)).epoch, '4');
  for (const n of ['plain-train', 'plain-test', 'drop-train', 'drop-test', 'drop-keras-loss']) {
    const v = await page.$eval(`[data-name="${n}"]`, (e) => Number(e.dataset.value));
    assert.ok(Number.isFinite(v) && v > 0, `${n} = ${v}`);
  }
  assert.equal(await page.textContent('[data-name="p-label"]'), 'p = 0.2');
  const r = await checkExercise(page, 'inference', '3');
  assert.equal(r.verdict, 'right');
  assertClean();
  await context.close();
});

test('bad input: p = 1 in a link is a notice and the default rate is used', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/dropout?rate=1`);
  await page.waitForSelector(READY, { timeout: 30000 });
  assert.equal(await page.isHidden('#notice'), false);
  assert.match(await page.textContent('#notice'), /rate=1/);
  await page.click('[data-name="step"]');
  await page.waitForFunction(() => document.querySelector('[data-name="status"]').dataset.batch === '1');
  assert.ok(Math.abs(Number(await page.$eval('[data-name="scale"]', (e) => e.dataset.value)) - 1 / 0.8) < 1e-12);
  assertClean();
  await context.close();
});

test('a shared link restores the settings (after a reload too)', async () => {
  await checkSharedUrl(env, {
    hash: '#/dropout?rate=0.6&width=10&batchSize=6',
    ready: READY,
    check: async (page) => {
      assert.equal(await page.getByRole('slider', { name: 'Dropout rate p' }).inputValue(), '0.6');
      assert.equal(await page.getByRole('spinbutton', { name: 'Units per hidden layer (exact value)' }).inputValue(), '10');
    },
  });
});

test('offline, and from dist/playgrad.html over file://', async () => {
  await checkOffline(env, { first: '#/dropout', hash: '#/dropout?epochs=2', ready: READY,
    check: async (page) => { await page.click('[data-name="play"]'); await done(page); } });
  await checkSingleFile(env, { hash: '#/dropout?epochs=2', ready: READY,
    check: async (page) => {
      assert.equal((await status(page)).mode, 'main');
      await page.click('[data-name="play"]');
      await done(page);
    } });
});

test('screenshots: light and dark, 375 px and 1280 px', async () => {
  await screenshots(env, {
    name: 'dropout', hash: '#/dropout?epochs=120', ready: READY, settle: 300,
    prepare: async (page) => { await page.click('[data-name="play"]'); await done(page); },
  });
});
