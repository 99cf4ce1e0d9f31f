// The gradient-descent lesson in a real page: ready with no console error; stepping, dragging a
// point, clicking to add one, dragging one off the plot, the batch size and the learning rate
// change the shown numbers exactly as the core computes them (pg.optim.linePath / lineStats in
// the page); the threshold beside the learning-rate slider; a shared URL, offline,
// dist/playgrad.html from file://, and screenshots.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkOffline, checkSharedUrl, checkSingleFile, openPage, screenshots, useBrowser } from './harness.mjs';

const READY = '[data-lesson="gradient-descent"][data-state="ready"]';
const DEFAULT_POINTS = [-0.8, -0.35, -0.3, 0.9, 0.4, 1.3, 0.9, 2.6, 1.5, 3, 2.1, 4.4, 2.6, 4.7, 3.2, 6];

const env = useBrowser();

const value = (page, name) => page.$eval(`[data-name="${name}"]`, (e) => e.dataset.value);
const num = async (page, name) => Number(await value(page, name));

/** The core's path and stats for these settings, in the page, through the public API. */
async function core(page, pts, o) {
  return page.evaluate(async ([p, opts]) => {
    const { load } = await import('./lib/playgrad.mjs');
    const pg = await load();
    const xs = p.filter((_, i) => i % 2 === 0), ys = p.filter((_, i) => i % 2 === 1);
    const path = pg.optim.linePath(xs, ys, { w0: -1.5, b0: 4, lr: 0.15, batchSize: 8, epochs: 20, seed: 1, limit: 1e4, ...opts });
    const stats = pg.optim.lineStats(xs, ys);
    return { w: Array.from(path.w), b: Array.from(path.b), gw: Array.from(path.gw), steps: path.steps, stepsPerEpoch: path.stepsPerEpoch, lrMax: stats.lrMax };
  }, [pts, o]);
}

/** Waits until the page shows step t. */
const atStep = (page, t) => page.waitForFunction((tt) => document.querySelector('[data-name="step"]')?.dataset.value === String(tt), t);

test('ready with the defaults; Step shows the update rule with the core\'s numbers; the threshold beside α', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/gradient-descent`);
  await page.waitForSelector(READY, { timeout: 20000 });
  const c = await core(page, DEFAULT_POINTS, {});
  assert.equal(await num(page, 'step'), 0);
  assert.equal(await num(page, 'update-w'), c.w[1]);
  assert.equal(await num(page, 'update-b'), c.b[1]);
  assert.equal(await num(page, 'grad-w'), c.gw[0]);
  assert.equal(await value(page, 'sign'), 'negative');
  // The threshold is next to the learning-rate slider, and in the surface panel.
  assert.equal(await num(page, 'threshold-beside'), c.lrMax);
  assert.match(await page.textContent('[data-setting="lr"] [data-name="threshold-beside"]'), /2\/λmax = 0\.27\d\d/);
  assert.equal(await value(page, 'verdict'), 'converges');
  // Step forward (the button, then the keyboard on it).
  await page.click('[data-name="step-forward"]');
  await atStep(page, 1);
  await page.waitForFunction(() => location.hash === '#/gradient-descent?step=1');
  assert.equal(await num(page, 'update-w'), c.w[2]);
  await page.focus('[data-name="step-forward"]');
  await page.keyboard.press('Enter');
  await atStep(page, 2);
  assert.equal(await num(page, 'update-w'), c.w[3]);
  // Play runs to the end.
  await page.click('[data-name="play"]');
  await atStep(page, 20);
  assert.match(await page.textContent('[data-name="update-w"]'), /training has ended/);
  assertClean();
  await context.close();
});

test('learning rate above 2/λmax: the verdict flips, the path stops with a divergence message', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/gradient-descent`);
  await page.waitForSelector(READY, { timeout: 20000 });
  const box = page.getByRole('spinbutton', { name: 'Learning rate α (exact value)' });
  await box.fill('0.3');
  await page.waitForFunction(() => document.querySelector('[data-name="verdict"]').dataset.value === 'diverges');
  await page.fill('[data-setting="epochs"] input[type="number"]', '100');
  await page.waitForFunction(() => !document.querySelector('[data-name="stop"]').hidden);
  assert.match(await page.textContent('[data-name="stop"]'), /diverged at step \d+/);
  const c = await core(page, DEFAULT_POINTS, { lr: 0.3, epochs: 100 });
  assert.ok(c.steps < 100);
  // The last step is where the core's path stopped.
  await page.click('button[aria-label="The last step"]');
  await atStep(page, c.steps);
  assert.match(await page.textContent('[data-setting="lr"] [data-name="threshold-beside"]'), /diverges/);
  assertClean();
  await context.close();
});

test('points: drag one, click to add one, drag one off the plot; mini-batch counts steps per epoch', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/gradient-descent?batch=3`);
  await page.waitForSelector(READY, { timeout: 20000 });
  assert.match(await page.textContent('[data-name="schedule"]'), /⌈8 \/ 3⌉ = 3 steps per epoch; 20 epochs = 60 steps/);
  assert.equal(await value(page, 'mode'), 'mini');
  const canvas = page.locator('[data-name="data-plot"]');
  await canvas.scrollIntoViewIfNeeded();
  const bb = await canvas.boundingBox();
  // The data box is [-2, 5] × [-3, 8] for the default points.
  const px = (x, y) => [bb.x + ((x + 2) / 7) * bb.width, bb.y + bb.height - ((y + 3) / 11) * bb.height];
  // Drag point 8 (3.2, 6) to about (3.2, 2).
  await page.mouse.move(...px(3.2, 6));
  await page.mouse.down();
  await page.mouse.move(...px(3.2, 4), { steps: 4 });
  await page.mouse.move(...px(3.2, 2), { steps: 4 });
  await page.mouse.up();
  await page.waitForFunction(() => Math.abs(Number(document.querySelector('[data-name="y-7"]').dataset.value) - 2) < 0.1);
  const y8 = await num(page, 'y-7');
  const pts = [...DEFAULT_POINTS];
  pts[15] = y8;
  pts[14] = await num(page, 'x-7');
  let c = await core(page, pts, { batchSize: 3 });
  assert.equal(await num(page, 'update-w'), c.w[1]);
  // Click empty space: a ninth point; the schedule follows (⌈9 / 3⌉ = 3).
  await page.mouse.click(...px(-1.5, 6));
  await page.waitForFunction(() => document.querySelector('[data-name="x-8"]'));
  assert.match(await page.textContent('[data-name="schedule"]'), /N = 9 points, B = 3: ⌈9 \/ 3⌉ = 3 steps per epoch/);
  const pts9 = [...pts, await num(page, 'x-8'), await num(page, 'y-8')];
  c = await core(page, pts9, { batchSize: 3 });
  assert.equal(await num(page, 'update-w'), c.w[1]);
  await page.waitForFunction(() => /points=([^&,]+,){17}[^&,]+(&|$)/.test(location.hash)); // 9 points in the URL
  // Drag point 1 off the plot: a message, and the point is back where it was.
  const before = [await num(page, 'x-0'), await num(page, 'y-0')];
  await page.mouse.move(...px(-0.8, -0.35));
  await page.mouse.down();
  await page.mouse.move(...px(-0.2, 0), { steps: 3 });
  await page.mouse.move(bb.x - 40, bb.y + bb.height / 2, { steps: 3 });
  await page.mouse.up();
  await page.waitForFunction(() => /dragged off the plot/.test(document.querySelector('[data-name="gd-notice"]').textContent));
  await page.waitForFunction(([x, y]) => Number(document.querySelector('[data-name="x-0"]').dataset.value) === x
    && Number(document.querySelector('[data-name="y-0"]').dataset.value) === y, before);
  assert.equal(await page.isVisible('[data-name="gd-notice"]'), true);
  assert.equal(await page.$eval(READY, (e) => e.dataset.state), 'ready');
  // Batch 1 (stochastic) with the keyboard: 9 steps per epoch, each point once per epoch.
  await page.getByRole('slider', { name: 'Batch size B' }).focus();
  await page.keyboard.press('Home');
  await page.waitForFunction(() => document.querySelector('[data-name="mode"]').dataset.value === 'stochastic');
  assert.match(await page.textContent('[data-name="schedule"]'), /⌈9 \/ 1⌉ = 9 steps per epoch/);
  const cells = await page.$$eval('[data-name^="batch-0-"]', (tds) => tds.map((t) => Number(t.textContent)));
  assert.deepEqual([...cells].sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assertClean();
  await context.close();
});

test('keyboard: move a point and the start with the arrow keys', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/gradient-descent`);
  await page.waitForSelector(READY, { timeout: 20000 });
  await page.focus('[data-name="data-plot"]');
  await page.keyboard.press(']');           // point 2
  await page.keyboard.press('ArrowUp');     // y + 0.1
  await page.waitForFunction(() => Math.abs(Number(document.querySelector('[data-name="y-1"]').dataset.value) - 1) < 1e-6);
  await page.focus('[data-name="surface"]');
  await page.keyboard.press('ArrowRight');  // w0 + 0.1
  await page.waitForFunction(() => /w0=-1\.4/.test(location.hash));
  const pts = [...DEFAULT_POINTS];
  pts[3] = 1;
  const c = await core(page, pts, { w0: -1.4 });
  assert.equal(await num(page, 'update-w'), c.w[1]);
  assertClean();
  await context.close();
});

test('a shared URL restores points, batch, seed and step; offline; dist/playgrad.html', async () => {
  const hash = '#/gradient-descent?lr=0.1&batch=2&seed=7&points=0,1,1,2.5,2,2.9,3,4.2&step=5';
  let want = null; // the core's w after step 5, from the served page's API
  const check = async (page) => {
    if (page.url().startsWith('http')) {
      const c = await core(page, [0, 1, 1, 2.5, 2, 2.9, 3, 4.2], { lr: 0.1, batchSize: 2, seed: 7 });
      want = c.w[6];
    }
    assert.equal(await num(page, 'step'), 5);
    assert.equal(await num(page, 'update-w'), want);
    assert.equal(await value(page, 'mode'), 'mini');
  };
  await checkSharedUrl(env, { hash, ready: READY, check });
  await checkOffline(env, { first: '#/gradient-descent', hash, ready: READY, check });
  await checkSingleFile(env, { hash, ready: READY, check }); // file://: the same number as the served page
});

test('a NaN in the URL: a readable notice, the default for that field only', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/gradient-descent?points=1,NaN,2,3&batch=2`);
  await page.waitForSelector(READY, { timeout: 20000 });
  assert.match(await page.textContent('#notice'), /Points \(x, y\) \(points=1,NaN,2,3\) is not valid/);
  assert.equal(await value(page, 'mode'), 'mini'); // batch=2 kept
  assert.equal(await num(page, 'x-7'), 3.2);       // the default points
  assertClean();
  await context.close();
});

test('screenshots: light and dark, 375 px and 1280 px', async () => {
  await screenshots(env, { name: 'gradient-descent', hash: '#/gradient-descent?lr=0.25&batch=3&step=7', ready: READY, settle: 200 });
});
