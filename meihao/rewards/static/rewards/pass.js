// The one-time code's countdown. The server said how many seconds were left when it drew the
// page; counting from there keeps a phone with a wrong clock right. At zero the code is dimmed
// and the page offers a new one; the server refuses the old code anyway.
(function () {
  "use strict";
  var live = document.getElementById("pass-live");
  if (!live) return;
  var left = parseInt(live.getAttribute("data-seconds-left"), 10) || 0;
  var started = Date.now();
  var counter = document.getElementById("pass-countdown");
  var line = document.getElementById("pass-countdown-line");
  var expired = document.getElementById("pass-expired");
  var qr = document.getElementById("pass-qr");
  var code = document.getElementById("pass-short-code");
  var button = document.getElementById("pass-new");

  function state() {
    var status = document.getElementById("pass-status");
    return status ? status.getAttribute("data-state") : "";
  }

  function tick() {
    var remaining = Math.max(0, left - Math.floor((Date.now() - started) / 1000));
    counter.textContent = remaining;
    if (state() === "used") {
      qr.classList.add("expired");
      code.classList.add("text-body-tertiary");
      line.hidden = true;
      return;
    }
    // The server's word (the status poll) wins over a phone whose timers were paused.
    if (remaining <= 0 || state() === "expired") {
      qr.classList.add("expired");
      code.classList.add("text-body-tertiary");
      line.hidden = true;
      expired.hidden = false;
      button.classList.remove("btn-outline-danger");
      button.classList.add("btn-danger", "btn-lg");
      return;
    }
    window.setTimeout(tick, 500);
  }
  tick();
})();
