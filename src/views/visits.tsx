import { ISSUE_STATUS_LABELS, type Issue } from "../domain/issues.ts";
import { formatDaySpan } from "../domain/london-time.ts";
import { APPOINTMENT_STATUS_LABELS, appointmentTransitions } from "../domain/scheduling/appointments.ts";
import type { Slot } from "../domain/scheduling/free-slots.ts";
import type { AppointmentView } from "../ports/scheduling.ts";
import { Badge } from "./components.tsx";
import { humanise } from "./format.ts";
import { AssistantCallButton } from "./assistant-call.tsx";
import { CsrfField } from "./layout.tsx";
import { VisitRecordsList } from "./my-day.tsx";
import type { VisitRecord } from "../domain/scheduling/visit-records.ts";

/** "Tue 8 Dec, 08:30–10:30", on the London clock. */
export const visitWhen = (startsAt: Date, endsAt: Date) => formatDaySpan(startsAt, endsAt, "short");

/** What a slot's radio button carries back: engineer, start and end (the rules check them all again). */
export const slotValue = (slot: Pick<Slot, "engineerId" | "startsAt" | "endsAt">) =>
  `${slot.engineerId}|${slot.startsAt.toISOString()}|${slot.endsAt.toISOString()}`;

/**
 * A job's visits and, while the job is open, "Book a visit": the next free slots for its trade
 * near its site, one radio button each. htmx swaps the whole section after a booking or a
 * refusal (the reason shown beside the form); without JavaScript the form posts and the page
 * comes back.
 */
export function VisitsSection(props: {
  issue: Issue;
  appointments: AppointmentView[];
  /** Engineers' notes and photos from the visits, newest first. */
  records?: VisitRecord[];
  /** Null when the job is closed: no booking form. */
  slots: Slot[] | null;
  csrfToken: string | null;
  error?: string;
  booked?: string;
  /** After a change: the job's status line too, swapped out of band (booking schedules the job). */
  statusLine?: boolean;
  /** The page the section sits on when not the job's (a quote's): plain forms come back there. */
  back?: string;
  /** On the embedded default the call simulator answers assistant calls: pick its reply. */
  simulatedCustomer?: boolean;
}) {
  const { issue } = props;
  const base = `/issues/${issue.id}/visits`;
  return (
    <section id="visits">
      <h2>Visits</h2>
      {props.appointments.length === 0 ? (
        <p class="muted">No visits booked.</p>
      ) : (
        <ul class="visits">
          {props.appointments.map((visit) => (
            <li id={`visit-${visit.id}`}>
              {visitWhen(visit.startsAt, visit.endsAt)} · {visit.engineerName}{" "}
              <Badge value={visit.status} label={APPOINTMENT_STATUS_LABELS[visit.status]} />
              {visit.changeRequestedAt && visit.status !== "cancelled" ? (
                <>
                  {" "}
                  <Badge value="urgent" label="Customer asked for another time" />
                </>
              ) : null}
              {visit.status === "booked" && !visit.changeRequestedAt ? (
                <>
                  {" "}
                  <AssistantCallButton
                    action={`/visits/${visit.id}/assistant-call`}
                    csrfToken={props.csrfToken}
                    simulatedCustomer={props.simulatedCustomer}
                  />
                </>
              ) : null}
              {appointmentTransitions[visit.status].includes("cancelled") ? (
                <form
                  class="inline"
                  method="post"
                  action={`/appointments/${visit.id}/status`}
                  hx-post={`/appointments/${visit.id}/status`}
                  hx-target="#visits"
                  hx-swap="outerHTML"
                >
                  <CsrfField token={props.csrfToken} />
                  {props.back ? <input type="hidden" name="back" value={props.back} /> : null}
                  <input type="hidden" name="status" value="cancelled" />
                  <input type="hidden" name="version" value={String(visit.version)} />{" "}
                  <button type="submit" class="secondary">
                    Cancel visit
                  </button>
                </form>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {props.records && props.records.length > 0 ? (
        <>
          <h3>From site</h3>
          <VisitRecordsList records={props.records} />
        </>
      ) : null}
      {props.booked ? (
        <p class="notice" role="status">
          Booked: {props.booked}.
        </p>
      ) : null}
      {props.slots === null ? (
        props.error ? (
          <p class="form-error" role="alert">
            {props.error}
          </p>
        ) : null
      ) : (
        <form method="post" action={base} hx-post={base} hx-target="#visits" hx-swap="outerHTML" class="stack">
          <CsrfField token={props.csrfToken} />
          {props.back ? <input type="hidden" name="back" value={props.back} /> : null}
          <fieldset>
            <legend>Book a visit</legend>
            {props.slots.length === 0 ? (
              <p class="muted">
                No engineer who does {humanise(issue.category).toLowerCase()} is free in the next two weeks
                {issue.postcode ? "" : " (and the job has no postcode to reckon travel from)"}.
              </p>
            ) : (
              props.slots.map((slot, index) => (
                <label class="inline choice">
                  <input type="radio" name="slot" value={slotValue(slot)} checked={index === 0} />{" "}
                  {visitWhen(slot.startsAt, slot.endsAt)} — {slot.engineerName}{" "}
                  <span class="muted">(about {slot.travelFromHomeMinutes} min from home)</span>
                </label>
              ))
            )}
          </fieldset>
          {props.error ? (
            <p class="form-error" role="alert">
              {props.error}
            </p>
          ) : null}
          {props.slots.length > 0 ? <button type="submit">Book visit</button> : null}
        </form>
      )}
      {props.statusLine ? (
        <dd id="issue-status" hx-swap-oob="true">
          {ISSUE_STATUS_LABELS[issue.status]}
        </dd>
      ) : null}
    </section>
  );
}
