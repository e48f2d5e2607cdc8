import { describe, expect, test } from "bun:test";
import { understand } from "../../../src/domain/assistant/answers.ts";
import { fixedLines, SCRIPTS } from "../../../src/domain/assistant/scripts.ts";
import {
  answerConversation,
  startConversation,
  type Conversation,
} from "../../../src/domain/assistant/conversation.ts";

const context = { companyName: "Handy Leeds", firstName: "Sarah", about: "Monday 30 November, 10 am to 12 pm" };

describe("what the customer meant", () => {
  test.each([
    [{ digit: "1" }, "yes"],
    [{ digit: "2" }, "no"],
    [{ digit: "9" }, "stop"],
    [{ digit: "5" }, "unclear"],
    [{ speech: "Yes, that's fine." }, "yes"],
    [{ speech: "yeah go ahead" }, "yes"],
    [{ speech: "Could we do another time?" }, "no"],
    [{ speech: "I'd like to change it" }, "no"],
    [{ speech: "Please stop calling me." }, "stop"],
    [{ speech: "No. Don't call me again" }, "stop"],
    [{ speech: "sorry, what was that" }, "unclear"],
    [{ speech: "yes… no, hang on" }, "unclear"],
  ] as const)("%j is %s", (heard, answer) => {
    expect(understand(heard)).toBe(answer);
  });
});

describe("the visit confirmation conversation", () => {
  test("opens by saying it is an automated assistant for the company, then asks", () => {
    const turn = startConversation("visit_confirmation", context);
    expect(turn.say[0]).toBe("Hello, this is an automated assistant calling for Handy Leeds.");
    expect(turn.say[1]).toStartWith("Sarah, we have booked your visit for");
    expect(turn.say[1]).toContain("Monday 30 November, 10 am to 12 pm");
    expect(turn.say[1]).toContain('Press 1 or say yes to confirm; 2 or "another time" to change it.');
    expect(turn.conversation).toEqual({ script: "visit_confirmation", state: "asking", misunderstood: 0 });
    expect(turn.outcome).toBeNull();
  });

  test.each([
    ["yes", "yes"],
    ["no", "no"],
    ["stop", "opted_out"],
  ] as const)("%s ends it with %s and a closing line", (answer, outcome) => {
    const turn = answerConversation(startConversation("visit_confirmation", context).conversation, answer);
    expect(turn.outcome).toBe(outcome);
    expect(turn.conversation.state).toBe("over");
    expect(turn.say).toHaveLength(1);
  });

  test("one answer not understood is asked again; the second hands over", () => {
    const first = answerConversation(startConversation("visit_confirmation", context).conversation, "unclear");
    expect(first.outcome).toBeNull();
    expect(first.say[0]).toStartWith("Sorry, I didn't catch that.");
    expect(first.conversation).toEqual({ script: "visit_confirmation", state: "asking", misunderstood: 1 });
    const second = answerConversation(first.conversation, "unclear");
    expect(second.outcome).toBe("handed_over");
    expect(second.say[0]).toContain("Someone from the office will call you back");
  });

  test("a clear answer after a retry still counts", () => {
    const retried = answerConversation(startConversation("visit_confirmation", context).conversation, "unclear");
    expect(answerConversation(retried.conversation, "yes").outcome).toBe("yes");
  });

  test("after the end nothing changes", () => {
    const over: Conversation = { script: "visit_confirmation", state: "over", outcome: "yes" };
    expect(answerConversation(over, "no")).toEqual({ conversation: over, say: [], outcome: null });
  });
});

describe("the quote follow-up conversation", () => {
  test("asks whether to text the link again", () => {
    const turn = startConversation("quote_follow_up", { ...context, firstName: null, about: "Leaking radiator valve" });
    expect(turn.say[0]).toBe("Hello, this is an automated assistant calling for Handy Leeds.");
    expect(turn.say[1]).toContain("Leaking radiator valve");
    expect(turn.say[1]).toContain("Shall we text the link again?");
    expect(answerConversation(turn.conversation, "yes").say[0]).toContain("texted the link");
  });
});

describe("the lines made ahead", () => {
  test("the opening names no customer, so it is the same on every call and is among the fixed lines", () => {
    const lines = fixedLines("Handy Leeds");
    const opening = startConversation("quote_follow_up", context).say[0]!;
    expect(lines).toContain(opening);
    expect(opening).not.toContain("Sarah");
    expect(lines.every((line) => !line.includes("Sarah"))).toBe(true);
    expect(lines).toContain(SCRIPTS.visit_confirmation.closing.yes);
  });
});
