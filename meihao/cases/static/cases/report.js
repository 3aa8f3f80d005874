// The report form: photos with previews, location with a draggable pin (tap the map, use the
// phone's position, or search a building or address), class search, nearby
// open cases, and the offline queue (IndexedDB) that sends saved reports when the signal
// returns. A saved report keeps its idempotency key, original time and location; the server
// files one case per key, so sending it twice is harmless and it is removed from the phone
// only after the server has answered with its case number.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;

  var DB_NAME = "meihao-reports";
  var STORE = "queue";
  var RETRY_MS = 15000;
  var texts = {};
  var messageTemplate = document.getElementById("report-messages");
  var messageRoot = messageTemplate && messageTemplate.content ? messageTemplate.content : messageTemplate;
  (messageRoot ? messageRoot.querySelectorAll("[data-key]") : []).forEach(function (el) {
    texts[el.dataset.key] = el.textContent.trim();
  });
  function t(key, values) {
    var text = texts[key] || key;
    Object.keys(values || {}).forEach(function (name) {
      text = text.replace("%(" + name + ")s", values[name]);
    });
    return text;
  }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "k" + Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function show(el, text, kind) {
    el.textContent = text;
    el.classList.remove("d-none", "alert-warning", "alert-success", "alert-danger");
    el.classList.add("alert-" + (kind || "warning"));
  }

  // --- Service worker: keep the page shell and static files for use without signal.
  if ("serviceWorker" in navigator && form.dataset.swUrl) {
    navigator.serviceWorker.register(form.dataset.swUrl, { scope: "/cases/" }).catch(function () {});
  }

  // --- Photos: previews, at most N.
  var photoInput = document.getElementById("id_photos");
  var previews = document.getElementById("photo-previews");
  var maxPhotos = parseInt(form.dataset.maxPhotos || "4", 10);
  photoInput.addEventListener("change", function () {
    previews.replaceChildren();
    var files = Array.prototype.slice.call(photoInput.files || []);
    if (files.length > maxPhotos) showError(t("too-many"));
    files.slice(0, maxPhotos).forEach(function (file) {
      var img = document.createElement("img");
      img.className = "photo-preview rounded border";
      img.alt = file.name;
      img.src = URL.createObjectURL(file);
      previews.appendChild(img);
    });
  });

  // --- Map and location.
  var latInput = form.querySelector("input[name=lat]");
  var lonInput = form.querySelector("input[name=lon]");
  var gridName = document.getElementById("grid-name");
  var centreLat = parseFloat(latInput.value || form.dataset.centreLat || "23.47");
  var centreLon = parseFloat(lonInput.value || form.dataset.centreLon || "111.3");
  var map = null, marker = null, outlines = null;
  if (window.MeihaoMap) {
    // The shared map: the district's own streets, communities, grids and buildings, with names.
    map = MeihaoMap.create(document.getElementById("report-map"), { center: [centreLat, centreLon], zoom: 17 });
    outlines = L.geoJSON(null, {
      style: function () { return { color: "#c0392b", weight: 3, fillOpacity: 0.06 }; },
      interactive: false,
    }).addTo(map);
    marker = L.marker([centreLat, centreLon], { draggable: true, autoPan: true }).addTo(map);
    marker.on("dragend", function () {
      var p = marker.getLatLng();
      setPoint(p.lat, p.lng, false);
    });
    map.on("click", function (e) { setPoint(e.latlng.lat, e.latlng.lng, false); });
    // Or a building, venue, address or place of the district, searched by name.
    var searchInput = document.getElementById("place-search");
    if (searchInput) {
      MeihaoMap.searchBox(searchInput, document.getElementById("place-search-results"), function (lat, lon) {
        setPoint(lat, lon, true);
      }, { none: t("search-none"), error: t("search-error") });
    }
  }
  function setPoint(lat, lon, recentre) {
    latInput.value = lat.toFixed(6);
    lonInput.value = lon.toFixed(6);
    if (marker) marker.setLatLng([lat, lon]);
    if (map && recentre) map.setView([lat, lon], Math.max(map.getZoom(), 16));
    locate(lat, lon);
    refreshNearby();
  }
  function locate(lat, lon) {
    var url = form.dataset.locateUrl + "?lat=" + encodeURIComponent(lat) + "&lon=" + encodeURIComponent(lon);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        gridName.textContent = data.grid ? t("grid", { name: data.grid.name }) : (data.message || t("no-grid"));
        gridName.classList.toggle("text-danger", !data.grid);
        if (outlines && data.outlines) {
          // The base map draws every grid; this one outlines the grid the pin is in.
          outlines.clearLayers();
          data.outlines.features.forEach(function (feature) {
            if (data.grid && feature.properties.code === data.grid.code) outlines.addData(feature);
          });
        }
      })
      .catch(function () { gridName.textContent = t("offline-grid"); });
  }
  function askPosition() {
    if (!navigator.geolocation) { gridName.textContent = t("no-geo"); setPoint(centreLat, centreLon, true); return; }
    navigator.geolocation.getCurrentPosition(
      function (pos) { setPoint(pos.coords.latitude, pos.coords.longitude, true); },
      function () { gridName.textContent = t("no-geo"); setPoint(centreLat, centreLon, true); },
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
    );
  }
  document.getElementById("locate-me").addEventListener("click", askPosition);
  if (latInput.value && lonInput.value) setPoint(parseFloat(latInput.value), parseFloat(lonInput.value), true);
  else askPosition();

  // --- Class picker with search (name, English name, keywords, code).
  var search = document.getElementById("category-search");
  var options = Array.prototype.slice.call(document.querySelectorAll(".category-option"));
  var none = document.getElementById("category-none");
  var chosen = document.getElementById("chosen-category");
  search.addEventListener("input", function () {
    var q = search.value.trim().toLowerCase();
    var shown = 0;
    options.forEach(function (option) {
      var match = !q || option.dataset.search.toLowerCase().indexOf(q) !== -1;
      option.classList.toggle("d-none", !match);
      if (match) shown += 1;
    });
    document.querySelectorAll(".category-group").forEach(function (group) {
      group.classList.toggle("d-none", !group.querySelector(".category-option:not(.d-none)"));
    });
    none.classList.toggle("d-none", shown > 0);
  });
  form.addEventListener("change", function (event) {
    if (event.target.name !== "category") return;
    var label = event.target.closest(".category-option");
    chosen.textContent = t("chosen", { name: label.textContent.trim() });
    refreshNearby();
  });

  // --- Nearby open cases of the same class (htmx fragment).
  function refreshNearby() {
    var category = form.querySelector("input[name=category]:checked");
    if (!category || !latInput.value || !window.htmx || !navigator.onLine) return;
    var url = form.dataset.nearbyUrl + "?category=" + category.value + "&lat=" + latInput.value + "&lon=" + lonInput.value;
    htmx.ajax("GET", url, { target: "#nearby", swap: "innerHTML" }).catch(function () {});
  }
  // A refused "this is my problem too" answers core.middleware's alert fragment with the
  // refusal's 400 or 409, which htmx would leave out: put it above the list.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (event.detail.target.id === "nearby" && (status === 400 || status === 409)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // --- Submission: online straight to the server, else into the queue.
  var clientError = document.getElementById("client-error");
  function showError(text) { show(clientError, text, "danger"); window.scrollTo(0, 0); }
  var submitButton = document.getElementById("submit-report");
  // The button's own icon and text, put back after "sending…".
  var submitLabel = Array.prototype.slice.call(submitButton.childNodes);

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clientError.classList.add("d-none");
    if (!latInput.value || !lonInput.value) { showError(t("need-location")); return; }
    var files = Array.prototype.slice.call(photoInput.files || []);
    if (files.length > maxPhotos) { showError(t("too-many")); return; }
    var report = {
      key: form.querySelector("input[name=idempotency_key]").value || newKey(),
      reported_at: new Date().toISOString(),
      fields: {},
      photos: files.map(function (f) { return { name: f.name, type: f.type, blob: f }; }),
    };
    form.querySelector("input[name=idempotency_key]").value = report.key;
    ["category", "description", "lat", "lon", "address"].forEach(function (name) {
      var input = form.querySelector("[name=" + name + "]:checked") || form.querySelector("[name=" + name + "]:not([type=radio])");
      report.fields[name] = input ? input.value : "";
    });
    submitButton.disabled = true;
    submitButton.textContent = t("sending");
    send(report).then(function (result) {
      if (result.ok) { window.location.href = result.data.url; return; }
      submitButton.disabled = false;
      submitButton.replaceChildren.apply(submitButton, submitLabel);
      if (result.offline) {
        enqueue(report).then(function () {
          resetForm();
          // The status says "queued" once the list below shows the report.
          return renderQueue().then(function () {
            show(document.getElementById("queue-status"), t("queued"), "warning");
            window.scrollTo(0, 0);
          });
        });
      } else {
        showError(result.message);
      }
    });
  });

  function resetForm() {
    form.querySelector("input[name=idempotency_key]").value = "";
    form.querySelector("[name=description]").value = "";
    form.querySelector("[name=address]").value = "";
    photoInput.value = "";
    previews.replaceChildren();
    var checked = form.querySelector("input[name=category]:checked");
    if (checked) checked.checked = false;
    chosen.textContent = "";
    document.getElementById("nearby").replaceChildren();
  }

  // POST one report; resolves {ok, data} | {offline: true} | {message} (refused for good).
  function send(report) {
    var body = new FormData();
    Object.keys(report.fields).forEach(function (name) { body.append(name, report.fields[name]); });
    body.append("idempotency_key", report.key);
    body.append("reported_at", report.reported_at);
    report.photos.forEach(function (p) { body.append("photos", p.blob, p.name || "photo.jpg"); });
    return fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
      redirect: "manual",
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.ok && type.indexOf("application/json") !== -1) {
        return response.json().then(function (data) { return { ok: true, data: data }; });
      }
      // The server's refusal (JSON with its status: 400, 403, 404, 409): sending again will not help.
      if (response.status >= 400 && response.status < 500 && type.indexOf("application/json") !== -1) {
        return response.json().then(function (data) { return { message: data.message || String(response.status) }; });
      }
      // Logged out, CSRF refused, server error: keep it and try again later.
      return { offline: true };
    }).catch(function () { return { offline: true }; });
  }

  // --- The queue in IndexedDB: {key, reported_at, fields, photos: [{name, type, blob}], error}.
  function db() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "key" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function tx(mode, work) {
    return db().then(function (database) {
      return new Promise(function (resolve, reject) {
        var transaction = database.transaction(STORE, mode);
        var result = work(transaction.objectStore(STORE));
        transaction.oncomplete = function () { resolve(result && result.result !== undefined ? result.result : result); };
        transaction.onerror = function () { reject(transaction.error); };
      });
    });
  }
  function enqueue(report) { return tx("readwrite", function (store) { return store.put(report); }); }
  function remove(key) { return tx("readwrite", function (store) { return store.delete(key); }); }
  function all() { return tx("readonly", function (store) { return store.getAll(); }); }

  var flushing = false;
  function flush() {
    if (flushing) return Promise.resolve();
    flushing = true;
    return all().then(function (reports) {
      var pending = reports.filter(function (r) { return !r.error; });
      return pending.reduce(function (chain, report) {
        return chain.then(function () {
          return send(report).then(function (result) {
            if (result.ok) {
              return remove(report.key).then(function () {
                show(document.getElementById("queue-status"), t("sent", { number: result.data.number }), "success");
              });
            }
            if (!result.offline) {
              report.error = result.message;
              return enqueue(report).then(function () {
                show(document.getElementById("queue-status"), t("failed", { message: result.message }), "danger");
              });
            }
          });
        });
      }, Promise.resolve());
    }).catch(function () {}).then(function () { flushing = false; renderQueue(); });
  }

  function renderQueue() {
    return all().then(function (reports) {
      var section = document.getElementById("queued-reports");
      var list = document.getElementById("queued-list");
      list.replaceChildren();
      section.classList.toggle("d-none", reports.length === 0);
      reports.forEach(function (report) {
        var item = document.createElement("li");
        item.className = "list-group-item d-flex justify-content-between align-items-start gap-2";
        item.dataset.key = report.key;
        var text = document.createElement("div");
        text.className = "small text-break";
        text.textContent = new Date(report.reported_at).toLocaleString() + " · " + (report.fields.description || "").slice(0, 60);
        if (report.error) {
          var error = document.createElement("div");
          error.className = "text-danger";
          error.textContent = report.error;
          text.appendChild(error);
        }
        item.appendChild(text);
        if (report.error) {
          var discard = document.createElement("button");
          discard.type = "button";
          discard.className = "btn btn-outline-secondary btn-sm";
          discard.textContent = t("discard");
          discard.addEventListener("click", function () { remove(report.key).then(renderQueue); });
          item.appendChild(discard);
        }
        list.appendChild(item);
      });
      window.meihaoQueueLength = reports.length;
    }).catch(function () {});
  }

  window.addEventListener("online", flush);
  setInterval(function () { if (navigator.onLine) flush(); }, RETRY_MS);
  renderQueue().then(function () { if (navigator.onLine) flush(); });
  window.meihaoFlushQueue = flush;
})();
