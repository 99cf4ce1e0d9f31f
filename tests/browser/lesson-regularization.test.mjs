// The regularization lesson in a real page: training in the worker, TL = MSE + penalty shown with
// the numbers the core gives for the same settings (the lesson's session run again in the page),
// the log λ slider from the keyboard, the path filling in, Lasso's exact zero in the two-weight
// picture, bad input (λ < 0 in the link or the box) as a readable notice, an exercise, a shared
// link, offline, dist/playgrad.html over file://, screenshots.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkExercise, checkOffline, checkSharedUrl, checkSingleFile, openPage, screenshots, useBrowser } from './harness.mjs';

const env = useBrowser();
const READY = '[data-lesson="regularization"][data-state="ready"]';
const status = (page) => page.$eval('[data-name="status"]', (e) => ({ ...e.dataset }));
const value = (page, name) => page.$eval(`[data-name="${name}"]`, (e) => Number(e.dataset.value));
const done = (page) => page.waitForFunction(() => document.querySelector('[data-name="status"]').textContent.includes('done'), null, { timeout: 60000 });

/** The lesson's session for these settings, run in the page's main thread for `steps` steps. */
async function coreRun(page, over, steps) {
  return page.evaluate(async ([o, n]) => {
    const { load } = await import('./lib/playgrad.mjs');
    const L = await import('./lib/lessons/regularization/lesson.mjs');
    const { defaults } = await import('./lib/lessons/settings.mjs');
    const pg = await load();
    const s = L.session(pg, { ...defaults(L.settings), ...o });
    for (let i = 0; i < n; i++) s.step();
    const snap = s.snapshot();
    s.dispose();
    return { last: snap.last, l1: snap.l1, l2: snap.l2, opt: snap.geo.opt, zeros: snap.zeros };
  }, [over, steps]);
}

test('a step trains in the worker; TL = MSE + penalty with the core\'s numbers; the log slider moves λ', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/regularization?epochs=50&pathPoints=0`);
  await page.waitForSelector(READY, { timeout: 30000 });
  assert.equal((await status(page)).mode, 'worker');
  await page.click('[data-name="step"]');
  await page.waitForFunction(() => document.querySelector('[data-name="status"]').dataset.epoch === '1');
  const want = await coreRun(page, { epochs: 50, pathPoints: 0 }, 1);
  assert.equal(await value(page, 'tl'), want.last.loss);
  assert.equal(await value(page, 'mse'), want.last.data);
  assert.equal(await value(page, 'penalty'), want.last.penalty);
  assert.equal(await value(page, 'test-mse'), want.last.test);
  assert.ok(Math.abs(want.last.loss - (want.last.data + want.last.penalty)) < 1e-5);
  assert.match(await page.textContent('[data-name="penalty-kind"]'), /Ridge/);
  assert.ok(await page.$('[data-name="formula"] .katex'));

  // The log slider, from the keyboard: 20 notches of 0.05 to the right = ×10 (from 10^-2.5, the
  // notch nearest 0.003, to 10^-1.5 = 0.0316).
  const slider = page.locator('[data-name="log-lambda"]');
  await slider.focus();
  for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => /lambda=0\.0316(&|$)/.test(location.hash), null, { timeout: 10000 });
  await page.waitForFunction(() => document.querySelector('[data-name="l2"]').dataset.value === '0.0316');
  assert.equal(await page.textContent('[data-name="lambda-shown"]'), 'λ = 0.0316');
  // All the way left: λ = 0, no penalty.
  await page.keyboard.press('Home');
  await page.waitForFunction(() => /lambda=0(&|$)/.test(location.hash));
  await page.waitForFunction(() => /no penalty/.test(document.querySelector('[data-name="penalty-kind"]').textContent));
  assertClean();
  await context.close();
});

test('training runs to the end with the path; Lasso puts ŵ2 at exactly 0 in the two-weight picture', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/regularization?epochs=20&pathPoints=2&width=8&mix=1`);
  await page.waitForSelector(READY, { timeout: 30000 });
  const opt = await page.$eval('[data-name="geo-opt"]', (e) => e.dataset.value.split(',').map(Number));
  const want = await coreRun(page, { epochs: 20, pathPoints: 2, width: 8, mix: 1 }, 0);
  assert.deepEqual(opt, want.opt);
  assert.equal(opt[1], 0);
  assert.match(await page.textContent('[data-name="penalty-kind"]'), /Lasso/);
  await page.click('[data-name="play"]');
  await done(page);
  assert.equal(await page.$eval('[data-name="path-status"]', (e) => e.dataset.runs), '2');
  const end = await coreRun(page, { epochs: 20, pathPoints: 2, width: 8, mix: 1 }, 20);
  assert.equal(await value(page, 'tl'), end.last.loss);
  assert.equal(await value(page, 'near-zero'), end.zeros.near);
  // The two-weight λ changes in place (no retraining): the picture follows.
  await page.getByRole('spinbutton', { name: 'Two-weight picture: λ (exact value)' }).fill('0');
  await page.waitForFunction(() => /least-squares/.test(document.querySelector('[data-name="geo-tl"]').parentNode.textContent)
    && document.querySelector('[data-name="geo-opt"]').dataset.value.split(',').every((v) => Number(v) !== 0));
  const [o, w] = await page.$$eval('[data-name="geo-opt"], [data-name="geo-ols"]', (es) => es.map((e) => e.dataset.value.split(',').map(Number)));
  assert.ok(Math.abs(o[0] - w[0]) < 1e-6 && Math.abs(o[1] - w[1]) < 1e-6, `λ = 0: ŵ ${o} is w* ${w}`);
  assert.equal((await status(page)).epoch, '20', 'the network was not retrained');
  assertClean();
  await context.close();
});

test('bad input: λ < 0 in a link is a notice and the default is used; a negative λ typed is refused', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/regularization?lambda=-1&pathPoints=0`);
  await page.waitForSelector(READY, { timeout: 30000 });
  assert.equal(await page.isHidden('#notice'), false);
  assert.match(await page.textContent('#notice'), /lambda=-1/);
  assert.equal(await value(page, 'l2'), 0.003);
  const box = page.getByRole('spinbutton', { name: 'λ (penalty strength) (exact value)' });
  await box.fill('-0.5');
  assert.equal(await box.getAttribute('aria-invalid'), 'true');
  await page.waitForTimeout(200);
  assert.equal(await value(page, 'l2'), 0.003, 'nothing else changed');
  assert.ok(!/lambda=-0\.5/.test(await page.evaluate(() => location.hash)));
  const r = await checkExercise(page, 'table-min', '6');
  assert.equal(r.verdict, 'right');
  assertClean();
  await context.close();
});

test('a shared link restores the settings (after a reload too)', async () => {
  await checkSharedUrl(env, {
    hash: '#/regularization?lambda=0.02&mix=0.5&width=8&pathPoints=0',
    ready: READY,
    check: async (page) => {
      await page.waitForFunction(() => document.querySelector('[data-name="l1"]').dataset.value === '0.01');
      assert.equal(await value(page, 'l2'), 0.01);
      assert.match(await page.textContent('[data-name="penalty-kind"]'), /elastic net/);
    },
  });
});

test('offline, and from dist/playgrad.html over file://', async () => {
  await checkOffline(env, { first: '#/regularization', hash: '#/regularization?epochs=3&pathPoints=0', ready: READY,
    check: async (page) => { await page.click('[data-name="play"]'); await done(page); } });
  await checkSingleFile(env, { hash: '#/regularization?epochs=3&pathPoints=1&width=4', ready: READY,
    check: async (page) => {
      assert.equal((await status(page)).mode, 'main');
      await page.click('[data-name="play"]');
      await done(page);
    } });
});

test('screenshots: light and dark, 375 px and 1280 px', async () => {
  await screenshots(env, {
    name: 'regularization', hash: '#/regularization?epochs=150&pathPoints=4&mix=0.5', ready: READY, settle: 300,
    prepare: async (page) => { await page.click('[data-name="play"]'); await done(page); },
  });
});
