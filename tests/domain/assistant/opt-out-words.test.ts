import { describe, expect, test } from "bun:test";
import { heardOptOut, pressedOptOut } from "../../../src/domain/assistant/opt-out-words.ts";

describe("what counts as an opt-out on an assistant call", () => {
  test.each([
    "Stop calling me.",
    "please stop ringing this number",
    "Can you just stop the calls",
    "don't call me again",
    "Do not ring me, I'll ring you",
    "Take me off your list",
    "remove my number please",
    "I want to opt out",
    "unsubscribe",
    "No more calls, thanks",
    "Don’t phone me again", // a curly apostrophe, as transcribers write it
    "no no don't call me again", // no punctuation, as transcribers often leave it
  ])("heard: %p", (said) => {
    expect(heardOptOut(said)).toBe("said_stop");
  });

  test.each([
    "Yes, Tuesday is fine",
    "Another time please",
    "Stop. Let me get a pen",
    "I'm not asking you to stop calling",
    "please don't stop calling about the boiler",
    "call me back after five",
    "",
  ])("not heard: %p", (said) => {
    expect(heardOptOut(said)).toBeNull();
  });

  test("9 on the keypad, and no other key", () => {
    expect(pressedOptOut("9")).toBe("pressed_9");
    for (const digit of ["1", "2", "0", "#", "*", "99"]) expect(pressedOptOut(digit)).toBeNull();
  });
});
