import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startDeepgramPeer, type DeepgramPeer, type DeepgramPeerOptions } from "../support/deepgram-peer.ts";
import { startLiveServer, type LiveServer } from "../support/running-server.ts";
import { aStaffUser } from "../support/test-app.ts";
import { toneVoice, type ToneVoice } from "../support/tone-voice.ts";
import type { CustomerReply } from "../../src/compose/app-deps.ts";
import { logIn } from "./helpers.ts";
import {
  aJobWithVisitAndQuote,
  pinCallingClock,
  answer,
  capturingCaller,
  eventually,
  pressCallButton,
} from "./assistant-call-support.ts";

/**
 * The customer answers the assistant by speaking: the server's transcriber is Deepgram (as
 * configured in production) against its loopback peer, which "recognises" the words of a script
 * timed in ms of the customer's audio. Covers the quote follow-up by speech, barge-in (the
 * customer talks over the question: `clear` goes out, the synthesis stops, the assistant listens),
 * the opening line that plays whole whatever is said over it, a cough that cuts nothing, and an
 * opt-out in words.
 */
const KEY = "dg-test-key";
let peerOptions: DeepgramPeerOptions;
let peer: DeepgramPeer;
let server: LiveServer;
let cookie: string;

beforeAll(async () => {
  peerOptions = { apiKey: KEY, script: [] };
  peer = startDeepgramPeer(peerOptions);
  server = await startLiveServer({ DEEPGRAM_API_KEY: KEY, DEEPGRAM_API_URL: peer.url });
  server.deps.assistant = { ...server.deps.assistant, answerWaitMs: 6_000 };
  pinCallingClock(server);
  const staff = await aStaffUser(server.deps);
  cookie = await logIn(server.baseUrl, staff.email, staff.password);
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await peer?.stop();
});

const callOver = (callId: string) =>
  eventually(async () => {
    const call = await server.deps.repos.calls.byId(callId);
    return call?.summary ? call : null;
  });

/** Places the call from `path`, the customer saying `script` (ms of their audio), silent otherwise. */
async function spokenCall(
  path: string,
  script: DeepgramPeerOptions["script"],
  voice: ToneVoice,
  replies: CustomerReply[] = [],
) {
  peerOptions.script = script;
  server.deps.voice = voice;
  const capture = capturingCaller(server);
  const next = capture.next();
  const pressed = await pressCallButton(server, cookie, path);
  expect(pressed.status).toBe(303);
  const customer = await answer(server, await next, replies, 2);
  await customer.ended;
  const call = await callOver(pressed.callId!);
  const transcript = await eventually(async () => {
    const lines = await server.deps.repos.calls.transcript(call.id);
    return lines.some((l) => l.track === "inbound") ? lines : null;
  });
  return { call, customer, transcript };
}

describe("answers by speech, through the transcriber", () => {
  test('quote follow-up: "yes please" texts the link again; the customer\'s words are on the transcript', async () => {
    const { quote } = await aJobWithVisitAndQuote(server);
    const { call, transcript, customer } = await spokenCall(
      `/quotes/${quote.id}/assistant-call`,
      [{ text: "Yes please, text it again.", startMs: 2_800, endMs: 3_400 }],
      toneVoice({ msPerWord: 40 }),
    );
    expect(call.summary).toBe("Assistant: the customer asked for the quote's link again; it was texted.");
    expect((await server.deps.repos.outboundMessages.forQuote(quote.id)).length).toBe(1);
    expect(transcript.find((l) => l.track === "inbound")?.text).toBe("Yes please, text it again.");
    expect(customer.seen.clears).toBe(0);
    expect(call.transcriber).toBe("deepgram");
  }, 30_000);

  test("barge-in: talking over the question clears Twilio's queue, stops the synthesis, and the answer counts", async () => {
    const { visit } = await aJobWithVisitAndQuote(server);
    // A voice still making its sentence (30 ms a frame: 0.6 s for the opening, 1.5 s for the
    // question) when the customer cuts in, during the question (the opening has played by 1.2 s
    // of their audio, which runs at twice real time).
    const voice = toneVoice({ msPerWord: 40, msPerFrame: 30 });
    const { call, customer, transcript } = await spokenCall(
      `/visits/${visit.id}/assistant-call`,
      [{ text: "Sorry, another time please.", startMs: 1_800, endMs: 2_600 }],
      voice,
    );
    expect(customer.seen.clears).toBeGreaterThanOrEqual(1);
    // The line being made when the customer cut in was abandoned part-way: no more of it was made.
    const cut = voice.requests.find((r) => r.aborted);
    expect(cut).toBeDefined();
    expect(cut!.frames).toBeLessThan(Math.round((cut!.text.split(/\s+/).length * 40) / 20));
    // Nothing more of the question was said after the cut: the next line is the closing.
    const after = voice.requests.slice(voice.requests.indexOf(cut!) + 1).map((r) => r.text);
    expect(after).toEqual(["Thank you. The office will be in touch to find another time. Goodbye."]);
    // The line is on the transcript as far as it went out, marked so (a line not begun is not there).
    if (cut!.frames > 0)
      expect(transcript.some((l) => l.track === "outbound" && l.text === `${cut!.text} [cut short]`)).toBe(true);
    expect(call.summary).toBe("Assistant: the customer asked for another time; please rebook.");
    const visitNow = (await server.deps.repos.appointments.byId(visit.id))!;
    expect(visitNow.status).toBe("booked");
    expect(visitNow.changeRequestedAt).not.toBeNull();
  }, 30_000);

  test("barge-in with a fast voice: what Twilio still held is dropped unplayed", async () => {
    const { visit } = await aJobWithVisitAndQuote(server);
    // The whole question is made at once and queued at Twilio: the clear must drop the rest.
    // The opening (10 words, 0.4 s) has played by then; the question (1 s) plays on until 1.4 s.
    const { call, customer } = await spokenCall(
      `/visits/${visit.id}/assistant-call`,
      [{ text: "Another time please.", startMs: 600, endMs: 1_200 }],
      toneVoice({ msPerWord: 40 }),
    );
    expect(customer.seen.clears).toBeGreaterThanOrEqual(1);
    expect(customer.seen.dropped).toBeGreaterThan(0);
    expect(customer.seen.played).toBeLessThan(customer.seen.media);
    expect(call.summary).toBe("Assistant: the customer asked for another time; please rebook.");
  }, 30_000);

  test('opt-out in words: "please stop calling me"', async () => {
    const { visit } = await aJobWithVisitAndQuote(server);
    const { call } = await spokenCall(
      `/visits/${visit.id}/assistant-call`,
      [{ text: "Please stop calling me.", startMs: 2_800, endMs: 3_500 }],
      toneVoice({ msPerWord: 40 }),
    );
    expect(call.summary).toBe("Assistant: the customer asked not to be called again.");
    const audit = await server.deps.repos.audit.forEntity("call", call.id);
    expect(audit.find((e) => e.what === "assistant call: opted out")?.details).toMatchObject({ how: "speech" });
    expect((await server.deps.repos.appointments.byId(visit.id))!.status).toBe("booked");
  }, 30_000);
});

describe("what does not cut the assistant short", () => {
  test("the opening line (the automated-assistant disclosure) plays whole while the customer talks over it; their words are kept", async () => {
    const { visit } = await aJobWithVisitAndQuote(server);
    // A slow speaker: the opening (10 words) lasts 1.5 s of audio, and the customer's words are
    // heard well inside it, whenever the assistant started.
    const voice = toneVoice({ msPerWord: 150 });
    const { call, customer, transcript } = await spokenCall(
      `/visits/${visit.id}/assistant-call`,
      // Over the opening: "Hello? Yes, who is this?", a long interim and a "yes" among it.
      [{ text: "Hello? Yes, who is this?", startMs: 200, endMs: 900 }],
      voice,
      [{ digit: "1" }],
    );
    expect(customer.seen.clears).toBe(0);
    expect(customer.seen.dropped).toBe(0);
    expect(customer.seen.marks.slice(0, 2)).toEqual(["opening", "turn-1"]);
    // Heard and kept, on the transcript; the "yes" in it did not answer a question not yet asked.
    expect(transcript.find((l) => l.track === "inbound")?.text).toBe("Hello? Yes, who is this?");
    const opening = transcript.find((l) => l.track === "outbound")!;
    expect(opening.text).toBe(`Hello, this is an automated assistant calling for ${server.deps.settings.companyName}.`);
    expect(voice.requests.some((r) => r.aborted)).toBe(false);
    // The key pressed after the question is the answer.
    expect(call.summary).toBe("Assistant: the customer confirmed the visit.");
    const audit = await server.deps.repos.audit.forEntity("call", call.id);
    expect(audit.find((e) => e.what === "assistant call: yes")?.details).toMatchObject({ how: "dtmf" });
  }, 30_000);

  test("a cough during the question (one short sound) does not clear it", async () => {
    const { visit } = await aJobWithVisitAndQuote(server);
    const { call, customer } = await spokenCall(
      `/visits/${visit.id}/assistant-call`,
      // The question plays from 0.4 s to 1.4 s of audio.
      [{ text: "Uh.", startMs: 700, endMs: 900 }],
      toneVoice({ msPerWord: 40 }),
      [{ digit: "1" }],
    );
    expect(customer.seen.clears).toBe(0);
    expect(customer.seen.played).toBe(customer.seen.media);
    expect(call.summary).toBe("Assistant: the customer confirmed the visit.");
  }, 30_000);
});
