// The early-stopping lesson in a real page: it trains in the worker until EarlyStopping fires at
// the epoch Node computes for the same settings (same seed, same numbers), the log and the best
// epoch, scrubbing (the timeline, and a click on a log entry), patience 1e9 in the URL refused with
// a notice, a shared URL, offline, the single-file page, screenshots.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { load } from 'playgrad';

import * as L from '../../lessons/early-stopping/lesson.mjs';
import { runSession } from '../../lessons/session.mjs';
import { defaults } from '../../lessons/settings.mjs';
import { checkOffline, checkSharedUrl, checkSingleFile, openPage, screenshots, useBrowser } from './harness.mjs';

const env = useBrowser();
const READY = '[data-lesson="early-stopping"][data-state="ready"]';
const status = (page) => page.$eval('[data-name="status"]', (e) => ({ ...e.dataset }));
const value = (page, name) => page.$eval(`[data-name="${name}"]`, (e) => Number(e.dataset.value));
const pg = await load();
const OVER = { epochs: 150, patience: 6, plateauPatience: 3 };

test('trains until EarlyStopping fires where Node says; the log, the best epoch, scrubbing', async () => {
  const s = L.session(pg, { ...defaults(L.settings), ...OVER });
  runSession(s);
  const want = s.result();
  s.dispose();
  assert.ok(want.stoppedEarly);
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/early-stopping?epochs=150&patience=6&plateauPatience=3`);
  await page.waitForSelector(READY, { timeout: 30000 });
  assert.equal((await status(page)).mode, 'worker');
  await page.click('[data-name="play"]');
  await page.waitForFunction(() => document.querySelector('[data-name="status"]').dataset.stopped === 'true', null, { timeout: 90000 });
  assert.equal(Number((await status(page)).epoch), want.epochs);
  assert.equal(await value(page, 'best-epoch'), want.bestEpoch);
  assert.equal(await value(page, 'best-value'), want.bestValue);
  const log = await page.$$eval('[data-name="events"] li', (ls) => ls.map((l) => l.dataset.callback));
  assert.deepEqual(log, want.events.map((e) => e.callback));
  assert.match(await page.textContent('[data-name="events"]'), new RegExp(`weights of epoch ${want.bestEpoch} restored`));
  // Scrub with the timeline, then resume: it stops at the same epoch again.
  await page.$eval('[data-name="timeline"]', (r) => { r.value = '3'; r.dispatchEvent(new Event('input')); r.dispatchEvent(new Event('change')); });
  await page.waitForFunction(() => document.querySelector('[data-name="status"]').dataset.epoch === '3');
  assert.equal((await status(page)).stopped, 'false');
  // A click on a log entry goes back to its epoch (a button: keyboard reachable).
  await page.click('[data-name="play"]');
  await page.waitForFunction(() => document.querySelector('[data-name="status"]').dataset.stopped === 'true', null, { timeout: 90000 });
  assert.equal(Number((await status(page)).epoch), want.epochs);
  const first = want.events[0];
  await page.locator('[data-name="events"] li button').first().press('Enter');
  await page.waitForFunction((e) => document.querySelector('[data-name="status"]').dataset.epoch === String(e), first.epoch);
  assertClean();
  await context.close();
});

test('patience 1e9 in a URL: a readable notice, the default patience, and it trains', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/early-stopping?patience=1e9&epochs=2`);
  await page.waitForSelector(READY, { timeout: 30000 });
  assert.match(await page.textContent('#notice'), /patience=1e9.*expected a whole number from 0 to 1000/);
  assert.equal(await value(page, 'patience'), 20);
  await page.click('[data-name="play"]');
  await page.waitForFunction(() => document.querySelector('[data-name="status"]').textContent.includes('done'), null, { timeout: 60000 });
  assertClean();
  await context.close();
});

test('a shared URL restores; offline; dist/playgrad.html from file:// (training on the main thread)', async () => {
  await checkSharedUrl(env, {
    hash: '#/early-stopping?dataset=circle&labelNoise=0.3&units=16&monitor=val_accuracy&schedule=cosine',
    ready: READY,
    check: async (page) => {
      assert.equal(await page.getByRole('combobox', { name: 'monitor' }).inputValue(), 'val_accuracy');
      assert.match(await page.textContent('[data-name="plot-note"]'), /30 of 100 training labels flipped/);
    },
  });
  await checkOffline(env, { first: '#/early-stopping', hash: '#/early-stopping?epochs=2', ready: READY,
    check: async (page) => { await page.click('[data-name="play"]'); await page.waitForFunction(() => document.querySelector('[data-name="status"]').dataset.epoch === '2', null, { timeout: 60000 }); } });
  await checkSingleFile(env, { hash: '#/early-stopping?epochs=2', ready: READY,
    check: async (page) => {
      assert.equal((await status(page)).mode, 'main');
      await page.click('[data-name="play"]');
      await page.waitForFunction(() => document.querySelector('[data-name="status"]').dataset.epoch === '2', null, { timeout: 60000 });
    } });
});

test('screenshots: light and dark, 375 px and 1280 px', async () => {
  await screenshots(env, {
    name: 'early-stopping', hash: '#/early-stopping?epochs=150&patience=6&plateauPatience=3', ready: READY, settle: 300,
    prepare: async (page) => {
      await page.click('[data-name="play"]');
      await page.waitForFunction(() => document.querySelector('[data-name="status"]').dataset.stopped === 'true', null, { timeout: 90000 });
    },
  });
});
