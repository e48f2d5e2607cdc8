// The shared worker every staff tab of this browser connects to: it holds the one live stream
// for them all (live-hub.js) and talks to each tab over its MessagePort (live.js).
// The hub of the same release as this worker (its address carries the version: "?v=…").
importScripts(`/assets/live-hub.js${self.location.search}`);

const ports = new Map(); // tab id -> its port

const hub = self.createLiveHub(
  (client, message) => {
    const port = ports.get(client);
    if (port) port.postMessage(message);
  },
  (client, gone) => {
    // Each tab holds a lock named after it for as long as it lives: ours is granted when it has closed.
    if (!self.navigator.locks) return;
    self.navigator.locks.request(`switchboard-live-tab-${client}`, () => {
      ports.delete(client);
      gone();
    });
  },
);

self.onconnect = (event) => {
  const port = event.ports[0];
  port.onmessage = (message) => {
    const data = message.data;
    if (!data || typeof data.client !== "string") return;
    if (data.type === "bye") ports.delete(data.client);
    else ports.set(data.client, port);
    hub.handle(data);
  };
};
