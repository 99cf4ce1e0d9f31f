// The locked-down page: a Content-Security-Policy (meta tag in web/index.html; a hash-based one in
// dist/playgrad.html) under which every lesson runs with no violation reported, and crafted links
// for EVERY lesson and EVERY setting (HTML, javascript: URLs, 100,000 characters, unicode) that
// run nothing and show the defaults with a notice naming each bad field.
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
      // At most ~1 MB of hash in all (Chromium refuses URLs over 2 MB): split the huge case.
      const text = cls === 'huge' ? text0.slice(0, Math.floor(1e6 / lesson.settings.length)) : text0;
      const hash = `#/${lesson.id}?${lesson.settings.map((d) => `${d.name}=${encodeURIComponent(text)}`).join('&')}`;
      const { state, problems } = parseSettings(lesson.settings, parseHash(hash).fields);
      const canonical = toQuery(lesson.settings, state);  // a text setting (a typed f(x, y)) keeps any text
      await page.goto('about:blank');
      await page.goto(`${site.url}${hash}`);
      await page.waitForSelector(`[data-lesson="${lesson.id}"][data-state="ready"]`, { timeout: 30000 });
      assert.equal(await page.evaluate(() => window.__pwned), undefined, `${lesson.id} ${cls}`);
      assert.equal(await page.$('img[src="x"], main script'), null, `${lesson.id} ${cls}`);
      assert.ok(problems.length > 0, `${lesson.id} ${cls}: expected the fields to be rejected`);
      assert.equal(await page.isVisible('#notice'), true, `${lesson.id} ${cls}: notice`);
      const notice = await page.textContent('#notice');
      for (const p of problems) assert.ok(notice.includes(`(${p.name}=`), `${lesson.id} ${cls}: notice names ${p.name}`);
      assert.ok(notice.length < 400 * (problems.length + 1), `${lesson.id} ${cls}: notice of ${notice.length} characters`);
      // The defaults replace the rejected fields in the URL.
      assert.equal(page.url(), `${site.url}#/${lesson.id}${canonical ? `?${canonical}` : ''}`, `${lesson.id} ${cls}`);
      assert.deepEqual(await page.evaluate(() => window.__violations), [], `${lesson.id} ${cls}`);
    }
    assert.equal(dialogs, 0);
    assertClean();
    await context.close();
  });
}
