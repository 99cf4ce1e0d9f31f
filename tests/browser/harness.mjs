// Shared set-up for browser tests: serves web/ on a free localhost port and drives Debian's
// Chromium through playwright-core. Every page opened with openPage() records console errors,
// uncaught exceptions and failed requests; assertClean() fails the test on any of them.
// useBrowser() is a test file's before/after (useSiteCopy() the same on a temporary copy of web/); checkSharedUrl(), checkOffline(), checkSingleFile()
// and screenshots() are the steps every lesson test repeats (a shared link surviving a reload,
// offline via the service worker, dist/playgrad.html from file://, screenshots in four looks).
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { serve } from '../../scripts/serve.mjs';

export const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
export const DIST_HTML = fileURLToPath(new URL('../../dist/playgrad.html', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium-headless-shell';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export async function startSite(root = fileURLToPath(new URL('../../web/', import.meta.url))) {
  const server = await serve(root, { port: 0 });
  const { port } = server.address();
  return { server, url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(r)) };
}

export async function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/**
 * The usual set-up of a test file: a site serving `root` (default web/) and a browser, started
 * before its tests and closed after them. Returns { site, browser, url } (filled in by `before`).
 */
export function useBrowser(root) {
  const env = { site: null, browser: null, get url() { return env.site.url; } };
  before(async () => {
    env.site = await startSite(root);
    env.browser = await launch();
  });
  after(async () => {
    await env.browser?.close();
    await env.site?.close();
  });
  return env;
}

/**
 * useBrowser() on a temporary copy of the built site (web/), for tests that play "a new build" by
 * editing its files; the copy is deleted after the tests. Returns { site, browser, url, dir }.
 */
export function useSiteCopy(prefix) {
  const env = { site: null, browser: null, dir: null, get url() { return env.site.url; } };
  before(async () => {
    env.dir = mkdtempSync(path.join(os.tmpdir(), prefix));
    cpSync(fileURLToPath(new URL('../../web/', import.meta.url)), env.dir, { recursive: true });
    env.site = await startSite(env.dir);
    env.browser = await launch();
  });
  after(async () => {
    await env.browser?.close();
    await env.site?.close();
    if (env.dir) rmSync(env.dir, { recursive: true, force: true });
  });
  return env;
}

/**
 * A fresh context and page at `url` (none: blank), recording problems (see the top). Service
 * workers are off unless `contextOptions.serviceWorkers` is 'allow': installing the worker caches
 * every file of the site (about 6 MB) in each new context, a third of a page load's CPU, and only
 * the offline tests (checkOffline, offline.test.mjs, security-sw.test.mjs) are about it.
 */
export async function openPage(browser, url, contextOptions = {}) {
  const context = await browser.newContext({ serviceWorkers: 'block', ...contextOptions });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // net::ERR_ABORTED is a request the page itself cancelled (a navigation away while fonts were
  // still loading): not a failure of the site. Missing files still show as HTTP errors below.
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText;
    if (why !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()} ${why}`);
  });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  if (url) await page.goto(url);
  return { context, page, problems, assertClean: () => assert.deepEqual(problems, []) };
}

/**
 * A shared link reproduces the state, also after a reload: opens `hash`, and twice (before and
 * after a reload) waits for `ready`, asserts no notice is shown, runs `check(page)` and asserts
 * the URL is unchanged. Then runs `then(page)` (optional, more steps on the same page).
 */
export async function checkSharedUrl(env, { hash, ready, check, then }) {
  const url = `${env.url}${hash}`;
  const { page, context, assertClean } = await openPage(env.browser, url);
  for (let round = 0; round < 2; round++) {
    await page.waitForSelector(ready, { timeout: 60000 });
    assert.equal(await page.isHidden('#notice'), true);
    await check(page);
    assert.equal(page.url(), url);
    if (round === 0) await page.reload();
  }
  await then?.(page);
  assertClean();
  await context.close();
}

/**
 * Offline after one visit: opens `first` (any page of the site) until the service worker controls
 * it, cuts the network, goes to `hash`, reloads, waits for `ready` and runs `check(page)`.
 */
export async function checkOffline(env, { first, hash, ready, check }) {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}${first}`, { serviceWorkers: 'allow' });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20000 });
  await context.setOffline(true);
  await page.goto(`${env.url}${hash}`);
  await page.reload();
  await page.waitForSelector(ready, { timeout: 60000 });
  await check(page);
  await context.setOffline(false);
  assertClean();
  await context.close();
}

/**
 * dist/playgrad.html from file:// (no server): opens it at `hash`, waits for `ready`, runs
 * `check(page)` and asserts the page requested nothing outside the file (no http(s) at all).
 */
export async function checkSingleFile(env, { hash, ready, check }) {
  const single = await openPage(env.browser, null);
  const requests = [];
  single.page.on('request', (r) => requests.push(r.url()));
  await single.page.goto(`${pathToFileURL(DIST_HTML).href}${hash}`);
  await single.page.waitForSelector(ready, { timeout: 60000 });
  await check(single.page);
  assert.deepEqual(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:') && !u.startsWith('blob:')), []);
  single.assertClean();
  await single.context.close();
}

/**
 * Screenshots in light and dark at 375 px and 1280 px wide (LOOKS below), into tests/browser/artifacts/
 * <name>-<scheme>-<width>.png: opens `hash`, waits for `ready`, runs `prepare(page)`, waits for
 * the fonts and `settle` ms (charts draw on the next frame), asserts nothing is wider than the
 * viewport, runs `check(page, colorScheme)`, then shoots the full page.
 */
/**
 * "Check yourself": types (or, for a choice, picks) `answer` in exercise `id`, presses its Check
 * button and returns what the verdict box says: { verdict ('right' | 'wrong' | 'unread' |
 * 'error'), value (the core's answer, as text), text }.
 */
export async function checkExercise(page, id, answer) {
  await page.locator(`[data-exercise="${id}"]`).scrollIntoViewIfNeeded();
  const input = page.locator(`[data-name="exercise-input-${id}"]`);
  if (await input.evaluate((e) => e.tagName === 'SELECT')) await input.selectOption(String(answer));
  else await input.fill(String(answer));
  await page.click(`[data-name="exercise-check-${id}"]`);
  const verdict = page.locator(`[data-name="exercise-verdict-${id}"][data-verdict]`);
  await verdict.waitFor();
  return verdict.evaluate((e) => ({ verdict: e.dataset.verdict, value: e.dataset.value, text: e.textContent }));
}

// The test level shoots one look, light at 1280 px (tests/browser/phone-layout.test.mjs opens every
// lesson dark at 375 px and shoots it too: both schemes and both widths, one page load each);
// SCREENSHOTS=all shoots all four here, e.g. to review a change of the stylesheet.
const LOOKS = process.env.SCREENSHOTS === 'all'
  ? [['light', 375], ['light', 1280], ['dark', 375], ['dark', 1280]]
  : [['light', 1280]];

export async function screenshots(env, { name, hash, ready, prepare, check, settle = 150 }) {
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const [colorScheme, width] of LOOKS) {
    const { page, context, assertClean } = await openPage(env.browser, null, { colorScheme, viewport: { width, height: 900 } });
    await page.goto(`${env.url}${hash}`);
    await page.waitForSelector(ready, { timeout: 60000 });
    await prepare?.(page);
    await page.evaluate(() => document.fonts.ready);
    await page.waitForTimeout(settle);
    // Nothing wider than the viewport: the page never scrolls sideways.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the ${width}px viewport`);
    await check?.(page, colorScheme);
    await page.screenshot({ path: `${ARTIFACTS}${name}-${colorScheme}-${width}.png`, fullPage: true });
    assertClean();
    await context.close();
  }
}
