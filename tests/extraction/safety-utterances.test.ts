import { expect, test } from "bun:test";
import { callDetails } from "../../src/domain/extraction/call-details.ts";
import { emptyExtraction } from "../../src/domain/extraction/extraction.ts";
import { DEFAULT_SAFETY_RULES, safetyAdvice } from "../../src/domain/extraction/safety.ts";
import { callerUtterances, type Transcript } from "../../src/domain/extraction/transcript.ts";

const WATER = "There's water pouring through the ceiling in the kitchen, it's coming down really fast";
const ELECTRICS = "and my husband says it's all over the floor, so we've turned off the electrics at the box";

/** A call as the transcriber delivers it: the caller's turn split at a pause into two lines. */
const splitTurn: Transcript = {
  lines: [
    { speaker: "staff", text: "Switchboard Property Maintenance, how can I help?" },
    { speaker: "caller", text: WATER },
    { speaker: "caller", text: ELECTRICS },
    { speaker: "staff", text: "Right, stay out of that room." },
  ],
};

const ids = (advice: { ruleId: string }[]) => advice.map((a) => a.ruleId);

test("the caller's consecutive lines are one utterance; staff speaking starts the next", () => {
  expect(callerUtterances(splitTurn)).toEqual([`${WATER}\n${ELECTRICS}`]);
  const interrupted: Transcript = {
    lines: [
      { speaker: "caller", text: "one" },
      { speaker: "staff", text: "yes" },
      { speaker: "caller", text: "two" },
      { speaker: "caller", text: "three" },
    ],
  };
  expect(callerUtterances(interrupted)).toEqual(["one", "two\nthree"]);
});

test("water and electrics far apart in one utterance, across two transcript lines, give the water-and-electrics advice", () => {
  expect(ids(safetyAdvice(callerUtterances(splitTurn)))).toEqual(["water-electrics"]);
  const details = callDetails(
    emptyExtraction("rules"),
    { from: "+447700900123", corrections: {}, correctedBy: {} },
    splitTurn,
    [...DEFAULT_SAFETY_RULES],
  );
  expect(ids(details.safety)).toEqual(["water-electrics"]);
  expect(details.safety[0]!.heard).toBe("water");
});

test("a whole message is one utterance", () => {
  expect(ids(safetyAdvice(`${WATER} ${ELECTRICS}`))).toEqual(["water-electrics"]);
});

test("the two halves in different utterances, far apart, do not pair", () => {
  const apart = [
    "There's water coming through under the back door whenever it rains, it's been going on for weeks now",
    "Oh and while you're here, one of the bedroom light switches has stopped working as well",
  ];
  expect(ids(safetyAdvice(apart))).toEqual([]);
  // Within nearWords they still pair across a staff "uh-huh", as before.
  expect(ids(safetyAdvice(["There's water", "coming out of the light fitting"]))).toEqual(["water-electrics"]);
});
