// Switchboard's only script of its own: small behaviours htmx does not cover.

// A resumed live stream may repeat a transcript line the page already shows: skip it.
document.addEventListener("htmx:sseBeforeMessage", (event) => {
  const match = /id="(seg-[^"]+)"/.exec(event.detail.data || "");
  if (match && document.getElementById(match[1])) event.preventDefault();
});

// Keep the transcript scrolled to the newest line while someone watches the bottom of it.
document.addEventListener("htmx:sseMessage", (event) => {
  if (event.target.id !== "transcript") return;
  const last = event.target.lastElementChild;
  if (last && window.innerHeight + window.scrollY >= document.body.scrollHeight - 200)
    last.scrollIntoView({ block: "nearest" });
});

// Running call timers: every element with data-since shows the time elapsed since then.
setInterval(() => {
  for (const timer of document.querySelectorAll("[data-since]")) {
    const seconds = Math.max(0, Math.floor((Date.now() - Date.parse(timer.dataset.since)) / 1000));
    timer.textContent = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  }
}, 1000);

// A details update must not snatch a field from under someone typing a correction: hold it
// while focus is in the panel, then fetch the panel fresh when they leave it.
document.addEventListener("htmx:sseBeforeMessage", (event) => {
  const panel = event.target.closest && event.target.closest("#caller-details-panel");
  if (panel && panel.contains(document.activeElement)) {
    panel.dataset.stale = "true";
    event.preventDefault();
  }
});
document.addEventListener("focusout", (event) => {
  const panel = document.getElementById("caller-details-panel");
  if (!panel || panel.dataset.stale !== "true" || panel.contains(event.relatedTarget)) return;
  delete panel.dataset.stale;
  window.htmx.ajax("GET", panel.dataset.refresh, { target: panel, swap: "innerHTML" });
});

// A call page stops listening once the call has ended and its filing is done: every event in
// data-close-when ("ended filed"), in either order (the filing usually finishes before Twilio's
// "completed", but may land after it). If "filed" never comes, it stops data-close-after-ended ms after "ended",
// or data-close-after ms after it opened (a page drawn once the call had ended).
const watchedSources = new WeakSet();
document.addEventListener("htmx:sseOpen", (event) => {
  const elt = event.target;
  const source = event.detail.source;
  if (!elt.dataset || !elt.dataset.closeWhen || watchedSources.has(source)) return;
  watchedSources.add(source);
  elt.liveSource = source;
  const seen = elt.liveSeen || (elt.liveSeen = new Set());
  const needed = elt.dataset.closeWhen.split(" ");
  const close = (type) => {
    clearTimeout(elt.endedTimer);
    if (elt.liveSource.readyState === EventSource.CLOSED) return;
    elt.liveSource.close();
    window.htmx.trigger(elt, "htmx:sseClose", { source: elt.liveSource, type });
  };
  if (elt.dataset.closeAfter && !elt.endedTimer)
    elt.endedTimer = setTimeout(() => close("timeout"), Number(elt.dataset.closeAfter));
  for (const name of needed) {
    source.addEventListener(name, () => {
      seen.add(name);
      if (needed.every((n) => seen.has(n))) close("message");
      else if (name === "ended" && !elt.endedTimer)
        elt.endedTimer = setTimeout(() => close("timeout"), Number(elt.dataset.closeAfterEnded) || 60000);
    });
  }
});

// A reply sent in place is added to its thread out of band; when the live refresh got there
// first, the page already shows it: don't add it twice.
document.addEventListener("htmx:oobBeforeSwap", (event) => {
  const fragment = event.detail.fragment;
  if (!fragment || !fragment.querySelectorAll) return;
  for (const element of fragment.querySelectorAll("[id^='msg-']")) {
    if (document.getElementById(element.id)) event.detail.shouldSwap = false;
  }
});

// The folded menu (phone width) closes as a dropdown should: on Escape, or a click elsewhere.
document.addEventListener("keydown", (event) => {
  const menu = document.querySelector("header.top details.menu[open]");
  if (event.key !== "Escape" || !menu) return;
  menu.open = false;
  menu.querySelector("summary").focus();
});
document.addEventListener("click", (event) => {
  const menu = document.querySelector("header.top details.menu[open]");
  if (menu && !menu.contains(event.target)) menu.open = false;
});
