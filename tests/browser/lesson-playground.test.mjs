// The training playground in a real page: training runs in a Web Worker (progress is made while
// the page's main thread is busy), play/pause/step/reset, scrubbing the timeline, a weight set by
// hand, drawn points and CSV files (bad ones explained, the previous data kept), a diverging run
// stopped by the health check, export and load of the model, a shared link, offline, the
// single-file page (training on the main thread there), screenshots.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkOffline, checkSharedUrl, checkSingleFile, openPage, screenshots, useBrowser } from './harness.mjs';

const env = useBrowser();
const READY = '[data-lesson="playground"][data-state="ready"]';
const status = (page) => page.$eval('[data-name="status"]', (e) => ({ ...e.dataset }));
const epochAtLeast = (page, n) => page.waitForFunction((k) => Number(document.querySelector('[data-name="status"]')?.dataset.epoch) >= k, n, { timeout: 60000 });

test('training runs in a worker: epochs advance while the main thread is busy; play, pause, step, reset', async () => {
  // Many epochs, so that training is still under way after the busy main thread below.
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/playground?epochs=10000`);
  await page.waitForSelector(READY, { timeout: 30000 });
  assert.equal((await status(page)).mode, 'worker');
  assert.equal((await status(page)).epoch, '0');
  await page.click('[data-name="step"]');
  await page.waitForFunction(() => document.querySelector('[data-name="status"]').dataset.batch === '1');
  await page.click('[data-name="play"]');
  await epochAtLeast(page, 1);
  // Block the page's main thread for a while: a worker keeps training meanwhile.
  const before = Number((await status(page)).epoch);
  await page.evaluate(() => { const t = performance.now(); while (performance.now() - t < 3000) { /* busy */ } });
  await page.waitForFunction((b) => Number(document.querySelector('[data-name="status"]').dataset.epoch) > b + 1, before, { timeout: 5000 });
  // While it plays, no animation frame redraws more than two canvases (the surface or the
  // network, and one chart), yet each of them is redrawn (the histogram when its bars change):
  // every canvas draw starts with clearRect (kit.fitCanvas), counted per frame (document.timeline's
  // time is one per frame).
  const frames = await page.evaluate(async () => {
    const clear = CanvasRenderingContext2D.prototype.clearRect;
    const perFrame = new Map();
    const drawn = new Set();
    CanvasRenderingContext2D.prototype.clearRect = function (...a) {
      const t = document.timeline.currentTime;
      perFrame.set(t, (perFrame.get(t) ?? 0) + 1);
      drawn.add(this.canvas.dataset.name ?? this.canvas.getAttribute('aria-label')?.split(':')[0]);
      return clear.apply(this, a);
    };
    await new Promise((r) => setTimeout(r, 1500));
    CanvasRenderingContext2D.prototype.clearRect = clear;
    return { most: Math.max(...perFrame.values()), frames: perFrame.size, drawn: [...drawn].sort() };
  });
  assert.ok(frames.frames >= 3, `only ${frames.frames} frames drew while playing`);
  assert.ok(frames.most <= 2, `a frame redrew ${frames.most} canvases while playing`);
  for (const name of ['surface', 'network', 'loss per epoch', 'accuracy per epoch']) assert.ok(frames.drawn.includes(name), `${name} not redrawn while playing (${frames.drawn})`);
  await page.click('[data-name="play"]'); // pause
  await page.waitForFunction(() => document.querySelector('[data-name="status"]').dataset.playing === 'false');
  const paused = (await status(page)).epoch;
  await page.waitForTimeout(500);
  assert.equal((await status(page)).epoch, paused, 'paused means no more epochs');
  const loss = Number(await page.$eval('[data-name="metrics"]', (e) => e.dataset.loss));
  assert.ok(Number.isFinite(loss) && loss > 0);
  await page.click('[data-name="reset"]');
  await page.waitForFunction(() => document.querySelector('[data-name="status"]').dataset.epoch === '0');
  assertClean();
  await context.close();
});

test('the timeline scrubs back to an epoch; a weight set by hand (the output bias) shows at once', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/playground?epochs=6`);
  await page.waitForSelector(READY, { timeout: 30000 });
  await page.click('[data-name="play"]');
  await page.waitForFunction(() => document.querySelector('[data-name="status"]').textContent.includes('done'), null, { timeout: 60000 });
  assert.equal((await status(page)).epoch, '6');
  await page.$eval('[data-name="timeline"]', (r) => { r.value = '2'; r.dispatchEvent(new Event('input')); r.dispatchEvent(new Event('change')); });
  await page.waitForFunction(() => document.querySelector('[data-name="status"]').dataset.epoch === '2');
  assert.equal((await status(page)).resumes, '1', 'the session counts the scrub');
  await page.selectOption('[data-name="weight-pick"]', 'output/bias');
  await page.fill('[data-name="weight-value"]', '3.5');
  await page.click('[data-name="weight-set"]');
  await page.waitForFunction(() => document.querySelector('[data-name="weight-info"]').dataset.value === '3.5');
  assertClean();
  await context.close();
});

test('drawn points: none is a message; clicks add points of the chosen class and it trains', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/playground?dataset=drawn&lr=0.1`);
  await page.waitForSelector(READY, { timeout: 30000 });
  assert.match(await page.textContent('[data-name="problem"]'), /no points yet/);
  const canvas = page.locator('canvas[aria-label^="the decision surface"]');
  const box = await canvas.boundingBox();
  const at = (x, y) => canvas.click({ position: { x: ((x + 6) / 12) * box.width, y: ((6 - y) / 12) * box.height } });
  for (const [x, y] of [[-3, -3], [-2, -3], [-3, -2]]) await at(x, y);
  await page.click('[data-name="draw-class-1"]');
  for (const [x, y] of [[3, 3], [2, 3], [3, 2]]) await at(x, y);
  await page.waitForFunction(() => document.querySelector('[data-name="problem"]').hidden);
  await page.click('[data-name="play"]');
  await epochAtLeast(page, 3);
  assertClean();
  await context.close();
});

test('CSV files: a bad one is explained (row and column) and the previous data kept; a good one trains', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/playground?dataset=csv`);
  await page.waitForSelector(READY, { timeout: 30000 });
  const file = (name, text) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
  await page.setInputFiles('[data-name="csv-file"]', file('good.csv', 'x1,x2,label\n-3,-3,0\n-2,-3,0\n-3,-2,0\n3,3,1\n2,3,1\n3,2,1\n'));
  await page.waitForFunction(() => /6 points in 2 classes/.test(document.querySelector('[data-name="csv-message"]').textContent));
  await page.waitForFunction(() => document.querySelector('[data-name="problem"]').hidden);
  await page.setInputFiles('[data-name="csv-file"]', file('bad.csv', '1,2,0\n3,abc,1\n'));
  await page.waitForFunction(() => /Row 2, column 2 \(x2\)/.test(document.querySelector('[data-name="csv-message"]').textContent));
  assert.match(await page.textContent('[data-name="csv-message"]'), /previous data is kept/);
  assert.equal(await page.isHidden('[data-name="problem"]'), true); // still training on good.csv
  await page.setInputFiles('[data-name="csv-file"]', { name: 'x.bin', mimeType: 'application/octet-stream', buffer: Buffer.from([0, 1, 2, 3, 80, 75, 3, 4]) });
  await page.waitForFunction(() => /binary/.test(document.querySelector('[data-name="csv-message"]').textContent));
  assertClean();
  await context.close();
});

test('a diverging run stops with the health panel naming the problem; the page keeps working', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/playground?dataset=plane&loss=mse&hidden=8,8&activation=relu&lr=10`);
  await page.waitForSelector(READY, { timeout: 30000 });
  await page.click('[data-name="play"]');
  await page.waitForSelector('[data-name="health"]:not([hidden])', { timeout: 60000 });
  const text = await page.textContent('[data-name="health"]');
  assert.match(text, /Training stopped: epoch \d+, batch \d+/);
  assert.match(text, /lower the learning rate/);
  // Change the learning rate: a working run again.
  await page.goto(`${env.url}#/playground?dataset=plane&loss=mse&hidden=8,8&activation=relu&lr=0.01`);
  await page.waitForSelector('[data-name="health"][hidden]', { state: 'attached', timeout: 30000 });
  assertClean();
  await context.close();
});

test('export: the model as the core saves it; loading it back continues; a wrong file is a notice', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/playground?epochs=3`, { acceptDownloads: true });
  await page.waitForSelector(READY, { timeout: 30000 });
  await page.click('[data-name="play"]');
  await page.waitForFunction(() => document.querySelector('[data-name="status"]').textContent.includes('done'), null, { timeout: 60000 });
  await page.click('[data-name="export"]');
  await page.waitForSelector('[data-name="export-json"]:not([hidden])');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-name="export-json"]')]);
  const chunks = [];
  for await (const c of await download.createReadStream()) chunks.push(c);
  const json = Buffer.concat(chunks).toString('utf8');
  assert.equal(download.suggestedFilename(), 'playground-model.json');
  const saved = JSON.parse(json);
  assert.equal(saved.format, 'playgrad-model');
  assert.ok(saved.weights['output/kernel']);
  await page.setInputFiles('[data-name="load-model"]', { name: 'm.json', mimeType: 'application/json', buffer: Buffer.from(json) });
  await page.waitForFunction(() => /Loaded/.test(document.querySelector('[data-name="load-message"]').textContent));
  await page.setInputFiles('[data-name="load-model"]', { name: 'n.json', mimeType: 'application/json', buffer: Buffer.from('{"not": "a model"}') });
  await page.waitForSelector('[data-name="notice"]:not([hidden])');
  assert.match(await page.textContent('[data-name="notice"]'), /not a model the core can read/);
  assertClean();
  await context.close();
});

test('export as Keras and PyTorch code: the network and the data in the text, downloadable; the keyboard picks weights', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/playground?hidden=5&batchNorm=true&dropout=0.1&optimizer=adam&lr=0.01&epochs=2`, { acceptDownloads: true });
  await page.waitForSelector(READY, { timeout: 30000 });
  await page.click('[data-name="export-keras"]');
  await page.waitForSelector('[data-name="export-code"]:not([hidden])');
  const keras = await page.inputValue('[data-name="export-code"]');
  assert.match(keras, /layers\.Dense\(5, activation="linear"[^\n]*name="hidden1"\)/);
  assert.match(keras, /layers\.BatchNormalization\(momentum=0\.99, epsilon=1e-3, name="bn1"\)/);
  assert.match(keras, /keras\.optimizers\.Adam\(learning_rate=0\.01,/);
  assert.match(keras, /n_train = 250/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-name="export-code-file"]')]);
  assert.equal(download.suggestedFilename(), 'playground_keras.py');
  const chunks = [];
  for await (const c of await download.createReadStream()) chunks.push(c);
  assert.equal(Buffer.concat(chunks).toString('utf8'), keras);
  await page.click('[data-name="export-pytorch"]');
  await page.waitForFunction(() => document.querySelector('[data-name="export-code"]').dataset.framework === 'export-pytorch');
  const torch = await page.inputValue('[data-name="export-code"]');
  assert.match(torch, /nn\.Linear\(2, 5\),[^\n]*\n\s*nn\.BatchNorm1d\(5, eps=1e-3, momentum=0\.01\)/);
  assert.match(await page.getAttribute('[data-name="export-code-file"]', 'download'), /playground_pytorch\.py/);
  // The network on the keyboard: focus it, the arrows walk through the weights, Enter edits one.
  await page.focus('[data-name="train-panel"] canvas[tabindex="0"]');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => /hidden1\/kernel\[from 0 to 0\]/.test(document.querySelector('[data-name="weight-info"]').textContent));
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => /hidden1\/kernel\[from 0 to 1\]/.test(document.querySelector('[data-name="weight-info"]').textContent));
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft'); // wraps to the last: the output bias
  await page.waitForFunction(() => /output\/bias\[0\]/.test(document.querySelector('[data-name="weight-info"]').textContent));
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.name), 'weight-value');
  await page.keyboard.type('-2.25');
  await page.click('[data-name="weight-set"]');
  await page.waitForFunction(() => document.querySelector('[data-name="weight-info"]').dataset.value === '-2.25');
  assert.match(await page.textContent('[data-name="net-legend"]'), /positive.*negative/);
  assertClean();
  await context.close();
});

test('no hidden layer (logistic regression): the view draws and trains with no neuron to show', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/playground?hidden=&epochs=3`);
  await page.waitForSelector(READY, { timeout: 30000 });
  await page.click('[data-name="play"]');
  await epochAtLeast(page, 3);
  await page.waitForFunction(() => document.querySelector('[data-name="status"]').dataset.playing === 'false');
  assert.equal(await page.$eval('[data-lesson="playground"]', (e) => e.dataset.state), 'ready');
  assertClean();
  await context.close();
});

test('a shared link restores the settings (after a reload too)', async () => {
  await checkSharedUrl(env, {
    hash: '#/playground?dataset=spiral&classes=3&features=x1,x2,sinx1&hidden=6&activation=relu&loss=cce&optimizer=adam&lr=0.01',
    ready: READY,
    check: async (page) => {
      assert.equal(await page.getByRole('combobox', { name: 'Dataset' }).inputValue(), 'spiral');
      assert.equal(await page.getByRole('textbox', { name: 'Hidden layers (units)' }).inputValue(), '6');
      assert.match(await page.textContent('[data-name="metrics"]'), /· 45 parameters/); // (3 + 1)·6 + (6 + 1)·3
    },
  });
});

test('offline, and from dist/playgrad.html over file:// (training on the main thread there)', async () => {
  await checkOffline(env, { first: '#/playground', hash: '#/playground?epochs=2', ready: READY,
    check: async (page) => { await page.click('[data-name="play"]'); await epochAtLeast(page, 2); } });
  await checkSingleFile(env, { hash: '#/playground?epochs=2', ready: READY,
    check: async (page) => {
      assert.equal((await status(page)).mode, 'main');
      await page.click('[data-name="play"]');
      await epochAtLeast(page, 2);
    } });
});

test('screenshots: light and dark, 375 px and 1280 px', async () => {
  await screenshots(env, {
    name: 'playground', hash: '#/playground?dataset=spiral&classes=3&hidden=12,12&activation=relu&loss=cce&optimizer=adam&lr=0.02&epochs=15',
    ready: READY, settle: 300,
    prepare: async (page) => {
      await page.click('[data-name="play"]');
      await page.waitForFunction(() => document.querySelector('[data-name="status"]').textContent.includes('done'), null, { timeout: 60000 });
    },
  });
});
