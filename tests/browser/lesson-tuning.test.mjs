// The tuning lesson in a real page: the race runs in the training worker to the end and shows the
// numbers the core computes for the same settings (the same seed gives the same trials in the page
// as in Node), Step and Cancel, the heatmap read with the keyboard, an empty search space and a
// diverging trial reported in the page, a shared URL, offline, dist/playgrad.html from file://
// (the digits inline), exercises and screenshots.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkExercise, checkOffline, checkSharedUrl, checkSingleFile, openPage, screenshots, useBrowser } from './harness.mjs';

const env = useBrowser();
const READY = '[data-lesson="tuning"][data-state="ready"]';
const SMALL = 'trials=4&epochs=1&executions=1&digits=200';
const statusText = (page) => page.textContent('[data-name="status"]');
const waitDone = (page, timeout = 90000) => page.waitForFunction(() => / done| cancelled/.test(document.querySelector('[data-name="status"]')?.textContent ?? ''), null, { timeout });

/** The best score each strategy shows. */
const shownBest = (page) => page.$$eval('[data-name^="best-"][data-value]', (es) => Object.fromEntries(es.map((e) => [e.dataset.name.slice(5), e.dataset.value === '' ? null : Number(e.dataset.value)])));

/** The same race computed in the page, on the main thread, through the lesson module and the core. */
async function coreRace(page, over) {
  return page.evaluate(async (o) => {
    const { load } = await import('./lib/playgrad.mjs');
    const L = await import('./lib/lessons/tuning/lesson.mjs');
    const { defaults } = await import('./lib/lessons/settings.mjs');
    const { loadDigits } = await import('./lib/lessons/digits-data.mjs');
    const pg = await load();
    await loadDigits();
    const s = L.session(pg, { ...defaults(L.settings), convention: 'keras', ...o });
    while (!s.done) s.step();
    const r = s.result();
    s.dispose();
    return Object.fromEntries(Object.entries(r.strategies).map(([n, st]) => [n, st.best ? st.best.score : null]));
  }, over);
}

test('the race runs in the worker to the end; the best scores shown are the core\'s for the same seed', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/tuning?${SMALL}`);
  await page.waitForSelector(READY, { timeout: 60000 });
  assert.match(await page.textContent('[data-name="decades-log"]'), /^log \d+ \/ \d+ \/ \d+$/);
  await page.click('[data-name="play"]');
  await waitDone(page);
  const shown = await shownBest(page);
  assert.deepEqual(Object.keys(shown).sort(), ['grid', 'halving', 'random']);
  const want = await coreRace(page, { digits: 200, trials: 4, epochs: 1, executions: 1 });
  assert.deepEqual(shown, want);
  assert.ok(shown.random > 0.3, `random search learned something (${shown.random})`);
  // Every trial row has a status and the grid's 4 trials are scored.
  const grid = await page.$$eval('[data-name^="trial-grid-"]', (rs) => rs.map((r) => r.dataset.status));
  assert.deepEqual(grid, ['done', 'done', 'done', 'done']);
  // The heatmap with the keyboard: focus it, arrows walk the trials and the line below names one.
  await page.focus('canvas[aria-label^="learning rate (across"]');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => /Grid search, trial 1: lr /.test(document.querySelector('[data-name="heat-info"]').textContent));
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => /Grid search, trial 2: /.test(document.querySelector('[data-name="heat-info"]').textContent));
  assertClean();
  await context.close();
});

test('Step trains one batch; Cancel ends the race and keeps the finished trials', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/tuning?digits=400&trials=9&epochs=3&executions=1&strategy=random`);
  await page.waitForSelector(READY, { timeout: 60000 });
  // Step: one batch (the first presses may only find the digits still loading).
  const spentNow = () => page.$eval('[data-name="status"]', (e) => Number(e.dataset.spent));
  for (let i = 0; i < 50 && (await spentNow()) === 0; i++) {
    await page.click('[data-name="step"]');
    await page.waitForFunction(() => Number(document.querySelector('[data-name="status"]').dataset.spent) > 0, null, { timeout: 1000 }).catch(() => {});
  }
  const s1 = await spentNow();
  assert.ok(s1 > 0, 'the first steps trained');
  // Once the digits are in, one press is one batch of 32 of the 400 training digits: 0.08 epochs.
  await page.click('[data-name="step"]');
  await page.waitForFunction((x) => Number(document.querySelector('[data-name="status"]').dataset.spent) > x, s1);
  assert.ok(Math.abs((await spentNow()) - s1 - 32 / 400) < 1e-9, `one batch: ${s1} -> ${await spentNow()}`);
  // Step on until the first trial is done, then Cancel. (Not Play: this race trains in about
  // 60 ms on a fast machine, so a Cancel clicked after the first finished trial could land after
  // the last one; one batch a press leaves the rest of the race to come on any machine.)
  const doneCount = () => page.$$eval('[data-name^="trial-random-"][data-status="done"]', (rs) => rs.length);
  // A press that neither trains a batch nor finishes a trial within 5 s ends the loop (the assert
  // below then fails at once, not after 400 more presses).
  for (let i = 0; i < 400 && (await doneCount()) === 0; i++) {
    const before = await spentNow();
    await page.click('[data-name="step"]');
    const moved = await page.waitForFunction((x) => Number(document.querySelector('[data-name="status"]').dataset.spent) > x ||
      document.querySelector('[data-name^="trial-random-"][data-status="done"]'), before, { timeout: 5000 }).then(() => true, () => false);
    if (!moved) break;
  }
  assert.ok((await doneCount()) >= 1, 'a trial finished by stepping');
  await page.click('[data-name="cancel"]');
  await waitDone(page);
  assert.match(await statusText(page), /cancelled/);
  const statuses = await page.$$eval('[data-name^="trial-random-"]', (rs) => rs.map((r) => r.dataset.status));
  assert.ok(statuses.includes('done') && statuses.some((s) => s !== 'done'), statuses.join());
  assert.equal(await page.isDisabled('[data-name="play"]'), true);
  assertClean();
  await context.close();
});

test('bad input: an empty search space is reported in the page; a diverging trial is reported and the race goes on', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/tuning?${SMALL}&activations=`);
  await page.waitForSelector(READY, { timeout: 60000 });
  await page.waitForSelector('[data-name="problem"]:not([hidden])');
  assert.match(await page.textContent('[data-name="problem"]'), /search space is empty: the activations list has no choice/);
  assert.equal(await page.isDisabled('[data-name="play"]'), true);
  // Fix it with the control: the problem goes away and the race can run.
  const box = page.getByRole('textbox', { name: 'Activations (choices)' });
  await box.fill('relu');
  await box.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-name="problem"]').hidden);
  // A learning-rate range with nothing in it.
  await page.goto(`${env.url}#/tuning?${SMALL}&lrMin=0.5&lrMax=0.1`);
  await page.waitForSelector(READY, { timeout: 60000 });
  await page.waitForFunction(() => /learning-rate range \[0\.5, 0\.1\] has nothing in it/.test(document.querySelector('[data-name="problem"]').textContent));
  // Learning rates from 5 to 10 and λ from 0.5 to 1: trials diverge, each is reported, the race finishes.
  await page.goto(`${env.url}#/tuning?trials=3&epochs=1&executions=1&digits=1000&strategy=random&lrMin=5&lrMax=10&l2Min=0.5&l2Max=1&layers=1&units=16&activations=tanh&batchNorm=off`);
  await page.waitForSelector(READY, { timeout: 60000 });
  await page.click('[data-name="play"]');
  await waitDone(page);
  const rows = await page.$$eval('[data-name^="trial-random-"]', (rs) => rs.map((r) => ({ status: r.dataset.status, text: r.textContent })));
  const div = rows.filter((r) => r.status === 'diverged');
  assert.ok(div.length >= 1, JSON.stringify(rows));
  assert.match(div[0].text, /executions diverged \(epoch 1, batch \d+: the loss became Infinity/);
  assert.equal(await page.isHidden('[data-name="problem"]'), true, 'a diverged trial is not a failure of the race');
  assertClean();
  await context.close();
});

test('exercises: the shares of the bottom decade and grid search\'s learning rates', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/tuning?${SMALL}`);
  await page.waitForSelector(READY, { timeout: 60000 });
  assert.equal((await checkExercise(page, 'grid-distinct-lr', '2')).verdict, 'right');
  assert.equal((await checkExercise(page, 'log-bottom-decade', '0.9')).verdict, 'wrong');
  assert.equal((await checkExercise(page, 'linear-bottom-decade', '0.009')).verdict, 'right');
  assertClean();
  await context.close();
});

test('a shared URL restores the search; offline after one visit; dist/playgrad.html from file:// with the digits inline', async () => {
  const hash = `#/tuning?${SMALL}&lrScale=linear&seed=7`;
  await checkSharedUrl(env, { hash, ready: READY,
    check: async (page) => {
      assert.equal(await page.getByRole('combobox', { name: 'Learning-rate sampling' }).inputValue(), 'linear');
      assert.equal(await page.getByRole('spinbutton', { name: 'Seed (exact value)' }).inputValue(), '7');
    } });
  await checkOffline(env, { first: '#/tuning', hash: `#/tuning?${SMALL}`, ready: READY,
    check: async (page) => { await page.click('[data-name="play"]'); await waitDone(page); } });
  await checkSingleFile(env, { hash: `#/tuning?${SMALL}`, ready: READY,
    check: async (page) => {
      await page.click('[data-name="play"]');
      await waitDone(page);
      const best = await shownBest(page);
      assert.ok(best.random > 0.3, JSON.stringify(best));
    } });
});

test('screenshots: light and dark, 375 px and 1280 px', async () => {
  await screenshots(env, {
    name: 'tuning', hash: `#/tuning?digits=300&trials=9&epochs=3&executions=2`, ready: READY, settle: 300,
    prepare: async (page) => {
      await page.click('[data-name="play"]');
      await waitDone(page, 120000);
    },
  });
});
