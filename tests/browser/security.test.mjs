// The locked-down page: a Content-Security-Policy (meta tag in web/index.html; a hash-based one in
// dist/playgrad.html) under which every lesson runs with no violation reported, and crafted links
// for EVERY lesson and EVERY setting (HTML, javascript: URLs, 200,000 characters, unicode) that
// run nothing and show the defaults with a notice naming each bad field: the first opens the
// lesson, the others are followed on the open lesson.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { LESSONS } from '../../lessons/index.mjs';
import { parseHash, parseSettings, toQuery } from '../../lessons/settings.mjs';
import { launch, openPage, startSite } from './harness.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
let site;
let browser;
before(async () => { site = await startSite(); browser = await launch(); });
after(async () => { await browser?.close(); await site?.close(); });

// Records securitypolicyviolation events from the first script on.
const RECORD = () => {
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
  });
};

function parsePolicy(content) {
  const p = {};
  for (const part of content.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) p[name] = values;
  }
  return p;
}

function checkPolicy(content, connect = ["'self'"]) {
  const p = parsePolicy(content);
  const scripts = p['script-src'] ?? p['default-src'];
  assert.ok(scripts, 'a script-src');
  assert.ok(!scripts.includes("'unsafe-inline'"), "no 'unsafe-inline' scripts");
  // The only exceptions: wasm compilation, and Embind's new Function (docs/robustness.md).
  for (const v of scripts) assert.ok(["'self'", "'wasm-unsafe-eval'", "'unsafe-eval'"].includes(v) || /^'sha256-[A-Za-z0-9+/=]+'$/.test(v), `script source ${v}`);
  assert.deepEqual(p['connect-src'], connect);
  assert.deepEqual(p['object-src'], ["'none'"]);
  for (const values of Object.values(p)) for (const v of values) assert.ok(!/^(https?:|\*|\/\/)/.test(v) && !/\.[a-z]{2,}$/.test(v), `remote origin ${v}`);
}

test('web/index.html: the policy is present and every lesson runs with no CSP violation', async () => {
  const { page, context, assertClean } = await openPage(browser, null);
  await page.addInitScript(RECORD);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  for (const lesson of LESSONS) {
    await page.goto(`${site.url}#/${lesson.id}`);
    await page.waitForSelector(`[data-lesson="${lesson.id}"][data-state="ready"]`, { timeout: 30000 });
    const content = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    checkPolicy(content);
    // Drive it a little: every control gets a keypress.
    for (const input of await page.$$(`[data-lesson="${lesson.id}"] input[type="range"]`)) {
      await input.focus();
      await page.keyboard.press('ArrowRight');
    }
    await page.waitForTimeout(100);
    assert.equal(await page.getAttribute(`[data-lesson="${lesson.id}"]`, 'data-state'), 'ready');
    assert.deepEqual(await page.evaluate(() => window.__violations), [], lesson.id);
  }
  for (const u of requests) assert.ok(u.startsWith(site.url) || u.startsWith('data:'), `request outside the site: ${u}`);
  assertClean();
  await context.close();
});

test('dist/playgrad.html: a hash-based policy, and the softmax lesson runs from file:// with no violation', async () => {
  const { page, context, assertClean } = await openPage(browser, null);
  await page.addInitScript(RECORD);
  await page.goto(`${pathToFileURL(path.join(root, 'dist/playgrad.html')).href}#/softmax`);
  await page.waitForSelector('[data-lesson="softmax"][data-state="ready"]', { timeout: 30000 });
  const content = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  // The single-file glue fetches its own embedded wasm, a data: URL inside the file.
  checkPolicy(content, ["'self'", 'data:']);
  assert.match(content, /script-src 'sha256-/);
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assertClean();
  await context.close();
});

const CRAFTED = [
  ['html', '<img src=x onerror=window.__pwned=1>'],
  ['script', '<script>window.__pwned=2</script>'],
  ['javascript-url', 'javascript:window.__pwned=3'],
  ['huge', '7'.repeat(100000)],
  ['unicode', '١٢٣😀\u202e'],
];

for (const lesson of LESSONS) {
  test(`lesson ${lesson.id}: crafted links in every setting run nothing and show defaults with a notice`, async () => {
    const { page, context, assertClean } = await openPage(browser, null);
    await page.addInitScript(RECORD);
    let dialogs = 0;
    page.on('dialog', (d) => { dialogs++; d.dismiss(); });
    for (const [cls, text0] of CRAFTED) {
      // The huge case: 200,000 characters of hash in all, split over the settings (up to 100,000
      // each). A URL of megabytes costs Chromium and the test driver seconds per navigation.
      const text = cls === 'huge' ? text0.slice(0, Math.floor(2e5 / lesson.settings.length)) : text0;
      const hash = `#/${lesson.id}?${lesson.settings.map((d) => `${d.name}=${encodeURIComponent(text)}`).join('&')}`;
      const { state, problems } = parseSettings(lesson.settings, parseHash(hash).fields);
      const canonical = toQuery(lesson.settings, state);  // a text setting (a typed f(x, y)) keeps any text
      // The first link opens the page (the lesson starts from it); the others are followed on
      // the open lesson (the settings change in place): both ways a link comes in.
      if (cls === CRAFTED[0][0]) {
        await page.goto('about:blank');
        await page.goto(`${site.url}${hash}`);
      } else {
        // The notice is emptied first, so the one checked below is this link's.
        await page.evaluate((h) => {
          const notice = document.getElementById('notice');
          notice.hidden = true;
          notice.textContent = '';
          location.hash = h;
        }, hash);
        await page.waitForFunction(() => document.getElementById('notice').textContent !== '');
      }
      await page.waitForSelector(`[data-lesson="${lesson.id}"][data-state="ready"]`, { timeout: 30000 });
      assert.equal(await page.evaluate(() => window.__pwned), undefined, `${lesson.id} ${cls}`);
      assert.equal(await page.$('img[src="x"], main script'), null, `${lesson.id} ${cls}`);
      assert.ok(problems.length > 0, `${lesson.id} ${cls}: expected the fields to be rejected`);
      assert.equal(await page.isVisible('#notice'), true, `${lesson.id} ${cls}: notice`);
      const notice = await page.textContent('#notice');
      for (const p of problems) assert.ok(notice.includes(`(${p.name}=`), `${lesson.id} ${cls}: notice names ${p.name}`);
      assert.ok(notice.length < 400 * (problems.length + 1), `${lesson.id} ${cls}: notice of ${notice.length} characters`);
      // The defaults replace the rejected fields in the URL: exactly the parsed state's URL when the
      // link opened the page; on an open lesson the view may also react to the change as to a
      // control (backprop switches to the typed expression's graph), so there the URL must parse
      // with no problem.
      if (cls === CRAFTED[0][0]) assert.equal(page.url(), `${site.url}#/${lesson.id}${canonical ? `?${canonical}` : ''}`, `${lesson.id} ${cls}`);
      else await page.waitForFunction(([u]) => location.href.startsWith(u), [`${site.url}#/${lesson.id}`]);
      assert.deepEqual(parseSettings(lesson.settings, parseHash(new URL(page.url()).hash).fields).problems, [], `${lesson.id} ${cls}: the URL after the link`);
      assert.deepEqual(await page.evaluate(() => window.__violations), [], `${lesson.id} ${cls}`);
    }
    assert.equal(dialogs, 0);
    assertClean();
    await context.close();
  });
}
