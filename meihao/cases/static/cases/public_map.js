// The public case map: a dot per case (rounded to ~100 m) over the shared map (places/maps.js).
(function () {
  "use strict";
  var element = document.getElementById("public-map");
  var data = document.getElementById("public-points");
  if (!element || !data || !window.MeihaoMap) return;
  var points = JSON.parse(data.textContent);
  if (!points.length) { element.classList.add("d-none"); return; }
  var map = MeihaoMap.create(element);
  var markers = points.map(function (p) {
    var marker = L.circleMarker([p.lat, p.lon], { radius: 8, color: "#c0392b", weight: 2, fillOpacity: 0.5 });
    var label = p.number + (p.label ? " · " + p.label : "");
    marker.bindTooltip(Meihao.text(label));
    if (p.url) marker.on("click", function () { window.location.href = p.url; });
    return marker;
  });
  var group = L.featureGroup(markers).addTo(map);
  map.fitBounds(group.getBounds(), { padding: [24, 24], maxZoom: 16 });
})();
