// The conv-size lesson in a real page: ready state, controls whose shown numbers equal what the
// core computes, the core's message as a notice for an impossible configuration (not an error
// state), filter presets and the feature map, a shared URL that survives a reload, and screenshots
// (light and dark, 375 px and 1280 px) kept in tests/browser/artifacts/.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkExercise, checkOffline, checkSharedUrl, checkSingleFile, openPage, screenshots, useBrowser } from './harness.mjs';


const env = useBrowser();

const READY = '[data-lesson="conv-size"][data-state="ready"]';
const value = (page, name) => page.$eval(`[data-name="${name}"]`, (e) => e.dataset.value);

/** What the core computes, in the page, through the public API. */
async function core(page, fn, arg) {
  return page.evaluate(async ([src, a]) => {
    const { load } = await import('./lib/playgrad.mjs');
    const pg = await load();
    return new Function('pg', 'a', `return (${src})(pg, a);`)(pg, a);
  }, [fn.toString(), arg]);
}
const outSize = (page, o) => core(page, (pg, a) => pg.vision.convOutputSize(a), o);

test('#/conv-size gets ready with the course example 28, f = 3, s = 2 -> 13 and 1 250 500 parameters', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/conv-size`);
  await page.waitForSelector(READY, { timeout: 20000 });
  assert.equal(await page.textContent('[data-name="out"]'), '13');
  assert.equal(Number(await value(page, 'out')), await outSize(page, { input: 28, kernel: 3, stride: 2 }));
  assert.match(await page.textContent('[data-name="floor-note"]'), /25 \/ 2 = 12\.5 is not whole: the floor rounds it down, so the output is 13, not 13\.5 or 14/);
  assert.equal(await value(page, 'course-params'), '1250500');
  assert.equal(await value(page, 'params'), String(await core(page, (pg) => pg.vision.convParams({ kernel: 3, inChannels: 100, outChannels: 500 }))));
  assert.equal(await value(page, 'fmap-size'), '13');
  assert.ok(await page.$('.katex'), 'formulas are rendered by KaTeX');
  assertClean();
  await context.close();
});

test('controls: the shown numbers are the core\'s; the URL follows; an impossible setting is a notice', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/conv-size`);
  await page.waitForSelector(READY, { timeout: 20000 });
  const stride = page.getByRole('slider', { name: 'Stride s' });
  await stride.focus();
  await page.keyboard.press('ArrowRight'); // 2 -> 3
  await page.waitForFunction(() => location.hash === '#/conv-size?stride=3');
  await page.waitForFunction(() => document.querySelector('[data-name="out"]').dataset.value === '9');
  assert.equal(9, await outSize(page, { input: 28, kernel: 3, stride: 3 }));

  await page.getByRole('combobox', { name: 'Padding' }).selectOption('same');
  await page.waitForFunction(() => document.querySelector('[data-name="out"]').dataset.value === '10');
  assert.equal(10, await outSize(page, { input: 28, kernel: 3, stride: 3, padding: 'same' }));

  await page.getByRole('spinbutton', { name: 'Kernel size f (exact value)' }).fill('5');
  await page.getByRole('spinbutton', { name: 'Input size n (pixels per side) (exact value)' }).fill('3');
  await page.getByRole('combobox', { name: 'Padding' }).selectOption('valid');
  await page.waitForFunction(() => !document.querySelector('[data-name="size-error"]').hidden);
  const msg = await core(page, (pg) => { try { pg.vision.convOutputSize({ input: 3, kernel: 5, stride: 3 }); } catch (e) { return e.message; } return ''; });
  assert.match(msg, /kernel 5 is larger than the padded input of 3/);
  assert.equal(await page.textContent('[data-name="size-error"]'), `These settings have no valid output. The core says: ${msg}`);
  assert.equal(await page.getAttribute('[data-lesson="conv-size"]', 'data-state'), 'ready'); // a notice, not an error state
  assert.equal(await page.isHidden('[data-lesson="conv-size"] [role="alert"]'), true);

  // Parameter count follows the kernel and channels.
  assert.equal(await value(page, 'params'), String((5 * 5 * 100 + 1) * 500));
  assertClean();
  await context.close();
});

test('filter presets run a real convolution in the core; the feature map equals pg.conv2d', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/conv-size?stride=1&padding=same`);
  await page.waitForSelector(READY, { timeout: 20000 });
  await page.getByRole('button', { name: 'Laplacian' }).click();
  await page.waitForFunction(() => location.hash.includes('filter=0,1,0,1,-4,1,0,1,0'));
  await page.waitForFunction(() => document.querySelector('[data-preset="laplacian"]').getAttribute('aria-pressed') === 'true');
  const [min, max] = [Number(await value(page, 'fmap-min')), Number(await value(page, 'fmap-max'))];
  const want = await page.evaluate(async () => {
    const { load } = await import('./lib/playgrad.mjs');
    const { DIGITS } = await import('./lib/lessons/conv-size/digits.mjs');
    const pg = await load();
    return pg.scope(() => {
      const y = pg.conv2d(pg.tensor(DIGITS[3].map((v) => v / 1000), [1, 28, 28, 1]), pg.tensor([0, 1, 0, 1, -4, 1, 0, 1, 0], [3, 3, 1, 1]), { padding: 'same' });
      const a = Array.from(y.toArray());
      return [Math.min(...a), Math.max(...a), y.shape[1]];
    });
  });
  assert.deepEqual([min, max], want.slice(0, 2));
  assert.equal(await value(page, 'fmap-size'), String(want[2]));
  assert.equal(await value(page, 'w-4'), '-4');
  // Editing one weight with its slider (keyboard) makes it a custom filter.
  await page.getByRole('slider', { name: 'w22' }).focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.querySelector('[data-name="w-4"]').dataset.value === '-3.9375');
  assert.equal(await page.$('[data-preset][aria-pressed="true"]'), null);
  assertClean();
  await context.close();
});

test('check yourself: a typed answer is checked against the core, with the worked computation', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/conv-size`);
  await page.waitForSelector(READY, { timeout: 20000 });
  const core = await page.evaluate(async () => {
    const { load } = await import('./lib/playgrad.mjs');
    return (await load()).vision.convOutputSize({ input: 32, kernel: 5, stride: 2, padding: 1 });
  });
  let v = await checkExercise(page, 'out-size', '14.5');
  assert.equal(v.verdict, 'wrong');
  assert.equal(v.value, String(core));
  assert.match(v.text, /Not quite: the answer is 15/);
  assert.match(v.text, /not whole/);
  v = await checkExercise(page, 'out-size', ' 15 ');
  assert.equal(v.verdict, 'right');
  assert.ok(await page.$('[data-name="exercise-verdict-out-size"] .katex'), 'the working is rendered by KaTeX');
  v = await checkExercise(page, 'params', 'many');
  assert.equal(v.verdict, 'unread');
  assert.match(v.text, /not a number/);
  assert.equal((await checkExercise(page, 'params', '73856')).verdict, 'right');
  assertClean();
  await context.close();
});

test('a shared URL reproduces the state, also after a reload', async () => {
  await checkSharedUrl(env, {
    hash: '#/conv-size?input=32&kernel=5&stride=3&padding=number&pad=2&dilation=2&cin=3&cout=16&digit=7&filter=-1,-2,-1,0,0,0,1,2,1',
    ready: READY,
    check: async (page) => {
      const out = await outSize(page, { input: 32, kernel: 5, stride: 3, padding: 2, dilation: 2 });
      assert.equal(Number(await value(page, 'out')), out);
      assert.equal(await value(page, 'params'), String((5 * 5 * 3 + 1) * 16));
      assert.equal(await page.getByRole('combobox', { name: 'Digit to convolve' }).inputValue(), '7');
      assert.equal(await page.getAttribute('[data-preset="sobel-y"]', 'aria-pressed'), 'true');
      assert.equal(await value(page, 'rf-size'), '9');
    },
  });
});

test('offline: with the network cut after one visit (service worker), and dist/playgrad.html from file://', async () => {
  const check = async (page) => {
    assert.equal(await page.textContent('[data-name="out"]'), '13');
    assert.equal(await value(page, 'course-params'), '1250500');
    assert.equal(await value(page, 'fmap-size'), '13');
  };
  await checkOffline(env, { first: '#/softmax', hash: '#/conv-size', ready: READY, check });
  await checkSingleFile(env, { hash: '#/conv-size', ready: READY, check });
});

test('screenshots: light and dark, 375 px and 1280 px', async () => {
  await screenshots(env, { name: 'conv-size', hash: '#/conv-size?padding=number&pad=1', ready: READY });
});
