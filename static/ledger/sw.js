// Guazhi ledger service worker (scope /ledger/). It keeps the entry form and the static files
// it needs, so that a cadre in a village with no signal can still open the form; what they write
// is kept on the phone by offline.js and sent when the connection returns. Pages come from the
// network first; the cache is only the fallback. Nothing personal is kept but the form page.
var CACHE = "guazhi-ledger-v1";
var FORM = "/ledger/new/";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var isForm = url.pathname === FORM;
  var isStatic = url.pathname.indexOf("/static/") === 0;
  if (!isForm && !isStatic) return; // every other page: the network, as usual
  var key = isForm ? FORM : request;
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(key, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(key).then(function (cached) {
        return cached || new Response("当前没有网络连接，且手机上没有保存这个页面。", {
          status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" },
        });
      });
    })
  );
});
