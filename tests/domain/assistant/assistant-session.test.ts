import { describe, expect, test } from "bun:test";
import pino from "pino";
import {
  createAssistantSession,
  OPENING_MARK,
  type AssistantLine,
} from "../../../src/domain/assistant/assistant-session.ts";
import type { Outcome } from "../../../src/domain/assistant/conversation.ts";
import { toneVoice } from "../../support/tone-voice.ts";

/**
 * The assistant's turn-taking on its own: what it sends down the line (frames, marks, clears),
 * when it listens, and barge-in, with the test tone as its voice and the line recorded.
 */
function aSession(options: { msPerFrame?: number; answerWaitMs?: number } = {}) {
  const sent: string[] = [];
  const line: AssistantLine = {
    play: () => void (sent.at(-1) === "media" ? null : sent.push("media")),
    mark: (name) => void sent.push(`mark ${name}`),
    clear: () => void sent.push("clear"),
    hangUp: () => void sent.push("hang up"),
  };
  const voice = toneVoice({ msPerWord: 40, msPerFrame: options.msPerFrame });
  const outcomes: { outcome: Outcome; how: string | null }[] = [];
  const said: string[] = [];
  const latencies: number[] = [];
  const session = createAssistantSession(
    {
      voice,
      line,
      log: pino({ level: "silent" }),
      streamMs: () => 0,
      said: (text) => void said.push(text),
      finished: async (outcome, how) => void outcomes.push({ outcome, how }),
      turnLatency: (ms) => void latencies.push(ms),
      answerWaitMs: options.answerWaitMs ?? 60_000,
    },
    "visit_confirmation",
    { companyName: "Handy Leeds", firstName: "Sarah", about: "Monday 30 November, 10 am to 12 pm" },
  );
  return { session, sent, voice, outcomes, said, latencies };
}

const settle = () => Bun.sleep(30);
/** Waits until the opening line has gone out (its mark sent) and the question is being made. */
async function questionStarted(sent: string[]) {
  const mark = `mark ${OPENING_MARK}`;
  for (let i = 0; i < 400 && !(sent.includes(mark) && sent.at(-1) === "media"); i++) await Bun.sleep(5);
  expect(sent.slice(sent.indexOf(mark))).toEqual([mark, "media"]);
}

describe("the assistant's turns", () => {
  test("says the opening and the question, marks the turn, and listens once the mark comes back", async () => {
    const { session, sent, said } = aSession();
    session.start();
    for (let i = 0; i < 200 && !sent.includes("mark turn-1"); i++) await Bun.sleep(5);
    // A mark after the opening line (to know the disclosure has played whole), one after the turn.
    expect(sent).toEqual(["media", `mark ${OPENING_MARK}`, "media", "mark turn-1"]);
    expect(said[0]).toBe("Hello, this is an automated assistant calling for Handy Leeds.");
    expect(session.state).toBe("speaking");
    session.markPlayed(OPENING_MARK);
    expect(session.state).toBe("speaking");
    session.markPlayed("turn-1");
    expect(session.state).toBe("listening");
  });

  test("an answer: the outcome at once, the closing line, and the call ends when it has played", async () => {
    const { session, sent, outcomes, latencies } = aSession();
    session.start();
    await settle();
    session.markPlayed(OPENING_MARK);
    session.markPlayed("turn-1");
    session.dtmf("1");
    await settle();
    expect(outcomes).toEqual([{ outcome: "yes", how: "dtmf" }]);
    expect(latencies).toHaveLength(1);
    expect(sent.slice(4)).toEqual(["media", "mark turn-2"]);
    expect(sent).not.toContain("hang up");
    session.markPlayed("turn-2");
    expect(sent.at(-1)).toBe("hang up");
    expect(session.state).toBe("over");
  });

  test("a stale mark (from audio cleared) changes nothing", async () => {
    const { session } = aSession();
    session.start();
    await settle();
    session.markPlayed("turn-7");
    expect(session.state).toBe("speaking");
  });

  test("barge-in: speech during the question clears the line and aborts the synthesis; the final answer counts", async () => {
    const { session, sent, voice, outcomes } = aSession({ msPerFrame: 20 });
    session.start();
    await questionStarted(sent);
    session.markPlayed(OPENING_MARK);
    session.heard("another time", false, 300);
    expect(sent.at(-1)).toBe("clear");
    expect(session.state).toBe("listening");
    expect(session.bargeIns).toBe(1);
    await settle();
    expect(voice.requests.some((r) => r.aborted)).toBe(true);
    // No more of the interrupted turn: no mark for it went out.
    expect(sent).not.toContain("mark turn-1");
    session.heard("another time please", true);
    await settle();
    expect(outcomes).toEqual([{ outcome: "no", how: "speech" }]);
  });

  test("silence: asked again once, then handed over", async () => {
    const { session, outcomes, said } = aSession({ answerWaitMs: 30 });
    session.start();
    await settle();
    session.markPlayed("turn-1");
    await Bun.sleep(60);
    expect(said.at(-1)).toStartWith("Sorry, I didn't catch that.");
    session.markPlayed("turn-2");
    await Bun.sleep(60);
    expect(outcomes).toEqual([{ outcome: "handed_over", how: null }]);
  });

  test("the closing line cannot be barged in on, and answers after the end change nothing", async () => {
    const { session, sent, outcomes } = aSession();
    session.start();
    await settle();
    session.markPlayed(OPENING_MARK);
    session.markPlayed("turn-1");
    session.dtmf("9");
    session.heard("wait", false);
    session.dtmf("1");
    await settle();
    expect(sent).not.toContain("clear");
    expect(outcomes).toEqual([{ outcome: "opted_out", how: "dtmf" }]);
  });
});

describe("the opening line (the automated-assistant disclosure) plays whole", () => {
  test("speech during it neither clears it nor counts as an answer; barge-in applies from the question on", async () => {
    const { session, sent, voice, outcomes } = aSession({ msPerFrame: 20 });
    session.start();
    await Bun.sleep(60);
    // Mid-opening: "Yes, hello?" on picking up, after a long interim.
    session.heard("yes hello who is this", false, 900);
    session.heard("Yes, hello?", true, 900);
    expect(sent).not.toContain("clear");
    expect(session.bargeIns).toBe(0);
    await questionStarted(sent);
    // The opening was made whole, and the question after it.
    expect(voice.requests[0]).toMatchObject({ aborted: false });
    expect(voice.requests[0]!.text).toStartWith("Hello, this is an automated assistant");
    // The opening has gone out but Twilio has not played it all yet: still no barge-in.
    session.heard("sorry who is this", false, 900);
    expect(sent).not.toContain("clear");
    session.markPlayed(OPENING_MARK);
    expect(outcomes).toEqual([]);
    // From the question on, real speech cuts in.
    session.heard("another time", false, 400);
    expect(sent.at(-1)).toBe("clear");
    expect(session.bargeIns).toBe(1);
    expect(session.state).toBe("listening");
  });

  test("a key pressed during it is kept, and acted on once the opening has played", async () => {
    const { session, sent, outcomes } = aSession({ msPerFrame: 20 });
    session.start();
    await Bun.sleep(60);
    session.dtmf("1");
    await questionStarted(sent);
    expect(sent).not.toContain("clear");
    expect(outcomes).toEqual([]);
    session.markPlayed(OPENING_MARK);
    await settle();
    expect(sent).toContain("clear");
    expect(outcomes).toEqual([{ outcome: "yes", how: "dtmf" }]);
  });

  test("an opt-out said during the opening is honoured once the opening has played", async () => {
    const { session, sent, outcomes } = aSession({ msPerFrame: 20 });
    session.start();
    await Bun.sleep(60);
    session.heard("please stop calling me", true, 1_200);
    await questionStarted(sent);
    expect(sent).not.toContain("clear");
    expect(outcomes).toEqual([]);
    session.markPlayed(OPENING_MARK);
    await settle();
    expect(sent).toContain("clear");
    expect(outcomes).toEqual([{ outcome: "opted_out", how: "speech" }]);
  });
});

describe("barge-in needs real speech", () => {
  /** A session whose opening has played and whose question is still being made. */
  async function midQuestion() {
    const s = aSession({ msPerFrame: 20 });
    s.session.start();
    await questionStarted(s.sent);
    s.session.markPlayed(OPENING_MARK);
    return s;
  }

  test("a cough or a murmur (one word, under 600 ms) does not cut the assistant off", async () => {
    const { session, sent, voice } = await midQuestion();
    session.heard("uh", false, 200);
    session.heard("hm", true, 300);
    await settle();
    expect(sent).not.toContain("clear");
    expect(session.bargeIns).toBe(0);
    expect(session.state).toBe("speaking");
    expect(voice.requests.some((r) => r.aborted)).toBe(false);
  });

  test("one word lasting 600 ms does", async () => {
    const { session, sent } = await midQuestion();
    session.heard("well", false, 600);
    expect(sent.at(-1)).toBe("clear");
    expect(session.bargeIns).toBe(1);
  });

  test("a short final answer does, and counts", async () => {
    const { session, sent, outcomes } = await midQuestion();
    session.heard("Yes.", true, 300);
    await settle();
    expect(sent).toContain("clear");
    expect(outcomes).toEqual([{ outcome: "yes", how: "speech" }]);
  });

  test("a key does, and counts", async () => {
    const { session, sent, outcomes } = await midQuestion();
    session.dtmf("2");
    await settle();
    expect(sent).toContain("clear");
    expect(outcomes).toEqual([{ outcome: "no", how: "dtmf" }]);
  });
});
