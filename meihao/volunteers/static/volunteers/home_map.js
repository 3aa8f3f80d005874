// The phone home's map: activities (blue), time-bank requests (red) and micro-wishes (green)
// as dots over the shared map (places/maps.js); the phone's position, if it shares it, as a ring.
(function () {
  "use strict";
  var element = document.getElementById("home-map");
  var data = document.getElementById("home-points");
  if (!element || !data || !window.MeihaoMap) return;
  var points = JSON.parse(data.textContent);
  var colours = { activity: "#0d6efd", help: "#dc3545", wish: "#198754" };
  var map = MeihaoMap.create(element);
  var group = L.featureGroup(points.map(function (p) {
    var marker = L.circleMarker([p.lat, p.lon], {
      radius: 8, color: colours[p.kind] || "#6c757d", weight: 2, fillOpacity: 0.6,
    });
    marker.bindTooltip(Meihao.text(p.label + " · " + p.when));
    marker.on("click", function () { window.location.href = p.url; });
    return marker;
  })).addTo(map);
  map.fitBounds(group.getBounds(), { padding: [24, 24], maxZoom: 16 });
  if (navigator.geolocation) {
    navigator.geolocation.getCurrentPosition(function (position) {
      L.circleMarker([position.coords.latitude, position.coords.longitude], {
        radius: 6, color: "#212529", weight: 3, fillOpacity: 0,
      }).addTo(map);
    }, function () {}, { maximumAge: 60000, timeout: 8000 });
  }
})();
