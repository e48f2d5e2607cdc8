import { isCallOver } from "../domain/calls.ts";
import { phoneForDisplay } from "./format.ts";
import type { CallsListEvent, LiveCallEvent } from "../domain/live-call/channels.ts";
import { leadDisplayName } from "../domain/leads.ts";
import type { LiveEvent } from "../ports/live-events.ts";
import { CallDetailsPanel } from "./call-details.tsx";
import { CallerCard, CallStatusLine, IntakeNote, TranscriberNotice } from "./call-live.tsx";
import { interimLineHtml, transcriptLineHtml } from "./call-live-lines.ts";
import type { SseMessage } from "./sse-message.ts";
import { CardDataLive } from "./card-data.tsx";
import { CallerCheckNotice } from "./caller-check.tsx";

const html = (node: unknown) => String(node);

/** A call's live events as the fragments the call page swaps in (`sse-swap` names in call-live.tsx). */
export function renderCallEvent(event: LiveEvent<LiveCallEvent>, callId: string): SseMessage[] {
  switch (event.type) {
    case "segment":
      return [
        { event: "transcript", data: transcriptLineHtml(event.data) },
        { event: `interim-${event.data.track}`, data: "" },
      ];
    case "interim":
      return [{ event: `interim-${event.data.track}`, data: interimLineHtml(event.data.track, event.data.text) }];
    case "transcriber":
      return [{ event: "transcriber", data: html(<TranscriberNotice state={event.data} live={true} />) }];
    case "details":
      return [
        { event: "details", data: html(<CallDetailsPanel callId={callId} details={event.data} csrfToken={null} />) },
      ];
    case "intake":
      return [
        {
          event: "intake",
          data: html(
            <IntakeNote issue={{ id: event.data.issueId, title: event.data.title }} created={event.data.created} />,
          ),
        },
      ];
    case "caller": {
      const { call, lead } = event.data;
      return [
        {
          event: "caller",
          data: html(<CallerCard call={{ ...call, startedAt: new Date(call.startedAt) }} lead={lead} />),
        },
        { event: "caller-name", data: html(<>{lead ? leadDisplayName(lead) : phoneForDisplay(call.from)}</>) },
      ];
    }
    case "status": {
      const call = {
        status: event.data.status,
        answeredAt: event.data.answeredAt ? new Date(event.data.answeredAt) : null,
        durationSeconds: event.data.durationSeconds,
      };
      const messages = [{ event: "status", data: html(<CallStatusLine call={call} />) }];
      if (isCallOver(call.status)) messages.push({ event: "ended", data: "" });
      return messages;
    }
    case "callerCheck":
      return [
        {
          event: "caller-check",
          data: html(<CallerCheckNotice callId={callId} check={event.data} csrfToken={null} />),
        },
      ];
    case "card":
      return [{ event: "card", data: html(<CardDataLive callId={callId} notice={event.data} live={true} />) }];
    case "filed":
      // The call's intake is done: with "ended" too, the page stops listening (LISTEN_AFTER_ENDED_MS).
      return [{ event: "filed", data: "" }];
  }
}

/** The calls list re-fetches itself on any change, so a missed or repeated event can never leave it wrong. */
export function renderCallsListEvent(_event: LiveEvent<CallsListEvent>): SseMessage[] {
  return [{ event: "calls-changed", data: "" }];
}
