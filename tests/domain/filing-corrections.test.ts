import { describe, expect, test } from "bun:test";
import { emptyExtraction, type Extraction } from "../../src/domain/extraction/extraction.ts";
import {
  filingDetails,
  givenCorrections,
  issueCorrection,
  leadCorrection,
} from "../../src/domain/extraction/filing-corrections.ts";
import { correctField } from "../../src/domain/extraction/corrections.ts";
import type { Issue } from "../../src/domain/issues.ts";
import type { Lead } from "../../src/domain/leads.ts";
import type { E164 } from "../../src/domain/phone.ts";

const TODAY = new Date("2026-12-03T10:00:00Z");
const anExtraction = (fields: Partial<Extraction>): Extraction => ({ ...emptyExtraction("rules"), ...fields });
const aLead = (fields: Partial<Lead> = {}): Lead => ({
  id: "lead-1",
  name: "Priya Shah",
  organisation: null,
  phone: "+447700900123" as E164,
  email: null,
  address: "4 Mill Lane, Leeds",
  postcode: "LS1 4AP",
  segment: "landlord",
  source: "phone",
  status: "new",
  notes: null,
  createdAt: TODAY,
  updatedAt: TODAY,
  ...fields,
});
const anIssue = (fields: Partial<Issue> = {}): Issue => ({
  id: "issue-1",
  leadId: "lead-1",
  sourceCallId: null,
  title: "Boiler leaking",
  description: "Boiler leaking in the kitchen",
  category: "heating",
  urgency: "routine",
  address: "12 Baker Street, London",
  postcode: "NW1 6XE",
  accessNotes: "Key with the neighbour at 14",
  status: "open",
  createdAt: TODAY,
  updatedAt: TODAY,
  ...fields,
});

describe("the details a call is filed with", () => {
  test("a correction wins over what the extractor heard, field by field; the rest is the extraction's", () => {
    const filed = filingDetails(
      anExtraction({ name: "Sarah Jones", postcode: "NW1 6XE", urgency: "routine" }),
      { name: "Sara Jones", urgency: "emergency" },
      "rules",
    );
    expect(filed).toMatchObject({ name: "Sara Jones", urgency: "emergency", postcode: "NW1 6XE" });
    expect(filed.confidence.name).toBe(1);
  });

  test("a call whose extraction never came is filed with what staff typed", () => {
    const filed = filingDetails(null, { accessNotes: "Gate code 4512", summary: "Leaking tap" }, "rules");
    expect(filed).toMatchObject({
      accessNotes: "Gate code 4512",
      summary: "Leaking tap",
      name: null,
      extractor: "rules",
    });
  });

  test("an emptied field is a correction of the extraction, not a value to file", () => {
    expect(givenCorrections({ name: null, segment: "unknown", accessNotes: "", urgency: "urgent" })).toEqual({
      urgency: "urgent",
    });
    expect(filingDetails(anExtraction({ name: "Misheard Name" }), { name: null }, "rules").name).toBeNull();
  });
});

describe("what the lead learns from corrections", () => {
  test("who the caller is: staff's name, organisation, email and segment replace the lead's", () => {
    const { changes, fields } = leadCorrection(
      aLead({ email: "old@shah.example" }),
      {
        name: "Priya Shah-Patel",
        organisation: "Shah Lettings",
        segment: "letting_agent",
        email: "priya@shahlettings.example",
      },
      TODAY,
    );
    expect(changes).toEqual({
      name: "Priya Shah-Patel",
      organisation: "Shah Lettings",
      email: "priya@shahlettings.example",
      segment: "letting_agent",
    });
    expect(fields).toEqual(["name", "organisation", "email", "segment"]);
  });

  test("an email staff add is checked like the lead form's; the panel offers it though no extractor reads one", () => {
    expect(correctField("email", " priya@shahlettings.example ")).toEqual({
      ok: true,
      value: { field: "email", value: "priya@shahlettings.example" },
    });
    expect(correctField("email", "priya at shah lettings")).toMatchObject({
      ok: false,
      reason: "invalid_correction",
      message: "That is not an email address.",
    });
    expect(correctField("email", "")).toEqual({ ok: true, value: { field: "email", value: null } });
  });

  test("an empty correction never blanks the lead; a value it already has changes nothing", () => {
    expect(leadCorrection(aLead(), { name: null, organisation: "", segment: "unknown" }, TODAY).changes).toEqual({});
    expect(leadCorrection(aLead(), { name: "Priya Shah" }, TODAY).fields).toEqual([]);
  });

  test("the site goes to the lead only when it has no address of its own", () => {
    const site = { address: "12 Baker Street, London", postcode: "NW1 6XE" };
    expect(leadCorrection(aLead(), site, TODAY).changes).toEqual({});
    expect(leadCorrection(aLead({ address: null, postcode: null }), site, TODAY).changes).toEqual(site);
  });

  test("a number staff took is given to a lead without one, and noted on a lead that has another", () => {
    expect(leadCorrection(aLead({ phone: null }), { phone: "+447700900456" }, TODAY).changes).toEqual({
      phone: "+447700900456" as E164,
    });
    const noted = leadCorrection(aLead({ notes: "Prefers email." }), { phone: "+447700900456" }, TODAY);
    expect(noted.fields).toEqual(["notes"]);
    expect(noted.changes.notes).toBe("Prefers email.\nAlso on 07700 900456 (given on a call, 3 Dec 2026).");
  });
});

describe("what an existing job learns from corrections", () => {
  test("staff's urgency, trade and site replace the job's; the job and the way in are added to", () => {
    const { changes, fields } = issueCorrection(anIssue(), {
      urgency: "emergency",
      category: "plumbing",
      address: "12a Baker Street, London",
      summary: "Water now coming through the ceiling",
      accessNotes: "Side gate code 4512",
    });
    expect(changes).toEqual({
      urgency: "emergency",
      category: "plumbing",
      address: "12a Baker Street, London",
      description: "Boiler leaking in the kitchen\nWater now coming through the ceiling",
      accessNotes: "Key with the neighbour at 14\nSide gate code 4512",
    });
    expect(fields).toEqual(["urgency", "category", "address", "description", "accessNotes"]);
  });

  test("a job empty of a detail takes staff's as it is; one that says it already is left alone", () => {
    expect(issueCorrection(anIssue({ accessNotes: null }), { accessNotes: "Gate code 4512" }).changes).toEqual({
      accessNotes: "Gate code 4512",
    });
    expect(issueCorrection(anIssue(), { accessNotes: "key with the neighbour at 14", urgency: "routine" })).toEqual({
      changes: {},
      fields: [],
    });
  });

  test("an emptied correction never blanks the job", () => {
    expect(issueCorrection(anIssue(), { accessNotes: null, summary: null, postcode: null }).changes).toEqual({});
  });
});
