import { defineChannel } from "../ports/live-events.ts";

/**
 * Sessions that have ended (logged out, expired, removed), so every live stream opened with one
 * closes at once, on whichever instance serves it. Named by sessionKey, never by the id itself.
 * Not kept for replay: a stream opened later finds the session gone when it starts.
 */
export type StaffSessionEvent = { type: "ended"; data: { sessionKey: string } };

export const STAFF_SESSIONS_CHANNEL = defineChannel<StaffSessionEvent>("staff-sessions", { ended: "transient" });
