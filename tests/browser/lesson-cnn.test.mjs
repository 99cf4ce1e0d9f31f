// The cnn lesson in a real page (one page driven through most of it, to keep the file short):
// ready with no console error; a digit drawn with the pointer goes through the net (the core's
// prepared 14 × 14 image, every layer's maps); Step trains batches in the worker and the feature
// maps change; a held-out digit's probabilities equal what the lesson computes on the main thread
// for the same number of steps; a unit's receptive field; max pooling's gradient; a filter edited
// with the accuracy change and restored; save; an exercise; bad input (an empty drawing, a kernel
// larger than its input) gives the core's message and the page keeps working. Then a shared URL,
// offline, dist/playgrad.html from file:// and screenshots.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkExercise, checkOffline, checkSharedUrl, checkSingleFile, openPage, screenshots, useBrowser } from './harness.mjs';

const env = useBrowser();
const READY = '[data-lesson="cnn"][data-state="ready"]';
const SMALL = 'epochs=1&digits=500';
const data = (page, name, key = 'value') => page.$eval(`[data-name="${name}"]`, (e, k) => e.dataset[k], key);

/** Draws a '7' on the pad with the pointer. */
async function drawSeven(page) {
  const pad = page.locator('[data-name="drawpad"]');
  await pad.scrollIntoViewIfNeeded();
  const b = await pad.boundingBox();
  const at = (fx, fy) => [b.x + fx * b.width, b.y + fy * b.height];
  await page.mouse.move(...at(0.3, 0.25));
  await page.mouse.down();
  for (const [fx, fy] of [[0.5, 0.25], [0.7, 0.25], [0.6, 0.5], [0.5, 0.75]]) await page.mouse.move(...at(fx, fy), { steps: 6 });
  await page.mouse.up();
}

/** The same settings trained for `steps` batches on the main thread, then held-out digit k's probabilities. */
async function coreProbs(page, over, steps, k) {
  return page.evaluate(async ([o, n, idx]) => {
    const { load } = await import('./lib/playgrad.mjs');
    const L = await import('./lib/lessons/cnn/lesson.mjs');
    const { defaults } = await import('./lib/lessons/settings.mjs');
    const { loadDigits } = await import('./lib/lessons/digits-data.mjs');
    const pg = await load();
    await loadDigits({ more: true });
    const s = L.session(pg, { ...defaults(L.settings), convention: 'keras', ...o });
    for (let i = 0; i < n; i++) s.step();
    s.command('sample', { index: idx });
    const p = s.snapshot().probs;
    s.dispose();
    return p;
  }, [over, steps, k]);
}

test('draw, train a few batches, look inside the net; bad input gives the core\'s message', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/cnn?${SMALL}`);
  await page.waitForSelector(READY, { timeout: 60000 });
  await page.waitForFunction(() => document.querySelector('[data-name="maps-conv1"]')?.dataset.sum !== undefined, null, { timeout: 30000 });
  // The layer table from the conv arithmetic.
  assert.equal(await data(page, 'out-pool2'), '3x3x16');
  assert.equal(await data(page, 'params-conv2'), '1168');

  // Draw: the drawing reaches the net (the core prepares it); every layer shows its maps.
  await drawSeven(page);
  await page.waitForFunction(() => /Your drawing/.test(document.querySelector('[data-name="probe"]').textContent));
  assert.match(await page.textContent('[data-name="prep"]'), /Ink box \d+ × \d+ px scaled by/);
  for (const n of ['conv1', 'pool1', 'conv2', 'pool2']) assert.ok(await page.$(`[data-name="maps-${n}"]`), n);
  const before = Number(await data(page, 'maps-conv2', 'sum'));

  // Train a few batches with Step: the maps of the same drawing change.
  for (let i = 0; i < 3; i++) {
    await page.click('[data-name="step"]');
    await page.waitForFunction((n) => Number(document.querySelector('[data-name="status"]').dataset.batch) >= n, i + 1, { timeout: 30000 });
  }
  await page.waitForFunction((b) => Number(document.querySelector('[data-name="maps-conv2"]').dataset.sum) !== b, before);
  assert.equal(await data(page, 'status', 'batch'), '3');

  // A held-out digit: its probabilities are the lesson's own for the same three steps (main thread).
  await page.click('[data-name="sample-next"]');
  await page.waitForFunction(() => /Held-out digit #1:/.test(document.querySelector('[data-name="probe"]').textContent));
  const shown = (await data(page, 'prediction', 'probs')).split(',').map(Number);
  assert.deepEqual(shown, await coreProbs(page, { epochs: 1, digits: 500 }, 3, 1));

  // The receptive field of a conv2 unit: 8 × 8 pixels (3, then 4, then 4 + 2·2).
  const c2 = page.locator('[data-name="maps-conv2"]');
  await c2.scrollIntoViewIfNeeded();
  const box = await c2.boundingBox();
  await page.mouse.move(box.x + 12, box.y + 12);
  await page.waitForFunction(() => document.querySelector('[data-name="receptive-field"]').dataset.size === '8');
  assert.match(await page.textContent('[data-name="receptive-field"]'), /^conv2, map 0, unit \(row \d, column \d\)/);
  // The keyboard path: focus the pool1 maps and move with the arrows.
  await page.focus('[data-name="maps-pool1"]');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => /^pool1, map 0, unit \(row 3, column 4\)/.test(document.querySelector('[data-name="receptive-field"]').textContent));

  // Max pooling: the gradient reaches one pixel of each of the 7 × 7 windows.
  assert.equal(await data(page, 'pool-gradient-line', 'nonzero'), '49');
  assert.equal(await data(page, 'pool-gradient-line', 'zero'), String(196 - 49));

  // Edit a filter of the trained net: the accuracy before and after from the core; Restore.
  await page.click('[data-name="filter-zero"]');
  await page.waitForFunction(() => document.querySelector('[data-name="edit-accuracy"]').dataset.before !== undefined);
  assert.match(await page.textContent('[data-name="edit-accuracy"]'), /Held-out accuracy: [\d.]+% as trained → [\d.]+% with your filter 0/);
  assert.equal(await page.inputValue('[data-name="filter-w-4"]'), '0');
  await page.click('[data-name="filter-restore"]');
  await page.waitForFunction(() => document.querySelector('[data-name="edit-accuracy"]').dataset.before === undefined);

  // Save: a download link with the core's JSON.
  await page.click('[data-name="save"]');
  await page.waitForSelector('[data-name="save-link"]:not([hidden])');
  assert.match(await page.getAttribute('[data-name="save-link"]', 'href'), /^blob:/);

  // An exercise, solved by the core.
  assert.equal((await checkExercise(page, 'pool-size', '7')).verdict, 'right');

  // Bad input: an empty drawing (Clear) is refused with the core's message; the net still shows the last digit.
  await page.click('[data-name="drawpad-clear"]');
  await page.waitForSelector('[data-name="notice"]:not([hidden])');
  assert.match(await page.textContent('[data-name="notice"]'), /prepareDigit: the drawing is empty/);
  assert.match(await page.textContent('[data-name="probe"]'), /Held-out digit #1/);
  // A kernel larger than its input: the core's explanation, nothing trains; a good kernel recovers.
  await page.goto(`${env.url}#/cnn?${SMALL}&kernel=9&padding=valid`);
  await page.waitForSelector(READY, { timeout: 60000 });
  await page.waitForSelector('[data-name="problem"]:not([hidden])');
  assert.match(await page.textContent('[data-name="problem"]'), /cannot be built: conv2 \(Conv2D, input 3 × 3 × 8\)/);
  assert.equal(await page.isDisabled('[data-name="play"]'), true);
  await page.goto(`${env.url}#/cnn?${SMALL}&padding=valid`);
  await page.waitForFunction(() => document.querySelector('[data-name="problem"]')?.hidden === true, null, { timeout: 30000 });
  assert.equal(await data(page, 'out-conv2'), '4x4x16'); // 14 -> 12 -> 6 -> 4
  assertClean();
  await context.close();
});

test('a shared URL restores, offline, dist/playgrad.html from file://, screenshots', async () => {
  const trainOne = async (page) => {
    await page.click('[data-name="step"]');
    await page.waitForFunction(() => Number(document.querySelector('[data-name="status"]').dataset.batch) >= 1, null, { timeout: 30000 });
  };
  await checkSharedUrl(env, { hash: '#/cnn?filters1=4&filters2=8&pooling=avg&dense=16&epochs=1&digits=500', ready: READY,
    check: async (page) => {
      await page.waitForFunction(() => document.querySelector('[data-name="params-conv2"]')?.dataset.value === String((9 * 4 + 1) * 8));
      assert.equal(await data(page, 'out-pool1'), '7x7x4');
    } });
  await checkOffline(env, { first: '#/cnn', hash: `#/cnn?${SMALL}`, ready: READY, check: trainOne });
  await checkSingleFile(env, { hash: `#/cnn?${SMALL}`, ready: READY, check: trainOne });
  await screenshots(env, {
    name: 'cnn', hash: `#/cnn?${SMALL}`, ready: READY, settle: 300,
    prepare: async (page) => {
      await page.waitForFunction(() => document.querySelector('[data-name="maps-conv1"]')?.dataset.sum !== undefined, null, { timeout: 30000 });
      await drawSeven(page);
      await page.waitForFunction(() => /Your drawing/.test(document.querySelector('[data-name="probe"]').textContent));
    },
  });
});
