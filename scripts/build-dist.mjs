#!/usr/bin/env node
// Completes the static site after scripts/build-web.mjs and writes the single-file page:
//   web/lib/katex/     KaTeX (ES module, CSS, fonts) from the npm package: no CDN
//   web/lib/lessons/   the lessons (lessons/**), imported by the page as plain ES modules
//   web/sw.js          the service worker, from web/sw-template.js with this build's version
//                      (a hash of every cached file) and the list of files to cache
//   dist/playgrad.html one self-contained file: the page's modules bundled by esbuild with the
//                      single-file wasm glue (wasm embedded), styles and KaTeX's woff2 fonts
//                      inline as data: URLs, the MNIST digits too (lessons/digits-data.mjs).
//                      Opens from file:// with no server.
import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('../', import.meta.url));
const web = path.join(root, 'web');
const lib = path.join(web, 'lib');
const katexDist = path.join(root, 'node_modules/katex/dist');

// 1. KaTeX and the lessons into web/lib/.
await rm(path.join(lib, 'katex'), { recursive: true, force: true });
await mkdir(path.join(lib, 'katex/fonts'), { recursive: true });
for (const f of ['katex.mjs', 'katex.min.css']) await cp(path.join(katexDist, f), path.join(lib, 'katex', f));
const fonts = (await readdir(path.join(katexDist, 'fonts'))).filter((f) => f.endsWith('.woff2'));
for (const f of fonts) await cp(path.join(katexDist, 'fonts', f), path.join(lib, 'katex/fonts', f));
// Only the woff2 fonts are shipped (every browser with WebAssembly SIMD reads woff2): drop the
// woff/ttf fallbacks from the stylesheet so nothing points at a missing file.
const katexCss = (await readFile(path.join(katexDist, 'katex.min.css'), 'utf8'))
  .replace(/,url\(fonts\/[^)]+\.woff\) format\("woff"\)/g, '')
  .replace(/,url\(fonts\/[^)]+\.ttf\) format\("truetype"\)/g, '');
await writeFile(path.join(lib, 'katex/katex.min.css'), katexCss);
await rm(path.join(lib, 'lessons'), { recursive: true, force: true });
await cp(path.join(root, 'lessons'), path.join(lib, 'lessons'), {
  recursive: true, filter: (src) => !src.endsWith('.md') || src.endsWith('text.md'),
});

// 2. The service worker: every file of the site, hashed into the version.
async function walk(dir) {
  const out = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...await walk(p));
    else out.push(p);
  }
  return out;
}
const assets = (await walk(web))
  .map((p) => path.relative(web, p).split(path.sep).join('/'))
  .filter((p) => p !== 'sw.js' && p !== 'sw-template.js')
  .sort();
const hash = createHash('sha256');
hash.update(await readFile(path.join(web, 'sw-template.js'))); // a changed worker is a new version too
for (const a of assets) {
  hash.update(a);
  hash.update(await readFile(path.join(web, a)));
}
const version = hash.digest('hex').slice(0, 16);
const sw = (await readFile(path.join(web, 'sw-template.js'), 'utf8'))
  .replace('__PLAYGRAD_VERSION__', version)
  .replace('__PLAYGRAD_ASSETS__', JSON.stringify(['./', ...assets], null, 2));
await writeFile(path.join(web, 'sw.js'), sw);

// 3. dist/playgrad.html.
const singleGlue = path.join(root, 'wasm/build/playgrad_core_single.mjs');
const useSingleGlue = {
  name: 'single-file-glue',
  setup(b) {
    // playgrad.mjs imports ./build/playgrad_core.mjs (wasm fetched next to it); the single file
    // build of the same glue has the wasm embedded.
    b.onResolve({ filter: /playgrad_core\.mjs$/ }, () => ({ path: singleGlue }));
  },
};
// The MNIST digits (web/lib/mnist-digits.bin and mnist-digits-more.bin, packed by scripts/pack-mnist-digits.mjs) travel
// inside the single file as a data: URL (the page's policy allows fetching data: URLs): the
// lessons' ./digits-asset.mjs, which points at the file next to the page, is swapped for it.
const digitsBin = path.join(lib, 'mnist-digits.bin');
const digitsMoreBin = path.join(lib, 'mnist-digits-more.bin');
const inlineDigits = {
  name: 'inline-digits',
  setup(b) {
    b.onResolve({ filter: /digits-asset\.mjs$/ }, () => ({ path: 'digits-asset', namespace: 'inline-digits' }));
    b.onLoad({ filter: /.*/, namespace: 'inline-digits' }, async () => ({
      contents: `export const DIGITS_URL = 'data:application/octet-stream;base64,${(await readFile(digitsBin)).toString('base64')}';\n`
        + `export const DIGITS_MORE_URL = 'data:application/octet-stream;base64,${(await readFile(digitsMoreBin)).toString('base64')}';`,
      loader: 'js',
    }));
  },
};
const bundle = await esbuild.build({
  entryPoints: [path.join(web, 'app.mjs')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  write: false,
  external: ['node:*'],
  define: { 'globalThis.PLAYGRAD_SINGLE_FILE': 'true' },
  plugins: [useSingleGlue, inlineDigits],
  logLevel: 'warning',
});
const js = bundle.outputFiles[0].text.replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--');

let css = katexCss;
for (const f of fonts) {
  const data = (await readFile(path.join(katexDist, 'fonts', f))).toString('base64');
  css = css.split(`url(fonts/${f})`).join(`url(data:font/woff2;base64,${data})`);
}
css += '\n' + await readFile(path.join(web, 'styles.css'), 'utf8');
const style = css.replace(/<\/style/gi, '<\\/style');

let html = await readFile(path.join(web, 'index.html'), 'utf8');
const before = html;
html = html
  .replace(/\s*<!-- Start the 0.9 MB wasm core[\s\S]*?-->\s*<link rel="preload" href="lib\/build\/playgrad_core.wasm"[^>]*>/, '')
  .replace(/\s*<link rel="stylesheet" href="lib\/katex\/katex.min.css">/, '')
  .replace(/<link rel="stylesheet" href="styles.css">/, () => `<style>\n${style}\n</style>`)
  .replace(/<script type="module" src="app.mjs"><\/script>/, () => `<script type="module">\n${js}\n</script>`);
// The single file's policy: its one inline module is allowed by its hash (no 'unsafe-inline'
// scripts), fonts and the icon are data: URLs, nothing else is loaded (docs/robustness.md).
const scriptHash = createHash('sha256').update(`\n${js}\n`).digest('base64');
html = html.replace(/<meta http-equiv="Content-Security-Policy" content="[^"]*">/, () =>
  `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-${scriptHash}' 'wasm-unsafe-eval' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'">`);
if (!html.includes(`'sha256-${scriptHash}'`)) throw new Error('build-dist: web/index.html has no Content-Security-Policy meta tag to rewrite');
if (html === before || html.includes('src="app.mjs"') || html.includes('href="styles.css"') || html.includes('rel="preload"')) {
  throw new Error('build-dist: web/index.html no longer has the expected <link>/<script> tags to inline');
}
await mkdir(path.join(root, 'dist'), { recursive: true });
await writeFile(path.join(root, 'dist/playgrad.html'), html);
console.log(`build-dist: web/sw.js (${assets.length} files, version ${version}), dist/playgrad.html (${(html.length / 1024).toFixed(0)} KiB)`);
