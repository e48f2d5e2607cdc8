/**
 * TWILIO_API_BASE_URL and STRIPE_API_BASE_URL: where the vendor SDKs are sent (the soak test's
 * loopback peers), and that only that origin, besides Twilio's own hosts, gets Twilio's credentials.
 */
import { describe, expect, test } from "bun:test";
import { parseConfig } from "../../src/config.ts";
import { stripeKeys, twilioKeys } from "../../src/compose/vendor-keys.ts";
import { credentialsAllowed, isTwilioApiHost } from "../../src/adapters/credentialed-fetch.ts";

const configOf = (env: Record<string, string>) => {
  const parsed = parseConfig(env);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.config;
};
const KEYS = {
  TWILIO_ACCOUNT_SID: "AC123",
  TWILIO_AUTH_TOKEN: "token",
  STRIPE_SECRET_KEY: "sk_test_1",
  STRIPE_WEBHOOK_SECRET: "whsec_1",
};

describe("vendor API addresses", () => {
  test("unset: the vendors' own, and Twilio's credentials go to its hosts only", () => {
    const config = configOf(KEYS);
    const twilio = twilioKeys(config)!;
    expect(twilio.apiBaseUrl).toBeUndefined();
    expect(twilio.alsoAllow).toEqual([]);
    expect(stripeKeys(config)!.endpoint).toEqual({});
    const hosts = { vendor: "Twilio", isVendorHost: isTwilioApiHost, alsoAllow: twilio.alsoAllow };
    expect(credentialsAllowed("http://127.0.0.1:4010/Recordings/RE1.wav", hosts).ok).toBe(false);
  });

  test("set: the SDKs are pointed there and that origin alone gets the credentials", () => {
    const config = configOf({
      ...KEYS,
      TWILIO_API_BASE_URL: "http://127.0.0.1:4010/",
      STRIPE_API_BASE_URL: "http://127.0.0.1:4020",
    });
    const twilio = twilioKeys(config)!;
    expect(twilio.apiBaseUrl).toBe("http://127.0.0.1:4010/");
    expect(twilio.alsoAllow).toEqual(["http://127.0.0.1:4010"]);
    expect(stripeKeys(config)!.endpoint).toEqual({ host: "127.0.0.1", port: 4020, protocol: "http" });
    const hosts = { vendor: "Twilio", isVendorHost: isTwilioApiHost, alsoAllow: twilio.alsoAllow };
    expect(credentialsAllowed("http://127.0.0.1:4010/Recordings/RE1.wav", hosts).ok).toBe(true);
    expect(credentialsAllowed("http://127.0.0.1:4011/Recordings/RE1.wav", hosts).ok).toBe(false);
  });

  test("a value that is not an http(s) URL stops start-up naming the variable", () => {
    const parsed = parseConfig({ ...KEYS, TWILIO_API_BASE_URL: "ftp://x" });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain("TWILIO_API_BASE_URL");
  });
});
