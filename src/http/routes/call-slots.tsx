import { Hono, type Context } from "hono";
import { z } from "zod";
import { isCallOver, type Call } from "../../domain/calls.ts";
import { filingDetails } from "../../domain/extraction/filing-corrections.ts";
import { callChannel } from "../../domain/live-call/channels.ts";
import { appointmentTransitions } from "../../domain/scheduling/appointments.ts";
import { bookVisitFromCall, callSlotNeeds } from "../../domain/scheduling/call-booking.ts";
import { publishVisitChange } from "../../domain/scheduling/schedule-channel.ts";
import { findFreeSlots } from "../../domain/scheduling/find-slots.ts";
import { CallSlotsBody, type CallSlotsView } from "../../views/call-slots.tsx";
import type { AppEnv } from "../deps.ts";
import { notFound, reasonMessage, reasonStatus } from "../errors.ts";
import { pageContext } from "../page-context.ts";
import { formText, LINE_MAX, validForm } from "../validation.ts";
import { parseSlot } from "./visits.tsx";

/** How many slots the live call offers: few enough to read out to the caller. */
const OFFERED_SLOTS = 3;

const bookForm = z.object({ slot: formText(LINE_MAX) });

/** Refusals that mean the calendar moved under the offer: say so, and offer fresh slots. */
const GONE = new Set(["double_booked", "no_time_to_travel", "in_the_past", "outside_hours"]);

/**
 * What the panel shows for the call as stored: the visits booked on its job, else the next free
 * slots for the trade and postcode known so far (the job's once the call is filed under one).
 */
async function slotsView(c: Context<AppEnv>, call: Call): Promise<CallSlotsView>;
/** Given what the page shows: "unchanged" when the offers would be for the same trade and postcode. */
async function slotsView(
  c: Context<AppEnv>,
  call: Call,
  shown: string | undefined,
): Promise<CallSlotsView | "unchanged">;
async function slotsView(c: Context<AppEnv>, call: Call, shown?: string): Promise<CallSlotsView | "unchanged"> {
  const { repos, now, extraction } = c.get("deps");
  const base = { callId: call.id };
  const issue = call.issueId ? await repos.issues.byId(call.issueId) : null;
  if (issue) {
    const visits = (await repos.appointments.forIssue(issue.id)).filter((v) => appointmentTransitions[v.status].length);
    if (visits.length > 0)
      return { ...base, state: "booked", trade: issue.category, visits, shown: `booked:${visits.map((v) => v.id)}` };
  } else if (isCallOver(call.status)) return { ...base, state: "ended", shown: "ended" };
  else if (call.callerCheck?.state === "pending") return { ...base, state: "caller", shown: "caller" };
  const needs = callSlotNeeds(filingDetails(call.extracted, call.corrections, extraction.extractor.name), issue);
  if (!needs.ok) return { ...base, state: "needs", missing: needs.missing, shown: `needs:${needs.missing}` };
  const key = `offers:${needs.trade}|${needs.postcode}`;
  // Asked again while trade and postcode stand: no need to look for slots.
  if (shown === key) return "unchanged";
  const slots = await findFreeSlots(repos, { ...needs, from: now(), count: OFFERED_SLOTS });
  return { ...base, state: "offers", trade: needs.trade, slots, shown: key };
}

export function callSlotRoutes() {
  const app = new Hono<AppEnv>();

  /** The panel; 204 when what the page shows (`shown`) is still right, so nothing is redrawn under staff's hand. */
  app.get("/calls/:id/slots", async (c) => {
    const call = await c.get("deps").repos.calls.byId(c.req.param("id"));
    if (!call) throw notFound("call");
    const shown = c.req.query("shown");
    const view = await slotsView(c, call, shown);
    if (view === "unchanged" || shown === view.shown) return c.body(null, 204);
    return c.html(<CallSlotsBody view={view} csrfToken={pageContext(c).csrfToken} />);
  });

  /** Books the chosen slot on the job this call opens (opened now when the call has none yet). */
  app.post("/calls/:id/slots", validForm(bookForm), async (c) => {
    const deps = c.get("deps");
    const call = await deps.repos.calls.byId(c.req.param("id"));
    if (!call) throw notFound("call");
    const csrfToken = pageContext(c).csrfToken;
    const slot = parseSlot(c.req.valid("form").slot);
    if (!slot) {
      const view = { ...(await slotsView(c, call)), error: "Choose one of the offered slots." };
      return c.html(<CallSlotsBody view={view} csrfToken={csrfToken} />, 422);
    }
    const details = filingDetails(call.extracted, call.corrections, deps.extraction.extractor.name);
    const booked = await bookVisitFromCall({ ...deps.repos, now: deps.now }, call, details, slot, {
      who: c.get("user")?.email ?? "unknown",
    });
    if (!booked.ok) {
      deps.logger.info({ event: "call_visit_refused", callId: call.id, reason: booked.reason }, "visit refused");
      const fresh = (await deps.repos.calls.byId(call.id)) ?? call;
      const message = reasonMessage(booked);
      const error = GONE.has(booked.reason)
        ? `That slot is no longer free (${message.replace(/\.$/, "")}). Fresh slots are above.`
        : message;
      return c.html(
        <CallSlotsBody view={{ ...(await slotsView(c, fresh)), error }} csrfToken={csrfToken} />,
        reasonStatus(booked.reason),
      );
    }
    const { appointment, issue, openedJob } = booked.value;
    deps.logger.info(
      { event: "call_visit_booked", callId: call.id, issueId: issue.id, appointmentId: appointment.id, openedJob },
      "visit booked while the caller was on the line",
    );
    // Everyone watching the call sees the job it opened, and their slots panel asks again (sse:intake).
    await deps.liveEvents.publish(callChannel(call.id), {
      type: "intake",
      data: { issueId: issue.id, title: issue.title, created: issue.sourceCallId === call.id },
    });
    // And every open dispatch board shows the new visit.
    await publishVisitChange(deps.liveEvents, appointment);
    const filed = (await deps.repos.calls.byId(call.id)) ?? call;
    return c.html(<CallSlotsBody view={await slotsView(c, filed)} csrfToken={csrfToken} />);
  });

  return app;
}
