import type { Messenger } from "../../ports/messengers.ts";
import type { QuoteLinkSender } from "../../ports/quote-messages.ts";
import type { OutboundMessagesStore } from "../db/outbound-messages-repository.ts";
import type { Log } from "../../ports/log.ts";

/**
 * Quote messages through the messaging outbox (Twilio SMS or WhatsApp, durable, with delivery
 * statuses), used when a messaging provider is connected. The quote keeps its own record of
 * what was handed over ("queued", with the messaging outbox's message id) or why it could not
 * be ("failed", with the reason); delivery itself shows in the inbox. A customer whose number
 * takes no texts and who has no WhatsApp is not sent to: the message stays in the outbox with
 * that reason, for staff to phone them or add a mobile number.
 */
export function createMessengerQuoteSender(
  messenger: Messenger,
  store: Pick<OutboundMessagesStore, "store" | "byDedupeKey">,
  log: Log,
): QuoteLinkSender {
  return {
    kind: "messaging",
    async send(message) {
      // A retried job finds its message handed over already and does not send it twice.
      const earlier = await store.byDedupeKey(message.dedupeKey);
      if (earlier) return earlier;
      if (!message.leadId) return store.store(message, "failed", "messaging", { error: "No customer to send to." });
      const sent = await messenger.send({
        leadId: message.leadId,
        text: message.body,
        purpose: message.purpose === "quote_link" || message.purpose === "balance_request" ? "quote" : "notification",
        sentBy: null,
      });
      if (!sent.ok) {
        log.warn(
          { quoteId: message.quoteId, purpose: message.purpose, reason: sent.reason },
          "quote message not handed to messaging",
        );
        const status = sent.reason === "cannot_receive_texts" ? "outbox" : "failed";
        return store.store(message, status, "messaging", { error: sent.message });
      }
      return store.store(
        { ...message, channel: sent.value.channel === "whatsapp" ? "whatsapp" : "sms" },
        "queued",
        "messaging",
        { providerId: sent.value.id },
      );
    },
  };
}
