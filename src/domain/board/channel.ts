import { defineChannel } from "../../ports/live-events.ts";

/**
 * A wall-board link was revoked: every board stream opened with it closes at once, on whichever
 * instance serves it. Named by the link's id (not secret: only the token opens the board). Not
 * kept for replay: a stream opened later finds the link gone when it starts.
 */
export type BoardLinkEvent = { type: "revoked"; data: { linkId: string } };

export const BOARD_LINKS_CHANNEL = defineChannel<BoardLinkEvent>("board-links", { revoked: "transient" });
