import { defineChannel, type LiveEvents } from "../../ports/live-events.ts";
import type { Message } from "./message.ts";
import type { MissedCallOutcome } from "./missed-calls.ts";

export interface MessageEvent {
  messageId: string;
  leadId: string | null;
  change: "added" | "updated";
}

/** A message arrived or changed. */
export type ConversationEvent = { type: "message"; data: MessageEvent };

/** What the inbox list, the unread count and the dashboard's missed calls hear. */
export type InboxEvent =
  | ConversationEvent
  /** Staff opened a conversation: its unread count fell. */
  | { type: "seen"; data: { leadId: string } }
  /** A call nobody answered was recorded for follow-up (and maybe answered by text). */
  | { type: "missed-call"; data: { callId: string; outcome: MissedCallOutcome } }
  /** Staff resolved a missed-call follow-up. */
  | { type: "missed-call"; data: { id: string } };

/** Every message change, for the inbox list and the unread count. */
export const INBOX_CHANNEL = defineChannel<InboxEvent>("inbox");
/** One lead's conversation, for its thread. */
export const conversationChannel = (leadId: string) => defineChannel<ConversationEvent>(`conversation:${leadId}`);

/** Tells whoever watches the inbox or this conversation that a message arrived or changed. */
export async function publishMessage(
  liveEvents: LiveEvents,
  message: Pick<Message, "id" | "leadId">,
  change: MessageEvent["change"],
): Promise<void> {
  const event: ConversationEvent = { type: "message", data: { messageId: message.id, leadId: message.leadId, change } };
  await liveEvents.publish(INBOX_CHANNEL, event);
  if (message.leadId) await liveEvents.publish(conversationChannel(message.leadId), event);
}
