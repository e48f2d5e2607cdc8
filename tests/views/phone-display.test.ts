import { describe, expect, test } from "bun:test";
import { phoneForDisplay } from "../../src/views/format.ts";
import { OutboxList } from "../../src/views/quotes.tsx";
import type { OutboundMessage } from "../../src/ports/quote-messages.ts";
import type { E164 } from "../../src/domain/phone.ts";
import { textOf } from "../e2e/helpers.ts";
import { describeIntegrations } from "../../src/compose/integrations.ts";
import { parseConfig } from "../../src/config.ts";

describe("phoneForDisplay: the one way a staff page writes a number", () => {
  test.each([
    ["+447700900123", "07700 900123"], // UK mobile, as people here write it
    ["+442079460000", "020 7946 0000"], // London landline
    ["+441611234567", "0161 123 4567"],
    ["+33612345678", "+33 6 12 34 56 78"], // another country keeps its code
    ["+14155552671", "+1 415 555 2671"],
  ])("%p → %p", (e164, shown) => {
    expect(phoneForDisplay(e164)).toBe(shown);
  });

  test("no number shows the placeholder given, else a dash", () => {
    expect(phoneForDisplay(null)).toBe("—");
    expect(phoneForDisplay(undefined, "Withheld number")).toBe("Withheld number");
    expect(phoneForDisplay("", "No phone number")).toBe("No phone number");
  });
});

describe("a view that shows a number shows it in the national format", () => {
  const message = (fields: Partial<OutboundMessage>): OutboundMessage => ({
    id: "m1",
    leadId: "l1",
    quoteId: "q1",
    to: "+447700900123" as E164,
    channel: "sms",
    purpose: "quote_link",
    body: "Your quote: https://example.test/q/abc",
    dedupeKey: "quote_link:q1",
    status: "outbox",
    provider: null,
    error: null,
    createdAt: new Date("2026-12-01T10:00:00Z"),
    ...fields,
  });

  test("the quote's outbox names the number it was for as people write it, and why it could not go", () => {
    const text = textOf(
      String(
        OutboxList({
          messages: [
            message({}),
            message({
              id: "m2",
              to: "+442079460000" as E164,
              error: "This number cannot receive texts (020 7946 0000 is a landline).",
            }),
          ],
        }),
      ),
    );
    expect(text).toContain("SMS to 07700 900123");
    expect(text).toContain("SMS to 020 7946 0000");
    expect(text).toContain("This number cannot receive texts (020 7946 0000 is a landline).");
    expect(text).not.toContain("+44");
  });
});

test("the Integrations page writes the company's Twilio number as people here do", () => {
  const parsed = parseConfig({
    TWILIO_ACCOUNT_SID: "AC00000000000000000000000000000003",
    TWILIO_AUTH_TOKEN: "token",
    TWILIO_PHONE_NUMBER: "+442079460000",
  });
  if (!parsed.ok) throw new Error(parsed.error);
  const twilio = describeIntegrations(parsed.config, "PGlite", "folder", {
    mode: "embedded",
    detail: "offline voice",
  }).find((i) => i.name === "Twilio")!;
  expect(twilio.detail).toContain("number 020 7946 0000;");
});
