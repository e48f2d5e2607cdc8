import { expect, test } from "bun:test";
import { Registry } from "prom-client";
import { createPromMetrics } from "../../../src/adapters/metrics/prom-metrics.ts";
import { WEBHOOK_PROVIDERS, type Vendor } from "../../../src/ports/metrics.ts";
import { samples, sampleValue } from "../../support/prometheus-text.ts";

test("each app's metrics live in its own registry: two apps count apart", async () => {
  const [one, two] = [new Registry(), new Registry()];
  const first = createPromMetrics(one);
  createPromMetrics(two);
  first.mediaFramesReceived.inc();
  first.mediaFramesReceived.inc();
  expect(sampleValue(await one.metrics(), "switchboard_media_frames_received_total")).toBe(2);
  expect(sampleValue(await two.metrics(), "switchboard_media_frames_received_total")).toBe(0);
});

test("label values stay within fixed lists, whatever names come in", async () => {
  const registry = new Registry();
  const metrics = createPromMetrics(registry);
  metrics.transcriberResult("wisprflow", 0.4);
  metrics.transcriberResult("deepgram", 0.6);
  metrics.transcriberResult("demo transcript", 0.1);
  metrics.transcriberResult("CA1234567890abcdef vendor of the week", 0.2);
  metrics.vendorError("a vendor nobody listed" as Vendor);
  const text = await registry.metrics();
  const transcribers = new Set(
    samples(text)
      .filter((s) => s.name === "switchboard_transcriber_result_latency_seconds_count")
      .map((s) => s.labels.transcriber),
  );
  expect(transcribers).toEqual(new Set(["wisprflow", "deepgram", "demo", "other"]));
  expect(sampleValue(text, "switchboard_vendor_errors_total", { vendor: "other" })).toBe(1);
  expect(text).not.toContain("nobody listed");
});

test("every provider and vendor is shown from the first scrape, at zero", async () => {
  const registry = new Registry();
  createPromMetrics(registry);
  const text = await registry.metrics();
  for (const provider of WEBHOOK_PROVIDERS)
    expect(sampleValue(text, "switchboard_webhook_duration_seconds_count", { provider })).toBe(0);
  expect(sampleValue(text, "switchboard_vendor_errors_total", { vendor: "openai" })).toBe(0);
});
