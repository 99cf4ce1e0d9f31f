// The page's module preloads (web/index.html): every module app.mjs imports statically, and
// nothing else, is in a <link rel="modulepreload">, so the whole graph is fetched with the page
// instead of one level of imports at a time. The graph is read from the files the page serves
// (web/ and the generated web/lib/, scripts/build.sh), following static `import ... from` and
// `export ... from` only: a lesson's modules, imported when it opens, are not preloaded.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import test from 'node:test';
import { fileURLToPath } from 'node:url';

const web = fileURLToPath(new URL('../../web/', import.meta.url));

// The specifiers of a module's static imports and re-exports (comments and strings that merely
// contain the word are not statements: the pattern needs the statement's own shape).
export function staticImports(source) {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out = [];
  const re = /(?:^|[;\n}])\s*(?:import|export)\s+(?:[\w$*{}\s,]+?\s+from\s+)?(['"])([^'"]+)\1/g;
  for (let m; (m = re.exec(code));) out.push(m[2]);
  return out;
}

function graph(entry) {
  const seen = new Set();
  const walk = (file) => {
    for (const spec of staticImports(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      const dep = join(dirname(file), spec);
      const rel = relative(web, dep);
      if (seen.has(rel)) continue;
      seen.add(rel);
      walk(dep);
    }
  };
  walk(join(web, entry));
  return seen;
}

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
  ].join('\n');
  assert.deepEqual(staticImports(src), ['./a.mjs', './bc.mjs', './side.mjs', './d.mjs', './e.mjs']);
});

test("index.html preloads exactly the modules app.mjs imports statically", () => {
  assert.ok(existsSync(join(web, 'lib/playgrad.mjs')), 'web/lib is missing: run scripts/build.sh first');
  const html = readFileSync(join(web, 'index.html'), 'utf8');
  const preloaded = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]);
  assert.equal(new Set(preloaded).size, preloaded.length, 'a module is preloaded twice');
  for (const href of preloaded) assert.ok(existsSync(join(web, href)), `${href} is preloaded but is not in web/`);
  const wanted = [...graph('app.mjs')].sort();
  assert.ok(wanted.includes('lib/playgrad.mjs') && wanted.includes('lib/katex/katex.mjs'), `the graph walk found ${wanted}`);
  assert.ok(!wanted.some((f) => f.startsWith('lib/lessons/softmax/')), 'a lesson module is in the static graph');
  assert.deepEqual([...preloaded].sort(), wanted);
});
