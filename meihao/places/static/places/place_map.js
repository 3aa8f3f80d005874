// Draw a place's outline and its children's polygons on a Leaflet map. No base tiles unless
// the page names a tile URL (settings.PLACES_TILE_URL): the map must work offline.
(function () {
  "use strict";
  var element = document.getElementById("place-map");
  var data = document.getElementById("place-geojson");
  if (!element || !data || !window.L) return;
  var collection = JSON.parse(data.textContent);
  var tileUrl = element.dataset.tileUrl;
  var map = L.map(element, { zoomSnap: 0.25, attributionControl: Boolean(tileUrl) });
  if (tileUrl) {
    L.tileLayer(tileUrl, { maxZoom: 19, attribution: element.dataset.tileAttribution || "" }).addTo(map);
  }
  var layer = L.geoJSON(collection, {
    style: function (feature) {
      return feature.properties.role === "self"
        ? { color: "#b8312f", weight: 3, fill: false }
        : { color: "#1f6fb2", weight: 2, fillOpacity: 0.18 };
    },
    onEachFeature: function (feature, polygon) {
      if (feature.properties.role !== "child") return;
      polygon.bindTooltip(Meihao.text(feature.properties.name), { sticky: true });
      polygon.on("click", function () { window.location.href = feature.properties.url; });
    },
  }).addTo(map);
  var bounds = layer.getBounds();
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12] });
})();
