// Playgrad's service worker, generated into web/sw.js by scripts/build-dist.mjs, which fills in
// the build's version (a hash of the files) and the list of the site's own files. Install caches
// them all; activate deletes the caches of older builds; fetch answers from the cache first and
// falls back to the network. A new build has a new version, so a new worker and a fresh cache.
const VERSION = '__PLAYGRAD_VERSION__';
const ASSETS = __PLAYGRAD_ASSETS__;
const CACHE = `playgrad-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('playgrad-') && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  // caches.match with cacheName never creates a cache: an outgoing worker whose cache a newer
  // build has deleted (it may answer a request or two while the new one activates) goes to the
  // network instead of re-creating its old cache.
  event.respondWith((async () => {
    const hit = await caches.match(req, { cacheName: CACHE, ignoreSearch: true });
    if (hit) return hit;
    if (req.mode === 'navigate') {
      const page = await caches.match(new URL('./index.html', self.registration.scope).href, { cacheName: CACHE });
      if (page) return page;
    }
    return fetch(req);
  })());
});
