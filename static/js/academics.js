// Schedule grid: focus the rotation select when an in-place editor opens (keyboard users land in it).
document.addEventListener("htmx:afterSwap", function (event) {
  var select = event.target.querySelector && event.target.querySelector(".cell-form select");
  if (select) { select.focus(); }
});
