// The participant's scanner: the camera through getUserMedia, each frame drawn on a canvas and
// read by jsQR. It follows only our own check-in addresses (same origin, the check-in path).
(function () {
  "use strict";
  var box = document.getElementById("scanner");
  var video = document.getElementById("scanner-video");
  var canvas = document.getElementById("scanner-canvas");
  var status = document.getElementById("scanner-status");
  var context = canvas.getContext("2d", { willReadFrequently: true });

  function say(text) {
    status.textContent = text;
  }

  function ours(text) {
    try {
      var url = new URL(text, window.location.href);
      return url.origin === window.location.origin &&
        url.pathname.indexOf(box.dataset.checkinPath) === 0 ? url : null;
    } catch (error) {
      return null;
    }
  }

  function frame() {
    if (video.readyState === video.HAVE_ENOUGH_DATA) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var code = window.jsQR(image.data, image.width, image.height, {
        inversionAttempts: "dontInvert",
      });
      if (code && code.data) {
        var url = ours(code.data);
        if (url) {
          video.srcObject.getTracks().forEach(function (track) { track.stop(); });
          window.location.assign(url.toString());
          return;
        }
        say(box.dataset.foreign);
      }
    }
    window.requestAnimationFrame(frame);
  }

  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    say(box.dataset.noCamera);
    return;
  }
  navigator.mediaDevices
    .getUserMedia({ video: { facingMode: "environment" }, audio: false })
    .then(function (stream) {
      video.srcObject = stream;
      return video.play();
    })
    .then(function () {
      say("");
      window.requestAnimationFrame(frame);
    })
    .catch(function () {
      say(box.dataset.denied);
    });
})();
