import type { TradeCategory } from "../domain/issues.ts";
import type { Slot } from "../domain/scheduling/free-slots.ts";
import { CsrfField } from "./layout.tsx";
import { slotValue, visitWhen } from "./visits.tsx";

/** What the live call's slots panel shows, and the key the page sends back to ask "anything new?". */
export type CallSlotsView = { callId: string; shown: string; error?: string } & (
  | { state: "needs"; missing: string[] }
  | { state: "ended" }
  /** Staff have not said who the caller is yet: that decides whose job the visit goes on. */
  | { state: "caller" }
  | { state: "offers"; trade: TradeCategory; slots: Slot[] }
  | { state: "booked"; trade: TradeCategory; visits: { startsAt: Date; endsAt: Date; engineerName: string }[] }
);

/** "Booked: Tue 8 Dec, 10:00–11:00 with Sam Pipe (plumbing)": what staff read back to the caller. */
export const bookedLine = (visit: { startsAt: Date; endsAt: Date; engineerName: string }, trade: TradeCategory) =>
  `Booked: ${visitWhen(visit.startsAt, visit.endsAt)} with ${visit.engineerName} (${trade})`;

/**
 * The live call's "Book a visit" panel. It asks for itself when drawn and whenever the details
 * panel changes (`sse:details`), the call is filed (`sse:intake`) or the caller check moves
 * (`sse:caller-check`), sending the key of what it shows: the server answers 204 when nothing it
 * depends on changed, so a slot staff have ticked stays ticked while the caller talks on.
 */
export const CallSlotsPanel = (props: { callId: string }) => (
  <section
    class="card"
    id="call-slots"
    aria-live="polite"
    hx-get={`/calls/${props.callId}/slots`}
    hx-trigger="load, sse:details, sse:intake, sse:caller-check"
    hx-include="find input[name=shown]"
    hx-target="this"
    hx-swap="innerHTML"
  >
    <h2>Book a visit</h2>
  </section>
);

/** The panel's inside, swapped in by htmx. */
export function CallSlotsBody(props: { view: CallSlotsView; csrfToken: string | null }) {
  const { view } = props;
  const url = `/calls/${view.callId}/slots`;
  return (
    <>
      <h2>Book a visit</h2>
      <input type="hidden" name="shown" value={view.shown} />
      {view.state === "needs" ? (
        <p class="muted">Free slots show here once the caller has given the {view.missing.join(" and ")}.</p>
      ) : view.state === "caller" ? (
        <p class="muted">Say who the caller is first (above): the visit goes on their job.</p>
      ) : view.state === "ended" ? (
        <p class="muted">The call has ended: book a visit from its job once it is filed.</p>
      ) : view.state === "booked" ? (
        view.visits.map((visit) => (
          <p class="notice" role="status">
            {bookedLine(visit, view.trade)}
          </p>
        ))
      ) : view.slots.length === 0 ? (
        <p class="muted">No engineer who does {view.trade} is free in the next two weeks.</p>
      ) : (
        <form method="post" action={url} hx-post={url} hx-target="#call-slots" hx-swap="innerHTML" class="stack">
          <CsrfField token={props.csrfToken} />
          {view.slots.map((slot, index) => (
            <label class="inline choice">
              <input type="radio" name="slot" value={slotValue(slot)} checked={index === 0} />{" "}
              {visitWhen(slot.startsAt, slot.endsAt)} — {slot.engineerName}{" "}
              <span class="muted">(about {slot.travelFromHomeMinutes} min from home)</span>
            </label>
          ))}
          <button type="submit">Book this slot</button>
        </form>
      )}
      {view.error ? (
        <p class="form-error" role="alert">
          {view.error}
        </p>
      ) : null}
    </>
  );
}
