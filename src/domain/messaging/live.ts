import type { LiveEvents } from "../../ports/live-events.ts";
import type { Message } from "./message.ts";

/** Every message change, for the inbox list and the unread count. */
export const INBOX_CHANNEL = "inbox";
/** One lead's conversation, for its thread. */
export const conversationChannel = (leadId: string) => `conversation:${leadId}`;

export interface MessageEvent {
  messageId: string;
  leadId: string | null;
  change: "added" | "updated";
}

/** Tells whoever watches the inbox or this conversation that a message arrived or changed. */
export async function publishMessage(liveEvents: LiveEvents, message: Pick<Message, "id" | "leadId">, change: MessageEvent["change"]): Promise<void> {
  const data: MessageEvent = { messageId: message.id, leadId: message.leadId, change };
  await liveEvents.publish(INBOX_CHANNEL, "message", data);
  if (message.leadId) await liveEvents.publish(conversationChannel(message.leadId), "message", data);
}
