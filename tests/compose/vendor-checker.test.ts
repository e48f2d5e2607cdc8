import { afterAll, expect, test } from "bun:test";
import { createOpenAIClient } from "../../src/adapters/openai/client.ts";
import { createOpenAIModelsCheck } from "../../src/adapters/openai/models-check.ts";
import { createTwilioAccountCheck } from "../../src/adapters/twilio/account-check.ts";
import { createVendorChecker } from "../../src/compose/vendor-checker.ts";
import type { Log } from "../../src/ports/log.ts";
import { startOpenAIPeer } from "../support/openai-peer.ts";
import { startTwilioApiPeer } from "../support/twilio-api-peer.ts";

const accountSid = `AC${"2".repeat(32)}`;
const authToken = "twilio-token-right";
const stops: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  await Promise.all(stops.map((stop) => stop()));
});

function capturingLog() {
  const lines: { level: string; message: string }[] = [];
  const at =
    (level: string) =>
    (_fields: object, message: string): void =>
      void lines.push({ level, message });
  const log: Log = { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
  return { log, lines };
}

test("logs one line per vendor, as the seed words it, and again only when the outcome changes (loopback twilio and openai peers)", async () => {
  const twilio = await startTwilioApiPeer({ accountSid, authToken });
  const openai = await startOpenAIPeer({ apiKey: "sk-right" });
  stops.push(twilio.close, openai.close);
  const { log, lines } = capturingLog();
  const checker = createVendorChecker({
    checks: [
      createTwilioAccountCheck({ accountSid, authToken, apiBaseUrl: twilio.baseUrl }),
      createOpenAIModelsCheck(createOpenAIClient({ apiKey: "sk-wrong", baseURL: openai.baseURL })),
    ],
    log,
    now: () => new Date("2026-12-03T10:42:00Z"),
  });
  const results = await checker.checkNow();
  expect(results.map((r) => r.outcome.state)).toEqual(["working", "refused"]);
  expect(lines).toContainEqual({ level: "info", message: "[Twilio] Connected" });
  const openaiLine = lines.find((l) => l.message.startsWith("[OpenAI]"));
  expect(openaiLine?.level).toBe("warn");
  expect(openaiLine?.message).toStartWith("[OpenAI] key refused: check OPENAI_API_KEY");
  expect(lines).toHaveLength(2);

  await checker.checkNow();
  expect(lines).toHaveLength(2);
  expect(checker.latest().find((r) => r.vendor === "Twilio")?.checkedAt).toEqual(new Date("2026-12-03T10:42:00Z"));
});

test("a vendor that accepts the connection and never answers is unreachable once the timeout passes (loopback silent peer)", async () => {
  const silent = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  stops.push(async () => silent.stop(true));
  const { log, lines } = capturingLog();
  const checker = createVendorChecker({
    // The twilio SDK takes no abort signal: the checker's own deadline must end the wait.
    checks: [createTwilioAccountCheck({ accountSid, authToken, apiBaseUrl: `http://127.0.0.1:${silent.port}` })],
    log,
    now: () => new Date(),
    timeoutMs: 300,
  });
  const started = performance.now();
  const [result] = await checker.checkNow();
  expect(performance.now() - started).toBeLessThan(2_000);
  expect(result?.outcome).toEqual({ state: "unreachable", reason: "no answer within 300 ms" });
  expect(lines[0]?.message).toBe("[Twilio] unreachable: no answer within 300 ms");
});

test("start returns at once, checks again on its interval, and stops (loopback twilio peer)", async () => {
  const twilio = await startTwilioApiPeer({ accountSid, authToken });
  stops.push(twilio.close);
  const checker = createVendorChecker({
    checks: [createTwilioAccountCheck({ accountSid, authToken, apiBaseUrl: twilio.baseUrl })],
    log: capturingLog().log,
    now: () => new Date(),
    intervalMs: 100,
  });
  checker.start();
  // Nothing answered yet: start-up did not wait.
  expect(checker.latest()).toEqual([]);
  await Bun.sleep(450);
  const seen = twilio.requests.length;
  expect(seen).toBeGreaterThanOrEqual(3);
  expect(checker.latest()[0]?.outcome).toEqual({ state: "working" });
  checker.stop();
  await Bun.sleep(300);
  expect(twilio.requests.length).toBeLessThanOrEqual(seen + 1);
});
