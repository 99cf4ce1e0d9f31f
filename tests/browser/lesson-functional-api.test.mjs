// The functional-api lesson in a real page: the graph drawn with the core's shapes and parameter
// counts, edited by clicks and the keyboard (units, a new head) with the summary, the shapes and
// the code following from the core, training in the worker with the same numbers as in Node, a
// graph with a cycle explained in the page, a shared URL, offline, the single-file page and
// screenshots.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { load } from 'playgrad';

import * as L from '../../lessons/functional-api/lesson.mjs';
import { defaults, toQuery } from '../../lessons/settings.mjs';
import { checkExercise, checkOffline, checkSharedUrl, checkSingleFile, openPage, screenshots, useBrowser } from './harness.mjs';

const env = useBrowser();
const READY = '[data-lesson="functional-api"][data-state="ready"]';
const value = (page, name) => page.$eval(`[data-name="${name}"]`, (e) => Number(e.dataset.value));
const graphOf = (page) => page.evaluate(() => new URLSearchParams(location.hash.split('?')[1] ?? '').get('graph'));
/** The graph setting once the URL (written at most every 150 ms) holds text containing `part`. */
async function graphWith(page, part) {
  await page.waitForFunction((p) => (new URLSearchParams(location.hash.split('?')[1] ?? '').get('graph') ?? '').includes(p), part);
  return graphOf(page);
}
const pg = await load();
const state = (over = {}) => ({ ...defaults(L.settings), ...over });

test('edit the graph, train a few epochs, and a graph with a cycle: all from the core', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/functional-api?epochs=5`);
  await page.waitForSelector(READY, { timeout: 30000 });
  assert.equal(await page.$eval('[data-name="status"]', (e) => e.dataset.mode), 'worker');
  assert.equal(await value(page, 'total-params'), 2721);
  assert.equal(await value(page, 'param-h2'), 1395);
  assert.equal(await page.$eval('[data-name="edge-h1-h2"]', (e) => e.dataset.value), '(None, 30)');

  // Click h1, change its units to 12: shapes, counts and code follow (as the core gives them).
  await page.click('[data-name="node-h1"]');
  await page.waitForSelector('[data-name="edit-units"]', { state: 'visible' });
  await page.fill('[data-name="edit-units"]', '12');
  await page.press('[data-name="edit-units"]', 'Enter');
  await page.waitForFunction(() => document.querySelector('[data-name="edge-h1-h2"]')?.dataset.value === '(None, 12)');
  const g12 = await graphWith(page, 'h1 = Dense(12)(x)');
  assert.match(g12, /h1 = Dense\(12\)\(x\)/);
  const want12 = L.analyze(pg, state({ graph: g12 }));
  assert.equal(await value(page, 'total-params'), want12.total);
  assert.equal(await value(page, 'param-h2'), 45 * 13);
  await page.click('[data-name="dialect-pytorch"]');
  assert.match(await page.textContent('[data-name="code"]'), /self\.h2 = nn\.Linear\(12, 45\)/);
  await page.click('[data-name="dialect-keras"]');
  assert.match(await page.textContent('[data-name="code"]'), /h1 = layers\.Dense\(12, name="h1"\)\(x\)/);

  // Keyboard: Tab to h3, Enter, add a head after it.
  await page.focus('[data-name="node-h3"]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-name="editor-title"]').textContent.startsWith('h3'));
  await page.click('[data-name="add-head"]');
  await page.waitForFunction(() => document.querySelector('[data-name="node-head1"]') !== null);
  const g3 = await graphWith(page, 'head1');
  assert.match(g3, /outputs = o1, o2, head1/);
  assert.equal(await value(page, 'total-params'), L.analyze(pg, state({ graph: g3 })).total);

  // Train two epochs in the worker: the page shows Node's numbers for the same settings.
  await page.click('[data-name="step"]');
  await page.waitForFunction(() => document.querySelector('[data-name="status"]').dataset.epoch === '1');
  await page.click('[data-name="step"]');
  await page.waitForFunction(() => document.querySelector('[data-name="status"]').dataset.epoch === '2');
  const s = L.session(pg, state({ graph: g3, epochs: 5 }));
  s.step();
  s.step();
  const r = s.result();
  s.dispose();
  for (let k = 0; k < 3; k++) assert.equal(await value(page, `head-loss-${k}`), r.history.heads[2][k], `head ${k}`);
  assert.equal(await value(page, 'total-loss'), r.history.loss[2]);
  const h1 = r.grads.layers.find((l) => l.name === 'h1');
  assert.equal(await value(page, 'share-h1-1'), h1.share[1]);

  // A loss-weight slider by keyboard: a new run whose head-2 gradient part is the core's.
  await page.getByRole('slider', { name: 'w2' }).focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => location.hash.includes('lossWeights=1,0.55'));
  const w = L.session(pg, state({ graph: g3, epochs: 5, lossWeights: [1, 0.55] }));
  const n = w.snapshot().grads.layers.find((l) => l.name === 'h1').norms[1];
  w.dispose();
  await page.waitForFunction((v) => Number(document.querySelector('[data-name="norm-h1-1"]')?.dataset.value) === v, n);

  // A graph with a cycle: the core's message in the page, nothing to train, and back again.
  await page.click('[data-name="preset-cycle"]');
  await page.waitForFunction(() => !document.querySelector('[data-name="graph-error"]').hidden);
  assert.match(await page.textContent('[data-name="graph-error"]'), /a cycle h1 → h3 → h1/);
  assert.equal(await page.isDisabled('[data-name="step"]'), true);
  await page.click('[data-name="preset-twoInputs"]');
  await page.waitForFunction(() => document.querySelector('[data-name="graph-error"]').hidden);
  assert.equal(await value(page, 'total-params'), 2540);
  assert.equal(await page.$eval('[data-name="edge-h4-o"]', (e) => e.dataset.value), '(None, 50)');
  assert.equal((await checkExercise(page, 'concat-width', '90')).verdict, 'right');
  assertClean();
  await context.close();
});

test('a shared URL restores; a bad graph in a link is a notice; offline; dist/playgrad.html from file://', async () => {
  await checkSharedUrl(env, {
    hash: `#/functional-api?${toQuery(L.settings, state({ graph: L.PRESETS.shapes, lossWeights: [1, 0.3] }))}`,
    ready: READY,
    check: async (page) => {
      assert.match(await page.textContent('[data-name="graph-error"]'), /Concatenate 'o': input shapes \[2,30\], \[20\] differ/);
    },
  });
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/functional-api?graph=x%20%3D%20Input(4`);
  await page.waitForSelector(READY, { timeout: 30000 });
  assert.match(await page.textContent('#notice'), /Graph/);
  assert.equal(await value(page, 'total-params'), 2721);
  assertClean();
  await context.close();
  await checkOffline(env, { first: '#/functional-api', hash: '#/functional-api?epochs=1', ready: READY,
    check: async (page2) => { assert.equal(await value(page2, 'total-params'), 2721); } });
  await checkSingleFile(env, { hash: '#/functional-api?epochs=2&points=64', ready: READY,
    check: async (page2) => {
      assert.equal(await page2.$eval('[data-name="status"]', (e) => e.dataset.mode), 'main');
      await page2.click('[data-name="play"]');
      await page2.waitForFunction(() => document.querySelector('[data-name="status"]').textContent.includes('done'), null, { timeout: 30000 });
    } });
});

test('screenshots: light and dark, 375 px and 1280 px', async () => {
  await screenshots(env, {
    name: 'functional-api', hash: '#/functional-api?epochs=4&points=128', ready: READY, settle: 300,
    prepare: async (page) => {
      await page.click('[data-name="play"]');
      await page.waitForFunction(() => document.querySelector('[data-name="status"]').textContent.includes('done'), null, { timeout: 30000 });
      await page.click('[data-name="node-h1"]');
    },
  });
});
