#!/usr/bin/env node
// Writes the JavaScript API (wasm/*.mjs, wasm/api/) and the built wasm core into a new web/lib/
// (generated, not committed). The first of scripts/build.sh's three web steps: it clears web/lib/,
// and scripts/pack-mnist-digits.mjs and scripts/build-dist.mjs then add the digits, KaTeX and
// the lessons. Run build.sh (quick when nothing changed), not this alone.
//
// The API and the one-thread core's glue are what every first page loads. The API's modules
// (wasm/playgrad.mjs and the wasm/api/ modules it imports) become one module,
// web/lib/playgrad.mjs, and it and the glue are minified (esbuild; names kept, so a tensor is
// still a Tensor in the console): half the gzipped size, and eight requests fewer for a cold page
// (about 40 ms of its load here). Each gets a source map holding the original files (<file>.map),
// so the browser's developer tools still show the API as written: the page stays readable for a
// student who opens them, and only they fetch the maps. Node and the tests import wasm/ itself,
// unminified; the browser tests run these copies.
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import * as esbuild from 'esbuild';

const root = new URL('../', import.meta.url);
const lib = new URL('web/lib/', root);

async function minified(from, to) {
  const name = to.pathname.split('/').pop();
  const out = await esbuild.transform(await readFile(from, 'utf8'), {
    minify: true, keepNames: true, format: 'esm', target: 'es2022', legalComments: 'inline',
    sourcemap: 'external', sourcefile: name,
  });
  await writeFile(to, `${out.code}//# sourceMappingURL=${name}.map\n`);
  await writeFile(new URL(`${name}.map`, to), out.map);
}

await rm(lib, { recursive: true, force: true });
await mkdir(new URL('build/', lib), { recursive: true });
// The API, bundled: its own modules in, the core's glue (./build/) and Node's modules out; the
// pthread helper for Node (node-pthread.mjs, found next to it by URL) is copied beside it.
await esbuild.build({
  entryPoints: [fileURLToPath(new URL('wasm/playgrad.mjs', root))],
  outfile: fileURLToPath(new URL('playgrad.mjs', lib)),
  bundle: true, external: ['./build/*', 'node:*'], minify: true, keepNames: true, format: 'esm',
  target: 'es2022', legalComments: 'inline', sourcemap: 'linked', sourcesContent: true, logLevel: 'warning',
});
for (const f of await readdir(new URL('wasm/', root))) {
  if (f.endsWith('.mjs') && f !== 'playgrad.mjs') await minified(new URL(`wasm/${f}`, root), new URL(f, lib));
}
await minified(new URL('wasm/build/playgrad_core.mjs', root), new URL('build/playgrad_core.mjs', lib));
// The threaded core (its glue, .wasm and pthread worker script), which cross-origin isolated
// pages load in their training worker, and the one-thread core's wasm: as built.
for (const f of ['playgrad_core.wasm', 'playgrad_core_mt.mjs', 'playgrad_core_mt.wasm', 'playgrad_core_mt.worker.js']) {
  await cp(new URL(`wasm/build/${f}`, root), new URL(`build/${f}`, lib));
}
