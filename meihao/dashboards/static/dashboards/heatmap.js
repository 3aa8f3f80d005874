// The dashboard's heat map of cases per grid, drawn with the product's map kit (places/maps.js):
// the district's own base map underneath, and over it each grid's polygon filled by its cases
// in the period on the sequential scale the server chose (the legend under the map shows the
// same colours), its name and count as a tooltip (text), a click opening its cases.
(function () {
  "use strict";
  var element = document.getElementById("dashboard-heatmap");
  var source = document.getElementById("dashboard-data");
  if (!element || !source || !window.MeihaoMap) return;
  var grids = JSON.parse(source.textContent).heatmap.grids;
  if (!grids.features.length) return;
  var map = MeihaoMap.create(element, {
    zoomSnap: 0.25,
    // The page scrolls under a wheel or a finger; the map zooms with its buttons and a pinch.
    scrollWheelZoom: false,
    dragging: !L.Browser.mobile,
  });
  var layer = MeihaoMap.areas(map, grids, {
    style: function (feature) {
      var cases = feature.properties.cases;
      return {
        color: "#4b5563",
        weight: 1,
        fillColor: feature.properties.colour,
        // Grids with no case let the base map show through; the others read as the legend.
        fillOpacity: cases ? 0.8 : 0.35,
        className: "dashboard-grid",
      };
    },
  });
  // Each polygon says which grid it is and its count (for the browser tests and tools).
  layer.eachLayer(function (shape) {
    var path = shape.getElement && shape.getElement();
    if (!path) return;
    path.dataset.grid = shape.feature.properties.code;
    path.dataset.cases = String(shape.feature.properties.cases);
  });
  element.dataset.grids = String(grids.features.length);
})();
