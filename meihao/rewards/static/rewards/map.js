// The partner merchants on a map: a dot per merchant over the shared map (places/maps.js). Drawn
// again when a search or the pager replaces the list (#catalogue-results) in place.
(function () {
  "use strict";
  var element = document.getElementById("catalogue-map");
  if (!element || !window.MeihaoMap) return;
  var map = null;
  var layer = null;

  function draw() {
    var data = document.getElementById("catalogue-markers");
    var markers = data ? JSON.parse(data.textContent) : [];
    if (layer) { layer.remove(); layer = null; }
    element.classList.toggle("d-none", !markers.length);
    if (!markers.length) return;
    if (!map) map = MeihaoMap.create(element);
    map.invalidateSize();
    layer = L.featureGroup(markers.map(function (m) {
      var marker = L.circleMarker([m.lat, m.lon], { radius: 9, color: "#c0392b", weight: 2, fillOpacity: 0.6 });
      marker.bindTooltip(Meihao.text(m.label));
      marker.on("click", function () {
        var card = document.getElementById(m.anchor);
        if (card) card.scrollIntoView({ behavior: "smooth", block: "start" });
      });
      return marker;
    })).addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 16 });
  }

  draw();
  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (event.target && event.target.id === "catalogue-results") draw();
  });
})();
