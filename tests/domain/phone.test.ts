import { describe, expect, test } from "bun:test";
import { correctField } from "../../src/domain/extraction/corrections.ts";
import {
  canReceiveTexts,
  DEFAULT_REGION,
  formatPhone,
  normalisePhone,
  phoneFromCarrier,
  phoneLine,
  type E164,
} from "../../src/domain/phone.ts";

describe("normalisePhone", () => {
  test("the default region is the UK", () => {
    expect(DEFAULT_REGION).toBe("GB");
  });

  test.each([
    ["07700 900123", "+447700900123"], // UK mobile as people write it
    ["+44 7700 900123", "+447700900123"], // international form
    ["0044 7700 900123", "+447700900123"], // UK international dialling prefix
    ["+44 (0)7700 900123", "+447700900123"], // the "(0)" people add
    ["07700-900-123", "+447700900123"],
    ["  07700900123  ", "+447700900123"],
    ["(020) 7946 0000", "+442079460000"], // London landline
    ["029 2018 0000", "+442920180000"], // Cardiff landline
    ["0800 123 4567", "+448001234567"], // freephone
    ["+447700900123", "+447700900123"], // already E.164, as Twilio sends it
    ["+1 415 555 2671", "+14155552671"], // stays American, not read as UK
    ["+33 1 23 45 67 89", "+33123456789"], // French
  ])("%p → %p", (input, e164) => {
    expect(normalisePhone(input)).toEqual({ ok: true, value: e164 as E164 });
  });

  test("a blank number asks for one", () => {
    for (const blank of ["", "   "]) {
      expect(normalisePhone(blank)).toEqual({ ok: false, reason: "invalid_phone", message: "Enter a phone number." });
    }
  });

  test.each([
    "hello",
    "123",
    "+44",
    "07700 9001234567", // too long
    "anonymous", // how Twilio reports a withheld number
    "+266696687", // Twilio's placeholder for an unknown caller
    "1-800-FLOWERS",
    "££££",
  ])("refuses %p and quotes it back", (garbage) => {
    expect(normalisePhone(garbage)).toEqual({
      ok: false,
      reason: "invalid_phone",
      message: `"${garbage}" is not a phone number we can dial.`,
    });
  });

  test.each([
    ["07700 90012", "UK number"], // a digit short: the right length for some UK numbers, valid for none
    ["020 7946 055", "UK number"],
    ["+33 0 12 34 56 78", "number in France"],
    ["+353 99 123 4567", "number in Ireland"],
    ["+61 4 1234 567", "number in Australia"], // no country of its own: the calling code's main one
  ])("refuses %p, which has a plausible length but is not valid for its country", (input, what) => {
    expect(normalisePhone(input)).toEqual({
      ok: false,
      reason: "invalid_phone",
      message: `"${input}" is not a valid ${what}: check the digits.`,
    });
  });

  test.each([
    ["07700 900123", "+447700900123"], // mobile
    ["01632 960123", "+441632960123"], // fictional area code
    ["0113 496 0123", "+441134960123"], // Leeds
    ["028 9649 6123", "+442896496123"], // Belfast
  ])("accepts Ofcom's drama number %p, which libphonenumber does not list", (input, e164) => {
    expect(normalisePhone(input)).toEqual({ ok: true, value: e164 as E164 });
  });

  test("a staff correction of the caller's number is held to the same rule", () => {
    expect(correctField("phone", "07700 90012")).toMatchObject({ ok: false, reason: "invalid_correction" });
    expect(correctField("phone", "07700 900123")).toEqual({
      ok: true,
      value: { field: "phone", value: "+447700900123" },
    });
  });

  test("the quoted input is trimmed", () => {
    expect(normalisePhone("  hello ")).toMatchObject({ message: '"hello" is not a phone number we can dial.' });
  });
});

describe("formatPhone", () => {
  test.each([
    ["+447700900123", "07700 900123"], // Ofcom drama range: not in the metadata, still +44
    ["+447911123456", "07911 123456"],
    ["+442079460000", "020 7946 0000"],
    ["+442920180000", "029 2018 0000"],
    ["+441534123456", "01534 123456"], // Jersey: +44, dialled from the UK as 01534
    ["+14155552671", "+1 415 555 2671"],
    ["+33123456789", "+33 1 23 45 67 89"],
  ])("%p → %p", (e164, shown) => {
    expect(formatPhone(e164)).toBe(shown);
  });

  test("leaves something that is not a number as it is", () => {
    expect(formatPhone("anonymous")).toBe("anonymous");
    expect(formatPhone("")).toBe("");
  });

  test("what it shows reads back to the same number", () => {
    for (const e164 of ["+447700900123", "+442079460000", "+441534123456", "+14155552671"]) {
      expect(normalisePhone(formatPhone(e164))).toEqual({ ok: true, value: e164 as E164 });
    }
  });
});

describe("phoneFromCarrier: numbers the network connected are kept as sent", () => {
  test.each([
    ["+44770090012", "+44770090012"], // not in the metadata; the carrier knows better
    ["+447700900123", "+447700900123"],
    ["+19995552671", "+19995552671"],
  ])("keeps %p", (input, e164) => {
    expect(phoneFromCarrier(input)).toEqual({ ok: true, value: e164 as E164 });
  });

  test.each(["anonymous", "+266696687", ""])("still refuses %p, which is no number at all", (input) => {
    expect(phoneFromCarrier(input)).toMatchObject({ ok: false, reason: "invalid_phone" });
  });
});

describe("phoneLine and canReceiveTexts", () => {
  test.each([
    ["+447911123456", "mobile"],
    ["+447700900123", "mobile"], // drama range, told by Ofcom's table
    ["+442071234567", "landline"], // London
    ["+441611234567", "landline"], // Manchester
    ["+441632960123", "landline"], // drama range
    ["+448001234567", "no_texts"], // freephone
    ["+443001234567", "no_texts"], // 03: non-geographic
    ["+33612345678", "mobile"], // French mobile
    ["+33123456789", "landline"], // Paris
    ["+14155552671", "unknown"], // North America does not say
  ])("%p is %p", (e164, line) => {
    expect(phoneLine(e164)).toBe(line as ReturnType<typeof phoneLine>);
  });

  test("mobiles, and numbers whose kind is unknown, can receive texts", () => {
    for (const e164 of ["+447911123456", "+447700900123", "+33612345678", "+14155552671"])
      expect(canReceiveTexts(e164)).toEqual({ ok: true, value: e164 as E164 });
  });

  test("a landline or service number cannot, and the reason names the number as people write it", () => {
    expect(canReceiveTexts("+442071234567")).toEqual({
      ok: false,
      reason: "cannot_receive_texts",
      message: "This number cannot receive texts (020 7123 4567 is a landline).",
    });
    expect(canReceiveTexts("+448001234567")).toMatchObject({
      message: "This number cannot receive texts (0800 123 4567 is a service number).",
    });
    expect(canReceiveTexts("+33123456789")).toMatchObject({
      message: "This number cannot receive texts (+33 1 23 45 67 89 is a landline).",
    });
  });
});
