// The MAR (hospital/mar.html): a dose's "Record" link brings the dose's form into its row by htmx, in
// place of the link. One delegated handler instead of an hx-get on each of a ward's 200 links, so each
// link's URL is written once (issue 16). Without JavaScript, or without htmx, the link opens the form
// as a page of its own; a modified click (new tab, new window) is left to the browser.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest(".mar [data-dose] > a[href]");
  if (!link || !window.htmx || event.defaultPrevented || event.button !== 0 ||
      event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
  event.preventDefault();
  window.htmx.ajax("GET", link.getAttribute("href"), {source: link, target: link, swap: "outerHTML"});
});
