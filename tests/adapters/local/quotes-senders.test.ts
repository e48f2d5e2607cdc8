import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import pino from "pino";
import type { OpenDatabase } from "../../../src/adapters/db/database.ts";
import { createMessengerQuoteSender } from "../../../src/adapters/local/quote-messenger-sender.ts";
import { createOutboxQuoteSender } from "../../../src/adapters/local/quote-outbox.ts";
import type { E164 } from "../../../src/domain/phone.ts";
import { quoteTotals } from "../../../src/domain/quotes.ts";
import type { Messenger, SendRequest } from "../../../src/ports/messengers.ts";
import type { QuoteMessage } from "../../../src/ports/quote-messages.ts";
import { freshPglite } from "../../support/test-db.ts";

let repos: OpenDatabase;
let message: QuoteMessage;
const log = pino({ level: "silent" });

beforeAll(async () => {
  repos = await freshPglite();
  const lead = await repos.leads.create({
    name: "Sam",
    organisation: null,
    phone: "+447700900333" as E164,
    email: null,
    address: null,
    postcode: null,
    segment: "tenant",
    source: "manual",
    notes: null,
  });
  const issue = await repos.issues.create({
    leadId: lead.id,
    title: "Tap",
    description: null,
    category: "plumbing",
    urgency: "routine",
    address: null,
    postcode: null,
    accessNotes: null,
  });
  const quote = await repos.quotes.createDraft({
    issueId: issue.id,
    lines: [],
    totals: quoteTotals([]),
    discountPence: 0,
    deposit: null,
    validUntil: null,
    terms: null,
  });
  message = {
    leadId: lead.id,
    quoteId: quote.id,
    to: lead.phone,
    channel: "sms",
    purpose: "quote_link",
    body: "Your quote: https://x/q/abc",
    dedupeKey: `quote_link:${quote.id}`,
  };
}, 30_000);
afterAll(async () => repos?.close());

describe("quote message senders", () => {
  test("the embedded outbox keeps the message, marked as not sent, once per dedupe key", async () => {
    const sender = createOutboxQuoteSender(repos.outboundMessages, log);
    const first = await sender.send(message);
    const again = await sender.send(message);
    expect(first).toMatchObject({ status: "outbox", provider: null, body: message.body });
    expect(again.id).toBe(first.id);
  });

  test("a receipt for a landline is kept in the outbox with the reason it cannot go by text", async () => {
    const sender = createOutboxQuoteSender(repos.outboundMessages, log);
    const kept = await sender.send({
      ...message,
      to: "+441611234567" as E164,
      purpose: "receipt",
      dedupeKey: "receipt:landline",
    });
    expect(kept).toMatchObject({
      status: "outbox",
      error: "This number cannot receive texts (0161 123 4567 is a landline).",
    });
    const mobile = await sender.send({ ...message, purpose: "receipt", dedupeKey: "receipt:mobile" });
    expect(mobile.error).toBeNull();
  });

  test("with messaging connected, the message goes through the messaging outbox once, and a refusal is recorded", async () => {
    const requests: SendRequest[] = [];
    const messenger: Messenger = {
      async send(request) {
        requests.push(request);
        return { ok: true, value: { id: "msg-1", channel: "whatsapp" } as never };
      },
    };
    const sender = createMessengerQuoteSender(messenger, repos.outboundMessages, log);
    const receipt = { ...message, purpose: "receipt" as const, dedupeKey: "receipt:1" };
    const sent = await sender.send(receipt);
    await sender.send(receipt);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ leadId: message.leadId, text: message.body, purpose: "notification" });
    expect(sent).toMatchObject({ status: "queued", provider: "messaging", channel: "whatsapp" });

    const refusing: Messenger = {
      send: async () => ({ ok: false, reason: "no_address", message: "The customer has no number." }),
    };
    const failed = await createMessengerQuoteSender(refusing, repos.outboundMessages, log).send({
      ...message,
      dedupeKey: "quote_link:2",
    });
    expect(failed).toMatchObject({ status: "failed", error: "The customer has no number." });
  });
});
