import { describe, expect, test } from "bun:test";
import {
  LEAD_STATUSES,
  changeLeadStatus,
  leadDisplayName,
  leadKeyForPhone,
  leadTransitions,
  validateLead,
  type LeadInput,
  type LeadStatus,
} from "../../src/domain/leads.ts";
import type { E164 } from "../../src/domain/phone.ts";
import { checkTransitionTable } from "./transition-table.ts";

// new → qualified → quoted → won | lost; a quote can go straight out from a first call; a lost
// lead who calls again is reopened as new; won is final (a returning customer gets a new job, not a new sale).
checkTransitionTable<LeadStatus>(
  "lead",
  LEAD_STATUSES,
  {
    new: ["qualified", "quoted", "lost"],
    qualified: ["quoted", "lost"],
    quoted: ["won", "lost", "qualified"],
    won: [],
    lost: ["new"],
  },
  (from, to) => changeLeadStatus({ status: from }, to),
);

test("won is the only final lead status", () => {
  expect(LEAD_STATUSES.filter((s) => leadTransitions[s].length === 0)).toEqual(["won"]);
  expect(changeLeadStatus({ status: "won" }, "lost")).toMatchObject({
    ok: false,
    message: "A lead cannot go from won to lost: won is final.",
  });
});

const aLeadInput = (over: LeadInput = {}): LeadInput => ({ name: "Ann Jones", ...over });

describe("validateLead", () => {
  test("a name alone is enough; the rest defaults to null, unknown segment, manual source", () => {
    expect(validateLead(aLeadInput())).toEqual({
      ok: true,
      value: {
        name: "Ann Jones",
        organisation: null,
        phone: null,
        email: null,
        address: null,
        postcode: null,
        segment: "unknown",
        source: "manual",
        notes: null,
      },
    });
  });

  test("a phone number alone is enough", () => {
    expect(validateLead({ phone: "07700 900123" })).toMatchObject({
      ok: true,
      value: { name: null, phone: "+447700900123" },
    });
  });

  test("normalises: trims, blanks to null, phone to E.164, postcode to its written form", () => {
    const result = validateLead({
      name: "  Ann Jones ",
      organisation: "   ",
      phone: "0044 7700 900123",
      email: " ann@example.com ",
      address: " 1 High Street ",
      postcode: "nw16xe",
      segment: "landlord",
      source: "whatsapp",
      notes: "",
    });
    expect(result).toEqual({
      ok: true,
      value: {
        name: "Ann Jones",
        organisation: null,
        phone: "+447700900123" as E164,
        email: "ann@example.com",
        address: "1 High Street",
        postcode: "NW1 6XE",
        segment: "landlord",
        source: "whatsapp",
        notes: null,
      },
    });
  });

  test("neither a name nor a phone number", () => {
    expect(validateLead({ name: "  ", phone: "", email: "ann@example.com" })).toEqual({
      ok: false,
      reason: "invalid",
      message: "Some fields need attention.",
      errors: { name: "Give a name, an organisation or a phone number." },
    });
  });

  test("a phone number that cannot be dialled is a phone error, not a name error", () => {
    const result = validateLead({ phone: "12" });
    expect(result).toEqual({
      ok: false,
      reason: "invalid",
      message: "Some fields need attention.",
      errors: { phone: '"12" is not a phone number we can dial.' },
    });
    expect("value" in result).toBe(false);
  });

  test("each field's message", () => {
    const result = validateLead({
      name: "x".repeat(201),
      organisation: "o".repeat(201),
      phone: "not a phone",
      email: "ann@example",
      address: "a".repeat(501),
      postcode: "NW1 6X",
      segment: "tenant ",
      source: "carrier pigeon",
      notes: "n".repeat(5001),
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual({
      name: "Keep it to 200 characters or fewer.",
      organisation: "Keep it to 200 characters or fewer.",
      phone: '"not a phone" is not a phone number we can dial.',
      email: "That is not an email address.",
      address: "Keep it to 500 characters or fewer.",
      postcode: '"NW1 6X" is not a UK postcode.',
      source: "Choose one of: phone, whatsapp, sms, web, manual.",
      notes: "Keep it to 5000 characters or fewer.",
    });
  });

  test("segment must be one of the list", () => {
    const result = validateLead(aLeadInput({ segment: "Tenant" }));
    expect(result).toMatchObject({
      ok: false,
      errors: { segment: "Choose one of: tenant, landlord, homeowner, letting_agent, commercial, unknown." },
    });
  });

  test("an email over 200 characters", () => {
    const result = validateLead(aLeadInput({ email: `${"a".repeat(190)}@example.com` }));
    expect(result).toMatchObject({ ok: false, errors: { email: "Keep it to 200 characters or fewer." } });
  });

  test("limits are inclusive and measured after trimming", () => {
    expect(validateLead(aLeadInput({ name: ` ${"x".repeat(200)} ` })).ok).toBe(true);
    expect(validateLead(aLeadInput({ notes: "n".repeat(5000) })).ok).toBe(true);
  });

  test("every segment and source is accepted", () => {
    for (const segment of ["tenant", "landlord", "homeowner", "letting_agent", "commercial", "unknown"]) {
      expect(validateLead(aLeadInput({ segment })).ok).toBe(true);
    }
    for (const source of ["phone", "whatsapp", "sms", "web", "manual"])
      expect(validateLead(aLeadInput({ source })).ok).toBe(true);
  });
});

describe("leadDisplayName", () => {
  test("name, else organisation, else number, else Unknown caller", () => {
    const phone = "+447700900123" as E164;
    expect(leadDisplayName({ name: "Ann", organisation: "Acme Lettings", phone })).toBe("Ann");
    expect(leadDisplayName({ name: null, organisation: "Acme Lettings", phone })).toBe("Acme Lettings");
    expect(leadDisplayName({ name: null, organisation: null, phone })).toBe("07700 900123");
    expect(leadDisplayName({ name: null, organisation: null, phone: null })).toBe("Unknown caller");
  });
});

describe("leadKeyForPhone", () => {
  test("every way of writing one number gives one key", () => {
    const keys = ["07700 900123", "+44 7700 900123", "0044 7700 900123", "+447700900123", "(07700) 900-123"].map(
      leadKeyForPhone,
    );
    for (const key of keys) expect(key).toEqual({ ok: true, value: "+447700900123" as E164 });
  });

  test("refuses a number that cannot be dialled", () => {
    expect(leadKeyForPhone("anonymous")).toEqual({
      ok: false,
      reason: "invalid_phone",
      message: '"anonymous" is not a phone number we can dial.',
    });
  });
});
