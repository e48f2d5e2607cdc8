import { afterAll, expect, test } from "bun:test";
import { Registry } from "prom-client";
import { createPromMetrics } from "../../../src/adapters/metrics/prom-metrics.ts";
import { countVendorErrors } from "../../../src/adapters/metrics/vendor-errors.ts";
import { createTwilioRecordingFetcher } from "../../../src/adapters/twilio/recording-fetcher.ts";
import { sampleValue } from "../../support/prometheus-text.ts";

// A Twilio API peer that fails every recording download, as during an outage.
const peer = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("unavailable", { status: 503 }) });
afterAll(() => peer.stop(true));

const counting = () => {
  const registry = new Registry();
  const metrics = createPromMetrics(registry);
  return {
    metrics,
    errors: async (vendor: string) =>
      sampleValue(await registry.metrics(), "switchboard_vendor_errors_total", { vendor }),
  };
};

test("an adapter that is a function (the recording download) counts each failure once, and fails as before", async () => {
  const { metrics, errors } = counting();
  const origin = `http://127.0.0.1:${peer.port}`;
  const fetchRecording = countVendorErrors(
    createTwilioRecordingFetcher({ accountSid: "AC123", authToken: "token" }, { alsoAllow: [origin] }),
    "twilio",
    metrics,
  );
  await expect(fetchRecording(`${origin}/2010-04-01/Accounts/AC123/Recordings/RE1`)).rejects.toThrow();
  await expect(fetchRecording(`${origin}/2010-04-01/Accounts/AC123/Recordings/RE2`)).rejects.toThrow();
  expect(await errors("twilio")).toBe(2);
});

test("an adapter's methods count their failures, thrown or rejected; what succeeds, and plain properties, pass through", async () => {
  const { metrics, errors } = counting();
  const adapter = countVendorErrors(
    {
      name: "graph",
      live: true,
      send: async (text: string) => {
        if (text === "refused") throw new Error("HTTP 400 from the vendor");
        return { providerId: `id-${text}` };
      },
      parse(text: string) {
        if (text === "") throw new Error("nothing to parse");
        return this.name;
      },
    },
    "whatsapp",
    metrics,
  );
  expect(adapter.name).toBe("graph");
  expect(adapter.live).toBe(true);
  expect(await adapter.send("hello")).toEqual({ providerId: "id-hello" });
  expect(adapter.parse("x")).toBe("graph");
  expect(await errors("whatsapp")).toBe(0);
  await expect(adapter.send("refused")).rejects.toThrow("HTTP 400 from the vendor");
  expect(() => adapter.parse("")).toThrow("nothing to parse");
  expect(await errors("whatsapp")).toBe(2);
  expect(await errors("twilio")).toBe(0);
});
