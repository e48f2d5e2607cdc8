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

type Entry = { session: StaffSession; user: StaffUser; readAt: number };

/**
 * Every staff page asks for its login session and user (one statement, the tail of a busy
 * page's latency). This keeps each for `ttlMs` per instance. It is forgotten:
 * - at once on this instance when it is deleted, or its user changed (role, password, disabled),
 *   since the repositories are wrapped in place and no write path can skip it;
 * - on every other instance when the staff-sessions channel says so: `ended` (logOut already
 *   publishes it) or `user-changed` (published here after the user's write commits).
 * A read that an invalidation overtook is not kept, so a logout racing a page load cannot leave
 * the session remembered. A kept session in use is read again in the background once past half
 * its time, so pages do not wait for it; none is used older than `ttlMs`. Touches update the kept copy, so the once-a-minute touch stays once a minute.
 * Returns the unsubscribe function.
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
  const kept = new Map<string, Entry>();
  /** Rises with every invalidation: a read started before one is not kept. */
  let generation = 0;

  const forgetKey = (key: string) => {
    generation++;
    kept.delete(key);
  };
  const forgetUser = (userId: string) => {
    generation++;
    for (const [key, entry] of kept) if (entry.user.id === userId) kept.delete(key);
  };
  const userChanged = async (userId: string) => {
    forgetUser(userId);
    await liveEvents.publish(STAFF_SESSIONS_CHANNEL, { type: "user-changed", data: { userId } });
  };

  /** Reads a session and keeps it, unless an invalidation overtook the read. */
  const read = async (id: string, key: string) => {
    const startedAt = generation;
    const found = await sessions.withUser(id);
    if (found && generation === startedAt) {
      kept.delete(key); // re-inserted last: the map stays in reading order for the eviction below
      kept.set(key, { ...found, readAt: clock() });
      if (kept.size > MAX_ENTRIES) kept.delete(kept.keys().next().value!);
    } else if (!found || generation !== startedAt) kept.delete(key);
    return found;
  };
  const refreshing = new Set<string>();

  const subscription = liveEvents.subscribe(STAFF_SESSIONS_CHANNEL, null, (event) => {
    if (event.type === "ended") forgetKey(event.data.sessionKey);
    else forgetUser(event.data.userId);
  });

  repos.staffSessions = {
    ...sessions,
    async withUser(id) {
      const key = await sessionKey(id);
      const entry = kept.get(key);
      const age = entry ? clock() - entry.readAt : Infinity;
      if (entry && age < ttl) {
        // Past half its time, read it again behind this answer: a session in use is then never
        // waited for (a wait every few seconds was the kept dashboard's p99 under load).
        if (age >= ttl / 2 && !refreshing.has(key)) {
          refreshing.add(key);
          read(id, key)
            .catch(() => kept.delete(key)) // the next request reads it itself
            .finally(() => refreshing.delete(key));
        }
        return { session: entry.session, user: entry.user };
      }
      return read(id, key);
    },
    async touch(id, lastSeenAt, expiresAt) {
      await sessions.touch(id, lastSeenAt, expiresAt);
      const entry = kept.get(await sessionKey(id));
      if (entry) entry.session = { ...entry.session, lastSeenAt, expiresAt };
    },
    async delete(id) {
      const key = await sessionKey(id);
      forgetKey(key);
      await sessions.delete(id);
      forgetKey(key); // again: a read that began before the delete committed may have kept it
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
