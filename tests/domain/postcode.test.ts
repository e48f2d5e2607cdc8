import { expect, test } from "bun:test";
import { normalisePostcode } from "../../src/domain/postcode.ts";

test.each([
  ["nw16xe", "NW1 6XE"],
  ["NW1 6XE", "NW1 6XE"],
  ["CF10 1EP", "CF10 1EP"],
  ["cf101ep", "CF10 1EP"],
  ["SW1A 1AA", "SW1A 1AA"],
  [" sw1a  1aa ", "SW1A 1AA"],
  ["EC1A1BB", "EC1A 1BB"],
  ["W1A 0AX", "W1A 0AX"],
  ["M1 1AE", "M1 1AE"],
  ["B33 8TH", "B33 8TH"],
])("%p → %p", (input, written) => {
  expect(normalisePostcode(input)).toEqual({ ok: true, value: written });
});

test("a blank postcode asks for one", () => {
  expect(normalisePostcode("  ")).toEqual({ ok: false, reason: "invalid_postcode", message: "Enter a postcode." });
});

test.each(["NW1 6X", "nw1-6xe", "12345", "SW1A 1AAA", "hello", "NW1 6XE X", "1NW 6XE"])("refuses %p", (bad) => {
  expect(normalisePostcode(bad)).toEqual({
    ok: false,
    reason: "invalid_postcode",
    message: `"${bad}" is not a UK postcode.`,
  });
});
