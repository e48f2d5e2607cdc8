import { expect, test } from "bun:test";
import {
  findPhoneNumbers,
  findPostcodes,
  isPostcodeShape,
  numberWordsToDigits,
  spelledWords,
} from "../../src/domain/extraction/spoken.ts";

const postcodes = (text: string) => findPostcodes(text).map((m) => m.postcode);

test.each([
  ["12 Baker Street, London, N W 1, 6 X E.", "NW1 6XE"],
  ["it's C F 10, 1 E P", "CF10 1EP"],
  ["en double-you one, six ex ee", "NW1 6XE"],
  ["postcode en double-you three, five en ay", "NW3 5NA"],
  ["G for golf, U for uniform, twenty-one, four, Q for quebec, X for x-ray.", "GU21 4QX"],
  ["B as in bravo, S as in sugar, 5, 6 A U", "BS5 6AU"],
  ["D E 22, 3 double N.", "DE22 3NN"],
  ["L S nine, oh D Y", "LS9 0DY"],
  ["C R zero, one Y Y", "CR0 1YY"],
  ["c b one two j l", "CB1 2JL"],
  ["S O one five, three H U", "SO15 3HU"],
  ["Manchester, M14 5TQ.", "M14 5TQ"],
  ["we're at sw1a 1aa", "SW1A 1AA"],
  ["S E twenty-two, eight H D", "SE22 8HD"],
])("spoken %p → %p", (said, written) => {
  expect(postcodes(said)).toEqual([written]);
});

test("a correction gives both, in order; the extractor keeps the last", () => {
  expect(postcodes("S E fifteen, three Q T. Hang on, no, S E twenty-two, eight H D.")).toEqual([
    "SE15 3QT",
    "SE22 8HD",
  ]);
});

test("runs that are not real postcode shapes are ignored", () => {
  expect(postcodes("C R seven, seven J zero")).toEqual([]); // inward code ends in a digit
  expect(postcodes("Q Q 1, 1 A A")).toEqual([]); // no QQ area
  expect(postcodes("A B 1, 1 C I")).toEqual([]); // C and I are never in an inward code
  expect(postcodes("i rent a flat at 14 mill road, it's 2 a m")).toEqual([]);
  expect(postcodes("the code is 1 4 7 2")).toEqual([]);
});

test("isPostcodeShape checks the area as well as the pattern", () => {
  expect(isPostcodeShape("NW16XE")).toBe(true);
  expect(isPostcodeShape("XX16XE")).toBe(false);
  expect(isPostcodeShape("NW16XC")).toBe(false);
});

test.each([
  ["My number is 07700 900318.", "+447700900318"],
  ["oh seven seven double oh, nine double oh, five two six", "+447700900526"],
  ["call me on 0191 496 0555 when", "+441914960555"],
  ["plus four four seven seven double oh nine double oh one two three", "+447700900123"],
  ["zero two zero, seven nine four six, double zero one one", "+442079460011"],
])("phone %p → %p", (said, e164) => {
  expect(findPhoneNumbers(said).map((m) => m.phone)).toEqual([e164]);
});

test("short runs of digits are not phone numbers", () => {
  expect(findPhoneNumbers("the key safe code is 2 2 0 9, flat 12")).toEqual([]);
});

test("number words become digits for house numbers, other words are left", () => {
  expect(numberWordsToDigits("Forty-two Victoria Road")).toBe("42 Victoria Road");
  expect(numberWordsToDigits("one hundred and one Lordship Lane")).toBe("101 Lordship Lane");
  expect(numberWordsToDigits("twelve Baker Street")).toBe("12 Baker Street");
  expect(numberWordsToDigits("nineteen eighty-six")).toBe("nineteen eighty-six");
});

test("spelled-out words are read, with double letters, outside postcodes", () => {
  expect(spelledWords("Whitfield, that's W H I T F I E L D.")).toEqual(["WHITFIELD"]);
  expect(spelledWords("B A double R A C L O U G H, and the postcode is S 10, 1 B A")).toEqual(["BARRACLOUGH"]);
  expect(spelledWords("N W 1, 6 X E")).toEqual([]);
});
