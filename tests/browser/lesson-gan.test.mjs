// The gan lesson in a real page: training in the worker gives the numbers Node gives for the same
// seed; the generator loss switched in place; drawing the target (pointer and keyboard) edits the
// URL's points and an empty drawing is a readable message; the timeline looks back; a diverging
// game says so and the lesson keeps working; the digits GAN; a shared URL, offline, the single-file
// page, screenshots.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { load } from 'playgrad';

import * as L from '../../lessons/gan/lesson.mjs';
import { runSession } from '../../lessons/session.mjs';
import { defaults } from '../../lessons/settings.mjs';
import { ARTIFACTS, checkExercise, checkOffline, checkSharedUrl, checkSingleFile, openPage, screenshots, useBrowser } from './harness.mjs';

const env = useBrowser();
const READY = '[data-lesson="gan"][data-state="ready"]';
const pg = await load();
const value = (page, name) => page.$eval(`[data-name="${name}"]`, (e) => Number(e.dataset.value));
const it = (page) => value(page, 'status');
const doneText = (page) => page.waitForFunction(() => document.querySelector('[data-name="status"]').textContent.includes('done'), null, { timeout: 30000 });

/** Node's session for these settings run to the end: its snapshot. */
function nodeEnd(over) {
  const s = L.session(pg, { ...defaults(L.settings), ...over });
  try {
    runSession(s);
    return s.snapshot();
  } finally {
    s.dispose();
  }
}

test('train in the worker: Node\'s numbers; loss switched in place; draw the target; timeline; divergence; digits', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/gan?iterations=40&modes=4`);
  await page.waitForSelector(READY, { timeout: 30000 });
  assert.equal(await page.$eval('[data-name="status"]', (e) => e.dataset.mode), 'worker');
  await page.click('[data-name="step"]');
  await page.waitForFunction(() => Number(document.querySelector('[data-name="status"]').dataset.value) === 1);
  await page.click('[data-name="play"]');
  await doneText(page);
  const want = nodeEnd({ iterations: 40, modes: 4 });
  assert.equal(await it(page), 40);
  assert.equal(await value(page, 'd-loss'), want.now.dLoss);
  assert.equal(await value(page, 'g-loss'), want.now.gLoss);
  assert.equal(await value(page, 'coverage'), want.coverage.covered);
  assert.match(await page.textContent('[data-name="coverage"]'), / of 4$/);
  const ns = await value(page, 'grad-nonsaturating');
  assert.ok(Math.abs(ns - want.perSample.nonsaturating.reduce((a, b) => a + Math.abs(b), 0) / L.SHOWN) < 1e-6);

  // The generator loss by keyboard on its select: taken in place (the same iterations, the same L_D).
  await page.getByLabel('Generator loss', { exact: true }).selectOption('minimax');
  await page.waitForFunction(() => location.hash.includes('gLoss=minimax'));
  await page.waitForFunction(() => document.querySelector('[data-name="failure"]').hidden);
  assert.equal(await it(page), 40);
  assert.equal(await value(page, 'd-loss'), want.now.dLoss);

  // The timeline: back to the first frame (keyboard), then back to now.
  await page.focus('[data-name="timeline"]');
  await page.keyboard.press('Home');
  await page.waitForFunction(() => document.querySelector('[data-name="timeline-label"]').dataset.value === '0');
  await page.click('[data-name="live"]');
  await page.waitForFunction(() => document.querySelector('[data-name="timeline-label"]').dataset.value === '40');

  // Draw the target: pick 'drawn', clear it (a readable message), then click and use the keyboard.
  await page.getByLabel('Target distribution', { exact: true }).selectOption('drawn');
  await page.waitForFunction(() => location.hash.includes('target=drawn'));
  await page.click('[data-name="clear-drawing"]');
  await page.waitForFunction(() => !document.querySelector('[data-name="failure"]').hidden);
  assert.match(await page.textContent('[data-name="failure"]'), /The drawing has no points/);
  const plane = page.locator('[data-name="plane"]');
  const box = await plane.boundingBox();
  await plane.click({ position: { x: box.width * 0.75, y: box.height * 0.25 } });  // (2, 2)
  await page.keyboard.press('Enter');  // the keyboard cross at (0, 0)
  const drawn = () => page.evaluate(() => decodeURIComponent(/points=([^&]*)/.exec(location.hash)?.[1] ?? ''));
  await page.waitForFunction(() => /points=[^&]+;0,0(&|$)/.test(decodeURIComponent(location.hash)));
  const pts = (await drawn()).split(';').map((p) => p.split(',').map(Number));
  assert.equal(pts.length, 2);
  assert.ok(Math.abs(pts[0][0] - 2) < 0.1 && Math.abs(pts[0][1] - 2) < 0.1, `clicked at ${pts[0]}`);
  await page.waitForFunction(() => document.querySelector('[data-name="failure"]').hidden);
  await page.keyboard.press('Backspace');
  await page.waitForFunction(() => !decodeURIComponent(location.hash).includes(';0,0'));
  assert.equal((await drawn()).split(';').length, 1);

  // A diverging game: a readable message; then lower rates and it trains again.
  const q = Object.entries(L.DIVERGING).map(([k, v]) => `${k}=${v}`).join('&');
  await page.goto(`${env.url}#/gan?${q}`);
  await page.waitForSelector(READY);
  await page.click('[data-name="play"]');
  await page.waitForFunction(() => !document.querySelector('[data-name="failure"]').hidden, null, { timeout: 30000 });
  assert.match(await page.textContent('[data-name="failure"]'), /diverged/);
  await page.goto(`${env.url}#/gan?iterations=20`);
  await page.waitForSelector(READY);
  await page.click('[data-name="play"]');
  await doneText(page);
  assert.equal(await page.isHidden('[data-name="failure"]'), true);

  // The digits: samples from fixed noise, real digits with D's score, the manifold of images.
  await page.goto(`${env.url}#/gan?target=digits&iterations=30&digit=all`);
  await page.waitForSelector(READY);
  await page.click('[data-name="play"]');
  await doneText(page);
  assert.equal(await page.isVisible('[data-name="fake-digits"]'), true);
  assert.equal(await page.isVisible('[data-name="manifold-digits"]'), true);
  const wantD = nodeEnd({ target: 'digits', iterations: 30, digit: 'all' });
  assert.equal(await value(page, 'd-loss'), wantD.now.dLoss);
  await page.screenshot({ path: `${ARTIFACTS}gan-digits-light-1280.png`, fullPage: true });
  assert.equal((await checkExercise(page, 'ns-grad', '0.95')).verdict, 'right');
  assertClean();
  await context.close();
});

test('a shared URL restores; offline; dist/playgrad.html from file:// (training on the main thread)', async () => {
  await checkSharedUrl(env, {
    hash: '#/gan?target=ring&modes=6&gLoss=minimax&smoothing=0.1&iterations=20',
    ready: READY,
    check: async (page) => {
      await page.waitForFunction(() => / of 6$/.test(document.querySelector('[data-name="coverage"]')?.textContent ?? ''));
      assert.equal(await page.getByLabel('Generator loss', { exact: true }).inputValue(), 'minimax');
    },
  });
  await checkOffline(env, { first: '#/gan', hash: '#/gan?target=gaussian1d&iterations=20', ready: READY,
    check: async (page) => {
      await page.click('[data-name="play"]');
      await doneText(page);
      assert.equal(await page.isVisible('[data-name="fake-mean"]'), true);
    } });
  await checkSingleFile(env, { hash: '#/gan?iterations=20', ready: READY,
    check: async (page) => {
      assert.equal(await page.$eval('[data-name="status"]', (e) => e.dataset.mode), 'main');
      await page.click('[data-name="play"]');
      await doneText(page);
      assert.equal(await value(page, 'd-loss'), nodeEnd({ iterations: 20 }).now.dLoss);
    } });
});

test('screenshots', async () => {
  await screenshots(env, {
    name: 'gan', hash: '#/gan?iterations=400', ready: READY, settle: 300,
    prepare: async (page) => {
      await page.click('[data-name="play"]');
      await doneText(page);
    },
  });
});
