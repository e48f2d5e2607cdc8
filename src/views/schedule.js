// The dispatch board's drag and drop: a visit card dropped on another engineer's row or another
// day keeps its times and goes through the same move form as the panel (the server runs the
// rules and the version check); the answer, a refusal with its reason included, fills the panel.
(function () {
  "use strict";
  let dragged = null;

  const cellAt = (target) => (target instanceof Element ? target.closest("table.dispatch td[data-engineer]") : null);
  const unmark = () => {
    for (const cell of document.querySelectorAll("td.drop-target")) cell.classList.remove("drop-target");
  };

  document.addEventListener("dragstart", (event) => {
    const card = event.target instanceof Element ? event.target.closest("a.visit-card[draggable=true]") : null;
    if (!card) return;
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.id);
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
    htmx.ajax("POST", `/schedule/visits/${card.dataset.visit}/move`, {
      source: cell,
      target: "#visit-panel",
      swap: "innerHTML show:#visit-panel:top",
      values: {
        _csrf: headers["X-CSRF-Token"] || "",
        version: card.dataset.version,
        engineerId: cell.dataset.engineer,
        date: cell.dataset.date,
        start: card.dataset.start,
        end: card.dataset.end,
        view: table.dataset.view,
        date_shown: table.dataset.date,
      },
    });
  });
})();
