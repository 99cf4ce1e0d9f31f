// The backprop lesson in a real page: ready with no console error; stepping forward node by node
// and backward edge by edge shows the core's numbers (local × upstream = downstream, two
// contributions that add); a weight changed from the keyboard and by the nudge button; a typed
// f(x, y), a typo that keeps the last graph; shared URL, offline, file:// and screenshots.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkOffline, checkSharedUrl, checkSingleFile, openPage, screenshots, useBrowser } from './harness.mjs';

const env = useBrowser();
const READY = '[data-lesson="backprop"][data-state="ready"]';

const value = (page, name) => page.$eval(`[data-name="${name}"]`, (e) => Number(e.dataset.value));
const text = (page, name) => page.textContent(`[data-name="${name}"]`);

/** The lesson's compute() for a state, in the page, through the page's own core. */
async function core(page, patch = {}) {
  return page.evaluate(async (p) => {
    const { load } = await import('./lib/playgrad.mjs');
    const bp = await import('./lib/lessons/backprop/lesson.mjs');
    const { defaults } = await import('./lib/lessons/settings.mjs');
    const r = bp.compute(await load(), { ...defaults(bp.settings), ...p });
    return { ...r, names: r.nodes?.map((n) => bp.nodeName(n)) };
  }, patch);
}
const fmt4 = (v) => v.toFixed(4).replace('-', '−');

test('#/backprop gets ready; Step runs forward node by node, then backward edge by edge', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/backprop`);
  await page.waitForSelector(READY, { timeout: 20000 });
  const r = await core(page);
  assert.equal(await value(page, 'loss'), r.loss);
  assert.equal(await page.locator('.bp-box').count(), r.nodes.length);
  // At the end every node shows its value and gradient, as the core traced them.
  const L = page.locator(`.bp-box[data-node="${r.root}"]`);
  assert.equal(Number(await L.getAttribute('data-grad')), 1);
  const w7 = r.nodes.find((n) => n.label === 'w7');
  assert.equal(Number(await page.locator(`.bp-box[data-node="${w7.id}"]`).getAttribute('data-grad')), w7.grad[0]);
  assert.equal(await value(page, 'chain-w7-traced'), r.chain.dLdw7);
  assert.equal(await value(page, 'chain-w7-prod'), r.chain.prodW7);
  assert.equal(await value(page, 'chain-w1-prod'), r.chain.prodW1);

  await page.getByRole('button', { name: 'Start', exact: true }).click();
  assert.equal(await value(page, 'step-index'), 0);
  assert.match(await text(page, 'step-text'), /^Start/);
  assert.equal(await page.locator('.bp-box.pending').count(), r.forward.length);
  await page.getByRole('button', { name: 'Step ▸' }).click();
  const first = r.nodes[r.forward[0]];
  assert.equal(await text(page, 'step-text'),
    `Forward 1/${r.forward.length}: w1x1 = w1 × x1 = ${fmt4(0.5)} × ${fmt4(1)} = ${fmt4(first.value[0])}`);
  assert.equal(await page.locator('.bp-box.pending').count(), r.forward.length - 1);
  // Keyboard: Step is a button; Enter steps on to the end of the forward pass and the seed.
  await page.getByRole('button', { name: 'Step ▸' }).focus();
  for (let i = 1; i <= r.forward.length; i++) await page.keyboard.press('Enter');
  assert.match(await text(page, 'step-text'), /^Backward starts at the root: ∂L\/∂L = 1\.0000/);
  assert.equal(await page.locator('.bp-box.pending').count(), 0);
  await page.keyboard.press('Enter');
  const b0 = r.backward[0];
  assert.equal(await text(page, 'step-text'),
    `Backward 1/${r.backward.length}, edge ŷ−y → L: local ∂L/∂ŷ−y = ${fmt4(b0.local)}; upstream ∂L/∂L = ${fmt4(1)}; downstream = ${fmt4(b0.local)} × ${fmt4(1)} = ${fmt4(b0.contribution)}.`
    + `ŷ−y is used 2 times: this is contribution 1 of 2; the sum comes when the last one arrives.`);
  await page.keyboard.press('Enter');
  const b1 = r.backward[1];
  assert.equal(b1.of, 2);
  assert.match(await text(page, 'step-text'),
    new RegExp(`ŷ−y is used 2 times: its contributions add, ∂L/∂ŷ−y = ${fmt4(b1.parts[0])} \\+ ${fmt4(b1.parts[1])} = ${fmt4(b1.total)}\\.`));
  // Back undoes one step; End shows everything again.
  await page.getByRole('button', { name: '◂ Back' }).click();
  assert.equal(await value(page, 'step-index'), r.forward.length + 2);
  await page.getByRole('button', { name: 'End', exact: true }).click();
  assert.equal(await value(page, 'step-index'), r.forward.length + 1 + r.backward.length);
  // Clicking x1 shows its three contributions and their sum.
  const x1 = r.nodes.find((n) => n.label === 'x1');
  await page.locator(`.bp-box[data-node="${x1.id}"]`).click();
  assert.match(await text(page, 'details'), new RegExp(`x1: value 1\\.0000; gradient ${fmt4(x1.grad[0])} = .+ \\+ .+ \\+ .+`));
  assertClean();
  await context.close();
});

test('a weight changed from the keyboard and by the nudge: the numbers follow the core', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/backprop`);
  await page.waitForSelector(READY, { timeout: 20000 });
  const r0 = await core(page);
  // Nudge panel: predicted = gradient × ε, real = recomputed.
  assert.equal(await value(page, 'nudge-predicted'), r0.nudge.predicted);
  assert.equal(await value(page, 'nudge-real'), r0.nudge.real);
  assert.equal(await value(page, 'fd-grad-w7'), r0.params[6].grad);
  assert.equal(await value(page, 'fd-fd-w7'), r0.params[6].fd);
  // Focus the w7 node and press → (step 0.05).
  const w7 = r0.nodes.find((n) => n.label === 'w7');
  await page.locator(`.bp-box[data-node="${w7.id}"]`).focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => location.hash.includes('w=0.5,-0.3,0.8,0.2,-0.6,0.4,0.75,'));
  const w = [0.5, -0.3, 0.8, 0.2, -0.6, 0.4, 0.75, -0.5, 0.3, 0.4, -0.2, 0.05, 0.1];
  const r1 = await core(page, { w });
  await page.waitForFunction((v) => document.querySelector('[data-name="loss"]').dataset.value === String(v), r1.loss);
  assert.notEqual(r1.loss, r0.loss);
  assert.equal(await value(page, 'chain-w7-traced'), r1.chain.dLdw7);
  // The nudge button applies ε = 0.05 to w7 for real: L moves by about the predicted amount.
  const predicted = await value(page, 'nudge-predicted');
  const real = await value(page, 'nudge-real');
  await page.getByRole('button', { name: /^Apply: w7 \+ 0\.05/ }).click();
  await page.waitForFunction(() => location.hash.includes(',0.8,-0.5,'));
  const r2 = await core(page, { w: w.map((v, i) => (i === 6 ? 0.8 : v)) });
  await page.waitForFunction((v) => document.querySelector('[data-name="loss"]').dataset.value === String(v), r2.loss);
  assert.ok(Math.abs(r2.loss - r1.loss - real) < 1e-5, `${r2.loss - r1.loss} vs ${real}`);
  assert.ok(Math.abs(r2.loss - r1.loss - predicted) < 0.05 * 0.05 * 10);
  assertClean();
  await context.close();
});

test('a typed f(x, y): its graph; a typo shows the parser’s message and keeps the last graph', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/backprop`);
  await page.waitForSelector(READY, { timeout: 20000 });
  const fbox = page.getByRole('textbox', { name: /f\(x, y\)/ });
  await fbox.fill('x*x*y');
  await fbox.press('Enter');
  await page.waitForFunction(() => location.hash.includes('graph=expr'));
  const r = await core(page, { graph: 'expr', f: 'x*x*y', nudge: 'x1' });
  await page.waitForFunction((n) => document.querySelectorAll('.bp-box').length === n, r.nodes.length);
  assert.equal(await value(page, 'loss'), r.loss); // 1·1·2
  const x = r.nodes.find((n) => n.label === 'x');
  assert.equal(Number(await page.locator(`.bp-box[data-node="${x.id}"]`).getAttribute('data-grad')), x.grad[0]); // 2xy = 4
  assert.equal(x.grad[0], 4);
  assert.equal(await value(page, 'nudge-predicted'), r.nudge.predicted);

  await fbox.fill('x * (y');
  await fbox.press('Enter');
  await page.waitForSelector('[data-name="expr-error"]:not([hidden])');
  assert.match(await text(page, 'expr-error'), /expr: .*position/);
  assert.equal(await page.locator('.bp-box').count(), r.nodes.length); // the last graph stays
  assert.equal(await value(page, 'loss'), r.loss);
  assert.equal(await page.$('[data-lesson="backprop"][data-state="ready"]') !== null, true);

  await fbox.fill('sigmoid(2x - y)');
  await fbox.press('Enter');
  await page.waitForSelector('[data-name="expr-error"][hidden]', { state: 'attached' });
  const r2 = await core(page, { graph: 'expr', f: 'sigmoid(2x - y)', nudge: 'x1' });
  await page.waitForFunction((v) => document.querySelector('[data-name="loss"]').dataset.value === String(v), r2.loss);
  assert.equal(await page.locator('.bp-box').count(), r2.nodes.length);
  assertClean();
  await context.close();
});

test('a shared URL reproduces the state, also after a reload; offline; file://', async () => {
  const hash = '#/backprop?graph=expr&f=(x%20%2B%20y)%5E2&x=0.5,-1.5&nudge=x2&eps=0.1';
  await checkSharedUrl(env, {
    hash, ready: READY,
    check: async (page) => {
      const r = await core(page, { graph: 'expr', f: '(x + y)^2', x: [0.5, -1.5], nudge: 'x2', eps: 0.1 });
      assert.equal(await value(page, 'loss'), r.loss);
      assert.equal(r.loss, 1);
      assert.equal(await value(page, 'nudge-predicted'), r.nudge.predicted);
      assert.ok(Math.abs(r.nudge.predicted - -0.2) < 1e-6);
    },
  });
  await checkOffline(env, {
    first: '#/backprop', hash: '#/backprop?y=2', ready: READY,
    check: async (page) => assert.equal(await value(page, 'loss'), (await core(page, { y: 2 })).loss),
  });
  await checkSingleFile(env, {
    hash: '#/backprop', ready: READY,
    check: async (page) => assert.match(await text(page, 'step-text'), /^Backward/),
  });
});

test('screenshots: light and dark, 375 px and 1280 px', async () => {
  await screenshots(env, {
    name: 'backprop', hash: '#/backprop', ready: READY,
    prepare: async (page) => {
      await page.getByRole('button', { name: 'Start', exact: true }).click();
      for (let i = 0; i < 24; i++) await page.getByRole('button', { name: 'Step ▸' }).click();
    },
  });
});
