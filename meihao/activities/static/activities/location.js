// The phone's location for the activity pages: "nearby first" on the list, and check-in by
// location on an activity's page (the form's lat/lon are filled, then it is submitted).
(function () {
  "use strict";

  function locate(button, errorBox, done) {
    if (!navigator.geolocation) {
      errorBox.textContent = button.dataset.noGeolocation;
      errorBox.classList.remove("d-none");
      return;
    }
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        done(position.coords.latitude.toFixed(6), position.coords.longitude.toFixed(6));
      },
      function () {
        button.disabled = false;
        errorBox.textContent = button.dataset.denied;
        errorBox.classList.remove("d-none");
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 }
    );
  }

  var nearby = document.getElementById("nearby-first");
  if (nearby) {
    nearby.addEventListener("click", function () {
      locate(nearby, document.getElementById("nearby-error"), function (lat, lon) {
        var url = new URL(window.location.href);
        url.searchParams.set("lat", lat);
        url.searchParams.set("lon", lon);
        url.searchParams.delete("page");
        window.location.assign(url.toString());
      });
    });
  }

  var form = document.getElementById("checkin-location");
  if (form) {
    var button = form.querySelector("button");
    form.addEventListener("submit", function (event) {
      if (form.elements.lat.value) return;
      event.preventDefault();
      locate(button, document.getElementById("checkin-location-error"), function (lat, lon) {
        form.elements.lat.value = lat;
        form.elements.lon.value = lon;
        form.submit();
      });
    });
  }
})();
