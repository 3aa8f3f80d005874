// A project's site over the shared map (places/maps.js): its boundary, and a dot per building
// of its households, blue until every household in it has signed, then green. Names and
// figures reach the map as text (Meihao.text), never as markup.
(function () {
  "use strict";
  var element = document.getElementById("project-map");
  var data = document.getElementById("project-site");
  if (!element || !data || !window.MeihaoMap) return;
  var map = MeihaoMap.create(element, { zoomSnap: 0.25 });
  var layer = L.geoJSON(JSON.parse(data.textContent), {
    // The buildings keep their own colours (pointToLayer): the style is the site's alone.
    style: function (feature) {
      return feature.properties.role === "site"
        ? { color: "#b8312f", weight: 3, fillColor: "#b8312f", fillOpacity: 0.08 }
        : {};
    },
    pointToLayer: function (feature, latlng) {
      var done = feature.properties.all_signed;
      return L.circleMarker(latlng, {
        radius: 8,
        color: done ? "#146c43" : "#0a4b8c",
        weight: 2,
        fillColor: done ? "#20c997" : "#3d8bfd",
        fillOpacity: 0.9,
      });
    },
    onEachFeature: function (feature, shape) {
      var properties = feature.properties;
      var text = properties.role === "building"
        ? properties.name + " · " + properties.summary
        : properties.name;
      shape.bindTooltip(Meihao.text(text), { sticky: true });
    },
  }).addTo(map);
  var bounds = layer.getBounds();
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16], maxZoom: 18 });
})();
