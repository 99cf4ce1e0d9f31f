// The transfer lesson in a real page: the frozen/trainable table follows a freeze toggle, Step and
// Train run the base and the three ways in the training worker, the accuracies shown are the
// core's for the same settings (computed again in the page through the lesson module), moving k
// with the keyboard on the chart keeps the base and trains the new k, a bad URL field is a notice,
// a shared URL, offline, dist/playgrad.html from file://, an exercise and screenshots. Small
// settings throughout (a 250-digit base, 5 steps): the tests check numbers, not speed.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkExercise, checkOffline, checkSharedUrl, checkSingleFile, openPage, screenshots, useBrowser } from './harness.mjs';

const env = useBrowser();
const READY = '[data-lesson="transfer"][data-state="ready"]';
const SMALL = 'baseDigits=250&baseEpochs=1&steps=5&curve=0';
const value = (page, name) => page.$eval(`[data-name="${name}"]`, (e) => e.dataset.value);
const waitDone = (page) => page.waitForFunction(() => /^Done/.test(document.querySelector('[data-name="status"]')?.textContent ?? ''), null, { timeout: 40000 });
const shownAcc = (page) => page.$$eval('[data-name^="acc-"]', (es) => Object.fromEntries(es.map((e) => [e.dataset.name.slice(4), Number(e.dataset.value)])));

/** The same run in the page on the main thread, through the lesson module and the core. */
async function coreRun(page, over) {
  return page.evaluate(async (o) => {
    const { load } = await import('./lib/playgrad.mjs');
    const L = await import('./lib/lessons/transfer/lesson.mjs');
    const { defaults } = await import('./lib/lessons/settings.mjs');
    const { loadDigits } = await import('./lib/lessons/digits-data.mjs');
    const pg = await load();
    await loadDigits();
    const s = L.session(pg, { ...defaults(L.settings), convention: 'keras', ...o });
    while (!s.done) s.step();
    const r = s.result();
    s.dispose();
    return Object.fromEntries(L.STRATEGIES.map((st) => [st, r.current[st].accuracy]));
  }, over);
}

test('toggle freeze, step, train, move k: the numbers shown are the core\'s', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/transfer?${SMALL}&k=2`);
  await page.waitForSelector(READY, { timeout: 60000 });
  // The table: the frozen conv base trains the new classifier only; fine-tuning adds conv2.
  assert.equal(await value(page, 'trainable-frozen'), String(4640 + 165));
  assert.equal(await value(page, 'trainable-finetune'), String(1168 + 4640 + 165));
  assert.equal(await value(page, 'arch-vgg16'), '138357544');
  // Unfreeze conv1 from its button: both conv blocks fine-tune (the URL follows); freeze it again.
  await page.click('[data-name="toggle-conv1"]');
  await page.waitForFunction(() => /fineTune=2/.test(location.hash));
  await page.waitForFunction(() => document.querySelector('[data-name="trainable-finetune"]').dataset.value === '6053');
  assert.equal(await page.getAttribute('[data-name="toggle-conv1"]', 'aria-pressed'), 'false');
  await page.click('[data-name="toggle-conv1"]');
  await page.waitForFunction(() => !/fineTune=/.test(location.hash) && document.querySelector('[data-name="trainable-finetune"]').dataset.value === '5973');
  // Step: one batch at a time (the first presses may find the digits still loading).
  for (let i = 0; i < 40; i++) {
    await page.click('[data-name="step"]');
    const p = await page.$eval('[data-name="status"]', (e) => e.dataset.phase);
    if (p === 'base' && /batch [1-9]/.test(await page.textContent('[data-name="status"]'))) break;
    await page.waitForTimeout(50);
  }
  assert.match(await page.textContent('[data-name="status"]'), /Training the base on 250 digits 0–4: epoch 1 of 1, batch [1-9]/);
  // Train to the end: the accuracies shown are the core's for the same settings.
  await page.click('[data-name="play"]');
  await waitDone(page);
  const shown = await shownAcc(page);
  assert.deepEqual(shown, await coreRun(page, { baseDigits: 250, baseEpochs: 1, steps: 5, curve: false, k: 2 }));
  assert.ok(Number(await value(page, 'base')) > 0.5, 'the base learned 0–4');
  assert.match(await page.textContent('[data-name="pca-after"]'), /PC1 and PC2 explain/);
  // k with the keyboard on the chart: 2 -> 3; the base is kept, the three models of k = 3 train.
  await page.focus('[data-name="curve"]');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => /k=3/.test(location.hash));
  await page.waitForFunction(() => !/^Done/.test(document.querySelector('[data-name="status"]').textContent));
  assert.equal(await value(page, 'acc-frozen'), '');
  await page.click('[data-name="play"]');
  await waitDone(page);
  assert.deepEqual(await shownAcc(page), await coreRun(page, { baseDigits: 250, baseEpochs: 1, steps: 5, curve: false, k: 3 }));
  // An exercise, solved by the core.
  const ex = await checkExercise(page, 'frozen-trainable', '4805');
  assert.equal(ex.verdict, 'right');
  assertClean();
  await context.close();
});

test('a bad URL field is a notice and nothing else changes; a shared URL restores; offline; single file; screenshots', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/transfer?k=NaN&steps=5`);
  await page.waitForSelector(READY, { timeout: 60000 });
  assert.match(await page.textContent('#notice'), /k=NaN/);
  assert.equal(await value(page, 'trainable-frozen'), '4805');
  assertClean();
  await context.close();
  const hash = '#/transfer?k=7&fineTune=2&steps=5&curve=0&baseDigits=250&baseEpochs=1'; // the page's own order
  const check = async (p) => {
    assert.equal(await value(p, 'trainable-finetune'), '6053');
    assert.equal(await value(p, 'arch-resnet50'), '25636712');
  };
  await checkSharedUrl(env, { hash, ready: READY, check });
  await checkOffline(env, { first: '#/', hash, ready: READY, check });
  await checkSingleFile(env, { hash, ready: READY, check: async (p) => {
    await check(p);
    await p.click('[data-name="play"]');
    await p.waitForFunction(() => /^Done/.test(document.querySelector('[data-name="status"]')?.textContent ?? ''), null, { timeout: 40000 });
    assert.ok(Number(await p.$eval('[data-name="acc-frozen"]', (e) => e.dataset.value)) > 0.2);
  } });
  await screenshots(env, { name: 'transfer', hash: '#/transfer?steps=5&baseDigits=250&baseEpochs=1', ready: READY, settle: 300,
    prepare: async (p) => {
      await p.click('[data-name="play"]');
      await p.waitForFunction(() => /^Done/.test(document.querySelector('[data-name="status"]')?.textContent ?? ''), null, { timeout: 40000 });
    } });
});
