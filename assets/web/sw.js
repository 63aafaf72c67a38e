// Tournée's service worker: the app starts with no network after one
// visit. Every file of one build is cached under a name of its own; the
// page is asked of the server first (a new build is picked up at the next
// start while online) and taken from the cache when the server does not
// answer quickly. The phone's records never pass here: /api/ is never
// cached, and they travel only from the engine's worker, sealed.
const CACHE = "tournee-{version}";
const FILES = ["{files}"];
const PAGE_WAIT_MS = 3000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith("tournee-") && name !== CACHE)
          .map((name) => caches.delete(name))))
      .then(() => self.clients.claim())
  );
});

function cachedPage() {
  return caches.open(CACHE).then((cache) => cache.match("./"));
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin
      || url.pathname.startsWith("/api/")) {
    return;
  }
  if (event.request.mode === "navigate") {
    const timeout = new Promise((resolve) => setTimeout(resolve, PAGE_WAIT_MS));
    const online = fetch(event.request).then((answer) => answer.ok ? answer : undefined,
      () => undefined);
    event.respondWith(
      Promise.race([online, timeout]).then((answer) => answer || cachedPage())
        .then((answer) => answer || fetch(event.request))
    );
    return;
  }
  event.respondWith(
    caches.match(event.request).then((hit) => hit || fetch(event.request))
  );
});
