// The red-culture map over the shared map (places/maps.js): themed blocks as outlines, flag
// streets as lines, sites as red dots linking to their pages; on a route's page, the stops
// numbered and joined in order. Names reach the map as text (Meihao.text), never as markup.
(function () {
  "use strict";
  var element = document.getElementById("redculture-map");
  var data = document.getElementById("redculture-features");
  if (!element || !data || !window.MeihaoMap) return;
  var collection = JSON.parse(data.textContent);
  var isRoute = element.dataset.route === "1";
  var map = MeihaoMap.create(element, { zoomSnap: 0.25 });
  var STYLES = {
    block: { color: "#b8312f", weight: 2, fillColor: "#b8312f", fillOpacity: 0.12 },
    flag_street: { color: "#d63384", weight: 5, opacity: 0.85 },
  };
  var stop = 0;
  var layer = L.geoJSON(collection, {
    style: function (feature) { return STYLES[feature.properties.role] || {}; },
    pointToLayer: function (feature, latlng) {
      return L.circleMarker(latlng, {
        radius: 8, color: "#7f1d1d", weight: 2, fillColor: "#dc3545", fillOpacity: 0.9,
      });
    },
    onEachFeature: function (feature, shape) {
      var properties = feature.properties;
      var text = properties.kind ? properties.name + " · " + properties.kind : properties.name;
      if (isRoute && properties.role === "site") {
        stop += 1;
        text = stop + ". " + text;
      }
      shape.bindTooltip(Meihao.text(text), { sticky: true });
      if (properties.url) shape.on("click", function () { window.location.assign(properties.url); });
    },
  });
  // The view first: Leaflet clips a line against the view, which a map without one lacks.
  var bounds = layer.getBounds();
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 17 });
  layer.addTo(map);
  if (isRoute) {
    var points = collection.features.map(function (feature) {
      return [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
    });
    L.polyline(points, { color: "#dc3545", weight: 3, dashArray: "6 6" }).addTo(map);
  }
})();
