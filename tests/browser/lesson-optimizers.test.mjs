// The optimizers lesson in a real page: ready state with six paths from the core's optimizers,
// a control and a dragged start point changing the paths to what pg.optim.path computes, a typed
// f(x, y) (good, and bad with the core's positioned error while the lesson stays ready), a
// diverging learning rate stopped with a message, a shared URL reproduced after a reload, offline
// and dist/playgrad.html from file://, and screenshots (light/dark, 375/1280 px).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { adamDefaults } from '../../lessons/convention.mjs';
import { checkExercise, checkOffline, checkSharedUrl, checkSingleFile, openPage, screenshots, useBrowser } from './harness.mjs';

const READY = '[data-lesson="optimizers"][data-state="ready"]';
const BOWL = 'x^2 / 10 + 2 y^2';

const env = useBrowser();

const value = (page, name) => page.$eval(`[data-name="${name}"]`, (e) => Number(e.dataset.value));

/** The last point of a path as the core computes it (pg.optim.path in the page). */
async function corePath(page, source, kind, options, x0, y0, steps) {
  return page.evaluate(async ([src, k, o, a, b, n]) => {
    const { load } = await import('./lib/playgrad.mjs');
    const pg = await load();
    const p = pg.optim.path(src, k, o, { x0: a, y0: b, steps: n });
    const i = p.x.length - 1;
    return { x: p.x[i], y: p.y[i], f: p.f[i], stop: p.stop };
  }, [source, kind, options, x0, y0, steps]);
}

// Adam as the page runs it: the convention's ε and where it is added (Keras by default).
const ADAM = { epsilon: adamDefaults({}).epsilon, epsilonOn: adamDefaults({}).epsilonOn };

async function lastOf(page, key) {
  return { x: await value(page, `x-${key}`), y: await value(page, `y-${key}`), f: await value(page, `f-${key}`) };
}

test('#/optimizers gets ready: six paths, each the core\'s optimizer on the bowl', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/optimizers`);
  await page.waitForSelector(READY, { timeout: 20000 });
  const gd = await corePath(page, BOWL, 'sgd', { lr: 0.05 }, -1.5, 1.5, 100);
  assert.deepEqual(await lastOf(page, 'gd'), { x: gd.x, y: gd.y, f: gd.f });
  const adam = await corePath(page, BOWL, 'adam', { lr: 0.1, beta1: 0.9, beta2: 0.999, ...ADAM }, -1.5, 1.5, 100);
  assert.deepEqual(await lastOf(page, 'adam'), { x: adam.x, y: adam.y, f: adam.f });
  const mom = await corePath(page, BOWL, 'sgd', { lr: 0.05, momentum: 0.9, dampening: 0.9 }, -1.5, 1.5, 100);
  assert.deepEqual(await lastOf(page, 'mom'), { x: mom.x, y: mom.y, f: mom.f });
  assert.equal(await page.$$eval('[data-lesson="optimizers"] [data-name^="rule-"] .formula .katex', (e) => e.length), 6);
  // The animation runs to the last step.
  await page.waitForFunction(() => document.querySelector('[data-name="step"]').dataset.value === '100', null, { timeout: 10000 });
  assertClean();
  await context.close();
});

test('a control, a dragged start point, a typed expression (good and bad), a diverging rate', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/optimizers`);
  await page.waitForSelector(READY, { timeout: 20000 });
  // The GD learning rate through its exact-value box.
  await page.getByRole('spinbutton', { name: 'GD: learning rate α (exact value)' }).fill('0.3');
  await page.waitForFunction(() => location.hash === '#/optimizers?gdLr=0.3');
  const gd3 = await corePath(page, BOWL, 'sgd', { lr: 0.3 }, -1.5, 1.5, 100);
  await page.waitForFunction((x) => Number(document.querySelector('[data-name="x-gd"]').dataset.value) === x, gd3.x);

  // Drag the start point on the map: x0, y0 follow, and so do the paths.
  const before = await lastOf(page, 'adam');
  const map = page.locator('canvas.opt-map');
  await map.scrollIntoViewIfNeeded();
  const box = await map.boundingBox();
  const px = (x) => box.x + ((x + 4) / 8) * box.width; // the bowl's box: [-4, 4] x [-2, 2]
  const py = (y) => box.y + ((2 - y) / 4) * box.height;
  await page.mouse.move(px(-1.5), py(1.5));
  await page.mouse.down();
  await page.mouse.move(px(0), py(0), { steps: 6 });
  await page.mouse.move(px(3), py(-1.5), { steps: 6 });
  await page.mouse.up();
  await page.waitForFunction(() => {
    const f = new URLSearchParams(location.hash.split('?')[1]);
    return Math.abs(Number(f.get('x0')) - 3) < 0.06 && Math.abs(Number(f.get('y0')) + 1.5) < 0.06;
  });
  const q = new URLSearchParams(await page.evaluate(() => location.hash.split('?')[1]));
  const x0 = Number(q.get('x0')), y0 = Number(q.get('y0'));
  assert.ok(Math.abs(x0 - 3) < 0.06 && Math.abs(y0 + 1.5) < 0.06, `dragged to ${x0}, ${y0}`);
  const adam = await corePath(page, BOWL, 'adam', { lr: 0.1, beta1: 0.9, beta2: 0.999, ...ADAM }, x0, y0, 100);
  await page.waitForFunction((x) => Number(document.querySelector('[data-name="x-adam"]').dataset.value) === x, adam.x);
  assert.notDeepEqual(await lastOf(page, 'adam'), before);
  assert.equal(await page.getByRole('slider', { name: 'Start x' }).inputValue(), String(x0));

  // A typed f(x, y).
  await page.getByRole('combobox', { name: 'Surface' }).selectOption('custom');
  const fbox = page.getByRole('textbox', { name: /Your f\(x, y\)/ });
  await fbox.fill('(x - 1)^2 + 2 (y + 1)^2');
  await fbox.press('Enter');
  await page.waitForFunction(() => location.hash.includes('surface=custom') && location.hash.includes('f='));
  const st = new URLSearchParams(await page.evaluate(() => location.hash.split('?')[1]));
  const c = await corePath(page, '(x - 1)^2 + 2 (y + 1)^2', 'sgd', { lr: 0.3 }, Number(st.get('x0')), Number(st.get('y0')), 100);
  await page.waitForFunction((x) => Number(document.querySelector('[data-name="x-gd"]').dataset.value) === x, c.x);
  assert.equal(await page.isHidden('[data-name="expr-error"]'), true);
  // A bad one: the core's error with its position, shown as a notice; the lesson stays ready.
  await fbox.fill('x + z');
  await fbox.press('Enter');
  await page.waitForSelector('[data-name="expr-error"]:not([hidden])');
  assert.match(await page.textContent('[data-name="expr-error"]'), /unknown name 'z' at position 5/);
  assert.equal(await page.getAttribute('[data-lesson="optimizers"]', 'data-state'), 'ready');
  // Fixed again.
  await fbox.fill('x^2 + y^2');
  await fbox.press('Enter');
  await page.waitForSelector('[data-name="expr-error"][hidden]', { state: 'attached' });

  // A learning rate too large: a clear message, the path stops, no NaN shown.
  await page.getByRole('combobox', { name: 'Surface' }).selectOption('bowl');
  await page.getByRole('spinbutton', { name: 'GD: learning rate α (exact value)' }).fill('0.9');
  await page.waitForSelector('[data-name="stop-gd"]');
  assert.match(await page.textContent('[data-name="stop-gd"]'), /Gradient descent: diverged at step \d+/);
  assert.match(await page.textContent('[data-name="steps-gd"]'), /stopped/);
  assert.doesNotMatch(await page.textContent('[data-lesson="optimizers"] table'), /NaN/);
  assertClean();
  await context.close();
});

test('check yourself: the first steps and the race, checked against the core; the question follows the start point', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/optimizers`);
  await page.waitForSelector(READY, { timeout: 20000 });
  let v = await checkExercise(page, 'gd-step', '1.2');
  assert.equal(v.verdict, 'right');
  assert.match(v.text, /∂f\/∂y|partial/);
  v = await checkExercise(page, 'adam-step', '-1.5');
  assert.equal(v.verdict, 'wrong');
  assert.ok(Math.abs(Number(v.value) - -1.4) < 1e-5, v.value);  // α·sign(g), less Keras' ε/(√v + ε) share
  // The race: the answer is one of the choices, and the page says which.
  const options = await page.$$eval('[data-name="exercise-input-race"] option', (os) => os.map((o) => o.value).filter(Boolean));
  assert.equal(options.length, 6);
  v = await checkExercise(page, 'race', options[0]);
  assert.ok(['right', 'wrong'].includes(v.verdict));
  assert.ok(options.includes(v.value), v.value);
  // Moving the start point changes the question and clears the verdict.
  const before = await page.textContent('[data-exercise="gd-step"] .question');
  await page.getByRole('spinbutton', { name: 'Start y (exact value)' }).fill('1');
  await page.waitForFunction((b) => document.querySelector('[data-exercise="gd-step"] .question').textContent !== b, before);
  assert.equal(await page.$('[data-name="exercise-verdict-gd-step"][data-verdict]'), null);
  v = await checkExercise(page, 'gd-step', '0.8'); // 1 - 0.05 * 4
  assert.equal(v.verdict, 'right');
  assertClean();
  await context.close();
});

test('a shared URL reproduces the state, also after a reload', async () => {
  const src = '((1 - x)^2 + 100 (y - x^2)^2) / 100';
  await checkSharedUrl(env, {
    hash: '#/optimizers?surface=rosenbrock&y0=2.5&steps=200&nag=0&adamLr=0.05',
    ready: READY,
    check: async (page) => {
      assert.equal(await page.getByRole('combobox', { name: 'Surface' }).inputValue(), 'rosenbrock');
      const adam = await corePath(page, src, 'adam', { lr: 0.05, beta1: 0.9, beta2: 0.999, ...ADAM }, -1.5, 2.5, 200);
      assert.deepEqual(await lastOf(page, 'adam'), { x: adam.x, y: adam.y, f: adam.f });
      assert.equal(await page.$('[data-name="x-nag"]'), null); // Nesterov is off
      assert.equal(await page.getByRole('checkbox', { name: 'Nesterov' }).isChecked(), false);
    },
  });
});

test('offline: with the network cut after one visit (service worker), and dist/playgrad.html from file://', async () => {
  await checkOffline(env, {
    first: '#/optimizers', hash: '#/optimizers?surface=himmelblau&x0=0&y0=0', ready: READY,
    check: async (page) => {
      const gd = await corePath(page, '((x^2 + y - 11)^2 + (x + y^2 - 7)^2) / 10', 'sgd', { lr: 0.05 }, 0, 0, 100);
      assert.equal(await value(page, 'x-gd'), gd.x);
    },
  });
  await checkSingleFile(env, {
    hash: '#/optimizers?surface=saddle&x0=-1.5&y0=0', ready: READY,
    check: async (page) => {
      assert.equal(await value(page, 'y-gd'), 0);
      assert.ok(Math.abs(await value(page, 'x-gd')) < 1e-3);
    },
  });
});

test('screenshots: light and dark, 375 px and 1280 px', async () => {
  await screenshots(env, {
    name: 'optimizers', hash: '#/optimizers?surface=rosenbrock&x0=-1.5&y0=2.5&gdLr=0.3', ready: READY,
    prepare: (page) => page.waitForFunction(() => document.querySelector('[data-name="step"]').dataset.value === '100', null, { timeout: 10000 }),
  });
});
