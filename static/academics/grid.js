// The schedule grid (academics/grid.html): a cell's link brings the cell's editor into the cell by htmx.
// One delegated handler instead of an hx-get on each of the grid's ~340 links, so each link's URL is
// written once (issue 19; the MAR does the same, static/hospital/mar.js). It also serves the cells an
// edit answers with. Without JavaScript, or without htmx, the link opens the editor as a page of its
// own; a modified click (new tab, new window) is left to the browser.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("#schedule-grid td.cell > a[href]");
  if (!link || !window.htmx || event.defaultPrevented || event.button !== 0 ||
      event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
  event.preventDefault();
  window.htmx.ajax("GET", link.href, {source: link, target: link.parentNode, swap: "innerHTML"});
});
