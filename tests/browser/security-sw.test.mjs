// The service worker caches only the site's own files, and a new build replaces the old cache so
// the page shows the new version after a reload (offline.test.mjs checks the cache swap; this
// checks what the user sees). Runs on a copy of the built site, so "a new build" (changed page,
// new version in sw.js) does not touch web/.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { openPage, useSiteCopy } from './harness.mjs';

const READY = '[data-lesson="softmax"][data-state="ready"]';

// A copy of the built site, so a test can play "a new build" without touching web/.
const env = useSiteCopy('playgrad-sw-');

// The reload waits for the new worker to take control and finish activating (controllerchange,
// then state 'activated'): a reload inside that window of a few milliseconds is still answered by
// the outgoing worker, which is the service-worker life cycle, not a stale cache.
test('the cache holds only the site\'s own files; a new build shows its new page after a reload', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/softmax`, { serviceWorkers: 'allow' });
  await page.waitForSelector(READY, { timeout: 30000 });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20000 });
  const cached = await page.evaluate(async () => {
    const keys = await caches.keys();
    const c = await caches.open(keys[0]);
    return (await c.keys()).map((r) => r.url);
  });
  assert.ok(cached.length > 10);
  for (const u of cached) assert.ok(u.startsWith(env.url), `cached from outside the site: ${u}`);
  const marker = () => page.evaluate(() => document.querySelector('meta[name="playgrad-build"]')?.content ?? null);
  assert.equal(await marker(), null);

  // A new build: the page changed, so its version (a hash of the files) changed.
  writeFileSync(path.join(env.dir, 'index.html'), readFileSync(path.join(env.dir, 'index.html'), 'utf8').replace('<meta charset="utf-8">', '<meta charset="utf-8"><meta name="playgrad-build" content="new">'));
  const sw = readFileSync(path.join(env.dir, 'sw.js'), 'utf8');
  const version = sw.match(/const VERSION = '([0-9a-f]+)'/)[1];
  writeFileSync(path.join(env.dir, 'sw.js'), sw.replace(`const VERSION = '${version}'`, "const VERSION = '0123456789abcdef'"));
  const controllerChanged = page.evaluate(() => new Promise((resolve) => {
    navigator.serviceWorker.addEventListener('controllerchange', () => resolve(true), { once: true });
  }));
  await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
  assert.equal(await controllerChanged, true);
  await page.waitForFunction(async () => (await navigator.serviceWorker.getRegistration()).active?.state === 'activated',
    null, { timeout: 20000 });
  await page.waitForFunction(async () => {
    const keys = await caches.keys();
    return keys.length === 1 && keys[0] === 'playgrad-0123456789abcdef';
  }, null, { timeout: 20000 });
  await page.reload();
  await page.waitForSelector(READY, { timeout: 30000 });
  assert.deepEqual(await page.evaluate(() => caches.keys()), ['playgrad-0123456789abcdef']);
  assert.equal(await marker(), 'new');
  // ... also with the network cut: the new version is what the cache holds.
  await context.setOffline(true);
  await page.reload();
  await page.waitForSelector(READY, { timeout: 30000 });
  assert.equal(await marker(), 'new');
  await context.setOffline(false);
  assertClean();
  await context.close();
});
