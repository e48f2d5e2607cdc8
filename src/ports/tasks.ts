import type { TaskKind, TaskPayloadInput } from "../domain/tasks/kinds.ts";

/**
 * Work that must happen even if the process restarts: downloading a recording, sending a
 * message. Kept in the database, retried with backoff until done or given up.
 */
export interface Task<P = unknown> {
  id: string;
  kind: string;
  /** Unique per kind: enqueuing the same key twice keeps the first (a replayed webhook). */
  key: string;
  payload: P;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date;
  doneAt: Date | null;
  failedAt: Date | null;
}

/** A task to add, its payload typed by its kind. */
export type NewTask<K extends TaskKind = TaskKind> = {
  [P in K]: { kind: P; key: string; payload: TaskPayloadInput<P> };
}[K];

export interface Tasks {
  /** Adds the job unless one with the same kind and key exists; returns whether it was new. The payload is typed by its kind (src/domain/tasks/kinds.ts). */
  enqueue<K extends TaskKind>(job: {
    kind: K;
    key: string;
    payload: TaskPayloadInput<K>;
    runAt: Date;
  }): Promise<boolean>;
  /**
   * Takes up to `limit` due jobs for `owner` (an instance's id), held for `lockMs` so no other
   * worker runs them; a job whose hold ran out (its instance died) is due again.
   */
  claimDue(now: Date, limit: number, lockMs: number, owner: string): Promise<Task[]>;
  /**
   * Extends to `until` the hold on those of `ids` that `owner` still holds and that are neither
   * done nor given up (the heartbeat of jobs still running); returns the ids it extended.
   */
  renew(ids: readonly string[], owner: string, until: Date): Promise<string[]>;
  /**
   * Lets go of `owner`'s claims on `ids` (jobs neither done nor given up), so another instance
   * takes them at its next poll rather than when the claim would have run out: an instance
   * shutting down with jobs still running. Returns the ids let go.
   */
  release(ids: readonly string[], owner: string): Promise<string[]>;
  /** Marks the job done (once: a second completion, by an instance whose hold lapsed, changes nothing). */
  complete(id: string, at: Date): Promise<void>;
  /**
   * Records a failed attempt: retried at `retryAt`, or given up for good when it is null. With
   * `owner`, only while that owner still holds the job: an instance whose hold lapsed and was
   * taken over must not release the new holder's claim (a third instance would run it too).
   */
  fail(id: string, error: string, retryAt: Date | null, at: Date, owner?: string): Promise<void>;
  byKey(kind: string, key: string): Promise<Task | null>;
  /** Jobs neither done nor given up, by kind: how many, and how long ago the oldest was added. */
  backlog(): Promise<TaskBacklog[]>;
}

export interface TaskBacklog {
  kind: string;
  depth: number;
  /** By the database's clock, the one that stamped it (instances' clocks may differ). */
  oldestAgeSeconds: number;
}
