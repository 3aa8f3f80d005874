// The organiser's QR screen: full screen on request (htmx refreshes the code every 10 s).
(function () {
  "use strict";
  var button = document.getElementById("qr-fullscreen");
  var screen = document.getElementById("qr-screen");
  if (!button || !screen || !screen.requestFullscreen) {
    if (button) button.classList.add("d-none");
    return;
  }
  button.addEventListener("click", function () {
    screen.requestFullscreen();
  });
})();
