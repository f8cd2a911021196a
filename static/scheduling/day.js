// The day view (scheduling/day.html): a free time opens the booking form and an appointment its
// panel in #panel by htmx. One delegated handler instead of an hx-get and hx-target on each of a
// busy day's hundreds of cells, so each cell's URL is written once (issue 13, as static/hospital/mar.js
// does for the MAR). Without JavaScript, or without htmx, the link opens the form or the appointment
// as a page of its own; a modified click (new tab, new window) is left to the browser.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest(".book-grid > a[href]");
  if (!link || !window.htmx || event.defaultPrevented || event.button !== 0 ||
      event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
  event.preventDefault();
  window.htmx.ajax("GET", link.getAttribute("href"), {source: link, target: "#panel"});
});
