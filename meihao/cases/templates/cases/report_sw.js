{% load static %}{% get_static_prefix as static_prefix %}// Meihao report form service worker (served by cases:service_worker, scope /cases/).
// The report page: network first, the last copy when offline. Static files: cache first.
// The base map's views (places:base_map): network first, the last copy of that view when
// offline, so the map the reporter already looked at is still drawn without signal.
// POSTs are never touched: the page's own queue (IndexedDB) keeps reports made offline.
const CACHE = "meihao-report-v3";
const REPORT_URL = "{{ report_url|escapejs }}";
const BASE_MAP_URL = "{{ base_map_url|escapejs }}";
const STATIC_PREFIX = "{{ static_prefix|escapejs }}";
const ASSETS = [{% for asset in assets %}"{{ asset|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      Promise.all(
        [REPORT_URL, ...ASSETS].map((url) =>
          fetch(url, { credentials: "same-origin" })
            .then((response) => (response.ok && !response.redirected ? cache.put(url, response) : null))
            .catch(() => null)
        )
      )
    ).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("meihao-report-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === REPORT_URL) {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok && !response.redirected) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(REPORT_URL, copy));
          }
          return response;
        })
        .catch(() => caches.match(REPORT_URL).then((cached) => cached || Response.error()))
    );
    return;
  }
  if (url.pathname === BASE_MAP_URL) {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(request, copy));
          }
          return response;
        })
        .catch(() => caches.match(request).then((cached) => cached || Response.error()))
    );
    return;
  }
  if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(
      // The icon font is asked for with a ?hash query; the cached copy answers for any query.
      caches.match(request, { ignoreSearch: true }).then((cached) =>
        cached ||
        fetch(request).then((response) => {
          if (response.ok) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(request, copy));
          }
          return response;
        })
      )
    );
  }
});
