// The wall board keeping itself current: its figures are re-read (one at a time, at most one a
// second) whenever the live stream says something changed and whenever the stream (re)connects,
// so a board that lost its connection is right again as soon as it is back. A stream the server
// refused (a revoked link, a restart) is tried again, less and less often; a figures read answered
// 404 means the link was revoked: the figures are taken off the screen.
(function () {
  "use strict";
  const body = document.body;
  const figuresUrl = body.dataset.figures;
  const streamUrl = body.dataset.stream;
  const status = document.getElementById("board-status");
  let reading = false;
  let again = false;
  let failures = 0;
  let source = null;
  let gone = false;

  function say(text) {
    if (status) status.textContent = text;
  }

  function showGone() {
    gone = true;
    if (source) source.close();
    const main = document.querySelector("main");
    if (main) main.innerHTML = '<p class="board-gone">This board link no longer works. Ask an admin for a new one.</p>';
    say("");
  }

  // Changes come in bursts (a call ringing, answered, filed): at most one read a second.
  const MIN_GAP_MS = 1000;
  let timer = null;
  let lastStarted = 0;

  function reread() {
    if (gone) return;
    if (reading) {
      again = true;
      return;
    }
    if (timer !== null) return;
    timer = setTimeout(
      () => {
        timer = null;
        read();
      },
      Math.max(0, lastStarted + MIN_GAP_MS - Date.now()),
    );
  }

  async function read() {
    reading = true;
    lastStarted = Date.now();
    try {
      const response = await fetch(figuresUrl, { headers: { "HX-Request": "true" }, cache: "no-store" });
      if (response.status === 404 || response.status === 401) return showGone();
      if (!response.ok) return;
      const html = await response.text();
      const current = document.getElementById("board-figures");
      if (current) current.outerHTML = html;
    } catch {
      // Offline for now: the stream's reconnection brings the next read.
    } finally {
      reading = false;
      if (again) {
        again = false;
        reread();
      }
    }
  }

  function connect() {
    if (gone) return;
    const stream = new EventSource(streamUrl);
    source = stream;
    stream.onopen = () => {
      failures = 0;
      say("");
      reread();
    };
    stream.addEventListener("changed", reread);
    stream.addEventListener("reload", reread);
    stream.onerror = () => {
      if (stream !== source) return;
      say("Reconnecting…");
      // CONNECTING: the browser tries again by itself. CLOSED: refused or cut off; try later.
      if (stream.readyState !== EventSource.CLOSED) return;
      failures += 1;
      reread();
      setTimeout(connect, Math.min(30000, 1000 * 2 ** Math.min(failures - 1, 5)));
    };
  }

  connect();
})();
