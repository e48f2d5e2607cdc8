import type { QuoteLinkSender } from "../../ports/quote-messages.ts";
import type { OutboundMessagesStore } from "../db/outbound-messages-repository.ts";
import type { Log } from "../../ports/log.ts";
import { canReceiveTexts } from "../../domain/phone.ts";

/**
 * The embedded default for quote messages: each one is kept in the app's outbox (status
 * "outbox"), shown on the quote and on the lead's timeline, and sent to nobody. It says so in
 * the log too, so nothing ever looks sent when it was not. A text for a landline is kept with
 * the reason it could never go ("This number cannot receive texts"), so staff know before a
 * provider is connected.
 */
export function createOutboxQuoteSender(store: Pick<OutboundMessagesStore, "store">, log: Log): QuoteLinkSender {
  return {
    kind: "outbox",
    async send(message) {
      const texts = message.channel === "sms" && message.to ? canReceiveTexts(message.to) : null;
      const kept = await store.store(message, "outbox", null, texts && !texts.ok ? { error: texts.message } : {});
      log.info(
        { quoteId: message.quoteId, purpose: message.purpose, messageId: kept.id },
        "quote message kept in the outbox; no SMS or WhatsApp provider is connected, so nothing was sent",
      );
      return kept;
    },
  };
}
