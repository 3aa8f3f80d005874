// Scanning the customer's QR code with the phone camera (getUserMedia + jsQR). A decoded code
// goes into the same form as a typed one and is submitted: the server decides everything.
(function () {
  "use strict";
  var counterSelect = document.getElementById("counter-merchant-select");
  if (counterSelect) {
    counterSelect.addEventListener("change", function () { counterSelect.form.submit(); });
  }
  var start = document.getElementById("scan-start");
  var video = document.getElementById("scan-video");
  var canvas = document.getElementById("scan-canvas");
  var message = document.getElementById("scan-message");
  var form = document.getElementById("code-form");
  var input = document.getElementById("code-input");
  var strings = JSON.parse(document.getElementById("scan-strings").textContent || "{}");
  if (!start || !form) return;
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.jsQR) {
    start.hidden = true;
    message.textContent = strings.no_camera || "";
    return;
  }
  var stream = null;
  var context = canvas.getContext("2d", { willReadFrequently: true });

  function stop() {
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    video.hidden = true;
    start.hidden = false;
  }

  function frame() {
    if (!stream) return;
    if (video.readyState === video.HAVE_ENOUGH_DATA) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      if (found && found.data) {
        stop();
        input.value = found.data;
        message.textContent = strings.found || "";
        form.submit();
        return;
      }
    }
    window.requestAnimationFrame(frame);
  }

  start.addEventListener("click", function () {
    message.textContent = strings.starting || "";
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        video.hidden = false;
        start.hidden = true;
        message.textContent = strings.aim || "";
        return video.play();
      })
      .then(function () { window.requestAnimationFrame(frame); })
      .catch(function () {
        stop();
        message.textContent = strings.denied || "";
      });
  });
  window.addEventListener("pagehide", stop);
})();
