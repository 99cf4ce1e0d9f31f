// The log-loss lesson in a real page: ready state with the course's -log 0.3 = 1.204 (one-hot =
// sparse), controls and dragging the point on the curve giving the core's numbers, a shared URL
// reproduced after a reload, offline (service worker) and dist/playgrad.html from file://, and
// screenshots (light/dark, 375/1280 px) in tests/browser/artifacts/.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkExercise, checkOffline, checkSharedUrl, checkSingleFile, openPage, screenshots, useBrowser } from './harness.mjs';

const READY = '[data-lesson="log-loss"][data-state="ready"]';

const env = useBrowser();

const value = (page, name) => page.$eval(`[data-name="${name}"]`, (e) => Number(e.dataset.value));

/** The core's binary cross-entropy and categorical losses through the public API, in the page. */
async function core(page, { p, y, yhat, cls }) {
  return page.evaluate(async ([pp, yy, yh, c]) => {
    const { load } = await import('./lib/playgrad.mjs');
    const pg = await load();
    return pg.scope(() => ({
      bce: pg.losses.binaryCrossEntropy(pg.tensor([pp]), pg.tensor([yy])).item(),
      cce: pg.losses.categoricalCrossEntropy(pg.tensor([yh]), pg.tensor([yh.map((_, i) => (i === c ? 1 : 0))]), { reduction: 'sum' }).item(),
      scce: pg.losses.sparseCategoricalCrossEntropy(pg.tensor([yh]), [c], { reduction: 'sum' }).item(),
    }));
  }, [p, y, yhat, cls]);
}

test('#/log-loss gets ready with the course example, -log 0.3 = 1.204 both ways', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/log-loss`);
  await page.waitForSelector(READY, { timeout: 20000 });
  assert.equal(await page.textContent('[data-name="cce-onehot"]'), '1.2040');
  assert.equal(await page.textContent('[data-name="cce-sparse"]'), '1.2040');
  const c = await core(page, { p: 0.7, y: 1, yhat: [0.1, 0.3, 0.6], cls: 1 });
  assert.equal(await value(page, 'cce-onehot'), c.cce);
  assert.equal(await value(page, 'cce-sparse'), c.scce);
  assert.equal(await value(page, 'bce'), c.bce);
  assert.ok(await page.$('.katex'));
  assertClean();
  await context.close();
});

test('controls and dragging the point: the shown loss is the core\'s, the URL follows', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/log-loss`);
  await page.waitForSelector(READY, { timeout: 20000 });
  // The drop-down: true class 2 -> -log 0.6.
  await page.getByRole('combobox', { name: 'True class (sparse label)' }).selectOption('2');
  await page.waitForFunction(() => location.hash === '#/log-loss?cls=2');
  await page.waitForFunction(() => document.querySelector('[data-name="cce-sparse"]').textContent === '0.5108');
  assert.equal(await value(page, 'cce-onehot'), (await core(page, { p: 0.7, y: 1, yhat: [0.1, 0.3, 0.6], cls: 2 })).cce);
  // Drag on the curve to p ≈ 0.2 (the chart's plot area starts 40 px in, ends 10 px before the edge).
  const canvas = page.getByRole('slider', { name: /predicted probability p/ });
  const box = await canvas.boundingBox();
  const at = (p) => box.x + 40 + p * (box.width - 50);
  await page.mouse.move(at(0.5), box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(at(0.35), box.y + box.height / 2, { steps: 5 });
  await page.mouse.move(at(0.2), box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction(() => /p=0\.(19|2|20\d)(&|$)/.test(location.hash));
  const p = Number(new URLSearchParams(await page.evaluate(() => location.hash.split('?')[1])).get('p'));
  assert.ok(Math.abs(p - 0.2) < 0.01, `dragged to ${p}`);
  await page.waitForFunction((pp) => Math.abs(Number(document.querySelector('[data-name="bce"]').dataset.value) + Math.log(pp)) < 1e-5, p);
  assert.equal(await value(page, 'bce'), (await core(page, { p, y: 1, yhat: [0.1, 0.3, 0.6], cls: 2 })).bce);
  // Keyboard on the chart: ArrowRight moves p by 0.01.
  await canvas.focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((want) => location.hash.includes(`p=${want}`), String(Math.round((p + 0.01) * 1000) / 1000));
  // True label 0: the loss is -log(1 - p).
  await page.getByRole('combobox', { name: 'True label y' }).selectOption('0');
  const p2 = Math.round((p + 0.01) * 1000) / 1000;
  await page.waitForFunction((pp) => Math.abs(Number(document.querySelector('[data-name="bce"]').dataset.value) + Math.log(1 - pp)) < 1e-5, p2);
  // A weather probability through its number box: the row loss and the sum follow.
  const before = await value(page, 'weather-total');
  const sunny = page.getByRole('spinbutton', { name: 'Sunny (exact value)' }).first();
  await sunny.fill('0.4');
  await page.waitForFunction(() => location.hash.includes('sunny=0.4,0.1,0.1,0.1'));
  await page.waitForFunction((b) => Number(document.querySelector('[data-name="weather-total"]').dataset.value) !== b, before);
  const total = await value(page, 'weather-total');
  const rows = await page.evaluate(async () => {
    const { load } = await import('./lib/playgrad.mjs');
    const pg = await load();
    return pg.scope(() => pg.losses.categoricalCrossEntropy(
      pg.tensor([[0.4, 0.1, 0.1, 0.1], [0.1, 0.6, 0.1, 0.2], [0.2, 0.2, 0.4, 0.2], [0.1, 0.3, 0.1, 0.5]]),
      pg.tensor([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]), { reduction: 'sum' }).item());
  });
  assert.equal(total, rows);
  assertClean();
  await context.close();
});

test('check yourself: -ln 0.3 typed and checked against the core, with the worked computation', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/log-loss`);
  await page.waitForSelector(READY, { timeout: 20000 });
  const core = await page.evaluate(async () => {
    const { load } = await import('./lib/playgrad.mjs');
    const pg = await load();
    return pg.scope(() => pg.losses.categoricalCrossEntropy(pg.tensor([0.1, 0.3, 0.4, 0.2], [1, 4]), pg.tensor([0, 1, 0, 0], [1, 4]), { reduction: 'sum' }).item());
  });
  let v = await checkExercise(page, 'rainy', '0.916');
  assert.equal(v.verdict, 'wrong');
  assert.equal(Number(v.value), core);
  assert.match(v.text, /the answer is 1\.2040/);
  v = await checkExercise(page, 'rainy', '1.204');
  assert.equal(v.verdict, 'right');
  assert.match(v.text, /only the Rainy term survives/);
  assert.equal((await checkExercise(page, 'slope', '-20')).verdict, 'right');
  assertClean();
  await context.close();
});

test('a shared URL reproduces the state, also after a reload', async () => {
  await checkSharedUrl(env, {
    hash: '#/log-loss?p=0.05&y=0&yhat=0.2,0.2,0.6&cls=0&cloudy=0.25,0.25,0.25,0.25',
    ready: READY,
    check: async (page) => {
      const c = await core(page, { p: 0.05, y: 0, yhat: [0.2, 0.2, 0.6], cls: 0 });
      assert.equal(await value(page, 'bce'), c.bce);
      assert.equal(await value(page, 'cce-sparse'), c.scce);
      assert.equal(await page.textContent('[data-name="cce-sparse"]'), '1.6094');
      assert.equal(await page.textContent('[data-name="w-loss-3"]'), '1.3863');
    },
  });
});

test('offline: with the network cut after one visit (service worker), and dist/playgrad.html from file://', async () => {
  await checkOffline(env, {
    first: '#/log-loss', hash: '#/log-loss?cls=2', ready: READY,
    check: async (page) => assert.equal(await page.textContent('[data-name="cce-sparse"]'), '0.5108'),
  });
  await checkSingleFile(env, {
    hash: '#/log-loss', ready: READY,
    check: async (page) => assert.equal(await page.textContent('[data-name="cce-onehot"]'), '1.2040'),
  });
});

test('screenshots: light and dark, 375 px and 1280 px', async () => {
  await screenshots(env, { name: 'log-loss', hash: '#/log-loss', ready: READY });
});
