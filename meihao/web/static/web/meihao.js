// What every page shares; the base template loads it before the page's own scripts.
//
// The Content-Security-Policy allows no inline script and no on<event>= attribute, so the
// templates declare behaviour with data attributes, handled here for the whole document
// (including fragments htmx swaps in later):
//   data-confirm="…"        on a form: asked on submit; on a button or link: asked on click.
//                           Cancelling stops the action and every other handler of it.
//   data-select-on-focus    on an input: its text is selected when it gets the focus.
//   data-copy-from="id"     on a button: copies the value of the input with that id.
//   data-custom-period="id" on a period's first or last day: editing it selects "custom" in
//                           the period select with that id.
//   data-needs-position     on a form with hidden lat and lon inputs: the phone's position
//                           fills them before it is sent (checking in and out on site);
//                           data-no-geo="…" is said when the phone will not tell it.
// A wide table's scrolling box (.table-responsive) that does scroll takes the keyboard focus,
// so that it can be scrolled without a mouse (WCAG 2.1.1).
//
// Meihao.text(value) is the one way our scripts hand data to a library that would read a
// string as HTML (Leaflet's tooltips and popups, an ECharts formatter): an element whose
// text is the value, never markup.
window.Meihao = (function () {
  "use strict";

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value === null || value === undefined ? "" : String(value);
    return span;
  }

  function refuse(event) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }

  // Capture phase: the question comes before any handler of the form or button itself (htmx,
  // a page script asking for the phone's position), and a "no" reaches none of them.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) refuse(event);
  }, true);

  document.addEventListener("click", function (event) {
    var element = event.target.closest("[data-confirm]");
    if (!element || element.tagName === "FORM") return;
    if (!window.confirm(element.getAttribute("data-confirm"))) refuse(event);
  }, true);

  document.addEventListener("focusin", function (event) {
    if (event.target.matches("[data-select-on-focus]")) event.target.select();
  });

  // A period picker's custom days apply to the custom period: editing one selects it.
  document.addEventListener("change", function (event) {
    var id = event.target.getAttribute && event.target.getAttribute("data-custom-period");
    var period = id && document.getElementById(id);
    if (period) period.value = "custom";
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-from]");
    if (!button || !navigator.clipboard) return;
    var source = document.getElementById(button.getAttribute("data-copy-from"));
    if (source) navigator.clipboard.writeText(source.value).catch(function () {});
  });

  function positionError(form, message) {
    var box = form.querySelector("[data-position-error]");
    if (!box) {
      box = document.createElement("div");
      box.className = "alert alert-danger small mt-2";
      box.setAttribute("data-position-error", "");
      box.setAttribute("role", "alert");
      form.appendChild(box);
    }
    box.textContent = message || "";
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-needs-position]")) return;
    var latInput = form.querySelector("input[name=lat]");
    if (latInput.value) return;
    event.preventDefault();
    if (!navigator.geolocation) { positionError(form, form.dataset.noGeo); return; }
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    navigator.geolocation.getCurrentPosition(
      function (pos) {
        latInput.value = pos.coords.latitude.toFixed(6);
        form.querySelector("input[name=lon]").value = pos.coords.longitude.toFixed(6);
        form.submit();
      },
      function () { if (button) button.disabled = false; positionError(form, form.dataset.noGeo); },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 0 }
    );
  });

  // A print button (a guide, a poster): the browser's own print dialog.
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });

  function focusScrollingTables() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) box.setAttribute("tabindex", "0");
      else box.removeAttribute("tabindex");
    });
  }
  focusScrollingTables();
  window.addEventListener("resize", focusScrollingTables);
  document.addEventListener("htmx:afterSettle", focusScrollingTables);

  return { text: text };
})();
