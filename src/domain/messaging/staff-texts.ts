import type { LiveEvents } from "../../ports/live-events.ts";
import type { Messages } from "../../ports/messages.ts";
import type { E164 } from "../phone.ts";
import { SEND_TASK } from "../tasks/kinds.ts";
import { publishMessage } from "./live.ts";
import type { Message } from "./message.ts";

export interface StaffTextDeps {
  messages: Messages;
  liveEvents: LiveEvents;
  now: () => Date;
  /** Starts the send now rather than at the runner's next tick. */
  poke: () => void;
}

/**
 * Queues an SMS to one of our own people (an engineer, the office), not to a customer: no lead,
 * so it stays out of customers' threads. It goes through the same durable outbox as every
 * message (stored with its send job, sent in the background, never twice); a repeat with the
 * same `idempotencyKey` returns the first message and queues nothing.
 */
export async function queueStaffText(
  deps: StaffTextDeps,
  text: { to: E164; body: string; idempotencyKey: string; issueId?: string | null },
): Promise<Message & { created?: boolean }> {
  const message = await deps.messages.enqueueOutbound(
    {
      leadId: null,
      issueId: text.issueId ?? null,
      channel: "sms",
      direction: "outbound",
      kind: "text",
      purpose: "notification",
      body: text.body.slice(0, 1600),
      status: "queued",
      providerId: null,
      address: text.to,
      senderName: null,
      username: null,
      mediaId: null,
      mediaType: null,
      mediaSize: null,
      mediaKey: null,
      thumbnailKey: null,
      mediaError: null,
      transcript: null,
      transcriber: null,
      extracted: null,
      template: null,
      error: null,
      sentBy: null,
      occurredAt: deps.now(),
      idempotencyKey: text.idempotencyKey,
    },
    SEND_TASK,
    deps.now(),
  );
  if (message.created === false) return message;
  await publishMessage(deps.liveEvents, message, "added");
  deps.poke();
  return message;
}
