import type { Issue } from "../domain/issues.ts";
import { formatClock, londonWallTime } from "../domain/scheduling/london-clock.ts";
import { APPOINTMENT_STATUS_LABELS, appointmentTransitions, isMovable } from "../domain/scheduling/appointments.ts";
import type { Engineer } from "../domain/scheduling/engineers.ts";
import type { AppointmentView } from "../ports/scheduling.ts";
import { Badge } from "./components.tsx";
import { humanise } from "./format.ts";
import { CsrfField } from "./layout.tsx";
import { visitWhen } from "./visits.tsx";

/** The placement fields as the form shows them (London date and clock times). */
export interface PlacementValues {
  engineerId: string;
  date: string;
  start: string;
  end: string;
}

/** A visit's stored placement as form values. */
export function placementValues(visit: { engineerId: string; startsAt: Date; endsAt: Date }): PlacementValues {
  const start = londonWallTime(visit.startsAt);
  return {
    engineerId: visit.engineerId,
    date: start.date,
    start: formatClock(start.minutes),
    end: formatClock(londonWallTime(visit.endsAt).minutes),
  };
}

/** Where the board stood when the form was opened, so the answer redraws the same board. */
export interface BoardAt {
  view: string;
  date: string;
}

interface PanelNotes {
  error?: string;
  notice?: string;
  csrfToken: string | null;
  at: BoardAt;
}

const BoardFields = (props: { at: BoardAt }) => (
  <>
    <input type="hidden" name="view" value={props.at.view} />
    <input type="hidden" name="date_shown" value={props.at.date} />
  </>
);

/** Engineer, date, start and end: the same fields book, move and reassign. */
function PlacementFields(props: { engineers: Engineer[]; values: PlacementValues; trade: Issue["category"] }) {
  // Those with the job's trade first; the rest stay choosable so the refusal says why not.
  const withTrade = props.engineers.filter((e) => e.trades.includes(props.trade));
  const without = props.engineers.filter((e) => !e.trades.includes(props.trade));
  const option = (e: Engineer) => (
    <option value={e.userId} selected={e.userId === props.values.engineerId}>
      {e.name ?? e.email}
    </option>
  );
  return (
    <div class="placement">
      <label>
        Engineer
        <select name="engineerId" required>
          <optgroup label={`Does ${humanise(props.trade).toLowerCase()}`}>{withTrade.map(option)}</optgroup>
          {without.length > 0 ? <optgroup label="Other trades">{without.map(option)}</optgroup> : null}
        </select>
      </label>
      <label>
        Date
        <input type="date" name="date" value={props.values.date} required />
      </label>
      <label>
        From
        <input type="time" name="start" value={props.values.start} step={900} required />
      </label>
      <label>
        To
        <input type="time" name="end" value={props.values.end} step={900} required />
      </label>
    </div>
  );
}

const Notes = (props: { error?: string; notice?: string }) => (
  <>
    {props.error ? (
      <p class="form-error" role="alert">
        {props.error}
      </p>
    ) : null}
    {props.notice ? (
      <p class="notice" role="status">
        {props.notice}
      </p>
    ) : null}
  </>
);

/** Booking a queued job onto the board: engineer and time, prefilled with the next free slot. */
export function BookPanel(props: PanelNotes & { issue: Issue; engineers: Engineer[]; values: PlacementValues }) {
  const { issue } = props;
  return (
    <section class="panel" id="book-panel">
      <h2>
        Book <a href={`/issues/${issue.id}`}>{issue.title}</a>
      </h2>
      <p class="muted">
        <Badge value={issue.urgency} label={humanise(issue.urgency)} /> {humanise(issue.category)} ·{" "}
        {issue.postcode ?? "no postcode"}
      </p>
      <form method="post" action="/schedule/visits" hx-post="/schedule/visits" hx-target="#visit-panel" class="stack">
        <CsrfField token={props.csrfToken} />
        <BoardFields at={props.at} />
        <input type="hidden" name="issueId" value={issue.id} />
        <PlacementFields engineers={props.engineers} values={props.values} trade={issue.category} />
        <Notes error={props.error} />
        <button type="submit">Book visit</button>
      </form>
    </section>
  );
}

/** After a change: what happened, and the panel closed. */
export const DonePanel = (props: { notice: string }) => (
  <p class="notice" role="status">
    {props.notice}
  </p>
);

/**
 * A visit opened from the board: move it (date, time), reassign it (engineer), or cancel it, each
 * form carrying the version it was drawn from, so a change made meanwhile is refused and shown.
 */
export function VisitPanel(
  props: PanelNotes & { visit: AppointmentView; issue: Issue; engineers: Engineer[]; values?: PlacementValues },
) {
  const { visit, issue } = props;
  const path = `/schedule/visits/${visit.id}`;
  return (
    <section class="panel" id="visit-form">
      <h2>
        <a href={`/issues/${issue.id}`}>{issue.title}</a>
      </h2>
      <p>
        {visitWhen(visit.startsAt, visit.endsAt)} · {visit.engineerName}{" "}
        <Badge value={visit.status} label={APPOINTMENT_STATUS_LABELS[visit.status]} />
        <span class="muted">
          {" "}
          · {humanise(issue.category)} · {issue.postcode ?? "no postcode"}
        </span>
      </p>
      <Notes error={props.error} notice={props.notice} />
      {isMovable(visit.status) ? (
        <form method="post" action={`${path}/move`} hx-post={`${path}/move`} hx-target="#visit-panel" class="stack">
          <CsrfField token={props.csrfToken} />
          <BoardFields at={props.at} />
          <input type="hidden" name="version" value={String(visit.version)} />
          <PlacementFields
            engineers={props.engineers}
            values={props.values ?? placementValues(visit)}
            trade={issue.category}
          />
          <button type="submit">Move visit</button>
        </form>
      ) : null}
      {appointmentTransitions[visit.status].includes("cancelled") ? (
        <form method="post" action={`${path}/cancel`} hx-post={`${path}/cancel`} hx-target="#visit-panel">
          <CsrfField token={props.csrfToken} />
          <BoardFields at={props.at} />
          <input type="hidden" name="version" value={String(visit.version)} />
          <button type="submit" class="secondary">
            Cancel visit
          </button>
        </form>
      ) : null}
    </section>
  );
}
