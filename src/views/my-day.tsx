import type { Issue } from "../domain/issues.ts";
import { formatDateTime, formatLongDate, formatTime } from "../domain/london-time.ts";
import type { Message } from "../domain/messaging/message.ts";
import { formatPhone } from "../domain/phone.ts";
import type { QuoteLine } from "../domain/quotes.ts";
import { APPOINTMENT_STATUS_LABELS } from "../domain/scheduling/appointments.ts";
import { engineerMovesFrom, mapLink } from "../domain/scheduling/my-day.ts";
import { MAX_VISIT_NOTE_LENGTH, type VisitRecord } from "../domain/scheduling/visit-records.ts";
import type { AppointmentView } from "../ports/scheduling.ts";
import { Badge } from "./components.tsx";
import { CsrfField, Layout, type PageContext } from "./layout.tsx";

/** Everything a visit's card shows: the visit, its job and what the office and the customer left for it. */
export interface VisitCardData {
  visit: AppointmentView;
  issue: Issue;
  /** The call's summary, when the extractor wrote one. */
  callSummary: string | null;
  /** The caller's own words (src/domain/scheduling/my-day.ts callerWords). */
  callerWords: string | null;
  /** The customer's photos and videos sent for this job. */
  customerMedia: Pick<Message, "id" | "kind" | "thumbnailKey" | "mediaType">[];
  /** The latest quote's lines. */
  quoteLines: QuoteLine[];
  /** Notes and photos from this visit, newest first. */
  records: VisitRecord[];
}

const MOVE_LABELS = { en_route: "On my way", on_site: "On site", done: "Done", no_access: "No access" } as const;

/**
 * One visit on the engineer's phone: where, how to get in, what the caller said, what they sent,
 * what was quoted; the next moves as big buttons, a note and a photo. htmx swaps the card after
 * each; without script the forms post and the page comes back.
 */
export function VisitCard(props: { data: VisitCardData; csrfToken: string | null; error?: string; saved?: string }) {
  const { visit, issue } = props.data;
  const base = `/my-day/visits/${visit.id}`;
  const map = mapLink(issue.address, issue.postcode);
  const htmx = (action: string) => ({
    method: "post" as const,
    action,
    "hx-post": action,
    "hx-target": `#visit-${visit.id}`,
    "hx-swap": "outerHTML",
  });
  const photos = props.data.records.filter((r) => r.kind === "photo");
  const notes = props.data.records.filter((r) => r.kind === "note");
  return (
    <article class="card visit-card" id={`visit-${visit.id}`} data-status={visit.status}>
      <header>
        <h2>
          {formatTime(visit.startsAt)}–{formatTime(visit.endsAt)} · {issue.title}
        </h2>
        <Badge value={visit.status} label={APPOINTMENT_STATUS_LABELS[visit.status]} /> <Badge value={issue.urgency} />
      </header>
      {props.error ? (
        <p class="form-error" role="alert">
          {props.error}
        </p>
      ) : null}
      {props.saved ? (
        <p class="notice" role="status">
          {props.saved}
        </p>
      ) : null}
      <p class="site">
        {[issue.address, issue.postcode].filter(Boolean).join(", ") || "No address on the job."}
        {map ? (
          <>
            {" "}
            <a class="button" href={map} target="_blank" rel="noopener noreferrer">
              Map
            </a>
          </>
        ) : null}
      </p>
      {issue.accessNotes ? (
        <p class="access">
          <strong>Access:</strong> {issue.accessNotes}
        </p>
      ) : null}
      {issue.description ? <p>{issue.description}</p> : null}
      {props.data.callSummary ? <p class="muted">{props.data.callSummary}</p> : null}
      {props.data.callerWords ? (
        <blockquote class="caller-words" cite="call">
          “{props.data.callerWords}”
        </blockquote>
      ) : null}
      {props.data.customerMedia.length > 0 ? (
        <div class="media-strip" aria-label="From the customer">
          {props.data.customerMedia.map((m) => {
            const href = `${base}/media/${m.id}`;
            return m.kind === "video" ? (
              // biome-ignore lint/a11y/useMediaCaption: customers' own clips have no captions
              <video controls preload="none" src={href} class="thumb"></video>
            ) : (
              <a href={href} target="_blank" rel="noopener">
                <img class="thumb" alt="Photo from the customer" src={m.thumbnailKey ? `${href}?thumbnail=1` : href} />
              </a>
            );
          })}
        </div>
      ) : null}
      {props.data.quoteLines.length > 0 ? (
        <>
          <h3>Quoted</h3>
          <ul class="quote-lines">
            {props.data.quoteLines.map((line) => (
              <li>
                {line.quantity} × {line.description}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <div class="moves">
        {engineerMovesFrom(visit.status).map((move) => (
          <form {...htmx(`${base}/status`)} class="inline">
            <CsrfField token={props.csrfToken} />
            <input type="hidden" name="version" value={String(visit.version)} />
            <input type="hidden" name="status" value={move} />
            <button type="submit" class={move === "no_access" ? "secondary" : undefined}>
              {MOVE_LABELS[move]}
            </button>
          </form>
        ))}
      </div>
      <form {...htmx(`${base}/notes`)} class="stack">
        <CsrfField token={props.csrfToken} />
        <label>
          Note
          <textarea name="note" rows={2} maxlength={MAX_VISIT_NOTE_LENGTH}></textarea>
        </label>
        <button type="submit">Save note</button>
      </form>
      <form {...htmx(`${base}/photos`)} class="stack" enctype="multipart/form-data" hx-encoding="multipart/form-data">
        <CsrfField token={props.csrfToken} />
        <label>
          Photo
          <input type="file" name="photo" accept="image/*" capture="environment" />
        </label>
        <button type="submit">Add photo</button>
      </form>
      {photos.length > 0 || notes.length > 0 ? (
        <VisitRecordsList records={props.data.records} csrfToken={props.csrfToken} />
      ) : null}
    </article>
  );
}

/** Notes and site photos, newest first: on the engineer's card and on the job's page. */
export function VisitRecordsList(props: { records: VisitRecord[]; csrfToken?: string | null }) {
  return (
    <ul class="visit-records">
      {props.records.map((record) =>
        record.kind === "photo" ? (
          <li>
            <a href={`/visit-records/${record.id}/photo`} target="_blank" rel="noopener">
              <img
                class="thumb"
                alt={`Site photo, ${formatDateTime(record.createdAt)}`}
                src={`/visit-records/${record.id}/${record.thumbnailKey ? "thumbnail" : "photo"}`}
              />
            </a>
          </li>
        ) : (
          <li class="note">
            <span class="muted">{formatTime(record.createdAt)}</span> {record.note}
          </li>
        ),
      )}
    </ul>
  );
}

/** The engineer's calendar feed: its secret address, and making a new one (which stops the old). */
export function CalendarFeedPanel(props: { feedUrl: string | null; csrfToken: string | null; renewed?: boolean }) {
  return (
    <section class="card" id="calendar-feed">
      <h2>Calendar</h2>
      {props.feedUrl ? (
        <>
          <p>
            Subscribe to this address in your phone's calendar. Keep it to yourself: anyone with it sees your visits.
          </p>
          <p>
            <input class="feed-url" type="text" readonly value={props.feedUrl} aria-label="Calendar address" />
          </p>
          {props.renewed ? <p role="status">New address made: the old one no longer works.</p> : null}
        </>
      ) : (
        <p class="muted">No calendar address yet.</p>
      )}
      <form
        method="post"
        action="/my-day/calendar"
        hx-post="/my-day/calendar"
        hx-target="#calendar-feed"
        hx-swap="outerHTML"
      >
        <CsrfField token={props.csrfToken} />
        <button type="submit" class="secondary">
          {props.feedUrl ? "Make a new address" : "Make a calendar address"}
        </button>
      </form>
    </section>
  );
}

/**
 * The number the engineer is rung on when on call (and texted about emergencies): shown, and
 * changed or removed in place. A number that cannot be dialled is refused beside the field.
 */
export function PhonePanel(props: {
  phone: string | null;
  csrfToken: string | null;
  typed?: string;
  error?: string;
  saved?: boolean;
}) {
  return (
    <section class="card" id="engineer-phone">
      <h2>Phone</h2>
      <p>
        {props.phone
          ? `When you are on call, calls ring ${formatPhone(props.phone)} and emergencies are texted to it.`
          : "No phone number: when you are on call, calls ring the office instead."}
      </p>
      {props.saved ? <p role="status">Saved.</p> : null}
      <form
        method="post"
        action="/my-day/phone"
        hx-post="/my-day/phone"
        hx-target="#engineer-phone"
        hx-swap="outerHTML"
      >
        <CsrfField token={props.csrfToken} />
        <label for="engineer-phone-input">Mobile number (leave empty to remove)</label>
        <input
          id="engineer-phone-input"
          name="phone"
          type="tel"
          autocomplete="tel"
          value={props.typed ?? (props.phone ? formatPhone(props.phone) : "")}
          aria-invalid={props.error ? "true" : undefined}
          aria-describedby={props.error ? "engineer-phone-error" : undefined}
        />
        {props.error ? (
          <span class="field-error" id="engineer-phone-error">
            {props.error}
          </span>
        ) : null}
        <button type="submit" class="secondary">
          Save number
        </button>
      </form>
    </section>
  );
}

/** /my-day: today's visits in order, then the phone number and the calendar feed. */
export function MyDayPage(props: {
  ctx: PageContext;
  day: Date;
  visits: VisitCardData[];
  feedUrl: string | null;
  /** The engineer's on-call number (E.164), or null. */
  phone?: string | null;
  /** False for office staff: they have no visits of their own. */
  isEngineer: boolean;
  title?: string;
}) {
  return (
    <Layout ctx={props.ctx} title={props.title ?? "My day"}>
      <div class="my-day">
        <h1>{props.title ?? `My day · ${formatLongDate(props.day)}`}</h1>
        {!props.isEngineer ? (
          <p class="muted">This is the engineers' view of their visits; your account is not an engineer's.</p>
        ) : props.visits.length === 0 ? (
          <p class="muted">No visits today.</p>
        ) : (
          props.visits.map((data) => <VisitCard data={data} csrfToken={props.ctx.csrfToken} />)
        )}
        {props.isEngineer && !props.title ? (
          <>
            <PhonePanel phone={props.phone ?? null} csrfToken={props.ctx.csrfToken} />
            <CalendarFeedPanel feedUrl={props.feedUrl} csrfToken={props.ctx.csrfToken} />
          </>
        ) : null}
      </div>
    </Layout>
  );
}
