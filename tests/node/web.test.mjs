// The page's module preloads (web/index.html): every module app.mjs imports statically, and
// nothing else, is in a <link rel="modulepreload">, so the whole graph is fetched with the page
// instead of one level of imports at a time. The graph is read from the files the page serves
// (web/ and the generated web/lib/, scripts/build.sh), following static `import ... from` and
// `export ... from` only: a lesson's modules, imported when it opens, are not preloaded.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { fileURLToPath } from 'node:url';

import { modulePreloads, staticGraph, staticImports } from '../../scripts/module-graph.mjs';

const web = fileURLToPath(new URL('../../web/', import.meta.url));

test('staticImports: static imports and re-exports, not dynamic imports or comments', () => {
  const src = [
    "import a from './a.mjs';",
    "import { b,\n  c } from './bc.mjs';",
    "import './side.mjs';",
    "export { d } from './d.mjs';",
    "export * from './e.mjs';",
    "const f = () => import('./lazy.mjs');",
    'const g = (id) => import(`./lib/${id}.mjs`);',
    "// import x from './comment.mjs';",
    "/* import y from './block.mjs'; */",
    "const s = 'import z from \"./string.mjs\"';",
    'var q=1;import $ from"./min-default.mjs";import{x as y,z}from"./min-named.mjs";import"./min-side.mjs";',
    'export{D as E}from"./min-reexport.mjs";export*from"./min-star.mjs";export{F as G};const important=1;',
  ].join('\n');
  assert.deepEqual(staticImports(src), ['./a.mjs', './bc.mjs', './side.mjs', './d.mjs', './e.mjs',
    './min-default.mjs', './min-named.mjs', './min-side.mjs', './min-reexport.mjs', './min-star.mjs']);
});

test("index.html preloads exactly the modules app.mjs imports statically", () => {
  assert.ok(existsSync(join(web, 'lib/playgrad.mjs')), 'web/lib is missing: run scripts/build.sh first');
  const html = readFileSync(join(web, 'index.html'), 'utf8');
  const preloaded = modulePreloads(html);
  assert.equal(new Set(preloaded).size, preloaded.length, 'a module is preloaded twice');
  for (const href of preloaded) assert.ok(existsSync(join(web, href)), `${href} is preloaded but is not in web/`);
  const wanted = [...staticGraph(web, 'app.mjs')].sort();
  assert.ok(wanted.includes('lib/playgrad.mjs') && wanted.includes('lib/katex/katex.mjs'), `the graph walk found ${wanted}`);
  assert.ok(!wanted.some((f) => f.startsWith('lib/lessons/softmax/')), 'a lesson module is in the static graph');
  assert.deepEqual([...preloaded].sort(), wanted);
});

test('a page opened at a lesson preloads exactly the lesson\'s own modules (web/lib/lesson-preload.mjs)', () => {
  const source = readFileSync(join(web, 'lib/lesson-preload.mjs'), 'utf8');
  const table = JSON.parse(/const MODULES = (\{[\s\S]*?\n\});/.exec(source)[1]);
  const html = readFileSync(join(web, 'index.html'), 'utf8');
  assert.match(html, /<script type="module" async src="lib\/lesson-preload.mjs"><\/script>/);
  const preloaded = new Set(modulePreloads(html));
  const catalog = readFileSync(join(web, 'lib/lessons/catalog.mjs'), 'utf8');
  const ids = [...catalog.matchAll(/"id": "([^"]+)"/g)].map((m) => m[1]);
  assert.ok(ids.length >= 20, `the catalog lists ${ids.length} lessons`);
  assert.deepEqual(Object.keys(table).sort(), [...ids].sort());
  for (const id of ids) {
    const want = new Set();
    for (const entry of [`lib/lessons/${id}/lesson.mjs`, `lib/lessons/${id}/view.mjs`]) {
      want.add(entry);
      for (const f of staticGraph(web, entry)) if (!preloaded.has(f)) want.add(f);
    }
    assert.deepEqual([...table[id]].sort(), [...want].sort(), id);
    for (const f of table[id]) assert.ok(existsSync(join(web, f)), `${id}: ${f} is preloaded but is not in web/`);
  }
});
