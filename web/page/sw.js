// The service worker: after the first visit the page works offline. It keeps the app shell (the
// files web/build.mjs writes) in a cache named after the build, and answers network first, so an
// online page always gets the newest files and an offline one the cached ones. A new build has a
// new BUILD_ID, so this file changes, the browser installs it, and the old cache is deleted.
/* global BUILD_ID, SHELL_FILES */
const CACHE = `embplay-${BUILD_ID}`;
const SHELL = ['./', ...SHELL_FILES];

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(SHELL.map((f) => new Request(f, { cache: 'reload' })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name.startsWith('embplay-') && name !== CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    try {
      const response = await fetch(request);
      if (response.ok && response.type === 'basic') {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(request, copy)).catch(() => {});
      }
      return response;
    } catch (err) {
      const cached = await caches.match(request, { ignoreSearch: true })
        ?? (request.mode === 'navigate' ? await caches.match('./') : undefined);
      if (cached) return cached;
      throw err;
    }
  })());
});
