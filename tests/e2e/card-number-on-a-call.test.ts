/**
 * A caller reads a card number aloud on a call, through the running server: the Deepgram adapter
 * (configured by DEEPGRAM_API_KEY and DEEPGRAM_API_URL, as in production) against its loopback
 * peer transcribes it (once in one line, once split across two by a pause), and no full number reaches the database, the call page, the live stream or
 * the log. The call is flagged; with no Twilio account, the page says no recording pause happened.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { SHIPPED_FIXTURES_DIR } from "../../src/fixtures.ts";
import { playCall } from "../../src/simulator/play-call.ts";
import { startDeepgramPeer, type DeepgramPeer } from "../support/deepgram-peer.ts";
import { startLiveServer, type LiveServer } from "../support/running-server.ts";
import { aStaffUser } from "../support/test-app.ts";
import { logIn, openEvents, type SseClient } from "./helpers.ts";

const KEY = "dg-card-key";
const CARD_SPOKEN = "four two four two four two four two four two four two four two four two";
const script = [
  { text: `My card number is ${CARD_SPOKEN}.`, startMs: 500, endMs: 6000 },
  {
    text: "The expiry is oh four twenty seven and the security code is seven three seven.",
    startMs: 6500,
    endMs: 11000,
  },
  { text: "Or the other one, 5555 5555 5555 4444.", startMs: 11500, endMs: 14000 },
  { text: "The boiler is leaking at 12 Baker Street.", startMs: 14500, endMs: 18000 },
  // Read again with a pause: the transcriber ends the line mid-number, and no card word is said.
  { text: "It's four two four two four two four two", startMs: 18500, endMs: 21000 },
  { text: "four two four two four two four two, thanks.", startMs: 21500, endMs: 24000 },
];

/** A full card number, written or spoken, or the code and expiry said with it. */
const leaks = (text: string) =>
  [
    /4242[\s,.-]*4242[\s,.-]*4242/,
    /5555[\s,.-]*5555[\s,.-]*5555/,
    /four two four two four two four two four two four two/i,
    /seven three seven/i,
    /oh four twenty seven/i,
  ].filter((pattern) => pattern.test(text));

let peer: DeepgramPeer;
let server: LiveServer;
let cookie: string;

beforeAll(async () => {
  peer = startDeepgramPeer({ apiKey: KEY, script });
  server = await startLiveServer({ DEEPGRAM_API_KEY: KEY, DEEPGRAM_API_URL: peer.url });
  const staff = await aStaffUser(server.deps);
  cookie = await logIn(server.baseUrl, staff.email, staff.password);
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await peer?.stop();
});

test("a card number read aloud: masked in the database, the page, the live stream and the log; the call is flagged", async () => {
  let sse: Promise<SseClient> | null = null;
  const result = await playCall({
    baseUrl: server.baseUrl,
    authToken: server.deps.twilio.authToken,
    fixtureDir: join(SHIPPED_FIXTURES_DIR, "boiler-leak-tenant"),
    speed: 10,
    log: (event) => {
      if (event.type === "answered") sse = openEvents(`${server.baseUrl}/calls/${event.callId}/events`, cookie, "0");
    },
  });
  const viewer = await sse!;
  await viewer.waitFor((e) => e.event === "filed", 30_000);
  viewer.close();
  const callId = result.callId!;

  // The peer really heard and sent the number: what the server kept is the masked form.
  expect(peer.connections.flatMap((c) => c.finals).join(" ")).toContain(CARD_SPOKEN);
  const transcript = await server.deps.repos.calls.transcript(callId);
  const texts = transcript.map((s) => s.text);
  expect(texts).toContainEqual("My card number is •••• 4242.");
  expect(texts).toContainEqual("The expiry is ••• and the security code is •••.");
  expect(texts).toContainEqual("Or the other one, •••• 4444.");
  expect(texts).toContainEqual("The boiler is leaking at 12 Baker Street.");
  expect(texts).toContainEqual("••••, thanks.");
  const call = await server.deps.repos.calls.byId(callId);
  expect(call?.cardDataHeardAt).toBeInstanceOf(Date);
  const audit = await server.deps.repos.audit.forEntity("call", callId);
  expect(audit.map((a) => a.what)).toContainEqual(expect.stringContaining("card number heard"));
  expect(leaks(JSON.stringify({ transcript, call, audit }))).toEqual([]);

  const streamed = viewer.events.map((e) => e.data).join("\n");
  expect(streamed).toContain("card details removed");
  expect(streamed).toContain("No recording pause happened");
  expect(leaks(streamed)).toEqual([]);

  const page = await (await fetch(`${server.baseUrl}/calls/${callId}`, { headers: { Cookie: cookie } })).text();
  expect(page).toContain("•••• 4242");
  expect(page).toContain("card details removed");
  expect(page).toContain("Card details were heard on this call");
  expect(leaks(page)).toEqual([]);
  const list = await (await fetch(`${server.baseUrl}/calls`, { headers: { Cookie: cookie } })).text();
  expect(list).toContain("card data in recording");

  expect(server.logs.length).toBeGreaterThan(0);
  expect(leaks(JSON.stringify(server.logs))).toEqual([]);
}, 60_000);
