import { expect, test } from "bun:test";
import { extractByRules } from "../../src/adapters/local/rules-extractor/index.ts";
import { jobTitle, TITLE_MAX } from "../../src/adapters/local/rules-extractor/job-title.ts";
import { issueTitle } from "../../src/domain/extraction/call-intake.ts";
import { withCorrections } from "../../src/domain/extraction/extraction.ts";
import { loadLabelledCalls } from "./labelled-set.ts";

const main = new Map(loadLabelledCalls("main").map((call) => [call.id, call.transcript]));
const titleOf = (id: string) => {
  const transcript = main.get(id);
  if (!transcript) throw new Error(`no labelled call ${id}`);
  return issueTitle(extractByRules(transcript));
};

test.each([
  ["02-burst-pipe-agent", "Burst pipe, water through ceiling"],
  ["01-boiler-leak-tenant", "Boiler leaking, no heating"],
  ["05-sparking-socket-tenant", "Sparking socket, burning smell"],
  ["06-locked-out-homeowner", "Locked out"],
  ["19-prompt-injection-tap", "Dripping tap"],
  ["07-dental-practice-drain", "Blocked drain"],
  ["10-cracked-window-tenant", "Broken window"],
  ["24-foxtons-locks", "Lost keys, locks changed"],
  // The sentence chosen says nothing of the problem ("Like out of the actual light fitting"): the rest of the call does.
  ["30-water-light-fitting", "Water from light fitting"],
])("the job from %p is titled %p, not with the caller's sentence", (id, title) => {
  expect(titleOf(id)).toBe(title);
});

test("every labelled call that describes a job gets a title of at most 60 characters, never the caller's long sentence", () => {
  for (const set of ["main", "held-out", "blind"] as const) {
    for (const call of loadLabelledCalls(set)) {
      const extraction = extractByRules(call.transcript);
      if (!extraction.summary) continue;
      const title = issueTitle(extraction);
      expect(title.length, `${call.id}: ${title}`).toBeLessThanOrEqual(TITLE_MAX);
      expect(title.length, `${call.id}: ${title}`).toBeGreaterThan(3);
      if (extraction.summary.length > TITLE_MAX) expect(title).not.toBe(extraction.summary);
    }
  }
});

test("a problem the vocabulary does not know keeps the sentence's first clause that says it, cut at a word", () => {
  expect(jobTitle("Hello, the kitchen tap at 12 Baker Street NW1 6XE has been dripping all night")).toBe(
    "Dripping tap",
  );
  expect(jobTitle("The back gate at 4 Mill Lane LS8 3ET won't latch any more")).toBe("Back gate won't latch any more");
  expect(jobTitle("Good morning, my name is Arthur Pemberton, the porch roof is sagging")).toBe(
    "Porch roof is sagging",
  );
  expect(jobTitle("I've got a wasps' nest in the loft, they're everywhere")).toBe("Wasps' nest in the loft");
  const long = "The conservatory roof panel above the patio doors is rattling in the wind all day long";
  const title = jobTitle(long)!;
  expect(title.length).toBeLessThanOrEqual(TITLE_MAX);
  expect(long.toLowerCase()).toContain(title.toLowerCase());
  expect(title.endsWith(" ")).toBe(false);
});

test("staff's own summary wins over the title read from the caller's words", () => {
  const extraction = extractByRules(main.get("02-burst-pipe-agent")!);
  const corrected = withCorrections(extraction, { summary: "Leak from the flat above" });
  expect(issueTitle(corrected)).toBe("Leak from the flat above");
});
