import type { InboxEvent } from "../domain/messaging/live.ts";
import type { LiveEvent } from "../ports/live-events.ts";
import type { SseMessage } from "./sse-message.ts";

/**
 * The inbox's and a conversation's live events as the page hears them (`sse:message`,
 * `sse:seen`, `sse:missed-call`): each tells the page to re-fetch what it shows, so a missed or
 * repeated event can never leave it wrong.
 */
export function renderInboxEvent(event: LiveEvent<InboxEvent>): SseMessage[] {
  return [{ event: event.type, data: JSON.stringify(event.data) }];
}
