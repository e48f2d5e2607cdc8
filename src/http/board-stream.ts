import type { Context } from "hono";
import { BOARD_LINKS_CHANNEL } from "../domain/board/channel.ts";
import { DASHBOARD_CHANNEL } from "../domain/dashboard/channel.ts";
import { CALLS_CHANNEL } from "../domain/live-call/channels.ts";
import { INBOX_CHANNEL } from "../domain/messaging/live.ts";
import { SCHEDULE_CHANNEL } from "../domain/scheduling/schedule-channel.ts";
import type { AppDeps, AppEnv } from "./deps.ts";
import { sseResponse, sseText, type EndWatch } from "./live-stream.ts";

/** The one thing the board's stream says: something behind it changed. No data: the stream carries nothing a room should not see. */
const CHANGED = sseText({ event: "changed", data: "" });

/**
 * The wall board's live stream: a data-free `changed` whenever the calls list, the inbox (missed
 * calls, replies), the dispatch board or the dashboard's figures (jobs, money) change, on any
 * instance. The board re-reads its figures then, and whenever it (re)connects, so nothing needs
 * replaying. `endsWith`: for a read-only link, its revocation (else the login session).
 */
export function boardStream(c: Context<AppEnv>, endsWith?: EndWatch): Response {
  const { liveEvents } = c.get("deps");
  return sseResponse(
    c,
    (write) => {
      const changed = () => write(CHANGED);
      const subscriptions = [
        liveEvents.subscribe(CALLS_CHANNEL, null, changed),
        liveEvents.subscribe(INBOX_CHANNEL, null, changed),
        liveEvents.subscribe(SCHEDULE_CHANNEL, null, changed),
        liveEvents.subscribe(DASHBOARD_CHANNEL, null, changed),
      ];
      return () => {
        for (const subscription of subscriptions) subscription.unsubscribe();
      };
    },
    ...(endsWith ? [endsWith] : []),
  );
}

/**
 * Ends a board stream opened with a read-only link when the link is revoked: at once when the
 * revocation is announced (every instance hears it), else at the next heartbeat's check.
 */
export const boardLinkWatch =
  (deps: AppDeps, linkId: string): EndWatch =>
  (end) => {
    const subscription = deps.liveEvents.subscribe(BOARD_LINKS_CHANNEL, null, (event) => {
      if (event.data.linkId === linkId) end();
    });
    let checking = false;
    return {
      check() {
        if (checking) return;
        checking = true;
        deps.repos.boardLinks.isActive(linkId).then(
          (active) => {
            checking = false;
            if (!active) end();
          },
          (error: unknown) => {
            // A database hiccup is no proof the link was revoked: keep streaming, check again next beat.
            checking = false;
            deps.logger.warn({ err: error instanceof Error ? error.name : String(error) }, "board link check failed");
          },
        );
      },
      unsubscribe: () => subscription.unsubscribe(),
    };
  };
