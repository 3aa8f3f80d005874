// Every map of the product: MeihaoMap.create(element, options) makes the Leaflet map with
//  - the self-drawn base map: the district's streets, communities and grids with their names,
//    its venues and buildings, fetched for the view from places:base_map as the map moves, so
//    a map is usable with no tile server at all (offline, in the demo);
//  - under it, the tile service the operator configured (settings.PLACES_TILES), if any; over
//    GCJ-02 tiles the map projects through GCJ-02 (gcj02.js), so every coordinate a page hands
//    Leaflet, and every click it reads back, stays WGS-84.
// The configuration comes from the json_script "meihao-map-config" ({% map_scripts %}). Names
// reach the map as text (Meihao.text), never as markup.
// MeihaoMap.areas(map, collection, options) draws a page's own polygons over the base map, each
// a link with its words as a tooltip; MeihaoMap.fit(map, layer) frames them.
// MeihaoMap.searchBox(...) wires a search field to places:map_search (buildings, venues,
// addresses, places) for a page that moves a pin.
window.MeihaoMap = (function () {
  "use strict";
  var configElement = document.getElementById("meihao-map-config");
  var config = configElement ? JSON.parse(configElement.textContent) : {};
  if (config.markerIcon) {
    // Full URLs, so no folder is put in front of them (a string stops Leaflet's own guess).
    L.Icon.Default.imagePath = "";
    L.Icon.Default.mergeOptions(config.markerIcon);
  }
  var DEFAULT_MAX_ZOOM = 19;
  var CACHED_VIEWS = 40;

  var OUTLINE_STYLES = {
    district: { color: "#5b4a8a", weight: 3, dashArray: "10 5", fill: false },
    street: { color: "#7a6aa8", weight: 2.5, dashArray: "6 4", fillColor: "#efe9f6", fillOpacity: 0.45 },
    community: { color: "#3f7a3a", weight: 2, fillColor: "#e6f1e2", fillOpacity: 0.5 },
    grid: { color: "#6f8fae", weight: 1, dashArray: "3 3", fill: false },
  };
  var POINT_STYLES = {
    venue: { radius: 6, color: "#b45309", weight: 2, fillColor: "#f59e0b", fillOpacity: 0.9 },
    building: { radius: 4, color: "#6b7280", weight: 1, fillColor: "#d1d5db", fillOpacity: 0.9 },
  };

  // Web Mercator over GCJ-02: project a WGS-84 point to where the GCJ-02 tiles draw it.
  function gcj02Crs() {
    var mercator = L.Projection.SphericalMercator;
    var projection = {
      bounds: mercator.bounds,
      project: function (latlng) {
        var shifted = MeihaoGcj02.toGcj02(latlng.lat, latlng.lng);
        return mercator.project(L.latLng(shifted[0], shifted[1]));
      },
      unproject: function (point) {
        var shifted = mercator.unproject(point);
        var wgs = MeihaoGcj02.toWgs84(shifted.lat, shifted.lng);
        return L.latLng(wgs[0], wgs[1]);
      },
    };
    return L.extend({}, L.CRS.EPSG3857, { code: "GCJ02", projection: projection });
  }

  function labelMarker(lonLat, name, kind, pane) {
    var icon = L.divIcon({
      className: "meihao-map-label meihao-map-label-" + kind,
      html: Meihao.text(name),
      iconSize: null,
    });
    return L.marker([lonLat[1], lonLat[0]], { icon: icon, pane: pane, interactive: false, keyboard: false });
  }

  // The base map of one Leaflet map: refetched for the view after each move, answered from a
  // small cache for views seen before; a failed fetch (no signal) leaves what is drawn.
  function BaseMap(map) {
    this.map = map;
    this.cache = {};
    this.cachedKeys = [];
    this.controller = null;
    map.createPane("meihao-base").style.zIndex = 250; // over tiles (200), under overlays (400)
    map.createPane("meihao-labels").style.zIndex = 450; // over overlays, under markers (600)
    map.getPane("meihao-base").style.pointerEvents = "none";
    map.getPane("meihao-labels").style.pointerEvents = "none";
    this.outlines = L.layerGroup().addTo(map);
    this.labels = L.layerGroup().addTo(map);
    var self = this;
    map.on("moveend", function () { self.refresh(); });
  }

  BaseMap.prototype.url = function () {
    var map = this.map;
    var bounds = map.getBounds().pad(0.25);
    var round = function (v) { return v.toFixed(4); };
    var bbox = [
      Math.max(bounds.getWest(), -180), Math.max(bounds.getSouth(), -90),
      Math.min(bounds.getEast(), 180), Math.min(bounds.getNorth(), 90),
    ].map(round).join(",");
    // A fractional zoom (zoomSnap) asks for the zoom below: names are only sent where they fit.
    var zoom = Math.max(0, Math.min(22, Math.floor(map.getZoom())));
    return config.baseMapUrl + "?bbox=" + encodeURIComponent(bbox) + "&zoom=" + zoom;
  };

  BaseMap.prototype.refresh = function () {
    if (!config.baseMapUrl) return;
    var url = this.url();
    if (url === this.drawnUrl) return;
    if (this.cache[url]) { this.draw(url, this.cache[url]); return; }
    if (this.controller) this.controller.abort();
    var controller = window.AbortController ? new AbortController() : null;
    this.controller = controller;
    var self = this;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, signal: controller && controller.signal })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (collection) {
        if (!collection) return;
        self.remember(url, collection);
        self.draw(url, collection);
      })
      .catch(function () {});
  };

  BaseMap.prototype.remember = function (url, collection) {
    this.cache[url] = collection;
    this.cachedKeys.push(url);
    if (this.cachedKeys.length > CACHED_VIEWS) delete this.cache[this.cachedKeys.shift()];
  };

  BaseMap.prototype.draw = function (url, collection) {
    this.drawnUrl = url;
    this.outlines.clearLayers();
    this.labels.clearLayers();
    var labels = this.labels;
    L.geoJSON(collection, {
      pane: "meihao-base",
      interactive: false,
      style: function (feature) {
        var kind = feature.properties.kind;
        return OUTLINE_STYLES[kind] || POINT_STYLES[kind] || OUTLINE_STYLES.grid;
      },
      pointToLayer: function (feature, latlng) {
        var style = POINT_STYLES[feature.properties.kind] || POINT_STYLES.building;
        return L.circleMarker(latlng, L.extend({ pane: "meihao-base", interactive: false }, style));
      },
      onEachFeature: function (feature) {
        var p = feature.properties;
        if (p.label_at) labels.addLayer(labelMarker(p.label_at, p.name, p.kind, "meihao-labels"));
      },
    }).addTo(this.outlines);
    this.declutter();
    this.map.getContainer().dataset.baseMapFeatures = String(collection.features.length);
  };

  // Hide a name that would overlap one already written: the server sends the coarse levels
  // first, so a community's name wins over its grids', a grid's over a building's.
  BaseMap.prototype.declutter = function () {
    var kept = [];
    this.labels.eachLayer(function (marker) {
      var text = marker.getElement() && marker.getElement().firstChild;
      if (!text) return;
      var box = text.getBoundingClientRect();
      var overlaps = kept.some(function (other) {
        return box.left < other.right && other.left < box.right && box.top < other.bottom && other.top < box.bottom;
      });
      text.style.visibility = overlaps ? "hidden" : "";
      if (!overlaps) kept.push(box);
    });
  };

  // options: center [lat, lon] and zoom, or neither (the page fits its own layers);
  // any other Leaflet map option (zoomControl, zoomSnap…).
  function create(element, options) {
    options = L.extend({}, options || {});
    var tiles = config.tiles || null;
    var mapOptions = L.extend({
      maxZoom: tiles ? tiles.maxZoom : DEFAULT_MAX_ZOOM,
      attributionControl: Boolean(tiles && tiles.attribution),
    }, options);
    delete mapOptions.center;
    delete mapOptions.zoom;
    if (tiles && tiles.crs === "gcj02") mapOptions.crs = gcj02Crs();
    var map = L.map(element, mapOptions);
    map.getContainer().classList.add(tiles ? "meihao-map-tiled" : "meihao-map-self-drawn");
    if (tiles) {
      var tileLayer = L.tileLayer(tiles.url, {
        maxZoom: tiles.maxZoom,
        subdomains: tiles.subdomains,
        attribution: "",
      });
      // Leaflet writes the attribution as HTML: hand it the setting's text as text.
      if (tiles.attribution) map.attributionControl.setPrefix(false).addAttribution(escapeText(tiles.attribution));
      tileLayer.addTo(map);
    }
    map.meihaoBaseMap = new BaseMap(map);
    if (options.center) map.setView(options.center, options.zoom || 16);
    return map;
  }

  // A link followed from a map: a path on this site only (never another site, nor a script).
  function isSitePath(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/";
  }

  // Frame the map on a layer's features (none: the view stays); whether there were any.
  function fit(map, layer, options) {
    var bounds = layer.getBounds();
    if (!bounds.isValid()) return false;
    map.fitBounds(bounds, L.extend({ padding: [12, 12] }, options || {}));
    return true;
  }

  // A page's own areas over the base map (a place's children, a dashboard's grids): GeoJSON
  // polygons in the overlay pane, styled by options.style(feature); each shows its words as a
  // tooltip — options.label(feature), by default the feature's `label` or `name`, as text — and
  // a click follows options.url(feature), by default its `url`, when that is a path on this
  // site. The map is framed on them unless options.fit is false (options.fitOptions: Leaflet's
  // padding, maxZoom). Returns the layer.
  function areas(map, collection, options) {
    options = options || {};
    var labelOf = options.label || function (feature) {
      return feature.properties.label || feature.properties.name;
    };
    var urlOf = options.url || function (feature) { return feature.properties.url; };
    var layer = L.geoJSON(collection, {
      style: options.style,
      onEachFeature: function (feature, shape) {
        var label = labelOf(feature);
        if (label) shape.bindTooltip(Meihao.text(label), { sticky: true });
        var url = urlOf(feature);
        if (isSitePath(url)) shape.on("click", function () { window.location.assign(url); });
      },
    }).addTo(map);
    if (options.fit !== false) fit(map, layer, options.fitOptions);
    return layer;
  }

  function escapeText(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span.innerHTML;
  }

  // A search field that moves a pin: input (type=search), list (an element for the results),
  // onPick(lat, lon, item); messages {none, error} as text.
  function searchBox(input, list, onPick, messages) {
    var timer = null;
    var controller = null;
    function clear() { list.replaceChildren(); list.classList.add("d-none"); }
    function say(text) {
      var item = document.createElement("li");
      item.className = "list-group-item small text-body-secondary";
      item.textContent = text;
      list.replaceChildren(item);
      list.classList.remove("d-none");
    }
    function show(items) {
      if (!items.length) { say(messages.none); return; }
      list.replaceChildren();
      items.forEach(function (found) {
        var item = document.createElement("li");
        item.className = "list-group-item list-group-item-action map-search-result";
        item.setAttribute("role", "option");
        item.tabIndex = 0;
        var name = document.createElement("div");
        name.className = "fw-semibold";
        name.textContent = found.name;
        var detail = document.createElement("div");
        detail.className = "small text-body-secondary";
        detail.textContent = found.detail;
        item.append(name, detail);
        function pick() { clear(); input.value = found.name; onPick(found.lat, found.lon, found); }
        item.addEventListener("click", pick);
        item.addEventListener("keydown", function (event) { if (event.key === "Enter") { event.preventDefault(); pick(); } });
        list.appendChild(item);
      });
      list.classList.remove("d-none");
    }
    function run() {
      var q = input.value.trim();
      if (!q) { clear(); return; }
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      fetch(config.searchUrl + "?q=" + encodeURIComponent(q), {
        credentials: "same-origin", headers: { Accept: "application/json" }, signal: controller && controller.signal,
      })
        .then(function (response) {
          return response.json().then(function (data) { return { ok: response.ok, data: data }; });
        })
        .then(function (result) {
          if (result.ok) show(result.data.items);
          else say(result.data.message || messages.error);
        })
        .catch(function (error) { if (!error || error.name !== "AbortError") say(messages.error); });
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 300); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); clearTimeout(timer); run(); }
    });
  }

  return { create: create, areas: areas, fit: fit, searchBox: searchBox, config: config };
})();
