import type { Issue } from "../domain/issues.ts";
import { assetUrl } from "./assets.ts";
import { formatDateTime } from "../domain/london-time.ts";
import type { BoardPeriod, BoardRow } from "../domain/scheduling/board.ts";
import { APPOINTMENT_STATUS_LABELS, isMovable } from "../domain/scheduling/appointments.ts";
import { formatClock, londonInstant, londonWallTime } from "../domain/scheduling/london-clock.ts";
import type { BoardVisit } from "../ports/scheduling.ts";
import { raw } from "hono/html";
import { Badge } from "./components.tsx";
import { humanise } from "./format.ts";
import { Layout, type PageContext } from "./layout.tsx";

/** What the board and its queue show: the period, a row per engineer, and the jobs waiting for a visit. */
export interface BoardData {
  period: BoardPeriod;
  rows: BoardRow<BoardVisit>[];
  queue: Issue[];
  /** The board's own address (view and date), which it re-reads when the schedule changes. */
  url: string;
}

const columnFormat = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/London",
  weekday: "short",
  day: "numeric",
  month: "short",
});
const dayTitle = (date: string) => columnFormat.format(londonInstant(date, 12 * 60));

export const boardUrl = (view: string, date: string) => `/schedule?view=${view}&date=${date}`;

/**
 * The dispatch board: engineers as rows and days as columns, the unscheduled queue beside it,
 * and a panel where a visit's or a job's form opens. The board re-reads itself whenever any
 * staff browser (on any instance) changes a visit, through the `schedule` live topic.
 */
export function SchedulePage(props: { ctx: PageContext; board: BoardData; after: number; panel?: unknown }) {
  const { period } = props.board;
  const first = period.days[0]!;
  const other = period.view === "week" ? "day" : "week";
  return (
    <Layout ctx={props.ctx} title="Schedule">
      <script src={assetUrl("schedule.js")} defer></script>
      <div class="schedule-head">
        <h1>Schedule</h1>
        <nav class="schedule-nav" aria-label="Period">
          <a href={boardUrl(period.view, period.previous)} rel="prev">
            ← Earlier
          </a>
          <strong>{period.view === "week" ? `Week of ${dayTitle(first)}` : dayTitle(first)}</strong>
          <a href={boardUrl(period.view, period.next)} rel="next">
            Later →
          </a>
          <a href={boardUrl(other, first)}>{other === "day" ? "Day view" : "Week view"}</a>
          <a href="/settings/on-call">Out of hours and on call</a>
        </nav>
      </div>
      <div id="visit-panel" aria-live="polite">
        {props.panel ?? null}
      </div>
      <div hx-ext="sse" sse-connect={`/live?topic=schedule&after=schedule=${props.after}`}>
        <div
          id="schedule-live"
          hx-get={props.board.url}
          hx-trigger="sse:schedule-changed queue:last"
          hx-swap="innerHTML"
        >
          <BoardContent {...props.board} />
        </div>
      </div>
    </Layout>
  );
}

/** The board and the queue: what a live change or a form's success swaps in. */
export function BoardContent(props: BoardData) {
  const { period, rows } = props;
  // Panels opened from here answer with this same board.
  const query = `?view=${period.view}&date=${period.days[0]}`;
  return (
    <div class={`schedule ${period.view}`}>
      <section class="board-wrap" aria-label="Engineers' visits">
        {rows.length === 0 ? (
          <p class="muted">No engineers yet: add one with `npm run cli -- engineer add`.</p>
        ) : (
          <div class="table-wrap">
            <table class="dispatch" data-view={period.view} data-date={period.days[0]}>
              <thead>
                <tr>
                  <th scope="col">Engineer</th>
                  {period.days.map((day) => (
                    <th scope="col">
                      <a href={boardUrl("day", day)}>{dayTitle(day)}</a>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>{raw(rows.map((row) => rowHtml(row, period.days)).join(""))}</tbody>
            </table>
          </div>
        )}
      </section>
      <Queue issues={props.queue} query={query} />
    </div>
  );
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const SPECIAL = /[&<>"']/;
/** Most titles and postcodes hold nothing to escape: a test is cheaper than a replace that finds nothing. */
const escape = (text: string) => (SPECIAL.test(text) ? text.replace(/[&<>"']/g, (c) => ESCAPES[c]!) : text);

/**
 * One engineer's row as a string, escaped here: a week holds 1,200 cards, and building them as
 * strings takes about half the time of JSX or templates (the week board's budget is 50 ms). The
 * row names its engineer once; a cell only its date (schedule.js reads both from there).
 */
function rowHtml(row: BoardRow<BoardVisit>, days: readonly string[]): string {
  const cells = row.cells.map(
    (visits, index) => `<td data-date="${days[index]}">${visits.map(cardHtml).join("")}</td>`,
  );
  const trades = escape(row.engineer.trades.map(humanise).join(", "));
  return `<tr data-engineer="${escape(row.engineer.userId)}"><th scope="row">${escape(row.engineer.name ?? row.engineer.email)}<span class="muted trades">${trades}</span></th>${cells.join("")}</tr>`;
}

/**
 * One visit on the board, as short as it can be said, since a week repeats it 1,200 times: no
 * class for what is usual (routine, booked), no id (the link names the visit), the board's view
 * and date added to the link by schedule.js when it opens the visit in the panel (without script
 * the link is a page, with the board of the visit's week). `data-v` (the version a move sends) marks the
 * visits that can still move, the only ones schedule.js lets be dragged.
 */
function cardHtml(visit: BoardVisit): string {
  const start = formatClock(londonWallTime(visit.startsAt).minutes);
  const end = formatClock(londonWallTime(visit.endsAt).minutes);
  const urgency = visit.urgency === "routine" ? "" : ` class="${visit.urgency}"`;
  const movable = isMovable(visit.status) ? ` data-v="${visit.version}"` : "";
  const badge =
    visit.status === "booked"
      ? ""
      : ` <span class="badge ${visit.status}">${escape(APPOINTMENT_STATUS_LABELS[visit.status])}</span>`;
  const postcode = visit.postcode ? ` <small>${escape(visit.postcode)}</small>` : "";
  return `<a href="/schedule/visits/${escape(visit.id)}"${urgency}${movable}><b>${start}–${end}</b> ${escape(visit.issueTitle)}${postcode}${badge}</a>`;
}

/** Open jobs with no visit coming: emergencies first, then urgent, oldest first. */
function Queue(props: { issues: Issue[]; query: string }) {
  return (
    <aside class="queue" aria-labelledby="queue-title">
      <h2 id="queue-title">Unscheduled</h2>
      {props.issues.length === 0 ? (
        <p class="muted">Every open job has a visit.</p>
      ) : (
        <ol class="queue-list">
          {props.issues.map((issue) => {
            const href = `/schedule/issues/${issue.id}/book${props.query}`;
            return (
              <li id={`queue-${issue.id}`}>
                <Badge value={issue.urgency} label={humanise(issue.urgency)} />{" "}
                <a href={`/issues/${issue.id}`}>{issue.title}</a>
                <span class="muted">
                  {" "}
                  {humanise(issue.category)} · {issue.postcode ?? "no postcode"} · since{" "}
                  {formatDateTime(issue.createdAt)}
                </span>{" "}
                <a
                  class="button secondary"
                  href={href}
                  hx-get={href}
                  hx-target="#visit-panel"
                  hx-swap="innerHTML show:#visit-panel:top"
                >
                  Book
                </a>
              </li>
            );
          })}
        </ol>
      )}
    </aside>
  );
}
