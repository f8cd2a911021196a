// Assessments: progressive enhancement only — the form works without this file.
// Disable the submit button after the first tap so a slow phone network does not invite a
// second tap (the server is idempotent anyway: the hidden submission_key makes one record).
document.addEventListener("submit", function (event) {
  var button = event.target.querySelector(".submit-assessment");
  if (button) { window.setTimeout(function () { button.disabled = true; }, 0); }
});

// The back button after saving: put this render's idempotency key in the address (?key=…), so
// going back asks the server for this very form, which answers with the saved assessment instead
// of a fresh form that would save it twice.
(function () {
  var form = document.querySelector("form.assessment-form[data-key-in-url]");
  var key = form && form.querySelector("input[name=submission_key]");
  if (!key || !window.history.replaceState) { return; }
  var url = new URL(window.location.href);
  if (url.searchParams.get("key") !== key.value) {
    url.searchParams.set("key", key.value);
    window.history.replaceState(window.history.state, "", url.toString());
  }
})();
