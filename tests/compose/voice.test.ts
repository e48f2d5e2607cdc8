/**
 * Which voice speaks: ElevenLabs with ELEVENLABS_API_KEY and ELEVENLABS_VOICE_ID (at
 * ELEVENLABS_API_URL), else the offline voice; and the Integrations page says which, truthfully.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import pino from "pino";
import { chooseVoice } from "../../src/compose/voice.ts";
import { defaultPolicy } from "../../src/adapters/resilience/vendor-policies.ts";
import type { Repositories } from "../../src/ports/database.ts";
import { parseConfig } from "../../src/config.ts";
import { freshPglite } from "../support/test-db.ts";
import { aStaffUser, buildTestApp, testBrowser } from "../support/test-app.ts";
import { startElevenLabsPeer } from "../support/elevenlabs-peer.ts";

const quiet = { policy: defaultPolicy("ElevenLabs"), log: pino({ level: "silent" }) };

describe("chooseVoice", () => {
  test("no key: the offline voice, labelled as such, and nothing is sent", () => {
    const choice = chooseVoice({}, quiet);
    expect(choice.voice.name).toBe("offline voice (espeak-ng)");
    expect(choice.mode).toBe("embedded");
    expect(choice.detail).toContain("offline voice (espeak-ng)");
    expect(choice.detail).toContain("nothing is sent");
  });

  test("a key without a voice: still the offline voice, and the page says which variable is missing", () => {
    const choice = chooseVoice({ ELEVENLABS_API_KEY: "xi-1" }, quiet);
    expect(choice.voice.name).toBe("offline voice (espeak-ng)");
    expect(choice.mode).toBe("embedded");
    expect(choice.detail).toContain("ELEVENLABS_VOICE_ID is not set");
  });

  test("key and voice: ElevenLabs, at ELEVENLABS_API_URL (loopback peer)", async () => {
    const peer = startElevenLabsPeer({ apiKey: "xi-1", voiceIds: ["voice-9"] });
    try {
      const choice = chooseVoice(
        { ELEVENLABS_API_KEY: "xi-1", ELEVENLABS_VOICE_ID: "voice-9", ELEVENLABS_API_URL: `${peer.baseUrl}/` },
        quiet,
      );
      expect(choice.voice.name).toBe("ElevenLabs");
      expect(choice.mode).toBe("vendor");
      expect(choice.detail).toContain("voice-9");
      let frames = 0;
      for await (const _ of choice.voice.speak("Hello.")) frames++;
      expect(frames).toBe(50);
      expect(peer.requests.map((r) => r.path)).toEqual(["/v1/text-to-speech/voice-9/stream"]);
    } finally {
      await peer.close();
    }
  }, 60_000);

  test("each sentence ElevenLabs fails to speak is counted as an ElevenLabs error (loopback peer)", async () => {
    const peer = startElevenLabsPeer({ apiKey: "xi-1" });
    const counted: string[] = [];
    try {
      const config = { ELEVENLABS_API_KEY: "xi-wrong", ELEVENLABS_VOICE_ID: "v", ELEVENLABS_API_URL: peer.baseUrl };
      const { voice } = chooseVoice(config, { ...quiet, metrics: { vendorError: (v) => counted.push(v) } });
      const error = await (async () => {
        for await (const _ of voice.speak("Hello.")) {
        }
      })().catch((e: Error) => e.message);
      expect(error).toContain("ELEVENLABS_API_KEY");
      expect(counted).toEqual(["elevenlabs"]);
    } finally {
      await peer.close();
    }
  }, 60_000);

  test("ELEVENLABS_API_URL must be an http(s) URL, or start-up stops naming it", () => {
    const parsed = parseConfig({ ELEVENLABS_API_URL: "wss://api.elevenlabs.io" });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain("ELEVENLABS_API_URL");
  });
});

describe("the Integrations page names the voice that really speaks", () => {
  let repos: Repositories;
  beforeAll(async () => {
    repos = await freshPglite();
  }, 30_000);
  afterAll(async () => repos?.close());

  const voiceRow = async (env: Record<string, string>) => {
    const world = buildTestApp(repos, {}, { env });
    const staff = await aStaffUser(world.deps, `admin-${crypto.randomUUID()}@handy.example`);
    const browser = testBrowser(world.app);
    await browser.logIn(staff.email, staff.password);
    const { html } = await browser.page("/settings/integrations");
    const at = html.indexOf(">ElevenLabs<");
    expect(at).toBeGreaterThan(-1);
    return html.slice(at, at + 1500);
  };

  test("with a key but no voice id it does not claim ElevenLabs is in use", async () => {
    const row = await voiceRow({ ELEVENLABS_API_KEY: "xi-1" });
    expect(row).toContain("offline voice (espeak-ng)");
    expect(row).toContain("ELEVENLABS_VOICE_ID is not set");
  });

  test("with no key it says the offline voice speaks", async () => {
    const row = await voiceRow({});
    expect(row).toContain("offline voice (espeak-ng) speaks outbound calls");
  });

  test("with both it names the ElevenLabs voice", async () => {
    const row = await voiceRow({ ELEVENLABS_API_KEY: "xi-1", ELEVENLABS_VOICE_ID: "voice-9" });
    expect(row).toContain("ElevenLabs voice voice-9 speaks outbound calls");
  });
});
