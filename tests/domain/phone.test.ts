import { describe, expect, test } from "bun:test";
import { DEFAULT_REGION, formatPhone, normalisePhone, type E164 } from "../../src/domain/phone.ts";

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
