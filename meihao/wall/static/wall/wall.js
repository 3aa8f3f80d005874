// The wall screen (数据大屏): polls the token's data every POLL_MS and updates the same DOM
// nodes, chart objects and map layers in place, so a screen left running for days does not
// grow. On a failed poll it keeps the last data, says since when, and retries with backoff; a
// 401/403 (token unknown or revoked) covers the screen with the refusal and stops for good.
// Data reaches the page as text only (textContent; ECharts without tooltips).
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("wall-config").textContent);
  var POLL_MS = 5000;
  var TIMEOUT_MS = 8000;
  var MAX_BACKOFF_MS = 60000;
  var STATE_STYLE = {
    new: { color: "#3fa7ff", fillColor: "#3fa7ff" },
    overdue: { color: "#ff4d4f", fillColor: "#ff4d4f" },
    handled: { color: "#52c41a", fillColor: "#52c41a" },
  };

  var stage = document.getElementById("wall-stage");
  var statusLine = document.getElementById("wall-status");
  var clock = document.getElementById("wall-clock");
  var lastAsOf = null;
  var failures = 0;
  var timer = null;
  var stopped = false;

  // --- the stage: 1920×1080, scaled to the screen --------------------------------------------
  function fit() {
    var scale = Math.min(window.innerWidth / 1920, window.innerHeight / 1080);
    stage.style.transform = "scale(" + scale + ")";
  }
  window.addEventListener("resize", fit);
  fit();

  function two(n) { return (n < 10 ? "0" : "") + n; }
  function hhmm(date) { return two(date.getHours()) + ":" + two(date.getMinutes()); }
  function tick() {
    var now = new Date();
    clock.textContent = now.getFullYear() + "-" + two(now.getMonth() + 1) + "-" + two(now.getDate()) +
      " " + hhmm(now) + ":" + two(now.getSeconds());
  }
  setInterval(tick, 1000);
  tick();

  // --- figures ---------------------------------------------------------------------------------
  function shown(value) {
    if (value === null || value === undefined) return "–";
    return Number.isInteger(value) ? String(value) : String(Math.round(value * 10) / 10);
  }

  var pillarNodes = null;
  function buildPillars(pillars) {
    var section = document.getElementById("wall-pillars");
    pillarNodes = pillars.map(function (pillar) {
      var card = document.createElement("div");
      card.className = "wall-pillar";
      card.dataset.pillar = pillar.code;
      var name = document.createElement("div");
      name.className = "wall-pillar-name";
      card.appendChild(name);
      var figures = document.createElement("div");
      figures.className = "wall-figures";
      card.appendChild(figures);
      var figureNodes = pillar.figures.map(function (figure) {
        var box = document.createElement("div");
        box.dataset.indicator = figure.code;
        var value = document.createElement("div");
        value.className = "wall-figure-value";
        var number = document.createElement("span");
        var unit = document.createElement("span");
        unit.className = "wall-figure-unit";
        value.appendChild(number);
        value.appendChild(unit);
        var label = document.createElement("div");
        label.className = "wall-figure-name";
        box.appendChild(value);
        box.appendChild(label);
        figures.appendChild(box);
        return { number: number, unit: unit, label: label };
      });
      section.appendChild(card);
      return { name: name, figures: figureNodes };
    });
  }

  function showPillars(pillars) {
    if (!pillarNodes) buildPillars(pillars);
    pillars.forEach(function (pillar, i) {
      var nodes = pillarNodes[i];
      if (!nodes) return;
      nodes.name.textContent = pillar.name;
      pillar.figures.forEach(function (figure, j) {
        var node = nodes.figures[j];
        if (!node) return;
        node.number.textContent = shown(figure.value);
        node.unit.textContent = figure.value === null ? "" : figure.unit;
        node.label.textContent = figure.name;
        node.label.title = figure.name;
      });
    });
  }

  // A count that changed is highlighted for a few seconds: one timer a tile, restarted.
  var bumpTimers = {};
  function setCount(id, text) {
    var node = document.getElementById(id);
    if (node.textContent !== text && node.textContent !== "–") {
      node.classList.add("is-bumped");
      clearTimeout(bumpTimers[id]);
      bumpTimers[id] = setTimeout(function () { node.classList.remove("is-bumped"); }, 4000);
    }
    node.textContent = text;
  }

  function showToday(today) {
    setCount("today-cases", shown(today.cases.value));
    setCount("today-overdue", shown(today.overdue.value));
    setCount("today-patrols", shown(today.patrols.value));
    setCount("today-activities", shown(today.activities.value));
    setCount("today-care-calls", shown(today.care_calls.done) + " / " + shown(today.care_calls.due));
    setCount("today-visits", shown(today.visits.done) + " / " + shown(today.visits.due));
  }

  // --- rankings: one chart each, set again with new data ------------------------------------------
  var charts = [0, 1].map(function (i) {
    return echarts.init(document.getElementById("ranking-" + i), null, { renderer: "canvas" });
  });
  function showRankings(rankings) {
    rankings.slice(0, charts.length).forEach(function (ranking, i) {
      document.getElementById("ranking-" + i + "-title").textContent =
        ranking.name + (ranking.unit === "%" ? " (%)" : "") + " · " + ranking.by;
      var rows = ranking.rows.slice().reverse();
      charts[i].setOption({
        animation: false,
        grid: { left: 8, right: 90, top: 4, bottom: 4, containLabel: true },
        xAxis: { type: "value", show: false, max: ranking.unit === "%" ? 100 : null },
        yAxis: {
          type: "category",
          data: rows.map(function (row) { return row.name; }),
          axisLabel: { color: "#dbe6f5", fontSize: 22 },
          axisLine: { show: false },
          axisTick: { show: false },
        },
        series: [{
          type: "bar",
          // Plain numbers: ECharts writes its default label ({c}) as text.
          data: rows.map(function (row) { return row.value; }),
          barMaxWidth: 26,
          itemStyle: { color: i === 0 ? "#3fa7ff" : "#52c41a", borderRadius: [0, 6, 6, 0] },
          label: {
            show: true,
            position: "right",
            color: "#ffffff",
            fontSize: 22,
          },
        }],
        tooltip: { show: false },
      }, { notMerge: false, lazyUpdate: true });
    });
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });

  // --- the case map: one canvas layer of points, one layer of pulsing new ones -----------------
  var map = MeihaoMap.create(document.getElementById("wall-map"), {
    zoomControl: false,
    attributionControl: false,
    dragging: false,
    scrollWheelZoom: false,
    doubleClickZoom: false,
    boxZoom: false,
    keyboard: false,
    touchZoom: false,
    zoomSnap: 0.25,
  });
  if (config.bounds) map.fitBounds(config.bounds, { padding: [10, 10] });
  var renderer = L.canvas({ padding: 0.2 });
  var pointsLayer = L.layerGroup().addTo(map);
  var pulseLayer = L.layerGroup().addTo(map);
  var pulseIcon = L.divIcon({ className: "wall-pulse", iconSize: [18, 18] });
  var lastPoints = "";

  function showPoints(points) {
    var signature = JSON.stringify(points);
    if (signature === lastPoints) return;
    lastPoints = signature;
    pointsLayer.clearLayers();
    pulseLayer.clearLayers();
    // Oldest first, so the newest are drawn on top.
    for (var i = points.length - 1; i >= 0; i--) {
      var p = points[i];
      var style = STATE_STYLE[p[2]] || STATE_STYLE.new;
      pointsLayer.addLayer(L.circleMarker([p[0], p[1]], {
        renderer: renderer,
        radius: p[3] === "older" ? 5 : 7,
        weight: 1,
        color: style.color,
        fillColor: style.fillColor,
        fillOpacity: p[3] === "older" ? 0.55 : 0.9,
        interactive: false,
      }));
      if (p[3] === "hour") {
        pulseLayer.addLayer(L.marker([p[0], p[1]], { icon: pulseIcon, interactive: false, keyboard: false }));
      }
    }
  }

  // --- polling ------------------------------------------------------------------------------------
  function showStatus() {
    if (failures && lastAsOf) {
      statusLine.textContent = config.messages.stale.replace("%(time)s", hhmm(lastAsOf));
      statusLine.classList.add("is-stale");
    } else if (failures) {
      statusLine.textContent = config.messages.stale.replace("%(time)s", "–");
      statusLine.classList.add("is-stale");
    } else {
      statusLine.textContent = config.messages.live + " · " + hhmm(lastAsOf);
      statusLine.classList.remove("is-stale");
    }
  }

  function refuse(message) {
    stopped = true;
    if (timer) clearTimeout(timer);
    document.getElementById("wall-refused-text").textContent = message;
    document.getElementById("wall-refused").hidden = false;
    statusLine.textContent = "";
  }

  function show(data) {
    lastAsOf = new Date(data.as_of);
    document.getElementById("wall-month").textContent = data.month;
    showPillars(data.pillars);
    showToday(data.today);
    showRankings(data.rankings);
    showPoints(data.points);
  }

  // The time between polls: POLL_MS, or the stage's data-poll-ms (100 ms at least), read before
  // each wait, so that a browser test can run many polls on a screen already open.
  function pollInterval() {
    var set = Number(stage.dataset.pollMs);
    return set >= 100 ? set : POLL_MS;
  }

  function schedule() {
    if (stopped) return;
    var every = pollInterval();
    var wait = failures ? Math.min(every * Math.pow(2, failures - 1), MAX_BACKOFF_MS) : every;
    timer = setTimeout(poll, wait);
  }

  function poll() {
    timer = null;
    var controller = new AbortController();
    var timeout = setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    fetch(config.dataUrl, { signal: controller.signal, cache: "no-store", credentials: "omit" })
      .then(function (response) {
        if (response.status === 401 || response.status === 403) {
          return response.json().then(
            function (body) { refuse(body.error || config.messages.revoked); },
            function () { refuse(response.status === 403 ? config.messages.revoked : config.messages.unauthorised); }
          ).then(function () { return null; });
        }
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json().then(function (data) {
          failures = 0;
          show(data);
          return null;
        });
      })
      .catch(function () { failures += 1; })
      .then(function () {
        clearTimeout(timeout);
        if (stopped) return;
        showStatus();
        schedule();
      });
  }

  poll();
})();
