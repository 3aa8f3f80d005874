// The activity form: fill the venue from a registered venue, or its coordinates from the
// organiser's phone when they stand at the venue.
(function () {
  "use strict";
  var helpers = document.getElementById("venue-helpers");
  if (!helpers) return;
  var form = document.getElementById("activity-form");
  var error = document.getElementById("venue-error");

  function set(name, value) {
    if (value !== undefined && value !== "") form.elements[name].value = value;
  }

  var pick = document.getElementById("venue-pick");
  if (pick) {
    pick.addEventListener("change", function () {
      var option = pick.selectedOptions[0];
      if (!option || !option.value) return;
      set("venue", option.dataset.name);
      set("address", option.dataset.address);
      set("lat", option.dataset.lat);
      set("lon", option.dataset.lon);
    });
  }

  var here = document.getElementById("venue-here");
  here.addEventListener("click", function () {
    if (!navigator.geolocation) {
      error.textContent = helpers.dataset.noGeolocation;
      error.classList.remove("d-none");
      return;
    }
    navigator.geolocation.getCurrentPosition(
      function (position) {
        set("lat", position.coords.latitude.toFixed(6));
        set("lon", position.coords.longitude.toFixed(6));
        error.classList.add("d-none");
      },
      function () {
        error.textContent = helpers.dataset.denied;
        error.classList.remove("d-none");
      },
      { enableHighAccuracy: true, timeout: 15000 }
    );
  });
})();
