import { expect, test } from "bun:test";
import { extractByRules } from "../../src/adapters/local/rules-extractor/index.ts";
import { emptyExtraction, extractedDetails, withCorrections } from "../../src/domain/extraction/extraction.ts";
import { missingIntakeDetails } from "../../src/domain/extraction/intake.ts";
import { DEFAULT_SAFETY_RULES, safetyAdvice, type SafetyRule } from "../../src/domain/extraction/safety.ts";

const anExtraction = (changes: Partial<ReturnType<typeof emptyExtraction>> = {}) => {
  const base = emptyExtraction("rules");
  const filled = {
    ...base,
    name: "Sarah Jones",
    address: "12 Baker Street",
    postcode: "NW1 6XE",
    urgency: "urgent" as const,
    category: "heating" as const,
    summary: "Boiler leaking",
    accessNotes: "Home all day",
    phone: "+447700900123",
    confidence: Object.fromEntries(Object.keys(base.confidence).map((k) => [k, 0.9])) as typeof base.confidence,
  };
  return { ...filled, ...changes };
};

test("nothing said yet: every intake detail is missing, in the order staff ask", () => {
  expect(missingIntakeDetails(emptyExtraction("rules")).map((m) => m.detail)).toEqual([
    "name",
    "site_address",
    "job",
    "urgency",
    "access",
    "callback",
  ]);
});

test("a full intake misses nothing; the caller's own number serves as the callback number", () => {
  expect(missingIntakeDetails(anExtraction())).toEqual([]);
  expect(missingIntakeDetails(anExtraction({ phone: null }), { callerNumber: "+447700900123" })).toEqual([]);
  expect(missingIntakeDetails(anExtraction({ phone: null }), { callerNumber: "" }).map((m) => m.detail)).toEqual([
    "callback",
  ]);
});

test("an address without its postcode still asks for the postcode; a low-confidence guess still asks", () => {
  expect(missingIntakeDetails(anExtraction({ postcode: null }))).toEqual([
    { detail: "site_address", ask: "Ask for the postcode of the site." },
  ]);
  const guessed = anExtraction();
  guessed.confidence.urgency = 0.3;
  expect(missingIntakeDetails(guessed).map((m) => m.detail)).toEqual(["urgency"]);
});

test("the boiler call, read by the rules, still needs access details", () => {
  const extraction = extractByRules({
    lines: [
      {
        speaker: "caller",
        text: "Hi Tom, my name is Sarah Jones. I'm a tenant at 12 Baker Street, London, N W 1, 6 X E.",
      },
      { speaker: "caller", text: "My boiler is leaking water all over the kitchen floor. It's quite urgent." },
    ],
  });
  expect(missingIntakeDetails(extraction, { callerNumber: "+447700900123" }).map((m) => m.detail)).toEqual(["access"]);
});

test("a gas smell gets the National Gas Emergency number", () => {
  const [advice, ...rest] = safetyAdvice("Hiya, I think I can smell gas in the kitchen, it's really strong.");
  expect(rest).toEqual([]);
  expect(advice).toMatchObject({ ruleId: "gas", danger: "Gas smell", heard: "smell gas" });
  expect(advice!.advice).toContain("Leave the property, don't use switches or flames");
  expect(advice!.advice).toContain("0800 111 999");
});

test.each([
  ["The socket behind the telly just sparked and there's a burning smell.", "electrical-burning"],
  ["There's water dripping out of the light fitting in the kitchen.", "water-electrics"],
  ["My dad is eighty-seven and there's no heating at all.", "no-heating-vulnerable"],
  ["The ceiling has come down in the bathroom.", "ceiling-collapse"],
  ["The carbon monoxide alarm keeps going off.", "carbon-monoxide"],
])("%p → %p", (said, rule) => {
  expect(safetyAdvice(said).map((a) => a.ruleId)).toContain(rule);
});

test("dangers that were denied, or no danger at all, give no advice", () => {
  expect(safetyAdvice("No, there's no burning smell, nothing like that.")).toEqual([]);
  expect(safetyAdvice("I can't smell gas any more.")).toEqual([]);
  expect(safetyAdvice("There's no heating, but it's just me and I'm fine.")).toEqual([]);
  expect(safetyAdvice("The kitchen tap is dripping.")).toEqual([]);
});

test("the company's own rules replace the defaults", () => {
  const rules: SafetyRule[] = [
    ...DEFAULT_SAFETY_RULES,
    {
      id: "asbestos",
      danger: "Possible asbestos",
      anyOf: ["artex", "asbestos"],
      advice: "Don't drill or sand it; we'll test it first.",
    },
  ];
  expect(safetyAdvice("The old artex ceiling is cracking", rules)).toEqual([
    {
      ruleId: "asbestos",
      danger: "Possible asbestos",
      advice: "Don't drill or sand it; we'll test it first.",
      heard: "artex",
    },
  ]);
});

test("staff corrections win over a later extraction, with full confidence", () => {
  const later = anExtraction({ name: "Sara Jones" });
  const corrected = withCorrections(later, { name: "Sarah Jones", postcode: null });
  expect(corrected.name).toBe("Sarah Jones");
  expect(corrected.postcode).toBeNull();
  expect(corrected.confidence.name).toBe(1);
  expect(corrected.category).toBe("heating");
  expect(later.name).toBe("Sara Jones");
});

test("the details printed and shown are the eleven keys of the extraction", () => {
  expect(Object.keys(extractedDetails(anExtraction()))).toEqual([
    "name",
    "organisation",
    "phone",
    "address",
    "postcode",
    "urgency",
    "category",
    "summary",
    "accessNotes",
    "segment",
    "confidence",
  ]);
});
