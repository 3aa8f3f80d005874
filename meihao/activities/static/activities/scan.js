// The participant's scanner: the camera through getUserMedia, each frame drawn on a canvas and
// read by jsQR. It follows only our own check-in addresses (same origin, the check-in path).
// Without a camera, or when it is refused, the form for the code typed off the screen shows
// instead (it is in the page for those without JavaScript; hidden while the camera works).
(function () {
  "use strict";
  var box = document.getElementById("scanner");
  var video = document.getElementById("scanner-video");
  var canvas = document.getElementById("scanner-canvas");
  var status = document.getElementById("scanner-status");
  var codeForm = document.getElementById("scan-code-form");
  var codeInput = document.getElementById("scan-code");
  var typeInstead = document.getElementById("scan-type-instead");
  var context = canvas.getContext("2d", { willReadFrequently: true });

  function say(text) {
    status.textContent = text;
  }

  function offerTyping(focus) {
    video.classList.add("d-none");
    typeInstead.hidden = true;
    codeForm.hidden = false;
    if (focus) codeInput.focus();
  }

  typeInstead.addEventListener("click", function () {
    if (video.srcObject) video.srcObject.getTracks().forEach(function (track) { track.stop(); });
    say("");
    offerTyping(true);
  });
  if (codeForm.hasAttribute("data-show")) {
    // Back from a refused code: the reason is under the code; the camera stays off.
    offerTyping(false);
    say("");
    return;
  }
  codeForm.hidden = true;

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
    offerTyping(true);
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
      typeInstead.hidden = false;
      window.requestAnimationFrame(frame);
    })
    .catch(function () {
      say(box.dataset.denied);
      offerTyping(true);
    });
})();
