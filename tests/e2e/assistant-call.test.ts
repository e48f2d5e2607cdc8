import { describe, expect, test } from "bun:test";
import { toneVoice, type ToneVoice } from "../support/tone-voice.ts";
import { noVoiceConfigured } from "../support/no-voice.ts";
import { postSigned } from "../../src/simulator/twilio-wire.ts";
import type { LiveServer } from "../support/running-server.ts";
import { withRunningServer } from "./helpers.ts";
import {
  aJobWithVisitAndQuote,
  answer,
  capturingCaller,
  eventually,
  pinCallingClock,
  pressCallButton,
} from "./assistant-call-support.ts";

/**
 * Assistant calls on the embedded default, end to end over real sockets: staff press "Call with
 * the assistant", the call is stored (outbound, its script and subject), the customer's side
 * (answerAssistantCall: Twilio's bidirectional stream and a customer pressing keys) answers, and
 * the outcome lands: the visit confirmed, the quote's link texted again, an opt-out, a hand-over.
 * The voice is a test tone (tests/support/tone-voice.ts): these tests are about the protocol.
 */
let server: LiveServer;
let cookie: string;
let voice: ToneVoice;
let simulator: LiveServer["deps"]["assistant"];
withRunningServer((s, c) => {
  server = s;
  cookie = c;
  simulator = server.deps.assistant;
  voice = toneVoice({ msPerWord: 40 });
  server.deps.voice = voice;
  server.deps.assistant = { ...server.deps.assistant, answerWaitMs: 4_000 };
  pinCallingClock(server);
});

const callOver = (callId: string) =>
  eventually(async () => {
    const call = await server.deps.repos.calls.byId(callId);
    return call?.summary ? call : null;
  });
const auditFor = async (callId: string) => (await server.deps.repos.audit.forEntity("call", callId)).map((e) => e.what);

describe("visit confirmation by keys", () => {
  test("press 1: the visit is confirmed, both sides are on the transcript, audited", async () => {
    const { visit, lead } = await aJobWithVisitAndQuote(server);
    const capture = capturingCaller(server);
    const next = capture.next();
    const pressed = await pressCallButton(server, cookie, `/visits/${visit.id}/assistant-call`);
    expect(pressed.status).toBe(303);
    const placed = await next;
    expect(placed.call.streamUrl).toBe(`${server.baseUrl.replace("http", "ws")}/api/twilio/assistant-stream`);
    const customer = await answer(server, placed, [{ digit: "1" }]);
    const ended = await customer.ended;
    expect(ended.byServer).toBe(true);

    const call = await callOver(pressed.callId!);
    expect(call.direction).toBe("outbound");
    expect(call.to).toBe(lead.phone!);
    expect(call.assistant).toEqual({ script: "visit_confirmation", subjectId: visit.id });
    expect(call.summary).toBe("Assistant: the customer confirmed the visit.");
    expect((await server.deps.repos.appointments.byId(visit.id))!.status).toBe("confirmed");
    // Marks: the opening line played whole, the question played, then the closing; the customer heard every frame sent.
    expect(customer.seen.marks).toEqual(["opening", "turn-1", "turn-2"]);
    expect(customer.seen.clears).toBe(0);
    expect(customer.seen.played).toBe(customer.seen.media);

    const transcript = await eventually(async () => {
      const lines = await server.deps.repos.calls.transcript(call.id);
      return lines.length >= 3 ? lines : null;
    });
    expect(transcript.every((line) => line.track === "outbound")).toBe(true);
    expect(transcript[0]!.text).toBe(
      `Hello, this is an automated assistant calling for ${server.deps.settings.companyName}.`,
    );
    expect(transcript[2]!.text).toContain("your visit is confirmed");
    expect(transcript[1]!.startMs).toBeGreaterThanOrEqual(transcript[0]!.endMs - 40);
    expect(await auditFor(call.id)).toEqual(expect.arrayContaining(["assistant call placed", "assistant call: yes"]));

    // The live page says who spoke.
    const page = await (await fetch(`${server.baseUrl}/calls/${call.id}`, { headers: { Cookie: cookie } })).text();
    expect(page).toContain("Assistant call to");
    expect(page).toContain('<span class="speaker">Assistant:</span> Hello, this is an automated assistant');
    expect(page).toContain('<span class="speaker">Assistant:</span> Sarah, we have booked your visit');
    const list = await (await fetch(`${server.baseUrl}/calls`, { headers: { Cookie: cookie } })).text();
    expect(list).toContain(`href="/calls/${call.id}"`);
    expect(list).toContain("assistant call");
  }, 30_000);

  test("two answers not understood: hand-over, a note on the call and a follow-up on the dashboard", async () => {
    const { visit, lead } = await aJobWithVisitAndQuote(server);
    const capture = capturingCaller(server);
    const next = capture.next();
    const pressed = await pressCallButton(server, cookie, `/visits/${visit.id}/assistant-call`);
    const customer = await answer(server, await next, [{ digit: "5" }, { digit: "7" }]);
    await customer.ended;
    const call = await callOver(pressed.callId!);
    expect(call.summary).toStartWith("Assistant handed over");
    expect((await server.deps.repos.appointments.byId(visit.id))!.status).toBe("booked");
    const followUps = await server.deps.repos.missedCalls.open(50);
    expect(followUps.find((f) => f.callId === call.id)?.note).toStartWith("Assistant handed over");
    // The opening, then question, retry, hand-over line: three turns.
    expect(customer.seen.marks).toEqual(["opening", "turn-1", "turn-2", "turn-3"]);
    expect(voice.requests.some((r) => r.text.startsWith("Sorry, I didn't catch that."))).toBe(true);
    expect(await auditFor(call.id)).toContain("assistant call: handed over");
    const timeline = await server.deps.repos.timeline.forLead(lead.id);
    expect(timeline.find((e) => e.kind === "call" && e.id === call.id)?.detail).toStartWith("Assistant handed over");
    const dashboardList = await (await fetch(`${server.baseUrl}/missed-calls`, { headers: { Cookie: cookie } })).text();
    expect(dashboardList).toContain("Assistant handed over");
  }, 30_000);

  test("press 9: the customer opts out for good (on the register, audited), the visit is left alone, and the assistant never rings them again", async () => {
    const { visit, lead } = await aJobWithVisitAndQuote(server);
    const capture = capturingCaller(server);
    const next = capture.next();
    const pressed = await pressCallButton(server, cookie, `/visits/${visit.id}/assistant-call`);
    await (await answer(server, await next, [{ digit: "9" }])).ended;
    const call = await callOver(pressed.callId!);
    expect(await server.deps.repos.callConsent.optOutFor(lead.phone!)).toMatchObject({
      source: "pressed_9",
      callId: call.id,
    });
    expect(call.summary).toBe("Assistant: the customer asked not to be called again.");
    expect((await server.deps.repos.appointments.byId(visit.id))!.status).toBe("booked");
    const again = await pressCallButton(server, cookie, `/visits/${visit.id}/assistant-call`);
    expect(again.status).toBe(409);
    expect(again.text).toContain("opted out");
  }, 30_000);
});

describe("quote follow-up by keys", () => {
  test("press 1: the quote's link is texted again through the outbox", async () => {
    const { quote, lead } = await aJobWithVisitAndQuote(server);
    const before = (await server.deps.repos.outboundMessages.forQuote(quote.id)).length;
    const capture = capturingCaller(server);
    const next = capture.next();
    const pressed = await pressCallButton(server, cookie, `/quotes/${quote.id}/assistant-call`);
    expect(pressed.status).toBe(303);
    await (await answer(server, await next, [{ digit: "1" }])).ended;
    const call = await callOver(pressed.callId!);
    expect(call.assistant).toEqual({ script: "quote_follow_up", subjectId: quote.id });
    expect(call.summary).toBe("Assistant: the customer asked for the quote's link again; it was texted.");
    const messages = await server.deps.repos.outboundMessages.forQuote(quote.id);
    expect(messages.length).toBe(before + 1);
    expect(messages.every((m) => m.to === lead.phone && m.body.includes(`/q/${quote.token}`))).toBe(true);
  }, 30_000);
});

describe("the call simulator answers on the embedded default", () => {
  test.each([
    ["press:1", "Assistant: the customer confirmed the visit.", null],
    [
      "say:another time please",
      "Assistant: the customer asked for another time; please rebook.",
      "another time please",
    ],
  ] as const)(
    "reply %s: placed, answered, streamed and completed as Twilio would",
    async (reply, summary, words) => {
      server.deps.assistant = { ...simulator, answerWaitMs: 4_000 };
      const { visit } = await aJobWithVisitAndQuote(server);
      const pressed = await pressCallButton(server, cookie, `/visits/${visit.id}/assistant-call`, reply);
      expect(pressed.status).toBe(303);
      const call = await eventually(async () => {
        const now = await server.deps.repos.calls.byId(pressed.callId!);
        return now?.status === "completed" && now.summary ? now : null;
      }, 20_000);
      expect(call.summary).toBe(summary);
      expect(call.providerCallId).toMatch(/^CA[0-9a-f]{32}$/);
      expect(call.answeredAt).not.toBeNull();
      const transcript = await server.deps.repos.calls.transcript(call.id);
      expect(transcript.find((l) => l.track === "inbound")?.text ?? null).toBe(words);
      // Words on the embedded default are a demo transcript, and say so.
      if (words) expect(call.transcriber).toBe("demo transcript");
      expect(await auditFor(call.id)).toContain("assistant call placed");
      expect(server.logs.some((l) => l.msg === "assistant call placed" && l.via === "call simulator")).toBe(true);
    },
    30_000,
  );
});

describe("the pages", () => {
  test("the buttons show where there is something to ask; staff key in the simulated customer's answer on the call page", async () => {
    server.deps.assistant = { ...simulator, answerWaitMs: 8_000 };
    const { visit, quote, issue, lead } = await aJobWithVisitAndQuote(server);
    const page = async (path: string) =>
      (await fetch(`${server.baseUrl}${path}`, { headers: { Cookie: cookie } })).text();
    expect(await page(`/issues/${issue.id}`)).toContain(`action="/visits/${visit.id}/assistant-call"`);
    expect(await page(`/quotes/${quote.id}`)).toContain(`action="/quotes/${quote.id}/assistant-call"`);
    const leadPage = await page(`/leads/${lead.id}`);
    expect(leadPage).toContain(`action="/leads/${lead.id}/assistant-call"`);
    expect(leadPage).toContain('<option value="press:9">');

    // No reply picked: the simulator answers and waits for staff to key one in.
    const pressed = await pressCallButton(server, cookie, `/leads/${lead.id}/assistant-call`);
    expect(pressed.status).toBe(303);
    const callPage = await eventually(async () => {
      const html = await page(`/calls/${pressed.callId}`);
      return html.includes("Simulated customer") && server.deps.assistant.simulator?.customer(pressed.callId!)
        ? html
        : null;
    });
    expect(callPage).toContain(`action="/calls/${pressed.callId}/simulated-customer"`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(callPage)![1]!;
    const keyIn = (fields: Record<string, string>) =>
      fetch(`${server.baseUrl}/calls/${pressed.callId}/simulated-customer`, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Origin: server.baseUrl,
          "Sec-Fetch-Site": "same-origin",
          Cookie: cookie,
          "X-CSRF-Token": csrf,
        },
        body: new URLSearchParams(fields).toString(),
      });
    expect((await keyIn({ digit: "x" })).status).toBe(422);
    expect((await keyIn({ digit: "1" })).status).toBe(204);
    const call = await callOver(pressed.callId!);
    expect(call.assistant).toEqual({ script: "visit_confirmation", subjectId: visit.id });
    expect(call.summary).toBe("Assistant: the customer confirmed the visit.");
    await eventually(async () => (await server.deps.repos.calls.byId(call.id))?.status === "completed");
    expect((await keyIn({ digit: "1" })).status).toBe(409);
  }, 30_000);
});

describe("nobody answers", () => {
  test("Twilio reports no-answer: the call ends so, and no missed-call follow-up or apology text is made", async () => {
    const { visit } = await aJobWithVisitAndQuote(server);
    const capture = capturingCaller(server);
    const next = capture.next();
    const pressed = await pressCallButton(server, cookie, `/visits/${visit.id}/assistant-call`);
    const placed = await next;
    await eventually(async () => (await server.deps.repos.calls.byProviderId(placed.callSid)) ?? null);
    const response = await postSigned(placed.call.statusCallback, server.deps.twilio.authToken, {
      CallSid: placed.callSid,
      AccountSid: `AC${"0".repeat(32)}`,
      From: "+441130000000",
      To: placed.call.to,
      CallStatus: "no-answer",
      Direction: "outbound-api",
      ApiVersion: "2010-04-01",
    });
    expect(response.status).toBe(204);
    expect((await server.deps.repos.calls.byId(pressed.callId!))!.status).toBe("no-answer");
    expect((await server.deps.repos.missedCalls.open(100)).some((m) => m.callId === pressed.callId)).toBe(false);
  }, 30_000);
});

describe("the customer hangs up", () => {
  test("before answering: the call says so, audited, and the visit is left as it was", async () => {
    const { visit } = await aJobWithVisitAndQuote(server);
    const capture = capturingCaller(server);
    const next = capture.next();
    const pressed = await pressCallButton(server, cookie, `/visits/${visit.id}/assistant-call`);
    const customer = await answer(server, await next, []);
    await Bun.sleep(300);
    await customer.hangUp();
    const call = await callOver(pressed.callId!);
    expect(call.summary).toBe("Assistant: the call ended before the customer answered.");
    expect(await auditFor(call.id)).toContain("assistant call ended without an answer");
    expect((await server.deps.repos.appointments.byId(visit.id))!.status).toBe("booked");
  }, 30_000);
});

describe("no voice configured", () => {
  test("the assistant cannot speak: it hands over at once and hangs up, never staying silent on the line", async () => {
    const { visit } = await aJobWithVisitAndQuote(server);
    server.deps.voice = noVoiceConfigured;
    try {
      const capture = capturingCaller(server);
      const next = capture.next();
      const pressed = await pressCallButton(server, cookie, `/visits/${visit.id}/assistant-call`);
      const customer = await answer(server, await next, []);
      expect((await customer.ended).byServer).toBe(true);
      expect(customer.seen.media).toBe(0);
      expect((await callOver(pressed.callId!)).summary).toStartWith("Assistant handed over");
    } finally {
      server.deps.voice = voice;
    }
  }, 30_000);
});

describe("refusals", () => {
  test("a visit already confirmed, an unknown quote, a lead with nothing to ask: 4xx with the reason, nothing stored", async () => {
    const { visit, lead, quote } = await aJobWithVisitAndQuote(server);
    await server.deps.repos.appointments.setStatus(visit.id, "confirmed", { who: "test" });
    expect((await server.deps.repos.quotes.setStatus(quote.id, "declined")).ok).toBe(true);
    const calls = (await server.deps.repos.calls.forLead(lead.id)).length;
    const confirmed = await pressCallButton(server, cookie, `/visits/${visit.id}/assistant-call`);
    expect(confirmed.status).toBe(409);
    expect(confirmed.text).toContain("not yet confirmed");
    const unknown = await pressCallButton(server, cookie, `/quotes/${crypto.randomUUID()}/assistant-call`);
    expect(unknown.status).toBe(404);
    const nothing = await pressCallButton(server, cookie, `/leads/${lead.id}/assistant-call`);
    expect(nothing.status).toBe(409);
    expect(nothing.text).toContain("no visit to confirm and no sent quote");
    const badReply = await pressCallButton(server, cookie, `/visits/${visit.id}/assistant-call`, "shout:hello");
    expect(badReply.status).toBe(422);
    expect((await server.deps.repos.calls.forLead(lead.id)).length).toBe(calls);
  }, 30_000);
});
