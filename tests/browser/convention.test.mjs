// The page-wide Keras/PyTorch convention in a real page: the header switch changes a lesson's
// number to the other framework's (the core's, read back through the public API), the URL keeps
// it, it survives moving to another lesson through the list and a reload, a training lesson's
// worker session follows it, a bad value in a link is a notice, and dist/playgrad.html honours it.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkSingleFile, openPage, screenshots, useBrowser } from './harness.mjs';

const env = useBrowser();

const value = (page, name) => page.$eval(`[data-name="${name}"]`, (e) => e.dataset.value);

/** The categorical log loss of a one-hot row with ŷ_true = 0, by a framework's rule, in the page. */
async function coreCce(page, clip) {
  return page.evaluate(async (clip) => {
    const { load } = await import('./lib/playgrad.mjs');
    const pg = await load();
    return String(pg.scope(() => pg.losses.categoricalCrossEntropy(pg.tensor([[0, 0.5, 0.5]]), pg.tensor([[1, 0, 0]]), { reduction: 'sum', clip }).item()));
  }, clip);
}

test('the header switch: a number changes to PyTorch\'s, and the choice survives navigation and a reload', async () => {
  const hash = '#/log-loss?yhat=0,0.5,0.5&cls=0';
  const ready = '[data-lesson="log-loss"][data-state="ready"]';
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}${hash}`);
  await page.waitForSelector(ready, { timeout: 20000 });
  const sw = page.getByRole('combobox', { name: 'Convention' });
  assert.equal(await sw.inputValue(), 'keras');
  // Keras clips ŷ to 1e-7: −ln 1e-7 = 16.118.
  assert.equal(await value(page, 'cce-onehot'), await coreCce(page, 'keras'));
  assert.equal(await page.textContent('[data-name="cce-onehot"]'), '16.1181');
  await sw.selectOption('pytorch');
  // PyTorch: NLLLoss of log 0 is +∞.
  await page.waitForFunction(() => document.querySelector('[data-name="cce-onehot"]').dataset.value === 'Infinity');
  assert.equal(await coreCce(page, 'pytorch'), 'Infinity');
  await page.waitForFunction(() => location.hash === '#/log-loss?yhat=0,0.5,0.5&cls=0&convention=pytorch');
  assert.match(await page.textContent('[data-name="clip-note"]'), /PyTorch/);
  assert.equal(await value(page, 'saturated-bce-pytorch'), '100');

  // Another lesson through the list keeps it: softmax's loss note is PyTorch's (log-softmax, no clip).
  await page.click('#lesson-list a[href^="#/softmax"]');
  await page.waitForSelector('[data-lesson="softmax"][data-state="ready"]', { timeout: 20000 });
  assert.equal(await page.evaluate(() => location.hash), '#/softmax?convention=pytorch');
  assert.equal(await sw.inputValue(), 'pytorch');
  assert.match(await page.textContent('[data-name="loss-frameworks"]'), /^PyTorch/);

  // A reload keeps it (the URL is the only place it lives).
  await page.goto(`${env.url}#/log-loss?yhat=0,0.5,0.5&cls=0&convention=pytorch`);
  await page.reload();
  await page.waitForSelector(ready, { timeout: 20000 });
  assert.equal(await sw.inputValue(), 'pytorch');
  assert.equal(await value(page, 'cce-onehot'), 'Infinity');
  assert.equal(await page.isHidden('#notice'), true);

  // Back to Keras: the field leaves the URL, the number comes back.
  await sw.selectOption('keras');
  await page.waitForFunction(() => location.hash === '#/log-loss?yhat=0,0.5,0.5&cls=0');
  await page.waitForFunction(() => document.querySelector('[data-name="cce-onehot"]').textContent === '16.1181');
  assertClean();
  await context.close();
});

test('iou-nms: at IoU exactly τ, Keras suppresses B and PyTorch keeps it', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/iou-nms?a=0,0,30,10&b=10,0,40,10`);
  await page.waitForSelector('[data-lesson="iou-nms"][data-state="ready"]', { timeout: 20000 });
  assert.equal(await value(page, 'iou'), '0.5');
  assert.equal(await value(page, 'pair-rule'), 'keras:suppress,pytorch:keep');
  const ex = async () => page.evaluate(() => document.querySelector('[data-name="rule-note"]').textContent);
  assert.match(await ex(), /IoU ≥ τ/);
  await page.getByRole('combobox', { name: 'Convention' }).selectOption('pytorch');
  await page.waitForFunction(() => /IoU > τ/.test(document.querySelector('[data-name="rule-note"]').textContent));
  assert.match(await page.textContent('[data-name="pair-rule"]'), /PyTorch \(this page\), IoU > τ: B kept/);
  assertClean();
  await context.close();
});

test('the playground\'s worker session follows the switch: its convention notes (PyTorch\'s nn.Linear initializer, then Keras\' Glorot) and the URL', async () => {
  const base = '#/playground?hidden=4&epochs=2';
  const ready = '[data-lesson="playground"][data-state="ready"]';
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}${base}&convention=pytorch`);
  await page.waitForSelector(ready, { timeout: 60000 });
  await page.waitForFunction(() => /nn\.Linear/.test(document.querySelector('[data-name="convention-notes"]')?.textContent ?? ''), null, { timeout: 20000 });
  await page.getByRole('combobox', { name: 'Convention' }).selectOption('keras');
  await page.waitForFunction(() => /Keras Dense/.test(document.querySelector('[data-name="convention-notes"]').textContent), null, { timeout: 20000 });
  await page.waitForFunction((b) => location.hash === b, base);
  assertClean();
  await context.close();
});

test('a bad convention in a link is a notice, and the page keeps working', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/softmax?convention=tensorflow`);
  await page.waitForSelector('[data-lesson="softmax"][data-state="ready"]', { timeout: 20000 });
  assert.match(await page.textContent('#notice'), /Convention \(convention=tensorflow\) is not valid: expected one of keras, pytorch/);
  assert.equal(await page.getByRole('combobox', { name: 'Convention' }).inputValue(), 'keras');
  assertClean();
  await context.close();
});

test('dist/playgrad.html from file:// honours the convention in its URL', async () => {
  await checkSingleFile(env, {
    hash: '#/conv-size?stride=2&padding=same&convention=pytorch',
    ready: '[data-lesson="conv-size"][data-state="ready"]',
    async check(page) {
      assert.equal(await value(page, 'same-note'), 'keras:14,pytorch:refused');
      assert.match(await page.textContent('[data-name="size-error"]'), /PyTorch allows padding='same' only for stride 1/);
    },
  });
});

test('screenshots: the header switch at 375 and 1280 px', async () => {
  await screenshots(env, {
    name: 'convention', hash: '#/softmax?convention=pytorch', ready: '[data-lesson="softmax"][data-state="ready"]',
    async check(page) {
      assert.equal(await page.isVisible('select[data-name="convention"]'), true);
    },
  });
});
