// Live updates for the page, through the one connection this browser shares between its tabs.
// htmx's sse extension asks htmx.createEventSource for each sse-connect="/live?topic=…": it
// gets a stand-in EventSource fed by the shared worker (live-worker.js), else by a leader tab
// over a BroadcastChannel, else by a stream of this tab's own (live-hub.js). sse-swap,
// hx-trigger="sse:…" and the htmx:sse* events then work as they do with a real EventSource.
(function () {
  "use strict";

  // Not crypto.randomUUID: it exists only on https and localhost, and an office may use plain http.
  const tabId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  // This script's own "?v=…" (the release's asset version), for the shared worker's address and name.
  const version = document.currentScript ? new URL(document.currentScript.src).search : "";
  const sources = new Map(); // key -> TopicSource
  let nextKey = 0;
  let send = () => {};

  function receive(message) {
    const source = sources.get(message.key);
    if (!source) return;
    if (message.type === "open") source.opened();
    else if (message.type === "event") source.deliver(message.topic, message.id, message.messages);
  }

  function subscribe(source) {
    send({ type: "subscribe", client: tabId, key: source.key, topics: source.topics });
  }

  function resubscribeAll() {
    for (const source of sources.values()) subscribe(source);
  }

  /** What the sse extension holds for one sse-connect: an EventSource in all it uses. */
  class TopicSource extends EventTarget {
    constructor(url) {
      super();
      const address = new URL(url, location.href);
      const after = {};
      for (const part of (address.searchParams.get("after") || "").split(",")) {
        const at = part.lastIndexOf("=");
        if (at > 0) after[part.slice(0, at)] = Number(part.slice(at + 1));
      }
      this.url = address.href;
      this.withCredentials = true;
      this.readyState = TopicSource.CONNECTING;
      this.onopen = null;
      this.onerror = null;
      this.onmessage = null;
      this.key = String(++nextKey);
      // Each topic's last event id this page has (or was drawn at): where a new leader resumes it.
      this.topics = {};
      for (const topic of address.searchParams.getAll("topic"))
        this.topics[topic] = topic in after ? after[topic] : null;
      sources.set(this.key, this);
      subscribe(this);
    }

    opened() {
      if (this.readyState !== TopicSource.CONNECTING) return;
      this.readyState = TopicSource.OPEN;
      const event = new Event("open");
      this.dispatchEvent(event);
      if (this.onopen) this.onopen(event);
    }

    deliver(topic, id, messages) {
      if (this.readyState === TopicSource.CLOSED) return;
      if (typeof id === "number") this.topics[topic] = id;
      for (const message of messages) {
        const lastEventId = typeof id === "number" ? String(id) : "";
        this.dispatchEvent(new MessageEvent(message.event, { data: message.data, lastEventId }));
      }
    }

    close() {
      if (this.readyState === TopicSource.CLOSED) return;
      this.readyState = TopicSource.CLOSED;
      sources.delete(this.key);
      send({ type: "unsubscribe", client: tabId, key: this.key });
    }
  }
  TopicSource.CONNECTING = 0;
  TopicSource.OPEN = 1;
  TopicSource.CLOSED = 2;

  const locks = navigator.locks;
  const tabLock = (client) => `switchboard-live-tab-${client}`;
  // Held while this page lives, so whoever holds the stream learns when it has gone. Nothing is
  // sent before it is held: the hub asks for the same lock and must not get it first.
  const tabLockHeld = locks
    ? new Promise((held) =>
        locks.request(tabLock(tabId), () => {
          held();
          return new Promise(() => {});
        }),
      )
    : Promise.resolve();
  const watchTab = (client, gone) => {
    if (locks) locks.request(tabLock(client), () => gone());
  };

  function alone() {
    const hub = window.createLiveHub(
      (_client, message) => receive(message),
      () => {},
    );
    send = hub.handle;
    resubscribeAll();
  }

  function led() {
    const channel = new BroadcastChannel("switchboard-live");
    let hub = null;
    send = (message) =>
      tabLockHeld.then(() => {
        if (hub) hub.handle(message);
        else channel.postMessage({ to: "leader", message });
      });
    channel.onmessage = (event) => {
      const { to, message } = event.data || {};
      if (to === "leader" && hub) hub.handle(message);
      else if (to === "tabs" && message.type === "leader") resubscribeAll();
      else if (to === tabId) receive(message);
    };
    // The first tab to get the lock leads until it closes; then the next one waiting does.
    locks.request("switchboard-live-leader", () => {
      hub = window.createLiveHub(
        (client, message) => (client === tabId ? receive(message) : channel.postMessage({ to: client, message })),
        watchTab,
      );
      resubscribeAll();
      channel.postMessage({ to: "tabs", message: { type: "leader" } });
      return new Promise(() => {});
    });
    resubscribeAll();
  }

  function shared() {
    // This release's worker, by address and by name: a tab of a newer release never joins an older worker.
    const worker = new SharedWorker(`/assets/live-worker.js${version}`, { name: `switchboard-live${version}` });
    worker.port.onmessage = (event) => receive(event.data);
    // A worker that cannot start (an old browser, a blocked script) leaves this tab on its own.
    worker.onerror = () => fallback();
    send = (message) => tabLockHeld.then(() => worker.port.postMessage(message));
    resubscribeAll();
  }

  function fallback() {
    if (typeof BroadcastChannel === "function" && locks) led();
    else alone();
  }

  try {
    if (typeof SharedWorker === "function") shared();
    else fallback();
  } catch {
    fallback();
  }

  // Leaving the page (or the back-forward cache keeping it): its topics stop at once; a page
  // shown again from that cache listens again from where it was.
  addEventListener("pagehide", () => send({ type: "bye", client: tabId }));
  addEventListener("pageshow", (event) => {
    if (event.persisted) resubscribeAll();
  });

  // Only /live is shared; anything else (a stream some page still names directly) is opened as it is.
  const createEventSource = (url) =>
    new URL(url, location.href).pathname === "/live"
      ? new TopicSource(url)
      : new EventSource(url, { withCredentials: true });
  if (window.htmx) window.htmx.createEventSource = createEventSource;
  window.switchboardLive = { tabId, createEventSource };
})();
