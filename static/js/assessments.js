// Assessments: progressive enhancement only — the form works without this file.
// Disable the submit button after the first tap so a slow phone network does not invite a
// second tap (the server is idempotent anyway: the hidden submission_key makes one record).
document.addEventListener("submit", function (event) {
  var button = event.target.querySelector(".submit-assessment");
  if (button) { window.setTimeout(function () { button.disabled = true; }, 0); }
});
