import { describe, expect, test } from "bun:test";
import { Writable } from "node:stream";
import pino from "pino";
import { parseConfig, publicBaseUrl } from "../src/config.ts";
import { REDACTED_PATHS } from "../src/logger.ts";
import { twilioKeys } from "../src/compose/vendor-keys.ts";

describe("configuration", () => {
  test("no variables at all: the embedded defaults", () => {
    const parsed = parseConfig({});
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.config.PORT).toBe(3000);
    expect(parsed.config.DATA_DIR).toBe("./data");
    expect(parsed.config.DATABASE_URL).toBeUndefined();
    expect(publicBaseUrl(parsed.config)).toBe("http://localhost:3000");
  });

  test("empty strings count as unset", () => {
    const parsed = parseConfig({ DATABASE_URL: "", OPENAI_API_KEY: "" });
    expect(parsed.ok && parsed.config.DATABASE_URL).toBeUndefined();
  });

  test.each([
    ["PORT", "eighty"],
    ["PORT", "70000"],
    ["DATABASE_URL", "mysql://db/x"],
    ["DATABASE_URL_DIRECT", "https://db.example/x"],
    ["PUBLIC_BASE_URL", "ftp://example.com"],
    ["LOG_LEVEL", "loud"],
    ["SESSION_IDLE_MINUTES", "0"],
    ["SESSION_MAX_HOURS", "0"],
    ["TRUSTED_PROXY", "proxy.internal"],
    ["TRUSTED_PROXY", "10.0.0.5, 10.0.0"],
    ["DEEPGRAM_API_URL", "https://api.deepgram.com"],
    ["WISPRFLOW_API_URL", "not a url"],
    ["TWILIO_API_BASE_URL", "wss://api.twilio.com"],
    ["METRICS_TOKEN", "too-short"],
  ])("a bad %s stops start-up with one line naming it", (name, value) => {
    const parsed = parseConfig({ [name]: value });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toStartWith(`Configuration error: ${name} `);
    expect(parsed.error).not.toContain("\n");
  });

  test("sessions last 12 hours at most unless SESSION_MAX_HOURS says otherwise", () => {
    const defaults = parseConfig({});
    expect(defaults.ok && defaults.config.SESSION_MAX_HOURS).toBe(12);
    const parsed = parseConfig({ SESSION_MAX_HOURS: "8" });
    expect(parsed.ok && parsed.config.SESSION_MAX_HOURS).toBe(8);
  });

  test("METRICS_TOKEN is unset by default (no /metrics); set, it is kept as given", () => {
    const unset = parseConfig({ METRICS_TOKEN: "" });
    expect(unset.ok && unset.config.METRICS_TOKEN).toBeUndefined();
    const set = parseConfig({ METRICS_TOKEN: "a-long-enough-scrape-token" });
    expect(set.ok && set.config.METRICS_TOKEN).toBe("a-long-enough-scrape-token");
  });

  test("TRUSTED_PROXY is a comma-separated list of addresses, none by default", () => {
    const none = parseConfig({});
    expect(none.ok && none.config.TRUSTED_PROXY).toEqual([]);
    const parsed = parseConfig({ TRUSTED_PROXY: "127.0.0.1, ::1," });
    expect(parsed.ok && parsed.config.TRUSTED_PROXY).toEqual(["127.0.0.1", "::1"]);
  });

  test("the transcribers' endpoints are the vendors' own unless set (an EU endpoint, a loopback peer)", () => {
    const defaults = parseConfig({});
    if (!defaults.ok) throw new Error(defaults.error);
    expect(defaults.config.DEEPGRAM_API_URL).toBe("wss://api.deepgram.com");
    expect(defaults.config.WISPRFLOW_API_URL).toBe("wss://platform-api.wisprflow.ai/api/v1/dash/ws");
    const eu = parseConfig({ DEEPGRAM_API_URL: "wss://api.eu.deepgram.com", WISPRFLOW_API_URL: "ws://127.0.0.1:9" });
    if (!eu.ok) throw new Error(eu.error);
    expect(eu.config.DEEPGRAM_API_URL).toBe("wss://api.eu.deepgram.com");
    expect(eu.config.WISPRFLOW_API_URL).toBe("ws://127.0.0.1:9");
  });

  test("Twilio's REST API is its own unless TWILIO_API_BASE_URL names another, whose origin alone then also gets the credentials", () => {
    const keys = { TWILIO_ACCOUNT_SID: "AC123", TWILIO_AUTH_TOKEN: "token" };
    const defaults = parseConfig(keys);
    if (!defaults.ok) throw new Error(defaults.error);
    expect(twilioKeys(defaults.config)).toMatchObject({ accountSid: "AC123", authToken: "token", alsoAllow: [] });
    expect(twilioKeys(defaults.config)?.apiBaseUrl).toBeUndefined();
    const edge = parseConfig({ ...keys, TWILIO_API_BASE_URL: "http://127.0.0.1:4010/" });
    if (!edge.ok) throw new Error(edge.error);
    expect(twilioKeys(edge.config)).toMatchObject({ apiBaseUrl: "http://127.0.0.1:4010/" });
    expect(twilioKeys(edge.config)?.alsoAllow).toEqual(["http://127.0.0.1:4010"]);
  });

  test("staff numbers are a comma-separated list", () => {
    const parsed = parseConfig({ STAFF_PHONE_NUMBERS: "+447700900001, +447700900002," });
    expect(parsed.ok && parsed.config.STAFF_PHONE_NUMBERS).toEqual(["+447700900001", "+447700900002"]);
  });

  test("staff numbers are kept in E.164, and one that is not valid stops start-up naming it", () => {
    const parsed = parseConfig({ STAFF_PHONE_NUMBERS: "07700 900001" });
    expect(parsed.ok && parsed.config.STAFF_PHONE_NUMBERS).toEqual(["+447700900001"]);
    expect(parseConfig({ STAFF_PHONE_NUMBERS: "+447700900001, 07700 90012" })).toEqual({
      ok: false,
      error:
        "Configuration error: STAFF_PHONE_NUMBERS number 2 of 2 is not a valid phone number for its country: check the digits",
    });
  });
});

describe("logs", () => {
  test("secrets and personal data are redacted", () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = pino({ redact: { paths: REDACTED_PATHS, censor: "[redacted]" } }, sink);
    logger.info(
      {
        password: "hunter2hunter2",
        lead: { name: "Sarah Jones", phone: "+447700900123", postcode: "NW1 6XE" },
        leadId: "abc",
      },
      "x",
    );
    const entry = JSON.parse(lines[0]!);
    expect(entry.password).toBe("[redacted]");
    expect(entry.lead).toEqual({ name: "[redacted]", phone: "[redacted]", postcode: "[redacted]" });
    expect(entry.leadId).toBe("abc");
    expect(lines[0]).not.toContain("Sarah");
  });
});
