// The dispatch board's cards (`td > a`, kept short: a week has 1,200). A click opens the visit in
// the panel (one listener rather than an hx-get on each card; without script the link is a page),
// with the board's view and date, which the card leaves to its table. A card dropped on
// another engineer's row or another day keeps its times and goes through the same move form as
// the panel (the server runs the rules and the version check); the answer, a refusal with its
// reason included, fills the panel.
(function () {
  "use strict";
  let dragged = null;
  const PANEL = { target: "#visit-panel", swap: "innerHTML show:#visit-panel:top" };

  document.addEventListener("click", (event) => {
    const card = event.target instanceof Element ? event.target.closest("table.dispatch td > a") : null;
    if (!card || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    const table = card.closest("table.dispatch");
    const href = `${card.getAttribute("href")}?view=${table.dataset.view}&date=${table.dataset.date}`;
    htmx.ajax("GET", href, { source: card, ...PANEL });
  });

  const cellAt = (target) => (target instanceof Element ? target.closest("table.dispatch td[data-date]") : null);
  const unmark = () => {
    for (const cell of document.querySelectorAll("td.drop-target")) cell.classList.remove("drop-target");
  };

  document.addEventListener("dragstart", (event) => {
    // Only visits that can still move carry their version (`data-v`); a link drags natively anyway.
    const card = event.target instanceof Element ? event.target.closest("table.dispatch td > a[data-v]") : null;
    if (!card) return;
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.getAttribute("href"));
  });
  document.addEventListener("dragend", () => {
    dragged = null;
    unmark();
  });
  document.addEventListener("dragover", (event) => {
    const cell = cellAt(event.target);
    if (!dragged || !cell) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (!cell.classList.contains("drop-target")) {
      unmark();
      cell.classList.add("drop-target");
    }
  });
  document.addEventListener("drop", (event) => {
    const cell = cellAt(event.target);
    if (!dragged || !cell) return;
    event.preventDefault();
    const card = dragged;
    dragged = null;
    unmark();
    const table = cell.closest("table.dispatch");
    const same = card.closest("td") === cell;
    if (same) return;
    const headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    const [start, end] = card.querySelector("b").textContent.split("–");
    htmx.ajax("POST", `${card.getAttribute("href")}/move`, {
      source: cell,
      ...PANEL,
      values: {
        _csrf: headers["X-CSRF-Token"] || "",
        version: card.dataset.v,
        engineerId: cell.closest("tr").dataset.engineer,
        date: cell.dataset.date,
        start,
        end,
        view: table.dataset.view,
        date_shown: table.dataset.date,
      },
    });
  });
})();
