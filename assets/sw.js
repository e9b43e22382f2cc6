// genlab's service worker: after the first visit the app works with no network.
// scripts/offline.mjs (a Trunk post-build hook) fills in the version and the file list; any
// change to any built file gives a new version, so a new deployment installs a new worker,
// which drops the old cache.
const VERSION = "__VERSION__";
const FILES = __FILES__;
const CACHE = `genlab-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(["./", ...FILES]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("genlab-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// Network first, so an online visit always gets the deployed files; the cache answers when the
// network does not. Only this origin's GETs are handled (the app loads nothing else).
self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  const key = request.mode === "navigate" ? "./" : request;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(key, copy));
        }
        return response;
      })
      .catch(() => caches.match(key, { ignoreSearch: true }).then((hit) => hit || Response.error())),
  );
});
