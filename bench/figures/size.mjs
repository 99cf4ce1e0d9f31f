// Gzipped size (level 9) of the wasm + JS the page loads, as web/ serves it (scripts/build-web.mjs
// writes them into web/lib/, the JavaScript minified): the core (web/lib/build/playgrad_core.wasm),
// its Emscripten glue (web/lib/build/playgrad_core.mjs) and the API (web/lib/playgrad.mjs, the
// API's modules bundled, and node-pthread.mjs: the wasm/*.mjs names); and, in a second row, that
// plus the page's own files (web/ without the generated web/lib/: HTML, CSS, JS, lessons).
// tests/node/size.test.mjs holds both to issue 6's budget with these same functions.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

import { root } from '../lib/peers.mjs';

// Issue 6's budget for both rows, gzipped.
export const BUDGET_KB = 400;

function walk(d, out, skip = () => false) {
  if (!existsSync(d)) return out;
  for (const f of readdirSync(d)) {
    const p = join(d, f);
    if (skip(p)) continue;
    if (statSync(p).isDirectory()) walk(p, out, skip);
    else out.push(p);
  }
  return out;
}

export function coreFiles() {
  const lib = join(root, 'web/lib');
  if (!existsSync(join(lib, 'build/playgrad_core.wasm'))) throw new Error('web/lib is missing: run scripts/build.sh first');
  const out = [join(lib, 'build/playgrad_core.wasm'), join(lib, 'build/playgrad_core.mjs')];
  // The API's files (wasm/*.mjs as written there), not the page's generated ones (lesson-preload.mjs).
  for (const f of readdirSync(join(root, 'wasm'))) if (f.endsWith('.mjs')) out.push(join(lib, f));
  return out;
}

export function pageFiles() {
  const lib = join(root, 'web/lib');
  return [...coreFiles(), ...walk(join(root, 'web'), [], (p) => p === lib)];
}

export function measure(files) {
  const detail = {};
  let total = 0;
  for (const f of files) {
    const gz = gzipSync(readFileSync(f), { level: 9 }).length;
    detail[relative(root, f)] = { bytes: statSync(f).size, gzip: gz };
    total += gz;
  }
  return { value: total / 1024, files: detail };
}

export default {
  name: 'size',
  order: 90,
  async cases() {
    return [
      {
        id: 'core wasm + glue + API JS (gzip -9)',
        unit: 'KB',
        measure: async () => measure(coreFiles()),
        targets: [{ text: `< ${BUDGET_KB} KB`, max: BUDGET_KB }],
      },
      {
        id: 'page: that + web/ files (gzip -9)',
        unit: 'KB',
        measure: async () => measure(pageFiles()),
        targets: [{ text: `< ${BUDGET_KB} KB`, max: BUDGET_KB }],
      },
    ];
  },
};
