// A place's outline and its children's polygons over the shared map (places/maps.js: the
// self-drawn base map, and the tile service if one is configured); each child is a link.
(function () {
  "use strict";
  var element = document.getElementById("place-map");
  var data = document.getElementById("place-geojson");
  if (!element || !data || !window.MeihaoMap) return;
  var collection = JSON.parse(data.textContent);
  var map = MeihaoMap.create(element, { zoomSnap: 0.25 });
  function isChild(feature) { return feature.properties.role === "child"; }
  MeihaoMap.areas(map, collection, {
    style: function (feature) {
      return isChild(feature)
        ? { color: "#1f6fb2", weight: 2, fillOpacity: 0.18 }
        : { color: "#b8312f", weight: 3, fill: false };
    },
    // The place's own outline is the frame, not a link.
    label: function (feature) { return isChild(feature) ? feature.properties.name : ""; },
    url: function (feature) { return isChild(feature) ? feature.properties.url : ""; },
  });
})();
