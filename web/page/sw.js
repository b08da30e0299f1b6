// The service worker: after the first visit the page works offline. It keeps the app shell (the
// files web/build.mjs writes) in a cache named after the build, and answers network first, so an
// online page always gets the newest files and an offline one the cached ones. A new build has a
// new BUILD_ID, so this file changes, the browser installs it, and the old cache is deleted.
//
// It also makes the page cross-origin isolated, which static hosts such as GitHub Pages cannot do with
// their own headers: every same-origin answer gets COOP and COEP, so from the first load this worker
// controls (the second visit, or a reload) the page has SharedArrayBuffer and the training worker
// runs the module with two threads (web/worker/engine.js). Until then, and in browsers without
// isolation, it runs the one-thread module.
/* global BUILD_ID, SHELL_FILES */
const CACHE = `embplay-${BUILD_ID}`;
const SHELL = ['./', ...SHELL_FILES];

// The response with the isolation headers. Only same-origin answers are rebuilt (an opaque one has no
// readable headers, and the page fetches nothing cross-origin).
function isolated(response) {
  if (response.type !== 'basic' && response.type !== 'default') return response;
  const headers = new Headers(response.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

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
      return isolated(response);
    } catch (err) {
      const cached = await caches.match(request, { ignoreSearch: true })
        ?? (request.mode === 'navigate' ? await caches.match('./') : undefined);
      if (cached) return isolated(cached);
      throw err;
    }
  })());
});
