import { expect, test } from "bun:test";
import { deliveryStatusLabel, notConnectedNote } from "../../src/domain/messaging/delivery-status.ts";
import { MESSAGE_CHANNELS, MESSAGE_STATUSES } from "../../src/domain/messaging/message.ts";

test("a message the outbox kept says which account is missing, in plain words", () => {
  expect(deliveryStatusLabel("not_sent", "whatsapp")).toBe("Not sent: no WhatsApp account connected");
  expect(deliveryStatusLabel("not_sent", "sms")).toBe("SMS queued, not sent (no Twilio account)");
  expect(deliveryStatusLabel("accepted", "sms")).toBe("Handed to Twilio");
  expect(notConnectedNote("sms")).not.toMatch(/[A-Z]+_[A-Z]+/);
});

test("no status on either channel is worded with a variable name or 'keys'", () => {
  for (const channel of MESSAGE_CHANNELS)
    for (const status of MESSAGE_STATUSES) {
      const label = deliveryStatusLabel(status, channel);
      expect(label).not.toMatch(/[A-Z]+_[A-Z]+|\bkeys\b|_/);
      expect(label.length).toBeGreaterThan(2);
    }
});
