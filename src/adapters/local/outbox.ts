import type { SmsSender, WhatsAppSender } from "../../ports/messengers.ts";

/**
 * The embedded default for WhatsApp and SMS (no keys): the outbox itself. Messages are queued
 * and shown in the app exactly as they would go out, and the send job marks them "not sent"
 * instead of calling a provider (it checks `live`). Nothing leaves the building and nothing
 * pretends to have: `send` refuses if it is ever called.
 */
export function createOutboxSender(channel: "WhatsApp" | "SMS"): WhatsAppSender & SmsSender {
  return {
    name: `${channel} outbox (nothing is sent)`,
    live: false,
    async send() {
      throw new Error(`${channel} is not configured: the outbox does not send`);
    },
  };
}
