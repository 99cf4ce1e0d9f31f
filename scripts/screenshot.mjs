// Takes README's screenshot, docs/screenshot.png: the built site (run `npm run build` first) served
// on localhost, opened in headless Chromium (the browser tests' harness), the optimizers lesson at
// its defaults (six optimizers on an elongated bowl) once the paths have finished animating.
// Keep the PNG well under 200 KB.
//   node scripts/screenshot.mjs [out.png]
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { launch, openPage, startSite } from '../tests/browser/harness.mjs';

const hash = '#/optimizers';
const out = process.argv[2] ?? fileURLToPath(new URL('../docs/screenshot.png', import.meta.url));

const site = await startSite();
const browser = await launch();
try {
  const { page, context, assertClean } = await openPage(browser, null,
    { viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  await page.goto(`${site.url}${hash}`);
  await page.waitForSelector('[data-lesson="optimizers"][data-state="ready"]', { timeout: 20000 });
  // The contour map's panel at the top of the window; the paths animate in, and the picture
  // shows them drawn.
  await page.evaluate(() => document.querySelector('.opt-map').closest('.panel').scrollIntoView());
  await page.waitForTimeout(4000);
  await page.screenshot({ path: out });
  assertClean();
  await context.close();
  console.log(`screenshot: ${out} (${statSync(out).size} bytes)`);
} finally {
  await browser.close();
  await site.close();
}
