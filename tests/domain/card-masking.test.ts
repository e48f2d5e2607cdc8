import { describe, expect, test } from "bun:test";
import { createConversationMasker, maskCardData, passesLuhn } from "../../src/domain/card-masking.ts";

describe("card numbers are masked, keeping the last four", () => {
  test.each([
    ["it's 4242 4242 4242 4242 thanks", "it's •••• 4242 thanks"],
    ["4242424242424242", "•••• 4242"],
    ["5555-5555-5555-4444", "•••• 4444"],
    ["amex 3782 822463 10005", "amex •••• 0005"],
    ["6011 1111 1111 1117.", "•••• 1117."],
    ["3566 0020 2036 0505, expiry next", "•••• 0505, expiry next"],
    ["four two four two four two four two four two four two four two four two", "•••• 4242"],
    ["Four, two, four, two. Four, two, four, two. Four, two, four, two. Four, two, four, two.", "•••• 4242."],
    ["five double five five, five five five five, five five five five, double four four four", "•••• 4444"],
    ["forty two forty two forty two forty two forty two forty two forty two forty two", "•••• 4242"],
    ["4242 4242 four two four two forty two 42 42", "•••• 4242"],
    ["six oh one one one one one one one one one one one one one seven", "•••• 1117"],
    [
      "my number is 07700 900123 and the card is 4242 4242 4242 4242",
      "my number is 07700 900123 and the card is •••• 4242",
    ],
    ["5555 5555 5555 4444 and 4242 4242 4242 4242", "•••• 4444 and •••• 4242"],
  ])("%p → %p", (said, stored) => {
    const result = maskCardData(said);
    expect(result.text).toBe(stored);
    expect(result.masked).toBe(true);
    expect(result.cardNumber).toBe(true);
  });
});

describe("numbers that are not cards survive untouched", () => {
  test.each([
    "call me on 07700 900123",
    "my mobile is 07700900123, or +44 7700 900123",
    "oh seven seven oh oh, nine oh oh one two three",
    "oh two oh seven nine four six oh nine five eight",
    "0207 946 0958 is the office",
    "the flat is at SW1A 1AA, number 14",
    "postcode is CF10 1EP",
    "invoice INV-2024-00123 for £1,234.56",
    "quote number Q-10023 came to 1,234.56 pounds",
    "it was £2,450 last time, 4,200 with VAT",
    "on 12/03/2026 at 10:30, flat 4B",
    "the boiler's a 2019 model, serial 4242424242424241 on the plate",
    "twenty five past four on the twenty third",
    "I've got two kids and one dog at 42 Acacia Avenue",
    "reference 2024 1234 5678 for the boiler",
    "my old number was 07700 900123",
  ])("%p", (said) => {
    expect(maskCardData(said)).toMatchObject({ text: said, masked: false, cardNumber: false, cardTalk: false });
  });
});

describe("security codes and expiry dates near card words", () => {
  test.each([
    ["the security code is 737", "the security code is •••"],
    ["CVV seven three seven", "CVV •••"],
    ["card expires 04/27", "card expires •••"],
    ["expiry oh four twenty seven", "expiry •••"],
    [
      "the long number is 4242 4242 4242 4242, expiry 12/2028 and the code 123",
      "the long number is •••• 4242, expiry ••• and the code •••",
    ],
    ["it's a visa, 1234 on the back", "it's a visa, ••• on the back"],
  ])("%p → %p", (said, stored) => {
    const result = maskCardData(said);
    expect(result.text).toBe(stored);
    expect(result.masked).toBe(true);
  });

  test("amounts beside card words stay: the card payment is £150, 150 pounds", () => {
    const said = "the card payment is £150, or 150 pounds";
    expect(maskCardData(said).text).toBe(said);
  });

  test("short numbers far from card talk stay", () => {
    expect(maskCardData("flat 737, gate code 1234").text).toBe("flat 737, gate code 1234");
  });
});

test("a card number read in pieces across lines, after card talk, is masked piece by piece", () => {
  const conversation = createConversationMasker();
  expect(conversation.mask("what's the long number on the card?").masked).toBe(false);
  expect(conversation.mask("four two four two, four two four two").text).toBe("••••");
  expect(conversation.mask("four two four two").text).toBe("•••");
  expect(conversation.mask("four two four two").text).toBe("•••");
  expect(conversation.mask("thanks, and you can call me back on 07700 900123").masked).toBe(false);
  expect(conversation.mask("4242").masked).toBe(false);
});

test("a card number a transcriber splits across two lines, with no card words: the second part is masked whole (the first is already out), and the call hears a card", () => {
  const conversation = createConversationMasker();
  expect(conversation.mask("it's four two four two four two four two", { speaker: "caller" }).masked).toBe(false);
  expect(conversation.mask("mm-hm", { speaker: "staff" }).masked).toBe(false);
  const second = conversation.mask("four two four two four two four two thanks", { speaker: "caller" });
  expect(second).toMatchObject({ text: "•••• thanks", cardNumber: true });
  // Another speaker's digits, or a line that does not start with digits, never join.
  expect(conversation.mask("4242 4242", { speaker: "caller" }).masked).toBe(true); // card talk follows a card
  const other = createConversationMasker();
  other.mask("it's four two four two four two four two", { speaker: "caller" });
  expect(other.mask("four two four two four two four two", { speaker: "staff" }).masked).toBe(false);
  other.mask("call 0207 946", { speaker: "caller" });
  expect(other.mask("so that's 0958", { speaker: "caller" }).masked).toBe(false);
});

test("a long card-like number ending a line may be a card cut short by a pause: hidden, and the next line completes it", () => {
  const conversation = createConversationMasker();
  expect(conversation.mask("it's 5555 5555 5555", { speaker: "caller" }).text).toBe("it's ••••");
  expect(conversation.mask("4444 and that's it", { speaker: "caller" })).toMatchObject({
    text: "•••• and that's it",
    cardNumber: true,
  });
  expect(conversation.mask("reference 2024 1234 5678", { speaker: "staff" }).text).toBe("reference ••••"); // the price of it
});

test("in card talk, phone numbers and money are still left alone", () => {
  const said = "card ending 4242? call 07700 900123 or +44 7700 900123 about the £150";
  expect(maskCardData(said).text).toBe("card ending •••? call 07700 900123 or +44 7700 900123 about the £150");
});

test("the answer to a question about the card is masked in the next line", () => {
  const conversation = createConversationMasker();
  expect(conversation.mask("and the three digits on the back of the card?").masked).toBe(false);
  expect(conversation.mask("seven three seven").text).toBe("•••");
  expect(conversation.mask("and the expiry?").masked).toBe(false);
  expect(conversation.mask("oh four twenty seven").text).toBe("•••");
  // Digits alone may continue: the line after them is still card talk.
  expect(conversation.mask("lovely").masked).toBe(false);
  expect(conversation.mask("and my flat is 737").text).toBe("and my flat is 737");
});

test("interim text hides a card number still being read, before it can pass the Luhn check", () => {
  const interim = "four two four two four two four two four two four two four";
  expect(maskCardData(interim, { partial: true }).text).toBe("•••• 2424");
  expect(maskCardData("call 07700 900123 4567", { partial: true }).masked).toBe(false);
});

test("masking twice changes nothing more", () => {
  const once = maskCardData("card 4242 4242 4242 4242, expiry 04/27").text;
  expect(once).toBe("card •••• 4242, expiry •••");
  expect(maskCardData(once)).toMatchObject({ text: once, cardNumber: false });
});

test("the Luhn check", () => {
  expect(passesLuhn("4242424242424242")).toBe(true);
  expect(passesLuhn("4242424242424241")).toBe(false);
  expect(passesLuhn("378282246310005")).toBe(true);
});
