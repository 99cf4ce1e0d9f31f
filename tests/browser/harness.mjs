// Shared set-up for browser tests: serves web/ on a free localhost port and drives Debian's
// Chromium through playwright-core. Every page opened with openPage() records console errors,
// uncaught exceptions and failed requests; assertClean() fails the test on any of them.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';

import { serve } from '../../scripts/serve.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
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

export async function openPage(browser, url, contextOptions = {}) {
  const context = await browser.newContext(contextOptions);
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
