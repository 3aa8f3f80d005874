// WGS-84 ↔ GCJ-02 ("Mars coordinates"), the datum most Chinese commercial tile services draw in.
// The product stores WGS-84; a map over GCJ-02 tiles projects every coordinate through
// toGcj02 and reads every click back through toWgs84 (places/maps.js), so neither the data nor
// the pins ever hold GCJ-02. The forward formula is the published one (Krasovsky ellipsoid);
// the inverse has no closed form and is found by fixed-point iteration to under a millimetre.
// Outside mainland China's box GCJ-02 equals WGS-84.
// Loaded as a plain script (window.MeihaoGcj02) and, by the unit tests, by Node (module.exports).
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.MeihaoGcj02 = api;
})(this, function () {
  "use strict";
  var A = 6378245.0; // Krasovsky 1940 semi-major axis, metres
  var EE = 0.00669342162296594323; // its first eccentricity squared

  function outOfChina(lat, lon) {
    return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
  }

  function shiftLat(x, y) {
    var r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
    r += (20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin(y / 3.0 * Math.PI)) * 2.0 / 3.0;
    r += (160.0 * Math.sin(y / 12.0 * Math.PI) + 320.0 * Math.sin(y * Math.PI / 30.0)) * 2.0 / 3.0;
    return r;
  }

  function shiftLon(x, y) {
    var r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
    r += (20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin(x / 3.0 * Math.PI)) * 2.0 / 3.0;
    r += (150.0 * Math.sin(x / 12.0 * Math.PI) + 300.0 * Math.sin(x / 30.0 * Math.PI)) * 2.0 / 3.0;
    return r;
  }

  // [lat, lon] in GCJ-02 of a WGS-84 point.
  function toGcj02(lat, lon) {
    if (outOfChina(lat, lon)) return [lat, lon];
    var dLat = shiftLat(lon - 105.0, lat - 35.0);
    var dLon = shiftLon(lon - 105.0, lat - 35.0);
    var radLat = lat / 180.0 * Math.PI;
    var magic = 1 - EE * Math.sin(radLat) * Math.sin(radLat);
    var sqrtMagic = Math.sqrt(magic);
    dLat = (dLat * 180.0) / ((A * (1 - EE)) / (magic * sqrtMagic) * Math.PI);
    dLon = (dLon * 180.0) / (A / sqrtMagic * Math.cos(radLat) * Math.PI);
    return [lat + dLat, lon + dLon];
  }

  // [lat, lon] in WGS-84 of a GCJ-02 point: the WGS-84 point whose GCJ-02 image it is.
  function toWgs84(lat, lon) {
    if (outOfChina(lat, lon)) return [lat, lon];
    var wLat = lat, wLon = lon;
    for (var i = 0; i < 30; i += 1) {
      var image = toGcj02(wLat, wLon);
      var eLat = image[0] - lat, eLon = image[1] - lon;
      wLat -= eLat;
      wLon -= eLon;
      if (Math.abs(eLat) < 1e-10 && Math.abs(eLon) < 1e-10) break;
    }
    return [wLat, wLon];
  }

  return { toGcj02: toGcj02, toWgs84: toWgs84, outOfChina: outOfChina };
});
