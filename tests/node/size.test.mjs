// The page's download budget (issue 6: the wasm + JS the page loads < 400 KB gzipped), checked on
// every build with the bench's own measure (bench/figures/size.mjs): a commit's build has the same
// bytes every time, so unlike a speed figure this can be a test. The page row had crept to 420 KB
// unseen between bench runs; most of the excess was libc++'s locale library, linked by the
// core's iostreams (error.h now builds text without them).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';

import { BUDGET_KB, coreFiles, measure, pageFiles } from '../../bench/figures/size.mjs';
import { root } from '../../bench/lib/peers.mjs';

const largestFirst = (files) => Object.entries(files).sort((a, b) => b[1].gzip - a[1].gzip)
  .map(([f, { gzip }]) => `  ${f}: ${(gzip / 1024).toFixed(1)} KB`).join('\n');

test(`the core (wasm + glue + API JS), and the page with its own files, are under ${BUDGET_KB} KB gzipped`, () => {
  for (const [what, files] of [['core', coreFiles()], ['page', pageFiles()]]) {
    const { value, files: detail } = measure(files);
    assert.ok(value < BUDGET_KB, `${what}: ${value.toFixed(1)} KB gzipped, over the ${BUDGET_KB} KB budget:\n${largestFirst(detail)}`);
  }
});

test('the wasm core links no C++ iostreams (their locale library was about 35 KB gzipped)', () => {
  // Texts libc++'s locale facets leave in the data section once anything streams.
  const wasm = readFileSync(join(root, 'wasm/build/playgrad_core.wasm')).toString('latin1');
  for (const text of ['money_get', 'time_get', 'num_get', 'locale not supported']) {
    assert.ok(!wasm.includes(text), `playgrad_core.wasm holds "${text}": a core or binding file uses <sstream> or <iostream>; build text with pg::cat (error.h)`);
  }
});
