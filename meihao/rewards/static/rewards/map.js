// The partner merchants on a map: a dot per merchant over the shared map (places/maps.js).
(function () {
  "use strict";
  var element = document.getElementById("catalogue-map");
  var data = document.getElementById("catalogue-markers");
  if (!element || !data || !window.MeihaoMap) return;
  var markers = JSON.parse(data.textContent);
  if (!markers.length) { element.classList.add("d-none"); return; }
  var map = MeihaoMap.create(element);
  var layer = L.featureGroup(markers.map(function (m) {
    var marker = L.circleMarker([m.lat, m.lon], { radius: 9, color: "#c0392b", weight: 2, fillOpacity: 0.6 });
    marker.bindTooltip(Meihao.text(m.label));
    marker.on("click", function () {
      var card = document.getElementById(m.anchor);
      if (card) card.scrollIntoView({ behavior: "smooth", block: "start" });
    });
    return marker;
  })).addTo(map);
  map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 16 });
})();
