// The bookable venues of the list's page over the shared map (places/maps.js): a dot each,
// its name as a tooltip, opening the venue's page when tapped. Names reach the map as text
// (Meihao.text), never as markup.
(function () {
  "use strict";
  var element = document.getElementById("venue-map");
  var data = document.getElementById("venue-points");
  if (!element || !data || !window.MeihaoMap) return;
  var map = MeihaoMap.create(element, { zoomSnap: 0.25 });
  var layer = L.geoJSON(JSON.parse(data.textContent), {
    pointToLayer: function (feature, latlng) {
      return L.circleMarker(latlng, {
        radius: 8,
        color: "#0a4b8c",
        weight: 2,
        fillColor: "#3d8bfd",
        fillOpacity: 0.9,
      });
    },
    onEachFeature: function (feature, shape) {
      var properties = feature.properties;
      shape.bindTooltip(Meihao.text(properties.name + " · " + properties.place), { sticky: true });
      // Only the site's own paths (the server writes them): never a script or another site.
      if (typeof properties.url === "string" && /^\/[^/]/.test(properties.url)) {
        shape.on("click", function () {
          window.location.assign(properties.url);
        });
      }
    },
  }).addTo(map);
  var bounds = layer.getBounds();
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16], maxZoom: 17 });
})();
