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

// A details update must not snatch a field from under someone typing a correction: every other
// field takes the update, the one being edited (focus inside its [data-field]) is held as typed,
// and is brought up to date once they leave it (unless leaving it sent the correction: its answer does).
function editedField(panel) {
  const active = document.activeElement;
  return active && panel.contains(active) ? active.closest("[data-field]") : null;
}

/** Swaps a details panel fragment in, field by field, around the one being edited. False when none was. */
function swapDetailsAround(panel, html) {
  const editing = editedField(panel);
  if (!editing) return false;
  const next = document.createElement("div");
  next.innerHTML = html;
  const list = editing.parentElement;
  const nextList = next.querySelector("dl");
  if (!nextList) return false;
  // Outside the list (safety advice, still to ask, who read it): all new.
  for (const child of [...panel.children]) if (child !== list) child.remove();
  const children = [...next.children];
  const at = children.indexOf(nextList);
  for (const child of children.slice(0, at)) panel.insertBefore(child, list);
  for (const child of children.slice(at + 1)) panel.appendChild(child);
  // Inside it: each field replaced in place, the edited one left as it is (it keeps focus and caret);
  // when the server holds just what is typed there (Enter sent it), only its mark is brought up to date.
  for (const field of [...nextList.children]) {
    const old = list.querySelector(`[data-field="${field.dataset.field}"]`);
    if (old !== editing) {
      if (old) old.replaceWith(field);
      else list.appendChild(field);
      continue;
    }
    const typed = editing.querySelector("[name=value]");
    const kept = field.querySelector("[name=value]");
    const mark = editing.querySelector(".confidence");
    const keptMark = field.querySelector(".confidence");
    if (typed && kept && typed.value === kept.value && mark && keptMark) mark.replaceWith(keptMark);
    else editing.dataset.stale = "true";
  }
  window.htmx.process(panel);
  return true;
}

document.addEventListener("htmx:sseBeforeMessage", (event) => {
  const panel = event.target;
  if (panel.id !== "caller-details-panel") return;
  if (swapDetailsAround(panel, event.detail.data || "")) event.preventDefault();
});
// The answer to a correction goes in the same way: focus may already be in the next field.
document.addEventListener("htmx:beforeSwap", (event) => {
  const panel = event.detail.target;
  if (!panel || panel.id !== "caller-details-panel" || !event.detail.xhr || event.detail.xhr.status !== 200) return;
  if (swapDetailsAround(panel, event.detail.serverResponse)) event.detail.shouldSwap = false;
});
document.addEventListener("focusout", (event) => {
  const field = event.target.closest && event.target.closest("#caller-details-panel [data-field]");
  if (!field || field.dataset.stale !== "true" || field.contains(event.relatedTarget)) return;
  delete field.dataset.stale;
  const form = field.querySelector("form");
  if (form && form.classList.contains("htmx-request")) return;
  const panel = document.getElementById("caller-details-panel");
  fetch(panel.dataset.refresh, { headers: { "HX-Request": "true" } })
    .then((response) => (response.ok ? response.text() : null))
    .then((html) => {
      if (html !== null && !swapDetailsAround(panel, html)) {
        panel.innerHTML = html;
        window.htmx.process(panel);
      }
    })
    // Offline for a moment: the field still shows what it held, and the next leave tries again.
    .catch(() => {
      field.dataset.stale = "true";
    });
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
