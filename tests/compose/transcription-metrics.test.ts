/**
 * Live transcription as src/compose/calls.ts wires it (WisprFlow first, Deepgram as fallback,
 * retried), against the loopback vendor peers during an outage: each switch to the fallback,
 * each reconnect and each vendor's failures are counted in the metrics a scrape reads.
 */
import { afterAll, expect, test } from "bun:test";
import pino from "pino";
import { Registry } from "prom-client";
import { createPromMetrics } from "../../src/adapters/metrics/prom-metrics.ts";
import { chooseTranscription } from "../../src/compose/calls.ts";
import { startDeepgramPeer } from "../support/deepgram-peer.ts";
import { sampleValue } from "../support/prometheus-text.ts";
import { startWisprflowPeer } from "../support/wisprflow-peer.ts";
import { eventually } from "../e2e/helpers.ts";

const KEY = "loopback-key";
const wisprflow = startWisprflowPeer({ apiKey: KEY, refuseFirst: 1_000 });
const deepgram = startDeepgramPeer({ apiKey: KEY, refuseFirst: 1 });
afterAll(async () => {
  await wisprflow.stop();
  await deepgram.stop();
});

test("a WisprFlow outage and a Deepgram blip count fallbacks, reconnects and errors by vendor", async () => {
  const registry = new Registry();
  const metrics = createPromMetrics(registry);
  const choice = chooseTranscription(
    { wisprflow: KEY, deepgram: KEY, wisprflowUrl: wisprflow.url, deepgramUrl: deepgram.url },
    new Map(),
    pino({ level: "silent" }),
    metrics,
  );
  const transcriber = choice.forStream({})!;
  const session = await transcriber.open({ track: "inbound", callId: "call-1", onResult: () => {} });
  const silence = new Uint8Array(160).fill(0xff);
  for (let i = 0; i < 50; i++) session.send({ payload: silence, timestampMs: i * 20 });

  // WisprFlow refuses, so Deepgram takes over; Deepgram refuses once, so the pair is tried again.
  const text = await eventually(async () => {
    const scraped = await registry.metrics();
    expect(sampleValue(scraped, "switchboard_transcriber_reconnects_total")).toBeGreaterThanOrEqual(1);
    expect(sampleValue(scraped, "switchboard_transcriber_fallbacks_total")).toBeGreaterThanOrEqual(1);
    return scraped;
  }, 10_000);
  await session.close();
  expect(wisprflow.unavailable).toBeGreaterThanOrEqual(1);
  expect(deepgram.unavailable).toBe(1);
  expect(sampleValue(text, "switchboard_vendor_errors_total", { vendor: "wisprflow" })).toBe(
    sampleValue(text, "switchboard_transcriber_fallbacks_total"),
  );
  expect(sampleValue(text, "switchboard_vendor_errors_total", { vendor: "deepgram" })).toBe(
    sampleValue(text, "switchboard_transcriber_reconnects_total"),
  );
  expect(sampleValue(text, "switchboard_vendor_errors_total", { vendor: "stripe" })).toBe(0);
});
