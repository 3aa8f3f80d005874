// The dispatcher's board, queue and verification list: htmx swaps error answers too (an action
// that fails answers with the row and its message), SLA countdowns tick every second, and a
// box selects every case for bulk dispatch. Texts come from the script tag's data attributes.
(function () {
  "use strict";
  var texts = document.currentScript.dataset;
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "[45]..", swap: true, error: true },
  ];
  var COLOURS = { green: "text-bg-success", yellow: "text-bg-warning", red: "text-bg-danger" };
  function pad(n) { return String(n).padStart(2, "0"); }
  function span(ms) {
    var s = Math.floor(Math.abs(ms) / 1000);
    var d = Math.floor(s / 86400);
    var clock = pad(Math.floor((s % 86400) / 3600)) + ":" + pad(Math.floor((s % 3600) / 60)) + ":" + pad(s % 60);
    return (d ? texts.days.replace("{days}", d) : "") + clock;
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll(".countdown[data-due]").forEach(function (el) {
      var due = Date.parse(el.dataset.due);
      var warn = el.dataset.warn ? Date.parse(el.dataset.warn) : due;
      var left = due - now;
      // Green before 80 % of the limit (warn), yellow from it, red from 100 % (cases.sla).
      var state = left < 0 ? "red" : now >= warn ? "yellow" : "green";
      if (el.dataset.sla === "red") state = "red";
      el.textContent = (left < 0 ? texts.over : texts.left).replace("{time}", span(left));
      el.classList.remove("text-bg-success", "text-bg-warning", "text-bg-danger");
      el.classList.add(COLOURS[state]);
      el.dataset.state = state;
    });
  }
  tick();
  setInterval(tick, 1000);
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-select-all]")) {
      document.querySelectorAll("input[name=cases]").forEach(function (box) { box.checked = event.target.checked; });
    }
  });
})();
