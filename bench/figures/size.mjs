// Gzipped size (level 9) of the wasm + JS the page loads: the core (wasm/build/playgrad_core.wasm),
// its Emscripten glue (wasm/build/playgrad_core.mjs) and the API modules (wasm/*.mjs, wasm/api/**),
// which scripts/build-web.mjs copies into web/lib/. (The page's own HTML/CSS/lesson code is
// issue 5's and is not counted yet.)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

import { root } from '../lib/peers.mjs';

function files() {
  const out = [join(root, 'wasm/build/playgrad_core.wasm'), join(root, 'wasm/build/playgrad_core.mjs')];
  for (const f of readdirSync(join(root, 'wasm'))) if (f.endsWith('.mjs')) out.push(join(root, 'wasm', f));
  const walk = (d) => {
    if (!existsSync(d)) return;
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(m?js|wasm)$/.test(f)) out.push(p);
    }
  };
  walk(join(root, 'wasm/api'));
  return out;
}

export default {
  name: 'size',
  order: 90,
  async cases() {
    return [{
      id: 'page wasm + JS (gzip -9)',
      unit: 'KB',
      async measure() {
        const detail = {};
        let total = 0;
        for (const f of files()) {
          const gz = gzipSync(readFileSync(f), { level: 9 }).length;
          detail[relative(root, f)] = { bytes: statSync(f).size, gzip: gz };
          total += gz;
        }
        return { value: total / 1024, files: detail };
      },
      targets: [{ text: '< 400 KB', max: 400 }],
    }];
  },
};
