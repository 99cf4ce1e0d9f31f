// Offline use: (1) the service worker caches the site's own files, so a page visited once works
// with the network cut, and a new build's worker replaces the old cache; (2) dist/playgrad.html,
// one self-contained file, runs a lesson from file:// with no server.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { openPage, useSiteCopy } from './harness.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const READY = '[data-lesson="softmax"][data-state="ready"]';

// A copy of the built site, so a test can play "a new build" without touching web/.
const env = useSiteCopy('playgrad-site-');

const p0 = (page) => page.$eval('[data-name="p-0"]', (c) => c.dataset.value);

test('the service worker serves the lessons with the network cut; a new build replaces the cache', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/softmax`, { serviceWorkers: 'allow' });
  await page.waitForSelector(READY, { timeout: 20000 });
  const online = await p0(page);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20000 });
  const version = readFileSync(path.join(env.dir, 'sw.js'), 'utf8').match(/const VERSION = '([0-9a-f]+)'/)[1];
  assert.deepEqual(await page.evaluate(() => caches.keys()), [`playgrad-${version}`]);

  await context.setOffline(true);
  await page.reload();
  await page.waitForSelector(READY, { timeout: 20000 });
  assert.equal(await p0(page), online);
  // Another state, a fresh navigation, still offline. (Straight from the page above, goto would
  // change only the hash: the same document, whose READY lesson could be read before the new
  // state was applied.)
  await page.goto('about:blank');
  await page.goto(`${env.url}#/softmax?z=1,2&t=2`);
  await page.waitForSelector(READY, { timeout: 20000 });
  const p = await page.evaluate(async () => {
    const { load } = await import('./lib/playgrad.mjs');
    const pg = await load();
    return pg.scope(() => String(pg.softmax(pg.div(pg.tensor([1, 2]), 2)).toArray()[0]));
  });
  assert.equal(await p0(page), p);
  assert.equal(await page.evaluate(() => document.getElementById('offline-info').textContent), 'Works offline once visited.');
  await context.setOffline(false);

  // "A new build": a changed worker (new version) installs, activates and deletes the old cache.
  const sw = readFileSync(path.join(env.dir, 'sw.js'), 'utf8').replace(`const VERSION = '${version}'`, "const VERSION = 'feedbeeffeedbeef'");
  writeFileSync(path.join(env.dir, 'sw.js'), sw);
  await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
  await page.waitForFunction(async () => {
    const keys = await caches.keys();
    return keys.length === 1 && keys[0] === 'playgrad-feedbeeffeedbeef';
  }, null, { timeout: 20000 });
  assertClean();
  await context.close();
});

test('dist/playgrad.html runs the softmax lesson from file:// with no server', async () => {
  const file = path.join(root, 'dist/playgrad.html');
  const html = readFileSync(file, 'utf8');
  // Self-contained: no script or stylesheet fetched from anywhere.
  assert.doesNotMatch(html, /<script[^>]+src=/);
  assert.doesNotMatch(html, /<link[^>]+rel="stylesheet"/);
  assert.doesNotMatch(html, /url\(fonts\//);
  const { page, context, assertClean } = await openPage(env.browser, null);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${pathToFileURL(file).href}#/softmax?z=0,-1&large=1`);
  await page.waitForSelector(READY, { timeout: 20000 });
  assert.equal(await page.textContent('[data-name="p-0"]'), '0.7311');
  assert.equal(await page.textContent('[data-name="naive-p-0"]'), 'NaN');
  // Drive a control: the numbers follow.
  await page.getByRole('checkbox', { name: /Large logits/ }).click();
  await page.waitForFunction(() => document.querySelector('[data-name="naive-p-0"]').textContent === '0.7311');
  // KaTeX rendered with its inline fonts.
  assert.ok(await page.$('.katex'));
  const faces = await page.evaluate(async () => (await document.fonts.load('16px KaTeX_Main')).map((f) => f.status));
  assert.ok(faces.length > 0 && faces.every((s) => s === 'loaded'), `KaTeX_Main: ${faces}`);
  assert.deepEqual(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:')), []);
  assertClean();
  await context.close();
});
