// The anchors-yolo lesson in a real page, one page load driving several things: a box dragged by
// the keyboard moves its cell and its vector as the core says; a cell of the output tensor shows
// its vectors; training steps give Node's loss terms for the same seed; a detector cell's raw
// numbers decode as the core says; a zero-size box in the URL field is a readable notice; the
// link to the iou-nms lesson opens it with the boxes. Then a shared URL, offline, the single-file
// page and a screenshot.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { load } from 'playgrad';

import * as L from '../../lessons/anchors-yolo/lesson.mjs';
import { defaults } from '../../lessons/settings.mjs';
import { checkExercise, checkOffline, checkSharedUrl, checkSingleFile, openPage, screenshots, useBrowser } from './harness.mjs';

const env = useBrowser();
const READY = '[data-lesson="anchors-yolo"][data-state="ready"]';
const status = (page) => page.$eval('[data-name="status"]', (e) => ({ ...e.dataset }));
const pg = await load();
const SMALL = { scenes: 64, epochs: 1 };

function nodeSession(over, steps) {
  const s = L.session(pg, { ...defaults(L.settings), ...over });
  try {
    for (let i = 0; i < steps; i++) s.step();
    return s.snapshot();
  } finally {
    s.dispose();
  }
}

test('drag a box by keyboard, pick a cell, train two batches, decode a cell, bad input, the iou-nms link', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/anchors-yolo?scenes=64&epochs=1`);
  await page.waitForSelector(READY, { timeout: 30000 });
  assert.equal((await status(page)).mode, 'worker');
  const before = await page.textContent('[data-name="vector-0"]');
  // Box 1 (the person, 12..36 × 18..92) moved right by keyboard: 12 steps of 2 units = 24 → x 36..60, centre 48: column 2 of 3.
  await page.focus('[data-name="scene"]');
  for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => decodeURIComponent(location.hash).includes('boxes=36,18,60,92,1'));
  const want = nodeSession({ ...SMALL, boxes: '36,18,60,92,1;44,50,94,86,2' }, 0).encoding.perBox[0];
  await page.waitForFunction((t) => document.querySelector('[data-name="vector-0"]').textContent.includes(t), want.vector.map((v) => Number(v.toFixed(3)).toString()).join(', '));
  assert.notEqual(await page.textContent('[data-name="vector-0"]'), before);
  assert.equal(want.col, 1);
  // A cell of the tensor: its vectors' table.
  await page.click(`[data-cell="${want.row},${want.col}"]`);
  await page.waitForFunction(() => document.querySelector('[data-name="cell-title"]').textContent.includes('row 2, column 2'));
  const pcs = await page.$$eval('[data-name="cell-vectors"] tr[data-anchor] td:nth-child(2)', (tds) => tds.map((t) => Number(t.dataset.value)));
  assert.equal(pcs[want.anchor], 1);

  // Two batches: the loss terms are Node's for the same seed.
  for (let i = 0; i < 2; i++) {
    await page.click('[data-name="step"]');
    await page.waitForFunction((k) => Number(document.querySelector('[data-name="status"]').dataset.batches) > k, i);
  }
  const snap = nodeSession({ ...SMALL, boxes: '36,18,60,92,1;44,50,94,86,2' }, 2);
  for (const k of ['coord', 'obj', 'noobj', 'cls']) {
    assert.equal(Number(await page.$eval(`[data-name="term-${k}"]`, (e) => e.dataset.value)), snap.history.steps[k][1], k);
  }
  // A detector cell by keyboard: its anchors' pc from the core's activation.
  await page.focus('[data-name="detections"]');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => document.querySelector('[data-name="det-cell"]').textContent.includes('row 2, column 2'));
  const G = 4, A = snap.detector.anchors.length, D = 8;
  const pcWant = Array.from({ length: A }, (_, a) => snap.detector.activated[((1 * G + 1) * A + a) * D]);
  const pcGot = await page.$$eval('[data-name="det-cell"] [data-anchor]', (ds) => ds.map((d) => Number(d.dataset.pc)));
  assert.deepEqual(pcGot, pcWant);

  // Bad input: a zero-size box typed in the field is refused with a readable line; the scene keeps its boxes.
  const field = page.getByLabel('Ground-truth boxes (x1,y1,x2,y2,class; …)');
  await field.fill('10,10,10,40,1');
  await field.press('Enter');
  await page.waitForFunction(() => !document.querySelector('[data-name="invalid-boxes"]').hidden);
  assert.match(await page.textContent('[data-name="invalid-boxes"]'), /zero size/);
  assert.ok(decodeURIComponent(await page.evaluate(() => location.hash)).includes('boxes=36,18,60,92,1'));
  assert.equal((await checkExercise(page, 'decode-bw', '3.2974')).verdict, 'right');

  // Play to the end, lower pc so candidates exist, then follow the link to the iou-nms lesson.
  await page.click('[data-name="play"]');
  await page.waitForFunction(() => document.querySelector('[data-name="status"]').dataset.done === 'true', null, { timeout: 30000 });
  await page.getByRole('slider', { name: 'Step 1: keep pc >' }).fill('0');
  await page.waitForFunction(() => !document.querySelector('[data-name="iou-nms-link"]').hasAttribute('aria-disabled'));
  const href = await page.getAttribute('[data-name="iou-nms-link"]', 'href');
  assert.match(href, /^#\/iou-nms\?.*a=/);
  const [, nCand, nKept] = (await page.getAttribute('[data-name="step-counts"]', 'data-value')).split(',').map(Number);
  await page.click('[data-name="iou-nms-link"]');
  await page.waitForSelector('[data-lesson="iou-nms"][data-state="ready"]', { timeout: 20000 });
  // There, the same candidates (all of them, when they fit the list) and per-class NMS keeps as many.
  const kept = await page.getAttribute('[data-lesson="iou-nms"] canvas[data-kept]', 'data-kept');
  if (nCand <= 80) assert.equal(kept.split(',').filter((x) => x !== '').length, nKept, `kept there ${kept}, here ${nKept} of ${nCand}`);
  assert.equal(await page.isHidden('#notice'), true);
  assertClean();
  await context.close();
});

test('a shared URL restores; offline; dist/playgrad.html from file:// (training on the main thread); screenshot', async () => {
  await checkSharedUrl(env, {
    hash: '#/anchors-yolo?S=5&boxes=10,10,40,60,3%3B50,20,90,50,1&B=3&epochs=1&scenes=64',
    ready: READY,
    check: async (page) => {
      await page.waitForFunction(() => document.querySelector('[data-name="tensor-shape"]')?.dataset.value === String(5 * 5 * 3 * 8));
    },
  });
  await checkOffline(env, { first: '#/anchors-yolo', hash: '#/anchors-yolo?epochs=1&scenes=32', ready: READY,
    check: async (page) => {
      await page.click('[data-name="play"]');
      await page.waitForFunction(() => document.querySelector('[data-name="status"]').dataset.done === 'true', null, { timeout: 30000 });
    } });
  await checkSingleFile(env, { hash: '#/anchors-yolo?epochs=1&scenes=32', ready: READY,
    check: async (page) => {
      assert.equal((await status(page)).mode, 'main');
      await page.click('[data-name="play"]');
      await page.waitForFunction(() => document.querySelector('[data-name="status"]').dataset.done === 'true', null, { timeout: 30000 });
    } });
  await screenshots(env, {
    name: 'anchors-yolo', hash: '#/anchors-yolo?scenes=64&epochs=2', ready: READY, settle: 300,
    prepare: async (page) => {
      await page.click('[data-name="play"]');
      await page.waitForFunction(() => document.querySelector('[data-name="status"]').dataset.done === 'true', null, { timeout: 30000 });
    },
  });
});
