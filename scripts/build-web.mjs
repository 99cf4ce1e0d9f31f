#!/usr/bin/env node
// Copies the JavaScript API (wasm/*.mjs, wasm/api/) and the built wasm core into web/lib/, so
// that web/ is a complete static site. web/lib/ is generated, not committed.
import { cp, mkdir, readdir, rm } from 'node:fs/promises';

const root = new URL('../', import.meta.url);
const lib = new URL('web/lib/', root);
await rm(lib, { recursive: true, force: true });
await mkdir(new URL('build/', lib), { recursive: true });
for (const f of await readdir(new URL('wasm/', root))) {
  if (f.endsWith('.mjs')) await cp(new URL(`wasm/${f}`, root), new URL(f, lib));
}
await cp(new URL('wasm/api/', root), new URL('api/', lib), { recursive: true }).catch((e) => {
  if (e.code !== 'ENOENT') throw e;
});
// The one-thread core, and the threaded one (its glue, .wasm and pthread worker script) that
// cross-origin isolated pages load.
for (const f of ['playgrad_core.mjs', 'playgrad_core.wasm', 'playgrad_core_mt.mjs', 'playgrad_core_mt.wasm',
  'playgrad_core_mt.worker.js']) {
  await cp(new URL(`wasm/build/${f}`, root), new URL(`build/${f}`, lib));
}
