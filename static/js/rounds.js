// Rounds' only hand-written script. Loaded with `defer`; no inline scripts anywhere (CSP).
// A form submitted twice (double tap, impatient click) sends once; the server also
// de-duplicates with a per-form submission key, so this is a courtesy, not the guard.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset.submitted === "yes") { event.preventDefault(); return; }
  form.dataset.submitted = "yes";
  // Disable after the browser has collected the form data, so the clicked button's value is sent.
  window.setTimeout(function () {
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
  }, 0);
  window.setTimeout(function () {
    form.dataset.submitted = "";
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
  }, 8000);
});
// <button data-confirm="…"> asks before submitting (deletes, bulk changes).
document.addEventListener("click", function (event) {
  var el = event.target.closest("[data-confirm]");
  if (el && !window.confirm(el.dataset.confirm)) { event.preventDefault(); event.stopImmediatePropagation(); }
}, true);
