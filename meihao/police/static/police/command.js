// The command view's map: a dot per open tip (red) or hazard (orange) over the shared map
// (places/maps.js). Labels reach the map as text (Meihao.text), never as markup.
(function () {
  "use strict";
  var element = document.getElementById("command-map");
  var data = document.getElementById("command-points");
  if (!element || !data || !window.MeihaoMap) return;
  var points = JSON.parse(data.textContent);
  if (!points.length) { element.classList.add("d-none"); return; }
  var map = MeihaoMap.create(element);
  var markers = points.map(function (p) {
    var colour = p.hazard ? "#d97706" : "#c0392b";
    var marker = L.circleMarker([p.lat, p.lon], { radius: 8, color: colour, weight: 2, fillOpacity: 0.5 });
    marker.bindTooltip(Meihao.text(p.number + " · " + p.label));
    return marker;
  });
  var group = L.featureGroup(markers).addTo(map);
  map.fitBounds(group.getBounds(), { padding: [24, 24], maxZoom: 16 });
})();
