// The one live connection a browser holds for all its tabs: a /live stream (src/http/topic-stream.ts)
// carrying the union of the topics every tab's pages listen to, each event handed to the pages
// listening to its topic. Runs in the shared worker (live-worker.js), else in one leader tab,
// else in each tab on its own (live.js).
//
// From tabs (handle): {type: "subscribe", client, key, topics: {topic: afterId or null}},
// {type: "unsubscribe", client, key}, {type: "bye", client}. To tabs (post):
// {type: "open", key} once a subscription's topics are streaming, then
// {type: "event", key, topic, id, messages: [{event, data}]}.
(function (scope) {
  "use strict";

  const ADD_DELAY_MS = 20; // a page's several sources arrive together: one reconnection for them all
  const REMOVE_DELAY_MS = 300; // a tab moving to its next page drops and adds topics at once

  /**
   * `post(client, message)` reaches a tab; `watch(client, gone)` calls gone() when that tab has
   * closed (tabs that vanish without a word must not keep their topics streaming).
   */
  scope.createLiveHub = function createLiveHub(post, watch) {
    const subscriptions = new Map(); // "client key" -> {client, key, topics: Map(topic -> id or null), open}
    const watched = new Set();
    const cursors = new Map(); // topic -> the last id the current stream gave for it
    let source = null;
    let streaming = []; // the current stream's topics, sorted
    let ready = false;
    let failures = 0;
    let timer = null;
    let due = 0;

    function union() {
      const topics = new Set();
      for (const subscription of subscriptions.values())
        for (const topic of subscription.topics.keys()) topics.add(topic);
      return [...topics].sort();
    }

    // The stream has moved past where this subscription's page was drawn: it must be replayed.
    function behind(subscription) {
      for (const [topic, after] of subscription.topics) {
        if (after !== null && streaming.includes(topic) && cursors.has(topic) && after < cursors.get(topic))
          return true;
      }
      return false;
    }

    function covered(subscription) {
      for (const topic of subscription.topics.keys()) if (!streaming.includes(topic)) return false;
      return true;
    }

    function schedule(delay) {
      const at = Date.now() + delay;
      if (timer !== null && due <= at) return;
      clearTimeout(timer);
      due = at;
      timer = setTimeout(() => {
        timer = null;
        reconcile();
      }, delay);
    }

    function reconcile() {
      const topics = union();
      if (topics.length === 0) return stop();
      const waiting = [...subscriptions.values()].filter((s) => !s.open);
      if (source && topics.join(" ") === streaming.join(" ") && !waiting.some(behind)) {
        if (ready) openWaiting();
        return;
      }
      connect(topics);
    }

    function stop() {
      if (source) source.close();
      source = null;
      streaming = [];
      ready = false;
      cursors.clear();
    }

    // Each topic resumes from the earliest point anyone needs: the stream's own position, or a
    // page drawn before it. Pages already further along drop what they have seen (receive).
    function connect(topics) {
      const after = [];
      for (const topic of topics) {
        let from = streaming.includes(topic) && cursors.has(topic) ? cursors.get(topic) : null;
        for (const subscription of subscriptions.values()) {
          const at = subscription.topics.get(topic);
          if (at !== undefined && at !== null && (from === null || at < from)) from = at;
        }
        if (from !== null) after.push(`${topic}=${from}`);
      }
      stop();
      let url = `/live?${topics.map((topic) => `topic=${encodeURIComponent(topic)}`).join("&")}`;
      if (after.length > 0) url += `&after=${encodeURIComponent(after.join(","))}`;
      const stream = new EventSource(url);
      source = stream;
      streaming = topics;
      stream.onmessage = (event) => {
        if (stream === source) receive(JSON.parse(event.data));
      };
      stream.onerror = () => {
        if (stream !== source) return;
        ready = false;
        // CONNECTING: the browser reconnects by itself, sending the last id (every topic's place).
        // CLOSED: refused (logged out, a call gone): try again later, less and less often.
        if (stream.readyState !== EventSource.CLOSED) return;
        source = null;
        failures += 1;
        schedule(Math.min(30_000, 1000 * 2 ** Math.min(failures - 1, 5)));
      };
    }

    function openWaiting() {
      for (const subscription of subscriptions.values()) {
        if (subscription.open || !covered(subscription) || behind(subscription)) continue;
        for (const [topic, after] of subscription.topics)
          if (after === null) subscription.topics.set(topic, cursors.get(topic));
        subscription.open = true;
        post(subscription.client, { type: "open", key: subscription.key });
      }
    }

    function receive(message) {
      if (message.ready) {
        for (const [topic, id] of Object.entries(message.ready)) cursors.set(topic, id);
        // A call or lead deleted while a tab still shows it: stop asking for it (that tab's page
        // would 404 on reload), so the stream the other tabs share is not refused over it.
        for (const topic of message.gone || []) {
          streaming = streaming.filter((t) => t !== topic);
          for (const subscription of subscriptions.values()) subscription.topics.delete(topic);
        }
        ready = true;
        failures = 0;
        openWaiting();
        return;
      }
      const id = typeof message.id === "number" ? message.id : null;
      if (id !== null) cursors.set(message.topic, id);
      for (const subscription of subscriptions.values()) {
        if (!subscription.open || !subscription.topics.has(message.topic)) continue;
        if (id !== null) {
          const seen = subscription.topics.get(message.topic);
          if (seen !== null && id <= seen) continue;
          subscription.topics.set(message.topic, id);
        }
        post(subscription.client, {
          type: "event",
          key: subscription.key,
          topic: message.topic,
          id: id === null ? undefined : id,
          messages: message.messages,
        });
      }
    }

    function drop(client) {
      watched.delete(client);
      for (const [name, subscription] of subscriptions) if (subscription.client === client) subscriptions.delete(name);
      schedule(REMOVE_DELAY_MS);
    }

    function handle(message) {
      if (!message || typeof message.client !== "string") return;
      const name = `${message.client} ${message.key}`;
      if (message.type === "subscribe") {
        if (!watched.has(message.client)) {
          watched.add(message.client);
          watch(message.client, () => drop(message.client));
        }
        const topics = new Map(Object.entries(message.topics || {}));
        subscriptions.set(name, { client: message.client, key: message.key, topics, open: false });
        schedule(ADD_DELAY_MS);
      } else if (message.type === "unsubscribe") {
        subscriptions.delete(name);
        schedule(REMOVE_DELAY_MS);
      } else if (message.type === "bye") {
        drop(message.client);
      }
    }

    return { handle, drop };
  };
})(self);
