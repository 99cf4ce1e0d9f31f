// The activations lesson in a real page: ready with no console error, the shown numbers equal
// what the core computes (the lesson's compute() run in the page on the public API), keyboard,
// clicks on a curve and on the gradient chart, zero-init symmetry shown, depth 0 and 10,000 in
// the URL refused with a notice, a shared URL, offline, dist/playgrad.html from file://, and
// screenshots (light and dark, 375 px and 1280 px) in tests/browser/artifacts/.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkOffline, checkSharedUrl, checkSingleFile, openPage, screenshots, useBrowser } from './harness.mjs';

const READY = '[data-lesson="activations"][data-state="ready"]';
const env = useBrowser();

const value = (page, name) => page.$eval(`[data-name="${name}"]`, (e) => Number(e.dataset.value));
const text = (page, name) => page.$eval(`[data-name="${name}"]`, (e) => e.textContent);

/** The lesson's numbers for a state change from its defaults, computed in the page by the core. */
async function core(page, change) {
  return page.evaluate(async (ch) => {
    const { load } = await import('./lib/playgrad.mjs');
    const lesson = await import('./lib/lessons/activations/lesson.mjs');
    const { defaults } = await import('./lib/lessons/settings.mjs');
    const pg = await load();
    const r = lesson.compute(pg, { ...defaults(lesson.settings), ...ch });
    return { ratio: r.stack.ratio, grads: r.stack.before.gradNorms, peaks: r.curves.map((c) => c.peak), a: r.prelu.a[r.prelu.a.length - 1],
      leakySat: r.curves[3].intervals.length, spread: r.stack.after.spread };
  }, change);
}

async function waitValue(page, name, v) {
  await page.waitForFunction(([n, want]) => document.querySelector(`[data-name="${n}"]`)?.dataset.value === String(want), [name, v]);
}

test('#/activations gets ready with the core\'s numbers; keyboard, a curve click and a chart click change them as the core says', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/activations`);
  await page.waitForSelector(READY, { timeout: 30000 });
  let want = await core(page, {});
  assert.equal(await value(page, 'ratio'), want.ratio);
  assert.equal(await value(page, 'peak-sigmoid'), 0.25);
  assert.equal(await value(page, 'prelu-a'), want.a);
  assert.equal(await value(page, 'grad-0'), want.grads[0]);
  assert.equal(await text(page, 'course-low'), '0.0255');
  assert.equal(await text(page, 'course-high'), '37.7833');  // float32: 1.01f^365
  assert.ok(await page.$('.katex'), 'formulas are rendered by KaTeX');

  // Keyboard on the depth slider: 10 -> 11.
  await page.getByRole('slider', { name: 'Stack: hidden layers (depth)' }).focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => location.hash === '#/activations?depth=11');
  want = await core(page, { depth: 11 });
  await waitValue(page, 'ratio', want.ratio);
  assert.equal(await page.$$eval('[data-name^="grad-"]', (c) => c.filter((e) => /^grad-\d+$/.test(e.dataset.name)).length), 12);

  // Clicking the ReLU curve puts ReLU into the stack.
  await page.click('[data-name="curve-relu"]');
  await page.waitForFunction(() => location.hash === '#/activations?act=relu&depth=11');
  want = await core(page, { act: 'relu', depth: 11 });
  await waitValue(page, 'ratio', want.ratio);
  assert.equal(await page.getByRole('combobox', { name: 'Stack: activation' }).inputValue(), 'relu');
  // The same from the keyboard: focus the tanh curve, Enter.
  await page.focus('[data-name="curve-tanh"]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash === '#/activations?act=tanh&depth=11');

  // Clicking the gradient chart near its right end picks the output layer (12).
  const chart = page.locator('[data-name="grad-chart"]');
  await chart.scrollIntoViewIfNeeded();
  const box = await chart.boundingBox();
  await chart.click({ position: { x: box.width - 13, y: box.height / 2 } });
  await page.waitForFunction(() => location.hash === '#/activations?act=tanh&depth=11&layer=12');
  assert.equal(await page.getByRole('combobox', { name: 'Stack: layer shown in detail' }).inputValue(), '12');
  // Arrow keys on the chart move the layer.
  await page.focus('[data-name="grad-chart"]');
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => location.hash === '#/activations?act=tanh&depth=11&layer=11');

  // Leaky slope past 0.05: the negative side is no longer saturated.
  assert.notEqual(await text(page, 'sat-leaky_relu'), 'nowhere');
  await page.getByRole('spinbutton', { name: 'Leaky ReLU slope α (exact value)' }).fill('0.1');
  await page.waitForFunction(() => document.querySelector('[data-name="sat-leaky_relu"]').textContent === 'nowhere');
  assert.equal((await core(page, { alpha: 0.1 })).leakySat, 0);
  assertClean();
  await context.close();
});

test('zero initialisation: every unit identical, also after the SGD steps; a random init breaks it', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/activations?init=zeros&steps=3&layer=2`);
  await page.waitForSelector(READY, { timeout: 30000 });
  await waitValue(page, 'sym-before-text', true);
  await waitValue(page, 'sym-after-text', true);
  assert.equal(await value(page, 'spread-after'), 0);
  assert.equal(await value(page, 'grad-spread-after'), 0);
  assert.match(await text(page, 'sym-after-text'), /After 3 SGD steps they are still identical/);
  await page.getByRole('combobox', { name: 'Stack: initialisation' }).selectOption('glorot_uniform');
  await waitValue(page, 'sym-before-text', false);
  assert.ok(await value(page, 'spread-before') > 0);
  assert.deepEqual((await core(page, { init: 'zeros', steps: 3, layer: 2 })).spread.every((v) => v === 0), true);
  assertClean();
  await context.close();
});

test('depth 0 and 10,000 in the URL: a readable notice, the default depth, nothing else changes', async () => {
  for (const bad of ['0', '10000']) {
    const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/activations?depth=${bad}&act=relu`);
    await page.waitForSelector(READY, { timeout: 30000 });
    assert.equal(await page.isVisible('#notice'), true);
    assert.match(await page.textContent('#notice'), new RegExp(`Stack: hidden layers \\(depth\\) \\(depth=${bad}\\) is not valid: expected a whole number from 1 to 20\\. Using the default, 10\\.`));
    const want = await core(page, { act: 'relu' });
    await waitValue(page, 'ratio', want.ratio);
    assert.equal(await page.getByRole('combobox', { name: 'Stack: activation' }).inputValue(), 'relu');
    assertClean();
    await context.close();
  }
});

test('a shared URL reproduces the state after a reload; offline; dist/playgrad.html from file://', async () => {
  const hash = '#/activations?alpha=0.2&target=0.3&act=leaky_relu&depth=20&width=8&init=he_normal&seed=7&layer=5';
  const change = { alpha: 0.2, target: 0.3, act: 'leaky_relu', depth: 20, width: 8, init: 'he_normal', seed: 7, layer: 5 };
  const check = async (page) => {
    const want = await core(page, change);
    assert.equal(await value(page, 'ratio'), want.ratio);
    assert.equal(await value(page, 'prelu-a'), want.a);
    assert.equal(await value(page, 'grad-19'), want.grads[19]);
  };
  await checkSharedUrl(env, { hash, ready: READY, check });
  await checkOffline(env, { first: '#/activations', hash, ready: READY, check });
  await checkSingleFile(env, {
    hash, ready: READY,
    check: async (page) => {
      assert.equal(await value(page, 'peak-sigmoid'), 0.25);
      assert.equal(await page.$$eval('[data-name^="dead-"]', (c) => c.length), 20);
    },
  });
});

test('screenshots: light and dark, 375 px and 1280 px', async () => {
  await screenshots(env, { name: 'activations', hash: '#/activations?act=relu&depth=12&init=normal&scale=0.6&layer=3', ready: READY, settle: 250 });
});
