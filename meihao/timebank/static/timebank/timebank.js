// The time bank's pages: a pin to pick a place and a map of points. Maps are the shared ones
// (places/maps.js); check-in and check-out forms send the phone's position through the shared
// data-needs-position (web/meihao.js).
(function () {
  "use strict";

  function showError(form, text) {
    var box = form.querySelector("[data-position-error]");
    if (!box) {
      box = document.createElement("div");
      box.className = "alert alert-danger small mt-2";
      box.setAttribute("data-position-error", "");
      box.setAttribute("role", "alert");
      form.appendChild(box);
    }
    box.textContent = text;
  }

  // A map with a draggable pin that fills the form's lat/lon inputs when moved.
  document.querySelectorAll("[data-pick-map]").forEach(function (element) {
    var form = element.closest("form");
    var latInput = form.querySelector("input[name=lat]");
    var lonInput = form.querySelector("input[name=lon]");
    var lat = parseFloat(element.dataset.lat || latInput.value || "23.47");
    var lon = parseFloat(element.dataset.lon || lonInput.value || "111.28");
    var map = null, marker = null;
    function set(newLat, newLon, recentre) {
      latInput.value = newLat.toFixed(6);
      lonInput.value = newLon.toFixed(6);
      if (marker) marker.setLatLng([newLat, newLon]);
      if (map && recentre) map.setView([newLat, newLon], Math.max(map.getZoom(), 16));
    }
    if (window.MeihaoMap) {
      map = MeihaoMap.create(element, { center: [lat, lon], zoom: 16 });
      marker = L.marker([lat, lon], { draggable: true, autoPan: true }).addTo(map);
      marker.on("dragend", function () { var p = marker.getLatLng(); set(p.lat, p.lng, false); });
      map.on("click", function (e) { set(e.latlng.lat, e.latlng.lng, false); });
    }
    var button = form.querySelector("[data-locate-me]");
    if (button) {
      button.addEventListener("click", function () {
        if (!navigator.geolocation) { showError(form, element.dataset.noGeo); return; }
        navigator.geolocation.getCurrentPosition(
          function (pos) { set(pos.coords.latitude, pos.coords.longitude, true); },
          function () { showError(form, element.dataset.noGeo); },
          { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
        );
      });
    }
  });

  // A map of points (requests), around a centre (me, or the request) with an optional circle.
  document.querySelectorAll("[data-points-map]").forEach(function (element) {
    if (!window.MeihaoMap) return;
    var data = document.getElementById("timebank-points");
    var points = data ? JSON.parse(data.textContent) : [];
    var lat = parseFloat(element.dataset.centreLat), lon = parseFloat(element.dataset.centreLon);
    var map = MeihaoMap.create(element, { center: [lat, lon], zoom: 15 });
    var layers = [];
    if (element.dataset.radius) {
      layers.push(L.circle([lat, lon], { radius: parseFloat(element.dataset.radius), color: "#1f6fb2", weight: 1, fillOpacity: 0.06 }));
    }
    if (element.dataset.me) {
      layers.push(L.circleMarker([lat, lon], { radius: 7, color: "#1f6fb2", fillOpacity: 0.9 }).bindTooltip(Meihao.text(element.dataset.me)));
    }
    points.forEach(function (p) {
      var marker = L.circleMarker([p.lat, p.lon], { radius: 9, color: "#c0392b", weight: 2, fillOpacity: 0.5 });
      if (p.label) marker.bindTooltip(Meihao.text(p.label));
      if (p.url) marker.on("click", function () { window.location.href = p.url; });
      layers.push(marker);
    });
    var group = L.featureGroup(layers).addTo(map);
    if (layers.length > 1) map.fitBounds(group.getBounds(), { padding: [24, 24], maxZoom: 17 });
  });
})();
