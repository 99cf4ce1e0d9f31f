// Page load to first lesson ready: headless Chromium (Debian's, through playwright-core and
// tests/browser/harness.mjs) opens http://127.0.0.1:<port>/#/softmax served from web/ by
// scripts/serve.mjs, in a fresh browser context each time (a cold cache: nothing reused between
// loads), and the time is from the navigation start (the page's performance.timeOrigin) to the
// moment an element [data-lesson="softmax"][data-state="ready"] appears (a MutationObserver
// installed before any page script records performance.now()). The figure is the median of
// `loads` cold loads after one discarded load (Chromium's own start-up); every sample and the
// wall-clock time around page.goto() + waitForSelector are in latest.json.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { root } from '../lib/peers.mjs';
import { median } from '../lib/timing.mjs';

const READY = '[data-lesson="softmax"][data-state="ready"]';

async function measure(loads) {
  if (!existsSync(join(root, 'web/lib'))) throw new Error('web/lib is missing: run scripts/build.sh first');
  const { startSite, launch } = await import(join(root, 'tests/browser/harness.mjs'));
  const site = await startSite();
  const browser = await launch();
  const inPage = [], wall = [];
  try {
    for (let i = 0; i <= loads; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.addInitScript((sel) => {
        const seen = () => {
          if (window.__readyAt === undefined && document.querySelector(sel)) window.__readyAt = performance.now();
        };
        new MutationObserver(seen).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
      }, READY);
      const t0 = performance.now();
      await page.goto(`${site.url}#/softmax`);
      await page.waitForSelector(READY, { timeout: 20000 });
      const t1 = performance.now();
      const at = await page.evaluate(() => window.__readyAt);
      if (i > 0) {
        inPage.push(at);
        wall.push(t1 - t0);
      }
      await context.close();
    }
  } finally {
    await browser.close();
    await site.close();
  }
  return { value: median(inPage), samples_ms: inPage, wall_ms: wall, wall_median_ms: median(wall) };
}

export default {
  name: 'pageload',
  order: 95,
  async cases() {
    return [{
      id: 'page load to #/softmax ready (Chromium, cold context)',
      unit: 'ms',
      measure: () => measure(7),
      targets: [{ text: '< 500 ms', max: 500 }],
    }];
  },
};
