import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { createInProcessLiveEvents } from "../../src/adapters/local/in-process-live-events.ts";
import type { AppDeps, AppEnv } from "../../src/http/deps.ts";
import { liveStream, renderedOnce, sseText } from "../../src/http/live-stream.ts";
import { defineChannel, type LiveEvent, type LiveEvents } from "../../src/ports/live-events.ts";
import { Registry } from "prom-client";
import { createPromMetrics } from "../../src/adapters/metrics/prom-metrics.ts";
import { sampleValue } from "../support/prometheus-text.ts";

/** The streams log at debug level how many are open; these tests do not read it. */
const quiet = { debug() {}, warn() {} };

const ch = defineChannel<{ type: "said"; data: string }>("ch");

describe("server-sent events", () => {
  test("data over several lines goes out as one data: line each, then the id", () => {
    expect(sseText({ event: "transcript", data: "<p>\n  hello\r\n</p>" }, 7)).toBe(
      "event: transcript\ndata: <p>\ndata:   hello\ndata: </p>\nid: 7\n\n",
    );
    expect(sseText({ event: "reload", data: "" })).toBe("event: reload\ndata: \n\n");
  });

  test("an event is rendered once however many viewers it goes to", () => {
    let renders = 0;
    const render = renderedOnce((event) => {
      renders++;
      return [{ event: "a", data: String(event.data) }];
    });
    const event: LiveEvent = { channel: "c", id: 3, type: "x", data: "hi" };
    const channel = defineChannel("c");
    const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    expect(text(render(event, channel))).toBe("event: a\ndata: hi\nid: 3\n\n");
    // The same bytes, encoded once, for every viewer.
    expect(render(event, channel)).toBe(render(event, channel));
    expect(renders).toBe(1);
    expect(text(render({ ...event, id: 4 }, channel))).toBe("event: a\ndata: hi\nid: 4\n\n");
    expect(renders).toBe(2);
  });

  test("a viewer gets what it missed, then what happens, and leaving unsubscribes it", async () => {
    const events = createInProcessLiveEvents();
    let subscribed = 0;
    const counting: LiveEvents = {
      ...events,
      subscribe(channel, afterId, listener) {
        subscribed++;
        const subscription = events.subscribe(channel, afterId, listener);
        return { ...subscription, unsubscribe: () => (subscribed--, subscription.unsubscribe()) };
      },
    };
    const registry = new Registry();
    const metrics = createPromMetrics(registry);
    const viewers = async () => sampleValue(await registry.metrics(), "switchboard_sse_viewers");
    const app = new Hono<AppEnv>();
    app.use(async (c, next) => {
      c.set("deps", {
        liveEvents: counting,
        settings: { heartbeatMs: 60_000 },
        metrics,
        logger: quiet,
      } as unknown as AppDeps);
      await next();
    });
    const render = renderedOnce((event) => [{ event: event.type, data: String(event.data) }]);
    app.get("/events", (c) => liveStream(c, ch, render, Number(c.req.query("after") ?? "0")));

    await events.publish(ch, { type: "said", data: "one" });
    await events.publish(ch, { type: "said", data: "two" });
    const response = await app.request("/events?after=1");
    expect(response.headers.get("Content-Type")).toBe("text/event-stream");
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) text += decoder.decode((await reader.read()).value);
    };
    await readUntil("data: two");
    expect(text).toBe(": connected\n\nevent: said\ndata: two\nid: 2\n\n");
    await events.publish(ch, { type: "said", data: "three" });
    await readUntil("data: three");
    expect(subscribed).toBe(1);
    expect(await viewers()).toBe(1);
    await reader.cancel();
    expect(subscribed).toBe(0);
    expect(await viewers()).toBe(0);
  });

  test("a viewer that cannot be caught up is told to reload", async () => {
    const events = createInProcessLiveEvents({ keep: 1 });
    const app = new Hono<AppEnv>();
    app.use(async (c, next) => {
      c.set("deps", {
        liveEvents: events,
        settings: { heartbeatMs: 60_000 },
        metrics: createPromMetrics(new Registry()),
        logger: quiet,
      } as unknown as AppDeps);
      await next();
    });
    app.get("/events", (c) =>
      liveStream(
        c,
        ch,
        renderedOnce(() => []),
        0,
      ),
    );
    await events.publish(ch, { type: "said", data: "one" });
    await events.publish(ch, { type: "said", data: "two" });
    const reader = (await app.request("/events")).body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes("reload")) text += decoder.decode((await reader.read()).value);
    expect(text).toContain("event: reload\n");
    await reader.cancel();
  });

  test("over real sockets, every viewer gets the whole of each event's shared bytes", async () => {
    const events = createInProcessLiveEvents();
    const app = new Hono<AppEnv>();
    app.use(async (c, next) => {
      c.set("deps", {
        liveEvents: events,
        settings: { heartbeatMs: 60_000 },
        metrics: createPromMetrics(new Registry()),
        logger: quiet,
      } as unknown as AppDeps);
      await next();
    });
    const render = renderedOnce((event) => [{ event: event.type, data: String(event.data) }]);
    app.get("/events", (c) => liveStream(c, ch, render, Number(c.req.query("after") ?? "0")));
    const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch });
    try {
      const viewers = await Promise.all(
        [1, 2, 3].map(async () => (await fetch(`http://127.0.0.1:${server.port}/events?after=0`)).body!.getReader()),
      );
      const said = ["one", "two", "three"];
      for (const data of said) await events.publish(ch, { type: "said", data });
      const expected = said.map((data, i) => `event: said\ndata: ${data}\nid: ${i + 1}\n\n`).join("");
      for (const reader of viewers) {
        const decoder = new TextDecoder();
        let text = "";
        while (!text.includes("data: three\nid: 3\n\n")) text += decoder.decode((await reader.read()).value);
        expect(text).toBe(`: connected\n\n${expected}`);
        await reader.cancel();
      }
    } finally {
      server.stop(true);
    }
  });
});
