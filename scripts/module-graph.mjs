// The static module graph of the site's own ES modules: what a module imports with `import ...
// from`, `import '...'` and `export ... from`, followed through relative specifiers. Dynamic
// import() is not followed (a lesson's modules load when it opens). Used by scripts/build-dist.mjs
// (each lesson's modules, preloaded when a page opens at its link) and tests/node/web.test.mjs
// (index.html preloads exactly app.mjs's graph).
import { readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

// The specifiers of a module's static imports and re-exports (comments and strings that merely
// contain the word are not statements: the pattern needs the statement's own shape), written
// out or minified (`import{a as b}from"./x.mjs"`, as scripts/build-web.mjs serves the API).
export function staticImports(source) {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out = [];
  const re = /(?:^|[;\n}])\s*(?:import|export)(?:\s*[{*][\w$*{}\s,]*?\s*from|\s+[\w$][\w$*{}\s,]*?\s*from)?\s*(['"])([^'"]+)\1/g;
  for (let m; (m = re.exec(code));) out.push(m[2]);
  return out;
}

/**
 * The modules `entry` (a path relative to `root`) imports statically, directly or not, as paths
 * relative to root with '/' separators; the entry itself only if a cycle leads back to it.
 */
export function staticGraph(root, entry) {
  const seen = new Set();
  const walk = (file) => {
    for (const spec of staticImports(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      const dep = join(dirname(file), spec);
      const rel = relative(root, dep).split(sep).join('/');
      if (seen.has(rel)) continue;
      seen.add(rel);
      walk(dep);
    }
  };
  walk(join(root, entry));
  return seen;
}

/** The hrefs of a page's `<link rel="modulepreload" href="...">` tags, in order. */
export function modulePreloads(html) {
  return [...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]);
}
