import { describe, expect, test } from "bun:test";
import { leadMergeOrder, mergedLeadDetails } from "../../src/domain/lead-merge.ts";
import type { Lead } from "../../src/domain/leads.ts";
import type { E164 } from "../../src/domain/phone.ts";

const aLead = (fields: Partial<Lead> = {}): Lead => ({
  id: crypto.randomUUID(),
  name: null,
  organisation: null,
  phone: null,
  email: null,
  address: null,
  postcode: null,
  segment: "unknown",
  source: "whatsapp",
  status: "new",
  notes: null,
  createdAt: new Date("2026-11-27T10:00:00Z"),
  updatedAt: new Date("2026-11-27T10:00:00Z"),
  ...fields,
});

describe("which of two leads of one person survives", () => {
  test("the lead with the number survives the lead known only by a WhatsApp user id", () => {
    const aliasLead = aLead({ name: "Priya" });
    const caller = aLead({ phone: "+447700900321" as E164, source: "phone" });
    expect(leadMergeOrder(aliasLead, caller)).toEqual({ survivor: caller, absorbed: aliasLead });
  });

  test("the alias holder with a number survives a new lead without one", () => {
    const holder = aLead({ phone: "+447700900321" as E164 });
    const created = aLead();
    expect(leadMergeOrder(holder, created)).toEqual({ survivor: holder, absorbed: created });
  });

  test("between two without a number, the one already holding the alias stays (a racing delivery made the other)", () => {
    const holder = aLead();
    const created = aLead();
    expect(leadMergeOrder(holder, created)).toEqual({ survivor: holder, absorbed: created });
  });

  test("two numbers are two leads, and a lead is never merged into itself", () => {
    expect(
      leadMergeOrder(aLead({ phone: "+447700900001" as E164 }), aLead({ phone: "+447700900002" as E164 })),
    ).toBeNull();
    const lead = aLead();
    expect(leadMergeOrder(lead, lead)).toBeNull();
  });
});

describe("which details the surviving lead keeps", () => {
  test("the survivor's own entries win; its blanks are filled from the absorbed lead", () => {
    const survivor = aLead({ phone: "+447700900321" as E164, address: "5 Elm Road", postcode: "E1 6AN" });
    const absorbed = aLead({
      name: "Priya",
      address: "9 Other Street",
      email: "priya@example.com",
      notes: "Has a dog",
    });
    expect(mergedLeadDetails(survivor, absorbed)).toEqual({
      name: "Priya",
      email: "priya@example.com",
      notes: "Has a dog",
    });
  });

  test("an unknown segment takes the absorbed lead's known one; a known segment stays", () => {
    expect(mergedLeadDetails(aLead({ segment: "unknown" }), aLead({ segment: "landlord" }))).toEqual({
      segment: "landlord",
    });
    expect(mergedLeadDetails(aLead({ segment: "tenant" }), aLead({ segment: "landlord" }))).toEqual({});
  });

  test("nothing to fill changes nothing; the number and the status never move", () => {
    const survivor = aLead({ name: "Sarah", phone: "+447700900321" as E164, status: "new" });
    const absorbed = aLead({ phone: "+447700900999" as E164, status: "won" });
    expect(mergedLeadDetails(survivor, absorbed)).toEqual({});
  });
});
