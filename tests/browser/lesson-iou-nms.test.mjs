// The iou-nms lesson in a real page: ready state, IoU shown equal to the core's, a pointer drag
// and the keyboard moving a box (IoU changes, URL follows), NMS steps with the step controls
// matching the core's nmsSteps, sliders and per-class mode, a shared URL surviving a reload, and
// screenshots (light and dark, 375 px and 1280 px) kept in tests/browser/artifacts/.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkExercise, checkOffline, checkSharedUrl, checkSingleFile, openPage, screenshots, useBrowser } from './harness.mjs';


const env = useBrowser();

const READY = '[data-lesson="iou-nms"][data-state="ready"]';
const value = (page, name) => page.$eval(`[data-name="${name}"]`, (e) => e.dataset.value);
const hashBox = (page, name) => page.evaluate((n) => new URLSearchParams(location.hash.split('?')[1] ?? '').get(n), name);

async function coreIou(page, a, b) {
  return page.evaluate(async ([aa, bb]) => {
    const { load } = await import('./lib/playgrad.mjs');
    return (await load()).vision.iou(aa, bb);
  }, [a, b]);
}

/** The core's NMS decisions for the lesson's scene, computed in the page from the lesson module. */
async function coreSteps(page, s) {
  return page.evaluate(async (st) => {
    const { load } = await import('./lib/playgrad.mjs');
    const L = await import('./lib/lessons/iou-nms/lesson.mjs');
    const pg = await load();
    const sc = L.scene(pg, st.seed);
    const opts = { iouThreshold: st.iou, scoreThreshold: st.score };
    const kept = st.perClass ? pg.vision.nmsPerClass(sc.boxes, sc.scores, sc.classes, opts) : pg.vision.nms(sc.boxes, sc.scores, opts);
    return { steps: pg.vision.nmsSteps(sc.boxes, sc.scores, opts), kept: Array.from(kept) };
  }, s);
}

test('#/iou-nms gets ready: IoU is the core\'s, NMS shows its final result', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/iou-nms`);
  await page.waitForSelector(READY, { timeout: 20000 });
  assert.equal(Number(await value(page, 'iou')), await coreIou(page, [10, 14, 60, 64], [34, 30, 90, 84]));
  assert.equal(await page.textContent('[data-name="iou"]'), '0.1905');
  const want = await coreSteps(page, { seed: 1, iou: 0.5, score: 0.6, perClass: false });
  assert.equal(await page.$eval('[data-name="step"]', (e) => e.dataset.total), String(want.steps.length));
  assert.equal(await value(page, 'step'), String(want.steps.length));
  assert.equal(await value(page, 'nms-summary'), want.kept.join(','));
  assert.ok(await page.$('.katex'), 'formulas are rendered by KaTeX');
  assertClean();
  await context.close();
});

test('dragging box A with the pointer and moving it with the keyboard change IoU to the core\'s', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/iou-nms`);
  await page.waitForSelector(READY, { timeout: 20000 });
  const canvas = page.locator('[data-lesson="iou-nms"] canvas').first();
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  const k = box.width / 100;
  const before = Number(await value(page, 'iou'));
  // Grab box A inside (away from B and the corners) and drag it 20 units right, 10 down.
  await page.mouse.move(box.x + 20 * k, box.y + 40 * k);
  await page.mouse.down();
  await page.mouse.move(box.x + 30 * k, box.y + 45 * k, { steps: 4 });
  await page.mouse.move(box.x + 40 * k, box.y + 50 * k, { steps: 4 });
  await page.mouse.up();
  await page.waitForFunction(() => /a=30,24,80,74/.test(location.hash));
  await page.waitForFunction((v) => Number(document.querySelector('[data-name="iou"]').dataset.value) !== v, before);
  const dragged = Number(await value(page, 'iou'));
  assert.equal(dragged, await coreIou(page, [30, 24, 80, 74], [34, 30, 90, 84]));
  assert.ok(dragged > before);
  assert.equal(await page.getByRole('slider', { name: 'A x1' }).inputValue(), '30');

  // Resize B from its bottom-right corner handle.
  await page.mouse.move(box.x + 90 * k, box.y + 84 * k);
  await page.mouse.down();
  await page.mouse.move(box.x + 80 * k, box.y + 74 * k, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction(() => /b=34,30,80,74/.test(location.hash));
  const resized = await coreIou(page, [30, 24, 80, 74], [34, 30, 80, 74]);
  await page.waitForFunction((v) => Number(document.querySelector('[data-name="iou"]').dataset.value) === v, resized);

  // Keyboard on the canvas: B was dragged last, so Enter selects A; arrows move it.
  await canvas.focus();
  await page.keyboard.press('Enter'); // B -> A
  assert.match(await page.textContent('[data-name="active-box"]'), /box A/);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => /a=28,24,78,74/.test(location.hash));
  await page.keyboard.press('Shift+ArrowUp'); // resize: y2 - 1
  await page.waitForFunction(() => /a=28,24,78,73/.test(location.hash));
  const kb = await coreIou(page, [28, 24, 78, 73], [34, 30, 80, 74]);
  await page.waitForFunction((v) => Number(document.querySelector('[data-name="iou"]').dataset.value) === v, kb);
  assert.equal(await hashBox(page, 'b'), '34,30,80,74');
  assertClean();
  await context.close();
});

test('step controls walk through the core\'s nmsSteps; thresholds and per-class mode recompute', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/iou-nms`);
  await page.waitForSelector(READY, { timeout: 20000 });
  const want = await coreSteps(page, { seed: 1, iou: 0.5, score: 0.6, perClass: false });
  await page.getByRole('button', { name: 'First step' }).click();
  assert.equal(await value(page, 'step'), '0');
  assert.equal(await value(page, 'nms-summary'), '');
  for (let k = 1; k <= 3; k++) {
    await page.getByRole('button', { name: 'Step forward' }).click();
    const t = want.steps[k - 1];
    const text = await page.textContent('[data-name="step"]');
    assert.ok(text.startsWith(`Step ${k} of ${want.steps.length}: ${t.kind} box ${t.index} (`), text);
    if (t.kind === 'suppress') assert.match(text, new RegExp(`IoU ${t.iou.toFixed(3)} ≥ 0.5 with kept box ${t.by}`));
  }
  await page.getByRole('button', { name: 'Step back' }).click();
  assert.equal(await value(page, 'step'), '2');
  // Play runs to the end by itself.
  await page.getByRole('button', { name: 'Play' }).click();
  await page.waitForFunction((n) => document.querySelector('[data-name="step"]').dataset.value === String(n), want.steps.length, { timeout: 30000 });
  assert.equal(await value(page, 'nms-summary'), want.kept.join(','));

  // A lower IoU threshold (keyboard on its slider) suppresses more; the shown result is the core's.
  await page.getByRole('slider', { name: 'NMS IoU threshold' }).focus();
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowLeft'); // 0.5 -> 0.3
  await page.waitForFunction(() => location.hash === '#/iou-nms?iou=0.3');
  const low = await coreSteps(page, { seed: 1, iou: 0.3, score: 0.6, perClass: false });
  await page.waitForFunction((k) => document.querySelector('[data-name="nms-summary"]').dataset.value === k, low.kept.join(','));

  // Per-class mode keeps the bike under its rider.
  await page.getByRole('slider', { name: 'NMS IoU threshold' }).fill('0.5');
  await page.getByRole('checkbox', { name: /Per-class NMS/ }).check();
  await page.waitForFunction(() => location.hash === '#/iou-nms?perClass=1');
  const per = await coreSteps(page, { seed: 1, iou: 0.5, score: 0.6, perClass: true });
  await page.waitForFunction((k) => document.querySelector('[data-name="nms-summary"]').dataset.value === k, per.kept.join(','));
  assert.notDeepEqual(per.kept, want.kept);
  assertClean();
  await context.close();
});

test('check yourself: a typed IoU and a picked NMS decision, checked against the core', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/iou-nms`);
  await page.waitForSelector(READY, { timeout: 20000 });
  let v = await checkExercise(page, 'half', '0.5');
  assert.equal(v.verdict, 'wrong');
  assert.equal(Number(v.value), await page.evaluate(async () => {
    const { load } = await import('./lib/playgrad.mjs');
    return (await load()).vision.iou([0, 0, 10, 10], [5, 0, 15, 10]);
  }));
  assert.match(v.text, /not 0\.5/);
  assert.equal((await checkExercise(page, 'half', '0.3333')).verdict, 'right');
  // A and B at the defaults: IoU 0.1905 < 0.5, so B is kept.
  v = await checkExercise(page, 'suppress', 'suppress');
  assert.equal(v.verdict, 'wrong');
  assert.equal(v.value, 'keep');
  assert.equal((await checkExercise(page, 'suppress', 'keep')).verdict, 'right');
  assertClean();
  await context.close();
});

test('a shared URL reproduces the state, also after a reload', async () => {
  await checkSharedUrl(env, {
    hash: '#/iou-nms?a=5,5,50,40&b=20,10,70,60&iou=0.45&score=0.35&perClass=1&seed=7',
    ready: READY,
    check: async (page) => {
      assert.equal(Number(await value(page, 'iou')), await coreIou(page, [5, 5, 50, 40], [20, 10, 70, 60]));
      const want = await coreSteps(page, { seed: 7, iou: 0.45, score: 0.35, perClass: true });
      assert.equal(await value(page, 'nms-summary'), want.kept.join(','));
      assert.equal(await page.getByRole('checkbox', { name: /Per-class NMS/ }).isChecked(), true);
    },
  });
});

test('offline: with the network cut after one visit (service worker), and dist/playgrad.html from file://', async () => {
  const check = async (page) => {
    assert.equal(await page.textContent('[data-name="iou"]'), '0.1905');
    assert.ok(Number(await value(page, 'step')) > 0);
  };
  await checkOffline(env, { first: '#/softmax', hash: '#/iou-nms', ready: READY, check });
  await checkSingleFile(env, { hash: '#/iou-nms', ready: READY, check });
});

test('screenshots: light and dark, 375 px and 1280 px', async () => {
  await screenshots(env, {
    name: 'iou-nms', hash: '#/iou-nms', ready: READY,
    prepare: async (page) => {
      await page.getByRole('button', { name: 'First step' }).click();
      for (let i = 0; i < 6; i++) await page.getByRole('button', { name: 'Step forward' }).click();
    },
  });
});
