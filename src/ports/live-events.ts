/**
 * What happened on a live channel (a call, the calls list), in order. `id` rises by one per
 * channel, so a viewer that reconnects with the last id it saw gets exactly what it missed.
 */
export interface LiveEvent<T = unknown> {
  channel: string;
  id: number;
  type: string;
  data: T;
}

export interface PublishOptions {
  transient?: boolean;
  latest?: boolean;
}

/**
 * Fan-out of live changes to whoever is watching (SSE streams). In-process today; the shape
 * allows a PostgreSQL LISTEN/NOTIFY adapter so several instances share live calls: publish is
 * async and ids are assigned by the adapter, not by the publisher.
 */
export interface LiveEvents {
  /**
   * `transient`: not kept for replay, because the next such event replaces it (a reconnecting
   * viewer loses nothing by missing it), e.g. the words being said before they are final.
   * `latest`: kept for replay only until the next event of the same type on the channel, which
   * carries the whole state again (the details panel, the caller card): a long call keeps one.
   */
  publish<T>(channel: string, type: string, data: T, options?: PublishOptions): Promise<LiveEvent<T>>;
  /**
   * Calls `listener` for every event on `channel` after `afterId` (those still remembered are
   * replayed first, in order), then for each new one. Returns the unsubscribe function.
   * `replayed` says whether everything after `afterId` could be replayed; when not, the
   * viewer should reload the whole state.
   */
  subscribe(channel: string, afterId: number | null, listener: (event: LiveEvent) => void): { unsubscribe(): void; replayed: boolean };
  /** The id of the last event on the channel (0 when none), for a page rendered now to resume from. */
  lastId(channel: string): number;
}

export const callChannel = (callId: string) => `call:${callId}`;
export const CALLS_CHANNEL = "calls";
