import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  credentialsAllowed,
  fetchWithCredentials,
  isMetaMediaHost,
  isTwilioApiHost,
} from "../../src/adapters/credentialed-fetch.ts";
import { createTwilioMediaFetcher } from "../../src/adapters/twilio/sms-sender.ts";
import { createWhatsAppCloudApi } from "../../src/adapters/whatsapp/graph-api.ts";

/** A loopback host that records whether each request carried an Authorization header. */
function recordingPeer(answer: (request: Request) => Response = () => new Response("media")) {
  const seen: { path: string; authorization: string | null }[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request) {
      seen.push({ path: new URL(request.url).pathname, authorization: request.headers.get("Authorization") });
      return answer(request);
    },
  });
  return { server, seen, origin: `http://127.0.0.1:${server.port}` };
}

let vendor: ReturnType<typeof recordingPeer>;
let stranger: ReturnType<typeof recordingPeer>;
beforeAll(() => {
  stranger = recordingPeer();
  vendor = recordingPeer((request) =>
    new URL(request.url).pathname === "/redirected"
      ? Response.redirect(`${stranger.origin}/presigned`, 302)
      : new Response("media"),
  );
});
afterAll(async () => {
  await vendor.server.stop(true);
  await stranger.server.stop(true);
});

describe("which hosts may receive vendor credentials", () => {
  test("Twilio: api.twilio.com and its regional and edge API hosts, nothing else", () => {
    for (const host of ["api.twilio.com", "api.ie1.twilio.com", "api.dublin.ie1.twilio.com"])
      expect(isTwilioApiHost(host)).toBe(true);
    for (const host of [
      "twilio.com",
      "evil.example",
      "api.twilio.com.evil.example",
      "apitwilio.com",
      "media.twiliocdn.com",
    ])
      expect(isTwilioApiHost(host)).toBe(false);
  });

  test("Meta: the Graph API and its media hosts, nothing else", () => {
    for (const host of ["graph.facebook.com", "lookaside.fbsbx.com", "mmg.whatsapp.net"])
      expect(isMetaMediaHost(host)).toBe(true);
    for (const host of ["facebook.com.evil.example", "evilfbsbx.com", "whatsapp.net.evil.example", "evil.example"])
      expect(isMetaMediaHost(host)).toBe(false);
  });

  test("https only, no user info in the URL, and a loopback origin only when a setting names it", () => {
    const twilio = { vendor: "Twilio", isVendorHost: isTwilioApiHost };
    expect(credentialsAllowed("https://api.twilio.com/2010-04-01/x", twilio).ok).toBe(true);
    expect(credentialsAllowed("http://api.twilio.com/2010-04-01/x", twilio).ok).toBe(false);
    expect(credentialsAllowed("https://user:pw@api.twilio.com/x", twilio).ok).toBe(false);
    expect(credentialsAllowed("http://127.0.0.1:4010/x", twilio).ok).toBe(false);
    expect(credentialsAllowed("http://127.0.0.1:4010/x", { ...twilio, alsoAllow: ["http://127.0.0.1:4010"] }).ok).toBe(
      true,
    );
    expect(credentialsAllowed("not a url", twilio).ok).toBe(false);
  });
});

describe("fetchWithCredentials against loopback peers", () => {
  const hosts = () => ({ vendor: "Twilio", isVendorHost: isTwilioApiHost, alsoAllow: [vendor.origin] });

  test("a refused URL throws before any request: the host never sees the credentials", async () => {
    const before = stranger.seen.length;
    await expect(
      fetchWithCredentials(
        `${stranger.origin}/steal`,
        { Authorization: "Basic c2VjcmV0" },
        hosts(),
        AbortSignal.timeout(5_000),
      ),
    ).rejects.toThrow(`not sending the Twilio credentials to 127.0.0.1:${stranger.server.port}`);
    expect(stranger.seen.length).toBe(before);
  });

  test("an allowed host gets them, and a redirect elsewhere is followed without them", async () => {
    const response = await fetchWithCredentials(
      `${vendor.origin}/redirected`,
      { Authorization: "Basic c2VjcmV0" },
      hosts(),
      AbortSignal.timeout(5_000),
    );
    expect(await response.text()).toBe("media");
    expect(vendor.seen.at(-1)).toEqual({ path: "/redirected", authorization: "Basic c2VjcmV0" });
    expect(stranger.seen.at(-1)).toEqual({ path: "/presigned", authorization: null });
  });

  test("Twilio MMS media: a MediaUrl off Twilio's hosts is refused, unless a setting names its origin", async () => {
    const before = stranger.seen.length;
    const fetcher = createTwilioMediaFetcher({ accountSid: "AC1", authToken: "token" });
    await expect(fetcher(`${stranger.origin}/Media/ME1`, 1_000)).rejects.toThrow("not sending the Twilio credentials");
    expect(stranger.seen.length).toBe(before);
    const trusting = createTwilioMediaFetcher(
      { accountSid: "AC1", authToken: "token" },
      { alsoAllow: [vendor.origin] },
    );
    expect((await trusting(`${vendor.origin}/Media/ME1`, 1_000)).bytes.byteLength).toBe(5);
  });

  test("WhatsApp media: the token goes to the configured API base, never to another host", async () => {
    const whatsapp = createWhatsAppCloudApi({ accessToken: "EAA-token", phoneNumberId: "1", baseUrl: vendor.origin });
    const before = stranger.seen.length;
    await expect(whatsapp.download(`${stranger.origin}/media/1`, 1_000)).rejects.toThrow(
      "not sending the WhatsApp credentials",
    );
    expect(stranger.seen.length).toBe(before);
    expect((await whatsapp.download(`${vendor.origin}/media/1`, 1_000)).bytes.byteLength).toBe(5);
    expect(vendor.seen.at(-1)).toEqual({ path: "/media/1", authorization: "Bearer EAA-token" });
  });
});
