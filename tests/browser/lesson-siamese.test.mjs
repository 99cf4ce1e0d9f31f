// The siamese lesson in a real page: training in the worker gives the numbers Node gives for the
// same seed; the margin (keyboard on its slider) and the threshold (keyboard on the histogram)
// change the shown numbers as the core says; a click on the embedding picks the query; a drawing
// finds neighbours and an empty one is a readable notice; a shared URL, offline, the single-file
// page, screenshots.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { load } from 'playgrad';

import * as L from '../../lessons/siamese/lesson.mjs';
import { defaults } from '../../lessons/settings.mjs';
import { checkExercise, checkOffline, checkSharedUrl, checkSingleFile, openPage, screenshots, useBrowser } from './harness.mjs';

const env = useBrowser();
const READY = '[data-lesson="siamese"][data-state="ready"]';
const status = (page) => page.$eval('[data-name="status"]', (e) => ({ ...e.dataset }));
const value = (page, name) => page.$eval(`[data-name="${name}"]`, (e) => Number(e.dataset.value));
const pg = await load();
const SMALL = { digits: 200, epochs: 2 };

/** The session in Node after `steps` steps, then `over2` taken in place and `more` steps: its snapshot. */
function nodeSnapshot(over, steps, over2 = null, more = 0) {
  const s = L.session(pg, { ...defaults(L.settings), ...over });
  try {
    for (let i = 0; i < steps; i++) s.step();
    if (over2) s.setState({ ...defaults(L.settings), ...over, ...over2 });
    for (let i = 0; i < more && !s.done; i++) s.step();
    return s.snapshot();
  } finally {
    s.dispose();
  }
}

test('train a few batches; margin and threshold change the numbers as the core says; find similar', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/siamese?digits=200&epochs=2`);
  await page.waitForSelector(READY, { timeout: 30000 });
  assert.equal((await status(page)).mode, 'worker');
  // Step until two batches have run (the digits arrive by fetch first: a Step before they are here trains nothing).
  for (let i = 0; i < 60 && Number((await status(page)).batches ?? 0) < 2; i++) {
    const b = Number((await status(page)).batches ?? 0);
    await page.click('[data-name="step"]');
    await page.waitForFunction((k) => Number(document.querySelector('[data-name="status"]').dataset.batches) > k, b, { timeout: 1000 }).catch(() => {});
  }
  assert.equal((await status(page)).batches, '2');
  // The first pair's loss after two batches: the same number Node computes.
  const want = nodeSnapshot(SMALL, 2);
  assert.equal(want.batch, 2);
  // formula-line: the batch's first different pair (index 1: pairs alternate same, different).
  assert.equal(want.batchPairs.same[1], 0);
  assert.equal(await value(page, 'formula-line'), want.batchPairs.loss[1]);

  // Margin by keyboard: 1 -> 1.05; the pairs' losses are the core's at the new margin.
  await page.getByRole('slider', { name: 'Margin m' }).focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => location.hash.includes('margin=1.05'));
  const wantM = nodeSnapshot(SMALL, 2, { margin: 1.05 });
  await page.waitForFunction((v) => Number(document.querySelector('[data-name="formula-line"]').dataset.value) === v, wantM.batchPairs.loss[1]);
  assert.notEqual(wantM.batchPairs.loss[1], want.batchPairs.loss[1]);
  assert.equal(await value(page, 'margin-line'), wantM.batchPairs.d.filter((d, i) => !wantM.batchPairs.same[i] && d < 1.05).length);

  // Threshold by keyboard on the histogram: 0.5 -> 0.6; counts and accuracy from the core.
  await page.focus('[data-name="histogram"]');
  for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => location.hash.includes('threshold=0.6'));
  const counts = pg.similarity.thresholdCounts(want.evalD, want.evalSame, 0.6);
  await page.waitForFunction((v) => Number(document.querySelector('[data-name="accuracy"]').dataset.value) === v, counts.accuracy);
  assert.equal(await value(page, 'tp'), counts.tp);
  assert.equal(await value(page, 'fp'), counts.fp);
  assert.equal(await value(page, 'auc'), pg.similarity.roc(want.evalD, want.evalSame).auc);

  // Train to the end: the page's AUC is Node's.
  await page.click('[data-name="play"]');
  await page.waitForFunction(() => document.querySelector('[data-name="status"]').textContent.includes('done'), null, { timeout: 30000 });
  const end = nodeSnapshot(SMALL, 2, { margin: 1.05, threshold: 0.6 }, 1e9);
  assert.equal(await value(page, 'auc'), end.judged.auc);
  assert.equal(await value(page, 'timeline-label'), 2);

  // A click on the embedding picks the query digit (the URL follows); its neighbours are listed.
  const emb = page.locator('[data-name="embedding"]');
  await emb.scrollIntoViewIfNeeded();
  const box = await emb.boundingBox();
  await emb.click({ position: { x: box.width * 0.3, y: box.height * 0.4 } });
  await page.keyboard.press('ArrowRight');  // the keyboard path: the next digit
  await page.waitForFunction(() => /query=\d+/.test(location.hash));
  const q = Number(/query=(\d+)/.exec(await page.evaluate(() => location.hash))[1]);
  await page.waitForFunction((k) => document.querySelector('[data-name="find-note"]').textContent.includes('nearest are also') && document.querySelector('[data-name="embedding-note"]').textContent.includes(`#${k};`), q);
  assert.equal(await page.locator('[data-name^="neighbour-image-"]').count(), L.NEIGHBOURS);

  // An empty drawing: a readable notice, nothing else changes.
  await page.click('[data-name="find-drawn"]');
  await page.waitForFunction(() => !document.querySelector('[data-name="notice"]').hidden);
  assert.match(await page.textContent('[data-name="notice"]'), /the drawing is empty/);
  // Draw a stroke: the neighbours of the drawing.
  await page.locator('[data-name="drawpad"]').scrollIntoViewIfNeeded();
  const pad = await page.locator('[data-name="drawpad"]').boundingBox();
  await page.mouse.move(pad.x + pad.width * 0.5, pad.y + pad.height * 0.2);
  await page.mouse.down();
  await page.mouse.move(pad.x + pad.width * 0.52, pad.y + pad.height * 0.5, { steps: 5 });
  await page.mouse.move(pad.x + pad.width * 0.5, pad.y + pad.height * 0.8, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction(() => document.querySelector('[data-name="find-note"]').textContent.includes('Clear the pad'));
  assert.equal(await page.isHidden('[data-name="notice"]'), true);
  assert.equal((await checkExercise(page, 'auc-by-hand', '0.75')).verdict, 'right');
  assertClean();
  await context.close();
});

test('a shared URL restores; offline; dist/playgrad.html from file:// (training on the main thread)', async () => {
  await checkSharedUrl(env, {
    hash: '#/siamese?hidden=32&margin=1.5&threshold=0.8&query=7',
    ready: READY,
    check: async (page) => {
      await page.waitForFunction(() => document.querySelector('[data-name="tau"]')?.dataset.value === '0.8', null, { timeout: 20000 });
      assert.match(await page.textContent('[data-name="params"]'), /196·32/);
    },
  });
  await checkOffline(env, { first: '#/siamese', hash: '#/siamese?epochs=1&digits=100', ready: READY,
    check: async (page) => {
      await page.click('[data-name="play"]');
      await page.waitForFunction(() => document.querySelector('[data-name="status"]').textContent.includes('done'), null, { timeout: 30000 });
    } });
  await checkSingleFile(env, { hash: '#/siamese?epochs=1&digits=100', ready: READY,
    check: async (page) => {
      assert.equal((await status(page)).mode, 'main');
      await page.click('[data-name="play"]');
      await page.waitForFunction(() => document.querySelector('[data-name="status"]').textContent.includes('done'), null, { timeout: 30000 });
      assert.ok(await value(page, 'auc') > 0);
    } });
});

test('screenshots: light and dark, 375 px and 1280 px', async () => {
  await screenshots(env, {
    name: 'siamese', hash: '#/siamese?digits=200&epochs=1', ready: READY, settle: 300,
    prepare: async (page) => {
      // The untrained embedding shows once the digits are here; then a few batches fill the loss plot.
      await page.waitForFunction(() => document.querySelector('[data-name="auc"]')?.dataset.value !== '', null, { timeout: 20000 });
      for (let i = 0; i < 3; i++) {
        await page.click('[data-name="step"]');
        await page.waitForFunction((k) => Number(document.querySelector('[data-name="status"]').dataset.batches) > k, i);
      }
    },
  });
});
