#!/usr/bin/env node
// Serves web/ (as built by scripts/build-web.mjs) on http://127.0.0.1:8080 (PORT to change).
// A plain static server: the site has no server logic, any static host serves web/ the same way.
// It sends the two headers that make the page cross-origin isolated (docs/threads.md), so the
// page and its training worker run the threaded core on every core; a host without them serves
// the same site on one thread.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.webmanifest': 'application/manifest+json',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

// Cross-origin isolation: SharedArrayBuffer, which the threaded core's shared memory needs.
// Every resource is same-origin, so require-corp blocks nothing the site loads.
export const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

/**
 * Starts a static server for `root`; resolves to the http.Server once listening.
 * isolate: send ISOLATION_HEADERS (default true; false serves the site as a plain host would).
 */
export function serve(root, { port = 8080, host = '127.0.0.1', isolate = true } = {}) {
  const base = path.resolve(root);
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://localhost');
      let file = path.normalize(path.join(base, decodeURIComponent(url.pathname)));
      if (file !== base && !file.startsWith(base + path.sep)) {
        res.writeHead(403).end('forbidden');
        return;
      }
      let info = await stat(file).catch(() => null);
      if (info?.isDirectory()) {
        file = path.join(file, 'index.html');
        info = await stat(file).catch(() => null);
      }
      if (!info) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'content-length': info.size,
        'cache-control': 'no-cache',
        ...(isolate ? ISOLATION_HEADERS : {}),
      });
      createReadStream(file).pipe(res);
    } catch {
      res.writeHead(400).end('bad request');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const root = fileURLToPath(new URL('../web/', import.meta.url));
  const port = Number(process.env.PORT ?? 8080);
  const server = await serve(root, { port });
  console.log(`Playgrad: http://127.0.0.1:${server.address().port}/  (Ctrl+C to stop)`);
}
