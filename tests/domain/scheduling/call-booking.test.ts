import { describe, expect, test } from "bun:test";
import { jobUpdatesFrom } from "../../../src/domain/extraction/call-intake.ts";
import { emptyExtraction, type Extraction } from "../../../src/domain/extraction/extraction.ts";
import type { Issue } from "../../../src/domain/issues.ts";
import { callSlotNeeds } from "../../../src/domain/scheduling/call-booking.ts";

const NOW = new Date("2026-11-27T10:00:00Z");
const heard = (fields: Partial<Extraction>): Extraction => ({ ...emptyExtraction("rules"), ...fields });
const aJob = (fields: Partial<Issue> = {}): Issue => ({
  id: "issue-1",
  leadId: "lead-1",
  sourceCallId: "call-1",
  title: "Boiler leaking",
  description: null,
  category: "heating",
  urgency: "routine",
  address: "12 Baker Street, London",
  postcode: "NW1 6XE",
  accessNotes: null,
  status: "scheduled",
  createdAt: NOW,
  updatedAt: NOW,
  ...fields,
});

describe("what a live call needs before slots are offered", () => {
  test("a trade and a postcode, from the call's details until it has a job, then from the job", () => {
    expect(callSlotNeeds(null, null)).toEqual({ ok: false, missing: ["trade", "postcode"] });
    expect(callSlotNeeds(heard({ category: "plumbing" }), null)).toEqual({ ok: false, missing: ["postcode"] });
    expect(callSlotNeeds(heard({ postcode: "LS6 1AB" }), null)).toEqual({ ok: false, missing: ["trade"] });
    expect(callSlotNeeds(heard({ category: "plumbing", postcode: "LS6 1AB" }), null)).toEqual({
      ok: true,
      trade: "plumbing",
      postcode: "LS6 1AB",
    });
    // The job is what gets the visit: its trade and site win over what the caller says later.
    expect(callSlotNeeds(heard({ category: "plumbing", postcode: "LS6 1AB" }), aJob())).toEqual({
      ok: true,
      trade: "heating",
      postcode: "NW1 6XE",
    });
    expect(callSlotNeeds(heard({ postcode: "LS6 1AB" }), aJob({ postcode: null }))).toEqual({
      ok: false,
      missing: ["postcode"],
    });
  });
});

describe("what a job opened mid-call learns when the call is filed", () => {
  test("the details it lacks and a raised urgency; nothing it holds is overwritten", () => {
    const later = heard({
      summary: "Boiler leaking, no heating",
      accessNotes: "Side gate",
      urgency: "urgent",
      address: "12 Baker St",
    });
    expect(jobUpdatesFrom(aJob(), later)).toEqual({
      description: "Boiler leaking, no heating",
      accessNotes: "Side gate",
      urgency: "urgent",
    });
    expect(
      jobUpdatesFrom(aJob({ description: "Staff wrote this", accessNotes: "Key at 14", urgency: "emergency" }), later),
    ).toEqual({});
  });
});
