// A place's outline and its children's polygons over the shared map (places/maps.js: the
// self-drawn base map, and the tile service if one is configured).
(function () {
  "use strict";
  var element = document.getElementById("place-map");
  var data = document.getElementById("place-geojson");
  if (!element || !data || !window.MeihaoMap) return;
  var collection = JSON.parse(data.textContent);
  var map = MeihaoMap.create(element, { zoomSnap: 0.25 });
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
