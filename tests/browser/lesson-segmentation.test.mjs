// The segmentation lesson in a real page, on one page load where it can: the course's F = 2, S = 2
// (output 8, no overlap) and F = 3 from the keyboard (9, the checkerboard's counts 1 to 4, the
// core's numbers for the same settings); a click on an input cell moves the patch it paints and
// the arrow keys move it on; an output padding the core refuses is a readable message while the
// rest keeps working; Step and Train run both networks in the worker, the IoU shown is the core's
// for the same run (the lesson module in the page); a held-out thumbnail picks the scene shown;
// scrubbing back to an epoch; an exercise; a bad URL field; a shared URL, offline,
// dist/playgrad.html from file:// and a screenshot. Small settings (32 scenes, 1 epoch).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkExercise, checkOffline, checkSharedUrl, checkSingleFile, openPage, screenshots, useBrowser } from './harness.mjs';

const env = useBrowser();
const READY = '[data-lesson="segmentation"][data-state="ready"]';
const SMALL = 'scenes=32&epochs=1';
const data = (page, name, key = 'value') => page.$eval(`[data-name="${name}"]`, (e, k) => e.dataset[k], key);
const waitDone = (page) => page.waitForFunction(() => /^Done/.test(document.querySelector('[data-name="status"]')?.textContent ?? ''), null, { timeout: 40000 });

/** The same run in the page on the main thread, through the lesson module and the core. */
async function coreRun(page, over) {
  return page.evaluate(async (o) => {
    const { load } = await import('./lib/playgrad.mjs');
    const L = await import('./lib/lessons/segmentation/lesson.mjs');
    const { defaults } = await import('./lib/lessons/settings.mjs');
    const pg = await load();
    const st = { ...defaults(L.settings), convention: 'keras', ...o };
    const s = L.session(pg, st);
    while (!s.done) s.step();
    const r = s.result();
    const a = L.arithmetic(pg, st);
    s.dispose();
    return { skip: r.runs.skip.final, noskip: r.runs.noskip?.final, arith: { out: a.out, countMin: a.countMin, countMax: a.countMax } };
  }, over);
}

test('the arithmetic by keyboard and pointer, a refused size, training both networks: the core\'s numbers', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/segmentation?${SMALL}`);
  await page.waitForSelector(READY, { timeout: 60000 });
  // The course's case: F = 2, S = 2 on 4 × 4 gives 8 × 8, every pixel painted once.
  assert.equal(await data(page, 'out-size'), '8');
  assert.equal(await data(page, 'counts', 'max'), '1');
  assert.equal(await data(page, 'up-size-bilinear'), '8');
  assert.ok(await page.$('[data-name="formula"] .katex'));
  // F = 3 from the keyboard on its slider: 9 × 9, counts 1 to 4 (the checkerboard).
  const kernel = page.getByRole('slider', { name: 'Kernel F (F × F)' });
  await kernel.focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => /kernel=3/.test(location.hash) && document.querySelector('[data-name="out-size"]').dataset.value === '9');
  const core3 = await coreRun(page, { scenes: 32, epochs: 1, kernel: 3 });
  assert.equal(Number(await data(page, 'out-size')), core3.arith.out);
  assert.equal(Number(await data(page, 'counts', 'min')), core3.arith.countMin);
  assert.equal(Number(await data(page, 'counts', 'max')), core3.arith.countMax);
  assert.equal(await data(page, 'counts', 'even'), 'false');
  // Click input cell (1, 2), then ArrowDown: the patch line follows (rows S·i − P ...).
  const box = await page.locator('[data-name="overlap"]').boundingBox();
  await page.locator('[data-name="overlap"]').click({ position: { x: 12, y: box.height / 2 } });
  const before = await page.textContent('[data-name="patch"]');
  await page.focus('[data-name="overlap"]');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight');
  const after = await page.textContent('[data-name="patch"]');
  assert.notEqual(after, before);
  assert.match(after, /^Input pixel \(\d, \d\) paints output rows \d+ … \d+/);
  // An output padding of 2 with S = 2: the core's message; the drawing and training stay.
  const op = page.getByRole('spinbutton', { name: 'Output padding (exact value)' });
  await op.fill('2');
  await op.press('Enter');
  await page.waitForSelector('[data-name="arith-error"]:not([hidden])');
  assert.match(await page.textContent('[data-name="arith-error"]'), /output.?padding/i);
  assert.equal(await data(page, 'out-size'), '9');
  await op.fill('0');
  await op.press('Enter');
  await page.waitForSelector('[data-name="arith-error"][hidden]', { state: 'attached' });

  // Step once, then train to the end: both networks' scores are the core's for the same run.
  await page.click('[data-name="step"]');
  await page.waitForFunction(() => /batch 1 of 4/.test(document.querySelector('[data-name="status"]').textContent));
  await page.click('[data-name="play"]');
  await waitDone(page);
  const core = await coreRun(page, { scenes: 32, epochs: 1, kernel: 3 });
  assert.equal(Number(await data(page, 'mean-iou-skip')), core.skip.meanIou);
  assert.equal(Number(await data(page, 'mean-iou-noskip')), core.noskip.meanIou);
  assert.equal(Number(await data(page, 'iou-skip-1')), core.skip.iou[1]);
  assert.equal(Number(await data(page, 'dice-noskip-2')), core.noskip.dice[2]);
  // A thumbnail picks the held-out scene shown (the URL follows); scrub to epoch 1.
  await page.click('[data-name="thumb-3"]');
  await page.waitForFunction(() => /shown=3/.test(location.hash) && /Scene 3/.test(document.querySelector('[data-name="caption-image"]').textContent));
  await page.locator('[data-name="epoch-scrub"]').focus();
  await page.keyboard.press('ArrowLeft');
  assert.equal(await data(page, 'epoch-shown'), '1');
  assert.match(await page.textContent('[data-name="caption-skip"]'), /pixels wrong/);
  // An exercise, solved by the core.
  assert.equal((await checkExercise(page, 'overlap-max', '4')).verdict, 'right');
  assertClean();
  await context.close();
});

test('a bad URL field is a notice; a shared URL restores; offline; single file; screenshot', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/segmentation?stride=NaN&${SMALL}`);
  await page.waitForSelector(READY, { timeout: 60000 });
  assert.match(await page.textContent('#notice'), /stride=NaN/);
  assert.equal(await data(page, 'out-size'), '8');
  assertClean();
  await context.close();
  const hash = '#/segmentation?n=5&kernel=4&weights=bilinear&skip=0&twin=0&scenes=32&epochs=1';
  const check = async (p) => {
    assert.equal(await data(p, 'out-size'), '12');
    assert.equal(await data(p, 'counts', 'even'), 'true');
    assert.equal(await p.$('[data-name="mask-skip"]'), null, 'only the no-skip network trains');
    assert.ok(await p.$('[data-name="mask-noskip"]'));
  };
  await checkSharedUrl(env, { hash, ready: READY, check });
  await checkOffline(env, { first: '#/', hash, ready: READY, check });
  await checkSingleFile(env, { hash, ready: READY, check: async (p) => {
    await check(p);
    await p.click('[data-name="play"]');
    await p.waitForFunction(() => /^Done/.test(document.querySelector('[data-name="status"]')?.textContent ?? ''), null, { timeout: 40000 });
    assert.ok(Number(await p.$eval('[data-name="pixel-accuracy-noskip"]', (e) => e.dataset.value)) > 0.3);
  } });
  await screenshots(env, { name: 'segmentation', hash: `#/segmentation?kernel=3&${SMALL}`, ready: READY, settle: 300,
    prepare: async (p) => {
      await p.click('[data-name="play"]');
      await p.waitForFunction(() => /^Done/.test(document.querySelector('[data-name="status"]')?.textContent ?? ''), null, { timeout: 40000 });
    } });
});
