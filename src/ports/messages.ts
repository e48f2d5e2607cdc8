import type { Message, MessageChannel, OutboundStatus } from "../domain/messaging/message.ts";

export type NewMessage = Omit<Message, "id" | "createdAt" | "updatedAt" | "seenAt" | "statusAt" | "mediaGaveUpAt"> & {
  statusAt?: Date | null;
  /** A system send that must land once: a second message with the same key is not stored. */
  idempotencyKey?: string | null;
};
export type MessageChanges = Partial<Omit<Message, "id" | "createdAt" | "channel" | "direction">>;

/** One conversation in the inbox: a lead and their latest message on either channel. */
export interface Conversation {
  leadId: string;
  leadName: string | null;
  leadPhone: string | null;
  last: Message;
  unread: number;
  channels: MessageChannel[];
}

export interface ConversationSearch {
  channel?: MessageChannel;
  /** Matches the lead's name, organisation or phone, or the text of any of their messages. */
  query?: string;
  limit: number;
  offset: number;
}

/** WhatsApp and SMS messages, both ways, with the outbox's state on the outbound ones. */
export interface Messages {
  /**
   * Stores an inbound message unless one with the same channel and provider id exists (a
   * replayed webhook); `created` says which.
   */
  recordInbound(message: NewMessage): Promise<{ message: Message; created: boolean }>;
  /**
   * Stores an outbound message as queued and, in the same statement, the durable job that sends
   * it (`taskKind`, keyed by the message id), so nothing queued can lose its job. A message whose
   * `idempotencyKey` was queued before is not stored again: the earlier one comes back, `created` false.
   */
  enqueueOutbound(message: NewMessage, taskKind: string, runAt: Date): Promise<Message & { created?: boolean }>;
  byId(id: string): Promise<Message | null>;
  /** System sends whose idempotency key starts with `prefix` ("emergency:<call id>:"), oldest first. */
  byKeyPrefix(prefix: string): Promise<(Message & { idempotencyKey: string })[]>;
  byProviderId(channel: MessageChannel, providerId: string): Promise<Message | null>;
  update(id: string, changes: MessageChanges): Promise<Message | null>;
  /** Applies `changes` only while the status is one of `from` (compare-and-set); null when it was not. */
  advance(id: string, from: readonly Message["status"][], changes: MessageChanges): Promise<Message | null>;
  /** A lead's messages, oldest first (the newest `limit`). */
  forLead(leadId: string, limit?: number): Promise<Message[]>;
  forIssue(issueId: string): Promise<Message[]>;
  /** When the customer last wrote on this channel: the WhatsApp window opens from it. */
  lastInboundAt(leadId: string, channel: MessageChannel): Promise<Date | null>;
  /** The latest outbound video request for the lead (its issue gets the video that comes back). */
  latestVideoRequest(leadId: string, since: Date): Promise<Message | null>;
  /**
   * Puts a given-up media download back in the queue, in one transaction: the job (`taskKind`,
   * keyed by the message id) is due again at `at` with its attempts counted afresh, and the
   * message is pending again. Null, changing nothing, unless the message's media is still missing
   * and both it and its job say the download was given up.
   */
  requeueMediaDownload(id: string, taskKind: string, at: Date): Promise<Message | null>;
  /** Marks the lead's inbound messages seen; returns how many were unread. */
  markSeen(leadId: string, at: Date): Promise<number>;
  conversations(search: ConversationSearch): Promise<Conversation[]>;
  unreadTotal(): Promise<number>;
  /** Counts of outbound messages by status, for the integrations page. */
  outboxCounts(): Promise<Partial<Record<OutboundStatus, number>>>;
}

export type DeliveryState = "pending" | "processed" | "unrecognised" | "failed";

export interface WebhookDelivery {
  id: string;
  provider: string;
  body: string;
  state: DeliveryState;
  detail: string | null;
  receivedAt: Date;
  processedAt: Date | null;
}

/** Signed webhook deliveries as received: the durable record processing starts from. */
export interface WebhookDeliveries {
  /** Stores the body and the job that processes it, in one statement. */
  record(provider: string, body: string, taskKind: string, at: Date): Promise<string>;
  byId(id: string): Promise<WebhookDelivery | null>;
  finish(id: string, state: DeliveryState, detail: string | null, at: Date): Promise<void>;
  /** The latest deliveries in these states, newest first (the integrations page shows the bad ones). */
  recent(states: DeliveryState[], limit: number): Promise<WebhookDelivery[]>;
  countByState(since: Date): Promise<Partial<Record<DeliveryState, number>>>;
}

export interface MissedCall {
  id: string;
  callId: string;
  leadId: string | null;
  phone: string | null;
  /** The London date of the call, YYYY-MM-DD: one reply per caller per day. */
  day: string;
  replyMessageId: string | null;
  /** Why no reply went, when none did. */
  note: string | null;
  createdAt: Date;
  resolvedAt: Date | null;
}

export interface MissedCallFollowUp extends MissedCall {
  leadName: string | null;
  replyStatus: Message["status"] | null;
}

/** Calls nobody answered, for the dashboard, and the replies sent for them. */
export interface MissedCalls {
  /** Records the missed call once per call id; null when it was already recorded. */
  record(
    missed: Omit<MissedCall, "id" | "createdAt" | "resolvedAt" | "replyMessageId" | "note">,
  ): Promise<MissedCall | null>;
  /** Claims today's one reply for this number; false when one was already claimed. */
  claimReply(phone: string, day: string, missedCallId: string): Promise<boolean>;
  setReply(id: string, messageId: string | null, note: string | null): Promise<void>;
  open(limit: number): Promise<MissedCallFollowUp[]>;
  /** Marks one followed up (by a staff user's id); null when there is no such open one. */
  resolve(id: string, at: Date, by: string | null): Promise<MissedCall | null>;
  /** Marks every open missed call of a lead followed up; the ones it marked. */
  resolveForLead(leadId: string, at: Date, by: string | null): Promise<MissedCall[]>;
}
