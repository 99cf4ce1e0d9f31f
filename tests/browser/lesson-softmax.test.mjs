// The softmax lesson in a real page: ready state, keyboard-driven controls whose shown numbers
// equal what the core computes, shared URLs that reproduce the state, the large-logits overflow,
// an HTML-injection attempt in the hash that runs nothing, and screenshots (light and dark,
// 375 px and 1280 px) kept in tests/browser/artifacts/.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { LESSONS } from '../../lessons/index.mjs';
import { checkExercise, checkSharedUrl, openPage, screenshots, useBrowser } from './harness.mjs';


const env = useBrowser();

const READY = '[data-lesson="softmax"][data-state="ready"]';

/** Shown values (full precision from data-value) of cells named prefix-0, prefix-1, ... */
async function shown(page, prefix) {
  return page.$$eval(`[data-name^="${prefix}-"]`, (cells, pre) => cells
    .filter((c) => /^\d+$/.test(c.dataset.name.slice(pre.length + 1)))
    .map((c) => Number(c.dataset.value)), prefix);
}

/** What the core computes for these settings, in the page, through the public API. */
async function coreSoftmax(page, z, t, shift = 0) {
  return page.evaluate(async ([zz, tt, sh]) => {
    const { load } = await import('./lib/playgrad.mjs');
    const pg = await load();
    return pg.scope(() => {
      let x = pg.tensor(zz);
      if (sh) x = pg.add(x, sh);
      return Array.from(pg.softmax(pg.div(x, tt)).toArray());
    });
  }, [z, t, shift]);
}

test('home lists only the lessons that exist; #/softmax gets ready with the course example', async () => {
  const { page, context, assertClean } = await openPage(env.browser, env.url);
  await page.waitForSelector('.cards a');
  const links = await page.$$eval('#lesson-list a', (as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(links, LESSONS.map((l) => `#/${l.id}`)); // only lessons that exist are listed
  assert.ok(links.includes('#/softmax'));
  await page.click('#lesson-list a[href="#/softmax"]');
  await page.waitForSelector(READY, { timeout: 20000 });
  assert.deepEqual(await shown(page, 'p'), await coreSoftmax(page, [2, 1, 0.1], 1));
  assert.equal(await page.textContent('[data-name="p-0"]'), '0.6590');
  assert.equal(await page.textContent('[data-name="loss"]'), '0.4170');
  assert.ok(await page.$('.katex'), 'formulas are rendered by KaTeX');
  assertClean();
  await context.close();
});

test('keyboard on a slider: the shown numbers are the core\'s and the URL follows', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/softmax`);
  await page.waitForSelector(READY, { timeout: 20000 });
  const z1 = page.getByRole('slider', { name: 'z1' });
  await z1.focus();
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight'); // step 0.1: 2 -> 2.5
  await page.waitForFunction(() => location.hash === '#/softmax?z=2.5,1,0.1');
  await page.waitForFunction(() => document.querySelector('[data-name="z-0"]').dataset.value === '2.5');
  const p = await shown(page, 'p');
  assert.deepEqual(p, await coreSoftmax(page, [2.5, 1, 0.1], 1));
  assert.notDeepEqual(p, await coreSoftmax(page, [2, 1, 0.1], 1));
  // Gradient column = p - y (true class 1), from autograd.
  const grad = await shown(page, 'grad');
  grad.forEach((g, i) => assert.ok(Math.abs(g - (p[i] - (i === 0 ? 1 : 0))) < 1e-6, `grad ${i}`));

  // A link followed while the URL write of a change is still pending: the link wins. The order
  // that lost a link before (the location changes, the write's timer runs, then the page hears
  // 'hashchange') is played exactly: the link as a silent location change, the event 300 ms later.
  await z1.press('ArrowLeft');
  await page.evaluate(() => new Promise((resolve) => {
    history.replaceState(null, '', '#/softmax?z=1,2,3');
    setTimeout(() => { window.dispatchEvent(new HashChangeEvent('hashchange')); resolve(); }, 300);
  }));
  await page.waitForFunction(() => document.querySelector('[data-name="z-0"]').dataset.value === '1');
  await page.waitForTimeout(400);
  assert.equal(new URL(page.url()).hash, '#/softmax?z=1,2,3');
  assert.deepEqual(await shown(page, 'p'), await coreSoftmax(page, [1, 2, 3], 1));
  await page.goto(`${env.url}#/softmax?z=2.5,1,0.1`);
  await page.waitForFunction(() => document.querySelector('[data-name="z-0"]').dataset.value === '2.5');

  // The exact-value box: type a temperature.
  const tBox = page.getByRole('spinbutton', { name: 'Temperature T (exact value)' });
  await tBox.fill('2.5');
  await page.waitForFunction(() => location.hash === '#/softmax?z=2.5,1,0.1&t=2.5');
  await page.waitForFunction(() => document.querySelector('tfoot').textContent.includes('T = 2.5'));
  assert.deepEqual(await shown(page, 'p'), await coreSoftmax(page, [2.5, 1, 0.1], 2.5));

  // Add a logit with the button, choose class 4 in the drop-down (keyboard-usable native controls).
  await page.getByRole('button', { name: 'Add a logit' }).click();
  await page.getByRole('combobox', { name: 'True class y', exact: true }).selectOption('4');
  await page.waitForFunction(() => location.hash === '#/softmax?z=2.5,1,0.1,0&t=2.5&y=4');
  await page.waitForFunction(() => document.querySelectorAll('[data-name^="grad-"]').length === 4
    && document.querySelector('tr.true-class th').textContent === '4');
  const p4 = await shown(page, 'p');
  assert.deepEqual(p4, await coreSoftmax(page, [2.5, 1, 0.1, 0], 2.5));
  const g4 = await shown(page, 'grad');
  g4.forEach((g, i) => assert.ok(Math.abs(g - (p4[i] - (i === 3 ? 1 : 0)) / 2.5) < 1e-6, `grad ${i}`));

  // Clicking the third bar of the chart makes class 3 the true class (the view sets a setting).
  const box = await page.locator('canvas.chart').boundingBox();
  const slot = (box.width - 34 - 8) / 4;
  await page.mouse.click(box.x + 34 + slot * 2.5, box.y + box.height / 2);
  await page.waitForFunction(() => location.hash === '#/softmax?z=2.5,1,0.1,0&t=2.5&y=3');
  await page.waitForFunction(() => document.querySelector('tr.true-class th').textContent === '3');
  assert.equal(await page.getByRole('combobox', { name: 'True class y', exact: true }).inputValue(), '3');
  assertClean();
  await context.close();
});

test('dragging fast (hundreds of input events) ends with the right numbers and URL', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/softmax`);
  await page.waitForSelector(READY, { timeout: 20000 });
  await page.evaluate(async () => {
    const t = document.querySelector('[data-setting="t"] input[type="range"]');
    for (let i = 0; i < 400; i++) {
      t.value = String(0.1 + (i % 90) / 10);
      t.dispatchEvent(new Event('input', { bubbles: true }));
      if (i % 8 === 0) await new Promise((r) => requestAnimationFrame(r));
    }
    t.value = '3.3';
    t.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.waitForFunction(() => location.hash === '#/softmax?t=3.3');
  await page.waitForFunction(() => document.querySelector('tfoot').textContent.includes('T = 3.3'));
  assert.deepEqual(await shown(page, 'p'), await coreSoftmax(page, [2, 1, 0.1], 3.3));
  assertClean();
  await context.close();
});

test('check yourself: a typed probability and a picked gradient sign, checked against the core', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/softmax`);
  await page.waitForSelector(READY, { timeout: 20000 });
  const [p0] = await coreSoftmax(page, [2, 1, 0.1], 1);
  let v = await checkExercise(page, 'p-true', '0.5');
  assert.equal(v.verdict, 'wrong');
  assert.equal(Number(v.value), p0);
  assert.equal((await checkExercise(page, 'p-true', '0.659')).verdict, 'right');
  v = await checkExercise(page, 'grad-sign', 'negative');
  assert.equal(v.verdict, 'right');
  assertClean();
  await context.close();
});

test('a shared URL reproduces the state, also after a reload', async () => {
  await checkSharedUrl(env, {
    hash: '#/softmax?z=3,-1.5,0.2,7&t=0.5&large=1&y=4',
    ready: READY,
    check: async (page) => {
      assert.equal(await page.getByRole('slider', { name: 'z4' }).inputValue(), '7');
      assert.equal(await page.getByRole('checkbox', { name: /Large logits/ }).isChecked(), true);
      assert.equal(await page.getByRole('combobox', { name: 'True class y', exact: true }).inputValue(), '4');
      assert.deepEqual(await shown(page, 'p'), await coreSoftmax(page, [3, -1.5, 0.2, 7], 0.5, 1000));
      // Large logits: the naive formula overflows (float32 exp of 2000+ is Infinity), the stable one is fine.
      assert.ok((await shown(page, 'naive-exp')).every((v) => v === Infinity));
      assert.ok((await shown(page, 'naive-p')).every(Number.isNaN));
      assert.equal(await page.textContent('[data-name="naive-p-0"]'), 'NaN');
      assert.match(await page.textContent('[data-name="naive-note"]'), /overflows float32/);
    },
    then: async (page) => {
      // Toggling large logits off with the keyboard: naive and stable agree again.
      await page.getByRole('checkbox', { name: /Large logits/ }).focus();
      await page.keyboard.press('Space');
      await page.waitForFunction(() => !location.hash.includes('large'));
      await page.waitForFunction(() => document.querySelector('[data-name="naive-p-0"]').textContent !== 'NaN');
      assert.deepEqual(await shown(page, 'p'), await coreSoftmax(page, [3, -1.5, 0.2, 7], 0.5));
    },
  });
});

test('an HTML injection in the hash runs nothing: defaults and a visible notice', async () => {
  const { page, context, assertClean } = await openPage(env.browser, null);
  let dialogs = 0;
  page.on('dialog', (d) => { dialogs++; d.dismiss(); });
  await page.goto(`${env.url}#/softmax?z=<img src=x onerror=window.__xss=1;alert(1)>&t=<script>window.__xss=2</script>`);
  await page.waitForSelector(READY, { timeout: 20000 });
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.equal(await page.$('main img, main script, #notice img'), null);
  assert.equal(dialogs, 0);
  assert.equal(await page.isVisible('#notice'), true);
  const notice = await page.textContent('#notice');
  assert.ok(notice.includes('Logits (z=<img src=x onerror=window.__xss=1;alert(…) is not valid'), notice); // cut at 40 characters
  assert.match(notice, /Temperature T \(t=<script>window\.__xss=2<\/script>\) is not valid/);
  assert.deepEqual(await shown(page, 'p'), await coreSoftmax(page, [2, 1, 0.1], 1));
  assert.equal(page.url(), `${env.url}#/softmax`); // the canonical (default) state replaces the bad one

  // A bad lesson id is shown as text, not markup.
  await page.goto(`${env.url}#/<img src=x onerror=alert(1)>`);
  await page.waitForFunction(() => document.querySelector('main h2')?.textContent === 'No such lesson');
  assert.match(await page.textContent('main'), /There is no lesson called “<img src=x onerror=alert\(1\)>” here/);
  assert.equal(await page.$('main img'), null);
  assert.equal(dialogs, 0);
  assertClean();
  await context.close();
});

test('a core or a lesson module that cannot load gives data-state="error" with a visible message', async () => {
  const { page, context, problems } = await openPage(env.browser, null);
  // both builds of the core: the served page is cross-origin isolated and loads the threaded one
  await page.route(/playgrad_core(_mt)?\.wasm$/, (r) => r.abort());
  await page.goto(`${env.url}#/softmax`);
  await page.waitForSelector('[data-lesson="softmax"][data-state="error"]', { timeout: 20000 });
  assert.match(await page.textContent('[data-lesson="softmax"] [role="alert"]'), /Something went wrong: the WebAssembly core did not load/);
  assert.ok(problems.some((p) => p.includes('playgrad_core.wasm')), 'the blocked request is what failed');
  // A lesson's own module that cannot load (each lesson's modules load when it opens): its place
  // says so, the list stays.
  await page.route('**/lessons/log-loss/lesson.mjs', (r) => r.abort());
  await page.evaluate(() => { location.hash = '#/log-loss'; });
  await page.waitForSelector('[data-lesson="log-loss"][data-state="error"]', { timeout: 20000 });
  assert.match(await page.textContent('[data-lesson="log-loss"] [role="alert"]'), /Something went wrong: the lesson did not load/);
  assert.equal(await page.locator('#lesson-list a[aria-current="page"]').textContent(), 'Log loss');
  await context.close();
});

test('screenshots: light and dark, 375 px and 1280 px', async () => {
  await screenshots(env, {
    name: 'softmax', hash: '#/softmax?z=2,1,0.1,-0.5&y=2', ready: READY, settle: 100,
    check: async (page, colorScheme) => {
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(bg, colorScheme === 'dark' ? 'rgb(21, 23, 27)' : 'rgb(251, 251, 250)');
    },
  });
});
