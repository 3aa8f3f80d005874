/* Meihao patrol page: record the phone's location about every 30 s, keep everything on the
 * phone (localStorage) and send it when there is signal. No build step.
 *
 * What the phone keeps, per log-in, under "meihao.patrol.v1.<user id>":
 *   session  the patrol being walked: {client_id, started_at, grid_name} or null
 *   outbox   ordered requests not yet acknowledged: {op: "start"|"end", client_id, body}
 *   points   fixes not yet acknowledged: {c: client_id, t: ISO time, lat, lon, acc}
 * Every request is idempotent on the server (the session by client_id, a point by its time), so
 * resending after a lost answer stores nothing twice. Requests go in order: a patrol's points
 * only after its start, its end only after its points.
 */
(function () {
  "use strict";

  var root = document.getElementById("patrol");
  var configNode = document.getElementById("patrol-config");
  if (!root || !configNode) return;
  var config = JSON.parse(configNode.textContent);
  var S = config.strings;
  var KEY = "meihao.patrol.v1." + config.user;
  var BATCH = 100;
  var INTERVAL = config.interval_ms || 30000;
  var ZERO_ID = "00000000-0000-0000-0000-000000000000";

  var el = {
    idle: document.getElementById("patrol-idle"),
    active: document.getElementById("patrol-active"),
    start: document.getElementById("patrol-start"),
    end: document.getElementById("patrol-end"),
    grid: document.getElementById("patrol-grid"),
    gridName: document.getElementById("patrol-grid-name"),
    elapsed: document.getElementById("patrol-elapsed"),
    points: document.getElementById("patrol-points"),
    pending: document.getElementById("patrol-pending"),
    net: document.getElementById("patrol-net"),
    message: document.getElementById("patrol-message"),
  };

  // --- storage -------------------------------------------------------------------------------

  function load() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(KEY) || "null");
      if (saved && Array.isArray(saved.outbox) && Array.isArray(saved.points)) return saved;
    } catch (e) { /* unreadable: start afresh */ }
    return { session: null, outbox: [], points: [], serverCount: 0 };
  }

  var state = load();

  function save() {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(state));
    } catch (e) {
      // Storage full: keep the newest points in memory rather than stop recording.
      state.points = state.points.slice(-2000);
    }
    render();
  }

  // --- helpers -------------------------------------------------------------------------------

  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); });
    return h.slice(0, 4).join("") + "-" + h.slice(4, 6).join("") + "-" + h.slice(6, 8).join("") +
      "-" + h.slice(8, 10).join("") + "-" + h.slice(10).join("");
  }

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, name) { return values[name]; });
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : root.dataset.csrf;
  }

  function url(name, clientId) {
    return config.urls[name].replace(ZERO_ID, clientId || ZERO_ID);
  }

  function say(text, kind) {
    el.message.textContent = text;
    el.message.className = "alert alert-" + (kind || "info");
    el.message.hidden = !text;
  }

  // --- rendering -----------------------------------------------------------------------------

  function pendingFor(clientId) {
    return state.points.filter(function (p) { return p.c === clientId; }).length;
  }

  function render() {
    var session = state.session;
    el.idle.hidden = !!session;
    el.active.hidden = !session;
    el.start.disabled = !!session || starting;
    if (session) {
      el.gridName.textContent = session.grid_name || "";
      var pending = pendingFor(session.client_id);
      el.pending.textContent = String(pending);
      el.points.textContent = String((state.serverCount || 0) + pending);
    }
    var online = navigator.onLine;
    el.net.textContent = online ? S.online : S.pending + ": " + state.points.length;
    el.net.className = "badge " + (online ? "text-bg-success" : "text-bg-warning");
    el.net.title = online ? "" : S.offline;
  }

  function tickClock() {
    if (!state.session) return;
    var seconds = Math.max(0, Math.floor((Date.now() - Date.parse(state.session.started_at)) / 1000));
    var h = Math.floor(seconds / 3600), m = Math.floor(seconds / 60) % 60, s = seconds % 60;
    el.elapsed.textContent = h + ":" + (m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s;
  }

  // --- location ------------------------------------------------------------------------------

  var watchId = null, pollTimer = null, lastFix = null, lastRecorded = 0, wakeLock = null;

  function onFix(position) {
    lastFix = position;
    var session = state.session;
    if (!session) return;
    // The phone's time of recording, on the same clock as the start (a fix's own timestamp may
    // be a cached one from before the start, or on a different clock on some old browsers).
    var stamp = Date.now();
    // About one point every INTERVAL: watchPosition may fire every second while walking.
    if (stamp - lastRecorded < INTERVAL - 2000) return;
    if (stamp < Date.parse(session.started_at)) return;
    lastRecorded = stamp;
    state.points.push({
      c: session.client_id,
      t: new Date(stamp).toISOString(),
      lat: position.coords.latitude,
      lon: position.coords.longitude,
      acc: position.coords.accuracy,
    });
    save();
    flush();
  }

  function onGeoError(error) {
    if (error && error.code === 1) say(S.geo_denied, "warning");
  }

  function keepAwake() {
    if (!("wakeLock" in navigator) || wakeLock) return;
    navigator.wakeLock.request("screen").then(function (lock) {
      wakeLock = lock;
      lock.addEventListener("release", function () { wakeLock = null; });
    }).catch(function () { /* not allowed: the page still records while visible */ });
  }

  function startRecording() {
    if (!navigator.geolocation) {
      say(S.no_geolocation, "warning");
      return;
    }
    keepAwake();
    if (watchId === null) {
      watchId = navigator.geolocation.watchPosition(onFix, onGeoError, {
        enableHighAccuracy: true, maximumAge: 10000, timeout: 60000,
      });
    }
    if (pollTimer === null) {
      // Cheap phones starve watchPosition; ask again every INTERVAL as well.
      pollTimer = window.setInterval(function () {
        navigator.geolocation.getCurrentPosition(onFix, onGeoError, {
          enableHighAccuracy: true, maximumAge: INTERVAL / 2, timeout: INTERVAL,
        });
        flush();
      }, INTERVAL);
    }
  }

  function stopRecording() {
    if (watchId !== null) navigator.geolocation.clearWatch(watchId);
    if (pollTimer !== null) window.clearInterval(pollTimer);
    watchId = pollTimer = null;
    if (wakeLock) wakeLock.release();
  }

  function currentFix(timeoutMs) {
    return new Promise(function (resolve) {
      if (!navigator.geolocation) return resolve(null);
      navigator.geolocation.getCurrentPosition(resolve, function () { resolve(null); }, {
        enableHighAccuracy: true, maximumAge: 30000, timeout: timeoutMs,
      });
    });
  }

  // --- sending -------------------------------------------------------------------------------

  var flushing = false, retryTimer = null, backoff = 5000;

  function post(address, body) {
    return fetch(address, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    });
  }

  function nextRequest() {
    var head = state.outbox[0];
    if (head && head.op === "start") return { kind: "start", op: head };
    var waiting = {};
    state.outbox.forEach(function (op) { if (op.op === "start") waiting[op.client_id] = true; });
    var target = head && head.op === "end" ? head.client_id : null;
    var ready = state.points.filter(function (p) {
      return target ? p.c === target : !waiting[p.c];
    });
    if (ready.length) {
      var clientId = ready[0].c;
      var batch = ready.filter(function (p) { return p.c === clientId; }).slice(0, BATCH);
      return { kind: "points", clientId: clientId, batch: batch };
    }
    if (head && head.op === "end") return { kind: "end", op: head };
    return null;
  }

  function dropPoints(clientId, batch) {
    var sent = {};
    (batch || []).forEach(function (p) { sent[p.t] = true; });
    state.points = state.points.filter(function (p) {
      return p.c !== clientId || (batch && !sent[p.t]);
    });
  }

  function forgetSession(clientId) {
    dropPoints(clientId, null);
    state.outbox = state.outbox.filter(function (op) { return op.client_id !== clientId; });
    if (state.session && state.session.client_id === clientId) {
      state.session = null;
      state.serverCount = 0;
      stopRecording();
    }
  }

  function send(request) {
    if (request.kind === "start") {
      return post(url("start"), request.op.body).then(function (answer) {
        if (answer.status === 200 || answer.status === 201) {
          state.outbox.shift();
          var session = answer.data.session;
          if (state.session && state.session.client_id === session.client_id) {
            state.session.grid_name = session.grid.name;
            state.serverCount = session.point_count;
          }
        }
        return answer;
      });
    }
    if (request.kind === "points") {
      var points = request.batch.map(function (p) {
        return { recorded_at: p.t, lat: p.lat, lon: p.lon, accuracy_m: p.acc };
      });
      return post(url("points", request.clientId), { points: points }).then(function (answer) {
        if (answer.status === 200) {
          dropPoints(request.clientId, request.batch);
          if (state.session && state.session.client_id === request.clientId) {
            state.serverCount = answer.data.session.point_count;
          }
        }
        return answer;
      });
    }
    return post(url("end", request.op.client_id), request.op.body).then(function (answer) {
      if (answer.status === 200) {
        state.outbox.shift();
        var s = answer.data.session;
        say(format(S.ended, { minutes: Math.floor(s.duration_s / 60), distance: s.distance_m }), "success");
      }
      return answer;
    });
  }

  function scheduleRetry() {
    if (retryTimer) return;
    retryTimer = window.setTimeout(function () { retryTimer = null; flush(); }, backoff);
    backoff = Math.min(backoff * 2, 5 * 60 * 1000);
  }

  function flush() {
    if (flushing || !navigator.onLine) { render(); return; }
    var request = nextRequest();
    if (!request) return;
    flushing = true;
    send(request).then(function (answer) {
      flushing = false;
      if (answer.status >= 200 && answer.status < 300) {
        backoff = 5000;
        save();
        flush();
        return;
      }
      if (answer.status === 401 || answer.status === 403) {
        say(S.login, "warning");  // keep everything: it is sent after logging in again
        return;
      }
      if (answer.status >= 400 && answer.status < 500) {
        // The server will never accept this (an ended or unknown patrol, bad data): drop it.
        var error = (answer.data && answer.data.error) || {};
        var clientId = request.clientId || request.op.client_id;
        if (request.kind === "points" && error.code !== "patrol_ended") {
          dropPoints(clientId, request.batch);
        } else {
          forgetSession(clientId);
        }
        say(format(S.error, { message: error.message || answer.status }), "danger");
        save();
        flush();
        return;
      }
      scheduleRetry();
    }).catch(function () {
      flushing = false;  // no signal, or the server is away: try again later
      scheduleRetry();
      render();
    });
  }

  // --- buttons -------------------------------------------------------------------------------

  var starting = false;

  el.start.addEventListener("click", function () {
    if (state.session || starting) return;
    starting = true;
    el.start.textContent = S.starting;
    render();
    var clientId = uuid4();
    var startedAt = new Date().toISOString();
    var grid = el.grid && el.grid.value ? el.grid.value : null;
    // Without a chosen grid the server finds it from the location: wait briefly for a fix.
    (grid ? Promise.resolve(lastFix) : currentFix(10000)).then(function (fix) {
      var body = { client_id: clientId, started_at: startedAt, grid: grid };
      if (fix) {
        body.lat = fix.coords.latitude;
        body.lon = fix.coords.longitude;
      }
      state.session = { client_id: clientId, started_at: startedAt, grid_name: "" };
      state.serverCount = 0;
      state.outbox.push({ op: "start", client_id: clientId, body: body });
      lastRecorded = 0;
      starting = false;
      el.start.textContent = S.start;
      say("", "info");
      save();
      startRecording();
      if (fix) onFix(fix);
      flush();
    });
  });

  el.end.addEventListener("click", function () {
    var session = state.session;
    if (!session || !window.confirm(S.confirm_end)) return;
    if (lastFix) {
      lastRecorded = 0;
      onFix(lastFix);
    }
    stopRecording();
    state.outbox.push({
      op: "end", client_id: session.client_id, body: { ended_at: new Date().toISOString() },
    });
    state.session = null;
    state.serverCount = 0;
    save();
    if (!navigator.onLine) say(S.ended_offline, "info");
    flush();
  });

  window.addEventListener("online", function () { backoff = 5000; flush(); });
  window.addEventListener("offline", render);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && state.session) {
      keepAwake();
      flush();
    }
  });

  // --- resume --------------------------------------------------------------------------------

  var server = config.active;
  if (!state.session && server) {
    // Started on this log-in elsewhere (or the phone's storage was cleared): carry on with it.
    state.session = {
      client_id: server.client_id, started_at: server.started_at, grid_name: server.grid.name,
    };
    state.serverCount = server.point_count;
  } else if (state.session && server && server.client_id === state.session.client_id) {
    state.serverCount = server.point_count;
  }
  save();
  if (state.session) startRecording();
  tickClock();
  window.setInterval(tickClock, 1000);
  el.start.disabled = !!state.session;
  flush();
})();
