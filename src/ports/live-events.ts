/** What a channel carries: a union with one member per kind of event, told apart by `type`. */
export interface ChannelEvent {
  type: string;
  data: unknown;
}

/**
 * How long an event of one type is kept for replay to a viewer who reconnects (default: kept).
 * `transient`: not kept, because the next such event replaces it (a reconnecting viewer loses
 * nothing by missing it), e.g. the words being said before they are final.
 * `latest`: kept only until the next event of the same type on the channel, which carries the
 * whole state again (the details panel, the caller card): a long call keeps one.
 */
export type Retention = "transient" | "latest";

/**
 * A channel and the events it carries: publishing and subscribing are checked against `E`,
 * so a subscriber gets the publisher's types back with no cast. One name, one `E`: every
 * definition of a name must carry the same events (define it once, in the domain).
 */
export interface LiveChannel<E extends ChannelEvent> {
  /** Unique per channel: "calls", "call:<id>". */
  readonly name: string;
  /** By event type; a type not named is kept. */
  readonly retention: { readonly [type: string]: Retention | undefined };
  /** Never set: ties the channel to its events for the type checker. */
  readonly events?: E;
}

/**
 * A channel carrying `E`, e.g. `defineChannel<InboxEvent>("inbox")`.
 * @example const callChannel = (callId: string) => defineChannel<LiveCallEvent>(`call:${callId}`, { interim: "transient" });
 */
export function defineChannel<E extends ChannelEvent>(
  name: string,
  retention: { readonly [T in E["type"]]?: Retention } = {},
): LiveChannel<E> {
  return { name, retention };
}

/**
 * What happened on a live channel (a call, the calls list), in order. `id` rises by one per
 * channel, so a viewer that reconnects with the last id it saw gets exactly what it missed.
 */
export type LiveEvent<E extends ChannelEvent = ChannelEvent> = E & { channel: string; id: number };

/**
 * Fan-out of live changes to whoever is watching (SSE streams). In process on PGlite
 * (src/adapters/local); on PostgreSQL through LISTEN/NOTIFY (src/adapters/db), so several
 * instances share live calls: publish is async, ids are assigned by the adapter (there, by the
 * database), and a subscriber may hear an event after `publish` has resolved.
 */
export interface LiveEvents {
  /** Kept for replay as the channel's `retention` says for the event's type. Returns it with its id. */
  publish<E extends ChannelEvent>(channel: LiveChannel<E>, event: NoInfer<E>): Promise<LiveEvent<E>>;
  /**
   * Calls `listener` for every event on `channel` after `afterId` (those still remembered are
   * replayed first, in order), then for each new one. Returns the unsubscribe function.
   * `replayed` says whether everything after `afterId` could be replayed; when not, the
   * viewer should reload the whole state.
   */
  subscribe<E extends ChannelEvent>(
    channel: LiveChannel<E>,
    afterId: number | null,
    listener: (event: LiveEvent<E>) => void,
  ): { unsubscribe(): void; replayed: boolean };
  /** The id of the last event on the channel (0 when none), for a page rendered now to resume from. */
  lastId(channel: LiveChannel<ChannelEvent>): number;
}
