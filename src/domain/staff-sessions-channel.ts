import { defineChannel } from "../ports/live-events.ts";

/**
 * Sessions that have ended (logged out, expired, removed), so every live stream opened with one
 * closes at once, on whichever instance serves it. Named by sessionKey, never by the id itself.
 * `user-changed`: an account's role, password or standing changed (its sessions may have been
 * removed with it), so every instance forgets what it remembered of that user's sessions.
 * Not kept for replay: a stream opened later finds the session gone when it starts.
 */
export type StaffSessionEvent =
  | { type: "ended"; data: { sessionKey: string } }
  | { type: "user-changed"; data: { userId: string } };

export const STAFF_SESSIONS_CHANNEL = defineChannel<StaffSessionEvent>("staff-sessions", {
  ended: "transient",
  "user-changed": "transient",
});
