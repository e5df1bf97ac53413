/* The door page's service worker (scope /checkin/): the page and its static files from the cache
 * when the network is gone. The roster, the public key, revocations and the queue of offline scans
 * live in IndexedDB (door.js); API calls always go to the network. */
var CACHE = "huiwu-checkin-v1";

self.addEventListener("install", function (event) { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("message", function (event) {
  var urls = (event.data && event.data.cache) || [];
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (u) { return cache.add(new Request(u, {credentials: "same-origin"})).catch(function () {}); }));
  }));
});

self.addEventListener("fetch", function (event) {
  var req = event.request;
  if (req.method !== "GET") return;
  var url = new URL(req.url);
  if (url.origin !== location.origin || url.pathname.indexOf("/api/") === 0) return;
  if (url.pathname.indexOf("/static/") === 0) {
    // static files: the cache first, the network fills it
    event.respondWith(caches.match(req).then(function (hit) {
      return hit || fetch(req).then(function (resp) {
        if (resp.ok) { var copy = resp.clone(); caches.open(CACHE).then(function (c) { c.put(req, copy); }); }
        return resp;
      });
    }));
    return;
  }
  if (req.mode === "navigate" && url.pathname.indexOf("/checkin/") === 0) {
    // the door page: the network first (fresh counts), the cached copy without it
    event.respondWith(fetch(req).then(function (resp) {
      if (resp.ok) { var copy = resp.clone(); caches.open(CACHE).then(function (c) { c.put(url.pathname, copy); }); }
      return resp;
    }).catch(function () {
      return caches.match(url.pathname).then(function (hit) { return hit || Response.error(); });
    }));
  }
});
