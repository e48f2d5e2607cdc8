import { sessionKey } from "../domain/session-key.ts";
import { STAFF_SESSIONS_CHANNEL } from "../domain/staff-sessions-channel.ts";
import type { Repositories } from "../ports/database.ts";
import type { LiveEvents } from "../ports/live-events.ts";
import type { StaffSession, StaffSessions, StaffUsers } from "../ports/staff.ts";
import type { StaffUser } from "../domain/users.ts";

/**
 * How long an instance trusts a session it has read without reading it again. Logouts, removals
 * and account changes are heard at once on the staff-sessions channel (on every instance); this
 * bounds what an instance that missed such an event (its LISTEN connection dropped) keeps using.
 */
export const SESSION_CACHE_MS = 5_000;
/** Sessions remembered at most; the oldest go first (a busy office has a few dozen). */
const MAX_ENTRIES = 5_000;

type Entry = { session: StaffSession; user: StaffUser; key: string; readAt: number };

/**
 * Every staff page asks for its login session and user (one statement, the tail of a busy
 * page's latency). This keeps each for `ttlMs` per instance. It is forgotten:
 * - at once on this instance when it is deleted, or its user changed (role, password, disabled),
 *   since the repositories are wrapped in place and no write path can skip it;
 * - on every other instance when the staff-sessions channel says so: `ended` (logOut already
 *   publishes it) or `user-changed` (published here after the user's write commits).
 * A read that an invalidation overtook is not kept, so a logout racing a page load cannot leave
 * the session remembered. A kept session in use is read again in the background once past half
 * its time, so pages do not wait for it; none is used older than `ttlMs`. Touches update the kept
 * copy, so the once-a-minute touch stays once a minute. Returns the unsubscribe function.
 */
export function cacheStaffSessions(deps: {
  repos: Pick<Repositories, "staffSessions" | "staffUsers">;
  liveEvents: LiveEvents;
  ttlMs?: number;
  /** A monotonic clock in ms (tests move it). */
  clock?: () => number;
}): () => void {
  const { repos, liveEvents } = deps;
  const ttl = deps.ttlMs ?? SESSION_CACHE_MS;
  const clock = deps.clock ?? (() => performance.now());
  const sessions: StaffSessions = repos.staffSessions;
  const users: StaffUsers = repos.staffUsers;
  // By the cookie's id, so a request finds its session without awaiting anything (hashing is
  // async, and under load each await waits behind the event loop's queue). Events name sessions by
  // their digest: `ids` turns one back. Held in this process's memory only, as the request was.
  const kept = new Map<string, Entry>();
  const ids = new Map<string, string>();
  /** Rises with every invalidation: a read started before one is not kept. */
  let generation = 0;

  const drop = (id: string) => {
    const entry = kept.get(id);
    if (entry) ids.delete(entry.key);
    kept.delete(id);
  };
  const forgetKey = (key: string) => {
    generation++;
    const id = ids.get(key);
    if (id !== undefined) drop(id);
  };
  const forgetUser = (userId: string) => {
    generation++;
    for (const [id, entry] of kept) if (entry.user.id === userId) drop(id);
  };
  const userChanged = async (userId: string) => {
    forgetUser(userId);
    await liveEvents.publish(STAFF_SESSIONS_CHANNEL, { type: "user-changed", data: { userId } });
  };

  /** Reads a session and keeps it, unless an invalidation overtook the read. */
  const read = async (id: string) => {
    const startedAt = generation;
    const [found, key] = await Promise.all([sessions.withUser(id), sessionKey(id)]);
    drop(id); // re-inserted last: the map stays in reading order for the eviction below
    if (found && generation === startedAt) {
      kept.set(id, { ...found, key, readAt: clock() });
      ids.set(key, id);
      if (kept.size > MAX_ENTRIES) drop(kept.keys().next().value!);
    }
    return found;
  };
  const refreshing = new Set<string>();

  const subscription = liveEvents.subscribe(STAFF_SESSIONS_CHANNEL, null, (event) => {
    if (event.type === "ended") forgetKey(event.data.sessionKey);
    else forgetUser(event.data.userId);
  });

  repos.staffSessions = {
    ...sessions,
    withUser(id) {
      const entry = kept.get(id);
      const age = entry ? clock() - entry.readAt : Infinity;
      if (!entry || age >= ttl) return read(id);
      // Past half its time, read it again behind this answer: a session in use is then never
      // waited for (a wait every few seconds was the kept dashboard's p99 under load).
      if (age >= ttl / 2 && !refreshing.has(id)) {
        refreshing.add(id);
        read(id)
          .catch(() => drop(id)) // the next request reads it itself
          .finally(() => refreshing.delete(id));
      }
      return Promise.resolve({ session: entry.session, user: entry.user });
    },
    async touch(id, lastSeenAt, expiresAt) {
      await sessions.touch(id, lastSeenAt, expiresAt);
      const entry = kept.get(id);
      if (entry) entry.session = { ...entry.session, lastSeenAt, expiresAt };
    },
    async delete(id) {
      generation++;
      drop(id);
      await sessions.delete(id);
      generation++;
      drop(id); // again: a read that began before the delete committed may have kept it
    },
    async deleteForUser(userId) {
      forgetUser(userId);
      const deleted = await sessions.deleteForUser(userId);
      await userChanged(userId);
      return deleted;
    },
  };
  repos.staffUsers = {
    ...users,
    async change(id, decide) {
      const changed = await users.change(id, decide);
      if (changed.ok) await userChanged(id);
      return changed;
    },
    async setPassword(id, passwordHash) {
      await users.setPassword(id, passwordHash);
      await userChanged(id);
    },
  };
  return () => subscription.unsubscribe();
}
