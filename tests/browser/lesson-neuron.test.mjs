// The neuron lesson in a real page: ready with the core's numbers; a dragged point, a click that
// adds one, a shift-click that changes a class, a dragged decision line and arrow, the Step and
// Train buttons, the loss switch and the hidden activation, each changing the shown numbers to
// what compute() gives in the page; the keyboard path on the picture; a point dragged off the
// picture and a bad points field in the link (readable messages, nothing else changes); a shared
// URL after a reload, offline, dist/playgrad.html from file://, and screenshots.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkOffline, checkSharedUrl, checkSingleFile, openPage, screenshots, useBrowser } from './harness.mjs';

const READY = '[data-lesson="neuron"][data-state="ready"]';
const BOX = 4;

const env = useBrowser();

const value = (page, name) => page.$eval(`[data-name="${name}"]`, (e) => Number(e.dataset.value));
const hashField = (page, name) => page.evaluate((n) => new URLSearchParams(location.hash.split('?')[1] ?? '').get(n), name);

/** compute() in the page for the page's current state (read back from its URL), through the core. */
async function coreNow(page) {
  return page.evaluate(async () => {
    const { load } = await import('./lib/playgrad.mjs');
    const lesson = await import('./lib/lessons/neuron/lesson.mjs');
    const { parseHash, parseSettings } = await import('./lib/lessons/settings.mjs');
    const pg = await load();
    const { state } = parseSettings(lesson.settings, parseHash(location.hash).fields);
    const r = lesson.compute(pg, state);
    return { w: r.w, b: r.b, loss: r.loss, z: r.z, p: r.p, steps: r.steps, n: r.points.length, points: r.points,
      gradW: r.gradW, next: r.next, A: r.net.A, maxDev: r.net.maxDev, dLdz: r.dLdz };
  });
}

/** Waits until the shown w1, w2, b, loss and steps are compute()'s for the URL, and returns them. */
async function agrees(page) {
  for (let tries = 0; tries < 50; tries++) {
    const c = await coreNow(page);
    const shown = { w1: await value(page, 'w1'), w2: await value(page, 'w2'), b: await value(page, 'b'), loss: await value(page, 'loss'), step: await value(page, 'step') };
    if (shown.w1 === c.w[0] && shown.w2 === c.w[1] && shown.b === c.b && shown.loss === c.loss && shown.step === c.steps) {
      const z = await page.$$eval('[data-name^="z-"]', (cells) => cells.map((e) => Number(e.dataset.value)));
      assert.deepEqual(z, c.z);
      return c;
    }
    await page.waitForTimeout(50);
  }
  assert.fail('the shown numbers never matched compute() for the URL');
}

/** Page coordinates of data point (x1, x2) on the neuron canvas. */
async function at(page, x1, x2) {
  const box = await page.locator('[data-name="neuron-canvas"]').boundingBox();
  return [box.x + ((x1 + BOX) / (2 * BOX)) * box.width, box.y + ((BOX - x2) / (2 * BOX)) * box.height];
}

test('#/neuron is listed and gets ready with the core\'s numbers and the course\'s collapse', async () => {
  const { page, context, assertClean } = await openPage(env.browser, env.url);
  await page.waitForSelector('#lesson-list a[href="#/neuron"]');
  await page.click('#lesson-list a[href="#/neuron"]');
  await page.waitForSelector(READY, { timeout: 20000 });
  const c = await agrees(page);
  assert.equal(c.n, 14);
  assert.equal(await page.$$eval('[data-name^="p-"]', (e) => e.length), 14);
  assert.equal(await value(page, 'A'), 3.25);
  assert.equal(await value(page, 'B'), -0.5);
  assert.equal(await value(page, 'C'), 3.5);
  assert.ok(await value(page, 'max-dev') < 1e-5);
  assert.ok(Math.abs(await value(page, 'z6-log') - (1 / (1 + Math.exp(6)) - 1)) < 1e-6);
  assert.ok(Math.abs(await value(page, 'z6-mse') - -0.004921) < 1e-5);
  assert.ok(await page.$('.katex'));
  assertClean();
  await context.close();
});

test('pointer: drag a point, add one, shift-click a class, alt-click one away, drag the line and the arrow', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/neuron`, { viewport: { width: 1280, height: 1000 } });
  await page.waitForSelector(READY, { timeout: 20000 });
  await page.locator('[data-name="neuron-canvas"]').scrollIntoViewIfNeeded();
  const before = await agrees(page);

  // Drag point 1 (1.2, 1.6) to about (-1, 3): its coordinates, z and p follow.
  await page.mouse.move(...(await at(page, 1.2, 1.6)));
  await page.mouse.down();
  await page.mouse.move(...(await at(page, 0, 2.5)), { steps: 4 });
  await page.mouse.move(...(await at(page, -1, 3)), { steps: 4 });
  await page.mouse.up();
  await page.waitForFunction(() => Math.abs(Number(document.querySelector('[data-name="x1-0"]').dataset.value) + 1) < 0.1);
  let c = await agrees(page);
  assert.notDeepEqual(c.z, before.z);
  assert.ok(Math.abs(c.points[0][1] - 3) < 0.1);

  // A click on empty ground adds a class-1 point there; shift-click turns it to class 0.
  await page.mouse.click(...(await at(page, 3, -3)));
  await page.waitForFunction(() => document.querySelectorAll('[data-name^="p-"]').length === 15);
  c = await agrees(page);
  assert.deepEqual(c.points[14].map((v) => Math.round(v)), [3, -3, 1]);
  await page.keyboard.down('Shift');
  await page.mouse.click(...(await at(page, c.points[14][0], c.points[14][1])));
  await page.keyboard.up('Shift');
  await page.waitForFunction(() => document.querySelector('[data-name="y-14"]').dataset.value === '0');
  c = await agrees(page);
  assert.equal(c.points[14][2], 0);
  // Alt-click removes it again.
  await page.keyboard.down('Alt');
  await page.mouse.click(...(await at(page, c.points[14][0], c.points[14][1])));
  await page.keyboard.up('Alt');
  await page.waitForFunction(() => document.querySelectorAll('[data-name^="p-"]').length === 14);

  // Drag the line (w = (1, 0.5), b = 0 passes through (-1, 2)) up to (-1, 3): w stays, b = -(w·x).
  await page.mouse.move(...(await at(page, -1.6, 3.2)));
  await page.mouse.down();
  await page.mouse.move(...(await at(page, -1.6, 3.7)), { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction(() => Number(document.querySelector('[data-name="b"]').dataset.value) < -0.1);
  c = await agrees(page);
  assert.deepEqual(c.w, [1, 0.5]);
  assert.ok(Math.abs(c.b - -(1 * -1.6 + 0.5 * 3.7)) < 0.1, `b = ${c.b}`);
  assert.equal(Number(await hashField(page, 'b')), c.b);

  // Drag the arrow's tip: w turns (the arrow is 0.5·w from the line's point nearest the origin).
  const foot = [-c.b * 1 / 1.25, -c.b * 0.5 / 1.25];
  await page.mouse.move(...(await at(page, foot[0] + 0.5, foot[1] + 0.25)));
  await page.mouse.down();
  await page.mouse.move(...(await at(page, foot[0], foot[1] + 1)), { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction(() => Number(document.querySelector('[data-name="w2"]').dataset.value) > 1.5);
  c = await agrees(page);
  assert.ok(Math.abs(c.w[0]) < 0.15 && Math.abs(c.w[1] - 2) < 0.15, `w = ${c.w}`);
  assertClean();
  await context.close();
});

test('Step, Train, the loss switch and the activation: the numbers are the core\'s', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/neuron`);
  await page.waitForSelector(READY, { timeout: 20000 });
  const start = await agrees(page);
  await page.click('[data-name="step-button"]');
  await page.waitForFunction(() => location.hash.includes('steps=1'));
  const one = await agrees(page);
  assert.deepEqual(one.w, start.next.w); // the step shown before is the step taken
  assert.equal(one.b, start.next.b);
  await page.click('[data-name="train-button"]');
  await page.waitForFunction(() => Number(document.querySelector('[data-name="step"]').dataset.value) >= 60, null, { timeout: 20000 });
  await page.click('[data-name="train-button"]'); // pause
  await page.waitForTimeout(100);
  const trained = await agrees(page);
  assert.ok(trained.steps >= 60);
  assert.equal(Number(await hashField(page, 'steps')), trained.steps);
  assert.ok(trained.loss < start.loss);
  // The loss switch: MSE on the same data and path.
  await page.getByRole('combobox', { name: 'Loss', exact: true }).selectOption('mse');
  await page.waitForFunction(() => location.hash.includes('loss=mse'));
  const mse = await agrees(page);
  mse.dLdz.forEach((g, i) => {
    const p = mse.p[i], y = mse.points[i][2];
    assert.ok(Math.abs(g - 2 * (p - y) * p * (1 - p)) < 1e-6);
  });
  // Back to step 0.
  await page.click('[data-name="reset-button"]');
  await page.waitForFunction(() => !location.hash.includes('steps='));
  await agrees(page);
  // An activation breaks the collapse.
  await page.getByRole('combobox', { name: 'Hidden activation (2 → 3 → 1 network)' }).selectOption('tanh');
  await page.waitForFunction(() => Number(document.querySelector('[data-name="max-dev"]').dataset.value) > 0.5);
  // coreNow() reads the state from the URL, which follows the page at most every 150 ms.
  await page.waitForFunction(() => location.hash.includes('act=tanh'));
  assert.equal((await coreNow(page)).maxDev, await value(page, 'max-dev'));
  assert.match(await page.textContent('[data-name="net-note"]'), /With tanh between the layers/);
  // A network weight slider: A follows the core.
  const w7 = page.getByRole('slider', { name: 'w7', exact: true });
  await w7.focus();
  await page.keyboard.press('ArrowRight'); // 1 -> 1.1
  await page.waitForFunction(() => location.hash.includes('nw=1,2,-1,1,0.5,-1,1.1,-2,0.5'));
  await page.waitForFunction(() => document.querySelector('[data-name="A"]').dataset.value !== '3.25');
  assert.equal(await value(page, 'A'), (await coreNow(page)).A);
  assertClean();
  await context.close();
});

test('keyboard on the picture; a point dragged off it and bad points are refused with a message', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/neuron`);
  await page.waitForSelector(READY, { timeout: 20000 });
  await page.locator('[data-name="neuron-canvas"]').scrollIntoViewIfNeeded();
  await page.locator('[data-name="neuron-canvas"]').focus();
  await page.keyboard.press(']'); // point 1: (1.2, 1.6, 1)
  await page.waitForFunction(() => document.querySelector('[data-name="point-info"]').dataset.index === '0');
  assert.match(await page.textContent('[data-name="point-info"]'), /Point 1: x = \(1\.2, 1\.6\), y = 1; {2}z = 2\.0000, p = σ\(z\) = 0\.8808/);
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.querySelector('[data-name="x1-0"]').dataset.value === '1.3');
  await page.keyboard.press('c');
  await page.waitForFunction(() => document.querySelector('[data-name="y-0"]').dataset.value === '0');
  await agrees(page);
  // Shift+ArrowRight past the edge: the point stops at x1 = 4 and a message says why.
  for (let i = 0; i < 7; i++) await page.keyboard.press('Shift+ArrowRight');
  await page.waitForFunction(() => document.querySelector('[data-name="x1-0"]').dataset.value === '4');
  assert.equal(await page.isVisible('[data-name="view-notice"]'), true);
  assert.match(await page.textContent('[data-name="view-notice"]'), /Points stay inside the picture/);
  const c = await agrees(page);
  assert.deepEqual(c.points[0], [4, 1.6, 0]);
  // A mouse drag far off the picture: clamped at the edge, the message, nothing else changes.
  const other = c.points[1];
  await page.mouse.move(...(await at(page, other[0], other[1])));
  await page.mouse.down();
  await page.mouse.move(...(await at(page, 9, other[1])), { steps: 4 });
  await page.mouse.up();
  await page.waitForFunction(() => document.querySelector('[data-name="x1-1"]').dataset.value === '4');
  const after = await agrees(page);
  assert.deepEqual(after.points.filter((_, i) => i !== 1), c.points.filter((_, i) => i !== 1));
  assert.equal(await page.isVisible('[data-name="view-notice"]'), true);
  // A typed point list that does not parse is not applied; the box says what was expected.
  const box = page.getByRole('textbox', { name: 'Points (x1,x2,y; …)' });
  await box.fill('1,2,1;oops');
  await box.press('Enter');
  await page.waitForSelector('[data-name="invalid-points"]:not([hidden])');
  assert.match(await page.textContent('[data-name="invalid-points"]'), /Not applied: expected x1,x2,y triples separated by ';': point 2 \('oops'\) must be x1,x2,y/);
  assert.deepEqual((await agrees(page)).points, after.points);
  // A good one is.
  await box.fill('1,1,1; -1,-1,0');
  await box.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('[data-name^="p-"]').length === 2);
  await agrees(page);
  assertClean();
  await context.close();
});

test('NaN in the link\'s points: the default points and a notice; the other fields stay', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/neuron?w1=2&points=1,2,1;NaN,0,1`);
  await page.waitForSelector(READY, { timeout: 20000 });
  assert.equal(await page.isVisible('#notice'), true);
  assert.match(await page.textContent('#notice'), /Points \(x1,x2,y; …\) \(points=1,2,1;NaN,0,1\) is not valid/);
  const c = await agrees(page);
  assert.equal(c.n, 14);
  assert.deepEqual(c.w, [2, 0.5]);
  assertClean();
  await context.close();
});

test('a shared URL reproduces points, weights and training, also after a reload; offline; file://', async () => {
  // toQuery percent-encodes ';' (the page writes the canonical link back; a shared link keeps it).
  const hash = '#/neuron?loss=mse&w1=-2&w2=-2&lr=2&steps=25&points=1.5,1.5,1%3B-1.5,-1.5,1%3B-1.5,1.5,0%3B1.5,-1.5,0%3B0.5,2,1&act=relu';
  await checkSharedUrl(env, {
    hash, ready: READY,
    check: async (page) => {
      const c = await agrees(page);
      assert.equal(c.n, 5);
      assert.equal(c.steps, 25);
      assert.equal(await page.getByRole('combobox', { name: 'Loss', exact: true }).inputValue(), 'mse');
      assert.equal(await page.getByRole('slider', { name: 'Start weight w1', exact: true }).inputValue(), '-2');
      assert.ok(await value(page, 'max-dev') > 0.1);
    },
  });
  await checkOffline(env, {
    first: '#/neuron', hash: '#/neuron?steps=10', ready: READY,
    check: async (page) => { assert.equal((await agrees(page)).steps, 10); },
  });
  await checkSingleFile(env, {
    hash: '#/neuron?nw=0.5,-1.5,2,0.5,-1,3,-0.5,1.5,2&nb=1,-2,0.5,-1', ready: READY,
    check: async (page) => {
      assert.equal(await value(page, 'A'), 0.75);
      assert.equal(await value(page, 'B'), 7.5);
      assert.equal(await value(page, 'C'), -3.5);
    },
  });
});

test('screenshots: light and dark, 375 px and 1280 px', async () => {
  await screenshots(env, {
    name: 'neuron', hash: '#/neuron?points=1,1.2,1;2,0.5,1;0.2,1.8,1;-0.5,0.9,1;1.5,-0.4,1;-1.2,-1,0;-2,0.2,0;0.4,-1.5,0;-0.3,-0.2,0;0.9,0.6,0&steps=30&act=tanh',
    ready: READY, settle: 200,
    prepare: async (page) => {
      await page.locator('[data-name="neuron-canvas"]').focus();
      await page.keyboard.press(']');
    },
  });
});
