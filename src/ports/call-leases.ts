import type { Call } from "../domain/calls.ts";

/**
 * Who holds each live call, kept in the database so a dead instance's calls can be found: the
 * instance streaming a call holds it under a lease it renews; a lease that lapses means the
 * instance died with the call still open.
 */
export interface CallLeases {
  /** `owner` now holds the call until `until`. */
  hold(callId: string, owner: string, until: Date): Promise<void>;
  /**
   * `owner` holds the call until `until` only if nobody holds it (the incoming-call webhook: a
   * replayed one must not take a call another instance streams); whether it took it.
   */
  holdIfFree(callId: string, owner: string, until: Date): Promise<boolean>;
  /** Extends every lease `owner` holds to `until`; how many it still holds. */
  renew(owner: string, until: Date): Promise<number>;
  /** Lets the call go (its stream ended and it was filed); only while `owner` holds it. */
  release(callId: string, owner: string): Promise<void>;
  /** Lets the call go whoever holds it (the provider says a call no instance streamed is over). */
  releaseAny(callId: string): Promise<void>;
  /**
   * Takes over up to `limit` calls whose lease lapsed before `now`, holding them for `owner`
   * until `until`, in one statement: two instances sweeping at once never claim the same call.
   */
  claimLapsed(owner: string, now: Date, until: Date, limit: number): Promise<Call[]>;
}
