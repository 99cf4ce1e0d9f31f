// The batch-norm lesson in a real page: training in the worker, one step's update written out with
// the core's numbers (the same as in Node for the same seed), the β slider and the framework
// default button, batch size 1 and the "forgot to switch to inference" numbers, a shared URL,
// offline, the single-file page, screenshots.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { load } from 'playgrad';

import * as L from '../../lessons/batch-norm/lesson.mjs';
import { defaults } from '../../lessons/settings.mjs';
import { checkExercise, checkOffline, checkSharedUrl, checkSingleFile, openPage, screenshots, useBrowser } from './harness.mjs';

const env = useBrowser();
const READY = '[data-lesson="batch-norm"][data-state="ready"]';
const status = (page) => page.$eval('[data-name="status"]', (e) => ({ ...e.dataset }));
const value = (page, name) => page.$eval(`[data-name="${name}"]`, (e) => Number(e.dataset.value));
const pg = await load();

/** The session's numbers in Node after `steps` steps (the page must show the same). */
function nodeSteps(over, steps) {
  const s = L.session(pg, { ...defaults(L.settings), ...over });
  for (let i = 0; i < steps; i++) s.step();
  const r = s.result();
  s.dispose();
  return r;
}

test('one step: the update written out with the core\'s numbers, the same as in Node', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/batch-norm`);
  await page.waitForSelector(READY, { timeout: 30000 });
  assert.equal((await status(page)).mode, 'worker');
  await page.click('[data-name="step"]');
  await page.waitForFunction(() => document.querySelector('[data-name="status"]').dataset.steps === '1');
  await page.click('[data-name="step"]');
  await page.waitForFunction(() => document.querySelector('[data-name="status"]').dataset.steps === '2');
  const want = nodeSteps({}, 2).stepLog;
  assert.equal(await value(page, 'moving-mean'), want[1].movingMean[0]);
  assert.equal(await value(page, 'prev-mean'), want[0].movingMean[0]);
  assert.equal(await value(page, 'batch-mean'), want[1].mean[0]);
  assert.equal(await value(page, 'batch-var'), want[1].var[0]);
  assert.equal(await value(page, 'moving-var'), want[1].movingVar[0]);
  // The rule holds on the shown numbers: moving = β·prev + (1 − β)·batch.
  const [b, prev, batch, now] = await Promise.all(['beta-1', 'prev-mean', 'batch-mean', 'moving-mean'].map((n) => value(page, n)));
  assert.ok(Math.abs(b * prev + (1 - b) * batch - now) < 1e-5);
  // The plotted unit follows its control.
  await page.getByRole('slider', { name: 'Unit plotted' }).focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((v) => Number(document.querySelector('[data-name="moving-mean"]').dataset.value) === v, want[1].movingMean[1]);
  assertClean();
  await context.close();
});

test('β by keyboard and the framework default; batch size 1 shows the bug with numbers', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/batch-norm?epochs=3`);
  await page.waitForSelector(READY, { timeout: 30000 });
  await page.getByRole('slider', { name: 'β (moving-average weight)' }).focus();
  await page.keyboard.press('ArrowLeft'); // 0.9 -> 0.899
  await page.waitForFunction(() => location.hash.includes('beta=0.899'));
  await page.waitForFunction(() => document.querySelector('[data-name="spelled"]').textContent.includes('momentum=0.899'));
  await page.click('[data-name="framework-beta"]');
  await page.waitForFunction(() => location.hash.includes('beta=0.99'));
  // Batch size 1: alone in training mode every output is β; one at a time, one distinct output.
  const box = page.getByRole('spinbutton', { name: 'Batch size (exact value)' });
  await box.fill('1');
  await box.press('Enter');
  await page.waitForFunction(() => location.hash.includes('batchSize=1'));
  await page.click('[data-name="play"]');
  await page.waitForFunction(() => document.querySelector('[data-name="status"]').textContent.includes('done'), null, { timeout: 60000 });
  assert.equal(await value(page, 'distinct-outputs'), 1);
  assert.equal(await value(page, 'batch-var'), 0);
  const want = nodeSteps({ beta: 0.99, batchSize: 1, epochs: 3 }, 1e9);
  assert.equal(await value(page, 'acc-inference'), want.modes.inference.accuracy);
  assert.equal(await value(page, 'acc-batch-of-one'), want.modes.batchOfOne.accuracy);
  assert.match(await page.textContent('[data-name="step-label"]'), /every output is β/);
  assert.equal((await checkExercise(page, 'batch-of-one', '0')).verdict, 'right');
  assertClean();
  await context.close();
});

test('bad input in the URL: a notice, the default, and the lesson works', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/batch-norm?beta=NaN&batchSize=0`);
  await page.waitForSelector(READY, { timeout: 30000 });
  assert.match(await page.textContent('#notice'), /beta=NaN/);
  await page.click('[data-name="step"]');
  await page.waitForFunction(() => document.querySelector('[data-name="status"]').dataset.steps === '1');
  assertClean();
  await context.close();
});

test('a shared URL restores; offline; dist/playgrad.html from file:// (training on the main thread)', async () => {
  await checkSharedUrl(env, {
    hash: '#/batch-norm?dataset=circle&units=6&beta=0.7&batchSize=32',
    ready: READY,
    check: async (page) => {
      assert.equal(await page.getByRole('combobox', { name: 'Dataset' }).inputValue(), 'circle');
      assert.match(await page.textContent('[data-name="spelled"]'), /momentum=0\.7/);
    },
  });
  await checkOffline(env, { first: '#/batch-norm', hash: '#/batch-norm?epochs=1', ready: READY,
    check: async (page) => { await page.click('[data-name="step"]'); await page.waitForFunction(() => document.querySelector('[data-name="status"]').dataset.steps === '1'); } });
  await checkSingleFile(env, { hash: '#/batch-norm?epochs=1', ready: READY,
    check: async (page) => {
      assert.equal((await status(page)).mode, 'main');
      await page.click('[data-name="play"]');
      await page.waitForFunction(() => document.querySelector('[data-name="status"]').textContent.includes('done'), null, { timeout: 60000 });
    } });
});

test('screenshots: light and dark, 375 px and 1280 px', async () => {
  await screenshots(env, {
    name: 'batch-norm', hash: '#/batch-norm?epochs=4', ready: READY, settle: 300,
    prepare: async (page) => {
      await page.click('[data-name="play"]');
      await page.waitForFunction(() => document.querySelector('[data-name="status"]').textContent.includes('done'), null, { timeout: 60000 });
    },
  });
});
