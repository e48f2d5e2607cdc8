import { describe, expect, test } from "bun:test";
import {
  callerDetailsForLead,
  callerMatch,
  mismatchSentence,
  onFileNeeded,
  sameName,
  sameOrganisation,
  type CallerSays,
  type OnFile,
} from "../../src/domain/caller-match.ts";

const says = (fields: Partial<CallerSays>): CallerSays => ({
  name: null,
  organisation: null,
  address: null,
  postcode: null,
  ...fields,
});

const priya: OnFile = {
  lead: {
    name: "Priya Shah",
    organisation: "Shah Lettings",
    address: "Flat 3, 41 Cathedral Road, Cardiff",
    postcode: "CF11 9HB",
    segment: "letting_agent",
  },
  contacts: [],
  sitePostcodes: [],
};

const sarah: OnFile = {
  lead: { name: "Sarah Jones", organisation: null, address: "12 Baker Street", postcode: "NW1 6XE", segment: "tenant" },
  contacts: [],
  sitePostcodes: ["NW1 6XE"],
};

describe("sameName: two names that can be one person", () => {
  test("case, punctuation, accents and extra spaces do not matter", () => {
    expect(sameName("david patel", "David Patel")).toBe(true);
    expect(sameName("  DAVID   PATEL. ", "David Patel")).toBe(true);
    expect(sameName("Siobhan O'Brien", "Siobhán OBrien")).toBe(true);
    expect(sameName("Anne-Marie Smith-Jones", "anne marie smith jones")).toBe(true);
  });

  test("a first name alone agrees with the full name; a different surname does not", () => {
    expect(sameName("David", "David Patel")).toBe(true);
    expect(sameName("David Patel", "David")).toBe(true);
    expect(sameName("David Patel", "David Okafor")).toBe(false);
  });

  test("different first names never agree", () => {
    expect(sameName("David Patel", "Priya Shah")).toBe(false);
    expect(sameName("David", "Priya Shah")).toBe(false);
    expect(sameName("Priya Patel", "Priya Shah")).toBe(false);
  });

  test("an initial agrees with the name it starts; a title with a surname is compared by surname", () => {
    expect(sameName("P. Shah", "Priya Shah")).toBe(true);
    expect(sameName("D Shah", "Priya Shah")).toBe(false);
    expect(sameName("Mrs Shah", "Priya Shah")).toBe(true);
    expect(sameName("Mr Patel", "Priya Shah")).toBe(false);
    expect(sameName("Dr Priya Shah", "Priya Shah")).toBe(true);
  });

  test("nothing to compare is not a match", () => {
    expect(sameName("", "Priya Shah")).toBe(false);
    expect(sameName("...", "Priya Shah")).toBe(false);
  });
});

describe("sameOrganisation", () => {
  test("Ltd, case and punctuation aside", () => {
    expect(sameOrganisation("Shah Lettings Ltd.", "shah lettings")).toBe(true);
    expect(sameOrganisation("Patel Properties", "Shah Lettings")).toBe(false);
  });
});

describe("callerMatch: is the caller the number's lead?", () => {
  test("the shipped landlord call on Priya Shah's number: a mismatch by name", () => {
    const david = says({ name: "David Patel", address: "45 Park Lane, Croydon", postcode: "CR0 1YY" });
    expect(callerMatch(david, priya)).toEqual({ matches: false, reason: "name" });
  });

  test("the lead's own name, in any form, matches", () => {
    expect(callerMatch(says({ name: "priya" }), priya)).toEqual({ matches: true });
    expect(callerMatch(says({ name: "PRIYA SHAH" }), priya)).toEqual({ matches: true });
  });

  test("a contact already kept on the lead matches", () => {
    const withDavid = { ...priya, contacts: [{ name: "David Patel" }] };
    expect(callerMatch(says({ name: "David Patel" }), withDavid)).toEqual({ matches: true });
    expect(callerMatch(says({ name: "David" }), withDavid)).toEqual({ matches: true });
    expect(callerMatch(says({ name: "David Okafor" }), withDavid)).toEqual({ matches: false, reason: "name" });
  });

  test("a lead with nothing to compare (a number first heard on this call) always matches", () => {
    const unnamed: OnFile = {
      lead: { name: null, organisation: null, address: null, postcode: null, segment: "unknown" },
      contacts: [],
      sitePostcodes: [],
    };
    expect(callerMatch(says({ name: "David Patel", postcode: "CR0 1YY" }), unnamed)).toEqual({ matches: true });
  });

  test("no name given: an organisation decides, else nothing does", () => {
    expect(callerMatch(says({ organisation: "Patel Properties" }), priya)).toEqual({
      matches: false,
      reason: "organisation",
    });
    expect(callerMatch(says({ organisation: "Shah Lettings Ltd" }), priya)).toEqual({ matches: true });
    expect(callerMatch(says({}), priya)).toEqual({ matches: true });
  });

  test("a letting agent calling about another site is the everyday case, not a new caller", () => {
    expect(callerMatch(says({ postcode: "CR0 1YY" }), priya)).toEqual({ matches: true });
  });

  test("a tenant's number, no name, a site that is neither theirs nor any of their jobs': a mismatch by site", () => {
    expect(callerMatch(says({ address: "45 Park Lane", postcode: "CR0 1YY" }), sarah)).toEqual({
      matches: false,
      reason: "site",
    });
    expect(callerMatch(says({ postcode: "nw16xe" }), sarah)).toEqual({ matches: true });
    expect(callerMatch(says({ postcode: "E1 6AN" }), { ...sarah, sitePostcodes: ["E1 6AN"] })).toEqual({
      matches: true,
    });
    // The tenant's own name settles it, wherever the job is.
    expect(callerMatch(says({ name: "Sarah", postcode: "CR0 1YY" }), sarah)).toEqual({ matches: true });
  });
});

describe("what staff read", () => {
  test("the notice names the caller and the number's holder", () => {
    expect(mismatchSentence(says({ name: "David Patel" }), "name", priya.lead)).toBe(
      "Caller says David Patel; this number belongs to Priya Shah, Shah Lettings",
    );
    expect(mismatchSentence(says({ address: "45 Park Lane", postcode: "CR0 1YY" }), "site", sarah.lead)).toBe(
      "Caller gives a site at 45 Park Lane, CR0 1YY; this number belongs to Sarah Jones at 12 Baker Street, NW1 6XE",
    );
  });
});

describe("what of the caller's words may reach the lead filed under", () => {
  const heard: { name: string | null; organisation: string | null; postcode: string } = {
    name: "David Patel",
    organisation: "Patel Properties",
    postcode: "CR0 1YY",
  };
  const pending = {
    state: "pending" as const,
    says: says({ name: "David Patel" }),
    reason: "name" as const,
    leadId: "lead",
    notice: "…",
    filingHeld: false,
  };
  const resolved = (choice: "same" | "contact" | "different") => ({
    state: "resolved" as const,
    says: says({ name: "David Patel" }),
    reason: "name" as const,
    choice,
    fromLeadId: "a",
    leadId: "b",
    notice: "…",
    outcome: "…",
  });

  test("all of it when nothing was in doubt or staff chose the lead", () => {
    expect(callerDetailsForLead(null, heard)).toEqual(heard);
    expect(callerDetailsForLead(resolved("different"), heard)).toEqual(heard);
    expect(callerDetailsForLead(resolved("same"), heard)).toEqual(heard);
  });

  test("never the name while unconfirmed, nor when the caller is another contact at the number", () => {
    expect(callerDetailsForLead(pending, heard)).toEqual({ name: null, organisation: null, postcode: "CR0 1YY" });
    expect(callerDetailsForLead(resolved("contact"), heard)).toEqual({
      name: null,
      organisation: null,
      postcode: "CR0 1YY",
    });
  });
});

describe("what a caller check needs to read", () => {
  test("nothing for no name, organisation or postcode; contacts for a name; sites for a postcode alone", () => {
    expect(onFileNeeded(says({ address: "12 Baker Street" }))).toEqual({ lead: false, contacts: false, sites: false });
    expect(onFileNeeded(says({ name: "David Patel", postcode: "CR0 1YY" }))).toEqual({
      lead: true,
      contacts: true,
      sites: false,
    });
    expect(onFileNeeded(says({ postcode: "CR0 1YY" }))).toEqual({ lead: true, contacts: false, sites: true });
    expect(onFileNeeded(says({ organisation: "Shah Lettings" }))).toEqual({
      lead: true,
      contacts: false,
      sites: false,
    });
  });
});
